# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IPCortex PABX driver: everything the collection knows about IPCortex.

Every call is a POST to ``/rest/<section>/<verb>/<type>`` with a JSON body
(``scope`` selects, ``values`` writes, ``columns`` projects). The PABX answers
HTTP 200 with ``{"result": "success", ...}`` or ``{"result": "fail",
"message": ...}``. With ``api_key`` the key travels in the body of every call
(``auth: {type: auth, key: ...}``); otherwise the driver logs in once with
username/password (``POST /rest/auth``) and the session cookie does the rest.
Companies (the tenant) have no API: they must exist on the PABX.

PLATFORM_NOTES (pbx_extension -> /rest/dialplan type extension):
- number: virt_exten (letters, digits, * and #; "400b" is a valid number).
- tenant: the company (default: the company called "default"). Only the
  company's extensions are listed and purged.
- Only ring-all (type A) extensions are extensions here: hunt groups, queues,
  IVRs, conferences, parking orbits and the voicemail/external access numbers
  are never listed, compared or purged.
- private: a private (company-scoped) extension. Fixed at creation: changing it
  on an existing extension fails; delete the extension and create it again.
- voicemail: voicemail_box; true gives the extension a mailbox named after its
  number (on create: the create call's voicemail flag), false removes it.
- name: name (letters, digits, dot, space, dash and underscore only).
- caller_id: callerid, digits with an optional leading + (a leading - withholds
  the number by default).
- email: email, the fallback voicemail email address.
- api_fields: extension columns of the update call (e.g. {"ring_time": 20,
  "phonebook": 0}) written as they are and compared with what readfull returns.
  ring_type is not accepted (it would turn the extension into a call group);
  columns that an option manages must be set with that option.
- first_name, last_name, enabled, voicemail_pin, sip_password, web_password,
  aliases, groups, login_name, role: not available (IPCortex keeps SIP secrets
  on phones and users, not on extensions).
Writes: create only takes number, company, private and voicemail, so a create
is one create call plus one update of the other columns (none when there are
none). A bulk run creates all its new extensions with one create call (one per
combination of private/voicemail), then updates each. An update is one update
call; a delete one delete call. Reads: one readfull of the company per run,
asking for the columns the task needs (every update column only when a task
sets api_fields).

The company is checked before the first write: the PABX's answer to
POST /rest/auth lists the companies the account administers (user.companies,
as IPCortex's own client reads it), so an API key costs one such call per run.
A username/password login is closed again (POST /rest/auth/logout) when the
module ends.

PLATFORM_NOTES (pbx_tenant -> companies): companies have no create, update or
delete API. state=present only checks that the company exists (one auth call,
no write) and fails if it does not; state=absent and purge are refused; no
option but name can be managed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.pbxops.pbx.plugins.module_utils._client import AmbiguousWrite, PbxApiError, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Driver, Kind, TenantMissing

DEFAULT_COMPANY = "default"
NUMBER = re.compile(r"^[0-9A-Za-z*#]{1,32}$")
# "alphanumeric, dot, space, dash and underscore" (seed 002): letters of any script.
NAME = re.compile(r"^[\w. -]*$", re.UNICODE)
CALLER_ID = re.compile(r"^-?\+?[0-9]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
# Columns the update call accepts (and readfull returns).
UPDATE_COLUMNS = frozenset([
    "name", "voicemail_box", "voicemail_mon", "priority", "ring_type", "ring_time", "passcode", "phonebook",
    "callerid", "ivr_menu", "vm_jump_star", "vm_jump_zero", "no_vm_jump", "no_vm_jump_night", "intro_day",
    "intro_night", "busy_retry", "rec_override", "moh_in", "moh_out", "subtype", "cname_prefix_ext",
    "cname_prefix_int", "fid", "nightmode", "bounce_mode", "bounce_before", "bounce_duration", "bounce_type",
    "bounce_fall", "vm_callback", "email", "email_vm_att", "email_vm_del"])
# Option -> the column it is written to.
COLUMN_OF = {"name": "name", "email": "email", "caller_id": "callerid", "voicemail": "voicemail_box"}
OPTION_OF = dict((column, option) for option, column in COLUMN_OF.items())
PERSONAL_RING_TYPE = "A"
# What a listing asks readfull for (the seed promises only the columns asked for).
KEY_COLUMNS = ["virt_exten", "scoped_exten", "ring_type"]
HINTS = {
    "Authentication failed": "check api_key, or username and password",
    "Authentication required": "give api_key, or username and password",
    "Permission denied": "the account needs System-Admin rights to create or delete extensions, and at least "
                         "Company-Admin rights on the company to read or update them",
    "Already exists": "the number is already used on this PABX (perhaps by another company's extension, a call "
                      "group or a private extension of the same company)",
    "Scope must match exactly one row": "the extension is gone or the number is ambiguous; run the task again",
}


def _hint(message, company):
    if message.startswith("Invalid value for "):
        column = message[len("Invalid value for "):]
        option = OPTION_OF.get(column)
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
        "erl": "IPCortex has no API for emergency locations",
    }

    def __init__(self, client, params):
        super(IpcortexDriver, self).__init__(client, params)
        self.auth = None
        self._companies = None
        self._session = False

    # -- transport --------------------------------------------------------------------
    def connect(self):
        key, user, password = self.params.get("api_key"), self.params.get("username"), self.params.get("password")
        if key:
            self.auth = {"type": "auth", "key": key}
            return
        if not user or password is None:
            raise PbxError("IPCortex needs api_key, or username and password")
        answer = self.post("/auth", {"auth": {"type": "auth", "username": user, "password": password}},
                           idempotent=True, company=None, what="log in as %s" % user)
        session = (answer.get("user") or {}).get("session")
        self.client.add_secret(session)
        self._session = True
        self._companies = _companies(answer.get("user"))
        # From here on the Red60urne cookie set by the login authenticates every call.
        self.auth = {"type": "auth"}

    def close(self):
        if self._session:
            self._session = False
            self.post("/auth/logout", {"auth": {"type": "auth"}}, idempotent=True, company=None, what="log out")

    def companies(self):
        """The companies the account administers, or None when the PABX does not say."""
        if self._companies is None and self.auth and "key" in self.auth:
            answer = self.post("/auth", {"auth": self.auth}, idempotent=True, company=None,
                               what="check the API key")
            self._companies = _companies(answer.get("user"))
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
            body = response.json()
        except ValueError:
            return response.text[:500]
        if isinstance(body, dict) and body.get("message"):
            return str(body["message"])
        return response.text[:500]

    def post(self, path, body, idempotent, company, what=None):
        response = self.call("POST", path, json=body, idempotent=idempotent)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or answer.get("result") not in ("success", "fail"):
            raise PbxApiError("POST", self.client.base_path + self.prefix + path, response.status_code,
                              "not an IPCortex answer: %s" % self.client.scrub(response.text[:200]),
                              "check that url points at the IPCortex PABX")
        if answer["result"] != "success":
            message = self.client.scrub(answer.get("message") or "no reason given")
            hint = _hint(message, company)
            if what:
                hint = "could not %s%s" % (what, ": " + hint if hint else "")
            raise PbxApiError("POST", self.client.base_path + self.prefix + path, response.status_code, message,
                              hint)
        return answer


def _companies(user):
    """Company ids from the user object of an auth answer (None when it has none)."""
    if not isinstance(user, dict):
        return None
    if isinstance(user.get("companies"), list):
        return set(str(c) for c in user["companies"])
    return None


class IpcortexExtensions(Kind):
    kind = "extension"
    OPTIONS = frozenset(["name", "email", "voicemail", "caller_id", "private", "api_fields"])

    def __init__(self, driver):
        super(IpcortexExtensions, self).__init__(driver)
        self._created = set()

    @staticmethod
    def _company(tenant):
        return tenant or DEFAULT_COMPANY

    def _dialplan(self, verb, company, scope=None, values=None, columns=None, read=False):
        body = {"type": "extension", "auth": self.driver.auth}
        if scope is not None:
            body["scope"] = scope
        if values is not None:
            body["values"] = values
        if columns is not None:
            body["columns"] = columns
        return self.driver.post("/dialplan/%s/extension" % verb, body, idempotent=read, company=company)

    def _columns_to_read(self):
        if "api_fields" in self.wanted:
            return KEY_COLUMNS + sorted(UPDATE_COLUMNS - set(KEY_COLUMNS))
        return KEY_COLUMNS + sorted(COLUMN_OF.values())

    # -- checks (no request) ------------------------------------------------------------
    def validate(self, item, tenant):
        number = item["number"]
        if not NUMBER.match(number):
            raise PbxError("extension %s: IPCortex numbers are 1 to 32 letters, digits, * or #" % number)
        if "name" in item and not NAME.match(item["name"]):
            raise PbxError("extension %s: name %r: IPCortex names may hold only letters, digits, dot, space, dash "
                           "and underscore" % (number, item["name"]))
        if "caller_id" in item and not CALLER_ID.match(str(item["caller_id"])):
            raise PbxError("extension %s: caller_id %r: digits with an optional leading + (a leading - withholds "
                           "the number)" % (number, item["caller_id"]))
        if item.get("email") and not EMAIL.match(item["email"]):
            raise PbxError("extension %s: email %r is not an email address" % (number, item["email"]))
        for column in item.get("api_fields") or {}:
            if column in OPTION_OF:
                raise PbxError("extension %s: set api_fields.%s with option %s instead"
                               % (number, column, OPTION_OF[column]))
            if column == "ring_type":
                raise PbxError("extension %s: api_fields.ring_type cannot be set here: an extension of another "
                               "ring type is a call group on IPCortex" % number)
            if column not in UPDATE_COLUMNS:
                raise PbxError("extension %s: api_fields.%s is not an IPCortex extension column (known: %s)"
                               % (number, column, ", ".join(sorted(UPDATE_COLUMNS - set(OPTION_OF) - {"ring_type"}))))

    # -- reads ----------------------------------------------------------------------------
    @staticmethod
    def _normalise(row):
        return {
            "number": row["virt_exten"],
            "name": row.get("name") or "",
            "email": row.get("email") or "",
            "caller_id": row.get("callerid") or "",
            "voicemail": bool(row.get("voicemail_box")),
            "private": row.get("scoped_exten") != row["virt_exten"],
            "_id": row.get("scoped_exten") or row["virt_exten"],
            "api_fields": row,
        }

    def list(self, tenant):
        company = self._company(tenant)
        if tenant is not None:
            self.driver.require_company(company)
        answer = self._dialplan("readfull", company, scope={"company": company}, columns=self._columns_to_read(),
                                read=True)
        return [self._normalise(row) for row in answer.get("values") or []
                if row.get("ring_type", PERSONAL_RING_TYPE) == PERSONAL_RING_TYPE]

    def get(self, tenant, key):
        company = self._company(tenant)
        answer = self._dialplan("readfull", company, scope={"virt_exten": key, "company": company},
                                columns=self._columns_to_read(), read=True)
        rows = [r for r in answer.get("values") or [] if r.get("ring_type", PERSONAL_RING_TYPE) == PERSONAL_RING_TYPE]
        return self._normalise(rows[0]) if rows else None

    # -- writes ----------------------------------------------------------------------------
    @staticmethod
    def _values(item, number, names):
        values = {}
        for name in names:
            if name == "voicemail":
                values["voicemail_box"] = number if item[name] else ""
            elif name == "api_fields":
                values.update(item[name])
            elif name in COLUMN_OF:
                values[COLUMN_OF[name]] = item[name]
        return values

    @staticmethod
    def _create_values(item, company, numbers):
        return {"virt_exten": numbers, "company": company, "private": bool(item.get("private", False)),
                "voicemail": bool(item.get("voicemail", False))}

    def prepare_create(self, tenant, items):
        """One create call per private/voicemail combination, with the numbers as a virt_exten array."""
        if len(items) < 2:
            return  # a single create is the same one call in create()
        company = self._company(tenant)
        batches = {}
        for item in items:
            flags = (bool(item.get("private", False)), bool(item.get("voicemail", False)))
            batches.setdefault(flags, []).append(item)
        for batch in batches.values():
            numbers = [item["number"] for item in batch]
            try:
                self._dialplan("create", company, values=self._create_values(batch[0], company, numbers))
            except AmbiguousWrite:
                # The PABX may have created them: ask which exist. Those it did not are
                # created one by one by create(), like any other.
                answer = self._dialplan("readfull", company, scope={"virt_exten": numbers, "company": company},
                                        columns=["virt_exten"], read=True)
                self._created.update(row["virt_exten"] for row in answer.get("values") or [])
                continue
            self._created.update(numbers)

    def create(self, tenant, item):
        company = self._company(tenant)
        number = item["number"]
        if number not in self._created:
            self._dialplan("create", company, values=self._create_values(item, company, number))
            self._created.add(number)
        # voicemail and private went with the create call.
        values = self._values(item, number, [k for k in item if k not in ("number", "private", "voicemail")])
        if values:
            scope = {"scoped_exten": "%s_%s" % (number, company) if item.get("private") else number}
            self._dialplan("update", company, scope=scope, values=values)

    def validate_update(self, tenant, current, changes):
        if "private" in changes:
            raise PbxError("extension %s: private cannot be changed on an existing IPCortex extension (it is fixed "
                           "when the extension is created): delete the extension and create it again"
                           % current["number"])

    def update(self, tenant, current, changes, item):
        company = self._company(tenant)
        values = self._values(changes, current["number"], changes)
        if values:
            self._dialplan("update", company, scope={"scoped_exten": current["_id"]}, values=values)

    def delete(self, tenant, current):
        self._dialplan("delete", self._company(tenant), scope={"scoped_exten": current["_id"]})


class IpcortexCompanies(Kind):
    """Companies: read-only (no API creates, changes or removes one)."""

    kind = "tenant"
    OPTIONS = frozenset()
    NO_WRITE = ("IPCortex companies have no API: pbx_tenant can only check that a company exists (state: present)")

    def validate(self, item, tenant):
        if item.get("state") == "absent":
            raise PbxError("tenant %s: %s; it cannot remove one" % (item["name"], self.NO_WRITE))

    def list(self, tenant):
        known = self.driver.companies()
        if known is None:
            raise PbxError("IPCortex did not list the companies of this account, so pbx_tenant cannot check them")
        return [{"name": name} for name in sorted(known)]

    def validate_create(self, item, tenant):
        raise PbxError("tenant %s: IPCortex company %r does not exist on the PABX, or the account does not "
                       "administer it. %s; create the company on the PABX itself"
                       % (item["name"], item["name"], self.NO_WRITE))

    def validate_delete(self, tenant, current):
        raise PbxError("tenant %s: %s; purge cannot remove companies" % (current["name"], self.NO_WRITE))

    # Never reached: validate_create and validate_delete refuse first.
    def create(self, tenant, item):
        raise PbxError(self.NO_WRITE)

    def update(self, tenant, current, changes, item):
        raise PbxError(self.NO_WRITE)

    def delete(self, tenant, current):
        raise PbxError(self.NO_WRITE)


IpcortexDriver.KINDS = {"extension": IpcortexExtensions, "tenant": IpcortexCompanies}
