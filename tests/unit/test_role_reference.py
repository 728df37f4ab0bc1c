"""README's variable reference of each role is what its meta/argument_specs.yml says (tests/tools/role_reference.py
generates it; run it with --write after changing a spec)."""

import os
import sys

import pytest

from playbook import REPO

sys.path.insert(0, os.path.join(REPO, "tests", "tools"))
import role_reference  # noqa: E402  pylint: disable=wrong-import-position


def test_there_are_roles():
    assert role_reference.roles() == ["tenant_offboarding", "tenant_onboarding"]


@pytest.mark.parametrize("role", role_reference.roles())
def test_readme_quotes_the_argument_specs(role):
    with open(role_reference.README, encoding="utf-8") as fh:
        text = fh.read()
    assert role_reference.current(text, role) == role_reference.block(role), \
        "README's reference of %s is stale: python tests/tools/role_reference.py --write" % role


@pytest.mark.parametrize("role", role_reference.roles())
def test_the_role_readme_is_made_from_the_argument_specs(role):
    path = role_reference.role_readme_path(role)
    assert os.path.exists(path), "%s has no README.md: python tests/tools/role_reference.py --write" % role
    with open(path, encoding="utf-8") as fh:
        assert fh.read() == role_reference.role_readme(role), \
            "roles/%s/README.md is stale: python tests/tools/role_reference.py --write" % role


@pytest.mark.parametrize("role", role_reference.roles())
def test_every_default_is_documented_with_the_same_value(role):
    import yaml

    with open(os.path.join(REPO, "roles", role, "defaults", "main.yml"), encoding="utf-8") as fh:
        defaults = yaml.safe_load(fh)
    with open(os.path.join(REPO, "roles", role, "meta", "argument_specs.yml"), encoding="utf-8") as fh:
        options = yaml.safe_load(fh)["argument_specs"]["main"]["options"]
    for name, value in defaults.items():
        assert name in options, "%s: default %s is not in argument_specs" % (role, name)
        assert options[name].get("default") == value, "%s: %s defaults differ" % (role, name)
    for name, spec in options.items():
        assert name.startswith(role + "_"), "%s: %s lacks the role's prefix" % (role, name)
        if "default" in spec:
            assert name in defaults, "%s: %s has a documented default that defaults/main.yml lacks" % (role, name)
