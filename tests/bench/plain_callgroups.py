"""The fewest HTTP calls each vendor API documents for converging a list of call groups (hunt groups of two
members each, the member extensions already on the PBX), made with plain ``requests``: the yardstick for the
call group part of ``make bench``.

calls() lists those calls, route by route, each with the line of the vendor reference
(/work/shared/reference/<platform>.md, sections cited as §) that makes it the minimum; converge() makes exactly
them. Like plain_clients.py, a client that checks the tenant and each member before its first write (the
collection must: sipXcom silently drops a ring for an unknown user), and closes the session it opened.

    python plain_callgroups.py PLATFORM URL TENANT ITEMS.json   (the plain script, as its own process)
"""

import json
import math
import sys

import requests

from playbook import CONNECTION
from plain_clients import LOGIN, PORTSIP_PAGE, READ, WRITE, Call, _ok, _portsip_all, differences, totals_of

MODULE = "pbx_callgroup"
OPTION = "callgroups"
KEY = "number"
PLATFORMS = ("sipxcom", "ipcortex", "portsip")
FIRST_GROUP = 6000
FIRST_MEMBER = 30000
RING_TIME = 20


def members(index):
    """The two extensions of group ``index``, members of no other group."""
    return [str(FIRST_MEMBER + 2 * index), str(FIRST_MEMBER + 2 * index + 1)]


def sample(platform, index):
    """Group ``index`` of the bench: a hunt group of its own two members, 20 s each."""
    return {"number": str(FIRST_GROUP + index), "name": "group%d" % index, "strategy": "hunt",
            "ring_time": RING_TIME, "members": members(index)}


def prepare(sim, platform, tenant, n):
    """The member extensions of the first ``n`` groups, through the simulator's fixtures (not counted)."""
    numbers = [m for i in range(n) for m in members(i)]
    if platform == "sipxcom":
        sim.fixtures("sipxcom", "users", [{"userName": m, "firstName": "User", "lastName": m, "branch": tenant,
                                           "sipPassword": "Line-%s-s3cret" % m} for m in numbers])
    elif platform == "ipcortex":
        sim.fixtures("ipcortex", "extensions", [{"virt_exten": m, "company": tenant} for m in numbers])
        sim.fixtures("ipcortex", "users", [{"uname": "u" + m, "company": tenant, "owned_extension": m}
                                           for m in numbers])
    else:
        sim.fixtures("portsip", "users", [{"tenant": tenant, "extension_number": m} for m in numbers])


def calls(platform, created, existing, tenants=1):
    """The documented calls that converge ``created`` new groups when ``existing`` groups are already as asked.

    The tenant holds the 2 x (created + existing) member extensions and nothing else. Calls with a count of 0
    are left out."""
    groups = created + existing
    if platform == "sipxcom":
        listed = [
            Call("GET", "/sipxconfig/api/callgroups", READ, 1,
                 "sipxcom.md §10: GET /api/callgroups lists every group with its rings, unpaged"),
            Call("GET", "/sipxconfig/api/users", READ, 1,
                 "sipxcom.md §10, §7a: call groups have no branch (a group is the tenant's when its members are "
                 "users of the branch) and a ring for an unknown user is dropped silently: one user listing "
                 "(userName -> branchName) checks both; a user of the branch shows it exists (§9)"),
            Call("POST", "/sipxconfig/api/callgroups", WRITE, created,
                 "sipxcom.md §10: one group per POST /api/callgroups, its rings in the body; no bulk create"),
        ]
    elif platform == "ipcortex":
        listed = [
            Call("POST", "/rest/auth", LOGIN, 1,
                 "ipcortex.md §1.3 (2), §6: the API key is checked with POST /rest/auth, whose user.companies "
                 "lists the companies it administers (the tenant check)"),
            Call("POST", "/rest/dialplan/read/extension", READ, 1,
                 "ipcortex.md §3: read scoped by company returns every extension with virt_exten, owner, name, "
                 "ring_type and ring_time: the groups (ring type H) and each member's owner in one call (these "
                 "hunt groups set no readfull-only column: subtype, no_vm_jump, voicemail_box)"),
            Call("POST", "/rest/dialplan/readlink/user", READ, 2 * existing,
                 "ipcortex.md §4.2: readlink is scoped by one contact_id: an existing group's member order is "
                 "read from each member's links (a new group has none)"),
            Call("POST", "/rest/dialplan/create/extension", WRITE, 1 if created else 0,
                 "ipcortex.md §3: create takes virt_exten as an array (bulk): one call for every new group"),
            Call("POST", "/rest/dialplan/update/extension", WRITE, created,
                 "ipcortex.md §3: create makes ring type A and takes no name; ring_type H, name and ring_time "
                 "need one update per group (its scope must match exactly one row)"),
            Call("POST", "/rest/dialplan/link/user", WRITE, 2 * created,
                 "ipcortex.md §4.2: link is scoped by one contact_id; values.extensions is a map, so one call "
                 "could link a user to several groups, but here every user is in one group: one per member"),
        ]
    elif platform == "portsip":
        listed = [
            Call("POST", "/api/auth/sign_in", LOGIN, 1, "portsip.md §1.2 B: sign-in answers the bearer token"),
            Call("GET", "/api/tenants", READ, max(1, math.ceil(tenants / PORTSIP_PAGE)),
                 "portsip.md §3.0: lists are paged with top <= 100: ceil(tenants/100) reads find the tenant's id"),
            Call("POST", "/api/tenants/switch", LOGIN, 1,
                 "portsip.md §1.3: the system admin enters the tenant with POST /tenants/switch?id="),
            Call("GET", "/api/ring_groups", READ, max(1, math.ceil(existing / PORTSIP_PAGE)),
                 "portsip.md §3.0, §3.2: the tenant's ring groups, 100 per page, at least one read"),
            Call("GET", "/api/ring_groups/{id}/agents", READ, existing,
                 "portsip.md §3.2, §3.0: the listing has no agents: one GET .../agents per existing group"),
            Call("GET", "/api/users", READ, math.ceil(2 * groups / PORTSIP_PAGE) if created else 0,
                 "portsip.md §3.1, §3.2: the members of new groups are checked to be extensions of the tenant "
                 "before the first write: its users, 100 per page"),
            Call("POST", "/api/ring_groups", WRITE, created,
                 "portsip.md §3.2: one group per POST /ring_groups (200 {id}); no bulk create"),
            Call("POST", "/api/ring_groups/{id}/agents", WRITE, created,
                 "portsip.md §3.2: the agents of a group are set as a whole: one POST .../agents per new group"),
            Call("POST", "/api/auth/sign_out", LOGIN, 1, "portsip.md §1.2 B: sign-out closes the session"),
        ]
    else:
        raise ValueError(platform)
    return [call for call in listed if call.count]


def minimum(platform, created, existing, tenants=1):
    """Totals of calls(): {"reads": r, "writes": w, "logins": l}."""
    return totals_of(calls(platform, created, existing, tenants))


def compare(platform, by_route, created, existing, tenants=1):
    """Routes where the simulator's count differs from the documented minimum: [(route, used, minimum)]."""
    return differences(platform, by_route, calls(platform, created, existing, tenants))


def converge(platform, url, tenant, items):
    """Converge ``items`` (sample() dicts) with the calls listed by calls(); returns how many it created."""
    with requests.Session() as http:
        http.trust_env = False
        return {"sipxcom": _sipxcom, "ipcortex": _ipcortex, "portsip": _portsip}[platform](http, url, tenant, items)


def _unexpected(wrong):
    if wrong:
        raise RuntimeError("groups the bench does not expect to change: %s" % wrong[:5])


def _sipxcom(http, url, tenant, items):
    conn = CONNECTION["sipxcom"]
    http.auth = (conn["username"], conn["password"])
    http.headers["Accept"] = "application/json"
    base = url + "/sipxconfig/api"
    groups = dict((g["extension"], g) for g in _ok(http.get(base + "/callgroups")).json()["callGroups"])
    branch_of = dict((u["userName"], u.get("branchName")) for u in _ok(http.get(base + "/users")).json()["users"])
    if tenant not in branch_of.values():
        raise RuntimeError("no user of branch %r" % tenant)
    _unexpected([i["number"] for i in items if i["number"] in groups and (
        [r["userName"] for r in groups[i["number"]]["ringBeans"]] != i["members"] or
        any(r["expiration"] != i["ring_time"] for r in groups[i["number"]]["ringBeans"]))])
    new = [item for item in items if item["number"] not in groups]
    for item in new:
        if any(branch_of.get(m) != tenant for m in item["members"]):
            raise RuntimeError("members %r are not users of %r" % (item["members"], tenant))
    for item in new:
        _ok(http.post(base + "/callgroups", json={
            "name": item["name"], "extension": item["number"], "did": None, "description": None, "enabled": True,
            "fallbackDestination": None, "voicemailFallback": True, "userForward": True, "useFwdTimers": False,
            "ringBeans": [{"userName": m, "typeStr": "If no response", "enabled": True,
                           "expiration": item["ring_time"]} for m in item["members"]]}))
    return len(new)


def _ipcortex(http, url, tenant, items):
    auth = {"type": "auth", "key": CONNECTION["ipcortex"]["api_key"]}

    def call(verb, kind, **body):
        answer = _ok(http.post("%s/rest/dialplan/%s/%s" % (url, verb, kind),
                               json=dict(body, type=kind, auth=auth))).json()
        if answer.get("result") != "success":
            raise RuntimeError(answer)
        return answer

    user = _ok(http.post(url + "/rest/auth", json={"auth": auth})).json().get("user") or {}
    if tenant not in user.get("companies", ()):
        raise RuntimeError("no company %r" % tenant)
    rows = dict((str(r["virt_exten"]), r) for r in call(
        "read", "extension", scope={"company": tenant},
        columns=["virt_exten", "owner", "name", "ring_type", "ring_time"])["values"])
    key = "%s_" + tenant
    held = [i for i in items if i["number"] in rows]
    wrong = [i["number"] for i in held if (rows[i["number"]]["ring_type"], rows[i["number"]]["ring_time"],
                                           rows[i["number"]]["name"]) != ("H", i["ring_time"], i["name"])]
    for item in held:
        links = [call("readlink", "user", scope={"contact_id": rows[m]["owner"]})["values"] for m in item["members"]]
        orders = [next((e["extensions"].get(key % item["number"]) for e in link if key % item["number"] in
                        (e.get("extensions") or {})), None) for link in links]
        if None in orders or orders != sorted(orders):
            wrong.append(item["number"])
    _unexpected(wrong)
    new = [item for item in items if item["number"] not in rows]
    for item in new:
        if not all(rows.get(m, {}).get("owner") for m in item["members"]):
            raise RuntimeError("members without owner: %r" % item["members"])
    if new:
        numbers = [i["number"] for i in new]
        call("create", "extension", values={"virt_exten": numbers if len(numbers) > 1 else numbers[0],
                                            "company": tenant, "private": False, "voicemail": False})
    for item in new:
        call("update", "extension", scope={"scoped_exten": item["number"]},
             values={"ring_type": "H", "name": item["name"], "ring_time": item["ring_time"]})
        for order, number in enumerate(item["members"], 1):
            call("link", "user", scope={"contact_id": rows[number]["owner"]},
                 values={"extensions": {key % item["number"]: order}})
    return len(new)


def _portsip(http, url, tenant, items):
    conn = CONNECTION["portsip"]
    base = url + "/api"
    token = _ok(http.post(base + "/auth/sign_in", json={"username": conn["username"],
                                                        "password": conn["password"]})).json()
    http.headers["Authorization"] = "Bearer " + token["access_token"]
    try:
        tenant_id = [t["id"] for t in _portsip_all(http, base + "/tenants") if tenant in (t["name"], t["domain"])]
        if not tenant_id:
            raise RuntimeError("no tenant %r" % tenant)
        switched = _ok(http.post(base + "/tenants/switch", params={"id": tenant_id[0]}))
        if switched.content and switched.json().get("access_token"):  # the "token" switch mode
            http.headers["Authorization"] = "Bearer " + switched.json()["access_token"]
        have = dict((g["extension_number"], g) for g in _portsip_all(http, base + "/ring_groups"))
        wrong = []
        for item in items:
            group = have.get(item["number"])
            if group is None:
                continue
            agents = _ok(http.get("%s/ring_groups/%s/agents" % (base, group["id"]))).json()["items"]
            if [a["extension_number"] for a in agents] != item["members"] or \
                    (group.get("ring_strategy"), group.get("ring_time")) != ("PRIORITIZED_HUNT", item["ring_time"]):
                wrong.append(item["number"])
        _unexpected(wrong)
        new = [item for item in items if item["number"] not in have]
        if not new:
            return 0
        users = set(u["extension_number"] for u in _portsip_all(http, base + "/users"))
        for item in new:
            if not set(item["members"]) <= users or item["number"] in users:
                raise RuntimeError("group %s: members must be extensions, the number must not" % item["number"])
        for item in new:
            group_id = _ok(http.post(base + "/ring_groups", json={
                "extension_number": item["number"], "name": item["name"], "ring_strategy": "PRIORITIZED_HUNT",
                "ring_time": item["ring_time"]})).json()["id"]
            _ok(http.post("%s/ring_groups/%s/agents" % (base, group_id), json={
                "items": [{"extension_number": m, "skill_level": 1} for m in item["members"]]}))
        return len(new)
    finally:
        http.post(base + "/auth/sign_out")


def main(argv):
    platform, url, tenant, path = argv
    with open(path) as fh:
        converge(platform, url, tenant, json.load(fh))


if __name__ == "__main__":
    main(sys.argv[1:])
