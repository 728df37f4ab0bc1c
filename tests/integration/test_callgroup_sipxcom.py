"""pbx_callgroup and pbx_info callgroups on sipXcom: real ansible-playbook runs against the simulator, asserting
on results, on the simulator's request counts (per route) and on what sipXcom holds afterwards, read through
its own API (tests/readback_callgroups_sipxcom.py, no collection code)."""

import json

import pytest

import readback_callgroups_sipxcom as rb
from playbook import assert_failed as failed, assert_ok as ok, assert_predicted, connection_environment
from samples import TENANT

MODULE = "pbxops.pbx.pbx_callgroup"
INFO = "pbxops.pbx.pbx_info"
PREFIX = "/sipxconfig/api"
USERS = ("101", "102", "103", "104")


@pytest.fixture
def platform():
    return "sipxcom"


@pytest.fixture
def pbx(target):
    """The target with users 101-104 in the tenant's branch and 201 (alias ann) in branch beta (fixtures: no
    requests counted)."""
    target.sim.fixtures("sipxcom", "branches", [{"name": "beta"}])
    target.sim.fixtures("sipxcom", "users", [{"userName": n, "branch": TENANT} for n in USERS]
                        + [{"userName": "201", "branch": "beta", "aliases": ["ann"]}])
    target.sim.reset_stats()
    return target


def play(target, tasks, **kwargs):
    """The connection comes from PBX_* variables, as an AWX credential gives it (not module_defaults)."""
    connection = kwargs.pop("connection", target.connection)
    return target.play(tasks, env=connection_environment(target.url, connection), module_defaults=False, **kwargs)


def task(title, **args):
    return {"name": title, MODULE: args}


def writes(target):
    """{"METHOD /route": writes} of the sipXcom requests since the last stats reset."""
    return dict((k, v["writes"]) for k, v in target.routes().items() if v["writes"])


def reads(target):
    return dict((k, v["reads"]) for k, v in target.routes().items() if v["reads"])


def views(r):
    return json.loads(r["diff"]["before"]), json.loads(r["diff"]["after"])


def members_of(group):
    return [m["number"] for m in group["members"]]


def assert_holds(target, predicted):
    """sipXcom holds what the (check-mode) prediction said, members in order with the fields given."""
    held = rb.callgroup(target.sim, predicted["number"])
    assert held is not None, "call group %s is not on sipXcom" % predicted["number"]
    for key, want in predicted.items():
        if key == "members":
            want = [m if isinstance(m, dict) else {"number": m} for m in want]
            assert [m["number"] for m in want] == members_of(held), (want, held["members"])
            for w, h in zip(want, held["members"]):
                for field, value in w.items():
                    assert h.get(field) == value, (w, h)
        elif key == "strategy":
            types = set(m["ring_type"] for m in held["members"][1:])
            if want is None:
                assert len(types) > 1, held["members"]
            else:
                assert types <= set([{"hunt": "if_no_response", "ring_all": "at_same_time"}[want]]), held["members"]
        elif key == "ring_time":
            expirations = set(m["expiration"] for m in held["members"])
            assert len(expirations) > 1 if want is None else expirations <= set([want]), held["members"]
        elif key == "no_answer":
            assert dict((k, v) for k, v in held["no_answer"].items() if k in want) == want, held["no_answer"]
        else:
            assert held.get(key) == want, (key, want, held.get(key))
    return held


GROUP = dict(number="500", name="sales", description="Sales line", did="4155550500", strategy="hunt", ring_time=20,
             members=["101", "102"], no_answer={"action": "forward", "number": "103"}, user_forward=False,
             use_forward_timers=True)


# -- create, rerun, one-field change, delete (single form) ---------------------------------------------
def test_create_rerun_change_and_delete(pbx):
    create = [task("cg", **GROUP)]
    predicted = ok(play(pbx, create, check=True, diff=True), "cg")
    assert predicted["changed"] is True and pbx.writes() == 0, writes(pbx)
    assert predicted["summary"] == {"created": 1, "updated": 0, "deleted": 0, "unchanged": 0}
    before, after = views(predicted)
    assert before == {} and after["members"] == ["101", "102"] and after["number"] == "500"
    assert rb.callgroup(pbx.sim, "500") is None

    pbx.sim.reset_stats()
    created = ok(play(pbx, create, diff=True), "cg")
    assert created["changed"] is True
    assert created["diff"] == predicted["diff"] and created["callgroup"] == predicted["callgroup"]
    assert writes(pbx) == {"POST %s/callgroups" % PREFIX: 1}, "a create is one POST"
    # The listing, and the users once (tenant set, and the members are checked).
    assert reads(pbx) == {"GET %s/callgroups" % PREFIX: 1, "GET %s/users" % PREFIX: 1}
    held = assert_holds(pbx, predicted["callgroup"])
    assert held["enabled"] is True, "a new group is enabled"
    assert [m["enabled"] for m in held["members"]] == [True, True], "new rings are on (RingBean would send false)"

    pbx.sim.reset_stats()
    rerun = ok(play(pbx, create), "cg")
    assert rerun["changed"] is False and pbx.writes() == 0, writes(pbx)
    assert rerun["summary"]["unchanged"] == 1

    change = [task("cg", **{**GROUP, "description": "Sales and renewals"})]
    pbx.sim.reset_stats()
    predicted = ok(play(pbx, change, check=True, diff=True), "cg")
    assert pbx.writes() == 0
    before, after = views(predicted)
    assert before["description"] == "Sales line" and after["description"] == "Sales and renewals"
    assert dict(before, description=None) == dict(after, description=None), "only the description changes"
    changed = ok(play(pbx, change, diff=True), "cg")
    assert changed["diff"] == predicted["diff"] and changed["callgroup"] == predicted["callgroup"]
    assert writes(pbx) == {"PUT %s/callgroups/{ext}" % PREFIX: 1}, "a one-field change is one PUT"
    held = assert_holds(pbx, predicted["callgroup"])
    # The PUT copies the whole group: what the task does not change must survive it.
    assert held["did"] == "4155550500" and held["user_forward"] is False and held["use_forward_timers"] is True
    assert held["no_answer"] == {"action": "forward", "number": "103"}

    remove = [task("cg", number="500", state="absent")]
    pbx.sim.reset_stats()
    predicted = ok(play(pbx, remove, check=True, diff=True), "cg")
    assert predicted["changed"] and pbx.writes() == 0
    assert views(predicted)[1] == {} and views(predicted)[0]["description"] == "Sales and renewals"
    removed = ok(play(pbx, remove, diff=True), "cg")
    assert removed["diff"] == predicted["diff"]
    assert writes(pbx) == {"DELETE %s/callgroups/{ext}" % PREFIX: 1}
    assert rb.callgroup(pbx.sim, "500") is None
    pbx.sim.reset_stats()
    assert ok(play(pbx, remove), "cg")["changed"] is False and pbx.writes() == 0


# -- members: reorder, per-member options, strategy ------------------------------------------------------
def test_member_reorder_and_member_options_are_one_put_each(pbx):
    ok(play(pbx, [task("cg", number="500", name="sales", members=["101", "102", "103"])]), "cg")
    held = rb.callgroup(pbx.sim, "500")
    assert members_of(held) == ["101", "102", "103"]
    assert [m["expiration"] for m in held["members"]] == [30, 30, 30], "new rings ring 30 s (RingBean: 0)"

    cases = [
        (dict(members=["103", "101", "102"]), ["103", "101", "102"]),
        (dict(members=["103", "101"]), ["103", "101"]),
        (dict(members=[{"number": "103"}, {"number": "101", "ring_type": "at_same_time", "expiration": 12},
                       {"number": "104", "enabled": False}]), ["103", "101", "104"]),
        (dict(strategy="ring_all"), ["103", "101", "104"]),
        (dict(ring_time=45), ["103", "101", "104"]),
    ]
    for change, order in cases:
        args = dict(number="500", **change)
        pbx.sim.reset_stats()
        predicted = ok(play(pbx, [task("cg", **args)], check=True, diff=True), "cg")
        assert predicted["changed"] and pbx.writes() == 0, change
        done = ok(play(pbx, [task("cg", **args)], diff=True), "cg")
        assert done["diff"] == predicted["diff"], change
        assert writes(pbx) == {"PUT %s/callgroups/{ext}" % PREFIX: 1}, change
        held = assert_holds(pbx, predicted["callgroup"])
        assert members_of(held) == order, (change, held["members"])
        pbx.sim.reset_stats()
        assert ok(play(pbx, [task("cg", **args)]), "cg")["changed"] is False and pbx.writes() == 0, change

    held = rb.callgroup(pbx.sim, "500")
    assert [m.get("ring_type") for m in held["members"]] == [None, "at_same_time", "at_same_time"]
    assert [m["expiration"] for m in held["members"]] == [45, 45, 45]
    assert [m["enabled"] for m in held["members"]] == [True, True, False], "a member's enabled survives the PUTs"
    assert held["name"] == "sales"


def test_strategy_of_a_group_of_one_matches_either_value(pbx):
    args = dict(number="500", name="solo", strategy="ring_all", ring_time=15, members=["101"])
    ok(play(pbx, [task("cg", **args)]), "cg")
    pbx.sim.reset_stats()
    for strategy in ("ring_all", "hunt"):
        rerun = ok(play(pbx, [task("cg", **{**args, "strategy": strategy})]), "cg")
        assert rerun["changed"] is False and pbx.writes() == 0, strategy
    empty = dict(number="501", name="empty", strategy="hunt", ring_time=15, members=[])
    ok(play(pbx, [task("cg", **empty)]), "cg")
    pbx.sim.reset_stats()
    assert ok(play(pbx, [task("cg", **empty)]), "cg")["changed"] is False and pbx.writes() == 0


def test_no_answer_actions(pbx):
    ok(play(pbx, [task("cg", number="500", name="sales", members=["101"])]), "cg")
    assert rb.callgroup(pbx.sim, "500")["no_answer"] == {"action": "voicemail"}, "sipXcom's default"
    for rule in ({"action": "forward", "number": "sip:night@example.com"}, {"action": "hangup"},
                 {"action": "voicemail"}):
        pbx.sim.reset_stats()
        ok(play(pbx, [task("cg", number="500", no_answer=rule)]), "cg")
        assert writes(pbx) == {"PUT %s/callgroups/{ext}" % PREFIX: 1}, rule
        assert rb.callgroup(pbx.sim, "500")["no_answer"] == rule
        pbx.sim.reset_stats()
        assert ok(play(pbx, [task("cg", number="500", no_answer=rule)]), "cg")["changed"] is False
        assert pbx.writes() == 0


def test_api_fields_are_sent_and_compared_as_a_subset(pbx):
    args = dict(number="500", name="sales", api_fields={"useFwdTimers": True, "voicemailFallback": False})
    ok(play(pbx, [task("cg", **args)]), "cg")
    held = rb.callgroup(pbx.sim, "500")["api_fields"]
    assert held["useFwdTimers"] is True and held["voicemailFallback"] is False
    pbx.sim.reset_stats()
    assert ok(play(pbx, [task("cg", **args)]), "cg")["changed"] is False and pbx.writes() == 0
    r = play(pbx, [task("cg", number="500", api_fields={"ringCount": 3})])
    failed(r, "cg", "ringCount", "not fields of sipXcom's /api/callgroups")
    assert pbx.writes() == 0


# -- list form: purge within the tenant, the whole PBX, pbx_info round trip ---------------------------------
def test_purge_stays_within_the_tenant(pbx):
    pbx.sim.fixtures("sipxcom", "callgroups", [
        {"name": "old", "extension": "510", "ringBeans": [{"userName": "101", "enabled": True, "expiration": 20}]},
        {"name": "bare", "extension": "511"},
        {"name": "beta", "extension": "520", "ringBeans": [{"userName": "201", "enabled": True, "expiration": 20}]},
        {"name": "mixed", "extension": "521", "ringBeans": [{"userName": "101", "enabled": True, "expiration": 20},
                                                            {"userName": "201", "enabled": True, "expiration": 20}]},
    ])
    pbx.sim.reset_stats()
    tasks = [task("cgs", purge=True, callgroups=[{"number": "500", "name": "sales", "members": ["102", "101"]}])]
    predicted = ok(play(pbx, tasks, check=True, diff=True), "cgs")
    assert pbx.writes() == 0
    assert predicted["summary"] == {"created": 1, "updated": 0, "deleted": 2, "unchanged": 0}
    assert sorted((o["number"], o["action"]) for o in predicted["objects"]) == [
        ("500", "created"), ("510", "deleted"), ("511", "deleted")]
    done = ok(play(pbx, tasks, diff=True), "cgs")
    assert done["objects"] == predicted["objects"] and done["summary"] == predicted["summary"]
    assert writes(pbx) == {"POST %s/callgroups" % PREFIX: 1, "DELETE %s/callgroups/{ext}" % PREFIX: 2}
    assert rb.numbers(pbx.sim) == ["500", "520", "521"], "groups with members of another branch stay"
    assert members_of(rb.callgroup(pbx.sim, "500")) == ["102", "101"]

    pbx.sim.reset_stats()
    assert ok(play(pbx, tasks), "cgs")["changed"] is False and pbx.writes() == 0

    # A group of another branch named in the tenant fails before any write.
    r = play(pbx, [task("cgs", callgroups=[{"number": "520", "name": "beta"}])])
    failed(r, "cgs", "call group 520", "outside tenant %s" % TENANT)
    assert pbx.writes() == 0

    # Without a tenant the listing spans the PBX: purge needs purge_all_tenants.
    whole = dict(pbx.connection, tenant=None)
    tasks = [task("cgs", purge=True, callgroups=[{"number": "500"}])]
    r = play(pbx, tasks, connection=whole)
    failed(r, "cgs", "purge without tenant", "purge_all_tenants")
    assert pbx.writes() == 0
    ok(play(pbx, [task("cgs", purge=True, purge_all_tenants=True, callgroups=[{"number": "500"}])],
            connection=whole), "cgs")
    assert rb.numbers(pbx.sim) == ["500"]


def test_info_round_trip_changes_nothing(pbx):
    tasks = [task("cgs", callgroups=[
        dict(GROUP),
        {"number": "501", "name": "support", "members": [
            {"number": "103", "expiration": 15}, {"number": "101", "ring_type": "at_same_time", "expiration": 40},
            {"number": "102", "ring_type": "if_no_response", "expiration": 40, "enabled": False}],
         "no_answer": {"action": "hangup"}},
        {"number": "502", "name": "empty", "enabled": False},
    ])]
    ok(play(pbx, tasks), "cgs")
    pbx.sim.reset_stats()
    info = ok(play(pbx, [{"name": "info", INFO: {"gather": ["callgroups"]}}]), "info")
    assert pbx.writes() == 0
    found = dict((g["number"], g) for g in info["callgroups"])
    assert sorted(found) == ["500", "501", "502"]
    assert found["500"]["strategy"] == "hunt" and found["500"]["ring_time"] == 20
    assert [m["number"] for m in found["501"]["members"]] == ["103", "101", "102"]
    assert "api_fields" not in found["500"]

    pbx.sim.reset_stats()
    back = ok(play(pbx, [task("cgs", purge=True, callgroups=info["callgroups"])]), "cgs")
    assert back["changed"] is False and pbx.writes() == 0, writes(pbx)
    assert back["summary"]["unchanged"] == 3


# -- bad input: nothing written --------------------------------------------------------------------------
UNKNOWN_MEMBERS = [
    (dict(members=["101", "999"]), ["member 999", "does not exist on sipXcom", "silently drop"]),
    (dict(members=["ann"]), ["member ann", "alias of user 201", "name the user"]),
    (dict(members=["101", "201"]), ["member 201", "branch beta", "not of tenant %s" % TENANT]),
]


@pytest.mark.parametrize("check", [True, False], ids=["check", "real"])
def test_unknown_members_fail_before_any_write(pbx, check):
    tasks = [task("case %d" % i, number="50%d" % i, name="sales", **args)
             for i, (args, _w) in enumerate(UNKNOWN_MEMBERS)]
    r = play(pbx, tasks, check=check)
    for i, (_args, words) in enumerate(UNKNOWN_MEMBERS):
        # A user that does not exist (yet) may be created by an earlier task: check mode warns and predicts.
        (assert_predicted if check and i == 0 else failed)(r, "case %d" % i, "call group 50%d" % i, *words)
    assert pbx.writes() == 0, writes(pbx)
    assert rb.numbers(pbx.sim) == []


def test_unknown_member_of_an_existing_group_fails_before_any_write(pbx):
    ok(play(pbx, [task("cg", number="500", name="sales", members=["101"])]), "cg")
    pbx.sim.reset_stats()
    r = play(pbx, [task("cg", number="500", members=["101", "999"], description="new")])
    failed(r, "cg", "member 999", "does not exist")
    assert pbx.writes() == 0
    assert members_of(rb.callgroup(pbx.sim, "500")) == ["101"]


BAD_INPUT = [
    (dict(strategy="paging"), ["strategy paging is not available on sipXcom", "ring_all or hunt"]),
    (dict(strategy="queue"), ["strategy queue is not available on sipXcom"]),
    (dict(members=[{"number": "101", "skill_level": 2}]), ["skill_level is a PortSIP option"]),
    (dict(strategy="hunt", members=["101", {"number": "102", "ring_type": "at_same_time"}]),
     ["ring_type and strategy cannot be set together"]),
    (dict(members=[{"number": "101", "ring_type": "at_same_time"}]), ["members[0].ring_type has no meaning"]),
    (dict(ring_time=20, members=[{"number": "101", "expiration": 5}]), ["expiration and ring_time"]),
    (dict(members=["101", "101"]), ["member 101 is listed twice"]),
    (dict(no_answer={"action": "repeat"}), ["no_answer action repeat is not available on sipXcom"]),
    (dict(no_answer={"action": "forward"}), ["no_answer action forward needs number"]),
    (dict(did="500"), ["did must differ"]),
    (dict(skip_busy_members=True), ["skip_busy_members cannot be managed on sipXcom"]),
    (dict(queue_strategy="cyclic"), ["queue_strategy cannot be managed on sipXcom"]),
    (dict(members=[{"number": "101", "color": "red"}]), ["members[0]: unsupported field color"]),
    (dict(members=[{"ring_type": "at_same_time"}]), ["members[0]: number is required"]),
    (dict(strategy="round_robin"), ["strategy must be one of"]),
]


def test_bad_input_fails_before_any_request(pbx):
    tasks = [task("case %d" % i, **dict(dict(number="500"), **args)) for i, (args, _w) in enumerate(BAD_INPUT)]
    tasks.append({"name": "unquoted", MODULE: {"number": "500", "members": [101]}})
    tasks.append({"name": "list without key", MODULE: {"callgroups": [{"name": "nokey"}]}})
    r = play(pbx, tasks)
    for i, (_args, words) in enumerate(BAD_INPUT):
        failed(r, "case %d" % i, *words)
    failed(r, "unquoted", "members[0] arrived as the int 101", "quote")
    failed(r, "list without key", "callgroups[0]: option number is required")
    assert pbx.routes() == {}, "no request at all: %r" % pbx.routes()


def test_a_number_that_is_a_user_fails_before_any_write(pbx):
    r = play(pbx, [task("cg", number="101", name="clash", members=["102"])])
    failed(r, "cg", "number 101 is already a user name or alias")
    assert pbx.writes() == 0


def test_missing_tenant_fails_before_any_write(pbx):
    r = play(pbx, [task("cg", number="500", name="sales")], connection=dict(pbx.connection, tenant="nowhere"))
    failed(r, "cg", "branch 'nowhere' does not exist")
    assert pbx.writes() == 0
