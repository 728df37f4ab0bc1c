"""Tenant definitions checked, exported and migrated on the controller (plugin_utils/tenant_definition.py), without
a PBX: what tenant_onboarding refuses before its first request, and what a migration says it cannot carry."""

import copy
import os

import pytest
import yaml

from ansible_collections.pbxops.pbx.plugins.module_utils._module import DRIVERS
from ansible_collections.pbxops.pbx.plugins.plugin_utils import tenant_definition as td
from playbook import REPO

HOST_VARS = os.path.join(REPO, "playbooks", "inventory", "host_vars")
EXAMPLES = {"sipxcom": "sipxcom-hq.yml", "ipcortex": "ipcortex-branch.yml", "portsip": "portsip-cloud.yml"}


def example(platform):
    with open(os.path.join(HOST_VARS, EXAMPLES[platform]), encoding="utf-8") as fh:
        return yaml.safe_load(fh)["tenant_onboarding_definition"]


def exported(platform):
    """The example as export_tenant.yml would write it: no secrets (no PBX returns them)."""
    definition = example(platform)
    for item in definition.get("extensions", []) + definition.get("gateways", []):
        for secret in ("sip_password", "web_password", "voicemail_pin"):
            item.pop(secret, None)
    return definition


@pytest.mark.parametrize("platform", sorted(EXAMPLES))
def test_each_example_definition_is_accepted_on_its_platform(platform):
    plan = td.check(example(platform), platform)
    assert plan["errors"] == []
    assert plan["apply"] == [p for p, _k in td.KINDS if p in example(platform)]


def test_a_kind_the_platform_lacks_is_refused_when_declared_and_said_when_left_out():
    definition = example("ipcortex")
    plan = td.check(definition, "ipcortex")
    assert [line.split(":")[0] for line in plan["skipped"]] == ["gateways", "erls", "tenant"]
    definition["erls"] = [{"elin": "4235550100", "location": "Floor 1"}]
    plan = td.check(definition, "ipcortex")
    assert plan["errors"] == ["erls: IPCortex has no API for emergency locations (ERLs) and nothing in their place; "
                              "remove erls from the definition of tenant acme"]


BAD = [
    (lambda d: d.pop("tenant"), "tenant: the definition needs tenant.name"),
    (lambda d: d["extensions"][1].pop("number"), "extensions[1]: option number is required"),
    (lambda d: d["phones"][0].pop("mac"), "phones[0]: option mac is required"),
    (lambda d: d["extensions"].append(dict(d["extensions"][0])),
     "extensions[0] and extensions[5] both name extension 101"),
    (lambda d: d["callgroups"][0]["members"].append("109"),
     "callgroups[0] (call group 300): member 109 is not an extension of this definition"),
    (lambda d: d["phones"][1]["extensions"].append("110"),
     "phones[1] (phone 0004f2ac0002): extension 110 is not an extension of this definition"),
    (lambda d: d["erls"][0]["users"].append("111"),
     "erls[0] (ERL 4235550100): user 111 is not an extension of this definition"),
    (lambda d: d["callgroups"][0].update(number="101"),
     "callgroups[0] (call group 101): 101 is also an extension number"),
    (lambda d: d["extensions"][0].update(number=101), "extensions[0]: number arrived as the int 101"),
    (lambda d: d["extensions"][2].update(colour="red"), "extensions[2]: unsupported option colour"),
    (lambda d: d["extensions"][3].update(name="Dev Patel"), "extension 104: option name cannot be managed on sipXcom"),
    (lambda d: d.update(trunks=[]), "unknown key trunks in the tenant definition"),
    (lambda d: d["erls"][0].update(elin="911"), "ERL 911"),
]


@pytest.mark.parametrize("breaks,words", BAD, ids=[w[:40] for _b, w in BAD])
def test_a_bad_definition_is_refused_naming_the_item(breaks, words):
    definition = example("sipxcom")
    breaks(definition)
    errors = td.check(definition, "sipxcom")["errors"]
    assert any(words in e for e in errors), errors


def test_the_check_sends_no_request():
    class Counting(td._Offline):  # pylint: disable=protected-access
        calls = 0

        def request(self, *args, **kwargs):
            Counting.calls += 1
            return super(Counting, self).request(*args, **kwargs)

    original = td._Offline  # pylint: disable=protected-access
    td._Offline = Counting  # pylint: disable=protected-access
    try:
        for platform in EXAMPLES:
            assert td.check(example(platform), platform)["errors"] == []
    finally:
        td._Offline = original  # pylint: disable=protected-access
    assert Counting.calls == 0


def test_pbx_wide_kinds_are_not_purged():
    assert td.check(example("sipxcom"), "sipxcom")["pbx_wide"] == ["erls"]
    assert td.check(example("portsip"), "portsip")["pbx_wide"] == ["gateways"]
    assert td.check(example("ipcortex"), "ipcortex")["pbx_wide"] == []


def test_from_info_takes_the_named_tenant_and_every_gathered_kind():
    info = {"tenant": "acme", "tenants": [{"name": "beta"}, {"name": "Acme", "description": "x"}],
            "extensions": [{"number": "101"}], "callgroups": [], "phones_models": []}
    assert td.from_info(info) == {"tenant": {"name": "Acme", "description": "x"}, "extensions": [{"number": "101"}],
                                  "callgroups": []}


SETTINGS = {"tenant": {"domain": "acme.pbx.example.com", "timezone": "Europe/London", "currency": "GBP",
                       "region": "GBR"}, "gateways": {"concurrency": 30}}


def test_sipxcom_to_portsip_says_what_maps_in_portsip_words_and_lists_the_rest():
    source = exported("sipxcom")
    out = td.migrate(copy.deepcopy(source), "sipxcom", "portsip", SETTINGS, {"polycomVVX500": "SIP-T46U"},
                     generate_secrets=True)
    target = out["definition"]
    assert td.check(target, "portsip")["errors"] == []
    assert out["carried"] == {"tenant": 1, "gateways": 1, "extensions": 5, "callgroups": 1, "phones": 2}
    assert target["extensions"][0]["name"] == "Ann Lee" and "first_name" not in target["extensions"][0]
    assert [p["model"] for p in target["phones"]] == ["SIP-T46U", "SIP-T46U"]
    lost = "\n".join(out["not_carried"])
    for words in ("erls: all 1 left out: PortSIP has no API for emergency locations",
                  "tenant: option description is not held by PortSIP, dropped from acme",
                  "gateways: option model is not held by PortSIP",
                  "phones: option description is held by PortSIP DECT bases only",
                  "extensions: sip_password not carried (no export holds secrets)"):
        assert words in lost
    # Nothing of the source is changed, and no secret the source had is invented.
    assert source == exported("sipxcom")


def test_without_what_the_target_requires_an_object_is_left_out_and_its_references_with_it():
    out = td.migrate(exported("sipxcom"), "sipxcom", "portsip", SETTINGS, {"polycomVVX500": "SIP-T46U"})
    assert out["carried"]["extensions"] == 0
    lost = "\n".join(out["not_carried"])
    assert "extensions: 101 left out: PortSIP needs voicemail_pin, sip_password, web_password to create it" in lost
    assert "callgroups: call group 300 loses members 101, 102, 103 (not carried)" in lost
    assert [p["extensions"] for p in out["definition"]["phones"]] == [[], []]
    assert out["definition"]["callgroups"][0]["members"] == []


def test_a_phone_model_without_a_mapping_is_left_out():
    out = td.migrate(example("sipxcom"), "sipxcom", "portsip", SETTINGS, {}, generate_secrets=True)
    assert out["carried"]["phones"] == 0
    assert "model polycomVVX500 has no PortSIP model in the model map" in "\n".join(out["not_carried"])


def test_a_tenant_the_target_cannot_create_stops_the_migration():
    with pytest.raises(td.PbxError, match="tenant acme cannot be created on PortSIP: PortSIP needs domain"):
        td.migrate(example("sipxcom"), "sipxcom", "portsip", {}, {})


def test_generated_secrets_pass_the_target_policy():
    out = td.migrate(exported("sipxcom"), "sipxcom", "portsip", SETTINGS, {}, generate_secrets=True)
    pins = [e["voicemail_pin"] for e in out["definition"]["extensions"]]
    assert len(set(pins)) == 5
    handler = td._handler("portsip", "extension", "acme")  # pylint: disable=protected-access
    for item in out["definition"]["extensions"]:
        handler.validate(item, "acme")


def test_changes_count_and_show_what_differs_with_secrets_masked():
    result = {"summary": {"created": 1, "updated": 1, "deleted": 0, "unchanged": 3}, "objects": [
        {"number": "101", "action": "updated", "before": {"number": "101", "email": "a@x"},
         "after": {"number": "101", "email": "b@x", "sip_password": "********"}},
        {"number": "102", "action": "created", "before": {}, "after": {"number": "102"}}]}
    out = td.changes({"extensions": result, "phones": {"skipped": True}})
    assert list(out) == ["extensions"]
    ext = out["extensions"]
    assert (ext["created"], ext["changed"], ext["removed"], ext["unchanged"]) == (1, 1, 0, 3)
    assert ext["differences"][0] == {"key": "101", "action": "updated", "fields": {
        "email": {"before": "a@x", "after": "b@x"}, "sip_password": {"before": None, "after": "********"}}}
    text = td.drift_markdown(td.drift_entries([{"pbx": "a", "platform": "sipxcom", "tenant": "acme", "kinds": out},
                                               None], ["a", "b"]))
    assert "2 PBXs, 2 differences in all." in text
    assert '  - updated 101: email: "a@x" -> "b@x"; sip_password: null -> ********' in text
    assert "## b (None), tenant None" in text and "not compared: the play failed on this PBX" in text


def test_every_platform_kind_is_a_kind_of_the_definition():
    kinds = set(k for _p, k in td.KINDS)
    for driver in DRIVERS.values():
        assert set(driver.KINDS) <= kinds
