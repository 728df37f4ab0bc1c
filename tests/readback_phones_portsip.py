"""What a simulated PortSIP holds for phones, read through PortSIP's own API in pbx_phone's terms.

The tests' oracle for PortSIP phones: it shares no code with the collection. An IP phone is found
by walking the tenant's users and their phone lists (GET /users, GET /users/{id}/phones); a DECT
base in GET /dect_phones with its members (portsip.md section 2; the spec's dect_phones operations).
"""

import re

from readback import Portsip


def _plain(mac):
    return re.sub(r"[^0-9a-f]", "", mac.lower())


class PortsipPhones(Portsip):
    def users(self):
        out, skip = [], 0
        while True:
            page = self.get("/users", params={"top": 100, "skip": skip}).json()
            out.extend(page["items"])
            skip += len(page["items"])
            if not page["items"] or skip >= page["count"]:
                return out

    def ip_phones(self):
        """mac -> (the UserPhone record, the owner's extension number), over every user of the tenant."""
        out = {}
        for user in self.users():
            for phone in self.get("/users/%s/phones" % user["id"]).json()["items"]:
                out[_plain(phone["mac"])] = (phone, user["extension_number"])
        return out

    def dect_phones(self):
        return dict((_plain(b["mac"]), b) for b in self.get("/dect_phones").json()["items"])

    def members(self, base_id):
        items = self.get("/dect_phones/%s/members" % base_id).json()["items"]
        return [m["extension_number"] for m in sorted(items, key=lambda m: int(m["handset_index"]))]


def phone(sim, tenant, mac, raw=False):
    """The phone in pbx_phone's option names (None: no such phone); raw=True adds the vendor's record
    (with its passwords, for tests that prove where a secret landed)."""
    api = PortsipPhones(sim, tenant)
    mac = _plain(mac)
    ip = api.ip_phones().get(mac)
    if ip is not None:
        record, owner = ip
        out = {"mac": mac, "model": record["model"], "template": record["filename"], "vendor": record["vendor"],
               "extensions": [owner], "language": record["language"], "transfer": record["transfer"],
               "timezone": record["timezone"], "codecs": record["codecs"], "interface": record["interface"],
               "transport": record["preferred_transport"], "dect": False}
    else:
        record = api.dect_phones().get(mac)
        if record is None:
            return None
        out = {"mac": mac, "model": record["model"], "template": record["template"], "vendor": record["vendor"],
               "description": record["name"], "extensions": api.members(record["id"]),
               "language": record["language"], "handset_language": record["handset_language"],
               "timezone": record["timezone"], "region": record["region"], "tone": record["tone"],
               "codecs": record["codecs"], "interface": record["interface"],
               "transport": record["preferred_transport"], "dect": True}
    if raw:
        out["raw"] = record
    return out


def phones(sim, tenant):
    """Every phone (IP and DECT) of the tenant: mac -> pbx_phone view."""
    api = PortsipPhones(sim, tenant)
    out = {}
    for mac, (record, owner) in api.ip_phones().items():
        out[mac] = {"mac": mac, "model": record["model"], "extensions": [owner], "template": record["filename"]}
    for mac, record in api.dect_phones().items():
        out[mac] = {"mac": mac, "model": record["model"], "extensions": api.members(record["id"]),
                    "description": record["name"]}
    return out


def events(sim, mac):
    """(reprovisions, reboots) the phone went through, from the simulator's operator view."""
    colon = ":".join(_plain(mac)[i:i + 2] for i in range(0, 12, 2))
    r = sim.http.get(sim.url + "/_sim/portsip/phones/" + colon, timeout=10)
    if r.status_code == 404:
        return 0, 0
    r.raise_for_status()
    return r.json()["reprovisions"], r.json()["reboots"]
