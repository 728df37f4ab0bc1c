# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PortSIP phones: IP phones assigned to users, and DECT bases.

PLATFORM_NOTES (pbx_phone -> /users/{id}/phones and /dect_phones; portsip.md section 2):
- mac: the key; sent lower-case and colon-separated (0c:38:3e:63:fe:e8). One MAC
  is one device: an IP phone of one user, or a DECT base.
- model: the model of GET /phone_models (an IP phone) or GET /dect_phone_models
  (a DECT base); which list holds it decides what the phone is. Required to
  create. An unknown model fails before any write, listing close matches.
- template: the template file (IP phones: filename, DECT bases: template).
  Default: the template that lists the model (a model offered by several
  templates needs template set).
- vendor: vendor. Default: the first word of the model's display_name in the
  catalogue ("Fanvil V62 Pro" -> Fanvil); PortSIP lists no vendor per model.
  Set it where a template names its vendor otherwise (Mitel for Aastra models).
- model, template and vendor cannot change in place (UserPhoneUpdate and the
  DECT update lack them): a change destroys the phone and creates it again
  (reported as replaced, in check mode too). The replacement keeps the old
  phone's settings the task does not set while the template stays the same.
- extensions: an IP phone belongs to exactly one user: extensions is that one
  extension number, and a different one replaces the phone (destroy under the
  old user, create under the new one). A DECT base: its handsets' extension
  numbers in handset order (handset_index 1, 2, ...), written as a whole with
  one POST /dect_phones/{id}/members; at most the model's lines. Each number
  must be an existing extension of the tenant (checked before any write).
- description: DECT bases only, the base's name (1 to 64 characters, required
  to create one). IP phones have no name on PortSIP.
- web_password: password (the phone's web UI). Write-only; never read back.
  When a create (or replacement) sets none, a random 16-character password is
  set (never shown): set web_password to know it.
- user_password, engineer_password: DECT bases only, write-only.
- language, timezone, codecs (IP and DECT), tone, handset_language (DECT):
  must be among the values of the template's profile (GET /phone_models/
  {filename}, GET /dect_phone_models/{name}); refused while planning. Defaults
  on create: language ENGLISH (else the profile's first), timezone the
  profile's UTC zone ("GMT"; else its first), codecs all of the profile's in
  its order, tone the profile's first.
- transfer: IP phones only (default BLIND). interface: default WEB_DOMAIN.
  transport: preferred_transport, default UDP. region: DECT bases only, free text.
- api_fields: other fields of the UserPhone or DECT object (ringtone, rps,
  https, enable_lldp, wan_port_id ...), compared with the phone as GET returns
  it, sent as they are; profile-backed fields (ringtone, backlight ...) are
  checked against the profile.
- push_config: POST /phones/{mac}/reprovision once per phone. PortSIP has no
  re-provision for DECT bases: a task that would push to one is refused while
  planning.
- Secrets the API returns (the inventory's password and vm_pin, UserPhone and
  DECT passwords) are never compared, shown or passed on.
Reads: the login (plus the tenant listing and switch for the system admin),
GET /phones (the tenant's inventory: mac, extension_number, vendor, model of
every assigned phone) and GET /dect_phones, one request each. Only when a
write or an option needs them: GET /users (100 per page) for the owners' ids;
GET /users/{id}/phones once per owner of a phone to update, delete or replace,
or whose template, language, transfer, timezone, codecs, interface, transport
or api_fields the task sets; GET /dect_phones/{id}/members per named base whose
extensions the task sets; GET /phone_models and GET /dect_phone_models once
per run when a phone is created or replaced, and the profile of each template a
create, replacement or profile-checked change uses, once. pbx_info reads the
listing, GET /users, one GET /users/{id}/phones per owner and one GET
.../members per DECT base. Writes: an IP create is one POST /users/{id}/phones; a DECT
create one POST /dect_phones plus one POST .../members when it has handsets;
an update one POST of the changed fields (a DECT base: plus one POST
.../members when the handsets change); a delete one POST .../destroy; a
replacement a destroy and a create.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind, ReferenceMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.driver import quoted
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.phone_catalogue import (
    DECT_PROFILE, DEFAULT_INTERFACE, DEFAULT_TRANSFER, DEFAULT_TRANSPORT, IP_PROFILE, IP_PROFILE_FIELDS, Catalogue,
    check_profile, default_language, default_timezone, new_password, vendor_of)

IP_FIELD = {"template": "filename", "vendor": "vendor", "model": "model", "web_password": "password",
            "language": "language", "transfer": "transfer", "timezone": "timezone", "codecs": "codecs",
            "interface": "interface", "transport": "preferred_transport"}
DECT_FIELD = {"template": "template", "vendor": "vendor", "model": "model", "description": "name",
              "web_password": "password", "user_password": "user_password", "engineer_password": "engineer_password",
              "language": "language", "handset_language": "handset_language", "timezone": "timezone",
              "region": "region", "tone": "tone", "codecs": "codecs", "interface": "interface",
              "transport": "preferred_transport"}
FIXED = ("model", "template", "vendor")
IP_ONLY = ("transfer",)
DECT_ONLY = ("description", "region", "tone", "handset_language", "user_password", "engineer_password")
# Options of an IP phone that the inventory (GET /phones) lacks: they need the owner's phone list.
IP_DETAIL = frozenset(["template", "language", "transfer", "timezone", "codecs", "interface", "transport",
                       "api_fields"])
IP_INFO = ("model", "template", "vendor", "extensions", "language", "transfer", "timezone", "codecs", "interface",
           "transport")
DECT_INFO = ("model", "template", "vendor", "description", "extensions", "language", "handset_language",
             "timezone", "region", "tone", "codecs", "interface", "transport")
# Settings a replacement carries over from the phone it replaces (while the template stays the same).
CARRIED = ("language", "transfer", "timezone", "codecs", "interface", "transport", "region", "tone",
           "handset_language", "description")
SECRET_FIELDS = ("password", "user_password", "engineer_password", "door_password1", "door_password2", "vm_pin")
MANAGED_FIELDS = frozenset(list(IP_FIELD.values()) + list(DECT_FIELD.values()) + ["mac", "id", "url", "lines"])
NUMBER = re.compile(r"^[0-9]{3,64}$")


def colon(mac):
    return ":".join(mac[i:i + 2] for i in range(0, 12, 2))


def plain(mac):
    return re.sub(r"[^0-9a-f]", "", str(mac or "").lower())


class PortsipPhones(Kind):
    kind = "phone"
    REQUIRED_ON_CREATE = ("model",)
    MODEL_DEPENDENT = dict([(o, "IP phones") for o in IP_ONLY] + [(o, "DECT bases") for o in DECT_ONLY])
    OPTIONS = frozenset(["model", "template", "vendor", "description", "extensions", "web_password", "language",
                         "transfer", "timezone", "codecs", "interface", "transport", "region", "tone",
                         "handset_language", "user_password", "engineer_password", "api_fields"])

    def __init__(self, driver):
        super(PortsipPhones, self).__init__(driver)
        self.catalogue = Catalogue(driver)
        self._users = None  # extension number -> user id
        self._user_phones = {}  # user id -> [UserPhone]
        self._members = {}  # DECT base id -> [member]
        self._replacing = {}  # mac -> the phone a replacement destroys
        self._bodies = {}  # mac -> (dect, body, members) worked out while planning

    # -- checks (no request) -----------------------------------------------------------------
    def validate(self, item, tenant):
        where = "phone %s" % item["mac"]
        numbers = item.get("extensions")
        if numbers is not None:
            for number in numbers:
                if not NUMBER.match(str(number)):
                    raise PbxError("%s: extensions must be PortSIP extension numbers (3 to 64 digits); got %r"
                                   % (where, number))
            if len(set(numbers)) != len(numbers):
                raise PbxError("%s: extensions lists a number twice" % where)
        if "description" in item and not 1 <= len(str(item["description"])) <= 64:
            raise PbxError("%s: description (the DECT base's name) must have 1 to 64 characters" % where)
        clash = sorted(k for k in item.get("api_fields") or {} if k in MANAGED_FIELDS)
        if clash:
            raise PbxError("%s: api_fields %s are managed by pbx_phone's own options (mac, model, template, "
                           "vendor, web_password, language, timezone, codecs, transport ...): set those instead"
                           % (where, ", ".join(clash)))

    def _check_family(self, where, values, dect):
        wrong = sorted(k for k in (IP_ONLY if dect else DECT_ONLY) if k in values)
        if wrong:
            raise PbxError("%s: %s appl%s only to PortSIP %s, and this model is %s" % (
                where, ", ".join(wrong), "ies" if len(wrong) == 1 else "y", "IP phones" if dect else "DECT bases",
                "a DECT base" if dect else "an IP phone"))

    def _refuse_push(self, where, dect):
        if dect and (self.params.get("push_config") or "never") != "never":
            raise PbxError("%s: PortSIP has no API to re-provision a DECT base (POST /phones/{mac}/reprovision is "
                           "for IP phones): set push_config: never, or manage DECT bases in a task of their own"
                           % where)

    def validate_create(self, item, tenant):
        where = "phone %s" % item["mac"]
        current = self._replacing.get(item["mac"])
        model = item.get("model") or (current or {}).get("model")
        if not model:
            raise PbxError("%s: PortSIP needs model to create a phone (pbx_info with gather: phone_models lists "
                           "them)" % where)
        template = item.get("template")
        if template is None and current is not None and model == current.get("model"):
            template = current.get("template")
        dect, row = self.catalogue.entry(where, model, template)
        self._check_family(where, item, dect)
        self._refuse_push(where, dect)
        values = dict(item)
        if current is not None and bool(current.get("_dect")) == dect:
            carried = self._carried(current)
            same = row["filename"] == carried.get("template")
            for name, value in carried.items():
                if name in ("extensions", "description") or (same and name != "template"):
                    values.setdefault(name, value)
            if same and model == current.get("model"):
                values.setdefault("vendor", current.get("vendor"))
        if dect:
            body, members = self._dect_body(where, values, row)
            self._bodies[item["mac"]] = (True, body, members)
        else:
            self._bodies[item["mac"]] = (False, self._ip_body(where, values, row), values["extensions"][0])

    def _carried(self, current):
        """The settings of the phone being replaced, for what the task does not set."""
        if current.get("_dect"):
            full = dict(current)
            if "extensions" not in full:
                full["extensions"] = self._member_numbers(current["_id"])
        else:
            full = self._ip_details(current)
        return dict((k, full[k]) for k in CARRIED + ("template", "extensions") if full.get(k) not in (None, ""))

    def _ip_body(self, where, values, row):
        numbers = values.get("extensions") or []
        if len(numbers) != 1:
            raise PbxError("%s: a PortSIP IP phone belongs to exactly one user: set extensions to that one "
                           "extension number (got %s)" % (where, ", ".join(numbers) or "none"))
        self._user_id(where, numbers[0])
        template = row["filename"]
        profile = self.catalogue.profile(template)
        check_profile(where, template, profile, values, IP_PROFILE)
        check_profile(where, template, profile, values.get("api_fields") or {}, IP_PROFILE_FIELDS)
        body = dict(values.get("api_fields") or {})
        body.update({
            "mac": colon(values["mac"]), "filename": template, "vendor": values.get("vendor") or vendor_of(row),
            "model": row["model"], "password": values.get("web_password") or self._password(),
            "language": values.get("language") or default_language(profile.get("languages") or []),
            "transfer": values.get("transfer") or DEFAULT_TRANSFER,
            "timezone": values.get("timezone") or default_timezone(profile.get("time_zones") or []),
            "codecs": values.get("codecs") or list(profile.get("codecs") or []),
            "interface": values.get("interface") or DEFAULT_INTERFACE,
            "preferred_transport": values.get("transport") or DEFAULT_TRANSPORT,
        })
        self._require(where, body, {"vendor": "vendor", "language": "language", "timezone": "timezone",
                                    "codecs": "codecs"})
        return body

    def _dect_body(self, where, values, row):
        if not values.get("description"):
            raise PbxError("%s: PortSIP needs the DECT base's name to create it: set description" % where)
        template = row["filename"]
        profile = self.catalogue.dect_profile(template)
        check_profile(where, template, profile, values, DECT_PROFILE)
        members = values.get("extensions") or []
        self._check_members(where, members, profile.get("lines") or row.get("lines"))
        body = dict(values.get("api_fields") or {})
        for option in ("user_password", "engineer_password", "region", "handset_language"):
            if values.get(option) is not None:
                body[option] = values[option]
        body.update({
            "name": values["description"], "mac": colon(values["mac"]), "template": template,
            "vendor": values.get("vendor") or vendor_of(row), "model": row["model"],
            "password": values.get("web_password") or self._password(),
            "language": values.get("language") or default_language(profile.get("languages") or []),
            "timezone": values.get("timezone") or default_timezone(profile.get("time_zones") or []),
            "tone": values.get("tone") or (profile.get("tones") or [None])[0],
            "codecs": values.get("codecs") or list(profile.get("codecs") or []),
            "interface": values.get("interface") or DEFAULT_INTERFACE,
            "preferred_transport": values.get("transport") or DEFAULT_TRANSPORT,
        })
        self._require(where, body, {"vendor": "vendor", "language": "language", "timezone": "timezone",
                                    "tone": "tone", "codecs": "codecs"})
        return body, members

    @staticmethod
    def _require(where, body, names):
        missing = sorted(option for field, option in names.items() if not body.get(field))
        if missing:
            raise PbxError("%s: the template's profile offers no default for %s: set %s" % (
                where, ", ".join(missing), "them" if len(missing) > 1 else "it"))

    def _password(self):
        value = new_password()
        self.client.add_secret(value)
        return value

    def _check_members(self, where, numbers, lines):
        if lines is not None and len(numbers) > int(lines):
            raise PbxError("%s: this DECT model takes at most %s handsets; extensions lists %d"
                           % (where, lines, len(numbers)))
        for number in numbers:
            self._user_id(where, number)

    def replaces(self, tenant, current, changes):
        if any(name in changes for name in FIXED) or (not current.get("_dect") and "extensions" in changes):
            self._replacing[current["mac"]] = current
            return True
        return False

    def validate_update(self, tenant, current, changes):
        where = "phone %s" % current["mac"]
        dect = current.get("_dect")
        if any(name in changes for name in FIXED):
            return  # a replacement (perhaps by a DECT base or an IP phone): validate_create checks the new one
        if not dect and "extensions" in changes:
            if len(changes["extensions"]) != 1:
                raise PbxError("%s: a PortSIP IP phone belongs to exactly one user: set extensions to that one "
                               "extension number (got %s)" % (where, ", ".join(changes["extensions"]) or "none"))
            return  # a new owner: a replacement
        self._check_family(where, changes, dect)
        self._refuse_push(where, dect)
        template = current.get("template")
        if dect:
            profile = self.catalogue.dect_profile(template)
            check_profile(where, template, profile, changes, DECT_PROFILE)
            if "extensions" in changes:
                self._check_members(where, changes["extensions"], profile.get("lines"))
        elif template:
            profile = self.catalogue.profile(template)
            check_profile(where, template, profile, changes, IP_PROFILE)
            check_profile(where, template, profile, changes.get("api_fields") or {}, IP_PROFILE_FIELDS)

    # -- reads ---------------------------------------------------------------------------------
    def list(self, tenant):
        self.driver.enter(tenant)
        out = []
        for row in self.call("GET", "/phones").data().get("items") or []:
            self._secrets(row)
            if row.get("extension_number"):
                out.append({"mac": plain(row.get("mac")), "model": row.get("model"), "vendor": row.get("vendor"),
                            "extensions": [row["extension_number"]], "_dect": False})
        for base in self.call("GET", "/dect_phones").data().get("items") or []:
            out.append(self._dect_object(base))
        return out

    def _secrets(self, record):
        for field in SECRET_FIELDS:
            if isinstance(record.get(field), str) and len(record[field]) >= 4:
                self.client.add_secret(record[field])

    def _dect_object(self, base):
        self._secrets(base)
        obj = {"mac": plain(base.get("mac")), "description": base.get("name"),
               "transport": base.get("preferred_transport"), "_id": base.get("id"), "_dect": True,
               "api_fields": dict((k, v) for k, v in base.items() if k not in SECRET_FIELDS)}
        for name in ("model", "vendor", "template", "language", "handset_language", "timezone", "region", "tone",
                     "codecs", "interface"):
            obj[name] = base.get(name)
        return obj

    def details(self, tenant, obj, wanted):
        if obj.get("_dect"):
            if (self.params.get("push_config") or "never") == "always":
                self._refuse_push("phone %s" % obj["mac"], True)
            if "extensions" in wanted and "extensions" not in obj:
                obj = dict(obj, extensions=self._member_numbers(obj["_id"]))
            return obj
        if set(wanted) & IP_DETAIL:
            return self._ip_details(obj)
        return obj

    def _ip_details(self, obj):
        if "_id" in obj:
            return obj
        record = self._record(obj)
        full = dict(obj)
        full.update({"template": record.get("filename"), "transport": record.get("preferred_transport"),
                     "_id": record.get("id"), "_user": self._user_id("phone %s" % obj["mac"], obj["extensions"][0]),
                     "api_fields": dict((k, v) for k, v in record.items() if k not in SECRET_FIELDS)})
        for name in ("model", "vendor", "language", "transfer", "timezone", "codecs", "interface"):
            full[name] = record.get(name)
        return full

    def _record(self, obj):
        """The UserPhone of an inventory phone, from its owner's phone list (read once per owner)."""
        where = "phone %s" % obj["mac"]
        owner = obj["extensions"][0]
        user_id = self._user_id(where, owner)
        if user_id not in self._user_phones:
            phones = self.call("GET", "/users/%s/phones" % quoted(user_id)).data().get("items") or []
            for phone in phones:
                self._secrets(phone)
            self._user_phones[user_id] = phones
        for phone in self._user_phones[user_id]:
            if plain(phone.get("mac")) == obj["mac"]:
                return phone
        raise PbxError("%s: PortSIP lists it for extension %s in /phones, but not among that user's phones; run "
                       "the task again" % (where, owner))

    def _user_id(self, where, number):
        if self._users is None:
            if self.tenant_missing:
                return None  # check mode in a tenant an earlier task would create: no user exists yet
            self._users = dict((u.get("extension_number"), u.get("id")) for u in self.driver.paged("/users"))
        if number not in self._users:
            raise ReferenceMissing("%s: extension %s does not exist in this PortSIP tenant; create it first with "
                                   "pbxops.pbx.pbx_extension (a PortSIP phone belongs to a user)" % (where, number))
        return self._users[number]

    def _member_numbers(self, base_id):
        if base_id not in self._members:
            self._members[base_id] = self.call("GET", "/dect_phones/%s/members" % quoted(base_id)).data().get(
                "items") or []
        members = self._members[base_id]
        if all(str(m.get("handset_index") or "").isdigit() for m in members):
            members = sorted(members, key=lambda m: int(m["handset_index"]))
        return [m.get("extension_number") for m in members]

    def info(self, obj):
        if obj.get("_dect"):
            obj = dict(obj, extensions=self._member_numbers(obj["_id"]))
            names = DECT_INFO
        else:
            obj = self._ip_details(obj)
            names = IP_INFO
        out = {"mac": obj["mac"]}
        for name in names:
            if obj.get(name) not in (None, "") or (name == "extensions" and obj.get(name) is not None):
                out[name] = obj[name]
        return out

    def models(self, tenant):
        return self.catalogue.models()

    def unprovisioned(self, tenant):
        self.driver.enter(tenant)
        out = []
        for row in self.call("GET", "/phones").data().get("items") or []:
            self._secrets(row)
            if not row.get("extension_number"):
                out.append({"mac": plain(row.get("mac")), "model": row.get("model"), "vendor": row.get("vendor"),
                            "fwver": row.get("fwver"), "ip": row.get("ip")})
        return out

    # -- writes ------------------------------------------------------------------------------------
    def create(self, tenant, item):
        self.driver.enter(tenant)
        if item["mac"] not in self._bodies:
            self.validate_create(item, tenant)
        # For a DECT base: its handsets; for an IP phone: its owner's extension number.
        dect, body, extra = self._bodies.pop(item["mac"])
        if dect:
            base_id = self.call("POST", "/dect_phones", json=body).data().get("id")
            if extra:
                self._write_members(base_id, extra, [])
            return
        user_id = self._user_id("phone %s" % item["mac"], extra)
        # Forgotten before the write: when its answer is lost the engine reads the phone again, and must not
        # be shown what this run read before it.
        self._user_phones.pop(user_id, None)
        self.call("POST", "/users/%s/phones" % quoted(user_id), json=body)

    def _write_members(self, base_id, numbers, old):
        known = dict((m.get("extension_number"), m) for m in old)
        items = []
        for index, number in enumerate(numbers, 1):
            entry = {"extension_number": number, "handset_index": str(index)}
            if (known.get(number) or {}).get("ipui"):
                entry["ipui"] = known[number]["ipui"]  # the handset stays paired
            items.append(entry)
        self._members.pop(base_id, None)  # before the write: a re-read after a lost answer reads them again
        self.call("POST", "/dect_phones/%s/members" % quoted(base_id), json={"items": items})

    def update(self, tenant, current, changes, item):
        self.driver.enter(tenant)
        if current.get("_dect"):
            body = dict(changes.get("api_fields") or {})
            for option, field in DECT_FIELD.items():
                if option in changes and option not in FIXED:
                    body[field] = changes[option]
            if body:
                self.call("POST", "/dect_phones/%s" % quoted(current["_id"]), json=body)
            if "extensions" in changes:
                self._write_members(current["_id"], changes["extensions"], self._members.get(current["_id"]) or [])
            return
        full = self._ip_details(current)
        body = dict(changes.get("api_fields") or {})
        for option, field in IP_FIELD.items():
            if option in changes and option not in FIXED:
                body[field] = changes[option]
        # Forgotten before the write (the cached record is the one before it): the re-read after a lost answer
        # must see whether the change landed, not the record this run read first.
        self._user_phones.pop(full["_user"], None)
        self.call("POST", "/users/%s/phones/%s" % (quoted(full["_user"]), quoted(full["_id"])), json=body)

    def delete(self, tenant, current):
        self.driver.enter(tenant)
        if current.get("_dect"):
            self.call("POST", "/dect_phones/%s/destroy" % quoted(current["_id"]), ok=(200, 204))
            return
        full = self._ip_details(current)
        self._user_phones.pop(full["_user"], None)  # before the write, as in update()
        self.call("POST", "/users/%s/phones/%s/destroy" % (quoted(full["_user"]), quoted(full["_id"])),
                  ok=(200, 204))

    def push(self, tenant, steps):
        self.driver.enter(tenant)
        for step in steps:
            self.call("POST", "/phones/%s/reprovision" % colon(step.key))
