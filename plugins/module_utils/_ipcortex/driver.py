# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IPCortex PABX: the connection, shared by every kind.

Every call is a POST to ``/rest/<section>/<verb>/<type>`` with a JSON body
(``scope`` selects, ``values`` writes, ``columns`` projects). The PABX answers
HTTP 200 with ``{"result": "success", ...}`` or ``{"result": "fail",
"message": ...}``. With ``api_key`` the key travels in the body of every call
(``auth: {type: auth, key: ...}``); otherwise the driver logs in once with
username/password (``POST /rest/auth``) and the session cookie does the rest.
Companies (the tenant) have no API: they must exist on the PABX.

The company is checked before the first write: the PABX's answer to
POST /rest/auth lists the companies the account administers (user.companies,
as IPCortex's own client reads it), so an API key costs one such call per run.
A username/password login is closed again (POST /rest/auth/logout) when the
module ends.

A session the PABX no longer knows (it restarted, or timed the session out) makes
every call answer ``{"result": "fail", "message": "Authentication required"}``
(or "Authentication failed"): the PABX refused the call before doing anything
with it. The driver then logs in again, once for that call, and sends the call
again; a second refusal right after a fresh login is an error, never another
login. An API key has no session to renew: its refusal is reported as it is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxApiError, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Driver, TenantMissing

DEFAULT_COMPANY = "default"
#: the session cookie POST /rest/auth sets
COOKIE = "Red60urne"
#: what the PABX answers to a call it refused because it did not know the session
SESSION_REFUSED = ("Authentication required", "Authentication failed")
HINTS = {
    "Authentication failed": "check api_key, or username and password",
    "Authentication required": "give api_key, or username and password",
    "Permission denied": "the account needs System-Admin rights to create or delete extensions, and at least "
                         "Company-Admin rights on the company to read or update them",
    "Already exists": "the number is already used on this PABX (perhaps by another company's extension, a call "
                      "group or a private extension of the same company)",
    "Scope must match exactly one row": "the extension is gone or the number is ambiguous; run the task again",
}


def hint_for(message, company, option_of=None):
    """What a PABX failure means; option_of maps the kind's columns to the options that set them."""
    if message.startswith("Invalid value for "):
        column = message[len("Invalid value for "):]
        option = (option_of or {}).get(column)
        if column == "company":
            return "company %r does not exist on the PABX (companies have no API: create it there)" % company
        if option:
            return "IPCortex refused the value of option %s" % option
        return "IPCortex refused the value of api_fields.%s" % column
    return HINTS.get(message)


class IpcortexDriver(Driver):
    name = "ipcortex"
    label = "IPCortex"
    prefix = "/rest"
    API_KEY = True
    NO_API = {
        "gateway": "IPCortex has no API for trunks or gateways",
        "erl": "IPCortex has no API for emergency locations (ERLs) and nothing in their place",
    }

    def __init__(self, client, params):
        super(IpcortexDriver, self).__init__(client, params)
        self.auth = None
        self._companies = None
        self._session = False
        self._login_answer = None
        #: sessions renewed during the run (logins after the PABX forgot the session)
        self.renewals = 0

    # -- transport --------------------------------------------------------------------
    def connect(self):
        key, user, password = self.params.get("api_key"), self.params.get("username"), self.params.get("password")
        if key:
            self.auth = {"type": "auth", "key": key}
            return
        if not user or password is None:
            raise PbxError("IPCortex needs api_key, or username and password")
        self._login(user, password)
        self._companies = companies_of(self._login_answer.get("user"))
        # From here on the Red60urne cookie set by the login authenticates every call.
        self.auth = {"type": "auth"}

    def _login(self, user, password):
        answer = self.post("/auth", {"auth": {"type": "auth", "username": user, "password": password}},
                           idempotent=True, company=None, what="log in as %s" % user)
        self.client.add_secret((answer.get("user") or {}).get("session"))
        self._login_answer = answer
        self._session = True

    def close(self):
        if self._session:
            self._session = False
            try:
                self.post("/auth/logout", {"auth": {"type": "auth"}}, idempotent=True, company=None,
                          what="log out")
            except PbxApiError as exc:
                # A session the PABX already forgot is closed: nothing is left open.
                if exc.vendor_message not in SESSION_REFUSED:
                    raise

    def _renew(self, path, message):
        """Log in again after the PABX refused the session for a call (which it therefore did not do)."""
        jar = self.client.session.cookies
        for cookie in [c for c in jar if c.name == COOKIE]:
            jar.clear(cookie.domain, cookie.path, cookie.name)  # the dead session must not be reused
        user = self.params.get("username")
        try:
            self._login(user, self.params.get("password"))
        except PbxApiError as exc:
            raise PbxError("IPCortex: the PABX refused the session (%s) for POST %s%s, and logging in again as %s "
                           "failed: %s" % (message, self.prefix, path, user, exc.vendor_message))
        self.renewals += 1

    def companies(self):
        """The companies the account administers, or None when the PABX does not say."""
        if self._companies is None and self.auth and "key" in self.auth:
            answer = self.post("/auth", {"auth": self.auth}, idempotent=True, company=None,
                               what="check the API key")
            self._companies = companies_of(answer.get("user"))
            if self._companies is None:
                self.warnings.append("IPCortex did not list the companies of the API key's account, so the "
                                     "company could not be checked before writing")
                self._companies = False
        return self._companies or None

    def require_company(self, company):
        known = self.companies()
        if known is not None and company not in known:
            raise TenantMissing("IPCortex: company %r does not exist on the PABX, or the account does not "
                                "administer it (companies have no API: create it on the PABX, or fix the tenant "
                                "option)" % company, creatable=False)

    def describe_error(self, response):
        try:
            body = response.data()
        except ValueError:
            return response.text[:500]
        if isinstance(body, dict) and body.get("message"):
            return str(body["message"])
        return response.text[:500]

    def post(self, path, body, idempotent, company, what=None, option_of=None, resent=False):
        response = self.call("POST", path, json=body, idempotent=idempotent)
        try:
            answer = response.data()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or answer.get("result") not in ("success", "fail"):
            raise PbxApiError("POST", self.client.base_path + self.prefix + path, response.status_code,
                              "not an IPCortex answer: %s" % self.client.scrub(response.text[:200]),
                              "check that url points at the IPCortex PABX")
        if answer["result"] != "success":
            message = self.client.scrub(answer.get("message") or "no reason given")
            hint = hint_for(message, company, option_of)
            if self._session and message in SESSION_REFUSED and not path.startswith("/auth"):
                if not resent:
                    # Refused before the PABX did anything with it: sending it again cannot repeat a write.
                    self._renew(path, message)
                    return self.post(path, body, idempotent, company, what, option_of, resent=True)
                hint = ("the PABX refused the session again right after a new login as %s (it logs in again "
                        "once per call, not twice)" % self.params.get("username"))
            if what:
                hint = "could not %s%s" % (what, ": " + hint if hint else "")
            raise PbxApiError("POST", self.client.base_path + self.prefix + path, response.status_code, message,
                              hint)
        return answer

    # -- what several kinds share ---------------------------------------------------------
    def read_owners(self, company):
        """Extension number -> owner contact id (None without owner), for every extension of the company.

        read is the one extension call that returns owner (readfull refuses it: seed 002)."""
        answer = self.post("/dialplan/read/extension", {"type": "extension", "auth": self.auth,
                                                        "scope": {"company": company},
                                                        "columns": ["virt_exten", "owner"]},
                           idempotent=True, company=company, what="read the owners of the extensions")
        return dict((str(row["virt_exten"]), row.get("owner")) for row in answer.get("values") or [])

    def read_links(self, contact):
        """One user's links (readlink, ipcortex.md 4.2): {"phones": {phoneid: how}, "extensions": {key: order}}."""
        answer = self.post("/dialplan/readlink/user", {"type": "user", "auth": self.auth,
                                                       "scope": {"contact_id": contact}},
                           idempotent=True, company=None, what="read the links of user %s" % contact)
        out = {"phones": {}, "extensions": {}}
        for entry in answer.get("values") or []:
            out["phones"].update(entry.get("phones") or {})
            out["extensions"].update(entry.get("extensions") or {})
        return out


def companies_of(user):
    """Company ids from the user object of an auth answer (None when it has none)."""
    if not isinstance(user, dict):
        return None
    if isinstance(user.get("companies"), list):
        return set(str(c) for c in user["companies"])
    return None
