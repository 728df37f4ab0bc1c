"""sipXcom phones: the facts the driver carries (line limits) and its line plan, without requests."""

import json
import os

import pytest

from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.phones import MAX_LINES, line_plan, truth

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pbxsim", "data",
                    "sipxcom-models.json")


def test_line_limits_are_the_catalogue_s():
    with open(DATA) as fh:
        models = json.load(fh)["phone_models"]
    assert MAX_LINES == dict((m["modelId"], m["maxLineCount"]) for m in models)


@pytest.mark.parametrize("have, want, remove, add", [
    ([(1, "101"), (2, "102")], ["101", "102"], [], []),
    ([(1, "101"), (2, "102")], ["101", "102", "103"], [], ["103"]),
    ([(1, "101"), (2, "102")], ["102"], [1], []),
    ([(1, "101"), (2, "102")], ["102", "101"], [1], ["101"]),
    ([(1, "101"), (2, "101")], ["101"], [2], []),  # a user twice (the API allows it): one line goes
    ([(1, "101"), (2, "103"), (3, "102")], ["101", "102", "103"], [2], ["103"]),
    ([], ["101"], [], ["101"]),
    ([(1, "101")], [], [1], []),
])
def test_line_plan_keeps_the_longest_prefix_in_order(have, want, remove, add):
    assert line_plan(have, want) == (remove, add)


def test_booleans_by_meaning():
    assert [truth(v) for v in (True, "1", "true", "Yes", "on", False, "0", "false", "off", "maybe", None)] == \
        [True] * 5 + [False] * 4 + [None, None]
