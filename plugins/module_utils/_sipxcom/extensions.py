# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sipXcom extensions: users whose user name is the number.

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
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind, TenantMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom.driver import JSON, group_changes, quoted

NUMBER = re.compile(r"^\d+$")
PIN = re.compile(r"^\d{4,}$")
CALLER_ID = "caller-alias/external-number"
VOICEMAIL = "permission/call-handling/Voicemail"
# Keys of UserBean; anything else makes sipXcom's Jackson 1.9 fail the whole request.
USER_KEYS = frozenset(["id", "userName", "lastName", "firstName", "aliases", "sipPassword", "pintoken",
                       "voicemailPin", "branchName", "userProfile", "notified", "groups", "permissions"])


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
        users = self.call("GET", "/api/users", headers=JSON).data().get("users") or []
        out = [self._normalise(u) for u in users
               if NUMBER.match(u.get("userName") or "") and (tenant is None or u.get("branchName") == tenant)]
        if tenant is not None and not out and tenant not in self.driver.branches():
            raise TenantMissing("sipXcom: branch %r does not exist (sipXcom would silently create users outside any "
                                "branch); create it first with pbxops.pbx.pbx_tenant, or fix the tenant option"
                                % tenant)
        return out

    def get(self, tenant, key):
        response = self.call("GET", "/api/users/%s" % quoted(key), headers=JSON, ok=(200, 404))
        if response.status_code == 404 or not response.content:
            return None
        user = response.data()
        if user.get("userName") != key or (tenant is not None and user.get("branchName") != tenant):
            return None  # found through an alias of another user, or in another branch
        return self._normalise(user)

    def details(self, tenant, obj, wanted):
        if not wanted & set(["caller_id", "voicemail"]):
            return obj
        settings = self.call("GET", "/api/users/%s/settings" % quoted(obj["number"]), headers=JSON).data()
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
            self.call("PUT", "/api/users/%s/settings" % quoted(number), json={"settings": values}, headers=JSON)

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
            in_body, add, remove = group_changes(current.get("groups"), changes["groups"])
            if in_body:
                body["groups"] = [{"name": g} for g in in_body]
        if set(body) - set(["aliases"]) or "aliases" in changes:
            self.call("PUT", "/api/users/%s" % quoted(number), json=body, headers=JSON)
        for group in add:
            self.call("POST", "/api/users/%s/groups/%s" % (quoted(number), quoted(group)), headers=JSON)
        for group in remove:
            self.call("DELETE", "/api/users/%s/groups/%s" % (quoted(number), quoted(group)), headers=JSON)
        self._settings(number, changes)

    def delete(self, tenant, current):
        # sipXcom deletes by user name only (an alias would not do).
        self.call("DELETE", "/api/users/%s" % quoted(current["number"]), headers=JSON)
