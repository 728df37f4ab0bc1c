# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PortSIP PBX v22 driver: everything the collection knows about PortSIP.

Paths are below ``/api``. Only GET and POST exist: an update is a POST of the
changed fields to the object, a delete is ``POST .../destroy``. Errors come as
``{"errors": [{"code", "message"}]}``; a failed login is HTTP 400 with code
UNAUTHORIZED. The driver signs in with ``POST /api/auth/sign_in`` (22.2+) or,
on older servers, ``POST /api/login``, and sends ``Authorization: Bearer``.
On a 401 (expired token) it refreshes the token once (``/auth/refresh_token``)
or logs in again, enters the tenant again, and resends the request.

Tenancy: there is no tenant header; the login decides. The system admin logs
in without a domain and enters the tenant named by ``tenant`` (its name or SIP
domain, looked up in ``GET /tenants``) with ``POST /tenants/switch``. When that
login fails and ``tenant`` is set, the driver logs in as a tenant user with
``domain: <tenant>``: a tenant admin gives its tenant's SIP domain as
``tenant``. A tenant user needs role Admin to manage extensions.

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

Whether the tenant switch re-scopes the current token or answers with a new
one is not documented: the driver uses a token from the switch's answer when
there is one, and keeps its token otherwise. A failed login is documented as
HTTP 400 UNAUTHORIZED; a 401 is taken the same way.

PLATFORM_NOTES (pbx_tenant -> /tenants; system admin only):
- name: name (the key, fixed at creation: an update cannot change a tenant's
  name, so another name is another tenant).
- domain (the SIP domain), timezone (IANA name, e.g. Europe/London), currency
  (ISO 4217, e.g. GBP), region (ISO 3166-1 alpha-3, e.g. GBR): required to
  create. website, enabled, disk_quota (e.g. 100GB; empty: unlimited).
- max_extensions, max_concurrent_calls, max_ring_groups,
  max_virtual_receptionists, max_call_queues, max_conference_rooms: capacity
  limits. enable_*: the tenant's feature switches, by their API names.
- api_fields: any other field of the tenant object (e.g. {"recording_retention":
  90}), compared with GET /tenants/{id}.
- Reads: the tenant listing (100 per request); GET /tenants/{id} per named
  tenant only when an option the listing lacks is set. Writes: one POST each.
- Deleting a tenant deletes everything in it: pbx_tenant first enters the
  tenant and counts its users, ring groups and call queues, and refuses unless
  force is set.
- description, address, phone_number, fax_number: not available (sipXcom only).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxApiError, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Driver, Kind, TenantMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import TENANT_FLAGS, TENANT_LIMITS
from ansible.module_utils.six.moves.urllib.parse import quote

PAGE = 100  # the API's maximum page size
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
TENANT_FIELDS = ("domain", "website", "timezone", "currency", "region", "enabled", "disk_quota") + TENANT_LIMITS \
    + TENANT_FLAGS
# What GET /tenants shows of each tenant; the other options need GET /tenants/{id}.
TENANT_LISTED = frozenset(["domain", "website", "timezone", "currency", "region", "enabled", "max_extensions",
                           "max_concurrent_calls"])
TENANT_REQUIRED = ("domain", "timezone", "currency", "region")
TENANT_LENGTHS = {"name": 1024, "domain": 280, "website": 255}
# Things a tenant holds, counted before it is deleted: path -> what to call them.
TENANT_CONTENTS = (("/users", "user"), ("/ring_groups", "ring group"), ("/call_queues", "call queue"))


def _path(value):
    return quote(str(value), safe="")


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


class PortsipDriver(Driver):
    name = "portsip"
    label = "PortSIP"
    prefix = "/api"
    NO_API = {"erl": "PortSIP has no API for emergency locations (ERLs); it only has emergency dial prefixes "
                     "(/emergency_numbers)"}

    def __init__(self, client, params):
        super(PortsipDriver, self).__init__(client, params)
        self._refresh_token = None
        self._sign_in_path = "/auth/sign_in"
        self.system = None  # True: logged in as the system admin (no domain)
        self._tenant = None  # (tenant option, tenant id) the session is in
        self._username = None
        self._signed_in = False

    # -- connection -------------------------------------------------------------------
    def connect(self):
        username, password = self.params.get("username"), self.params.get("password")
        if not username or not password:
            raise PbxError("PortSIP: username and password are required (the system admin, or an admin of the "
                           "tenant)")
        tenant = self.params.get("tenant")
        if self._sign_in(username, password, None):
            self.system = True
        elif tenant and self._sign_in(username, password, tenant):
            self.system = False
        else:
            raise PbxError("PortSIP: login failed for user %r: check username and password (a tenant admin also "
                           "needs tenant set to its tenant's SIP domain)" % username)
        self._username = username
        self.client.reauthenticate = self._reauthenticate

    def close(self):
        if self._signed_in and self._sign_in_path == "/auth/sign_in":
            self._signed_in = False
            self.client.reauthenticate = None
            self.call("POST", "/auth/sign_out", idempotent=True, ok=(200, 204, 401))

    def _sign_in(self, username, password, domain):
        """Log in; False when PortSIP refuses the credentials."""
        body = {"username": username, "password": password}
        if domain:
            body["domain"] = domain
        response = self.call("POST", self._sign_in_path, json=body, idempotent=True, ok=(200, 400, 401, 404))
        if response.status_code == 404 and self._sign_in_path == "/auth/sign_in":
            self._sign_in_path = "/login"  # 22.0 and 22.1 have no /auth/*
            return self._sign_in(username, password, domain)
        if response.status_code != 200:
            if self._error_codes(response) & set(["UNAUTHORIZED"]) or response.status_code == 401:
                return False
            raise PbxApiError("POST", self.client.base_path + self.prefix + self._sign_in_path, response.status_code,
                              self.describe_error(response))
        token = response.json()
        if token.get("two_factor_enabled"):
            raise PbxError("PortSIP: the account %r has two-factor authentication; use an account without it for "
                           "automation" % username)
        self._use_token(token)
        self._signed_in = True
        return True

    def _use_token(self, token):
        access = token.get("access_token")
        if not access:
            raise PbxError("PortSIP: the login answer carries no access_token")
        self.client.add_secret(access)
        self._refresh_token = token.get("refresh_token") or self._refresh_token
        self.client.add_secret(self._refresh_token)
        self.client.session.headers["Authorization"] = "Bearer " + access

    def _reauthenticate(self):
        """After a 401: refresh the token once, else log in again; then re-enter the tenant."""
        # A 401 while doing this must not come back here.
        self.client.reauthenticate = None
        try:
            self._renew()
        finally:
            self.client.reauthenticate = self._reauthenticate

    def _renew(self):
        refreshed = False
        if self._refresh_token and self._sign_in_path == "/auth/sign_in":
            self.client.session.headers.pop("Authorization", None)
            response = self.call("POST", "/auth/refresh_token", json={"refresh_token": self._refresh_token},
                                 idempotent=True, ok=(200, 400, 401))
            if response.status_code == 200:
                self._use_token(response.json())
                refreshed = True
        if not refreshed:
            self.client.session.headers.pop("Authorization", None)
            username, password = self.params.get("username"), self.params.get("password")
            if not self._sign_in(username, password, None if self.system else self.params.get("tenant")):
                raise PbxError("PortSIP: the session expired and logging in again failed for user %r" % username)
        if self.system and self._tenant is not None:
            # A new token may start at system level again: enter the tenant once more.
            self._switch(self._tenant[1])

    def describe_error(self, response):
        try:
            errors = response.json().get("errors") or []
        except (ValueError, AttributeError):
            errors = []
        parts = ["%s: %s" % (e.get("code") or "UNKNOWN", e.get("message") or "") for e in errors
                 if isinstance(e, dict)]
        text = "; ".join(parts) or (response.text or "").strip()[:400] or "no message"
        if response.status_code == 403:
            text += " (the account must be the system admin or an Admin of the tenant)"
        return text

    @staticmethod
    def _error_codes(response):
        try:
            return set(e.get("code") for e in response.json().get("errors") or [] if isinstance(e, dict))
        except (ValueError, AttributeError):
            return set()

    # -- tenant scope -------------------------------------------------------------------
    def enter(self, tenant):
        """Put the session in the tenant (system admin) or check it is already there."""
        if not self.system:
            return
        if tenant is None:
            raise PbxError("PortSIP: the system admin manages extensions inside a tenant: set the tenant option "
                           "to the tenant's name")
        if self._tenant is not None and self._tenant[0] == tenant:
            return
        tenant_id = self.tenant_id(tenant)
        self._switch(tenant_id)
        self._tenant = (tenant, tenant_id)

    def enter_id(self, tenant_id, name):
        if self._tenant is None or self._tenant[1] != tenant_id:
            self._switch(tenant_id)
            self._tenant = (name, tenant_id)

    def tenant_id(self, tenant):
        wanted = tenant.strip().lower()
        for item in self.paged("/tenants"):
            if wanted in ((item.get("name") or "").lower(), (item.get("domain") or "").lower()):
                return item["id"]
        raise TenantMissing("PortSIP: tenant %r not found (neither a tenant name nor a SIP domain); create it first "
                            "with pbxops.pbx.pbx_tenant, or fix the tenant option" % tenant)

    def _switch(self, tenant_id):
        response = self.call("POST", "/tenants/switch", params={"id": tenant_id}, idempotent=True)
        try:
            token = response.json() if response.content else None
        except ValueError:
            token = None
        if isinstance(token, dict) and token.get("access_token"):
            self._use_token(token)  # a switch that answers with a token for the tenant

    def paged(self, path):
        out = []
        while True:
            page = self.call("GET", path, params={"top": PAGE, "skip": len(out)}).json()
            items = page.get("items") or []
            out.extend(items)
            if not items or len(out) >= (page.get("count") or 0):
                return out


class PortsipUsers(Kind):
    kind = "extension"
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
        missing = [option for option in REQUIRED_ON_CREATE if item.get(option) in (None, "")]
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
        response = self.call("GET", "/extension_numbers/%s" % _path(key), ok=(200, 404))
        if response.status_code == 404:
            return None
        found = response.json()
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
        return self.call("GET", "/users/%s" % _path(user_id)).json()

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
        user = "/users/%s" % _path(current["_id"])
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
        self.call("POST", "/users/%s/destroy" % _path(current["_id"]), ok=(200, 204))


class PortsipTenants(Kind):
    kind = "tenant"
    OPTIONS = frozenset(TENANT_FIELDS + ("api_fields",))

    def validate(self, item, tenant):
        name = item["name"]
        for option, limit in TENANT_LENGTHS.items():
            if option in item and len(str(item[option])) > limit:
                raise PbxError("tenant %s: %s may have at most %d characters on PortSIP" % (name[:40], option, limit))
        if "domain" in item and not str(item["domain"]).strip():
            raise PbxError("tenant %s: domain must not be empty" % name)
        for option in TENANT_LIMITS:
            if option in item and item[option] < 0:
                raise PbxError("tenant %s: %s must be 0 or more" % (name, option))
        quota = str(item.get("disk_quota") or "").upper()
        if quota and not re.match(r"^[0-9]+\s*(KB|MB|GB|TB|PB)$", quota):
            raise PbxError("tenant %s: disk_quota %r: a number and a unit (KB, MB, GB, PB), e.g. 100GB, or empty for "
                           "unlimited" % (name, item["disk_quota"]))
        clash = sorted(set(item.get("api_fields") or {}) & set(TENANT_FIELDS + ("name",)))
        if clash:
            raise PbxError("tenant %s: api_fields %s: set %s with the option%s of the same name instead"
                           % (name, ", ".join(clash), "them" if len(clash) > 1 else "it",
                              "s" if len(clash) > 1 else ""))

    def validate_create(self, item, tenant):
        missing = [option for option in TENANT_REQUIRED if item.get(option) in (None, "")]
        if missing:
            raise PbxError("tenant %s: PortSIP needs %s to create a tenant; add %s to the task (timezone: an IANA name "
                           "such as Europe/London; currency: ISO 4217 such as GBP; region: ISO 3166-1 alpha-3 such as "
                           "GBR)" % (item["name"], ", ".join(missing), "them" if len(missing) > 1 else "it"))

    def _require_system(self):
        if not self.driver.system:
            raise PbxError("PortSIP: only the system administrator manages tenants; log in as the system admin "
                           "(without a tenant)")

    def list(self, tenant):
        self._require_system()
        return [self._normalise(t) for t in self.driver.paged("/tenants")]

    def details(self, tenant, obj, wanted):
        if not (wanted - TENANT_LISTED - set(["name"])):
            return obj
        return self._normalise(self.call("GET", "/tenants/%s" % _path(obj["_id"])).json(), full=True)

    @staticmethod
    def _normalise(raw, full=False):
        obj = dict((field, raw.get(field)) for field in TENANT_FIELDS if full or field in TENANT_LISTED)
        obj.update(name=raw.get("name"), _id=raw.get("id"))
        if full:
            obj["api_fields"] = raw
        return obj

    def validate_delete(self, tenant, current):
        if self.params.get("force"):
            return
        self.driver.enter_id(current["_id"], current["name"])
        held = []
        for path, what in TENANT_CONTENTS:
            response = self.call("GET", path, params={"top": 1}, ok=(200, 404))
            count = (response.json().get("count") or 0) if response.status_code == 200 else 0
            if count:
                held.append("%d %s%s" % (count, what, "" if count == 1 else "s"))
        if held:
            raise PbxError("tenant %s: it still holds %s, and PortSIP deletes everything in a tenant with it; remove "
                           "them first, or set force: true to delete the tenant and all it holds"
                           % (current["name"], ", ".join(held)))

    @staticmethod
    def _body(item):
        body = dict(item.get("api_fields") or {})
        body.update((k, v) for k, v in item.items() if k in TENANT_FIELDS)
        return body

    def create(self, tenant, item):
        self._require_system()
        body = self._body(item)
        body["name"] = item["name"]
        self.call("POST", "/tenants", json=body)

    def update(self, tenant, current, changes, item):
        body = self._body(changes)
        if body:
            self.call("POST", "/tenants/%s" % _path(current["_id"]), json=body)

    def delete(self, tenant, current):
        self.call("POST", "/tenants/%s/destroy" % _path(current["_id"]), ok=(200, 204))


PortsipDriver.KINDS = {"extension": PortsipUsers, "tenant": PortsipTenants}
