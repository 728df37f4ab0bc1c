"""What every IPCortex handler shares: the failure envelope, the caller's rights
and small validators.

IPCortex answers every call with HTTP 200 and ``{"result": "fail", "message": ...}``
on failure (ipcortex.md §1.4, inferred from IPCortex's own client).  Handlers raise
``Fail`` and the dispatcher renders it.  The messages are the stable texts the
reference suggests, so tests and drivers can match on them.
"""

import re

PERMISSION_DENIED = "Permission denied"
NOT_FOUND = "Not found"
ALREADY_EXISTS = "Already exists"
EXACTLY_ONE = "Scope must match exactly one row"
AUTH_FAILED = "Authentication failed"
AUTH_REQUIRED = "Authentication required"

COMPANIES = "ipcortex.companies"
USERS = "ipcortex.users"
UNAMES = "ipcortex.unames"  # uname -> {"contact_id"}: inline logins look users up by name
KEYS = "ipcortex.keys"  # token -> authinfo row
SESSIONS = "ipcortex.sessions"
EXTENSIONS = "ipcortex.extensions"  # scoped_exten -> extension
PHONES = "ipcortex.phones"  # mac -> device with its port rows
REBOOTS = "ipcortex.reboots"  # mac -> {"count"}: reboots the PABX sent, for tests (GET /_sim/ipcortex/reboots)
META = "ipcortex.meta"

DEFAULT_COMPANY = "default"


class Fail(ValueError):
    """An IPCortex ``result: fail`` answer (a ValueError, so a bad fixture item reads as one)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def invalid(field):
    return Fail("Invalid value for %s" % field)


class Caller:
    """The authenticated user of one request and what it may administer."""

    def __init__(self, sim, user):
        self.sim = sim
        self.user = user
        self.contact_id = user["contact_id"]
        self.sysadmin = bool(user.get("sysadmin"))
        self._admin = set(user.get("admin_company") or ())

    def administers(self, company):
        return self.sysadmin or (isinstance(company, str) and company in self._admin)

    def is_admin(self):
        return self.sysadmin or bool(self._admin)

    def companies(self):
        """Company ids this caller administers (every company for a System-Admin)."""
        if self.sysadmin:
            return [c["id"] for c in self.sim.store.all(COMPANIES)]
        return [c for c in self.user.get("admin_company") or () if self.sim.store.get(COMPANIES, c)]

    def require_admin(self):
        if not self.is_admin():
            raise Fail(PERMISSION_DENIED)

    def require_sysadmin(self):
        if not self.sysadmin:
            raise Fail(PERMISSION_DENIED)

    def require_company(self, company):
        if not self.administers(company):
            raise Fail(PERMISSION_DENIED)


class Request:
    """One call: who, which verb, and the body's parts (already type-checked)."""

    def __init__(self, sim, caller, verb, type_, body):
        self.sim = sim
        self.store = sim.store
        self.caller = caller
        self.verb = verb
        self.type = type_
        self.body = body
        self.scope = _object(body, "scope")
        self.values = _object(body, "values")
        columns = body.get("columns")
        if columns is not None and (not isinstance(columns, list) or not all(isinstance(c, str) for c in columns)):
            raise invalid("columns")
        self.columns = columns


def _object(body, key):
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(key)
    return value


def company_exists(store, company):
    return isinstance(company, str) and store.get(COMPANIES, company) is not None


def is_bool(value):
    # PHP takes 0/1 for booleans as readily as true/false.
    return isinstance(value, bool) or (isinstance(value, int) and value in (0, 1))


def as_int(value):
    """An int from a JSON int or a decimal string (PHP is loose); None when neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value):
        return int(value)
    return None


def str_list(value, field):
    """A scope value that may be one string or a list of strings."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        return [str(v) for v in value]
    raise invalid(field)
