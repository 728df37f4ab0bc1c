"""Sessions end to end, with real ansible-playbook runs: a PortSIP token that expires and an IPCortex session
the PABX forgets in the middle of a bulk run are renewed once, transparently, without repeating a write; and
every session a module opens is closed when it ends (success, failure mid-write, check mode, pbx_info),
counted by the simulator (GET /_sim/<platform>/sessions).

sipXcom is not here: it authenticates every request with HTTP basic auth and has no session to renew or
close."""

import json

import pytest

import readback
import readback_callgroups_ipcortex as ipcortex_rb
from playbook import assert_failed, assert_ok
from samples import TENANT, ext

EXTENSION = "pbxops.pbx.pbx_extension"
CALLGROUP = "pbxops.pbx.pbx_callgroup"
INFO = "pbxops.pbx.pbx_info"
NUMBERS = [str(n) for n in range(200, 240)]
MEMBERS = ("101", "102")
GROUP = dict(number="600", name="Helpdesk", strategy="hunt", ring_time=25, members=list(MEMBERS))
# What creating the 40 extensions and the call group costs when nothing goes wrong: one write per extension
# (IPCortex: one create call for all of them, then one update each); PortSIP's ring group is a create and
# its agent list, IPCortex's call group a create, an update and a link per member.
WRITES = {"portsip": len(NUMBERS) + 2, "ipcortex": len(NUMBERS) + 1 + 2 + len(MEMBERS)}
# How each platform ends a session from outside, after N more requests; and the request that opens
# (or renews) one.
END_SESSION = {"portsip": "portsip/expire_tokens", "ipcortex": "ipcortex/drop_sessions"}
RENEWAL = {"portsip": "POST /api/auth/refresh_token", "ipcortex": "POST auth"}
LOGIN = {"portsip": "POST /api/auth/sign_in", "ipcortex": "POST auth"}


@pytest.fixture(params=["portsip", "ipcortex"])
def platform(request):
    return request.param


@pytest.fixture
def pbx(target):
    """The target with extensions 101 and 102 to be call-group members, and IPCortex logging in with
    username and password (a session) instead of the API key."""
    p = target.platform
    if p == "portsip":
        target.sim.fixtures("portsip", "users", [{"extension_number": n, "tenant": TENANT} for n in MEMBERS])
    else:
        target.sim.fixtures("ipcortex", "extensions", [{"virt_exten": n, "company": TENANT} for n in MEMBERS])
        target.sim.fixtures("ipcortex", "users", [{"uname": "u" + n, "company": TENANT, "owned_extension": n}
                                                  for n in MEMBERS])
        creds = target.sim.ops("GET", "config")["credentials"]["ipcortex"]
        target.connection = {"platform": "ipcortex", "tenant": TENANT, "username": creds["username"],
                             "password": creds["password"]}
    target.sim.reset_stats()
    return target


def sessions(target):
    return target.sim.ops("GET", "%s/sessions" % target.platform)


def logins(target, route):
    return target.routes().get(route, {}).get("logins", 0)


def held_numbers(target):
    """Every extension number the tenant holds, read through the vendor's API (duplicates kept)."""
    if target.platform == "ipcortex":
        return [str(row["virt_exten"]) for row in ipcortex_rb.extensions(target.sim, TENANT)
                if row.get("ring_type") == "A"]
    api = readback.Portsip(target.sim, TENANT)
    out, skip = [], 0
    while True:
        page = api.get("/users", params={"top": 100, "skip": skip}).json()
        out.extend(str(item["extension_number"]) for item in page["items"])
        skip += len(page["items"])
        if not page["items"] or skip >= page["count"]:
            return out


def converge(p):
    return [{"name": "extensions", EXTENSION: {"extensions": [ext(p, n) for n in NUMBERS]}},
            {"name": "callgroup", CALLGROUP: dict(GROUP)}]


def test_a_session_ended_mid_run_is_renewed_once_without_repeating_a_write(pbx):
    p = pbx.platform
    before = sessions(pbx)
    pbx.sim.reset_stats()
    # The 21st request of the run (a write in the middle of the 40 extensions) finds its session gone.
    pbx.sim.ops("POST", END_SESSION[p], params={"after": 20})
    r = pbx.play(converge(p))
    assert assert_ok(r, "extensions")["changed"] is True
    assert assert_ok(r, "callgroup")["changed"] is True
    after = sessions(pbx)
    assert after["refused"] - before["refused"] == 1, after  # the one request the ended session cost
    assert after["open"] == 0, "a module left its session open: %s" % after
    # Exactly one renewal: one login per module run (two), plus one refresh (PortSIP) or login (IPCortex).
    if p == "portsip":
        assert logins(pbx, LOGIN[p]) == 2 and logins(pbx, RENEWAL[p]) == 1, pbx.routes()
        assert after["opened"] - before["opened"] == 2
    else:
        assert logins(pbx, LOGIN[p]) == 3, pbx.routes()
        assert after["opened"] - before["opened"] == 3 and after["dropped"] - before["dropped"] == 1
    # The refused write is the only write beyond one per object: nothing the PBX processed was sent twice.
    assert pbx.writes() == WRITES[p] + 1, json.dumps({k: v["writes"] for k, v in pbx.routes().items() if v["writes"]})
    held = held_numbers(pbx)
    for number in NUMBERS:
        assert held.count(number) == 1, (number, sorted(held))
    for number in (NUMBERS[0], NUMBERS[20], NUMBERS[-1]):  # around the renewal too: complete, not just there
        assert readback.extension(pbx.sim, p, TENANT, number)["email"] == "user%s@acme.example" % number

    pbx.sim.reset_stats()
    before = sessions(pbx)  # the read-back's own sessions (it never signs out) included
    again = pbx.play(converge(p))
    assert assert_ok(again, "extensions")["changed"] is False
    assert assert_ok(again, "callgroup")["changed"] is False
    assert pbx.writes() == 0, pbx.routes()
    after = sessions(pbx)
    assert after["opened"] - before["opened"] == 2 and after["open"] == before["open"], (before, after)


def test_every_module_run_closes_its_session(pbx):
    """Success, check mode, a failure in the middle of the writes and pbx_info: each run closes what it opened."""
    p = pbx.platform
    # Fail the second write of the failing task (PortSIP's sign-in and switch are POSTs too; IPCortex's
    # extension create is one call, then one update each).
    where = {"ipcortex": {"path": "/rest/dialplan/update"}, "portsip": {"path": "/api/users", "method": "POST"}}[p]
    pbx.sim.faults(dict(where, kind="status", status=400, platform=p, skip=1,
                        body={"errors": [{"code": "VALIDATE_FAILED", "message": "injected"}]}))
    tasks = [
        {"name": "check", EXTENSION: {"extensions": [ext(p, n) for n in ("301", "302")]}, "check_mode": True},
        {"name": "failing", EXTENSION: {"extensions": [ext(p, n) for n in ("311", "312", "313")]}},
        {"name": "info", INFO: {"gather": ["extensions"]}},
        {"name": "ok", EXTENSION: {"extensions": [ext(p, n) for n in ("321", "322")]}},
    ]
    before = sessions(pbx)
    r = pbx.play(tasks)
    assert assert_ok(r, "check")["changed"] is True
    assert_failed(r, "failing", "read back from the PBX")
    assert [e["number"] for e in assert_ok(r, "info")["extensions"]] and assert_ok(r, "ok")["changed"] is True
    after = sessions(pbx)
    assert after["opened"] - before["opened"] == len(tasks), after
    assert after["closed"] - before["closed"] == len(tasks), after
    assert after["open"] == 0, after
    for task in r.results.values():
        assert not any("close the session" in w for w in task.get("warnings", [])), task


# IPCortex says the same in its own words (test_ipcortex_driver).
@pytest.mark.parametrize("platform", ["portsip"])
def test_a_request_refused_again_after_the_renewal_fails_saying_so(pbx):
    """The renewal is tried once: a PBX that refuses the resent request too ends the run with an error that
    says the session was renewed, without a second renewal or a write."""
    pbx.sim.faults({"kind": "status", "status": 401, "count": 2, "platform": "portsip", "method": "GET",
                    "path": "/api/users", "body": {"errors": [{"code": "UNAUTHORIZED", "message": "token expired"}]}})
    r = pbx.play([{"name": "ext", EXTENSION: ext("portsip", "250")}])
    assert_failed(r, "ext", "HTTP 401", "token expired", "refused again right after the session was renewed")
    assert logins(pbx, RENEWAL["portsip"]) == 1 and pbx.writes() == 0, pbx.routes()
