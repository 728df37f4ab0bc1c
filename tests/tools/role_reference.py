"""The variable reference of each role, generated from its meta/argument_specs.yml, as README.md quotes it,
and each role's own roles/<role>/README.md (which Galaxy shows, and galaxy-importer requires).

    python tests/tools/role_reference.py           # print the blocks
    python tests/tools/role_reference.py --write   # replace them in README.md, rewrite the roles' READMEs

tests/unit/test_role_reference.py fails when README's blocks or a role's README differ from what this makes.
"""

import os
import re
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = os.path.join(REPO, "README.md")
ROLES = os.path.join(REPO, "roles")


def roles():
    return sorted(name for name in os.listdir(ROLES) if os.path.exists(os.path.join(ROLES, name, "meta",
                                                                                    "argument_specs.yml")))


def _text(value):
    lines = value if isinstance(value, list) else [value]
    text = " ".join(str(line) for line in lines)
    # ansible-doc markup, as plain Markdown.
    text = re.sub(r"[CVOI]\(([^)]*)\)", lambda m: "`%s`" % m.group(1).split(":")[-1], text)
    return text.replace("|", "\\|")


def _rows(options, prefix=""):
    rows = []
    for name, spec in options.items():
        kind = spec.get("type", "str")
        if spec.get("elements"):
            kind += " of " + spec["elements"]
        default = "required" if spec.get("required") else (
            "`%s`" % yaml.safe_dump(spec["default"], default_flow_style=True).strip().replace("...", "").strip()
            if "default" in spec else "")
        if spec.get("choices"):
            kind += " (%s)" % ", ".join(str(c) for c in spec["choices"])
        rows.append("| `%s%s` | %s | %s | %s |" % (prefix, name, kind, default, _text(spec.get("description", ""))))
        if spec.get("options"):
            rows += _rows(spec["options"], prefix + name + ".")
    return rows


def block(role):
    with open(os.path.join(ROLES, role, "meta", "argument_specs.yml"), encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)["argument_specs"]["main"]
    lines = ["<!-- roles:%s -->" % role, "", "| variable | type | default | description |", "|---|---|---|---|"]
    lines += _rows(spec["options"])
    lines += ["", "<!-- /roles:%s -->" % role]
    return "\n".join(lines)


# How a play uses each role (the playbooks under playbooks/ are the complete examples).
EXAMPLES = {
    "tenant_onboarding": """- name: Onboard the tenant of each PBX from its definition (host_vars/<pbx>.yml)
  hosts: pbxs
  gather_facts: false
  roles:
    - role: pbxops.pbx.tenant_onboarding
      vars:
        tenant_onboarding_connection: "{{ pbx_connection }}"
        # tenant_onboarding_definition: in the host's variables (playbooks/inventory/host_vars)""",
    "tenant_offboarding": """- name: Remove the tenant acme, and everything it holds, from each PBX
  hosts: pbxs
  gather_facts: false
  roles:
    - role: pbxops.pbx.tenant_offboarding
      vars:
        tenant_offboarding_connection: "{{ pbx_connection }}"
        tenant_offboarding_tenant: acme
        tenant_offboarding_confirm: acme  # must repeat the tenant's name, or nothing is sent""",
}


def role_readme(role):
    """roles/<role>/README.md: what the argument spec says, an example, the variables."""
    with open(os.path.join(ROLES, role, "meta", "argument_specs.yml"), encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)["argument_specs"]["main"]
    lines = ["# pbxops.pbx.%s" % role, "",
             "<!-- Generated from meta/argument_specs.yml by tests/tools/role_reference.py --write. -->", "",
             spec["short_description"] + ".", ""]
    for paragraph in spec.get("description", []):
        lines += [_text(paragraph).replace("\\|", "|"), ""]
    lines += ["## Example", "", "```yaml", EXAMPLES[role], "```", "",
              "The collection's `playbooks/` holds complete playbooks and an example inventory with a tenant "
              "definition per platform; the collection's README.md describes the definition and the platforms.",
              "", "## Variables", "", block(role), ""]
    return "\n".join(lines)


def role_readme_path(role):
    return os.path.join(ROLES, role, "README.md")


def current(text, role):
    found = re.search(r"<!-- roles:%s -->.*?<!-- /roles:%s -->" % (role, role), text, re.S)
    return found.group(0) if found else None


def main(argv):
    with open(README, encoding="utf-8") as fh:
        text = fh.read()
    for role in roles():
        if "--write" in argv:
            if current(text, role) is None:
                sys.exit("README.md has no <!-- roles:%s --> block to replace" % role)
            text = text.replace(current(text, role), block(role))
        else:
            print(block(role) + "\n")
    if "--write" in argv:
        with open(README, "w", encoding="utf-8") as fh:
            fh.write(text)
        for role in roles():
            with open(role_readme_path(role), "w", encoding="utf-8") as fh:
                fh.write(role_readme(role))


if __name__ == "__main__":
    main(sys.argv[1:])
