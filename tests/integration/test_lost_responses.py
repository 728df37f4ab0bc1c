"""Lost responses (issue 10, point 2): every write of every kind stores its change on the PBX and then loses its
answer (the simulator's commit_then_fail: an HTTP 503, or a dropped connection), for the creates, the updates and the
deletes of a few objects of each kind in list form. Nothing may be created twice, no update applied twice with a
different result, and a rerun without faults must write nothing.

Every end state is read back through the vendor's own API (the readback_* helpers, never the collection), counting
objects by their natural key so that a duplicate shows, and the writes and lost answers are the simulator's own
counts."""

from collections import Counter
import xml.etree.ElementTree as ET

import pytest

import readback
import readback_callgroups_ipcortex as cg_ipcortex
import readback_callgroups_sipxcom as cg_sipxcom
import readback_erls_sipxcom as erl_sipxcom
import readback_gateways_portsip as gw_portsip
import readback_gateways_sipxcom as gw_sipxcom
import readback_phones_ipcortex as ph_ipcortex
import readback_phones_portsip as ph_portsip
import readback_phones_sipxcom as ph_sipxcom
import readback_tenant
from playbook import assert_ok
from samples import TENANT, ext

NUMBERS = ("101", "102", "103")
FXO = "audiocodesMP1X4_4_FXO"
LOST = "got no clear answer"
MODULES = {"tenants": "pbx_tenant", "gateways": "pbx_gateway", "extensions": "pbx_extension",
           "callgroups": "pbx_callgroup", "phones": "pbx_phone", "erls": "pbx_erl"}
KEYS = dict(readback_tenant.KEYS, tenants="name")
# Creates and updates in dependency order (trunks and extensions before what uses them); deletes the other way.
ORDER = ("tenants", "gateways", "extensions", "callgroups", "phones", "erls")


def _i(n):
    return int(n) - 100


# What each kind declares per platform, and the one field its update changes (the kinds each driver has: IPCortex
# has no gateways, ERLs or tenant API, PortSIP no ERLs).
def sipxcom_items():
    return {
        "tenants": [{"name": "lost-%d" % _i(n), "description": "Branch %s" % n} for n in NUMBERS],
        # A gateway's create is its POST, then one PUT per setting, and a POST (plus a PUT per setting) per port:
        # two trunks with a setting, and an FXO gateway with two ports.
        "gateways": [{"name": "lost-gw%d" % _i(n), "model": "sipTrunkStandard", "address": "gw%s.example" % n,
                      "port": 5060, "transport": "udp", "description": "Trunk %s" % n,
                      "settings": {"itsp-account/registration-interval": 300}} for n in NUMBERS[:2]] + [
            {"name": "lost-gw3", "model": FXO, "address": "192.0.2.43", "description": "Trunk 103",
             "ports": [{}, {}]}],
        "extensions": [ext("sipxcom", n) for n in NUMBERS],
        "callgroups": [{"number": "3%s" % n[1:], "name": "group%s" % n, "strategy": "hunt",
                        "members": [n, "101"] if n != "101" else ["101", "102"]} for n in NUMBERS],
        "phones": [{"mac": "00:04:f2:ac:00:%02d" % _i(n), "model": "polycomVVX500", "description": "Desk %s" % n,
                    "extensions": [n]} for n in NUMBERS],
        "erls": [{"elin": "42355501%02d" % _i(n), "location": "Floor %s" % n, "users": [n]} for n in NUMBERS],
    }


def ipcortex_items():
    # IPCortex rings a call group's members and a phone's extensions through their owners: 101 to 103 are owned
    # (seeded); the extension kind itself is tried on 201 to 203.
    return {
        "extensions": [ext("ipcortex", "2" + n[1:]) for n in NUMBERS],
        "callgroups": [{"number": "3%s" % n[1:], "name": "group%s" % n, "strategy": "hunt",
                        "members": ["101", "102", "103"]} for n in NUMBERS],
        "phones": [{"mac": "00:04:13:ac:00:%02d" % _i(n), "model": "snom320", "description": "Desk %s" % n,
                    "extensions": [n]} for n in NUMBERS],
    }


def portsip_items():
    return {
        "tenants": [{"name": "lost-%d" % _i(n), "domain": "lost-%d.example.com" % _i(n), "timezone": "Europe/London",
                     "currency": "GBP", "region": "GBR"} for n in NUMBERS],
        "gateways": [{"name": "lost-gw%d" % _i(n), "address": "gw%s.example" % n, "port": 5060, "transport": "UDP",
                      "outbound_address": "gw%s.example" % n, "outbound_port": 5060, "concurrency": 10,
                      "sip_username": "trunk%s" % n, "sip_password": "Trunk-%s-s3cret" % n} for n in NUMBERS],
        "extensions": [ext("portsip", n) for n in NUMBERS],
        "callgroups": [{"number": "3%s" % n[1:], "name": "group%s" % n, "strategy": "hunt",
                        "members": [n, "101"] if n != "101" else ["101", "102"]} for n in NUMBERS],
        "phones": [{"mac": "80:5e:c0:ac:00:%02d" % _i(n), "model": "V62 Pro", "language": "ENGLISH",
                    "extensions": [n]} for n in NUMBERS],
    }


ITEMS = {"sipxcom": sipxcom_items, "ipcortex": ipcortex_items, "portsip": portsip_items}
UPDATES = {
    "tenants": {"sipxcom": ("description", "Moved %s"), "portsip": ("timezone", "Europe/Paris")},
    "gateways": {"sipxcom": ("description", "Renamed %s"), "portsip": ("concurrency", 20)},
    "extensions": {p: ("email", "moved%s@acme.example") for p in ITEMS},
    "callgroups": {p: ("name", "renamed%s") for p in ITEMS},
    "phones": {"sipxcom": ("description", "Moved %s"), "ipcortex": ("description", "Moved %s"),
               "portsip": ("language", "GERMAN")},
    "erls": {"sipxcom": ("location", "Floor %s, moved")},
}


def updated(platform, items):
    out = {}
    for plural, objects in items.items():
        field, value = UPDATES[plural][platform]
        out[plural] = [dict(o, **{field: value % o[KEYS[plural]] if "%s" in str(value) else value})
                       for o in objects]
    return out


# -- the faults ----------------------------------------------------------------------------------------------------
# Requests that are POSTs but write nothing must keep their answers, or the test would be of reads: IPCortex reads
# (readfull, read, active, ...) and sign-in are POSTs, and so are PortSIP's sign-in and tenant switch. A zero-second
# delay fault in front of them lets them through (the first matching fault is the one taken).
PASS = {
    "sipxcom": (),
    "ipcortex": tuple("/rest/%s/%s" % (section, verb) for section in ("dialplan", "ops")
                      for verb in ("read", "active", "inactive")) + ("/rest/auth",),
    "portsip": ("/api/auth", "/api/tenants/switch"),
}


def lose_every_answer(sim, platform, status=503):
    faults = [{"kind": "delay", "seconds": 0, "platform": platform, "path": path, "count": None}
              for path in PASS[platform]]
    fault = {"kind": "commit_then_fail", "status": status, "platform": platform, "writes_only": True, "count": None}
    if status:
        fault["retry_after"] = 0  # the engine honours it: the test waits on nothing
    sim.faults(*(faults + [fault]))


def lost_answers(sim):
    return sum(f["fired"] for f in sim.ops("GET", "faults")["faults"] if f["kind"] == "commit_then_fail")


# -- what the PBX holds, through the vendor's API --------------------------------------------------------------------
def _xml(sim, path, tag, field):
    root = ET.fromstring(erl_sipxcom._get(sim, path).content)  # pylint: disable=protected-access
    return [e.findtext(field) for e in root.iter(tag) if e.findtext(field) is not None]


def _portsip_all(api, path):
    out, skip = [], 0
    while True:
        page = api.get(path, params={"top": 100, "skip": skip}).json()
        out.extend(page["items"])
        skip += len(page["items"])
        if not page["items"] or skip >= page["count"]:
            return out


def _mac(value):
    return "".join(c for c in str(value).lower() if c in "0123456789abcdef")


def keys_held(sim, platform, plural):
    """Every key of the kind the PBX holds, once per object (a duplicate shows as a count of 2)."""
    if platform == "sipxcom":
        if plural == "tenants":
            return Counter(_xml(sim, "/rest/branch", "branch", "name"))
        if plural == "erls":
            return Counter(_xml(sim, "/rest/erls", "e911Location", "elin"))
        if plural == "gateways":
            return Counter(g["name"] for g in gw_sipxcom._get(sim, "/api/gateways")["gateways"])  # noqa pylint: disable=protected-access
        if plural == "phones":
            return Counter(_mac(p["serialNo"]) for p in ph_sipxcom._get(sim, "/api/phones")["phones"])  # noqa pylint: disable=protected-access
        if plural == "callgroups":
            return Counter(cg_sipxcom.numbers(sim))
        return Counter(u["userName"] for u in ph_sipxcom._get(sim, "/api/users")["users"])  # noqa pylint: disable=protected-access
    if platform == "ipcortex":
        if plural == "phones":
            rows = ph_ipcortex.active(sim, TENANT)
            # phoneid is the MAC and the port: a handset once, by its port 0
            return Counter(r["phoneid"][:12] for r in rows if r["phoneid"][12:] == "0")
        rows = cg_ipcortex.extensions(sim, TENANT)
        kinds = ("A",) if plural == "extensions" else ("H", "Q")
        return Counter(r["virt_exten"] for r in rows if r["ring_type"] in kinds)
    if plural == "tenants":
        return Counter(t["name"] for t in _portsip_all(readback.Portsip(sim), "/tenants"))
    if plural == "gateways":
        return Counter(p["name"] for p in gw_portsip.PortsipTrunks(sim).providers())
    api = readback.Portsip(sim, TENANT)
    if plural == "extensions":
        return Counter(u["extension_number"] for u in _portsip_all(api, "/users"))
    if plural == "callgroups":
        return Counter(g["extension_number"] for g in _portsip_all(api, "/ring_groups"))
    phones = ph_portsip.PortsipPhones(sim, TENANT)
    return Counter(_mac(p["mac"]) for u in phones.users() for p in phones.get("/users/%s/phones" % u["id"]).json()["items"])


def assert_pbx_holds(sim, platform, baseline, declared, present=True):
    """The PBX holds what it held before plus exactly the declared objects, once each, with the declared values
    (present), or none of them (not present)."""
    for plural, items in declared.items():
        want = Counter(baseline[plural])
        for item in items:
            key = _mac(item["mac"]) if plural == "phones" else str(item[KEYS[plural]])
            want[key] = 1 if present else 0
        want = +want
        have = keys_held(sim, platform, plural)
        assert have == want, "%s on %s: the PBX holds %s, declared %s" % (plural, platform, dict(have), dict(want))
    if not present:
        return
    problems = []
    for item in declared.get("tenants", []):
        have = readback_tenant.held(sim, platform, item["name"], "tenant", item["name"])
        problems.extend("tenants %s: %s" % (item["name"], p)
                        for p in readback.holds(have, dict((k, v) for k, v in item.items() if k != "name")))
    for item in declared.get("gateways", []) if platform == "sipxcom" else []:
        problems.extend(sipxcom_gateway_problems(sim, item))
    definition = dict((plural, [dict((k, v) for k, v in o.items() if k not in ("settings", "ports")) for o in items])
                      for plural, items in declared.items() if plural != "tenants")
    definition["tenant"] = {"name": TENANT}
    problems.extend(p for p in readback_tenant.problems(sim, platform, definition) if not p.startswith("tenant "))
    assert not problems, problems


def sipxcom_gateway_problems(sim, item):
    """A sipXcom gateway's settings and ports (its create's later requests), as the PBX holds them."""
    if "settings" not in item and "ports" not in item:
        return []
    have = gw_sipxcom.gateway(sim, item["name"], settings=True, ports=True)
    out = []
    for path, value in (item.get("settings") or {}).items():
        if str(have["settings"].get(path)) != str(value):
            out.append("gateways %s: setting %s is %r" % (item["name"], path, have["settings"].get(path)))
    want = item.get("ports") or []
    if len(have["ports"]) != len(want):
        out.append("gateways %s: %d ports, declared %d" % (item["name"], len(have["ports"]), len(want)))
    for index, (port, held) in enumerate(zip(want, have["ports"])):
        for path, value in (port.get("settings") or {}).items():
            if held["settings"].get(path) != value:
                out.append("gateways %s: port %d setting %s is %r"
                           % (item["name"], index, path, held["settings"].get(path)))
    return out


# -- the plays ----------------------------------------------------------------------------------------------------
def tasks(declared, state="present"):
    order = ORDER if state == "present" else tuple(reversed(ORDER))
    out = []
    for plural in order:
        if plural not in declared:
            continue
        items = declared[plural]
        if state == "absent":
            items = [{KEYS[plural]: o[KEYS[plural]], "state": "absent"} for o in items]
        out.append({"name": plural, "pbxops.pbx." + MODULES[plural]: {plural: items}})
    return out


def seed(target):
    if target.platform == "ipcortex":
        target.sim.fixtures("ipcortex", "extensions", [{"virt_exten": n, "company": TENANT} for n in NUMBERS])
        target.sim.fixtures("ipcortex", "users", [{"uname": "u" + n, "company": TENANT, "owned_extension": n}
                                                  for n in NUMBERS])


def run_losing(target, declared, state, status, retries, holds):
    """Run the tasks with every write losing its answer; holds() then checks what the PBX holds (first: a duplicate
    is the failure that matters most), the results must say what was done, and a rerun without faults writes
    nothing. Returns the number of answers lost."""
    sim, p = target.sim, target.platform
    lose_every_answer(sim, p, status)
    connection = dict(target.connection, retries=retries)
    r = target.play(tasks(declared, state), connection=connection)
    lost = lost_answers(sim)
    sim.ops("DELETE", "faults")
    holds()
    for plural in declared:
        result = assert_ok(r, plural)
        assert result["changed"] is True, "%s %s: %r" % (state, plural, result)
        warnings = " ".join(result.get("warnings") or [])
        assert LOST in warnings, "%s %s: no warning that writes lost their answer: %r" % (state, plural, warnings)
        done = {"present": ("created", "updated"), "absent": ("deleted",)}[state]
        assert sum(result["summary"][k] for k in done) == len(declared[plural]), result["summary"]
    assert lost > 0
    sim.reset_stats()
    r = target.play(tasks(declared, state))
    for plural in declared:
        assert assert_ok(r, plural)["changed"] is False, "%s %s: the rerun changed it" % (state, plural)
    assert target.writes() == 0, "the rerun wrote: %s" % target.routes()
    return lost


# A create that is several requests (a sipXcom phone: the POST, then its lines and settings; a PortSIP tenant: the
# POST, then its settings) loses each answer in turn, and each lost answer is one more attempt after the re-read:
# the default three retries are not enough for the longest of them, so these runs allow more.
RETRIES = 8


def test_every_write_of_every_kind_loses_its_answer(target):
    p = target.platform
    seed(target)
    declared = ITEMS[p]()
    baseline = dict((plural, keys_held(target.sim, p, plural)) for plural in declared)
    lost = {}
    changed = updated(p, declared)
    lost["create"] = run_losing(target, declared, "present", 503, RETRIES,
                                lambda: assert_pbx_holds(target.sim, p, baseline, declared))
    lost["update"] = run_losing(target, changed, "present", 503, RETRIES,
                                lambda: assert_pbx_holds(target.sim, p, baseline, changed))
    lost["delete"] = run_losing(target, declared, "absent", 503, RETRIES,
                                lambda: assert_pbx_holds(target.sim, p, baseline, declared, present=False))
    print("lost answers on %s: %s" % (p, lost))


@pytest.mark.parametrize("platform", ["sipxcom"])
def test_a_dropped_connection_after_each_write(target):
    """status 0: the PBX stores each write and closes the connection without an answer (a crashed proxy, a restart),
    on sipXcom gateways, whose create is the most requests of any kind (the gateway, its settings, its ports)."""
    p = target.platform
    declared = {"gateways": ITEMS[p]()["gateways"]}
    baseline = {"gateways": keys_held(target.sim, p, "gateways")}
    changed = updated(p, declared)
    lost = run_losing(target, declared, "present", 0, RETRIES,
                      lambda: assert_pbx_holds(target.sim, p, baseline, declared))
    lost += run_losing(target, changed, "present", 0, RETRIES,
                       lambda: assert_pbx_holds(target.sim, p, baseline, changed))
    lost += run_losing(target, declared, "absent", 0, RETRIES,
                       lambda: assert_pbx_holds(target.sim, p, baseline, declared, present=False))
    print("dropped connections on %s: %d" % (p, lost))
