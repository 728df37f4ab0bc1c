"""The list forms' items are checked by _module.ListItems from the field table, not by Ansible's
sub-spec (which validate-modules would compare with the docs): compare them here instead."""

import ast
import os
import re

import pytest
import yaml

from ansible_collections.pbxops.pbx.plugins.module_utils._fields import RESOURCES
from playbook import REPO

MODULES = os.path.join(REPO, "plugins", "modules")


def resource_modules():
    for name in sorted(os.listdir(MODULES)):
        if not name.endswith(".py") or name.startswith("_"):
            continue
        with open(os.path.join(MODULES, name)) as fh:
            source = fh.read()
        kind = re.search(r'run_resource_module\("(\w+)"\)', source)
        if kind:
            yield name[:-3], kind.group(1), source


def documentation(source):
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION":
            return yaml.safe_load(ast.literal_eval(node.value))
    raise AssertionError("no DOCUMENTATION")


def described(option):
    """What the docs must say of a field-table option, as ansible-doc writes it."""
    spec = option.spec()
    out = {"type": spec["type"]}
    if "elements" in spec:
        out["elements"] = spec["elements"]
    if "choices" in spec:
        out["choices"] = spec["choices"]
    return out


@pytest.mark.parametrize("module, kind, source", list(resource_modules()), ids=lambda v: v if isinstance(v, str) and
                         v.startswith("pbx_") else "")
def test_list_items_are_documented_as_the_field_table_checks_them(module, kind, source):
    resource = RESOURCES[kind]
    docs = documentation(source)["options"]
    items = docs[resource.plural]
    assert (items["type"], items["elements"]) == ("list", "dict")
    sub = items["suboptions"]
    assert set(sub) == set(resource.options) | {"state"}, "%s.%s documents other options than it checks" % (
        module, resource.plural)
    for name, option in resource.options.items():
        got = dict((k, sub[name][k]) for k in ("type", "elements", "choices") if k in sub[name])
        assert got == described(option), "%s.%s[].%s" % (module, resource.plural, name)
        assert got == dict((k, docs[name][k]) for k in ("type", "elements", "choices") if k in docs[name])
        if option.options:
            assert set(sub[name]["suboptions"]) == set(o.name for o in option.options)
    assert sub["state"]["choices"] == ["present", "absent"]
