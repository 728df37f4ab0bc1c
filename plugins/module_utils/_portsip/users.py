# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PortSIP extensions: users.

PLATFORM_NOTES (pbx_extension -> /users; one PortSIP user is one extension):
- number: extension_number (3 to 64 digits). Fixed at creation.
- tenant: see above (required for the system admin).
- name: display_name (required to create).
- email: email (required to create).
- enabled: enabled.
- voicemail_pin: voicemail_pin (required to create; 6 to 10 digits without a
  run of three equal or consecutive digits such as 111 or 123).
- sip_password: extension_password (required to create; later changes go
  through POST /users/{id}/extension_password).
- web_password: password, the portal password (required to create; later
  changes go through POST /users/{id}/password).
- login_name: name, the portal user name (default on create: the extension
  number). Fixed at creation: changing it fails; delete and recreate.
- role: role (default on create: StandardUser); changes go through
  POST /users/{id}/role.
- api_fields: fields of PortSIP's user object (e.g. {"department": "Sales",
  "enable_dnd": true}), sent as they are on create and update and compared with
  GET /users/{id}, read only when api_fields is set. Fields an option manages
  must be set with the option.
- first_name, last_name, voicemail, caller_id, aliases, groups, private: not
  available (PortSIP 22 users have a display name only, and no such fields).
- The account the driver logs in with is never listed, so purge cannot remove it.
Reads: one login (plus one tenant listing and one switch for the system
admin), then the users of the tenant 100 per request. Writes: a create is one
POST; an update is one POST of the changed fields, plus one POST per changed
password or role; a delete is one POST .../destroy.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Kind
from ansible_collections.pbxops.pbx.plugins.module_utils._portsip.driver import quoted

NUMBER = re.compile(r"^[0-9]{3,64}$")
LOGIN_NAME = re.compile(r"^[A-Za-z0-9_\-'.]{1,64}$")
RESERVED_NAMES = ("admin", "system", "administrator", "root")
DEFAULT_ROLE = "StandardUser"
# Option -> field of PortSIP's user object, for options one POST /users/{id} can change.
FIELD_OF = {"name": "display_name", "email": "email", "enabled": "enabled", "voicemail_pin": "voicemail_pin"}
# Options changed through their own endpoint: option -> (path suffix, body key).
OWN_ENDPOINT = {"web_password": ("password", "password"), "sip_password": ("extension_password", "password"),
                "role": ("role", "role")}
# User fields the options own (api_fields may not set them).
MANAGED_FIELDS = {"extension_number": "number", "display_name": "name", "email": "email", "enabled": "enabled",
                  "voicemail_pin": "voicemail_pin", "extension_password": "sip_password",
                  "password": "web_password", "name": "login_name", "role": "role"}
REQUIRED_ON_CREATE = ("name", "email", "voicemail_pin", "sip_password", "web_password")


def pin_problem(pin):
    """PortSIP's voicemail PIN policy, as its API documents it; None when the PIN is acceptable."""
    if not re.match(r"^[0-9]{6,10}$", pin):
        return "must be 6 to 10 digits"
    for a, b, c in zip(pin, pin[1:], pin[2:]):
        a, b, c = int(a), int(b), int(c)
        if a == b == c:
            return "must not repeat a digit three times in a row (like 111)"
        if (b - a, c - b) in ((1, 1), (-1, -1)):
            return "must not contain three consecutive digits (like 123 or 321)"
    return None


class PortsipUsers(Kind):
    kind = "extension"
    REQUIRED_ON_CREATE = REQUIRED_ON_CREATE
    OPTIONS = frozenset(["name", "email", "enabled", "voicemail_pin", "sip_password", "web_password", "login_name",
                         "role", "api_fields"])

    # -- validation (no request) ----------------------------------------------------------
    def validate(self, item, tenant):
        number = item["number"]
        where = "extension %s" % number
        if not NUMBER.match(number):
            raise PbxError("%s: number must be 3 to 64 digits on PortSIP; got %r" % (where, number))
        if "voicemail_pin" in item:
            problem = pin_problem(str(item["voicemail_pin"]))
            if problem:
                raise PbxError("%s: voicemail_pin %s (PortSIP's PIN policy)" % (where, problem))
        if "login_name" in item:
            login = str(item["login_name"])
            if not LOGIN_NAME.match(login) or login.startswith(".") or login.endswith("."):
                raise PbxError("%s: login_name may have 1 to 64 letters, digits and _ - ' . and may not start or "
                               "end with a period; got %r" % (where, login))
            if login.lower() in RESERVED_NAMES:
                raise PbxError("%s: login_name %r is reserved for PortSIP's system admin" % (where, login))
        for option, limit in (("name", 1024), ("email", 128), ("role", 64)):
            if option in item and len(str(item[option])) > limit:
                raise PbxError("%s: %s may have at most %d characters on PortSIP" % (where, option, limit))
        if "role" in item and not str(item["role"]).strip():
            raise PbxError("%s: role must not be empty" % where)
        fields = item.get("api_fields") or {}
        clash = sorted(k for k in fields if k in MANAGED_FIELDS)
        if clash:
            raise PbxError("%s: api_fields %s are set with the option%s %s instead" % (
                where, ", ".join(clash), "s" if len(clash) > 1 else "",
                ", ".join(MANAGED_FIELDS[k] for k in clash)))

    def validate_create(self, item, tenant):
        missing = [option for option in self.REQUIRED_ON_CREATE if item.get(option) in (None, "")]
        if missing:
            raise PbxError("extension %s: PortSIP needs %s to create an extension; add %s to the task" % (
                item["number"], ", ".join(missing), "them" if len(missing) > 1 else "it"))

    # -- reads --------------------------------------------------------------------------------
    def list(self, tenant):
        self.driver.enter(tenant)
        own = None if self.driver.system else (self.driver._username or "").lower()
        return [self._normalise(u) for u in self.driver.paged("/users") if (u.get("name") or "").lower() != own]

    def get(self, tenant, key):
        self.driver.enter(tenant)
        response = self.call("GET", "/extension_numbers/%s" % quoted(key), ok=(200, 404))
        if response.status_code == 404:
            return None
        found = response.data()
        if found.get("type") != "EXTENSION":
            return None
        return self._normalise(self._user(found["id"]))

    def details(self, tenant, obj, wanted):
        if "api_fields" not in wanted:
            return obj
        obj = dict(obj)
        obj["api_fields"] = self._user(obj["_id"])
        return obj

    def _user(self, user_id):
        return self.call("GET", "/users/%s" % quoted(user_id)).data()

    @staticmethod
    def _normalise(user):
        return {
            "number": user.get("extension_number"),
            "name": user.get("display_name"),
            "email": user.get("email"),
            "enabled": user.get("enabled"),
            "login_name": user.get("name"),
            "role": user.get("role"),
            "_id": user.get("id"),
        }

    # -- writes -----------------------------------------------------------------------------------
    def create(self, tenant, item):
        self.driver.enter(tenant)
        body = dict(item.get("api_fields") or {})
        for option, field in FIELD_OF.items():
            if option in item:
                body[field] = item[option]
        body.update({
            "extension_number": item["number"],
            "name": item.get("login_name") or item["number"],
            "role": item.get("role") or DEFAULT_ROLE,
            "password": item["web_password"],
            "extension_password": item["sip_password"],
        })
        self.call("POST", "/users", json=body)

    def validate_update(self, tenant, current, changes):
        if "login_name" in changes:
            raise PbxError("extension %s: login_name is fixed when PortSIP creates a user (it is %r, the task asks "
                           "for %r); delete the extension and create it again to rename it"
                           % (current["number"], current.get("login_name"), changes["login_name"]))

    def update(self, tenant, current, changes, item):
        self.driver.enter(tenant)
        user = "/users/%s" % quoted(current["_id"])
        body = dict(changes.get("api_fields") or {})
        for option, field in FIELD_OF.items():
            if option in changes:
                body[field] = changes[option]
        if body:
            self.call("POST", user, json=body)
        for option, (suffix, key) in OWN_ENDPOINT.items():
            if option in changes:
                self.call("POST", "%s/%s" % (user, suffix), json={key: changes[option]})

    def delete(self, tenant, current):
        self.driver.enter(tenant)
        self.call("POST", "/users/%s/destroy" % quoted(current["_id"]), ok=(200, 204))
