"""pbx_callgroup and pbx_info callgroups on PortSIP: real ansible-playbook runs against the simulator, asserting
on results, on the simulator's request counts (per route) and on what PortSIP holds afterwards, read through
its own API (tests/readback_callgroups_portsip.py, no collection code)."""

import json

import pytest

import readback_callgroups_portsip as rb
from playbook import assert_failed as failed, assert_ok as ok, assert_predicted, connection_environment
from samples import TENANT

MODULE = "pbxops.pbx.pbx_callgroup"
INFO = "pbxops.pbx.pbx_info"
USERS = ("101", "102", "103", "104")
# What every PortSIP run costs before it reads call groups (login, tenant listing, switch, sign-out).
SESSION = ("POST /api/auth/sign_in", "GET /api/tenants", "POST /api/tenants/switch", "POST /api/auth/sign_out")


@pytest.fixture
def platform():
    return "portsip"


@pytest.fixture
def pbx(target):
    """The target with users 101-104 in the tenant and 201 in tenant beta (fixtures: no requests counted)."""
    target.sim.fixtures("portsip", "tenants", [{"name": "beta", "domain": "beta.example.com"}])
    target.sim.fixtures("portsip", "users", [{"extension_number": n, "tenant": TENANT} for n in USERS]
                        + [{"extension_number": "201", "tenant": "beta"}])
    target.sim.reset_stats()
    return target


def play(target, tasks, **kwargs):
    """The connection comes from PBX_* variables, as an AWX credential gives it (not module_defaults)."""
    connection = kwargs.pop("connection", target.connection)
    return target.play(tasks, env=connection_environment(target.url, connection), module_defaults=False, **kwargs)


def task(title, **args):
    return {"name": title, MODULE: args}


def writes(target):
    return dict((k, v["writes"]) for k, v in target.routes().items() if v["writes"])


def reads(target):
    """{"METHOD /route": reads} of the requests since the last stats reset, the session's own left out."""
    return dict((k, v["reads"]) for k, v in target.routes().items() if v["reads"] and k not in SESSION)


def views(r):
    return json.loads(r["diff"]["before"]), json.loads(r["diff"]["after"])


def members_of(group):
    return [m["number"] for m in group["members"]]


def assert_holds(target, predicted):
    """PortSIP holds what the (check-mode) prediction said, members in order with the fields given."""
    held = rb.callgroup(target.sim, TENANT, predicted["number"])
    assert held is not None, "ring group %s is not on PortSIP" % predicted["number"]
    for key, want in predicted.items():
        if key == "members":
            want = [m if isinstance(m, dict) else {"number": m} for m in want]
            assert [m["number"] for m in want] == members_of(held), (want, held["members"])
            for w, h in zip(want, held["members"]):
                for field, value in w.items():
                    assert h.get(field) == value, (w, h)
        else:
            assert held.get(key) == want, (key, want, held.get(key))
    return held


GROUP = dict(number="600", name="Helpdesk", strategy="hunt", ring_time=25, skip_busy_members=True,
             members=["101", "102"], no_answer={"action": "forward", "number": "103"})


# -- create, rerun, one-field change, delete (single form) ---------------------------------------------
def test_create_rerun_change_and_delete(pbx):
    create = [task("cg", **GROUP)]
    predicted = ok(play(pbx, create, check=True, diff=True), "cg")
    assert predicted["changed"] is True and pbx.writes() == 0, writes(pbx)
    assert predicted["summary"] == {"created": 1, "updated": 0, "deleted": 0, "unchanged": 0}
    before, after = views(predicted)
    assert before == {} and after["members"] == ["101", "102"]
    assert rb.callgroup(pbx.sim, TENANT, "600") is None

    pbx.sim.reset_stats()
    created = ok(play(pbx, create, diff=True), "cg")
    assert created["diff"] == predicted["diff"] and created["callgroup"] == predicted["callgroup"]
    # One POST of the group, one POST of its whole agent list (PLATFORM_NOTES).
    assert writes(pbx) == {"POST /api/ring_groups": 1, "POST /api/ring_groups/{id}/agents": 1}
    assert reads(pbx) == {"GET /api/ring_groups": 1, "GET /api/users": 1}
    held = assert_holds(pbx, predicted["callgroup"])
    assert [m["skill_level"] for m in held["members"]] == [1, 1]

    pbx.sim.reset_stats()
    rerun = ok(play(pbx, create), "cg")
    assert rerun["changed"] is False and pbx.writes() == 0, writes(pbx)
    # The listing, and the agents of the one named group (the listing has none).
    assert reads(pbx) == {"GET /api/ring_groups": 1, "GET /api/ring_groups/{id}/agents": 1}

    change = [task("cg", **{**GROUP, "ring_time": 40})]
    pbx.sim.reset_stats()
    predicted = ok(play(pbx, change, check=True, diff=True), "cg")
    assert pbx.writes() == 0
    before, after = views(predicted)
    assert before["ring_time"] == 25 and after["ring_time"] == 40
    assert dict(before, ring_time=0) == dict(after, ring_time=0), "only ring_time changes"
    changed = ok(play(pbx, change, diff=True), "cg")
    assert changed["diff"] == predicted["diff"] and changed["callgroup"] == predicted["callgroup"]
    assert writes(pbx) == {"POST /api/ring_groups/{id}": 1}, "a one-field change is one POST"
    assert_holds(pbx, predicted["callgroup"])

    remove = [task("cg", number="600", state="absent")]
    pbx.sim.reset_stats()
    predicted = ok(play(pbx, remove, check=True, diff=True), "cg")
    assert predicted["changed"] and pbx.writes() == 0
    assert views(predicted)[1] == {} and views(predicted)[0]["ring_time"] == 40
    removed = ok(play(pbx, remove, diff=True), "cg")
    assert removed["diff"] == predicted["diff"]
    assert writes(pbx) == {"POST /api/ring_groups/{id}/destroy": 1}
    assert rb.callgroup(pbx.sim, TENANT, "600") is None
    pbx.sim.reset_stats()
    assert ok(play(pbx, remove), "cg")["changed"] is False and pbx.writes() == 0


# -- members: reorder, skill levels, the whole list replaced ---------------------------------------------
def test_member_changes_are_one_agent_list_write_each(pbx):
    ok(play(pbx, [task("cg", number="600", name="Helpdesk", members=["101", "102", "103"])]), "cg")
    cases = [
        (dict(members=["103", "101", "102"]), ["103", "101", "102"], [1, 1, 1]),
        (dict(members=["103", "101"]), ["103", "101"], [1, 1]),
        (dict(members=["103", {"number": "101", "skill_level": 5}, "104"]), ["103", "101", "104"], [1, 5, 1]),
        # A member whose level the task leaves out keeps it, in its new place too.
        (dict(members=["101", "103"]), ["101", "103"], [5, 1]),
        (dict(members=[]), [], []),
    ]
    for change, order, levels in cases:
        args = dict(number="600", **change)
        pbx.sim.reset_stats()
        predicted = ok(play(pbx, [task("cg", **args)], check=True, diff=True), "cg")
        assert predicted["changed"] and pbx.writes() == 0, change
        done = ok(play(pbx, [task("cg", **args)], diff=True), "cg")
        assert done["diff"] == predicted["diff"], change
        assert writes(pbx) == {"POST /api/ring_groups/{id}/agents": 1}, change
        held = assert_holds(pbx, predicted["callgroup"])
        assert members_of(held) == order and [m["skill_level"] for m in held["members"]] == levels, held
        pbx.sim.reset_stats()
        assert ok(play(pbx, [task("cg", **args)]), "cg")["changed"] is False and pbx.writes() == 0, change
    assert rb.callgroup(pbx.sim, TENANT, "600")["name"] == "Helpdesk"


def test_strategies_and_no_answer_actions(pbx):
    ok(play(pbx, [task("cg", number="600", name="Helpdesk")]), "cg")
    held = rb.callgroup(pbx.sim, TENANT, "600")
    assert held["strategy"] == "ring_all" and held["ring_time"] == 20, "PortSIP's defaults"
    for strategy in ("hunt", "cyclic_hunt", "least_worked_hunt", "paging", "skill_hunt", "skill_cyclic_hunt",
                     "skill_least_worked_hunt", "ring_all"):
        pbx.sim.reset_stats()
        ok(play(pbx, [task("cg", number="600", strategy=strategy)]), "cg")
        assert writes(pbx) == {"POST /api/ring_groups/{id}": 1}, strategy
        assert rb.callgroup(pbx.sim, TENANT, "600")["strategy"] == strategy
    # (Only the keys given are compared: {action: voicemail} after a voicemail rule with a number would
    # change nothing, so it comes after hangup.)
    for rule in ({"action": "forward", "number": "0800123456"}, {"action": "voicemail", "number": "101"},
                 {"action": "repeat"}, {"action": "hangup"}, {"action": "voicemail"}):
        pbx.sim.reset_stats()
        ok(play(pbx, [task("cg", number="600", no_answer=rule)]), "cg")
        assert writes(pbx) == {"POST /api/ring_groups/{id}": 1}, rule
        assert rb.callgroup(pbx.sim, TENANT, "600")["no_answer"] == rule
        pbx.sim.reset_stats()
        assert ok(play(pbx, [task("cg", number="600", no_answer=rule)]), "cg")["changed"] is False
        assert pbx.writes() == 0, rule


def test_api_fields_are_sent_and_compared_with_the_group(pbx):
    args = dict(number="600", name="Helpdesk", api_fields={"enable_paid": True})
    ok(play(pbx, [task("cg", **args)]), "cg")
    assert rb.callgroup(pbx.sim, TENANT, "600")["api_fields"]["enable_paid"] is True
    pbx.sim.reset_stats()
    assert ok(play(pbx, [task("cg", **args)]), "cg")["changed"] is False and pbx.writes() == 0
    assert reads(pbx) == {"GET /api/ring_groups": 1, "GET /api/ring_groups/{id}": 1}


# -- list form: purge within the tenant, pbx_info round trip -------------------------------------------------
def test_purge_stays_within_the_tenant(pbx):
    pbx.sim.fixtures("portsip", "ring_groups", [
        {"tenant": TENANT, "name": "old", "extension_number": "610", "agents": ["101"]},
        {"tenant": TENANT, "name": "bare", "extension_number": "611"},
        {"tenant": "beta", "name": "beta", "extension_number": "620", "agents": ["201"]},
    ])
    pbx.sim.reset_stats()
    tasks = [task("cgs", purge=True, callgroups=[{"number": "600", "name": "Helpdesk", "members": ["102", "101"]}])]
    predicted = ok(play(pbx, tasks, check=True, diff=True), "cgs")
    assert pbx.writes() == 0
    assert sorted((o["number"], o["action"]) for o in predicted["objects"]) == [
        ("600", "created"), ("610", "deleted"), ("611", "deleted")]
    done = ok(play(pbx, tasks, diff=True), "cgs")
    assert done["objects"] == predicted["objects"] and done["summary"] == predicted["summary"]
    assert writes(pbx) == {"POST /api/ring_groups": 1, "POST /api/ring_groups/{id}/agents": 1,
                           "POST /api/ring_groups/{id}/destroy": 2}
    assert sorted(rb.groups(pbx.sim, TENANT)) == ["600"]
    assert sorted(rb.groups(pbx.sim, "beta")) == ["620"], "another tenant's groups stay"
    pbx.sim.reset_stats()
    assert ok(play(pbx, tasks), "cgs")["changed"] is False and pbx.writes() == 0


def test_info_round_trip_changes_nothing(pbx):
    tasks = [task("cgs", callgroups=[
        dict(GROUP),
        {"number": "601", "name": "Skills", "strategy": "skill_hunt",
         "members": [{"number": "103", "skill_level": 2}, "101"], "no_answer": {"action": "hangup"}},
        {"number": "602", "name": "Empty"},
    ])]
    ok(play(pbx, tasks), "cgs")
    pbx.sim.reset_stats()
    info = ok(play(pbx, [{"name": "info", INFO: {"gather": ["callgroups"]}}]), "info")
    assert pbx.writes() == 0
    found = dict((g["number"], g) for g in info["callgroups"])
    assert sorted(found) == ["600", "601", "602"]
    assert found["601"]["members"] == [{"number": "103", "skill_level": 2}, "101"]
    assert found["600"]["no_answer"] == {"action": "forward", "number": "103"}
    assert "api_fields" not in found["600"]

    pbx.sim.reset_stats()
    back = ok(play(pbx, [task("cgs", purge=True, callgroups=info["callgroups"])]), "cgs")
    assert back["changed"] is False and pbx.writes() == 0, writes(pbx)
    assert back["summary"]["unchanged"] == 3


# -- bad input: nothing written --------------------------------------------------------------------------
# The first MISSING cases name extensions that do not exist (yet): check mode warns and predicts the create, in
# case an earlier task of the play creates them; a real run fails.
MISSING = 2
UNKNOWN_MEMBERS = [
    (dict(members=["101", "999"]), ["member 999", "is not an extension of this tenant"]),
    (dict(members=["201"]), ["member 201", "is not an extension of this tenant"]),
    (dict(number="101", members=["102"]), ["call group 101", "already an extension of this tenant"]),
    (dict(name=None, members=["102"]), ["PortSIP needs name to create a ring group"]),
]


@pytest.mark.parametrize("check", [True, False], ids=["check", "real"])
def test_unknown_members_and_missing_fields_fail_before_any_write(pbx, check):
    tasks = []
    for i, (args, _w) in enumerate(UNKNOWN_MEMBERS):
        tasks.append(task("case %d" % i, **dict(dict(number="60%d" % i, name="Group"), **args)))
    r = play(pbx, tasks, check=check)
    for i, (_args, words) in enumerate(UNKNOWN_MEMBERS):
        (assert_predicted if check and i < MISSING else failed)(r, "case %d" % i, *words)
    assert pbx.writes() == 0, writes(pbx)
    assert rb.groups(pbx.sim, TENANT) == {}


def test_unknown_member_of_an_existing_group_fails_before_any_write(pbx):
    ok(play(pbx, [task("cg", number="600", name="Helpdesk", members=["101"])]), "cg")
    pbx.sim.reset_stats()
    r = play(pbx, [task("cg", number="600", members=["101", "999"], ring_time=5)])
    failed(r, "cg", "member 999", "is not an extension")
    assert pbx.writes() == 0
    held = rb.callgroup(pbx.sim, TENANT, "600")
    assert members_of(held) == ["101"] and held["ring_time"] == 20


BAD_INPUT = [
    (dict(strategy="queue"), ["strategy queue is not available on PortSIP", "call queue"]),
    (dict(members=[{"number": "101", "ring_type": "at_same_time"}]), ["ring_type is a sipXcom option"]),
    (dict(members=[{"number": "101", "expiration": 5, "enabled": True}]), ["enabled, expiration are sipXcom options"]),
    (dict(members=[{"number": "101", "skill_level": 101}]), ["skill_level must be 1 to 100"]),
    (dict(members=["101", "101"]), ["member 101 is listed twice"]),
    (dict(members=["12"]), ["members[0] '12' is not an extension number"]),
    (dict(number="12"), ["number must be 3 to 64 digits"]),
    (dict(no_answer={"action": "forward"}), ["no_answer action forward needs number"]),
    (dict(no_answer={"number": "101"}), ["no_answer needs action"]),
    (dict(no_answer={"action": "hangup", "number": "101"}), ["no_answer action hangup takes no number"]),
    (dict(api_fields={"ring_strategy": "PRIORITIZED_HUNT"}), ["api_fields ring_strategy", "option strategy"]),
    (dict(description="x"), ["description cannot be managed on PortSIP"]),
    (dict(enabled=True), ["enabled cannot be managed on PortSIP"]),
    (dict(did="4155550500"), ["did cannot be managed on PortSIP"]),
    (dict(ring_time=-1), ["ring_time must be 0 or more"]),
]


def test_bad_input_fails_before_any_request(pbx):
    tasks = [task("case %d" % i, **dict(dict(number="600"), **args)) for i, (args, _w) in enumerate(BAD_INPUT)]
    r = play(pbx, tasks)
    for i, (_args, words) in enumerate(BAD_INPUT):
        failed(r, "case %d" % i, *words)
    assert pbx.routes() == {}, "no request at all: %r" % pbx.routes()


def test_missing_tenant_fails_before_any_write(pbx):
    r = play(pbx, [task("cg", number="600", name="Helpdesk")], connection=dict(pbx.connection, tenant="nowhere"))
    failed(r, "cg", "tenant 'nowhere' not found")
    assert pbx.writes() == 0
