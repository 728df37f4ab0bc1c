"""IPCortex users: type ``user`` on /rest/ops/ (ipcortex.md §4.1), their links to
phones and extensions on /rest/dialplan/link and /readlink (§4.2), and API keys,
type ``authinfo`` on /rest/ops/ (§4.4).

A user is stored under its contact id; ``ipcortex.unames`` maps login names to
ids so that inline logins do not scan.  Links live on the user: ``phones`` maps
phoneid -> link type, ``extensions`` maps ``<ext>_<company>`` -> order.  A ring
group is an extension of ring type A/H/Q whose members are the users linked to it.
"""

import re
import secrets

from . import ipcortex_extension as ext
from . import ipcortex_phone as phone
from .ipcortex_common import (
    ALREADY_EXISTS, DEFAULT_COMPANY, EXACTLY_ONE, EXTENSIONS, KEYS, NOT_FOUND, PERMISSION_DENIED, SESSIONS,
    UNAMES, USERS, Fail, as_int, company_exists, invalid, str_list,
)

UNAME_RE = re.compile(r"[A-Za-z0-9._@-]{1,64}")
PHONE_LINKS = ("link", "forward", "fork")
# Columns of the user create call we keep as given (no behaviour hangs on them here).
USER_OPAQUE = ("can_hotdesk", "can_forward", "can_xmpp", "xmpp_groups", "can_webrtc", "can_teams",
               "email", "email_vm", "email_rec", "call_by_all", "vacation", "vacation_mode", "roleid")
USER_COLUMNS = ("contact_id", "uname", "name", "company", "owned_extension", "owned_phoneid",
                "admin_company") + USER_OPAQUE
AUTHINFO_COLUMNS = ("contact_id", "type", "subtype", "token")


def by_uname(store, uname):
    entry = store.get(UNAMES, uname) if isinstance(uname, str) else None
    return store.get(USERS, entry["contact_id"]) if entry else None


def new_user(store, values, sysadmin=False):
    """Validate and store a user; returns the stored document."""
    uname = values.get("uname")
    if not isinstance(uname, str) or not UNAME_RE.fullmatch(uname):
        raise invalid("uname")
    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        raise invalid("name")
    password = values.get("password", "")
    if not isinstance(password, str):
        raise invalid("password")
    company = values.get("company")
    if company is None:
        company = DEFAULT_COMPANY
    if not company_exists(store, company):
        raise invalid("company")
    admin = values.get("admin_company") or []
    if isinstance(admin, str):
        admin = [admin]
    if not isinstance(admin, list) or not all(company_exists(store, c) for c in admin):
        raise invalid("admin_company")
    if store.get(UNAMES, uname) is not None:
        raise Fail(ALREADY_EXISTS)
    owned = None
    if values.get("owned_extension") not in (None, ""):
        owned = ext.lookup(store, str(values["owned_extension"]), company) or ext.by_link_key(
            store, values["owned_extension"])
        if owned is None:
            raise invalid("owned_extension")
    contact_id = store.next_id("ipcortex.contact", start=100)
    user = {"contact_id": contact_id, "uname": uname, "name": name, "password": password, "company": company,
            "admin_company": list(dict.fromkeys(admin)), "sysadmin": bool(sysadmin),
            "owned_extension": ext.link_key(owned) if owned else None,
            "owned_phoneid": values.get("owned_phoneid"), "phones": {}, "extensions": {}}
    for key in USER_OPAQUE:
        if key in values:
            user[key] = values[key]
    store.put(USERS, contact_id, user)
    store.put(UNAMES, uname, {"contact_id": contact_id})
    if owned is not None:
        store.put(EXTENSIONS, ext.scoped(owned), dict(owned, owner=contact_id))
    return user


def _user_from_scope(req):
    scope = req.scope
    if scope.get("contact_id") is not None:
        contact_id = as_int(scope["contact_id"])
        user = req.store.get(USERS, contact_id) if contact_id is not None else None
    elif scope.get("uname") is not None:
        user = by_uname(req.store, scope["uname"])
    else:
        raise invalid("contact_id")
    if user is None:
        raise Fail(NOT_FOUND)
    return user


# -- /rest/ops type user ----------------------------------------------------------------
def user_create(req):
    req.caller.require_admin()
    values = req.values
    unknown = set(values) - set(USER_COLUMNS) - {"password", "pwhash"}
    if unknown:
        raise invalid(sorted(unknown)[0])
    company = values.get("company") or DEFAULT_COMPANY
    req.caller.require_company(company)
    admin = values.get("admin_company") or []
    if isinstance(admin, str):
        admin = [admin]
    for company in admin if isinstance(admin, list) else []:
        req.caller.require_company(company)
    user = new_user(req.store, values)
    # Unlike every other create, user create answers with a values object (ipcortex.md §4.1).
    return {"values": {"contact_id": user["contact_id"], "uname": user["uname"]}}


def _user_row(user, columns):
    return {col: user.get(col) for col in columns}


def user_read(req):
    req.caller.require_admin()
    columns = req.columns or list(USER_COLUMNS)
    for col in columns:
        if col not in USER_COLUMNS:
            raise invalid("column " + col)
    for key in req.scope:
        if key not in USER_COLUMNS:
            raise invalid("scope " + key)
    rows = []
    for user in req.store.all(USERS):
        if not req.caller.administers(user["company"]):
            continue
        if all(user.get(k) == (as_int(v) if k == "contact_id" else v) for k, v in req.scope.items()):
            rows.append(_user_row(user, columns))
    return {"values": rows, "numrows": len(rows)}


def user_delete(req):
    req.caller.require_admin()
    user = _user_from_scope(req)
    req.caller.require_company(user["company"])
    if user.get("sysadmin"):
        raise Fail(PERMISSION_DENIED)
    forget_user(req.store, user)
    return {"numrows": 1}


def forget_user(store, user):
    store.delete(USERS, user["contact_id"])
    store.delete(UNAMES, user["uname"])
    if user.get("owned_extension"):
        owned = ext.by_link_key(store, user["owned_extension"])
        if owned is not None and owned.get("owner") == user["contact_id"]:
            store.put(EXTENSIONS, ext.scoped(owned), dict(owned, owner=None))
    for token, key in store.items(KEYS):
        if key["contact_id"] == user["contact_id"]:
            store.delete(KEYS, token)
    for token, session in store.items(SESSIONS):
        if session["contact_id"] == user["contact_id"]:
            store.delete(SESSIONS, token)


# -- /rest/dialplan type user: links ------------------------------------------------------
def _visible_links(req, user):
    phones = {}
    for pid, kind in user.get("phones", {}).items():
        row = phone.resolve_phoneid(req.store, pid)[1]
        if row is not None and req.caller.administers(row["company"]):
            phones[pid] = kind
    extensions = {}
    for key, order in user.get("extensions", {}).items():
        found = ext.by_link_key(req.store, key)
        if found is not None and req.caller.administers(found["company"]):
            extensions[key] = order
    return {"contact_id": user["contact_id"], "phones": phones, "extensions": extensions}


def link(req):
    req.caller.require_admin()
    user = _user_from_scope(req)
    req.caller.require_company(user["company"])
    values = req.values
    unknown = set(values) - {"phones", "extensions"}
    if unknown:
        raise invalid(sorted(unknown)[0])
    want_phones = values.get("phones") or {}
    want_exts = values.get("extensions") or {}
    if not isinstance(want_phones, dict):
        raise invalid("phones")
    if not isinstance(want_exts, dict):
        raise invalid("extensions")

    phones = dict(user.get("phones", {}))
    extensions = dict(user.get("extensions", {}))
    changes = 0
    # Everything is checked before anything is written: a bad entry fails the whole call.
    for pid, kind in want_phones.items():
        pid_norm = pid.lower()
        if kind not in PHONE_LINKS + ("unlink",):
            raise invalid("phones")
        row = phone.resolve_phoneid(req.store, pid_norm)[1]
        if row is None:
            if kind == "unlink" and pid_norm in phones:
                pass  # a link to a device that has gone can still be removed
            else:
                raise invalid("phones")
        elif not req.caller.administers(row["company"]):
            raise Fail(PERMISSION_DENIED)
        if kind == "unlink":
            if phones.pop(pid_norm, None) is not None:
                changes += 1
        elif phones.get(pid_norm) != kind:
            phones[pid_norm] = kind
            changes += 1
    for key, order in want_exts.items():
        found = ext.by_link_key(req.store, key)
        if found is None:
            raise invalid("extensions")
        req.caller.require_company(found["company"])
        key = ext.link_key(found)
        if order is None:
            if extensions.pop(key, None) is not None:
                changes += 1
            continue
        # LINKS says only "order (int)": 0 is taken, a negative order or a non-number is refused. [infer]
        order = as_int(order)
        if order is None or order < 0:
            raise invalid("extensions")
        if extensions.get(key) != order:
            extensions[key] = order
            changes += 1
    if changes:
        user = dict(user, phones=phones, extensions=extensions)
        req.store.put(USERS, user["contact_id"], user)
    return {"numrows": changes, "values": _visible_links(req, user)}


def readlink(req):
    req.caller.require_admin()
    scope = req.scope
    if scope.get("contact_id") is not None or scope.get("uname") is not None:
        try:
            users = [_user_from_scope(req)]
        except Fail as exc:
            if exc.message != NOT_FOUND:
                raise
            users = []
    else:
        users = req.store.all(USERS)
    if scope.get("company") is not None:
        # LINKS documents contact_id and uname only; a company filter (and no scope: every user) is a
        # convenience of the simulator's own tests, which pbxops.pbx never relies on. [infer]
        wanted = set(str_list(scope["company"], "company"))
        users = [u for u in users if u["company"] in wanted]
    rows = [_visible_links(req, u) for u in users if req.caller.administers(u["company"])]
    return {"values": rows, "numrows": len(rows)}


# -- /rest/ops type authinfo: API keys -------------------------------------------------
def _key_owner(req, contact_id):
    contact_id = as_int(contact_id)
    user = req.store.get(USERS, contact_id) if contact_id is not None else None
    if user is None:
        raise invalid("contact_id")
    if user["contact_id"] != req.caller.contact_id:
        req.caller.require_company(user["company"])
    return user


def authinfo_create(req):
    req.caller.require_admin()
    values = req.values
    unknown = set(values) - set(AUTHINFO_COLUMNS)
    if unknown:
        raise invalid(sorted(unknown)[0])
    user = _key_owner(req, values.get("contact_id"))
    if values.get("type", "auth") != "auth" or values.get("subtype", "key") != "key":
        raise invalid("subtype")
    token = values.get("token") or secrets.token_hex(16)
    if not isinstance(token, str) or not re.fullmatch(r"[A-Za-z0-9_-]{16,128}", token):
        raise invalid("token")
    if req.store.get(KEYS, token) is not None or token == req.sim.config.ipcortex_api_key:
        raise Fail(ALREADY_EXISTS)
    row = {"contact_id": user["contact_id"], "type": "auth", "subtype": "key", "token": token}
    req.store.put(KEYS, token, row)
    # The docs show no create answer; returning the row is how a caller learns a generated token. [infer]
    return {"numrows": 1, "values": [row]}


def _keys_in_scope(req):
    for key in req.scope:
        if key not in AUTHINFO_COLUMNS:
            raise invalid("scope " + key)
    rows = []
    for row in req.store.all(KEYS):
        user = req.store.get(USERS, row["contact_id"])
        if user is None or not (req.caller.administers(user["company"]) or user["contact_id"] == req.caller.contact_id):
            continue
        if all(row.get(k) == (as_int(v) if k == "contact_id" else v) for k, v in req.scope.items()):
            rows.append(row)
    return rows


def authinfo_read(req):
    req.caller.require_admin()
    columns = req.columns or list(AUTHINFO_COLUMNS)
    for col in columns:
        if col not in AUTHINFO_COLUMNS:
            raise invalid("column " + col)
    rows = [{c: r[c] for c in columns} for r in _keys_in_scope(req)]
    return {"values": rows, "numrows": len(rows)}


def authinfo_delete(req):
    req.caller.require_admin()
    if not req.scope:
        raise Fail(EXACTLY_ONE)
    rows = _keys_in_scope(req)
    for row in rows:
        req.store.delete(KEYS, row["token"])
    return {"numrows": len(rows)}


USER_VERBS = {"create": user_create, "read": user_read, "delete": user_delete}
LINK_VERBS = {"link": link, "readlink": readlink}
AUTHINFO_VERBS = {"create": authinfo_create, "read": authinfo_read, "delete": authinfo_delete}


def load_fixture(sim, items):
    """Users: uname, password, name, company, admin_company (list), sysadmin, api_key."""
    count = 0
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("each user must be an object")
        values = {k: v for k, v in item.items() if k not in ("sysadmin", "api_key")}
        values.setdefault("name", values.get("uname"))
        user = new_user(sim.store, values, sysadmin=item.get("sysadmin", False))
        if item.get("api_key"):
            key = {"contact_id": user["contact_id"], "type": "auth", "subtype": "key", "token": item["api_key"]}
            sim.store.put(KEYS, item["api_key"], key)
        count += 1
    return count
