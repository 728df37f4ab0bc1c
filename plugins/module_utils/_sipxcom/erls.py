# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sipXcom E911 emergency locations (ERLs): /rest/erls, /rest/erl/... and the e911/location settings.

PLATFORM_NOTES (pbx_erl -> /rest/erls and /rest/erl/...; reference sipxcom.md §11 E911 ERLs, §3 common
/rest behaviour, §2 settings, §8 user groups; seed 004 "Using the e911 REST API"):
- elin: the ELIN, the natural key (sipXcom keeps it trimmed and unique). It must be a 10-digit North
  American number written as 10 digits (NPA-NXX-XXXX without separators or a leading 1: the area code
  and the exchange start with 2-9 and are not N11 service codes), checked before any request. Every
  request names an ERL by its ELIN (/rest/erls lists no id).
- location: location (the caller's location; sipXcom requires it: &blank.location.error), required to
  create an ERL and never empty. address_info: addressInfo. description: description. An ERL is written
  whole: an update sends the four fields, the current value of each the task does not change.
- users: the users (user names, the extension numbers) whose own location is this ERL, compared as a
  set. sipXcom answers a user's effective location (its own, else the one its user groups give,
  User.getE911LocationId): a user that gets this ERL through one of its groups counts as at the ERL when
  the task lists it and is left alone when it does not (its own location cannot remove a group's).
  Added: one PUT /rest/erl/user/{u} (text/plain ELIN) each; removed: one DELETE /rest/erl/user/{u} each.
  A user moved from another ERL is one PUT (a user has one location), so an ERL of the same task that
  loses the user sends no DELETE for it. With tenant, only the branch's users are compared, and a user of
  another branch fails before any write.
- phones: MACs in any notation, normalised as pbx_phone does (0004f2aabbcc), compared as a set the same
  way as users (a phone's location may come from its phone groups). Added: one PUT /rest/erl/phones per
  ERL for all its added phones (<phones><phone><serial/><elin/></phone>...</phones>, body inferred);
  removed: one DELETE /api/phones/{id}/settings/e911/location each (the phone's hidden e911/location
  setting; the reference documents DELETE as reset-to-default, that it reaches a hidden setting is
  inferred). With tenant, the phones compared are those whose user lines all belong to the branch's users
  (as pbx_phone), phones without lines included.
- user_groups: user group names whose location is this ERL, a set. Added: one PUT /rest/erl/group/{g}
  (text/plain ELIN, inferred body) each; removed: one DELETE /api/userGroups/{id}/settings/e911/location
  each (the seed documents no DELETE on /rest/erl/group). Groups are PBX-wide (sipXcom groups have no
  branch), with tenant too.
- phone_groups: phone group names, a set. Added: one PUT /rest/erl/phonegroup/{g} each; removed: one
  DELETE /rest/erl/phonegroup/{g} each.
- Every user, phone and group named must exist (in the tenant) and may be at one ERL of the task only;
  otherwise the task fails before any write, check mode too.
- tenant: sipXcom ERLs have no branch, so the listing is every ERL of the PBX whatever the tenant:
  purge needs purge_all_tenants. A tenant must be an existing branch (TenantMissing otherwise) and
  scopes the users and phones compared, as above.
- pbx_info: each ERL as elin, location, address_info, description and its non-empty users, phones,
  user_groups and phone_groups (read as below, once for every ERL).
Requests (documented minimum): reads are GET /rest/erls (one unpaged listing), plus GET /rest/branch when
tenant is set; when a task names users: GET /api/users once, and for ERLs that already exist one
GET /rest/erl/user/{u} per user (in the tenant) plus one GET /rest/erl/group/{g} per user group of a user
that has a location; phones: GET /api/phones once (plus GET /api/users with tenant), and for existing
ERLs one GET /rest/erl/phone/{serial} per phone plus one GET /rest/erl/phonegroup/{g} per phone group of
a phone that has a location; user_groups: GET /api/userGroups once (plus one GET /rest/erl/group/{g} per
group for existing ERLs); phone_groups: GET /api/phoneGroups once (plus one GET /rest/erl/phonegroup/{g}
per group for existing ERLs). Each read serves every ERL of the run. Writes: the ERLs created by a run are
one PUT /rest/erls together, plus the writes of their members as above. An update is one
PUT /rest/erl/elin/{elin} when location, address_info or description change, plus the member writes
above. A delete is one DELETE /rest/erl/elin/{elin} (sipXcom clears every link to it). A rerun with
nothing to change writes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import xml.etree.ElementTree as ET

from ansible_collections.pbxops.pbx.plugins.module_utils._client import AmbiguousWrite, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind, ReferenceMissing, TenantMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import normalise_mac
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.driver import JSON, XML, quoted, xml_of

FIELDS = (("location", "location"), ("elin", "elin"), ("address_info", "addressInfo"),
          ("description", "description"))
MEMBERS = ("users", "phones", "user_groups", "phone_groups")
PLAIN = {"Content-Type": "text/plain", "Accept": "text/xml"}
SEND_XML = {"Content-Type": "text/xml", "Accept": "text/xml"}
TEXT = {"Accept": "text/plain"}
DIGITS = re.compile(r"^\d+$")
WHAT = {"users": "user", "phones": "phone", "user_groups": "user group", "phone_groups": "phone group"}


def elin_problem(elin):
    """Why a value is not a 10-digit North American number (None when it is one)."""
    if not DIGITS.match(elin):
        return "it holds something other than digits: write the 10 digits without spaces, dashes or +1"
    if len(elin) == 11 and elin.startswith("1"):
        return "it has 11 digits: leave out the leading country code 1"
    if len(elin) != 10:
        return "it has %d digits, not 10" % len(elin)
    if elin[0] in "01":
        return "the area code %s starts with %s (North American area codes start with 2-9)" % (elin[:3], elin[0])
    if elin[3] in "01":
        return "the exchange %s starts with %s (exchanges start with 2-9)" % (elin[3:6], elin[3])
    for part, name in ((elin[:3], "area code"), (elin[3:6], "exchange")):
        if part[1:] == "11":
            return "the %s %s is an N11 service code, not a dialable %s" % (name, part, name)
    return None


class SipxcomErls(Kind):
    kind = "erl"
    REQUIRED_ON_CREATE = ("location",)
    OPTIONS = frozenset(("location", "address_info", "description") + MEMBERS)

    def __init__(self, driver):
        super(SipxcomErls, self).__init__(driver)
        self._desired = {}   # elin -> the item as the task gives it
        self._claims = {}    # (option, member) -> elin of the task's item that lists it
        self._moves = {}     # (option, member) -> elin that a planned write gives the member
        self._saved = set()  # ELINs whose location this run's PUT /rest/erls saved
        self._tenant = None
        self._forget()

    def _forget(self):
        """Drop what was read about members (list() runs again after a failed write)."""
        self._users = None     # userName -> {"branch", "groups"}
        self._phones = None    # mac -> {"serial", "id", "groups", "users"}
        self._groups = {}      # "user"/"phone" -> {name: id}
        self._group_elin = {}  # ("user"/"phone", name) -> the group's own ELIN ("" for none)
        self._held = {}        # option -> {member: (elin, inherited)}

    # -- checks without requests ----------------------------------------------------------
    def validate(self, item, tenant):
        elin = item["elin"]
        problem = elin_problem(elin)
        if problem:
            raise PbxError("ERL %s: elin must be a 10-digit North American number (NPA-NXX-XXXX, for example "
                           "4235551212), and %s" % (elin, problem))
        if "location" in item and not str(item["location"]).strip():
            raise PbxError("ERL %s: location must not be empty (sipXcom requires it: &blank.location.error)" % elin)
        if "phones" in item:
            macs = []
            for value in item["phones"]:
                try:
                    macs.append(normalise_mac(value))
                except ValueError as exc:
                    raise PbxError("ERL %s: phones: %s" % (elin, exc))
            item["phones"] = sorted(set(macs))
        for option in MEMBERS:
            values = [str(v).strip() for v in item.get(option) or []]
            if "" in values:
                raise PbxError("ERL %s: %s must not hold an empty name" % (elin, option))
            if item.get("state", "present") != "present":
                continue
            for member in set(values):
                other = self._claims.get((option, member))
                if other is not None and other != elin:
                    raise PbxError("ERL %s: %s %s is also listed for ERL %s; a %s has one location: list it once"
                                   % (elin, WHAT[option], member, other, WHAT[option]))
                self._claims[(option, member)] = elin
        self._desired[elin] = item

    def whole_pbx(self, tenant):
        return True  # ERLs have no branch: every listing is the whole PBX's

    # -- reads --------------------------------------------------------------------------
    def list(self, tenant):
        self._tenant = tenant
        self._forget()
        if tenant is not None and tenant not in self.driver.branches():
            raise TenantMissing("sipXcom: branch %r does not exist; create it first with pbxops.pbx.pbx_tenant, or "
                                "fix the tenant option" % tenant)
        root = xml_of(self.call("GET", "/rest/erls", headers=XML), "GET /rest/erls")
        out = []
        for elem in root.iter("e911Location"):
            raw = elem.findtext("elin") or ""
            obj = dict((option, elem.findtext(tag) or "") for option, tag in FIELDS)
            obj["elin"] = raw.strip()
            obj["_elin"] = raw
            out.append(obj)
        return out

    def _user_map(self):
        if self._users is None:
            users = self.call("GET", "/api/users", headers=JSON).data().get("users") or []
            self._users = dict((u.get("userName"), {"branch": u.get("branchName"),
                                                    "groups": [g.get("name") for g in u.get("groups") or []]})
                               for u in users)
        return self._users

    def _phone_map(self):
        if self._phones is None:
            phones = self.call("GET", "/api/phones", headers=JSON).data().get("phones") or []
            self._phones = {}
            for phone in phones:
                try:
                    mac = normalise_mac(phone.get("serialNo") or "")
                except ValueError:
                    continue  # a soft phone whose serial is not a MAC
                # Only user names are kept of the lines: sipXcom returns their passwords in clear.
                self._phones[mac] = {"serial": phone.get("serialNo"), "id": phone.get("id"),
                                     "groups": [g.get("name") for g in phone.get("groups") or []],
                                     "users": [ln.get("user") for ln in phone.get("lines") or [] if ln.get("user")]}
        return self._phones

    def _group_map(self, which):
        if which not in self._groups:
            path = "/api/userGroups" if which == "user" else "/api/phoneGroups"
            groups = self.call("GET", path, headers=JSON).data().get("groups") or []
            self._groups[which] = dict((g.get("name"), g.get("id")) for g in groups)
        return self._groups[which]

    def _scope(self, option):
        """The members of an option that the task's tenant covers."""
        tenant = self._tenant
        if option == "users":
            users = self._user_map()
            return [u for u, info in users.items() if tenant is None or info["branch"] == tenant]
        if option == "phones":
            phones = self._phone_map()
            if tenant is None:
                return list(phones)
            users = self._user_map()
            return [m for m, p in phones.items() if all(users.get(u, {}).get("branch") == tenant for u in p["users"])]
        return list(self._group_map("user" if option == "user_groups" else "phone"))

    def _elin_of_group(self, which, name):
        key = (which, name)
        if key not in self._group_elin:
            path = "/rest/erl/group/%s" if which == "user" else "/rest/erl/phonegroup/%s"
            self._group_elin[key] = self.call("GET", path % quoted(name), headers=TEXT).text.strip()
        return self._group_elin[key]

    def _holdings(self, option):
        """member -> (ELIN it is at, whether that comes from one of its groups), for the option's members."""
        if option in self._held:
            return self._held[option]
        held = {}
        for member in self._scope(option):
            if option == "users":
                elin = self.call("GET", "/rest/erl/user/%s" % quoted(member), headers=TEXT).text.strip()
                groups, which = self._user_map()[member]["groups"], "user"
            elif option == "phones":
                phone = self._phone_map()[member]
                root = xml_of(self.call("GET", "/rest/erl/phone/%s" % quoted(phone["serial"]), headers=XML),
                              "GET /rest/erl/phone")
                elin = (root.findtext("e911Location/elin") or "").strip()
                groups, which = phone["groups"], "phone"
            else:
                which = "user" if option == "user_groups" else "phone"
                elin, groups = self._elin_of_group(which, member), []
            if elin:
                inherited = any(self._elin_of_group(which, g) == elin for g in groups)
                held[member] = (elin, inherited)
        self._held[option] = held
        return held

    def details(self, tenant, obj, wanted):
        obj = dict(obj)
        desired = self._desired.get(obj["elin"]) or {}
        for option in MEMBERS:
            if option not in wanted:
                continue
            own, inherited = self._members(option, obj["elin"])
            want = set(str(v).strip() for v in desired.get(option) or [])
            # A member at the ERL through its group: as the task wants it, since no write could change it.
            obj[option] = sorted(own | (inherited & want))
            obj["_" + option] = (own, inherited)
        return obj

    def _members(self, option, elin):
        own, inherited = set(), set()
        for member, (at, from_group) in self._holdings(option).items():
            if at == elin:
                (inherited if from_group else own).add(member)
        return own, inherited

    def info(self, obj):
        out = super(SipxcomErls, self).info(obj)
        for option in MEMBERS:
            own = sorted(self._members(option, obj["elin"])[0])
            if own:
                out[option] = own
        return out

    # -- checks while planning (reads, no writes) -------------------------------------------
    def validate_create(self, item, tenant):
        if not str(item.get("location") or "").strip():
            raise PbxError("ERL %s: location is required to create an ERL on sipXcom (the caller's location, for "
                           "example \"123 Main St, Floor 2\")" % item["elin"])
        self._check_members(item["elin"], item, set())

    def validate_update(self, tenant, current, changes):
        self._check_members(current["elin"], changes, current)

    def _check_members(self, elin, values, current):
        for option in MEMBERS:
            if option not in values:
                continue
            have = set(current.get(option) or []) if current else set()
            added = sorted(set(str(v).strip() for v in values[option]) - have)
            if not added:
                continue
            known = set(self._scope(option))
            everywhere = self._everywhere(option)
            for member in added:
                if member not in known:
                    elsewhere = member in everywhere
                    raise (PbxError if elsewhere else ReferenceMissing)(
                        "ERL %s: %s" % (elin, self._unknown(option, member, elsewhere)))
                self._moves[(option, member)] = elin

    def _everywhere(self, option):
        if option == "users":
            return set(self._user_map())
        if option == "phones":
            return set(self._phone_map())
        return set(self._group_map("user" if option == "user_groups" else "phone"))

    def _unknown(self, option, member, elsewhere):
        if elsewhere:
            return ("%s %s is not in tenant %s: with tenant set, an ERL takes only the tenant's %ss; fix %s or "
                    "the tenant" % (WHAT[option], member, self._tenant, WHAT[option], option))
        how = {"users": "create it first with pbxops.pbx.pbx_extension",
               "phones": "create it first with pbxops.pbx.pbx_phone",
               "user_groups": "create it first (pbxops.pbx.pbx_extension groups create user groups)",
               "phone_groups": "create it first (pbxops.pbx.pbx_phone groups create phone groups)"}[option]
        return "%s %s does not exist on sipXcom; %s, or fix %s" % (WHAT[option], member, how, option)

    # -- writes -------------------------------------------------------------------------
    def prepare_create(self, tenant, items):
        # PUT /rest/erls saves a list of ERLs (upsert by ELIN): every new one in one request.
        elins = [item["elin"] for item in items]
        try:
            self._save(items)
        except AmbiguousWrite:
            # The answer was lost, not necessarily the write: ask which ERLs exist now. Those that do not are
            # saved one by one by create(); resending the whole list blindly is what a lost answer must not do.
            held = set(obj["elin"] for obj in self.list(self._tenant))
            self._saved.update(elin for elin in elins if elin in held)
            return
        self._saved.update(elins)

    def _save(self, items):
        root = ET.Element("e911Locations")
        for item in items:
            self._location(root, dict(item, location=str(item["location"]).strip()))
        self.call("PUT", "/rest/erls", data=ET.tostring(root, encoding="utf-8"), headers=SEND_XML)

    @staticmethod
    def _location(parent, values):
        elem = ET.SubElement(parent, "e911Location") if parent is not None else ET.Element("e911Location")
        for option, tag in FIELDS:
            ET.SubElement(elem, tag).text = str(values.get(option) or "")
        return elem

    def create(self, tenant, item):
        if item["elin"] not in self._saved:
            # Its location was not saved with the others (that PUT lost its answer, and did not land).
            self._save([item])
            self._saved.add(item["elin"])
        self._write_members(item["elin"], item, {})

    def update(self, tenant, current, changes, item):
        elin = current["elin"]
        if any(option in changes for option, _tag in FIELDS):
            values = dict(current)
            values.update(changes)
            body = ET.tostring(self._location(None, values), encoding="utf-8")
            self.call("PUT", "/rest/erl/elin/%s" % quoted(current["_elin"]), data=body, headers=SEND_XML)
        self._write_members(elin, changes, current)

    def _write_members(self, elin, values, current):
        for option in MEMBERS:
            if option not in values:
                continue
            own, inherited = current.get("_" + option) or (set(), set())
            want = set(str(v).strip() for v in values[option])
            added = sorted(want - own - inherited)
            # A member another ERL of the task takes is moved by that ERL's PUT: no DELETE for it here.
            removed = sorted(m for m in own - want if self._moves.get((option, m)) in (None, elin))
            getattr(self, "_write_" + option)(elin, added, removed)

    def _write_users(self, elin, added, removed):
        for user in added:
            self.call("PUT", "/rest/erl/user/%s" % quoted(user), data=elin.encode("utf-8"), headers=PLAIN)
        for user in removed:
            self.call("DELETE", "/rest/erl/user/%s" % quoted(user), headers=XML)

    def _write_phones(self, elin, added, removed):
        phones = self._phone_map()
        if added:
            root = ET.Element("phones")
            for mac in added:
                phone = ET.SubElement(root, "phone")
                ET.SubElement(phone, "serial").text = phones[mac]["serial"]
                ET.SubElement(phone, "elin").text = elin
            self.call("PUT", "/rest/erl/phones", data=ET.tostring(root, encoding="utf-8"), headers=SEND_XML)
        for mac in removed:
            # By id: sipXcom reads an all-digit path key as a phone id, and MACs may be all digits.
            self.call("DELETE", "/api/phones/%d/settings/e911/location" % phones[mac]["id"], headers=JSON)

    def _write_user_groups(self, elin, added, removed):
        for group in added:
            self.call("PUT", "/rest/erl/group/%s" % quoted(group), data=elin.encode("utf-8"), headers=PLAIN)
        ids = self._group_map("user")
        for group in removed:
            self.call("DELETE", "/api/userGroups/%d/settings/e911/location" % ids[group], headers=JSON)

    def _write_phone_groups(self, elin, added, removed):
        for group in added:
            self.call("PUT", "/rest/erl/phonegroup/%s" % quoted(group), data=elin.encode("utf-8"), headers=PLAIN)
        for group in removed:
            self.call("DELETE", "/rest/erl/phonegroup/%s" % quoted(group), headers=XML)

    def delete(self, tenant, current):
        self.call("DELETE", "/rest/erl/elin/%s" % quoted(current["_elin"]), headers=XML)
