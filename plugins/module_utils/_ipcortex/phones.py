# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IPCortex phones: dial plan objects of type phone, one row per (mac, port).

PLATFORM_NOTES (pbx_phone -> /rest/dialplan type phone, ipcortex.md 2, 2.4, 4.2):
- mac: the handset's MAC, sent as 12 lower-case hex digits; phoneid = mac + port number.
- tenant: the company (default: the company called "default"). Only the company's phones are listed and
  purged; the company is set at creation (create values.company, or promote values.company).
- model: phone_type, checked against readtypes (read once per run, only when a model must be checked: a
  create, or a model change). Required to create a phone, except when the phone waits in the inactive list
  (it is adopted with its own type). A change is an update of port 0's phone_type; when it changes the port
  count IPCortex adds or drops port rows with defaults (seed 000), so the rows are read again and the task's
  values written to the new ports too.
- description: the device name (name column) of every port, except ports that ports[].description names.
- zone, can_hotdesk, can_forward, qualify, call_group, access, nat_mode, nat_ipaddr, ntp, codec_list, barge:
  the columns of the same name, for every port of the handset. zone is one of the documented time zones (or
  "" for the default); call_group a number ("" = none, sent as null); barge 0-3 (1 can barge, 2 can be barged).
- static_ip: address (ip_addr, "IP/mask"), dns1, dns2, gateway, domain (ip_dns1, ip_dns2, ip_gateway,
  ip_domain). IPCortex takes the five together, so whenever one differs all five are sent (the fields the
  task leaves out keep the port's current value, or null on a new phone).
- ports: [{port, description, extension}] for single ports (numbered from 0) of a multi-port handset.
- extensions: the extension that rings on each port, in port order (extensions[i] on port i; "" for a port
  without one; ports after the list have none). An extension rings on a port when its owner (the user in
  its owner column) has a "link" to that port's phoneid: changes go through /rest/dialplan/link scoped by
  the owner's contact_id, one call per owner whose links change. An extension that does not exist in the
  company, or has no owner, fails before any write.
- company of another phone: a MAC that exists in another company fails before any write, naming it (move
  it there with assign on the PABX, or delete it first).
- A phone that called in and waits in the inactive list is adopted: promoted into the company (promote,
  values.company) instead of created. Deleting (state absent) a MAC that waits in the inactive list demotes
  it.
- push_config: reboot (scope mac), one call per pushed phone, never in check mode.
- Not available: api_fields and the other platforms' options. There is no phone password to manage
  (newpass, which randomises the SIP passwords, is never called).
Reads: one active listing per run (every company the account sees, so that a MAC of another company is
known), inactive once per run when a create or a delete may concern an inactive phone, readtypes once when a
model must be checked, one read (scope mac) per named existing phone when the task sets description, a
column, static_ip or ports; when the task sets extensions or ports: one extension read of the company
(owners) and one readlink per extension owner of the company, once per run.
Writes: create = 1 create (mac, company, phone_type, name) + 1 update per port whose columns must differ
from the new rows' defaults (the rows are read once after the create to see them) + 1 link per owner;
adopt = 1 promote + the same updates and links (the rows are read once after the promote); update = 1
update per port row that changes (model: one more, on port 0) + 1 link per owner whose links change;
delete = 1 delete (or 1 demote). A rerun writes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxApiError, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import PHONE_COLUMNS
from ansible_collections.pbxops.pbx.plugins.module_utils._ipcortex.driver import DEFAULT_COMPANY

# The time zones seed 000 lists ("" is the PABX's default).
ZONES = ("", "Atlantic/Cape_Verde", "Atlantic/Bermuda", "Europe/London", "Europe/Paris", "Europe/Helsinki",
         "Africa/Nairobi", "Europe/Nicosia", "Asia/Hong_Kong", "US/Alaska", "US/Pacific", "US/Mountain",
         "US/Central", "US/Eastern")
IP_COLUMN = {"address": "ip_addr", "dns1": "ip_dns1", "dns2": "ip_dns2", "gateway": "ip_gateway",
             "domain": "ip_domain"}
BOOLS = ("can_hotdesk", "can_forward", "qualify", "nat_mode")
# Options whose values live in the port rows (a read per phone).
ROW_OPTIONS = frozenset(("description", "static_ip", "ports") + PHONE_COLUMNS)
LINK_OPTIONS = frozenset(("extensions", "ports"))
# Column -> option, for the PABX's "Invalid value for <column>".
OPTION_OF = dict([("name", "description"), ("phone_type", "model")] + [(c, c) for c in PHONE_COLUMNS]
                 + [(col, "static_ip." + key) for key, col in IP_COLUMN.items()])
PHONE_HINTS = {
    "Permission denied": "listing, adopting and rebooting phones needs Company-Admin rights on the company and on "
                         "'default' (where phones wait for provisioning); creating and deleting them needs "
                         "System-Admin rights",
    "Already exists": "a phone with this MAC exists on the PABX, in a company this account does not administer",
    "Not found": "the phone is no longer on the PABX; run the task again",
}
IPV4 = re.compile(r"^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$")
DOMAIN = re.compile(r"^[A-Za-z0-9.-]{1,253}$")


def _text(value):
    return "" if value is None else str(value)


def _column(name, value):
    """A row's column in the option's terms."""
    if name in BOOLS:
        return None if value in (None, "") else bool(value)
    if name == "barge":
        return None if value in (None, "") else int(value)
    return _text(value)


def _static_ip(row):
    return dict((key, _text(row.get(col))) for key, col in IP_COLUMN.items())


class IpcortexPhones(Kind):
    kind = "phone"
    REQUIRED_ON_CREATE = ("model",)
    OPTIONS = frozenset(("model", "description", "extensions", "static_ip", "ports") + PHONE_COLUMNS)

    def __init__(self, driver):
        super(IpcortexPhones, self).__init__(driver)
        self._items = {}      # mac -> the task's item (told by validate)
        self._rows = {}       # mac -> port rows as read
        self._elsewhere = {}  # mac -> company, for phones of other companies
        self._inactive = None
        self._types = None
        self._owners = None   # extension number -> owner contact_id (or None)
        self._links = None    # phoneid -> {contact_id: link type}
        self._tenant = None
        self._misfits = set()  # phones whose write failed on a port they lack

    def _company(self, tenant):
        return tenant or DEFAULT_COMPANY

    def _phone(self, verb, scope=None, values=None, read=False, what=None, kind="phone"):
        body = {"type": kind, "auth": self.driver.auth}
        if scope is not None:
            body["scope"] = scope
        if values is not None:
            body["values"] = values
        try:
            return self.driver.post("/dialplan/%s/%s" % (verb, kind), body, idempotent=read, company=None,
                                    what=what, option_of=OPTION_OF)
        except PbxApiError as exc:
            # The driver's hints speak of extensions; these failures mean something else for phones.
            hint = PHONE_HINTS.get(exc.vendor_message)
            if hint is None:
                raise
            raise PbxApiError(exc.method, exc.path, exc.status, exc.vendor_message,
                              "could not %s: %s" % (what, hint) if what else hint)

    # -- checks (no request) ----------------------------------------------------------------
    def validate(self, item, tenant):
        mac = item["mac"]
        self._items[mac] = item
        if item.get("zone") is not None and item["zone"] not in ZONES:
            raise PbxError("phone %s: zone %r is not an IPCortex time zone (allowed: %s, or \"\" for the "
                           "default)" % (mac, item["zone"], ", ".join(ZONES[1:])))
        if item.get("call_group") not in (None, "") and not str(item["call_group"]).isdigit():
            raise PbxError("phone %s: call_group %r must be a call group number (or \"\" for none)"
                           % (mac, item["call_group"]))
        for key, value in (item.get("static_ip") or {}).items():
            self._check_ip(mac, key, value)
        seen = set()
        extensions = item.get("extensions") or []
        for entry in item.get("ports") or []:
            port = entry.get("port")
            if port is None or port < 0:
                raise PbxError("phone %s: each ports entry needs its port number (0 for the first port)" % mac)
            if port in seen:
                raise PbxError("phone %s: port %d appears twice in ports" % (mac, port))
            seen.add(port)
            if entry.get("extension") is not None and port < len(extensions):
                raise PbxError("phone %s: port %d gets its extension from both extensions[%d] and ports; set it "
                               "in one of them" % (mac, port, port))
        for number in self._numbers(item):
            if not re.match(r"^[0-9A-Za-z*#]{1,32}$", number):
                raise PbxError("phone %s: extension %r is not an IPCortex extension number" % (mac, number))

    @staticmethod
    def _check_ip(mac, key, value):
        if value in (None, ""):
            return
        good = {"address": lambda v: "/" in v and IPV4.match(v.split("/")[0]) and v.split("/")[1].isdigit()
                and int(v.split("/")[1]) <= 32,
                "domain": DOMAIN.match}.get(key, IPV4.match)
        if not good(value):
            raise PbxError("phone %s: static_ip.%s %r is not %s" % (
                mac, key, value, {"address": "an IPv4 address with its mask (192.0.2.10/24)",
                                  "domain": "a DNS domain"}.get(key, "an IPv4 address")))

    @staticmethod
    def _numbers(item):
        numbers = list(item.get("extensions") or [])
        numbers += [e["extension"] for e in item.get("ports") or [] if e.get("extension") is not None]
        return [str(n) for n in numbers if n not in (None, "")]

    def whole_pbx(self, tenant):
        return False

    # -- reads ---------------------------------------------------------------------------------
    def list(self, tenant):
        company = self._company(tenant)
        if tenant is not None:
            self.driver.require_company(company)
        self._rows, self._links, self._elsewhere, self._tenant = {}, None, {}, tenant
        answer = self._phone("active", read=True, what="list the phones")
        phones = {}
        for row in answer.get("values") or []:
            mac, port = row["phoneid"][:12].lower(), int(row["phoneid"][12:] or 0)
            if row.get("company") != company:
                self._elsewhere[mac] = row.get("company")
                continue
            obj = phones.setdefault(mac, {"mac": mac, "model": row.get("phone_type"), "_ports": []})
            obj["_ports"].append(port)
        absent = [m for m, item in self._items.items() if item.get("state") == "absent" and m not in phones]
        if absent and any(m in self.inactive() for m in absent):
            for mac in absent:
                if mac in self._inactive:
                    phones[mac] = dict(self._inactive[mac], _inactive=True)
        for obj in phones.values():
            obj["_ports"].sort()
        return list(phones.values())

    def get(self, tenant, key):
        """The phone read again after a write whose answer was lost.

        The listing is one call, but the links behind extensions are one readlink per user of the company:
        only the users this phone's item names or that link it now are read again, else every doubtful write
        of a 1,000-phone run would read a thousand users."""
        links = self._links
        found = None
        for obj in self.list(tenant):
            if obj["mac"] == key:
                found = obj
        if links is not None:
            self._links = links
            owners = self.owners(tenant)
            contacts = set(c for phoneid, linked in links.items() if phoneid.startswith(key) for c in linked)
            contacts |= set(owners.get(n) for n in self._numbers(self._items.get(key) or {})) - set([None])
            for contact in sorted(contacts):
                for linked in links.values():
                    linked.pop(contact, None)
                self._read_links(contact, links)
        return found

    def inactive(self):
        """Phones waiting for provisioning: mac -> {mac, model, _ports, _phoneid, _label, _created}."""
        if self._inactive is None:
            answer = self._phone("inactive", read=True, what="list the phones waiting for provisioning")
            self._inactive = {}
            for row in answer.get("values") or []:
                mac, port = row["phoneid"][:12].lower(), int(row["phoneid"][12:] or 0)
                obj = self._inactive.setdefault(mac, {"mac": mac, "model": row.get("phone_type"), "_ports": [],
                                                      "_phoneid": row["phoneid"], "_label": row.get("type"),
                                                      "_created": row.get("created")})
                obj["_ports"].append(port)
        return self._inactive

    def read_rows(self, mac):
        if mac not in self._rows:
            answer = self._phone("read", scope={"mac": mac}, read=True, what="read phone %s" % mac)
            self._rows[mac] = sorted(answer.get("values") or [], key=lambda r: int(r.get("port") or 0))
        return self._rows[mac]

    def models(self, tenant):
        return [{"model": t["phone_type"], "group": t.get("pgroup") or "", "label": t.get("description") or ""}
                for t in self.types().values()]

    def types(self):
        if self._types is None:
            answer = self._phone("readtypes", read=True, what="list the phone types")
            self._types = dict((t["phone_type"], t) for t in answer.get("values") or [])
        return self._types

    def unprovisioned(self, tenant):
        return [{"mac": obj["mac"], "model": obj["model"], "description": obj["_label"] or "",
                 "created": obj["_created"]} for obj in sorted(self.inactive().values(), key=lambda o: o["mac"])]

    def owners(self, tenant):
        """Extension number -> owner contact_id (None without owner), for the company."""
        if self._owners is None:
            company = self._company(tenant)
            answer = self._phone("read", scope={"company": company}, read=True, kind="extension",
                                 what="read the owners of the extensions")
            self._owners = {}
            for row in answer.get("values") or []:
                self._owners[str(row["virt_exten"])] = row.get("owner")
        return self._owners

    def links(self, tenant):
        """phoneid -> {contact_id: link type}, from each extension owner's links."""
        if self._links is None:
            self._links = {}
            for contact in sorted(set(c for c in self.owners(tenant).values() if c is not None)):
                self._read_links(contact, self._links)
        return self._links

    def _read_links(self, contact, links):
        answer = self._phone("readlink", scope={"contact_id": contact}, read=True, kind="user",
                             what="read the links of user %s" % contact)
        for entry in answer.get("values") or []:
            for phoneid, how in (entry.get("phones") or {}).items():
                links.setdefault(phoneid.lower(), {})[entry.get("contact_id", contact)] = how

    def port_extensions(self, tenant, mac, ports):
        """port -> the extension(s) ringing there ("101", "" for none, "101,102" when several do)."""
        owned = {}
        for number, contact in self.owners(tenant).items():
            if contact is not None:
                owned.setdefault(contact, []).append(number)
        out = {}
        for port in ports:
            linked = self.links(tenant).get("%s%d" % (mac, port), {})
            numbers = sorted(n for c, how in linked.items() if how == "link" for n in owned.get(c, []))
            out[port] = ",".join(numbers)
        return out

    def details(self, tenant, obj, wanted):
        if obj.get("_inactive"):
            return obj
        obj = dict(obj)
        mac = obj["mac"]
        item = self._items.get(mac) or {}
        if wanted & ROW_OPTIONS:
            rows = self.read_rows(mac)
            obj["_ports"] = [int(r["port"]) for r in rows]
            self._row_values(obj, rows, item)
        if wanted & LINK_OPTIONS:
            exts = self.port_extensions(tenant, mac, obj["_ports"])
            obj["_exts"] = exts
            self._ext_values(obj, exts, item)
        return obj

    @staticmethod
    def _row_values(obj, rows, item):
        """The row options, as they compare with the task's item (every port must agree)."""
        named = dict((e["port"], e) for e in item.get("ports") or [] if e.get("description") is not None)
        by_port = dict((int(r["port"]), r) for r in rows)
        others = [r for r in rows if int(r["port"]) not in named] or rows[:1]
        names = [_text(r.get("name")) for r in others]
        want = item.get("description")
        obj["description"] = want if want is not None and all(n == want for n in names) else \
            next((n for n in names if n != want), names[0] if names else "")
        obj["_common"] = []
        for col in PHONE_COLUMNS:
            values = [_column(col, r.get(col)) for r in rows]
            want = item.get(col)
            differing = [v for v in values if _column(col, want) != v] if want is not None else []
            obj[col] = differing[0] if differing else (want if want is not None else values[0] if values else None)
            if values and all(v == values[0] for v in values):
                obj["_common"].append(col)
        ips = [_static_ip(r) for r in rows]
        want = item.get("static_ip") or {}
        obj["static_ip"] = next((ip for ip in ips if any(ip[k] != _text(v) for k, v in want.items())),
                                ips[0] if ips else {})
        obj["_same_ip"] = all(ip == ips[0] for ip in ips)
        obj["_names"] = dict((p, _text(r.get("name"))) for p, r in by_port.items())
        obj["ports"] = [dict(port=e["port"], description=obj["_names"].get(e["port"])) for e in item.get("ports") or []]

    @staticmethod
    def _ext_values(obj, exts, item):
        given = [e["port"] for e in item.get("ports") or [] if e.get("extension") is not None]
        listed = [exts.get(p, "") for p in obj["_ports"]]
        for port in given:
            if port < len(listed):
                listed[port] = ""  # compared through ports
        while listed and not listed[-1]:
            listed.pop()
        obj["extensions"] = listed
        if "ports" not in obj:
            obj["ports"] = [dict(port=e["port"]) for e in item.get("ports") or []]
        for entry in obj["ports"]:
            entry["extension"] = exts.get(entry["port"])

    def info(self, obj):
        wanted = ROW_OPTIONS | LINK_OPTIONS
        full = self.details(self._tenant, obj, wanted)
        out = {"mac": obj["mac"], "model": obj["model"]}
        names = full["_names"]
        first = names.get(full["_ports"][0], "") if full["_ports"] else ""
        out["description"] = first
        ports = [{"port": p, "description": n} for p, n in sorted(names.items()) if n != first]
        for col in full["_common"]:
            if full.get(col) is not None:
                out[col] = full[col]
        if full["_same_ip"] and any(full["static_ip"].values()):
            out["static_ip"] = full["static_ip"]
        out["extensions"] = full["extensions"]
        if ports:
            out["ports"] = ports
        return out

    # -- plan-time checks (reads only) ------------------------------------------------------------
    def _check_model(self, mac, model):
        types = self.types()
        if model not in types:
            close = difflib.get_close_matches(model, list(types), n=5, cutoff=0.6)
            raise PbxError("phone %s: model %r is not an IPCortex phone type (readtypes)%s; pbx_info gather: "
                           "[phone_models] lists them all" % (
                               mac, model, "; close matches: " + ", ".join(close) if close else ""))

    def _check_extensions(self, tenant, item, ports=None):
        mac = item["mac"]
        owners = None
        for number in self._numbers(item):
            owners = owners if owners is not None else self.owners(tenant)
            if number not in owners:
                raise PbxError("phone %s: extension %s does not exist in company %s; create it first "
                               "(pbxops.pbx.pbx_extension)" % (mac, number, self._company(tenant)))
            if owners[number] is None:
                raise PbxError("phone %s: extension %s has no owner, and an IPCortex extension rings on a phone "
                               "only through its owner's link; give the extension an owner (a user) on the "
                               "PABX first" % (mac, number))
        if ports is not None and item["mac"] not in self._misfits:
            self._fits(item, ports)

    def _fits(self, item, ports, done=None):
        """Refuse extensions or ports entries for ports the handset does not have."""
        mac, count = item["mac"], len(ports)
        problem = None
        if len(item.get("extensions") or []) > count:
            problem = "extensions lists %d extensions, but the phone has %d port%s" % (
                len(item["extensions"]), count, "" if count == 1 else "s")
        for entry in item.get("ports") or []:
            if problem is None and entry["port"] not in ports:
                problem = "ports names port %d, but the phone has ports %s" % (
                    entry["port"], ", ".join(str(p) for p in ports))
        if problem is None:
            return
        if done:
            # The engine plans this phone again to report how far the write got: let that plan through.
            self._misfits.add(mac)
            problem += (" (readtypes does not say how many ports a phone type has, so this shows only once the "
                        "rows exist: the %s; fix the task and run it again)" % done)
        raise PbxError("phone %s: %s" % (mac, problem))

    def validate_create(self, item, tenant):
        mac = item["mac"]
        if mac in self._elsewhere:
            raise PbxError("phone %s: the MAC belongs to a phone of company %r, not %r; move it with assign on "
                           "the PABX, or delete it there first" % (mac, self._elsewhere[mac], self._company(tenant)))
        waiting = self.inactive().get(mac)
        if waiting is None and not item.get("model"):
            raise PbxError("phone %s: model is required to create an IPCortex phone (its phone_type)" % mac)
        if item.get("model"):
            self._check_model(mac, item["model"])
        self._check_extensions(tenant, item, waiting["_ports"] if waiting and "model" not in item else None)

    def validate_update(self, tenant, current, changes):
        item = self._items.get(current["mac"]) or dict(changes, mac=current["mac"])
        if "model" in changes:
            self._check_model(current["mac"], changes["model"])
        if set(changes) & LINK_OPTIONS:
            self._check_extensions(tenant, item, None if "model" in changes else current["_ports"])

    # -- writes ------------------------------------------------------------------------------------
    def _row_updates(self, item, rows, names):
        """[(port, values)] for the rows that differ from the item (only the options in names)."""
        updates = []
        named = dict((e["port"], e.get("description")) for e in item.get("ports") or [])
        for row in rows:
            port = int(row["port"])
            values = {}
            want = named.get(port) if named.get(port) is not None else item.get("description")
            if want is not None and ("description" in names or "ports" in names) and _text(row.get("name")) != want:
                values["name"] = want
            for col in PHONE_COLUMNS:
                if col in names and item.get(col) is not None and _column(col, item[col]) != _column(col, row.get(col)):
                    values[col] = (None if item[col] == "" else str(item[col])) if col == "call_group" else item[col]
            want_ip = item.get("static_ip") or {}
            if "static_ip" in names and any(_text(row.get(IP_COLUMN[k])) != _text(v) for k, v in want_ip.items()):
                for key, col in IP_COLUMN.items():
                    value = want_ip[key] if key in want_ip else row.get(col)
                    values[col] = None if value in (None, "") else value
            if values:
                updates.append((port, values))
        return updates

    def _write_rows(self, item, rows, names):
        for port, values in self._row_updates(item, rows, names):
            self._phone("update", scope={"mac": item["mac"], "port": port}, values=values)
        self._rows.pop(item["mac"], None)

    def _write_links(self, tenant, item, ports):
        """One link call per owner whose links to this phone's ports change."""
        mac = item["mac"]
        owners = self.owners(tenant)
        wanted = {}
        if "extensions" in item:
            wanted = dict((p, "") for p in ports)
            for index, number in enumerate(item["extensions"]):
                wanted[index] = str(number or "")
        for entry in item.get("ports") or []:
            if entry.get("extension") is not None:
                wanted[entry["port"]] = str(entry["extension"])
        changes = {}
        links = self.links(tenant)
        contacts = set(owners.values())
        for port, number in sorted(wanted.items()):
            phoneid = "%s%d" % (mac, port)
            linked = dict((c, how) for c, how in links.get(phoneid, {}).items() if c in contacts)
            owner = owners.get(number) if number else None
            for contact in linked:
                if contact != owner:
                    changes.setdefault(contact, {})[phoneid] = "unlink"
            if owner is not None and linked.get(owner) != "link":
                changes.setdefault(owner, {})[phoneid] = "link"
        for contact, phones in sorted(changes.items()):
            self._phone("link", scope={"contact_id": contact}, values={"phones": phones}, kind="user",
                        what="link the extensions' owner %s to the phone" % contact)
            for phoneid, how in phones.items():
                slot = self._links.setdefault(phoneid, {})
                if how == "unlink":
                    slot.pop(contact, None)
                else:
                    slot[contact] = how

    def create(self, tenant, item):
        company = self._company(tenant)
        mac = item["mac"]
        waiting = (self._inactive or {}).get(mac)
        names = set(item) & ROW_OPTIONS
        if waiting is not None:
            self._phone("promote", scope={"phoneid": waiting["_phoneid"]}, values={"company": company},
                        what="adopt the phone waiting for provisioning into company %s" % company)
            self._inactive.pop(mac, None)
            ports = waiting["_ports"]
            if item.get("model") and item["model"] != waiting["model"]:
                self._phone("update", scope={"mac": mac, "port": 0}, values={"phone_type": item["model"]})
                ports = None  # the new type may have another port count
        else:
            values = {"mac": mac, "company": company, "phone_type": item["model"]}
            if item.get("description") is not None:
                values["name"] = item["description"]
            answer = self._phone("create", values=values)
            ports = list(range(int(answer.get("numrows") or 1)))
            names.discard("description")  # the create call named every port
            if not any(e.get("description") is not None for e in item.get("ports") or []):
                names.discard("ports")
        rows = None
        if names or (ports is None and set(item) & LINK_OPTIONS):
            # The new rows hold the PABX's defaults: read them once, write only what differs.
            rows = self.read_rows(mac)
            ports = [int(r["port"]) for r in rows]
        if ports is not None:
            self._fits(item, ports, "phone was created" if waiting is None else "phone was adopted")
        if rows is not None:
            self._write_rows(item, rows, names)
        if set(item) & LINK_OPTIONS:
            self._write_links(tenant, item, ports)

    def update(self, tenant, current, changes, item):
        mac = current["mac"]
        names = set(changes)
        if "model" in changes:
            self._phone("update", scope={"mac": mac, "port": 0}, values={"phone_type": changes["model"]})
            self._rows.pop(mac, None)
            # New ports come with the PABX's defaults (seed 000): give them the task's values too.
            names |= set(item) & (ROW_OPTIONS | LINK_OPTIONS)
        ports = current["_ports"]
        if names & ROW_OPTIONS or "model" in changes:
            rows = self.read_rows(mac)
            ports = [int(r["port"]) for r in rows]
            self._write_rows(item, rows, names)
        if names & LINK_OPTIONS:
            if "model" in changes:
                self._fits(item, ports, "model was changed")
            self._write_links(tenant, item, ports)

    def delete(self, tenant, current):
        if current.get("_inactive"):
            self._phone("demote", scope={"phoneid": current["_phoneid"]},
                        what="demote the phone waiting for provisioning")
        else:
            self._phone("delete", scope={"mac": current["mac"]})

    def push(self, tenant, steps):
        for step in steps:
            if step.action == "none" and step.current is None:
                continue  # named absent and already gone: there is no device to reboot
            self._phone("reboot", scope={"mac": step.key}, what="reboot phone %s" % step.key)
