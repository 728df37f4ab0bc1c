"""pbx_callgroup and pbx_info for call groups on IPCortex, end to end: real ansible-playbook runs against the
simulator, asserting on the results, on the simulator's request counts (per route) and on what the PABX holds
afterwards, read through its own API (tests/readback_callgroups_ipcortex.py)."""

import pytest

import readback_callgroups_ipcortex as rb
from playbook import assert_failed, assert_ok, connection_environment, views
from samples import TENANT

MODULE = "pbxops.pbx.pbx_callgroup"
INFO = "pbxops.pbx.pbx_info"


@pytest.fixture(params=["ipcortex"])
def platform(request):
    return request.param


def task(title, **args):
    return {"name": title, MODULE: args}


def writes(target):
    """Writes per route, e.g. {"create/extension": 1}."""
    return dict((route.split(" ")[1].replace("dialplan/", ""), n["writes"])
                for route, n in target.routes().items() if n.get("writes"))


def reads(target):
    return dict((route.split(" ")[1].replace("dialplan/", ""), n["reads"])
                for route, n in target.routes().items() if n.get("reads"))


def people(target, *numbers, owner=True, company=TENANT):
    """Extensions of the company, each owned by a user of its own (unless owner is False)."""
    target.sim.fixtures("ipcortex", "extensions", [{"virt_exten": n, "company": company} for n in numbers])
    if owner:
        target.sim.fixtures("ipcortex", "users", [{"uname": "u" + n, "company": company, "owned_extension": n}
                                                  for n in numbers])
    target.sim.reset_stats()


def run(target, tasks, **kwargs):
    """target.play with the connection in the environment too (PBX_*), so that the module gets it whether or not
    meta/runtime.yml's action group lists it yet."""
    return target.play(tasks, env=connection_environment(target.url, target.connection), **kwargs)


def with_(args, **changes):
    out = dict(args)
    out.update(changes)
    return out


HUNT = dict(number="600", name="Sales", strategy="hunt", ring_time=20, members=["101", "102", "103"],
            no_answer={"action": "forward", "number": "200"})


def test_hunt_group_lifecycle(target):
    people(target, "101", "102", "103", "200")
    play = [task("group", **HUNT)]

    predicted = assert_ok(run(target, play, check=True, diff=True), "group")
    assert predicted["changed"] is True and target.writes() == 0, target.routes()
    before, after = views(predicted)
    assert before == {} and after == HUNT
    assert rb.callgroup(target.sim, TENANT, "600") is None

    target.sim.reset_stats()
    created = assert_ok(run(target, play, diff=True), "group")
    # create (type A) + one update (ring type and columns) + one link per member
    assert writes(target) == {"create/extension": 1, "update/extension": 1, "link/user": 3}, target.routes()
    # the listing and the owners; a new group has no links, so no user's links are read
    assert reads(target) == {"readfull/extension": 1, "read/extension": 1}, target.routes()
    assert created["summary"]["created"] == 1
    assert created["diff"] == predicted["diff"] and created["callgroup"] == predicted["callgroup"]
    held = rb.callgroup(target.sim, TENANT, "600")
    assert (held["ring_type"], held["name"], held["ring_time"], held["no_vm_jump"], held["voicemail_box"],
            held["subtype"]) == ("H", "Sales", 20, "200", "", "")
    assert held["members"] == ["101", "102", "103"] and held["orders"] == [1, 2, 3]

    target.sim.reset_stats()
    rerun = assert_ok(run(target, play), "group")
    assert rerun["changed"] is False and target.writes() == 0, target.routes()
    # the listing, the owners and one readlink per owner (4 extensions with owners)
    assert reads(target) == {"readfull/extension": 1, "read/extension": 1, "readlink/user": 4}, target.routes()

    # One field: one update call with that one column.
    target.sim.reset_stats()
    changed = [task("group", **with_(HUNT, ring_time=30))]
    check = assert_ok(run(target, changed, check=True, diff=True), "group")
    assert target.writes() == 0
    assert views(check) == (HUNT, with_(HUNT, ring_time=30))
    target.sim.reset_stats()
    real = assert_ok(run(target, changed, diff=True), "group")
    assert writes(target) == {"update/extension": 1}, target.routes()
    assert real["diff"] == check["diff"] and real["callgroup"] == check["callgroup"]
    assert rb.callgroup(target.sim, TENANT, "600")["ring_time"] == 30

    # Without members in the task, neither the owners nor the links are read.
    target.sim.reset_stats()
    assert assert_ok(run(target, [task("group", number="600", name="Sales")]), "group")["changed"] is False
    assert reads(target) == {"readfull/extension": 1} and target.writes() == 0

    # The no-answer target becomes the group's voicemail: the box set, the jump cleared, in one update.
    target.sim.reset_stats()
    r = assert_ok(run(target, [task("group", number="600", no_answer={"action": "voicemail"})], diff=True), "group")
    assert writes(target) == {"update/extension": 1}
    # (before shows the keys the task gives)
    assert views(r) == ({"number": "600", "no_answer": {"action": "forward"}},
                        {"number": "600", "no_answer": {"action": "voicemail"}})
    held = rb.callgroup(target.sim, TENANT, "600")
    assert (held["voicemail_box"], held["no_vm_jump"]) == ("600", "")

    # Delete: one delete call, which drops the members' links too; check mode predicts it first.
    target.sim.reset_stats()
    gone = [task("group", number="600", state="absent")]
    check = assert_ok(run(target, gone, check=True, diff=True), "group")
    assert check["changed"] is True and target.writes() == 0
    assert views(check)[1] == {} and views(check)[0]["strategy"] == "hunt"
    deleted = assert_ok(run(target, gone), "group")
    assert deleted["summary"]["deleted"] == 1 and writes(target) == {"delete/extension": 1}
    assert rb.callgroup(target.sim, TENANT, "600") is None
    assert rb.user_links(target.sim, rb.contact_of(target.sim, TENANT, "101")) == {}
    target.sim.reset_stats()
    assert assert_ok(run(target, gone), "group")["changed"] is False and target.writes() == 0


def test_member_reordering_writes_only_the_links_that_change(target):
    people(target, "101", "102", "103", "104")
    group = dict(number="600", strategy="hunt", members=["101", "102", "103"])
    assert_ok(run(target, [task("group", **group)]), "group")
    assert rb.callgroup(target.sim, TENANT, "600")["orders"] == [1, 2, 3]

    # A swap of neighbours: one member gets a new order value (0, before 101's 1); check mode predicts it.
    target.sim.reset_stats()
    play = [task("group", number="600", members=["102", "101", "103"])]
    check = assert_ok(run(target, play, check=True, diff=True), "group")
    assert target.writes() == 0
    assert views(check) == ({"number": "600", "members": ["101", "102", "103"]},
                            {"number": "600", "members": ["102", "101", "103"]})
    r = assert_ok(run(target, play, diff=True), "group")
    assert r["diff"] == check["diff"] and r["callgroup"] == check["callgroup"]
    assert writes(target) == {"link/user": 1}, target.routes()
    held = rb.callgroup(target.sim, TENANT, "600")
    assert held["members"] == ["102", "101", "103"] and held["orders"] == [0, 1, 3]

    steps = [
        (["103", "102", "101"], 2, [3, 4, 5]),  # reversed: two of three must move
        (["101", "103"], 2, [5, 6]),            # 102 leaves (an unlink); 103 must come after 101's 5
        (["104", "101", "103"], 1, [4, 5, 6]),  # 104 joins at the front: one link, the others keep theirs
    ]
    for members, calls, orders in steps:
        target.sim.reset_stats()
        r = assert_ok(run(target, [task("group", number="600", members=members)]), "group")
        assert r["changed"] is True and writes(target) == {"link/user": calls}, (members, target.routes())
        held = rb.callgroup(target.sim, TENANT, "600")
        assert (held["members"], held["orders"]) == (members, orders)
    assert rb.user_links(target.sim, rb.contact_of(target.sim, TENANT, "102")) == {}
    target.sim.reset_stats()
    assert assert_ok(run(target, [task("group", number="600", members=["104", "101", "103"])]),
                     "group")["changed"] is False
    assert target.writes() == 0


QUEUE = dict(number="700", name="Support", strategy="queue", ring_time=120, members=["101", "102"],
             queue_strategy="cyclic", queue_announce_position=True, queue_autopause=True,
             queue_exit="no_agents_or_all_paused", queue_ringing=True, queue_announce_hold_time=False,
             queue_dynamic_priority="every_30s", queue_priority=5, queue_prompts=["05", "", "12"],
             queue_abandoned_email=True, queue_max_waiting="agents")


def test_queue_and_its_subtype_positions(target):
    people(target, "101", "102")
    play = [task("queue", **QUEUE)]
    check = assert_ok(run(target, play, check=True, diff=True), "queue")
    assert target.writes() == 0 and views(check)[1] == QUEUE
    target.sim.reset_stats()
    created = assert_ok(run(target, play, diff=True), "queue")
    assert created["callgroup"] == check["callgroup"]
    assert writes(target) == {"create/extension": 1, "update/extension": 1, "link/user": 2}
    held = rb.callgroup(target.sim, TENANT, "700")
    # byte by byte as seed 002 lays it out
    assert held["ring_type"] == "Q" and held["subtype"] == "RyYy 305  05  12  yaa"
    assert held["members"] == ["101", "102"] and held["ring_time"] == 120

    target.sim.reset_stats()
    assert assert_ok(run(target, play), "queue")["changed"] is False and target.writes() == 0

    # One position: one update, the whole string written with only that byte changed.
    target.sim.reset_stats()
    r = assert_ok(run(target, [task("queue", number="700", queue_autopause=False)], diff=True), "queue")
    assert writes(target) == {"update/extension": 1}
    assert views(r) == ({"number": "700", "queue_autopause": True}, {"number": "700", "queue_autopause": False})
    assert rb.callgroup(target.sim, TENANT, "700")["subtype"] == "R Yy 305  05  12  yaa"

    # Trailing empty prompt slots are the same string: no write.
    target.sim.reset_stats()
    same = assert_ok(run(target, [task("queue", number="700", queue_prompts=["05", "", "12", ""])]), "queue")
    assert same["changed"] is False and target.writes() == 0

    # The queue becomes a hunt group: ring type H and the subtype cleared, in one update.
    target.sim.reset_stats()
    r = assert_ok(run(target, [task("queue", number="700", strategy="hunt")]), "queue")
    assert writes(target) == {"update/extension": 1}
    held = rb.callgroup(target.sim, TENANT, "700")
    assert (held["ring_type"], held["subtype"]) == ("H", "")
    # ... and back: a new subtype with the queue's defaults (ring_all) and the positions given.
    target.sim.reset_stats()
    r = assert_ok(run(target, [task("queue", number="700", strategy="queue", queue_ringing=True)]), "queue")
    assert writes(target) == {"update/extension": 1}
    assert rb.callgroup(target.sim, TENANT, "700")["subtype"] == "a  y                 "


def test_groups_made_on_the_pabx_are_read_as_they_are(target):
    """A queue with an 18-character subtype and members linked with the PABX's own order values."""
    people(target, "101", "102", "103")
    rb.make_group(target.sim, TENANT, "800", ring_type="Q", subtype="d y   10  01020304", ring_time=60, name="Desk")
    for order, number in ((10, "102"), (20, "103"), (30, "101")):
        rb.link(target.sim, rb.contact_of(target.sim, TENANT, number), {"800_%s" % TENANT: order})
    # A linked user who owns no extension is not a member the module can name: left alone.
    target.sim.fixtures("ipcortex", "users", [{"uname": "temp", "company": TENANT}])
    temp = rb.call(target.sim, "read", {"scope": {"uname": "temp"}}, type_="user", section="ops")["values"][0][
        "contact_id"]
    rb.link(target.sim, temp, {"800_%s" % TENANT: 5})
    target.sim.reset_stats()
    desired = dict(number="800", name="Desk", strategy="queue", ring_time=60, members=["102", "103", "101"],
                   queue_strategy="ring_all_no_queue_if_first", queue_exit="no_agents", queue_priority=10,
                   queue_prompts=["01", "02", "03", "04"], queue_max_waiting="", queue_abandoned_email=False)
    r = assert_ok(run(target, [task("desk", **desired)]), "desk")
    assert r["changed"] is False and target.writes() == 0
    # Moving 101 to the front: one link, order 9 (below 102's 10); the others keep theirs.
    r = assert_ok(run(target, [task("desk", number="800", members=["101", "102", "103"])]), "desk")
    assert writes(target) == {"link/user": 1}
    held = rb.callgroup(target.sim, TENANT, "800")
    assert held["members"] == ["101", "102", "103"] and held["orders"] == [9, 10, 20]
    assert rb.user_links(target.sim, temp) == {"800_%s" % TENANT: 5}


def test_purge_stays_within_the_company_and_the_kind(target):
    target.sim.fixtures("ipcortex", "companies", [{"name": "globex"}])
    people(target, "101")
    rb.make_group(target.sim, TENANT, "600", ring_type="H")
    rb.make_group(target.sim, TENANT, "601", ring_type="Q")
    rb.make_group(target.sim, TENANT, "602", ring_type="C")  # a conference: not a call group
    rb.make_group(target.sim, "globex", "650", ring_type="H")
    target.sim.reset_stats()
    play = [task("purge", callgroups=[{"number": "600", "strategy": "hunt"}], purge=True)]
    check = assert_ok(run(target, play, check=True, diff=True), "purge")
    assert check["summary"]["deleted"] == 1 and target.writes() == 0
    assert [o["number"] for o in check["objects"]] == ["601"]
    r = assert_ok(run(target, play), "purge")
    assert r["summary"] == check["summary"] and writes(target) == {"delete/extension": 1}
    numbers = dict((row["virt_exten"], row["ring_type"]) for row in rb.extensions(target.sim, TENANT))
    assert numbers == {"101": "A", "600": "H", "602": "C"}
    assert [row["virt_exten"] for row in rb.extensions(target.sim, "globex")] == ["650"]


def test_extensions_and_call_groups_stay_apart(target):
    """pbx_extension never lists a call group, pbx_callgroup never an ordinary extension."""
    people(target, "101")
    assert_ok(run(target, [task("group", number="600", strategy="hunt", members=["101"])]), "group")
    target.sim.reset_stats()
    r = assert_ok(run(target, [{"name": "ext", "pbxops.pbx.pbx_extension": {
        "extensions": [{"number": "101"}], "purge": True}}]), "ext")
    assert r["changed"] is False and target.writes() == 0
    # A call group on the number of an ordinary extension is refused before any write.
    for check in (True, False):
        assert_failed(run(target, [task("clash", number="101", strategy="hunt")], check=check), "clash",
                      "call group 101", "ring type A", "pbx_extension")
    r = assert_ok(run(target, [task("purge", callgroups=[], purge=True)]), "purge")
    assert r["summary"]["deleted"] == 1 and writes(target) == {"delete/extension": 1}
    assert [row["virt_exten"] for row in rb.extensions(target.sim, TENANT)] == ["101"]


@pytest.mark.parametrize("args, words", [
    (dict(number="600", strategy="hunt", members=["101", "999"]),
     ["call group 600", "member 999 is not an extension of company acme"]),
    (dict(number="600", strategy="hunt", members=["101", "301"]), ["member 301 has no owner", "owner"]),
    (dict(number="600", strategy="ring_all"), ["strategy ring_all is not available on IPCortex", "queue_strategy"]),
    (dict(number="600", strategy="cyclic_hunt"), ["cyclic_hunt", "queue_strategy cyclic"]),
    (dict(number="600", strategy="paging"), ["strategy paging is not available on IPCortex"]),
    (dict(number="600", members=["101"]), ["strategy is required"]),
    (dict(number="600", strategy="queue", queue_priority=100), ["queue_priority", "1 to 99"]),
    (dict(number="600", strategy="queue", queue_prompts=["5"]), ["queue_prompts[0]", "two digits"]),
    (dict(number="600", strategy="queue", queue_prompts=["01", "02", "03", "04", "05"]), ["at most 4"]),
    (dict(number="600", strategy="queue", queue_max_waiting="100"), ["queue_max_waiting", "agents"]),
    (dict(number="600", strategy="hunt", queue_ringing=True), ["queue_ringing", "only to strategy queue"]),
    (dict(number="600", strategy="hunt", ring_time=1000), ["ring_time", "0 to 999"]),
    (dict(number="600", strategy="hunt", members=[{"number": "101", "skill_level": 3}]),
     ["members[0].skill_level", "no per-member options"]),
    (dict(number="600", strategy="hunt", members=["101", "101"]), ["listed twice"]),
    (dict(number="600", strategy="hunt", no_answer={"action": "repeat"}), ["repeat is not available on IPCortex"]),
    (dict(number="600", strategy="hunt", description="x"), ["description"]),
    (dict(number="600", strategy="hunt", enabled=False), ["enabled"]),
    (dict(number="600", strategy="hunt", api_fields={"subtype": "a"}), ["api_fields.subtype", "queue_*"]),
])
def test_bad_input_fails_clearly_with_nothing_written(target, args, words):
    people(target, "101")
    people(target, "301", owner=False)
    for check in (True, False):
        assert_failed(run(target, [task("bad", **args)], check=check), "bad", *words)
    assert target.writes() == 0, target.routes()
    assert rb.callgroup(target.sim, TENANT, "600") is None


def test_queue_options_on_a_hunt_group_fail_while_planning(target):
    people(target, "101")
    assert_ok(run(target, [task("group", number="600", strategy="hunt")]), "group")
    target.sim.reset_stats()
    for check in (True, False):
        assert_failed(run(target, [task("bad", number="600", queue_autopause=True)], check=check), "bad",
                      "queue_autopause", "hunt group", "strategy queue")
    assert target.writes() == 0


def test_two_members_with_one_owner_are_refused(target):
    people(target, "101", "102", owner=False)
    target.sim.fixtures("ipcortex", "users", [{"uname": "both", "company": TENANT, "owned_extension": "101"}])
    contact = rb.contact_of(target.sim, TENANT, "101")
    target.sim.fixtures("ipcortex", "extensions", [{"virt_exten": "103", "company": TENANT, "owner": contact}])
    target.sim.reset_stats()
    for check in (True, False):
        assert_failed(run(target, [task("bad", number="600", strategy="hunt", members=["101", "103"])], check=check),
                      "bad", "members 101 and 103 have the same owner")
    assert target.writes() == 0


def test_bulk_create_and_info_round_trip(target):
    people(target, "101", "102", "103")
    groups = [dict(HUNT, no_answer={"action": "hangup"}),
              dict(QUEUE, number="601", members=["103"]),
              dict(number="602", name="Night", strategy="hunt", no_answer={"action": "voicemail"})]
    check = assert_ok(run(target, [task("bulk", callgroups=groups)], check=True), "bulk")
    assert check["summary"]["created"] == 3 and target.writes() == 0
    target.sim.reset_stats()
    r = assert_ok(run(target, [task("bulk", callgroups=groups)]), "bulk")
    assert r["summary"] == check["summary"]
    # one create per voicemail flag, one update per group, one link per member
    assert writes(target) == {"create/extension": 2, "update/extension": 3, "link/user": 4}, target.routes()
    assert rb.callgroup(target.sim, TENANT, "602")["voicemail_box"] == "602"

    target.sim.reset_stats()
    info = assert_ok(run(target, [{"name": "info", INFO: {"gather": ["callgroups"]}}]), "info")
    assert target.writes() == 0
    found = dict((g["number"], g) for g in info["callgroups"])
    assert sorted(found) == ["600", "601", "602"]
    assert found["600"] == dict(HUNT, no_answer={"action": "hangup"}, name="Sales")
    assert found["602"] == {"number": "602", "name": "Night", "strategy": "hunt", "members": [],
                            "no_answer": {"action": "voicemail"}}
    assert found["601"]["queue_max_waiting"] == "agents" and found["601"]["members"] == ["103"]

    target.sim.reset_stats()
    back = assert_ok(run(target, [task("back", callgroups=info["callgroups"], purge=True)]), "back")
    assert back["changed"] is False and target.writes() == 0, back
