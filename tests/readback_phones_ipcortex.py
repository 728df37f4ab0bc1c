"""What an IPCortex PABX holds for phones, read through its own API (ipcortex.md 2, 2.4, 4.2), for the
tests' oracle. No collection code: plain requests against the vendor's REST calls."""

import requests

COLUMNS = ("zone", "can_hotdesk", "can_forward", "qualify", "call_group", "access", "nat_mode", "nat_ipaddr",
           "ntp", "codec_list", "barge")
IP = {"address": "ip_addr", "dns1": "ip_dns1", "dns2": "ip_dns2", "gateway": "ip_gateway", "domain": "ip_domain"}


def call(sim, verb, body, type_="phone", section="dialplan"):
    key = sim.ops("GET", "config")["credentials"]["ipcortex"]["api_key"]
    session = requests.Session()
    session.trust_env = False
    body = dict(body, type=type_, auth={"type": "auth", "key": key})
    answer = session.post(sim.url + "/rest/%s/%s/%s" % (section, verb, type_), json=body, timeout=10).json()
    assert answer["result"] == "success", answer
    return answer


def rows(sim, mac):
    """The port rows of a handset, port 0 first ([] when there is none)."""
    return sorted(call(sim, "read", {"scope": {"mac": mac}})["values"], key=lambda r: r["port"])


def active(sim, company=None):
    scope = {"company": company} if company else {}
    return call(sim, "active", {"scope": scope})["values"]


def inactive(sim):
    return call(sim, "inactive", {})["values"]


def port_extensions(sim, company, mac):
    """port -> the extension numbers whose owners link that port (a list, sorted)."""
    owners = {}
    for row in call(sim, "read", {"scope": {"company": company}, "columns": ["virt_exten", "owner"]},
                    type_="extension")["values"]:
        if row.get("owner") is not None:
            owners.setdefault(row["owner"], []).append(row["virt_exten"])
    out = {}
    for contact, numbers in owners.items():
        for entry in call(sim, "readlink", {"scope": {"contact_id": contact}}, type_="user")["values"]:
            for phoneid, how in entry["phones"].items():
                if phoneid[:12] == mac and how == "link":
                    out.setdefault(int(phoneid[12:]), []).extend(numbers)
    return dict((port, sorted(numbers)) for port, numbers in out.items())


def phone(sim, company, mac):
    """The handset in pbx_phone's terms, with every port's columns: None when the company lacks it."""
    found = rows(sim, mac)
    if not found or found[0]["company"] != company:
        return None
    exts = port_extensions(sim, company, mac)
    ports = []
    for row in found:
        entry = {"port": row["port"], "description": row["name"], "extensions": exts.get(row["port"], []),
                 "static_ip": dict((k, row[c]) for k, c in IP.items())}
        entry.update((c, row[c]) for c in COLUMNS)
        ports.append(entry)
    return {"mac": mac, "model": found[0]["phone_type"], "company": found[0]["company"], "ports": ports}


def reboots(sim):
    """MAC -> reboots the PABX was asked for (the simulator's operator counter)."""
    return sim.ops("GET", "ipcortex/reboots")
