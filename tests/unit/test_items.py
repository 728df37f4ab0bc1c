"""List-form items: checked and converted from the field table, errors naming the item."""

import pytest

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import EXTENSION, TENANT
from ansible_collections.pbxops.pbx.plugins.module_utils._module import ListItems, desired_items


def items(entries, resource=EXTENSION, state="present"):
    checker = ListItems(resource)
    return desired_items(resource, {resource.plural: entries, "state": state}, checker), checker


def test_items_are_converted_like_top_level_options():
    got, checker = items([{"number": "101", "enabled": "yes", "groups": "a,b", "name": 5, "api_fields": None,
                           "sip_password": "s3cret"}])
    assert got == [{"number": "101", "enabled": True, "groups": ["a", "b"], "name": "5", "sip_password": "s3cret",
                    "state": "present"}]
    assert checker.secrets == {"s3cret"}
    assert checker.warnings == ["extensions[0].name: the int 5 was converted to the string '5'; quote it if that is "
                                "not what you meant"]


@pytest.mark.parametrize("entry, words", [
    ({"number": "1", "colour": "blue"}, ["extensions[0]: unsupported option colour", "number"]),
    ({"number": "1", "enabled": "perhaps"}, ["extensions[0].enabled", "perhaps"]),
    ({"number": "1", "state": "gone"}, ["extensions[0]: state must be one of present, absent"]),
    ({"number": 101}, ["extensions[0]: number arrived as the int 101", "quote"]),
    ({"number": "1", "aliases": ["a", 7]}, ["extensions[0]: aliases arrived as the int 7"]),
    ("101", ["extensions[0] must be a dictionary"]),
    ({"name": "x"}, ["extensions[0]: option number is required"]),
])
def test_bad_items_name_the_item_and_the_option(entry, words):
    with pytest.raises(PbxError) as info:
        items([entry])
    for word in words:
        assert word in info.value.msg


def test_nested_fields_are_checked_too():
    got = items([{"name": "hq", "address": {"city": "Leeds", "zip": 1234}}], TENANT)[0]
    assert got[0]["address"] == {"city": "Leeds", "zip": "1234"}
    with pytest.raises(PbxError, match=r"tenants\[0\].address: unsupported field town"):
        items([{"name": "hq", "address": {"town": "Leeds"}}], TENANT)


def test_the_index_is_the_failing_items():
    with pytest.raises(PbxError, match=r"extensions\[2\]: unsupported option mail"):
        items([{"number": "1"}, {"number": "2"}, {"number": "3", "mail": "x"}])
