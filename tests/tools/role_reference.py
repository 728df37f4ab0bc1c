"""The variable reference of each role, generated from its meta/argument_specs.yml, as README.md quotes it.

    python tests/tools/role_reference.py           # print the blocks
    python tests/tools/role_reference.py --write   # replace them in README.md

tests/unit/test_role_reference.py fails when README's blocks differ from what this prints.
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


if __name__ == "__main__":
    main(sys.argv[1:])
