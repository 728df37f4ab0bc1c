"""The fewest HTTP calls each vendor API documents for converging a list of SIP trunks (sipXcom gateways of the
SIP trunk model, PortSIP providers), made with plain ``requests``: the yardstick for the gateways part of
``make bench``. IPCortex has no trunk API.

calls() lists those calls, route by route, each with the line of the vendor reference
(/work/shared/reference/<platform>.md, sections cited as §) that makes it the minimum; converge() makes exactly
them. Like plain_clients.py, a client that checks what a create names (the branch, the model) before its first
write where the reference leaves it unchecked or silently dropped, and closes the session it opened. It checks
the tenant it is given before the first write, as the collection's contract says every module does: a sipXcom
gateway is stored in the branch; a PortSIP trunk is system-level (portsip.md §1.3, §5.10) and does not depend on
the tenant, but a tenant named in error (a typo in a play's module_defaults) is refused, not ignored.

    python plain_gateways.py PLATFORM URL TENANT ITEMS.json   (the plain script, as its own process)
"""

import json
import math
import sys
import xml.etree.ElementTree as ET

import requests

from playbook import CONNECTION
from plain_clients import LOGIN, PORTSIP_PAGE, READ, WRITE, Call, _ok, _portsip_all, differences, totals_of

MODULE = "pbx_gateway"
OPTION = "gateways"
KEY = "name"
PLATFORMS = ("sipxcom", "portsip")
SIP_TRUNK = "sipTrunkStandard"  # sipxcom.md §4 Model ids: "SIP trunk"
# sipXcom's own create example (sipxcom.md §4 Create body) for the fields the bench's trunks do not name: its
# POST replaces the whole gateway, so a create says them all (omitted booleans would become false).
SIPXCOM_CREATE = {"description": None, "deviceVersion": None, "enabled": True, "outboundAddress": None,
                  "outboundPort": 5060, "prefix": None, "shared": True, "useInternalBridge": True,
                  "callerAliasInfo": {"defaultCallerAlias": None, "anonymous": False, "ignoreUserInfo": False,
                                      "transformUserExtension": False, "addPrefix": None, "keepDigits": 0,
                                      "displayName": None, "urlParameters": None}}
# The fields portsip.md §3.4 requires to create a trunk besides name, plus the account's username, as
# pbx_gateway option -> provider field (what the plain script sends and, for existing trunks, compares).
PORTSIP_FIELDS = (("address", "hostname"), ("port", "port"), ("transport", "transport"),
                  ("outbound_address", "outbound_server"), ("outbound_port", "outbound_server_port"),
                  ("concurrency", "concurrency"), ("sip_username", "username"))


def sample(platform, index):
    """Trunk ``index`` of the bench, named after its index, at a carrier host of its own.

    sipXcom: a SIP trunk with address, port and transport (no settings, ports, caller ID or account: each costs
    requests per gateway). PortSIP: every field the spec requires to create (portsip.md §3.4), with the values
    pbx_gateway documents as defaults (UDP, 5060, the outbound server the address), plus the registration
    account, whose password is a write-only secret sent in the create itself.
    """
    host = "sip%d.carrier.example" % index
    if platform == "sipxcom":
        return {"name": "trunk%03d" % index, "model": SIP_TRUNK, "address": host, "port": 5060, "transport": "udp"}
    if platform == "portsip":
        return {"name": "trunk%03d" % index, "address": host, "port": 5060, "transport": "UDP",
                "outbound_address": host, "outbound_port": 5060, "concurrency": 30,
                "sip_username": "acct%03d" % index, "sip_password": "Trunk-%03d-s3cret" % index}
    raise ValueError("%s has no trunk API" % platform)


def prepare(sim, platform, tenant, n):
    """Nothing: a trunk names no user, extension or other object of the PBX."""


def calls(platform, created, existing, tenants=1):
    """The documented calls that converge ``created`` new trunks when ``existing`` trunks are already as asked.

    The PBX holds no other trunk (a fresh simulator) and ``tenants`` tenants.
    Calls with a count of 0 are left out.
    """
    if platform == "sipxcom":
        listed = [
            Call("GET", "/sipxconfig/api/gateways", READ, 1,
                 "sipxcom.md §4: GET /api/gateways lists every gateway (unpaged) with model, address, addressPort, "
                 "addressTransport and branch.name; no lookup by name exists (§4 Lookup, §14 Keys)"),
            Call("GET", "/sipxconfig/rest/branch", READ, 1 if existing == 0 and created else 0,
                 "sipxcom.md §9, §4: a gateway names its branch by branch.name, which sipXcom matches by name and "
                 "leaves empty when unknown: while no listed gateway is of the branch, one branch listing checks it "
                 "before the first write (once one is, the listing itself shows the branch exists)"),
            Call("GET", "/sipxconfig/api/gateways/models", READ, 1 if created else 0,
                 "sipxcom.md §4, §15: the model is checked against GET /api/gateways/models before the first "
                 "create (a create with an unknown model answers 404), so that no trunk of the list is written "
                 "before a bad one is found"),
            Call("POST", "/sipxconfig/api/gateways", WRITE, created,
                 "sipxcom.md §4: one gateway per POST /api/gateways (whole bean, answers its id); no bulk create"),
        ]
    elif platform == "portsip":
        listed = [
            Call("POST", "/api/auth/sign_in", LOGIN, 1, "portsip.md §1.2 B: sign-in answers the bearer token"),
            Call("GET", "/api/tenants", READ, max(1, math.ceil(tenants / PORTSIP_PAGE)),
                 "portsip.md §3.0, §1.3: the tenant given is checked to exist (ceil(tenants/100) reads); a trunk "
                 "is system-level (§5.10), so no tenant switch"),
            Call("GET", "/api/providers", READ, max(1, math.ceil(existing / PORTSIP_PAGE)),
                 "portsip.md §3.4, §3.0: trunks are system-level and listed with top <= 100: ceil(trunks/100) "
                 "reads, at least one, find the names"),
            Call("GET", "/api/providers/{id}", READ, existing,
                 "portsip.md §3.4, §3.0: the listing shows only id, name, enabled, brand, hostname, port, "
                 "did_numbers, shared ('lists are summaries; GET-by-id gives full detail'): transport, "
                 "outbound_server(_port), concurrency and username of each existing trunk need one GET each "
                 "(/providers/export is a file of undocumented format)"),
            Call("POST", "/api/providers", WRITE, created,
                 "portsip.md §3.4, §5.2: one trunk per POST /providers (201 {id}), password included; no bulk "
                 "create"),
            Call("POST", "/api/auth/sign_out", LOGIN, 1, "portsip.md §1.2 B: sign-out closes the session"),
        ]
    else:
        raise ValueError("%s has no trunk API" % platform)
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
        if platform == "sipxcom":
            return _sipxcom(http, url, tenant, items)
        if platform == "portsip":
            return _portsip(http, url, tenant, items)
        raise ValueError("%s has no trunk API" % platform)


def _unexpected(wrong):
    if wrong:
        raise RuntimeError("trunks the bench does not expect to change: %s" % wrong[:5])


def _sipxcom_held(gateway):
    """What a listed gateway holds of a bench trunk: (model, address, port, transport)."""
    return ((gateway.get("model") or {}).get("modelId"), gateway.get("address"), gateway.get("addressPort"),
            gateway.get("addressTransport"))


def _sipxcom(http, url, tenant, items):
    conn = CONNECTION["sipxcom"]
    http.auth = (conn["username"], conn["password"])
    http.headers["Accept"] = "application/json"
    base = url + "/sipxconfig"
    listing = _ok(http.get(base + "/api/gateways")).json()["gateways"]
    mine = dict((g["name"], g) for g in listing if (g.get("branch") or {}).get("name") == tenant)
    elsewhere = set(g["name"] for g in listing) - set(mine)
    if any(i["name"] in elsewhere for i in items):  # names are unique on the whole PBX (§4 Duplicate name)
        raise RuntimeError("trunk names outside branch %r: %s" % (tenant, sorted(elsewhere)[:5]))
    _unexpected([i["name"] for i in items if i["name"] in mine and _sipxcom_held(mine[i["name"]]) != (
        i["model"], i["address"], i["port"], i["transport"])])
    new = [item for item in items if item["name"] not in mine]
    if not new:
        return 0
    if not mine:
        branches = ET.fromstring(_ok(http.get(base + "/rest/branch", headers={"Accept": "text/xml"})).content)
        if tenant not in [b.findtext("name") for b in branches.iter("branch")]:
            raise RuntimeError("no branch %r" % tenant)
    models = set(m["modelId"] for m in _ok(http.get(base + "/api/gateways/models")).json()["models"])
    unknown = set(i["model"] for i in new if i["model"] not in models and not i["model"].startswith("itsp"))
    if unknown:  # ITSP templates are accepted but not listed (§15)
        raise RuntimeError("no gateway model %s" % ", ".join(sorted(unknown)))
    for item in new:
        _ok(http.post(base + "/api/gateways", json=dict(
            SIPXCOM_CREATE, name=item["name"], model={"modelId": item["model"]}, address=item["address"],
            addressPort=item["port"], addressTransport=item["transport"], branch={"name": tenant})))
    return len(new)


def _portsip(http, url, tenant, items):
    conn = CONNECTION["portsip"]
    base = url + "/api"
    token = _ok(http.post(base + "/auth/sign_in", json={"username": conn["username"],
                                                        "password": conn["password"]})).json()
    http.headers["Authorization"] = "Bearer " + token["access_token"]
    try:
        if not [t for t in _portsip_all(http, base + "/tenants") if tenant in (t["name"], t["domain"])]:
            raise RuntimeError("no tenant %r" % tenant)
        have = dict((p["name"], p) for p in _portsip_all(http, base + "/providers"))
        wrong = []
        for item in items:
            if item["name"] in have:
                full = _ok(http.get("%s/providers/%s" % (base, have[item["name"]]["id"]))).json()
                if any(full.get(field) != item[option] for option, field in PORTSIP_FIELDS):
                    wrong.append(item["name"])
        _unexpected(wrong)
        new = [item for item in items if item["name"] not in have]
        for item in new:
            body = dict((field, item[option]) for option, field in PORTSIP_FIELDS)
            _ok(http.post(base + "/providers", json=dict(body, name=item["name"], password=item["sip_password"])))
        return len(new)
    finally:
        http.post(base + "/auth/sign_out")


def main(argv):
    platform, url, tenant, path = argv
    with open(path) as fh:
        converge(platform, url, tenant, json.load(fh))


if __name__ == "__main__":
    main(sys.argv[1:])
