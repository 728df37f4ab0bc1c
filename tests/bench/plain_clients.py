"""The fewest HTTP calls that converge a list of new extensions on each
platform, made with plain ``requests``: the yardstick for ``make bench``.

minimum() says how many requests those are; converge() makes them.  Both
follow the vendor APIs (see the drivers' PLATFORM_NOTES), not our code.
"""

import math

import requests

from playbook import CONNECTION

SIPX_PAGE = 500
PORTSIP_PAGE = 100


def minimum(platform, created, existing):
    """Requests needed to converge ``created`` new extensions in a tenant holding ``existing``.

    sipXcom: the user listing (paged), plus one branch lookup when the branch has no
    users yet (sipXcom drops an unknown branch name silently, so it must be checked),
    plus one POST per user.  IPCortex: one readfull of the company, one create call
    for all new numbers, one update per extension for the columns create does not take.
    PortSIP: sign-in and tenant switch (logins), the tenant lookup, the user listing
    (100 per page), one POST per user.
    """
    if platform == "sipxcom":
        return {"logins": 0, "reads": max(1, math.ceil((existing + 1) / SIPX_PAGE)) + (1 if existing == 0 else 0),
                "writes": created}
    if platform == "ipcortex":
        return {"logins": 0, "reads": 1,
                "writes": (0 if created == 0 else (created + 1 if created > 1 else 2))}
    if platform == "portsip":
        return {"logins": 2, "reads": 1 + max(1, math.ceil(existing / PORTSIP_PAGE)), "writes": created}
    raise ValueError(platform)


def converge(platform, url, tenant, items):
    with requests.Session() as http:
        http.trust_env = False
        {"sipxcom": _sipxcom, "ipcortex": _ipcortex, "portsip": _portsip}[platform](http, url, tenant, items)


def _ok(response):
    response.raise_for_status()
    return response


def _sipxcom(http, url, tenant, items):
    conn = CONNECTION["sipxcom"]
    http.auth = (conn["username"], conn["password"])
    http.headers["Accept"] = "application/json"
    base = url + "/sipxconfig"
    users = _ok(http.get(base + "/api/users", params={"start": 0, "limit": SIPX_PAGE})).json()["users"]
    if not [u for u in users if u.get("branchName") == tenant]:
        _ok(http.get(base + "/rest/branch", headers={"Accept": "text/xml"}))
    for item in items:
        _ok(http.post(base + "/api/users", json={
            "userName": item["number"], "firstName": item.get("first_name"), "lastName": item.get("last_name"),
            "sipPassword": item.get("sip_password"), "voicemailPin": item.get("voicemail_pin"),
            "pintoken": item.get("web_password"), "aliases": [], "branchName": tenant,
            "userProfile": {"emailAddress": item.get("email")}}))


def _ipcortex(http, url, tenant, items):
    auth = {"type": "auth", "key": CONNECTION["ipcortex"]["api_key"]}
    base = url + "/rest/dialplan"

    def call(verb, **body):
        answer = _ok(http.post("%s/%s/extension" % (base, verb), json=dict(body, type="extension", auth=auth))).json()
        if answer.get("result") != "success":
            raise RuntimeError(answer)
        return answer

    call("readfull", scope={"company": tenant})
    call("create", values={"virt_exten": [i["number"] for i in items], "company": tenant, "private": False,
                           "voicemail": False})
    for item in items:
        call("update", scope={"scoped_exten": item["number"]}, values={"name": item["name"], "email": item["email"]})


def _portsip(http, url, tenant, items):
    conn = CONNECTION["portsip"]
    base = url + "/api"
    token = _ok(http.post(base + "/auth/sign_in", json={"username": conn["username"],
                                                        "password": conn["password"]})).json()
    http.headers["Authorization"] = "Bearer " + token["access_token"]
    tenants = _ok(http.get(base + "/tenants", params={"top": PORTSIP_PAGE, "skip": 0})).json()["items"]
    tenant_id = [t["id"] for t in tenants if t["name"] == tenant][0]
    _ok(http.post(base + "/tenants/switch", params={"id": tenant_id}))
    _ok(http.get(base + "/users", params={"top": PORTSIP_PAGE, "skip": 0}))
    for item in items:
        _ok(http.post(base + "/users", json={
            "extension_number": item["number"], "name": item["number"], "role": "StandardUser",
            "display_name": item["name"], "email": item["email"], "voicemail_pin": item["voicemail_pin"],
            "password": item["web_password"], "extension_password": item["sip_password"]}))


def main(argv):
    """python plain_clients.py PLATFORM URL TENANT ITEMS.json: the plain script, as its own process."""
    import json

    platform, url, tenant, path = argv
    with open(path) as fh:
        converge(platform, url, tenant, json.load(fh))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
