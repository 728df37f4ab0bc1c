"""The fewest HTTP calls sipXcom's API documents for converging a list of E911 ERLs (one user of the tenant
at each, the users already on the PBX), made with plain ``requests``: the yardstick for the ERL part of
``make bench``. Only sipXcom has an ERL API (IPCortex none, PortSIP only emergency dial prefixes).

calls() lists those calls, route by route, each with the line of the vendor reference
(/work/shared/reference/sipxcom.md, sections cited as §, and seed 004) that makes it the minimum; converge()
makes exactly them. Like plain_clients.py, a client that checks the tenant and each user before its first
write (the collection must).

    python plain_erls.py sipxcom URL TENANT ITEMS.json   (the plain script, as its own process)
"""

import json
import sys
import xml.etree.ElementTree as ET

import requests

from playbook import CONNECTION
from plain_clients import READ, WRITE, Call, _ok, differences, totals_of

MODULE = "pbx_erl"
OPTION = "erls"
KEY = "elin"
PLATFORMS = ("sipxcom",)
FIRST_USER = 40000


def sample(platform, index):
    """ERL ``index`` of the bench: an ELIN of its own (a valid North American number), one user of its own."""
    return {"elin": "42355%05d" % index, "location": "Building 1, floor %d" % index,
            "users": [str(FIRST_USER + index)]}


def prepare(sim, platform, tenant, n):
    """The users at the first ``n`` ERLs, put in place through the simulator's fixtures (not counted)."""
    sim.fixtures("sipxcom", "users", [{"userName": str(FIRST_USER + i), "firstName": "User", "lastName": str(i),
                                       "branch": tenant, "sipPassword": "Line-%d-s3cret" % i} for i in range(n)])


def calls(platform, created, existing, tenants=1):
    """The documented calls that converge ``created`` new ERLs when ``existing`` ERLs are already as asked.

    The tenant's users are ``created + existing`` (one per ERL), in no user group. Calls with a count of 0
    are left out."""
    if platform != "sipxcom":
        raise ValueError("%s has no ERL API" % platform)
    users = created + existing
    listed = [
        Call("GET", "/sipxconfig/rest/erls", READ, 1,
             "sipxcom.md §11, seed 004: GET /rest/erls lists every ERL (elin, location, addressInfo, "
             "description), unpaged"),
        Call("GET", "/sipxconfig/rest/branch", READ, 1,
             "sipxcom.md §9: the tenant is a branch; GET /rest/branch is the one listing that says it exists"),
        Call("GET", "/sipxconfig/api/users", READ, 1,
             "sipxcom.md §7a: each user named must exist and be of the branch (userName -> branchName): one "
             "listing"),
        Call("GET", "/sipxconfig/rest/erl/user/{name}", READ, users if existing else 0,
             "sipxcom.md §11, seed 004 'Filter ERLs by user name': a user's location is read per user (text/plain "
             "ELIN) and no call lists the users of an ERL, so comparing an existing ERL's users as a set reads "
             "every user of the tenant once"),
        Call("PUT", "/sipxconfig/rest/erls", WRITE, 1 if created else 0,
             "sipxcom.md §11, seed 004: PUT /rest/erls saves a list of ERLs (upsert by ELIN): every new ERL in "
             "one request"),
        Call("PUT", "/sipxconfig/rest/erl/user/{name}", WRITE, created,
             "sipxcom.md §11, seed 004: PUT /rest/erl/user/{u} with the text/plain ELIN links one user"),
    ]
    return [call for call in listed if call.count]


def minimum(platform, created, existing, tenants=1):
    """Totals of calls(): {"reads": r, "writes": w, "logins": l}."""
    return totals_of(calls(platform, created, existing, tenants))


def compare(platform, by_route, created, existing, tenants=1):
    """Routes where the simulator's count differs from the documented minimum: [(route, used, minimum)]."""
    return differences(platform, by_route, calls(platform, created, existing, tenants))


def converge(platform, url, tenant, items):
    """Converge ``items`` (sample() dicts) with the calls listed by calls()."""
    if platform != "sipxcom":
        raise ValueError("%s has no ERL API" % platform)
    conn = CONNECTION["sipxcom"]
    with requests.Session() as http:
        http.trust_env = False
        http.auth = (conn["username"], conn["password"])
        base = url + "/sipxconfig"
        xml = {"Accept": "text/xml"}
        listing = ET.fromstring(_ok(http.get(base + "/rest/erls", headers=xml)).content)
        held = {e.findtext("elin"): e.findtext("location") for e in listing.iter("e911Location")}
        branches = ET.fromstring(_ok(http.get(base + "/rest/branch", headers=xml)).content)
        if tenant not in [b.findtext("name") for b in branches.iter("branch")]:
            raise RuntimeError("no branch %r" % tenant)
        users = _ok(http.get(base + "/api/users", headers={"Accept": "application/json"})).json()["users"]
        mine = [u["userName"] for u in users if u.get("branchName") == tenant]
        new = [item for item in items if item["elin"] not in held]
        for item in items:
            if any(n not in mine for n in item["users"]):
                raise RuntimeError("users %r are not users of %r" % (item["users"], tenant))
        if len(new) < len(items):
            at = dict((n, _ok(http.get("%s/rest/erl/user/%s" % (base, n), headers={"Accept": "text/plain"}))
                       .text.strip()) for n in mine)
            wrong = [item["elin"] for item in items if item not in new and
                     (held[item["elin"]] != item["location"] or
                      sorted(n for n, e in at.items() if e == item["elin"]) != sorted(item["users"]))]
            if wrong:
                raise RuntimeError("ERLs the bench does not expect to change: %s" % wrong[:5])
        if new:
            root = ET.Element("e911Locations")
            for item in new:
                elem = ET.SubElement(root, "e911Location")
                for tag, value in (("location", item["location"]), ("elin", item["elin"]), ("addressInfo", ""),
                                   ("description", "")):
                    ET.SubElement(elem, tag).text = value
            _ok(http.put(base + "/rest/erls", data=ET.tostring(root, encoding="utf-8"),
                         headers={"Content-Type": "text/xml", "Accept": "text/xml"}))
            for item in new:
                for number in item["users"]:
                    _ok(http.put("%s/rest/erl/user/%s" % (base, number), data=item["elin"].encode(),
                                 headers={"Content-Type": "text/plain", "Accept": "text/xml"}))
        return len(new)


def main(argv):
    platform, url, tenant, path = argv
    with open(path) as fh:
        converge(platform, url, tenant, json.load(fh))


if __name__ == "__main__":
    main(sys.argv[1:])
