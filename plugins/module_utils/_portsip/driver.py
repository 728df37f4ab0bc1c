# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PortSIP PBX v22: the connection and tenant scope, shared by every kind.

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

Whether the tenant switch re-scopes the current token or answers with a new
one is not documented: the driver uses a token from the switch's answer when
there is one, and keeps its token otherwise. A failed login is documented as
HTTP 400 UNAUTHORIZED; a 401 is taken the same way.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxApiError, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Driver, TenantMissing
from ansible.module_utils.six.moves.urllib.parse import quote

PAGE = 100  # the API's maximum page size


def quoted(value):
    return quote(str(value), safe="")


class PortsipDriver(Driver):
    name = "portsip"
    label = "PortSIP"
    prefix = "/api"
    NO_API = {"erl": "PortSIP has no API for emergency locations (ERLs: an ELIN and the caller's address); what it "
                     "has instead are emergency dial prefixes (/emergency_numbers: a number prefix and a description "
                     "each, no location), set in PortSIP itself"}

    def __init__(self, client, params):
        super(PortsipDriver, self).__init__(client, params)
        self._refresh_token = None
        self._sign_in_path = "/auth/sign_in"
        self.system = None  # True: logged in as the system admin (no domain)
        self._tenant = None  # (tenant option, tenant id) the session is in
        self._username = None
        self._signed_in = False
        #: catalogues read at most once per run (phone models, template profiles), by name
        self.cache = {}

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
        token = response.data()
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
                self._use_token(response.data())
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
            errors = response.data().get("errors") or []
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
            return set(e.get("code") for e in response.data().get("errors") or [] if isinstance(e, dict))
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
            token = response.data() if response.content else None
        except ValueError:
            token = None
        if isinstance(token, dict) and token.get("access_token"):
            self._use_token(token)  # a switch that answers with a token for the tenant

    def paged(self, path):
        out = []
        while True:
            page = self.call("GET", path, params={"top": PAGE, "skip": len(out)}).data()
            items = page.get("items") or []
            out.extend(items)
            if not items or len(out) >= (page.get("count") or 0):
                return out
