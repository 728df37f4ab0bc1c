"""pbx_gateway and pbx_info gateways on PortSIP (trunks, /providers): real ansible-playbook runs against the
simulator, asserting on results, on the simulator's request counts (per route) and on what PortSIP holds
afterwards, read through its own API (tests/readback_gateways_portsip.py, no collection code).

The connection comes from PBX_* environment variables rather than module_defaults, so that these tests do not
depend on the action group of meta/runtime.yml."""

import json

import pytest

import readback_gateways_portsip as rb
from playbook import assert_failed as failed, assert_ok as ok, connection_environment, run_play
from samples import TENANT

MODULE = "pbxops.pbx.pbx_gateway"
INFO = "pbxops.pbx.pbx_info"
SECRET = "Trunk-Pa55-4412"


@pytest.fixture
def platform():
    return "portsip"


@pytest.fixture
def pbx(target):
    """The target (tenant acme) with a second tenant, globex (fixtures: no requests counted)."""
    target.sim.fixtures("portsip", "tenants", [{"name": "globex", "domain": "globex.example.com"}])
    target.sim.reset_stats()
    return target


def play(target, tasks, connection=None, **kwargs):
    connection = target.connection if connection is None else connection
    return run_play(target.url, {}, tasks, env=connection_environment(target.url, connection), module_defaults=False,
                    **kwargs)


def task(title, **args):
    return {"name": title, MODULE: args}


def writes(target):
    return dict((k, v["writes"]) for k, v in target.routes().items() if v["writes"])


def reads(target):
    return dict((k, v["reads"]) for k, v in target.routes().items() if v["reads"] and "/auth/" not in k)


def views(r):
    return json.loads(r["diff"]["before"]), json.loads(r["diff"]["after"])


def assert_holds(target, predicted):
    actual = rb.trunk(target.sim, predicted["name"])
    assert actual is not None, "trunk %s is not on PortSIP" % predicted["name"]
    for key, want in predicted.items():
        if key == "sip_password":
            continue
        if key == "assignees":
            have = dict((a["tenant"], a) for a in actual["assignees"])
            assert sorted(have) == sorted(a["tenant"] for a in want)
            for entry in want:
                for field, value in entry.items():
                    assert have[entry["tenant"]][field] == value, (entry, have)
        elif isinstance(want, dict):
            for field, value in want.items():
                assert actual[key][field] == value, (key, field, value, actual[key])
        elif key == "transport":
            assert want.upper() == actual[key]
        else:
            assert want == actual[key], (key, want, actual[key])
    return actual


TRUNK = dict(name="Carrier", brand="Generic", auth_mode="REGISTER_AUTH", address="sip.carrier.example", port=5060,
             transport="udp", outbound_address="sbc.carrier.example", outbound_port=5070, concurrency=30,
             sip_username="acct-1001", auth_id="1001", sip_password=SECRET, enabled=True, registration=True,
             register_interval=300, keep_alive=True, keep_alive_interval=120, inlan=False, single_via_header=True,
             rewrite_via_ip=False, verify_port=True, adjust_sdp_direction=True, remove_srtp_info=False,
             stir_shaken_signature_required=False, additional_ips="192.0.2.0/24", did_numbers="3000;12000-18000",
             inbound_parameters={"caller_num": "FROM_USER_PART"},
             outbound_parameters={"from_user_part": {"value": "OUTBOUND_CALLER_ID"}},
             assignees=[{"tenant": TENANT, "did_numbers": "3000", "concurrency": 10}])
P = "/api/providers"


# -- create, rerun, one-field change, delete (single form) -------------------------------------------
def test_create_rerun_change_and_delete(pbx):
    play_ = [task("gw", **TRUNK)]
    predicted = ok(play(pbx, play_, check=True, diff=True), "gw")
    assert predicted["changed"] is True and pbx.writes() == 0, writes(pbx)
    before, after = views(predicted)
    assert before == {} and after["sip_password"] == "********"
    assert rb.trunk(pbx.sim, "Carrier") is None

    pbx.sim.reset_stats()
    created = ok(play(pbx, play_, diff=True), "gw")
    assert created["diff"] == predicted["diff"] and created["gateway"] == predicted["gateway"]
    assert writes(pbx) == {"POST %s" % P: 1, "POST %s/{id}/assignees/{tenant_id}" % P: 1}
    assert reads(pbx) == {"GET %s" % P: 1, "GET /api/tenants": 1}
    assert_holds(pbx, predicted["gateway"])
    assert rb.credentials(pbx.sim, "Carrier") == {"username": "acct-1001", "auth_id": "1001", "password": SECRET}

    pbx.sim.reset_stats()
    rerun = ok(play(pbx, play_), "gw")
    assert rerun["changed"] is False and pbx.writes() == 0, writes(pbx)
    assert reads(pbx) == {"GET %s" % P: 1, "GET /api/tenants": 1, "GET %s/{id}" % P: 1,
                          "GET %s/{id}/assignees" % P: 1}

    change = [task("gw", name="Carrier", concurrency=40)]
    pbx.sim.reset_stats()
    predicted = ok(play(pbx, change, check=True, diff=True), "gw")
    assert pbx.writes() == 0
    assert views(predicted) == ({"name": "Carrier", "concurrency": 30}, {"name": "Carrier", "concurrency": 40})
    raw_before = rb.trunk(pbx.sim, "Carrier")
    changed = ok(play(pbx, change, diff=True), "gw")
    assert changed["diff"] == predicted["diff"] and changed["gateway"] == predicted["gateway"]
    assert writes(pbx) == {"POST %s/{id}" % P: 1}, "a one-field change is one POST"
    raw_after = rb.trunk(pbx.sim, "Carrier")
    assert raw_after["concurrency"] == 40
    assert dict(raw_after["_raw"], concurrency=30) == raw_before["_raw"], "nothing else changed"
    assert raw_after["assignees"] == raw_before["assignees"]
    assert rb.credentials(pbx.sim, "Carrier")["password"] == SECRET

    # The tenants it is shared with: one tenant swapped for another is one assign and one unassign.
    share = [task("gw", name="Carrier", assignees=[{"tenant": "globex.example.com", "concurrency": 5}])]
    pbx.sim.reset_stats()
    ok(play(pbx, share, check=True), "gw")
    assert pbx.writes() == 0
    ok(play(pbx, share), "gw")
    assert writes(pbx) == {"POST %s/{id}/assignees/{tenant_id}" % P: 1,
                           "POST %s/{id}/assignees/{tenant_id}/destroy" % P: 1}
    assert rb.trunk(pbx.sim, "Carrier")["assignees"] == [{"tenant": "globex", "did_numbers": None, "concurrency": 5}]
    pbx.sim.reset_stats()
    assert ok(play(pbx, share), "gw")["changed"] is False and pbx.writes() == 0

    remove = [task("gw", name="Carrier", state="absent")]
    pbx.sim.reset_stats()
    predicted = ok(play(pbx, remove, check=True, diff=True), "gw")
    assert predicted["changed"] and pbx.writes() == 0 and views(predicted)[1] == {}
    removed = ok(play(pbx, remove, diff=True), "gw")
    assert removed["diff"] == predicted["diff"]
    assert writes(pbx) == {"POST %s/{id}/destroy" % P: 1}
    assert rb.trunk(pbx.sim, "Carrier") is None
    pbx.sim.reset_stats()
    assert ok(play(pbx, remove), "gw")["changed"] is False and pbx.writes() == 0


def test_create_defaults_the_required_fields(pbx):
    """Only address and concurrency given: the spec's other required fields get the documented defaults."""
    args = dict(name="Minimal", address="sip.min.example", concurrency=4)
    predicted = ok(play(pbx, [task("gw", **args)], check=True), "gw")
    ok(play(pbx, [task("gw", **args)]), "gw")
    held = assert_holds(pbx, predicted["gateway"])
    assert (held["transport"], held["port"], held["outbound_address"], held["outbound_port"]) == (
        "UDP", 5060, "sip.min.example", 5060)
    tls = dict(name="Secure", address="sip.tls.example", concurrency=4, transport="TLS")
    ok(play(pbx, [task("gw", **tls)]), "gw")
    assert rb.trunk(pbx.sim, "Secure")["port"] == rb.trunk(pbx.sim, "Secure")["outbound_port"] == 5061


# -- list form and purge (trunks are system-level) ---------------------------------------------------------
def test_list_form_and_purge_of_the_whole_pbx(pbx):
    pbx.sim.fixtures("portsip", "providers", [
        {"name": n, "transport": "UDP", "hostname": n.lower() + ".example", "port": 5060,
         "outbound_server": n.lower() + ".example", "outbound_server_port": 5060, "concurrency": 5}
        for n in ("Old", "Keep")])
    pbx.sim.reset_stats()
    args = dict(gateways=[{"name": "Keep"}, {"name": "New", "address": "new.example", "concurrency": 2}], purge=True)
    refused = play(pbx, [task("gws", **args)])
    failed(refused, "gws", "purge_all_tenants")
    assert pbx.writes() == 0
    args["purge_all_tenants"] = True
    predicted = ok(play(pbx, [task("gws", **args)], check=True, diff=True), "gws")
    assert pbx.writes() == 0
    assert predicted["summary"] == {"created": 1, "updated": 0, "deleted": 1, "unchanged": 1}
    done = ok(play(pbx, [task("gws", **args)], diff=True), "gws")
    assert done["objects"] == predicted["objects"]
    assert writes(pbx) == {"POST %s" % P: 1, "POST %s/{id}/destroy" % P: 1}
    assert rb.names(pbx.sim) == ["Keep", "New"]
    pbx.sim.reset_stats()
    assert ok(play(pbx, [task("gws", **args)]), "gws")["changed"] is False and pbx.writes() == 0


# -- bad input fails with nothing written ----------------------------------------------------------------
def test_bad_input_fails_before_any_write(pbx):
    pbx.sim.fixtures("portsip", "providers", [
        {"name": "Fixed", "brand": "Generic", "auth_mode": "IP_AUTH", "transport": "UDP", "hostname": "f.example",
         "port": 5060, "outbound_server": "f.example", "outbound_server_port": 5060, "concurrency": 5}])
    pbx.sim.reset_stats()
    cases = [
        (task("t", name="New"), ("PortSIP needs address and concurrency",)),
        (task("t", name="New", address="x.example"), ("needs concurrency",)),
        (task("t", name="New", address="x.example", concurrency=1, transport="SCTP"), ("transport must be one of",)),
        (task("t", name="New", address="x.example", concurrency=1, assignees=[{"tenant": "nobody"}]),
         ("tenant 'nobody' not found",)),
        (task("t", name="New", address="x.example", concurrency=1, assignees=[{"tenant": "acme"}, {"tenant": "acme"}]),
         ("listed twice",)),
        (task("t", name="Fixed", auth_mode="REGISTER_AUTH"), ("fixes auth_mode at creation", "auth_mode IP_AUTH")),
        (task("t", name="Fixed", brand="Other"), ("fixes brand at creation",)),
        (task("t", name="New", address="x.example", concurrency=1, model="sipTrunkStandard"),
         ("option model cannot be managed on PortSIP",)),
        (task("t", name="New", address="x.example", concurrency=1, settings={"a": "b"}),
         ("option settings cannot be managed on PortSIP",)),
        (task("t", name="x" * 65, address="x.example", concurrency=1), ("at most 64 characters",)),
        (task("t", name="New", address="x.example", concurrency=-1), ("concurrency must be 0 or more",)),
    ]
    tasks = [dict(case, name="case %d" % index) for index, (case, _words) in enumerate(cases)]
    for check in (True, False):
        result = play(pbx, tasks, check=check)
        for index, (_case, words) in enumerate(cases):
            failed(result, "case %d" % index, *words)
    assert pbx.writes() == 0, writes(pbx)
    missing = play(pbx, [task("t", name="New", address="x.example", concurrency=1)],
                   connection=dict(pbx.connection, tenant="nowhere"))
    failed(missing, "t", "tenant 'nowhere' not found")
    assert pbx.writes() == 0 and rb.names(pbx.sim) == ["Fixed"]


# -- secrets ------------------------------------------------------------------------------------------------
def test_sip_password_never_shows_and_lands_in_its_field(pbx):
    args = dict(name="Carrier", address="sip.carrier.example", concurrency=3, sip_username="acct",
                sip_password=SECRET)
    result = play(pbx, [task("gw", **args)], diff=True, verbosity=3)
    ok(result, "gw")
    assert SECRET not in result.output and SECRET not in json.dumps(result.results)
    assert rb.credentials(pbx.sim, "Carrier")["password"] == SECRET
    pbx.sim.reset_stats()
    assert ok(play(pbx, [task("gw", **args)]), "gw")["changed"] is False and pbx.writes() == 0
    rotated = play(pbx, [task("gw", **{**args, "sip_password": "Trunk-Pa55-0003", "update_password": "always"})],
                   diff=True, verbosity=3)
    assert ok(rotated, "gw")["changed"] is True
    assert writes(pbx) == {"POST %s/{id}" % P: 1}
    assert "Trunk-Pa55-0003" not in rotated.output
    assert rb.credentials(pbx.sim, "Carrier")["password"] == "Trunk-Pa55-0003"


# -- pbx_info -----------------------------------------------------------------------------------------------
def test_pbx_info_round_trip(pbx):
    ok(play(pbx, [task("gws", gateways=[TRUNK, dict(name="Backup", address="b.example", concurrency=2,
                                                    enabled=False, did_numbers="4000")])]), "gws")
    pbx.sim.reset_stats()
    gathered = ok(play(pbx, [{"name": "info", INFO: {"gather": ["gateways"]}}]), "info")
    got = dict((g["name"], g) for g in gathered["gateways"])
    assert sorted(got) == ["Backup", "Carrier"]
    assert got["Backup"] == {"name": "Backup", "enabled": False, "address": "b.example", "port": 5060,
                             "did_numbers": "4000"}
    assert "sip_password" not in got["Carrier"]
    assert reads(pbx) == {"GET %s" % P: 1, "GET /api/tenants": 1}
    pbx.sim.reset_stats()
    again = ok(play(pbx, [task("gws", gateways=gathered["gateways"], purge=True, purge_all_tenants=True)]), "gws")
    assert again["changed"] is False and pbx.writes() == 0, writes(pbx)


# -- IPCortex has no API for trunks ------------------------------------------------------------------------
def test_ipcortex_refuses_before_any_request(simulator):
    simulator.reset()
    simulator.reset_stats()
    from playbook import CONNECTION

    connection = dict(CONNECTION["ipcortex"])
    result = run_play(simulator.url, {}, [task("gw", name="Carrier", address="x.example"),
                                          {"name": "info", INFO: {"gather": ["gateways"]}}],
                      env=connection_environment(simulator.url, connection), module_defaults=False)
    failed(result, "gw", "IPCortex: IPCortex has no API for trunks or gateways",
           "pbxops.pbx cannot manage gateways on this platform")
    failed(result, "info", "IPCortex has no API for trunks or gateways")
    assert simulator.stats()["by_platform"].get("ipcortex", {}).get("reads", 0) == 0
    assert simulator.stats()["by_platform"].get("ipcortex", {}).get("writes", 0) == 0
