"""pbx_gateway and pbx_info gateways on sipXcom: real ansible-playbook runs against the simulator, asserting on
results, on the simulator's request counts (per route) and on what sipXcom holds afterwards, read through its own
API (tests/readback_gateways_sipxcom.py, no collection code).

The connection comes from PBX_* environment variables rather than module_defaults, so that these tests do not
depend on the action group of meta/runtime.yml."""

import json

import pytest

import readback_gateways_sipxcom as rb
from playbook import assert_failed as failed, assert_ok as ok, connection_environment, run_play
from samples import TENANT

MODULE = "pbxops.pbx.pbx_gateway"
INFO = "pbxops.pbx.pbx_info"
PREFIX = "/sipxconfig/api"
SECRET = "Trunk-Pa55-7319"
FXO = "audiocodesMP1X4_4_FXO"


@pytest.fixture
def platform():
    return "sipxcom"


@pytest.fixture
def pbx(target):
    """The target with branch beta besides the tenant's (fixtures: no requests counted)."""
    target.sim.fixtures("sipxcom", "branches", [{"name": "beta"}])
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
    return dict((k, v["reads"]) for k, v in target.routes().items() if v["reads"])


def views(r):
    return json.loads(r["diff"]["before"]), json.loads(r["diff"]["after"])


def with_(args, **changes):
    out = dict(args)
    out.update(changes)
    return out


def assert_holds(target, predicted):
    """sipXcom holds what the (check-mode) prediction said, option by option."""
    actual = rb.gateway(target.sim, predicted["name"], settings="settings" in predicted or "sip_username" in predicted)
    assert actual is not None, "gateway %s is not on sipXcom" % predicted["name"]
    for key, want in predicted.items():
        if key == "sip_password":
            continue
        if key == "settings":
            for path, value in want.items():
                meaning = {True: ("1", "true"), False: ("0", "false")}.get(value, (str(value),))
                assert actual["settings"][path] in meaning, (path, value, actual["settings"][path])
        elif key == "transport":
            assert want.lower() == actual[key], (key, want, actual[key])
        else:
            assert (want if want != "" else None) == actual[key], (key, want, actual[key])
    return actual


TRUNK = dict(name="carrier", model="sipTrunkStandard", description="DIDs 4235550000-999", address="sip.carrier.example",
             port=5060, transport="UDP", outbound_address="sbc.carrier.example", outbound_port=5080, prefix="9",
             shared=False, internal_bridge=True, caller_id="4235550000", caller_id_name="Acme", caller_id_block=False,
             caller_id_ignore_user=True, caller_id_from_extension=True, caller_id_prefix="423555",
             caller_id_keep_digits=4, caller_id_url_parameters="user=phone", sip_username="acme-trunk",
             auth_id="acme-auth", sip_password=SECRET,
             settings={"itsp-account/registration-interval": 300, "itsp-account/register-on-initialization": True,
                       "itsp-account/sip-keepalive-method": "NONE"})


# -- create, rerun, one-field change, delete (single form) -------------------------------------------
def test_create_rerun_change_and_delete(pbx):
    play_ = [task("gw", **TRUNK)]
    predicted = ok(play(pbx, play_, check=True, diff=True), "gw")
    assert predicted["changed"] is True and pbx.writes() == 0, writes(pbx)
    assert predicted["summary"] == {"created": 1, "updated": 0, "deleted": 0, "unchanged": 0}
    before, after = views(predicted)
    assert before == {} and after["name"] == "carrier" and after["sip_password"] == "********"
    assert rb.gateway(pbx.sim, "carrier") is None

    pbx.sim.reset_stats()
    created = ok(play(pbx, play_, diff=True), "gw")
    assert created["diff"] == predicted["diff"] and created["gateway"] == predicted["gateway"]
    # One POST, one PUT per setting: three settings, sip_username, auth_id and sip_password (PLATFORM_NOTES).
    assert writes(pbx) == {"POST %s/gateways" % PREFIX: 1, "PUT %s/gateways/{gateway}/settings/{path}" % PREFIX: 6}
    assert reads(pbx) == {"GET %s/gateways" % PREFIX: 1, "GET /sipxconfig/rest/branch": 1,
                          "GET %s/gateways/models" % PREFIX: 1}
    held = assert_holds(pbx, predicted["gateway"])
    assert held["branch"] == TENANT, "a gateway created with tenant set goes into the tenant's branch"
    assert held["_password"] == SECRET, "sip_password lands in itsp-account/password"
    assert held["settings"]["itsp-account/register-on-initialization"] == "true"

    pbx.sim.reset_stats()
    rerun = ok(play(pbx, play_), "gw")
    assert rerun["changed"] is False and pbx.writes() == 0, writes(pbx)
    # The listing and the settings of the one gateway whose settings the task sets; a gateway of the tenant's
    # branch in the listing shows the branch exists, so no branch listing.
    assert reads(pbx) == {"GET %s/gateways" % PREFIX: 1, "GET %s/gateways/{gateway}/settings" % PREFIX: 1}

    change = [task("gw", name="carrier", description="Main carrier")]
    pbx.sim.reset_stats()
    predicted = ok(play(pbx, change, check=True, diff=True), "gw")
    assert pbx.writes() == 0
    assert views(predicted) == ({"name": "carrier", "description": "DIDs 4235550000-999"},
                                {"name": "carrier", "description": "Main carrier"})
    raw_before = rb.gateway(pbx.sim, "carrier")["_raw"]
    changed = ok(play(pbx, change, diff=True), "gw")
    assert changed["diff"] == predicted["diff"] and changed["gateway"] == predicted["gateway"]
    assert writes(pbx) == {"PUT %s/gateways/{gateway}" % PREFIX: 1}, "a one-field change is one PUT"
    held = assert_holds(pbx, predicted["gateway"])
    raw_after = dict(held["_raw"], description=raw_before["description"])
    assert raw_after == raw_before, "the full-replace PUT keeps every field the task does not mention"
    assert rb.gateway(pbx.sim, "carrier", settings=True)["settings"]["itsp-account/registration-interval"] == "300"

    remove = [task("gw", name="carrier", state="absent")]
    pbx.sim.reset_stats()
    predicted = ok(play(pbx, remove, check=True, diff=True), "gw")
    assert predicted["changed"] and pbx.writes() == 0
    assert views(predicted)[1] == {} and views(predicted)[0]["description"] == "Main carrier"
    removed = ok(play(pbx, remove, diff=True), "gw")
    assert removed["diff"] == predicted["diff"]
    assert writes(pbx) == {"DELETE %s/gateways/{gateway}" % PREFIX: 1}
    assert rb.gateway(pbx.sim, "carrier") is None
    pbx.sim.reset_stats()
    assert ok(play(pbx, remove), "gw")["changed"] is False and pbx.writes() == 0


# -- the full-replace PUT keeps what the task does not mention --------------------------------------
def test_one_field_change_keeps_every_unmentioned_field(pbx):
    """A gateway made outside the collection, every field set: a change of enabled alone is one PUT, and
    everything else (caller ID, branch, device version, ports, settings) stays as it was."""
    pbx.sim.fixtures("sipxcom", "gateways", [{
        "name": "pstn", "description": "PRI", "model": {"modelId": FXO, "vendor": "AudioCodes"},
        "deviceVersion": "audiocodes6.0", "enabled": True, "address": "192.0.2.40", "addressPort": 5062,
        "outboundAddress": "192.0.2.41", "outboundPort": 5063, "addressTransport": "tcp", "prefix": "8",
        "shared": True, "useInternalBridge": False, "branch": {"name": TENANT},
        "callerAliasInfo": {"defaultCallerAlias": "4235550100", "anonymous": True, "ignoreUserInfo": True,
                            "transformUserExtension": True, "addPrefix": "4235", "keepDigits": 3,
                            "displayName": "Acme PSTN", "urlParameters": "x=1"},
        "settings": {"SIP/registrationServer": "reg.example.com"}, "ports": [{"Port/extension": "300"}, {}]}])
    before = rb.gateway(pbx.sim, "pstn", settings=True, ports=True)
    assert before["device_version"] == "audiocodes6.0" and len(before["_ports"]) == 2
    pbx.sim.reset_stats()
    predicted = ok(play(pbx, [task("gw", name="pstn", enabled=False)], check=True), "gw")
    assert predicted["changed"] and pbx.writes() == 0
    ok(play(pbx, [task("gw", name="pstn", enabled=False)]), "gw")
    assert writes(pbx) == {"PUT %s/gateways/{gateway}" % PREFIX: 1}
    after = rb.gateway(pbx.sim, "pstn", settings=True, ports=True)
    assert after["enabled"] is False
    assert dict(after["_raw"], enabled=True) == before["_raw"], "every other field of the gateway is kept"
    assert (after["settings"], after["ports"], after["_ports"]) == (before["settings"], before["ports"],
                                                                    before["_ports"])
    assert predicted["gateway"] == dict((k, v) for k, v in rb.gateway(pbx.sim, "pstn").items()
                                        if not k.startswith("_")), "check mode predicted what sipXcom holds"


# -- list form, purge within the tenant ------------------------------------------------------------------
def gateway_fixture(name, branch=None, model="genericGatewayStandard"):
    return {"name": name, "model": {"modelId": model}, "address": "192.0.2.1", "enabled": True,
            "branch": {"name": branch} if branch else None}


def test_list_form_and_purge_stay_within_the_tenant(pbx):
    pbx.sim.fixtures("sipxcom", "gateways", [gateway_fixture("old", TENANT), gateway_fixture("keep", TENANT),
                                             gateway_fixture("other", "beta"), gateway_fixture("shared")])
    pbx.sim.reset_stats()
    wanted = [{"name": "keep"}, {"name": "new", "model": "genericGatewayStandard", "address": "192.0.2.9"}]
    args = dict(gateways=wanted, purge=True)
    predicted = ok(play(pbx, [task("gws", **args)], check=True, diff=True), "gws")
    assert pbx.writes() == 0
    assert predicted["summary"] == {"created": 1, "updated": 0, "deleted": 1, "unchanged": 1}
    assert sorted((o["name"], o["action"]) for o in predicted["objects"]) == [("new", "created"), ("old", "deleted")]
    done = ok(play(pbx, [task("gws", **args)], diff=True), "gws")
    assert done["objects"] == predicted["objects"] and done["diff"] == predicted["diff"]
    assert writes(pbx) == {"POST %s/gateways" % PREFIX: 1, "DELETE %s/gateways/{gateway}" % PREFIX: 1}
    assert sorted(rb.raw_gateways(pbx.sim)) == ["keep", "new", "other", "shared"], "other branches are untouched"
    assert rb.gateway(pbx.sim, "new")["branch"] == TENANT
    pbx.sim.reset_stats()
    assert ok(play(pbx, [task("gws", **args)]), "gws")["changed"] is False and pbx.writes() == 0

    # Without tenant the listing spans the PBX: purge needs purge_all_tenants, refused before any write.
    whole = dict(pbx.connection, tenant=None)
    refused = play(pbx, [task("gws", gateways=[{"name": "keep"}], purge=True)], connection=whole)
    failed(refused, "gws", "purge without tenant reaches every tenant", "purge_all_tenants", "3 gateways")
    assert pbx.writes() == 0
    moved = ok(play(pbx, [task("gw", name="shared", branch="beta")], connection=whole), "gw")
    assert moved["changed"] and rb.gateway(pbx.sim, "shared")["branch"] == "beta"


# -- bad input fails with nothing written ----------------------------------------------------------------
def test_bad_input_fails_before_any_write(pbx):
    pbx.sim.fixtures("sipxcom", "gateways", [gateway_fixture("unmanaged", TENANT),
                                             gateway_fixture("elsewhere", "beta")])
    pbx.sim.reset_stats()
    cases = [
        (task("t", name="gw", model="sipTrunkStandart", address="x"), ("no gateway model 'sipTrunkStandart'",
                                                                       "close matches: sipTrunkStandard")),
        (task("t", name="gw", address="x"), ("model is required",)),
        (task("t", name="gw", model="sipTrunkStandard", settings={"itsp-account/registration-intervall": 30}),
         ("has no setting itsp-account/registration-intervall", "close matches: itsp-account/registration-interval")),
        (task("t", name="gw", model="sipTrunkStandard", settings={"itsp-account/password": "x"}),
         ("is a credential", "sip_password")),
        (task("t", name="gw", model="sipTrunkStandard", settings={"itsp-account/registration-interval": "often"}),
         ("is an integer",)),
        (task("t", name="gw", model="genericGatewayStandard", sip_username="u"), ("sip_username", "has none")),
        (task("t", name="gw", model="sipTrunkStandard", transport="sctp"), ("transport must be one of",)),
        (task("t", name="gw", model="sipTrunkStandard", branch="beta"), ("is not the task's tenant",)),
        (task("t", name="gw", model="audiocodesMP1X4_4_FXO", device_version="audiocodes9"),
         ("device_version 'audiocodes9' is not a version",)),
        (task("t", name="gw", model="audiocodesMP1X4_4_FXO", ports=[{}] * 5), ("at most 4 ports",)),
        (task("t", name="gw", model="audiocodesMediant1000", settings={"SIP/gatewayName": "x"}),
         ("no gateway of model audiocodesMediant1000 exists yet",)),
        (task("t", name="gw", model="genericGatewayStandard", settings={"SIP/gatewayName": "x"}),
         ("has no setting SIP/gatewayName", "it has no settings")),
        (task("t", name="unmanaged", model="sipTrunkStandard"), ("cannot change a gateway's model",)),
        (task("t", name="elsewhere", model="genericGatewayStandard"), ("outside tenant acme", "branch beta")),
        (task("t", name="gw", model="sipTrunkStandard", port=70000), ("port must be 0 to 65535",)),
        (task("t", name="gw", model="sipTrunkStandard", prefix=9), ("quote the value",)),
    ]
    tasks = [dict(case, name="case %d" % index) for index, (case, _words) in enumerate(cases)]
    for check in (True, False):
        result = play(pbx, tasks, check=check)
        for index, (_case, words) in enumerate(cases):
            failed(result, "case %d" % index, *words)
    # No gateway of branch nowhere is listed, so the branch listing is read and says it does not exist (check
    # mode predicts it as an empty tenant a pbx_tenant task before it would make, with a warning).
    missing = [task("t", name="gw", model="sipTrunkStandard", tenant="nowhere")]
    assert "branch 'nowhere' does not exist" in " ".join(ok(play(pbx, missing, check=True), "t")["warnings"])
    failed(play(pbx, missing), "t", "branch 'nowhere' does not exist")
    assert pbx.writes() == 0, writes(pbx)
    assert sorted(rb.raw_gateways(pbx.sim)) == ["elsewhere", "unmanaged"]


# -- secrets ------------------------------------------------------------------------------------------------
def test_sip_password_never_shows_and_lands_in_its_setting(pbx):
    args = dict(name="carrier", model="sipTrunkStandard", address="sip.carrier.example", sip_username="acct",
                sip_password=SECRET)
    result = play(pbx, [task("gw", **args)], diff=True, verbosity=3)
    ok(result, "gw")
    assert SECRET not in result.output and SECRET not in json.dumps(result.results)
    assert rb.gateway(pbx.sim, "carrier", settings=True)["_password"] == SECRET

    # sipXcom returns the password in clear with the settings: a task that reads them must not show it.
    pbx.sim.reset_stats()
    again = play(pbx, [task("gw", name="carrier", sip_username="acct2", settings={
        "itsp-account/registration-interval": 120})], diff=True, verbosity=3)
    ok(again, "gw")
    assert "GET %s/gateways/{gateway}/settings" % PREFIX in reads(pbx)
    assert SECRET not in again.output and SECRET not in json.dumps(again.results)
    # on_create: the rerun does not write the password; always: one PUT of its setting, nothing else.
    pbx.sim.reset_stats()
    assert ok(play(pbx, [task("gw", **args)]), "gw")["changed"] is True  # sip_username acct2 -> acct
    assert writes(pbx) == {"PUT %s/gateways/{gateway}/settings/{path}" % PREFIX: 1}
    pbx.sim.reset_stats()
    rotated = play(pbx, [task("gw", **with_(args, sip_password="Trunk-Pa55-0002", update_password="always"))],
                   diff=True, verbosity=3)
    assert ok(rotated, "gw")["changed"] is True
    assert writes(pbx) == {"PUT %s/gateways/{gateway}/settings/{path}" % PREFIX: 1}
    assert "Trunk-Pa55-0002" not in rotated.output
    assert rb.gateway(pbx.sim, "carrier", settings=True)["_password"] == "Trunk-Pa55-0002"
    info = play(pbx, [{"name": "info", INFO: {"gather": ["gateways"]}}], verbosity=3)
    assert "Trunk-Pa55-0002" not in info.output

    # A task that does not give sip_password knows it only from the settings it reads: when the PBX then
    # echoes it in an error (sipXcom's error pages dump the bean), the failure still masks it.
    pbx.sim.faults({"kind": "status", "status": 400, "platform": "sipxcom", "method": "PUT",
                    "path": PREFIX + "/gateways/", "count": 1,
                    "body": {"error": "rejected; itsp-account/password is Trunk-Pa55-0002"}})
    echoed = play(pbx, [task("gw", name="carrier", settings={"itsp-account/registration-interval": 90})],
                  diff=True, verbosity=3)
    failed(echoed, "gw", "rejected; itsp-account/password is ********")
    assert "Trunk-Pa55-0002" not in echoed.output and "Trunk-Pa55-0002" not in json.dumps(echoed.results)


# -- FXO ports -----------------------------------------------------------------------------------------------
def test_fxo_ports_added_set_and_removed(pbx):
    # An existing AudioCodes gateway with a port shows sipXcom's port settings for the new one's.
    pbx.sim.fixtures("sipxcom", "gateways", [dict(gateway_fixture("warehouse", TENANT, FXO), ports=1)])
    pbx.sim.reset_stats()
    args = dict(name="lobby", model=FXO, address="192.0.2.40", ports=[{"settings": {"Port/extension": "300"}}, {}])
    predicted = ok(play(pbx, [task("gw", **args)], check=True), "gw")
    assert pbx.writes() == 0
    ok(play(pbx, [task("gw", **args)]), "gw")
    assert writes(pbx) == {"POST %s/gateways" % PREFIX: 1, "POST %s/gateways/{gateway}/ports" % PREFIX: 2,
                           "PUT %s/gateways/{gateway}/ports/{port}/settings/{path}" % PREFIX: 1}
    held = rb.gateway(pbx.sim, "lobby", ports=True)
    assert predicted["gateway"]["ports"] == args["ports"]
    assert [p["settings"].get("Port/extension") for p in held["ports"]] == ["300", None]
    pbx.sim.reset_stats()
    assert ok(play(pbx, [task("gw", **args)]), "gw")["changed"] is False and pbx.writes() == 0

    # One port left, its extension changed: one PUT of the setting, one DELETE of the last port.
    pbx.sim.reset_stats()
    change = [task("gw", name="lobby", ports=[{"settings": {"Port/extension": "301"}}])]
    ok(play(pbx, change, check=True), "gw")
    assert pbx.writes() == 0
    ok(play(pbx, change), "gw")
    assert writes(pbx) == {"DELETE %s/gateways/{gateway}/ports/{port}" % PREFIX: 1,
                           "PUT %s/gateways/{gateway}/ports/{port}/settings/{path}" % PREFIX: 1}
    held = rb.gateway(pbx.sim, "lobby", ports=True)
    assert held["_ports"] == held["_ports"][:1] and held["ports"][0]["settings"]["Port/extension"] == "301"
    failed(play(pbx, [task("gw", name="lobby", ports=[{"settings": {"Port/extensio": "1"}}])]), "gw",
           "has no setting Port/extensio", "close matches: Port/extension")
    failed(play(pbx, [task("gw", name="warehouse", ports=[{}] * 5)]), "gw", "at most 4 ports")


# -- pbx_info -----------------------------------------------------------------------------------------------
def test_pbx_info_round_trip(pbx):
    pbx.sim.fixtures("sipxcom", "gateways", [gateway_fixture("other", "beta")])
    ok(play(pbx, [task("gws", gateways=[
        TRUNK, dict(name="pstn", model=FXO, device_version="audiocodes5.8", address="192.0.2.40", shared=False),
        dict(name="plain", model="genericGatewayStandard", address="192.0.2.50", prefix="0", enabled=False)])]), "gws")
    pbx.sim.reset_stats()
    gathered = ok(play(pbx, [{"name": "info", INFO: {"gather": ["gateways"]}}]), "info")
    got = dict((g["name"], g) for g in gathered["gateways"])
    assert sorted(got) == ["carrier", "plain", "pstn"], "only the tenant's branch"
    assert got["carrier"]["caller_id_keep_digits"] == 4 and got["pstn"]["device_version"] == "audiocodes5.8"
    assert "sip_password" not in got["carrier"] and "settings" not in got["carrier"]
    assert reads(pbx) == {"GET %s/gateways" % PREFIX: 1}, "the branch's gateways show it exists"
    pbx.sim.reset_stats()
    again = ok(play(pbx, [task("gws", gateways=gathered["gateways"], purge=True)]), "gws")
    assert again["changed"] is False and pbx.writes() == 0, writes(pbx)
    assert again["summary"]["unchanged"] == 3
