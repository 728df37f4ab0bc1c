"""pbx_info: what it reads, fed back to the module of that kind, changes nothing and writes nothing,
on every platform (the brownfield promise). Secrets and raw records never come back."""

import json

import pytest

from playbook import CONNECTION, assert_ok as ok, make_tenant, run_play
from samples import TENANT, ext

INFO = "pbxops.pbx.pbx_info"


@pytest.fixture
def pbx(simulator, platform):
    simulator.reset()
    make_tenant(simulator, platform)
    return simulator


def test_gathered_extensions_and_tenants_round_trip_without_writes(pbx, platform):
    conn = dict(CONNECTION[platform], tenant=TENANT)
    options = {"sipxcom": {"aliases": ["ann"], "groups": ["sales"], "enabled": False},
               "ipcortex": {"private": True, "caller_id": "-0123"},
               "portsip": {"role": "QueueManager", "enabled": False}}[platform]
    items = [ext(platform, 101, **options), ext(platform, 102), ext(platform, 103)]
    r = run_play(pbx.url, conn, [{"name": "seed", "pbxops.pbx.pbx_extension": {"extensions": items}}])
    ok(r, "seed")
    pbx.reset_stats()
    gathered = ok(run_play(pbx.url, conn, [{"name": "info", INFO: {"gather": ["extensions", "tenants"]}}],
                           check=True), "info")
    assert pbx.stats()["writes"] == 0
    got = dict((e["number"], e) for e in gathered["extensions"])
    assert sorted(got) == ["101", "102", "103"]
    for option, value in options.items():
        shown = got["101"][option]
        assert (sorted(shown) if isinstance(value, list) else shown) == value, option
    text = json.dumps(gathered)
    for secret in ("sip_password", "web_password", "voicemail_pin", "api_fields", "Sip-101", "Web-101"):
        assert secret not in text, "%s came back from pbx_info" % secret
    assert TENANT in [t["name"] for t in gathered["tenants"]]

    # Fed back as they are: nothing to change, nothing written.
    pbx.reset_stats()
    again = run_play(pbx.url, conn, [
        {"name": "extensions", "pbxops.pbx.pbx_extension": {"extensions": gathered["extensions"], "purge": True}},
        {"name": "tenants", "pbxops.pbx.pbx_tenant": {"tenants": gathered["tenants"]}},
    ])
    assert ok(again, "extensions")["changed"] is False and again["extensions"]["summary"]["unchanged"] == 3
    assert ok(again, "tenants")["changed"] is False
    assert pbx.stats()["writes"] == 0


def test_keys_filter_and_what_a_platform_lacks(pbx, platform):
    conn = dict(CONNECTION[platform], tenant=TENANT)
    ok(run_play(pbx.url, conn, [{"name": "seed", "pbxops.pbx.pbx_extension": {
        "extensions": [ext(platform, 201), ext(platform, 202)]}}]), "seed")
    pbx.reset_stats()
    r = run_play(pbx.url, conn, [
        {"name": "one", INFO: {"gather": ["extensions"], "keys": ["202"]}},
        {"name": "all", INFO: {}},
        {"name": "integer key", INFO: {"gather": ["extensions"], "keys": [202]}},
    ])
    assert [e["number"] for e in ok(r, "one")["extensions"]] == ["202"]
    everything = ok(r, "all")
    assert isinstance(everything["skipped"], dict) and "extensions" in everything
    assert "quote" in r["integer key"]["msg"]
    assert pbx.stats()["writes"] == 0
