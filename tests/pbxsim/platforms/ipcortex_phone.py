"""IPCortex type ``phone`` on /rest/dialplan/: handsets (seed 000) and their
provisioning life cycle (seed 001), ipcortex.md §2.

A device is stored under its MAC with one row per port; ``phoneid`` is the MAC
with the port appended.  Inactive devices (asked for provisioning, not yet
promoted) live in the same collection with ``active: false``.
"""

import ipaddress
import json
import os
import re
import secrets
import time

from .ipcortex_common import (
    ALREADY_EXISTS, DEFAULT_COMPANY, EXACTLY_ONE, NOT_FOUND, PERMISSION_DENIED, PHONES, REBOOTS, USERS,
    Fail, as_int, company_exists, invalid, is_bool, str_list,
)

_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "ipcortex-phone-types.json")
with open(_DATA) as _fh:
    TYPES = {t["phone_type"]: t for t in json.load(_fh)["types"]}

ZONES = ("", "Atlantic/Cape_Verde", "Atlantic/Bermuda", "Europe/London", "Europe/Paris", "Europe/Helsinki",
         "Africa/Nairobi", "Europe/Nicosia", "Asia/Hong_Kong", "US/Alaska", "US/Pacific", "US/Mountain",
         "US/Central", "US/Eastern")
IP_COLUMNS = ("ip_addr", "ip_dns1", "ip_dns2", "ip_gateway", "ip_domain")
COLUMNS = ("mac", "port", "name", "company", "phone_type", "zone", "can_hotdesk", "can_forward", "qualify",
           "call_group", "access", "nat_mode", "nat_ipaddr", "ntp", "codec_list", "barge") + IP_COLUMNS
ROW_DEFAULTS = {
    "name": "", "zone": "", "can_hotdesk": False, "can_forward": True, "qualify": "", "call_group": None,
    "access": "", "nat_mode": False, "nat_ipaddr": "", "ntp": "", "codec_list": "", "barge": 0,
    "ip_addr": None, "ip_dns1": None, "ip_dns2": None, "ip_gateway": None, "ip_domain": None,
}
MAC_RE = re.compile(r"[0-9a-f]{12}")
PHONEID_RE = re.compile(r"([0-9a-f]{12})([0-9]{1,3})")


def normalise_mac(value, field="mac"):
    if not isinstance(value, str):
        raise invalid(field)
    mac = value.replace(":", "").replace("-", "").lower()
    if not MAC_RE.fullmatch(mac):
        raise invalid(field)
    return mac


def parse_phoneid(value, field="phoneid"):
    """(mac, port) from a phoneid: 12 hex digits then the decimal port."""
    m = PHONEID_RE.fullmatch(value.lower()) if isinstance(value, str) else None
    if m is None:
        raise invalid(field)
    return m.group(1), int(m.group(2))


def phoneid(mac, port):
    return "%s%d" % (mac, port)


def _target(source):
    """(mac, port or None) named by a scope or values: mac wins, phoneid only when mac is empty."""
    if source.get("mac") not in (None, ""):
        mac, port = normalise_mac(source["mac"]), None
    elif source.get("phoneid") not in (None, ""):
        mac, port = parse_phoneid(source["phoneid"])
    else:
        raise invalid("mac")
    if source.get("port") not in (None, ""):
        port = as_int(source["port"])
        if port is None or port < 0:
            raise invalid("port")
    return mac, port


def _device(req, active=True):
    mac, port = _target(req.scope)
    device = req.store.get(PHONES, mac)
    if device is None or (active is not None and device["active"] != active):
        return None, mac, port
    return device, mac, port


def _rows(device, port):
    return [r for r in device["ports"] if port is None or r["port"] == port]


def _new_rows(count, company, name="", start=0):
    rows = []
    for port in range(start, count):
        row = {"port": port, "company": company}
        row.update(ROW_DEFAULTS)
        row["name"] = name
        row["secret"] = secrets.token_hex(8)
        rows.append(row)
    return rows


def _public(device, row):
    out = {col: row.get(col) for col in COLUMNS}
    out["mac"] = device["mac"]
    out["phone_type"] = device["phone_type"]
    return out


def _drop_links(store, ids):
    ids = set(ids)
    for user in store.all(USERS):
        phones = user.get("phones", {})
        if ids & set(phones):
            store.put(USERS, user["contact_id"], dict(user, phones={k: v for k, v in phones.items() if k not in ids}))


def _phone_type(value):
    if not isinstance(value, str) or value not in TYPES:
        raise invalid("phone_type")
    return value


# -- handsets (seed 000) --------------------------------------------------------
def create(req):
    req.caller.require_sysadmin()
    values = req.values
    extra = set(values) - {"mac", "phoneid", "name", "company", "phone_type"}
    if extra:
        raise invalid(sorted(extra)[0])
    mac = _target({k: values.get(k) for k in ("mac", "phoneid")})[0]
    phone_type = _phone_type(values.get("phone_type"))
    company = values.get("company")
    if not company_exists(req.store, company):
        raise invalid("company")
    name = values.get("name", "")
    if name is None:
        name = ""
    if not isinstance(name, str):
        raise invalid("name")
    if req.store.get(PHONES, mac) is not None:
        raise Fail(ALREADY_EXISTS)
    # Created directly as active: no provisioning step for phones added this way (seed 000).
    device = {"mac": mac, "phone_type": phone_type, "active": True, "created": int(time.time()),
              "ports": _new_rows(TYPES[phone_type]["ports"], company, name)}
    req.store.put(PHONES, mac, device)
    return {"numrows": len(device["ports"])}


def read(req):
    req.caller.require_admin()
    device, _mac, port = _device(req)
    rows = []
    if device is not None:
        rows = [_public(device, r) for r in _rows(device, port) if req.caller.administers(r["company"])]
    # Seed 000's read answer has no numrows, unlike every other read.
    return {"values": rows}


def _check_ip(values):
    given = [c for c in IP_COLUMNS if c in values]
    if not given:
        return
    if len(given) != len(IP_COLUMNS):
        # All ip_* fields are set together or not at all (seed 000).
        raise invalid(sorted(set(IP_COLUMNS) - set(given))[0])
    for col in IP_COLUMNS:
        value = values[col]
        if value is None:
            continue
        if not isinstance(value, str):
            raise invalid(col)
        try:
            if col == "ip_addr":
                ipaddress.IPv4Interface(value)
                if "/" not in value:
                    raise ValueError(value)
            elif col == "ip_domain":
                if not re.fullmatch(r"[A-Za-z0-9.-]{1,253}", value):
                    raise ValueError(value)
            else:
                ipaddress.IPv4Address(value)
        except ValueError:
            raise invalid(col)


def _check_value(col, value):
    if col == "name" or col in ("access", "nat_ipaddr", "ntp", "codec_list"):
        ok = isinstance(value, str)
    elif col == "zone":
        ok = value in ZONES
    elif col in ("can_hotdesk", "can_forward", "nat_mode"):
        ok = is_bool(value)
        value = bool(value) if ok else value
    elif col == "qualify":
        ok = value == "" or is_bool(value)
        value = bool(value) if ok and value != "" else value
    elif col == "call_group":
        # Opaque in the docs (ipcortex.md §5): null, a number or a numeric string.
        ok = value is None or (as_int(value) is not None and as_int(value) >= 0)
    elif col == "barge":
        ok = as_int(value) is not None and 0 <= as_int(value) <= 3
        value = as_int(value) if ok else value
    elif col in IP_COLUMNS:
        ok = True  # checked as a group
    else:
        raise invalid(col)
    if not ok:
        raise invalid(col)
    return value


def update(req):
    req.caller.require_admin()
    device, _mac, port = _device(req)
    if device is None:
        raise Fail(EXACTLY_ONE)
    rows = _rows(device, port)
    if len(rows) != 1:
        raise Fail(EXACTLY_ONE)
    req.caller.require_company(rows[0]["company"])
    values = req.values
    if "company" in values:
        raise Fail("company cannot be changed by update: use assign")
    if "mac" in values or "port" in values or "phoneid" in values:
        raise invalid(sorted({"mac", "port", "phoneid"} & set(values))[0])
    _check_ip(values)
    changes = {col: _check_value(col, value) for col, value in values.items() if col != "phone_type"}
    new_type = _phone_type(values["phone_type"]) if "phone_type" in values else device["phone_type"]

    ports = [dict(r) for r in device["ports"]]
    for row in ports:
        if row["port"] == rows[0]["port"]:
            row.update(changes)
    count = TYPES[new_type]["ports"]
    dropped = [phoneid(device["mac"], r["port"]) for r in ports[count:]]
    # A port count change adds rows with defaults (in port 0's company) or drops the extra ones.
    ports = ports[:count] + _new_rows(count, ports[0]["company"], start=len(ports))
    new = dict(device, phone_type=new_type, ports=ports)
    if new != device:
        req.store.put(PHONES, device["mac"], new)
    if dropped:
        _drop_links(req.store, dropped)
    return {"numrows": 1}


def delete(req):
    req.caller.require_sysadmin()
    device, mac, _port = _device(req, active=None)
    if device is None:
        raise Fail(NOT_FOUND)
    req.store.delete(PHONES, mac)
    _drop_links(req.store, [phoneid(mac, r["port"]) for r in device["ports"]])
    return {"numrows": len(device["ports"])}


def _matched(req):
    """The device's rows the caller administers (reboot/newpass act on the whole device)."""
    req.caller.require_admin()
    device = _device(req)[0]
    if device is None:
        raise Fail(NOT_FOUND)
    rows = [r for r in device["ports"] if req.caller.administers(r["company"])]
    if not rows:
        raise Fail(PERMISSION_DENIED)
    return device, rows


def reboot(req):
    device, rows = _matched(req)
    # No phone is simulated: the reboot is counted per device so that tests can see it was sent once.
    count = (req.store.get(REBOOTS, device["mac"]) or {}).get("count", 0)
    req.store.put(REBOOTS, device["mac"], {"count": count + 1})
    return {"numrows": len(rows), "company": rows[0]["company"]}


def newpass(req):
    device, rows = _matched(req)
    ports = {r["port"] for r in rows}
    new = dict(device, ports=[dict(r, secret=secrets.token_hex(8)) if r["port"] in ports else r
                              for r in device["ports"]])
    req.store.put(PHONES, device["mac"], new)
    return {"numrows": len(rows), "company": {str(r["port"]): r["company"] for r in rows}}


# -- provisioning (seed 001) ------------------------------------------------------
def _require_default(req):
    # Provisioning needs the 'default' company, where new phones land (seed 001).
    req.caller.require_company(DEFAULT_COMPANY)


def _listing(device, row, with_company):
    out = {"phoneid": phoneid(device["mac"], row["port"]), "phone_type": device["phone_type"],
           "type": TYPES[device["phone_type"]]["description"], "created": device["created"]}
    if with_company:
        out["company"] = row["company"]
    return out


def inactive(req):
    _require_default(req)
    values = [_listing(d, r, False) for d in req.store.all(PHONES) if not d["active"] for r in d["ports"]]
    return {"values": values, "numrows": len(values)}


def active(req):
    _require_default(req)
    wanted = None
    if req.scope.get("company") is not None:
        wanted = set(str_list(req.scope["company"], "company"))
    values = [_listing(d, r, True) for d in req.store.all(PHONES) if d["active"] for r in d["ports"]
              if (wanted is None or r["company"] in wanted) and req.caller.administers(r["company"])]
    return {"values": values, "numrows": len(values)}


def promote(req):
    _require_default(req)
    device = _device(req, active=False)[0]
    if device is None:
        raise Fail(NOT_FOUND)
    company = req.values.get("company")
    if company is None:
        company = DEFAULT_COMPANY
    if not company_exists(req.store, company):
        raise invalid("company")
    req.caller.require_company(company)
    ports = [dict(r, company=company) for r in device["ports"]]
    req.store.put(PHONES, device["mac"], dict(device, active=True, ports=ports))
    return {"numrows": len(ports)}


def demote(req):
    _require_default(req)
    device, mac, _port = _device(req, active=False)
    if device is None:
        raise Fail(NOT_FOUND)
    req.store.delete(PHONES, mac)
    return {"numrows": len(device["ports"])}


def assign(req):
    req.caller.require_sysadmin()
    device, _mac, port = _device(req)
    if device is None:
        raise Fail(NOT_FOUND)
    rows = _rows(device, port)
    if not rows:
        raise Fail(NOT_FOUND)
    source = req.scope.get("company")
    if source is not None and any(r["company"] != source for r in rows):
        raise Fail("Source company does not match the device")
    target = req.values.get("company")
    if not company_exists(req.store, target):
        raise invalid("company")
    ports = {r["port"] for r in rows}
    new_rows = [dict(r, company=target) if r["port"] in ports else r for r in device["ports"]]
    req.store.put(PHONES, device["mac"], dict(device, ports=new_rows))
    return {"numrows": len(rows), "company": {str(p): target for p in sorted(ports)}}


def readtypes(req):
    req.caller.require_admin()
    values = [{"phone_type": t["phone_type"], "pgroup": t["pgroup"], "description": t["description"]}
              for t in TYPES.values()]
    return {"numrows": len(values), "values": values}


VERBS = {"create": create, "read": read, "update": update, "delete": delete, "reboot": reboot,
         "newpass": newpass, "inactive": inactive, "active": active, "promote": promote, "demote": demote,
         "assign": assign, "readtypes": readtypes}


def resolve_phoneid(store, value):
    """The (device, row) a link's phoneid names among active phones, or (None, None)."""
    try:
        mac, port = parse_phoneid(value)
    except Fail:
        return None, None
    device = store.get(PHONES, mac)
    if device is None or not device["active"]:
        return None, None
    for row in device["ports"]:
        if row["port"] == port:
            return device, row
    return None, None


def load_fixture(sim, items, active):
    """Devices as a PBX already holds them: mac or phoneid, phone_type, company, name, created."""
    count = 0
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("each phone must be an object")
        mac = _target({k: item.get(k) for k in ("mac", "phoneid")})[0]
        phone_type = item.get("phone_type", "generic")
        if phone_type not in TYPES:
            raise ValueError("unknown phone_type %r" % phone_type)
        company = item.get("company", DEFAULT_COMPANY)
        if not company_exists(sim.store, company):
            raise ValueError("unknown company %r" % company)
        if sim.store.get(PHONES, mac) is not None:
            raise ValueError("phone %s exists" % mac)
        device = {"mac": mac, "phone_type": phone_type, "active": active,
                  "created": int(item.get("created", time.time())),
                  "ports": _new_rows(TYPES[phone_type]["ports"], company, item.get("name", ""))}
        sim.store.put(PHONES, mac, device)
        count += 1
    return count
