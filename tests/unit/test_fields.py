import pytest

from ansible_collections.pbxops.pbx.plugins.module_utils._fields import (
    EXTENSION, MASK, Option, normalise_mac, subset_equal)


@pytest.mark.parametrize("text", ["0004f2aabbcc", "0004F2AABBCC", "00:04:F2:AA:BB:CC", "00-04-f2-aa-bb-cc",
                                  "0004.f2aa.bbcc", " 00:04:f2:aa:bb:cc "])
def test_mac_forms_normalise_to_one(text):
    assert normalise_mac(text) == "0004f2aabbcc"


@pytest.mark.parametrize("text", ["0004f2aabbc", "0004f2aabbccdd", "0004f2aabbcg", "", "00:04:f2:aa:bb"])
def test_bad_macs_are_refused(text):
    with pytest.raises(ValueError):
        normalise_mac(text)


def test_strings_and_numbers_compare_after_normalising():
    opt = Option("number")
    assert opt.equal(101, "101")
    assert opt.equal(" 101 ", "101")
    assert not opt.equal("101", "102")
    assert opt.equal("", None), "an empty string and an absent value are the same"


def test_booleans_from_vendor_strings():
    opt = Option("enabled", "bool")
    assert opt.equal(True, "1") and opt.equal(True, "true") and opt.equal(False, "0")
    assert not opt.equal(True, "false")


def test_lists_compare_as_sets():
    opt = Option("groups", "list", elements="str")
    assert opt.equal(["b", "a"], ["a", "b", "a"])
    assert not opt.equal(["a"], ["a", "b"])
    assert opt.equal([], None)


def test_api_fields_compare_only_given_keys():
    opt = Option("api_fields", "dict")
    current = {"phonebook": 3, "ring_time": 20, "nested": {"a": 1, "b": 2}}
    assert opt.equal({"phonebook": "3"}, current)
    assert opt.equal({"nested": {"a": 1}}, current)
    assert not opt.equal({"nested": {"a": 2}}, current)
    assert not opt.equal({"missing": 1}, current)
    assert subset_equal({"flag": False}, {"flag": False}) and not subset_equal({"flag": False}, {"flag": True})


def test_public_view_masks_secrets_and_drops_internals():
    obj = {"number": "1", "sip_password": "x", "_id": 5, "not_an_option": 1, "email": "a@b"}
    assert EXTENSION.public(obj) == {"number": "1", "sip_password": MASK, "email": "a@b"}


def test_argument_spec_marks_secrets_no_log():
    spec = EXTENSION.option_spec()
    assert {k for k, v in spec.items() if v.get("no_log")} == {"voicemail_pin", "sip_password", "web_password"}
    # Options written as digits arrive raw, so that an unquoted YAML number can be refused.
    assert spec["aliases"] == {"type": "list", "elements": "raw"}
    assert spec["number"] == {"type": "raw"} and spec["groups"] == {"type": "list", "elements": "str"}


@pytest.mark.parametrize("option, value", [("number", 419), ("number", 101.0), ("voicemail_pin", 1234),
                                           ("caller_id", 14235550201), ("aliases", ["ann", 2201]), ("number", True)])
def test_digits_must_arrive_as_text(option, value):
    problem = EXTENSION.options[option].not_text(value)
    assert problem and "quote" in problem and option in problem


def test_text_digits_are_fine():
    assert EXTENSION.options["number"].not_text("0643") is None
    assert EXTENSION.options["aliases"].not_text(["ann", "2201"]) is None
    assert EXTENSION.options["name"].not_text(5) is None, "only digits options are checked"


def test_emails_compare_without_case():
    email = EXTENSION.options["email"]
    assert email.equal("Ann.Lee@Acme.Example", "ann.lee@acme.example")
    assert not email.equal("ann@acme.example", "bob@acme.example")
