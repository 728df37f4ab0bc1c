"""README's platform x resource table says exactly what works: a cell naming an API is a kind the
platform's driver manages, with an integration test file of its own (or one run on every platform); a
"no API" cell is a kind the driver refuses through NO_API, and an integration test asserts that refusal."""

import glob
import os
import re

import pytest

from ansible_collections.pbxops.pbx.plugins.module_utils._module import DRIVERS
from playbook import REPO

README = os.path.join(REPO, "README.md")
INTEGRATION = os.path.join(REPO, "tests", "integration")
PLATFORMS = ("sipxcom", "ipcortex", "portsip")
# README's resource column -> the drivers' kind name.
KIND = {"tenant": "tenant", "extension": "extension", "phone": "phone", "call group": "callgroup",
        "gateway / trunk": "gateway", "E911 location (ERL)": "erl"}
# Kinds tested by one file run on every platform (the target fixture's params).
EVERY_PLATFORM = {"tenant": "test_tenant.py", "extension": "test_extension.py"}


def matrix():
    with open(README, encoding="utf-8") as fh:
        text = fh.read()
    rows = re.findall(r"^\| (.+?) \| (.+?) \| (.+?) \| (.+?) \| `(pbx_\w+)` \|$", text, re.M)
    return [(KIND[row[0]], dict(zip(PLATFORMS, row[1:4])), row[4]) for row in rows if row[0] in KIND]


def test_the_table_has_every_kind():
    assert sorted(kind for kind, _cells, _module in matrix()) == sorted(KIND.values())


def integration_text(pattern):
    out = ""
    for path in glob.glob(os.path.join(INTEGRATION, pattern)):
        with open(path, encoding="utf-8") as fh:
            out += fh.read()
    return out


@pytest.mark.parametrize("kind,cells,module", matrix(), ids=lambda v: v if isinstance(v, str) else "")
def test_each_cell_is_what_the_driver_does_and_is_tested(kind, cells, module):
    for platform, cell in cells.items():
        driver = DRIVERS[platform]
        where = "README %s / %s (%r)" % (kind, platform, cell)
        if cell.startswith("no API"):
            assert kind not in driver.KINDS and kind in driver.NO_API, where
            tests = integration_text("test_%s_*.py" % kind)
            # The reason's first clause: the tests quote the message in parts.
            reason = re.split(r" \(|;", driver.NO_API[kind])[0]
            assert reason in tests and "pbxops.pbx.%s" % module in tests, \
                "%s: no integration test asserts the refusal" % where
        else:
            assert kind in driver.KINDS, where
            if kind in EVERY_PLATFORM:
                assert os.path.exists(os.path.join(INTEGRATION, EVERY_PLATFORM[kind])), where
            else:
                name = "test_%s_%s.py" % (kind, platform)
                assert os.path.exists(os.path.join(INTEGRATION, name)), "%s: no %s" % (where, name)
