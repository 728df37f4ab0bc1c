# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sipXcom (sipXconfig REST) driver: everything the collection knows about sipXcom.

Paths are below ``/sipxconfig``: ``/api/*`` (Apache CXF, JSON) for users and
``/rest/*`` (Restlet, XML) for branches. HTTP Basic is sent on every request
(sipXcom only challenges with Digest, so it must be pre-emptive); the account
needs admin rights (a valid non-admin gets 403). Plain HTTP is answered with a
302 to HTTPS by sipXcom's Apache; the client refuses to follow it.

PLATFORM_NOTES (pbx_extension -> /api/users; an extension is a user whose
userName is the number):
- number: userName (digits only). Users with another name (superadmin, system
  users) are never listed, compared or purged.
- tenant: the user's branch (branchName). With a tenant, only the branch's users
  are listed and purged, and new users are put in it; the branch must exist
  (sipXcom silently drops an unknown branch name), create it with pbx_tenant.
  Without a tenant, users of every branch are listed: purge then needs
  purge_all_tenants.
- first_name, last_name: firstName, lastName.
- email: userProfile.emailAddress. sipXcom stores it lower-cased; emails are
  compared case-insensitively on every platform.
- enabled: userProfile.enabled (true when a user is created without it).
- sip_password: sipPassword. voicemail_pin: voicemailPin (digits; sipXcom only
  returns a hash of it). web_password: pintoken, the user's web/portal login.
- aliases: the user's SIP aliases, compared as a set, replaced as a whole.
- groups: user groups by name, compared as a set. Unknown groups are created by
  sipXcom. Removing a group from a user takes one request per group.
- caller_id: the user setting caller-alias/external-number.
- voicemail: the user setting permission/call-handling/Voicemail (a user
  without it has no voicemail inbox); both settings are read with one extra
  request per named extension, only when one of them is set in the task.
- api_fields: keys of the /api/users bean (e.g. {"userProfile": {"jobTitle":
  "CTO"}}) sent as they are and compared as a subset of what sipXcom returns.
- name, private, login_name, role: not available on sipXcom.
Reads: one listing of every user (unpaged). Writes: a create is one POST (plus
one settings PUT when caller_id or voicemail is set); an update is one PUT of the
changed fields (plus the settings PUT, plus one request per group removed); a
delete is one DELETE.

PLATFORM_NOTES (pbx_tenant -> /rest/branch; a tenant is a branch):
- name: the branch name. description, phone_number (phoneNumber), fax_number
  (faxNumber), address (street, city, state, zip, country, office_designation).
- Reads: one listing of every branch (XML). Writes: sipXcom replaces a branch
  as a whole, so an update is one PUT of the complete merged branch; a create
  one PUT, a delete one DELETE.
- Deleting a branch leaves its users and gateways without a branch; pbx_tenant
  counts them first (one read each) and refuses unless force is set.
- enabled, domain, website, timezone, currency, region, disk_quota, the limits
  and the enable_* switches, api_fields: not available (PortSIP only).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import xml.etree.ElementTree as ET

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Driver, Kind, TenantMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import ADDRESS
from ansible.module_utils.six.moves.urllib.parse import quote

NUMBER = re.compile(r"^\d+$")
PIN = re.compile(r"^\d{4,}$")
CALLER_ID = "caller-alias/external-number"
VOICEMAIL = "permission/call-handling/Voicemail"
JSON = {"Accept": "application/json"}
XML = {"Accept": "text/xml"}
# Keys of UserBean; anything else makes sipXcom's Jackson 1.9 fail the whole request.
USER_KEYS = frozenset(["id", "userName", "lastName", "firstName", "aliases", "sipPassword", "pintoken",
                       "voicemailPin", "branchName", "userProfile", "notified", "groups", "permissions"])
# What sipXconfig's raw i18n keys mean, for error messages.
HINTS = {
    "&error.nameInUse.short": "the number or one of the aliases is already used by another user, call group or "
                              "alias on this sipXcom",
    "&error.nameInUse.long": "the name, extension or DID is already in use on this sipXcom",
    "&error.duplicateGroupName": "a group with this name already exists",
    "&duplicate.name.error": "a branch with this name already exists",
}
# Branch address: option -> XML element, in the order XStream writes them.
ADDRESS_TAGS = (("street", "street"), ("city", "city"), ("country", "country"), ("state", "state"),
                ("zip", "zip"), ("office_designation", "officeDesignation"))


def _path(value):
    return quote(str(value), safe="")


class SipxcomDriver(Driver):
    name = "sipxcom"
    label = "sipXcom"
    prefix = "/sipxconfig"
    NO_API = {}

    def __init__(self, client, params):
        super(SipxcomDriver, self).__init__(client, params)
        self._branches = None

    # -- connection -------------------------------------------------------------
    def connect(self):
        username, password = self.params.get("username"), self.params.get("password")
        if not username or not password:
            raise PbxError("sipXcom: username and password are required (an account with admin rights, "
                           "e.g. superadmin)")
        self.client.session.auth = (username, password)

    def describe_error(self, response):
        text = (response.text or "").strip()
        status = response.status_code
        if status == 401:
            return "authentication failed: check username and password (%s)" % (text[:100] or "no message")
        if status == 403:
            return "the account has no admin rights on sipXcom; use superadmin or a member of administrators"
        if not text:
            return "no message" if status != 404 else "not found"
        if text.startswith("<"):
            envelope = _rest_envelope(text)
            if envelope:
                return envelope
        first = text.splitlines()[0][:400]
        for key, hint in HINTS.items():
            if first.endswith(key):
                return "%s (%s)" % (hint, first)
        if "UnrecognizedPropertyException" in first:
            return "sipXcom does not know a field of the request (check api_fields): %s" % first
        return first

    # -- branches, shared by both kinds -------------------------------------------------
    def branches(self):
        """Every branch, normalised, by name (read once per run)."""
        if self._branches is None:
            root = _xml(self.call("GET", "/rest/branch", headers=XML), "GET /rest/branch")
            found = {}
            for elem in root.iter("branch"):
                if elem.find("name") is not None and elem.find("id") is not None:
                    branch = _branch(elem)
                    found[branch["name"]] = branch
            self._branches = found
        return self._branches

    def forget_branches(self):
        self._branches = None


def _xml(response, what):
    try:
        return ET.fromstring(response.content)
    except ET.ParseError as exc:
        raise PbxError("%s: sipXcom answered something that is not XML (%s); check that url points at sipXcom"
                       % (what, exc))


def _rest_envelope(text):
    """'CODE: message (additional)' from a /rest error envelope, or None."""
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError:
        return None
    if root.tag != "response" or root.find("code") is None:
        return None
    out = "%s: %s" % (root.findtext("code"), root.findtext("message") or "")
    extra = root.findtext("data/additionalMessage")
    if extra:
        out += " (%s)" % HINTS.get(extra.strip(), extra.strip())
    return out


def _branch(elem):
    address = elem.find("address")
    return {
        "name": elem.findtext("name"),
        "description": elem.findtext("description") or "",
        "phone_number": elem.findtext("phoneNumber") or "",
        "fax_number": elem.findtext("faxNumber") or "",
        "address": dict((option, (address.findtext(tag) if address is not None else None) or "")
                        for option, tag in ADDRESS_TAGS),
        "_id": int(elem.findtext("id")),
    }


class SipxcomExtensions(Kind):
    kind = "extension"
    OPTIONS = frozenset(["first_name", "last_name", "email", "enabled", "voicemail", "voicemail_pin", "sip_password",
                         "web_password", "caller_id", "aliases", "groups", "api_fields"])

    # -- validation (no request) ---------------------------------------------------
    def validate(self, item, tenant):
        number = item["number"]
        if not NUMBER.match(number):
            raise PbxError("extension %s: number must be digits only on sipXcom (it becomes the user name); "
                           "got %r" % (number, number))
        pin = item.get("voicemail_pin")
        if pin is not None and not PIN.match(str(pin)):
            raise PbxError("extension %s: voicemail_pin must be at least 4 digits on sipXcom" % number)
        for alias in item.get("aliases") or []:
            if not str(alias).strip() or " " in str(alias).strip():
                raise PbxError("extension %s: alias %r is not a valid SIP user name" % (number, alias))
        extra = sorted(set(item.get("api_fields") or {}) - USER_KEYS)
        if extra:
            raise PbxError("extension %s: api_fields %s are not fields of sipXcom's /api/users (known: %s)"
                           % (number, ", ".join(extra), ", ".join(sorted(USER_KEYS))))

    def whole_pbx(self, tenant):
        return tenant is None

    # -- reads -------------------------------------------------------------------------
    def list(self, tenant):
        # One request: start/limit are optional and have no documented maximum, and on a real PBX
        # each page is a round trip (10,000 users in pages of 500 cost 21 requests).
        users = self.call("GET", "/api/users", headers=JSON).json().get("users") or []
        out = [self._normalise(u) for u in users
               if NUMBER.match(u.get("userName") or "") and (tenant is None or u.get("branchName") == tenant)]
        if tenant is not None and not out and tenant not in self.driver.branches():
            raise TenantMissing("sipXcom: branch %r does not exist (sipXcom would silently create users outside any "
                                "branch); create it first with pbxops.pbx.pbx_tenant, or fix the tenant option"
                                % tenant)
        return out

    def get(self, tenant, key):
        response = self.call("GET", "/api/users/%s" % _path(key), headers=JSON, ok=(200, 404))
        if response.status_code == 404 or not response.content:
            return None
        user = response.json()
        if user.get("userName") != key or (tenant is not None and user.get("branchName") != tenant):
            return None  # found through an alias of another user, or in another branch
        return self._normalise(user)

    def details(self, tenant, obj, wanted):
        if not wanted & set(["caller_id", "voicemail"]):
            return obj
        settings = self.call("GET", "/api/users/%s/settings" % _path(obj["number"]), headers=JSON).json()
        values = dict((s.get("path"), s.get("value")) for s in settings.get("settings") or [])
        obj = dict(obj)
        obj["caller_id"] = values.get(CALLER_ID)
        obj["voicemail"] = values.get(VOICEMAIL) == "ENABLE"
        return obj

    @staticmethod
    def _normalise(user):
        profile = user.get("userProfile") or {}
        return {
            "number": user["userName"],
            "first_name": user.get("firstName"),
            "last_name": user.get("lastName"),
            "email": profile.get("emailAddress"),
            "enabled": profile.get("enabled", True),
            "aliases": list(user.get("aliases") or []),
            "groups": [g.get("name") for g in user.get("groups") or []],
            "api_fields": user,
            "_id": user.get("id"),
            "_tenant": user.get("branchName"),
            "_raw": user,
        }

    # -- writes ---------------------------------------------------------------------------
    @staticmethod
    def _bean(item, raw=None):
        """The PUT/POST body for the options in item (raw: the user as read, for an update)."""
        body = {}
        for option, key in (("first_name", "firstName"), ("last_name", "lastName"), ("sip_password", "sipPassword"),
                            ("voicemail_pin", "voicemailPin"), ("web_password", "pintoken")):
            if option in item:
                body[key] = item[option]
        if "aliases" in item:
            body["aliases"] = sorted(set(str(a).strip() for a in item["aliases"]))
        elif raw is not None:
            # UserBean starts with an empty alias set: a PUT without aliases would remove them all.
            body["aliases"] = list(raw.get("aliases") or [])
        extra = dict(item.get("api_fields") or {})
        profile_extra = extra.pop("userProfile", None)
        if "email" in item or "enabled" in item or profile_extra:
            # sipXcom copies the whole profile (nulls included): send it complete.
            profile = dict((raw or {}).get("userProfile") or {})
            profile.update(profile_extra or {})
            if "email" in item:
                profile["emailAddress"] = item["email"]
            if "enabled" in item:
                profile["enabled"] = bool(item["enabled"])
            body["userProfile"] = profile
        body.update(extra)
        return body

    def _settings(self, number, item):
        values = []
        if "caller_id" in item:
            values.append({"path": CALLER_ID, "value": item["caller_id"] or ""})
        if "voicemail" in item:
            values.append({"path": VOICEMAIL, "value": "ENABLE" if item["voicemail"] else "DISABLE"})
        if values:
            self.call("PUT", "/api/users/%s/settings" % _path(number), json={"settings": values}, headers=JSON)

    def create(self, tenant, item):
        body = self._bean(item)
        body["userName"] = item["number"]
        if tenant is not None:
            body["branchName"] = tenant
        if item.get("groups"):
            body["groups"] = [{"name": g} for g in sorted(set(item["groups"]))]
        self.call("POST", "/api/users", json=body, headers=JSON)
        self._settings(item["number"], item)

    def update(self, tenant, current, changes, item):
        number = current["number"]
        raw = current.get("_raw") or {}
        body = self._bean(changes, raw)
        add, remove = [], []
        if "groups" in changes:
            have = set(current.get("groups") or [])
            want = set(str(g).strip() for g in changes["groups"])
            add, remove = sorted(want - have), sorted(have - want)
            # sipXcom skips a group whose name is contained in the user's current group names
            # (a substring test); those go through the groups sub-resource instead.
            held = " ".join(current.get("groups") or [])
            in_body = [g for g in add if g not in held]
            if in_body:
                body["groups"] = [{"name": g} for g in in_body]
            add = [g for g in add if g in held]
        if set(body) - set(["aliases"]) or "aliases" in changes:
            self.call("PUT", "/api/users/%s" % _path(number), json=body, headers=JSON)
        for group in add:
            self.call("POST", "/api/users/%s/groups/%s" % (_path(number), _path(group)), headers=JSON)
        for group in remove:
            self.call("DELETE", "/api/users/%s/groups/%s" % (_path(number), _path(group)), headers=JSON)
        self._settings(number, changes)

    def delete(self, tenant, current):
        # sipXcom deletes by user name only (an alias would not do).
        self.call("DELETE", "/api/users/%s" % _path(current["number"]), headers=JSON)


class SipxcomBranches(Kind):
    kind = "tenant"
    OPTIONS = frozenset(["description", "address", "phone_number", "fax_number"])

    def validate(self, item, tenant):
        name = item["name"]
        if len(name) > 255:
            raise PbxError("tenant %s: sipXcom branch names may have at most 255 characters" % name[:40])
        unknown = sorted(set(item.get("address") or {}) - set(ADDRESS))
        if unknown:
            raise PbxError("tenant %s: address has no field %s (known: %s)" % (name, ", ".join(unknown),
                                                                               ", ".join(ADDRESS)))

    def list(self, tenant):
        self.driver.forget_branches()
        return list(self.driver.branches().values())

    def validate_delete(self, tenant, current):
        if self.params.get("force"):
            return
        name, branch_id = current["name"], current["_id"]
        users = _xml(self.call("GET", "/rest/user", headers=XML,
                               params={"branch": branch_id, "page": 1, "pagesize": 1}), "GET /rest/user")
        held = []
        count = int(users.findtext("metadata/totalResults") or 0)
        if count:
            held.append("%d user%s" % (count, "" if count == 1 else "s"))
        gateways = self.call("GET", "/api/gateways", headers=JSON).json().get("gateways") or []
        count = len([g for g in gateways if (g.get("branch") or {}).get("name") == name])
        if count:
            held.append("%d gateway%s" % (count, "" if count == 1 else "s"))
        if held:
            raise PbxError("tenant %s: sipXcom branch %r still holds %s, which would be left without a branch; "
                           "remove them first, or set force: true to delete the branch anyway"
                           % (name, name, " and ".join(held)))

    @staticmethod
    def _element(branch):
        root = ET.Element("branch")
        ET.SubElement(root, "name").text = branch["name"]
        ET.SubElement(root, "description").text = branch.get("description") or ""
        address = branch.get("address") or {}
        if any(address.values()):
            elem = ET.SubElement(root, "address")
            for option, tag in ADDRESS_TAGS:
                ET.SubElement(elem, tag).text = address.get(option) or ""
        ET.SubElement(root, "phoneNumber").text = branch.get("phone_number") or ""
        ET.SubElement(root, "faxNumber").text = branch.get("fax_number") or ""
        return ET.tostring(root, encoding="utf-8")

    def _put(self, path, branch):
        self.call("PUT", path, data=self._element(branch), headers={"Content-Type": "text/xml; charset=UTF-8",
                                                                    "Accept": "text/xml"})

    def create(self, tenant, item):
        self._put("/rest/branch", item)

    def update(self, tenant, current, changes, item):
        # A PUT replaces the whole branch: start from what it holds now.
        branch = dict(current)
        for name, value in changes.items():
            if name == "address":
                branch["address"] = dict(current.get("address") or {}, **value)
            else:
                branch[name] = value
        self._put("/rest/branch/%d" % current["_id"], branch)

    def delete(self, tenant, current):
        self.call("DELETE", "/rest/branch/%d" % current["_id"], headers=XML)


SipxcomDriver.KINDS = {"extension": SipxcomExtensions, "tenant": SipxcomBranches}
