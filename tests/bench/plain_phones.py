"""The fewest HTTP calls each vendor API documents for converging a list of
desk phones (one extension each, the extensions already on the PBX), made with
plain ``requests``: the yardstick for the phones part of ``make bench``.

calls() lists those calls, route by route, each with the line of the vendor
reference (/work/shared/reference/<platform>.md, sections cited as §) that
makes it the minimum; converge() makes exactly them.  Like plain_clients.py,
a client that checks the tenant, the model and each extension before its first
write (the collection must), and closes the session it opened.

    python plain_phones.py PLATFORM URL TENANT ITEMS.json   (the plain script, as its own process)
"""

import json
import math
import sys

import requests

from playbook import CONNECTION
from plain_clients import LOGIN, PORTSIP_PAGE, READ, WRITE, Call, _ok, _portsip_all, differences, totals_of

# The model every bench phone has: a one-port, one-line desk phone of each platform's catalogue.
MODEL = {"sipxcom": "polycomVVX500", "ipcortex": "snom320", "portsip": "SIP-T46U"}
PORTSIP_TEMPLATE = "yealinkT4x.ph.xml"


def sample(platform, index, number):
    """Phone ``index`` of the bench: a MAC of its own, the platform's model, ringing on ``number``."""
    return {"mac": "0004f2%06x" % index, "model": MODEL[platform], "extensions": [number]}


def prepare(sim, platform, tenant, numbers):
    """The extensions the phones ring on, put in place through the simulator's fixtures (not counted)."""
    if platform == "sipxcom":
        sim.fixtures("sipxcom", "users", [{"userName": n, "firstName": "User", "lastName": n, "branch": tenant,
                                           "sipPassword": "Line-%s-s3cret" % n} for n in numbers])
    elif platform == "ipcortex":
        sim.fixtures("ipcortex", "extensions", [{"virt_exten": n, "company": tenant} for n in numbers])
        sim.fixtures("ipcortex", "users", [{"uname": "u" + n, "company": tenant, "owned_extension": n}
                                           for n in numbers])
    else:
        sim.fixtures("portsip", "users", [{"tenant": tenant, "extension_number": n} for n in numbers])


def calls(platform, created, existing, tenants=1):
    """The documented calls that converge ``created`` new phones into a tenant holding ``existing`` phones.

    Every phone rings on one extension of its own, and the tenant holds those extensions (``created +
    existing`` of them). Calls with a count of 0 are left out.
    """
    phones = created + existing
    if platform == "sipxcom":
        listed = [
            Call("GET", "/sipxconfig/api/phones", READ, 1,
                 "sipxcom.md §5: GET /api/phones lists every phone with its lines (start/limit optional)"),
            Call("GET", "/sipxconfig/api/users", READ, 1,
                 "sipxcom.md §7a, §5: phones have no branch; a phone is the tenant's when its lines are users of "
                 "the branch (userName -> branchName), and each new line must name a user of it: one listing"),
            Call("GET", "/sipxconfig/api/phones/models", READ, 1 if created else 0,
                 "sipxcom.md §5, §15: the model is checked against GET /api/phones/models before the first "
                 "create (an unknown modelId answers 500)"),
            Call("POST", "/sipxconfig/api/phones", WRITE, created,
                 "sipxcom.md §5: one phone per POST /api/phones, which answers its id; lines in the body are "
                 "ignored"),
            Call("POST", "/sipxconfig/api/phones/{phone}/lines", WRITE, created,
                 "sipxcom.md §5: one user line per POST /api/phones/{id}/lines"),
        ]
    elif platform == "ipcortex":
        listed = [
            Call("POST", "/rest/auth", LOGIN, 1,
                 "ipcortex.md §1.3 (2), §6: the API key is checked with POST /rest/auth, whose user.companies "
                 "lists the companies it administers (the tenant check)"),
            Call("POST", "/rest/dialplan/active/phone", READ, 1,
                 "ipcortex.md §2.4: active lists the provisioned phones (phoneid, phone_type, company) of every "
                 "company the key sees, so a MAC of another company is known before a create"),
            Call("POST", "/rest/dialplan/inactive/phone", READ, 1 if created else 0,
                 "ipcortex.md §2.4: a phone that called in waits in inactive and is promoted, not created: one "
                 "listing before the first create"),
            Call("POST", "/rest/dialplan/readtypes/phone", READ, 1 if created else 0,
                 "ipcortex.md §2.4: readtypes lists the phone types the model is checked against"),
            Call("POST", "/rest/dialplan/read/extension", READ, 1,
                 "ipcortex.md §3, §4.2: an extension rings on a phone through its owner's link: one read of the "
                 "company's extensions gives each owner"),
            Call("POST", "/rest/dialplan/readlink/user", READ, phones,
                 "ipcortex.md §4.2: readlink is scoped by one contact_id: one per owner, to see which phones each "
                 "extension already rings on"),
            Call("POST", "/rest/dialplan/create/phone", WRITE, created,
                 "ipcortex.md §2.3: create takes one mac (values.mac, company, phone_type); no bulk form"),
            Call("POST", "/rest/dialplan/link/user", WRITE, created,
                 "ipcortex.md §4.2: link is scoped by one contact_id: one per owner whose links change"),
        ]
    elif platform == "portsip":
        listed = [
            Call("POST", "/api/auth/sign_in", LOGIN, 1, "portsip.md §1.2 B: sign-in answers the bearer token"),
            Call("GET", "/api/tenants", READ, max(1, math.ceil(tenants / PORTSIP_PAGE)),
                 "portsip.md §3.0: lists are paged with top <= 100: ceil(tenants/100) reads find the tenant's id"),
            Call("POST", "/api/tenants/switch", LOGIN, 1,
                 "portsip.md §1.3: the system admin enters the tenant with POST /tenants/switch?id="),
            Call("GET", "/api/phones", READ, 1,
                 "portsip.md §2: GET /phones (unpaged) lists the tenant's phones with mac, model, vendor and the "
                 "extension_number they belong to"),
            Call("GET", "/api/dect_phones", READ, 1,
                 "portsip.md §2 and the spec's dect_phones: DECT bases are not in /phones, and a MAC is one "
                 "device: one listing (top <= 100) shows whether a MAC is already a base"),
            Call("GET", "/api/phone_models", READ, 1 if created else 0,
                 "portsip.md §2: GET /phone_models maps the model to its template (filename)"),
            Call("GET", "/api/dect_phone_models", READ, 1 if created else 0,
                 "spec dect_phone_models: a model name may also be a DECT model (a base, not a phone): both "
                 "catalogues are read before the first create"),
            Call("GET", "/api/phone_models/{filename}", READ, 1 if created else 0,
                 "portsip.md §2: the template's profile gives the required create fields' allowed values "
                 "(language, time_zones, codecs): one read per template"),
            Call("GET", "/api/users", READ, math.ceil(phones / PORTSIP_PAGE) if created else 0,
                 "portsip.md §3.0, §2: phones are created under /users/{id}: the users' ids, 100 per page"),
            Call("POST", "/api/users/{id}/phones", WRITE, created,
                 "portsip.md §2: one phone per POST /users/{id}/phones (inline phones on POST /users only from "
                 "22.3)"),
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
    """Converge ``items`` (sample() dicts) into ``tenant`` with the calls listed by calls()."""
    with requests.Session() as http:
        http.trust_env = False
        return {"sipxcom": _sipxcom, "ipcortex": _ipcortex, "portsip": _portsip}[platform](http, url, tenant, items)


def _sipxcom(http, url, tenant, items):
    conn = CONNECTION["sipxcom"]
    http.auth = (conn["username"], conn["password"])
    http.headers["Accept"] = "application/json"
    base = url + "/sipxconfig/api"
    phones = {p["serialNo"]: p for p in _ok(http.get(base + "/phones")).json()["phones"]}
    branch_of = {u["userName"]: u.get("branchName") for u in _ok(http.get(base + "/users")).json()["users"]}
    mine = {}
    for serial, phone in phones.items():
        lines = [line.get("user") for line in phone.get("lines") or []]
        if all(branch_of.get(user) == tenant for user in lines if user):
            mine[serial] = lines
    new = [item for item in items if item["mac"] not in phones]
    wrong = [item["mac"] for item in items if item["mac"] in phones and mine.get(item["mac"]) != item["extensions"]]
    if wrong:
        raise RuntimeError("phones the bench does not expect to change: %s" % wrong[:5])
    if new:
        models = {m["modelId"] for m in _ok(http.get(base + "/phones/models")).json()["models"]}
        for item in new:
            if item["model"] not in models:
                raise RuntimeError("no model %r" % item["model"])
            if any(branch_of.get(n) != tenant for n in item["extensions"]):
                raise RuntimeError("extensions %r are not users of %r" % (item["extensions"], tenant))
    for item in new:
        phone_id = _ok(http.post(base + "/phones", json={
            "serialNo": item["mac"], "model": {"modelId": item["model"]}, "description": None,
            "deviceVersion": None, "groups": None, "lines": None})).json()
        for number in item["extensions"]:
            _ok(http.post("%s/phones/%s/lines" % (base, phone_id), json={"user": number}))
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
    active = {row["phoneid"][:12] for row in call("active", "phone")["values"]}
    new = [item for item in items if item["mac"] not in active]
    owners = {}
    for row in call("read", "extension", scope={"company": tenant}, columns=["virt_exten", "owner"])["values"]:
        owners[str(row["virt_exten"])] = row.get("owner")
    links = {}
    for owner in set(o for o in owners.values() if o):
        links[owner] = call("readlink", "user", scope={"contact_id": owner}).get("values") or {}
    if new:
        inactive = {row["phoneid"][:12] for row in call("inactive", "phone")["values"] or []}
        types = {row["phone_type"] for row in call("readtypes", "phone")["values"]}
        for item in new:
            if item["mac"] in inactive or item["model"] not in types:
                raise RuntimeError("the bench expects new phones of a known type: %r" % item)
            if not all(owners.get(n) for n in item["extensions"]):
                raise RuntimeError("extensions without owner: %r" % item["extensions"])
    for item in new:
        call("create", "phone", values={"mac": item["mac"], "company": tenant, "phone_type": item["model"]})
        for port, number in enumerate(item["extensions"]):
            call("link", "user", scope={"contact_id": owners[number]},
                 values={"phones": {"%s%d" % (item["mac"], port): "link"}})
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
        have = {p["mac"].replace(":", "").replace("-", "").lower()
                for p in _ok(http.get(base + "/phones")).json()["items"]}
        have |= {p["mac"].replace(":", "").replace("-", "").lower() for p in _portsip_all(http, base + "/dect_phones")}
        new = [item for item in items if item["mac"] not in have]
        if not new:
            return 0
        models = list(_ok(http.get(base + "/phone_models")).json()["items"])
        dect = {m["model"] for m in _ok(http.get(base + "/dect_phone_models")).json()["items"]}
        profiles = {}
        ids = {u["extension_number"]: u["id"] for u in _portsip_all(http, base + "/users")}
        for item in new:
            rows = [m for m in models if m["model"] == item["model"]]
            if len(rows) != 1 or item["model"] in dect:
                raise RuntimeError("model %r is not one IP phone model" % item["model"])
            row = rows[0]
            if row["filename"] not in profiles:
                profiles[row["filename"]] = _ok(http.get(base + "/phone_models/" + row["filename"])).json()
            profile = profiles[row["filename"]]
            zone = [z for z in profile["time_zones"] if z.startswith("GMT") or z.startswith("(UTC")]
            _ok(http.post("%s/users/%s/phones" % (base, ids[item["extensions"][0]]), json={
                "mac": ":".join(item["mac"][i:i + 2] for i in range(0, 12, 2)), "filename": row["filename"],
                "vendor": row["display_name"].split()[0], "model": item["model"], "password": "Phone-w3b-s3cret",
                "language": "ENGLISH" if "ENGLISH" in profile["languages"] else profile["languages"][0],
                "transfer": "BLIND", "timezone": (zone or profile["time_zones"])[0], "codecs": profile["codecs"],
                "interface": "WEB_DOMAIN", "preferred_transport": "UDP"}))
        return len(new)
    finally:
        http.post(base + "/auth/sign_out")


def main(argv):
    platform, url, tenant, path = argv
    with open(path) as fh:
        converge(platform, url, tenant, json.load(fh))


if __name__ == "__main__":
    main(sys.argv[1:])
