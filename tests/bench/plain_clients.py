"""The fewest HTTP calls each vendor API documents for converging a list of
extensions, made with plain ``requests``: the yardstick for ``make bench``.

minimum() lists those calls, route by route, each with the line of the vendor
reference (/work/shared/reference/<platform>.md, sections cited as §) that
makes it the minimum; converge() makes exactly them.  Both follow the vendor
APIs, not the collection's drivers: a client that (a) checks the tenant exists
before it writes (the collection must) and (b) closes the session it opened.

    python plain_clients.py PLATFORM URL TENANT ITEMS.json   (the plain script, as its own process)
"""

import json
import math
import sys
import xml.etree.ElementTree as ET

import requests

from playbook import CONNECTION

PORTSIP_PAGE = 100  # portsip.md §3.0: top is 1..100
READ, WRITE, LOGIN = "reads", "writes", "logins"


class Call:
    """One documented call: method, route template, what the simulator counts it as, how many, and why."""

    def __init__(self, method, route, kind, count, why):
        self.method, self.route, self.kind, self.count, self.why = method, route, kind, count, why

    @property
    def key(self):
        return "%s %s" % (self.method, self.route)

    def as_dict(self):
        return {"method": self.method, "route": self.route, "kind": self.kind, "count": self.count, "why": self.why}


def calls(platform, created, existing, tenants=1):
    """The documented calls that converge ``created`` new extensions into a tenant holding ``existing``.

    ``tenants`` is how many tenants the PBX holds (PortSIP pages its tenant listing too).
    Calls with a count of 0 are left out.
    """
    if platform == "sipxcom":
        listed = [
            Call("GET", "/sipxconfig/api/users", READ, 1,
                 "sipxcom.md §7a, §13.4: start/limit are optional and no maximum is documented: one read lists every "
                 "user"),
            Call("GET", "/sipxconfig/rest/branch", READ, 1 if existing == 0 and created else 0,
                 "sipxcom.md §9, §7a: users name their branch by branchName, which sipXcom drops silently when "
                 "unknown: while the branch has no users, one branch listing checks it before the first write"),
            Call("POST", "/sipxconfig/api/users", WRITE, created,
                 "sipxcom.md §7a: one user per POST /api/users, no bulk create; Basic on every request, no "
                 "session (§1)"),
        ]
    elif platform == "ipcortex":
        listed = [
            Call("POST", "/rest/auth", LOGIN, 1,
                 "ipcortex.md §1.3 (2), §6: the API key is checked with POST /rest/auth, whose user.companies "
                 "lists the companies it administers (the tenant check); no session is made"),
            Call("POST", "/rest/dialplan/readfull/extension", READ, 1,
                 "ipcortex.md §3: readfull scoped by company returns all its extensions with the update columns"),
            Call("POST", "/rest/dialplan/create/extension", WRITE, 1 if created else 0,
                 "ipcortex.md §3: create takes virt_exten as a string or an array (bulk): one call for all new "
                 "numbers"),
            Call("POST", "/rest/dialplan/update/extension", WRITE, created,
                 "ipcortex.md §3: create takes only virt_exten, company, private, voicemail, nightmode; name and "
                 "email need one update per extension (its scope must match exactly one row)"),
        ]
    elif platform == "portsip":
        listed = [
            Call("POST", "/api/auth/sign_in", LOGIN, 1, "portsip.md §1.2 B: sign-in answers the bearer token"),
            Call("GET", "/api/tenants", READ, max(1, math.ceil(tenants / PORTSIP_PAGE)),
                 "portsip.md §3.0: lists are paged with top <= 100: ceil(tenants/100) reads find the tenant's id"),
            Call("POST", "/api/tenants/switch", LOGIN, 1,
                 "portsip.md §1.3: the system admin enters the tenant with POST /tenants/switch?id="),
            Call("GET", "/api/users", READ, max(1, math.ceil(existing / PORTSIP_PAGE)),
                 "portsip.md §3.0, §3.1: at most 100 users per page: ceil(existing/100) reads, at least one"),
            Call("POST", "/api/users", WRITE, created,
                 "portsip.md §3.1: one user per POST /users (POST /users/create_many exists only from 22.3, §1.4)"),
            Call("POST", "/api/auth/sign_out", LOGIN, 1, "portsip.md §1.2 B: sign-out closes the session"),
        ]
    else:
        raise ValueError(platform)
    return [call for call in listed if call.count]


def totals_of(listed):
    """Totals of a list of Calls: {"reads": r, "writes": w, "logins": l}."""
    out = {READ: 0, WRITE: 0, LOGIN: 0}
    for call in listed:
        out[call.kind] += call.count
    return out


def minimum(platform, created, existing, tenants=1):
    """Totals of calls(): {"reads": r, "writes": w, "logins": l}."""
    return totals_of(calls(platform, created, existing, tenants))


def route_key(platform, method, label):
    """The simulator's by_route key (``"POST dialplan/readfull/extension"`` for IPCortex) as a Call.key."""
    if platform == "ipcortex" and not label.startswith("/"):
        label = "/rest/" + label
    return "%s %s" % (method, label)


def differences(platform, by_route, listed):
    """Routes where the simulator's count differs from a list of Calls: [(route, used, minimum)]."""
    used = {}
    for key, counts in by_route.items():
        method, label = key.split(" ", 1)
        used[route_key(platform, method, label)] = sum(v for k, v in counts.items() if k in (READ, WRITE, LOGIN))
    wanted = {call.key: call.count for call in listed}
    return [(key, used.get(key, 0), wanted.get(key, 0)) for key in sorted(set(used) | set(wanted))
            if used.get(key, 0) != wanted.get(key, 0)]


def compare(platform, by_route, created, existing, tenants=1):
    """Routes where the simulator's count differs from the documented minimum: [(route, used, minimum)]."""
    return differences(platform, by_route, calls(platform, created, existing, tenants))


def converge(platform, url, tenant, items):
    """Converge ``items`` (samples.ext() dicts) into ``tenant`` with the calls listed by calls()."""
    with requests.Session() as http:
        http.trust_env = False
        return {"sipxcom": _sipxcom, "ipcortex": _ipcortex, "portsip": _portsip}[platform](http, url, tenant, items)


def _ok(response):
    response.raise_for_status()
    return response


def _missing(items, have):
    return [item for item in items if item["number"] not in have]


def _sipxcom(http, url, tenant, items):
    conn = CONNECTION["sipxcom"]
    http.auth = (conn["username"], conn["password"])
    http.headers["Accept"] = "application/json"
    base = url + "/sipxconfig"
    users = [u for u in _ok(http.get(base + "/api/users")).json()["users"] if u.get("branchName") == tenant]
    new = _missing(items, {u["userName"] for u in users})
    if new and not users:
        branches = ET.fromstring(_ok(http.get(base + "/rest/branch", headers={"Accept": "text/xml"})).content)
        if tenant not in [b.findtext("name") for b in branches.iter("branch")]:
            raise RuntimeError("no branch %r" % tenant)
    for item in new:
        _ok(http.post(base + "/api/users", json={
            "userName": item["number"], "firstName": item.get("first_name"), "lastName": item.get("last_name"),
            "sipPassword": item.get("sip_password"), "voicemailPin": item.get("voicemail_pin"),
            "pintoken": item.get("web_password"), "aliases": [], "branchName": tenant,
            "userProfile": {"emailAddress": item.get("email")}}))
    return len(new)


def _ipcortex(http, url, tenant, items):
    auth = {"type": "auth", "key": CONNECTION["ipcortex"]["api_key"]}

    def call(verb, **body):
        answer = _ok(http.post("%s/rest/dialplan/%s/extension" % (url, verb),
                               json=dict(body, type="extension", auth=auth))).json()
        if answer.get("result") != "success":
            raise RuntimeError(answer)
        return answer

    user = _ok(http.post(url + "/rest/auth", json={"auth": auth})).json().get("user") or {}
    if tenant not in user.get("companies", ()):
        raise RuntimeError("no company %r" % tenant)
    rows = call("readfull", scope={"company": tenant}, columns=["virt_exten", "name", "email"])["values"]
    new = _missing(items, {row["virt_exten"] for row in rows})
    if new:
        numbers = [i["number"] for i in new]
        call("create", values={"virt_exten": numbers if len(numbers) > 1 else numbers[0], "company": tenant,
                               "private": False, "voicemail": False})
    for item in new:
        call("update", scope={"scoped_exten": item["number"]}, values={"name": item["name"], "email": item["email"]})
    return len(new)


def _portsip_all(http, url, params=None):
    """Every item of a paged PortSIP list (portsip.md §3.0), PORTSIP_PAGE per read."""
    items = []
    while True:
        answer = _ok(http.get(url, params=dict(params or {}, top=PORTSIP_PAGE, skip=len(items)))).json()
        items.extend(answer["items"])
        if not answer["items"] or len(items) >= answer["count"]:
            return items


def _portsip(http, url, tenant, items):
    conn = CONNECTION["portsip"]
    base = url + "/api"
    token = _ok(http.post(base + "/auth/sign_in", json={"username": conn["username"],
                                                        "password": conn["password"]})).json()
    http.headers["Authorization"] = "Bearer " + token["access_token"]
    try:
        # A real client would stop paging once the tenant is found; with fewer than 100 tenants it is one read.
        tenant_id = [t["id"] for t in _portsip_all(http, base + "/tenants") if tenant in (t["name"], t["domain"])]
        if not tenant_id:
            raise RuntimeError("no tenant %r" % tenant)
        switched = _ok(http.post(base + "/tenants/switch", params={"id": tenant_id[0]}))
        if switched.content and switched.json().get("access_token"):  # the "token" switch mode
            http.headers["Authorization"] = "Bearer " + switched.json()["access_token"]
        new = _missing(items, {u["extension_number"] for u in _portsip_all(http, base + "/users")})
        for item in new:
            _ok(http.post(base + "/users", json={
                "extension_number": item["number"], "name": item["number"], "role": "StandardUser",
                "display_name": item["name"], "email": item["email"], "voicemail_pin": item["voicemail_pin"],
                "password": item["web_password"], "extension_password": item["sip_password"]}))
        return len(new)
    finally:
        http.post(base + "/auth/sign_out")


def main(argv):
    platform, url, tenant, path = argv
    with open(path) as fh:
        converge(platform, url, tenant, json.load(fh))


if __name__ == "__main__":
    main(sys.argv[1:])
