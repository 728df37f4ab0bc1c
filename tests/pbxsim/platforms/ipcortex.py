"""IPCortex PABX REST API (ipcortex.md; seeds 000-002).

Every call is ``POST /rest/{section}/{verb}[/{type}]`` with an optional trailing
slash and a JSON body ``{type, scope, values, columns, auth}``; ``type`` may be
on the path or in the body, and a missing or unparseable body counts as ``{}``.
Every answer the PABX itself gives is HTTP 200 with ``result`` "success" or
"fail" (+ ``message``).

Authentication, in this order (ipcortex.md §7.2, the order is inferred): body
``auth.key`` (API key), body ``auth.username``/``password`` inline, then the
``Red60urne`` session cookie that ``POST /rest/auth`` sets.  The configured API
key and credentials belong to the seeded System-Admin.

Verbs live in ipcortex_extension, ipcortex_phone and ipcortex_users.
"""

import json
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pbxsim.core import LOGIN, READ, WRITE, mark

from . import ipcortex_extension as ext
from . import ipcortex_phone as phone
from . import ipcortex_users as users
from .ipcortex_common import (
    AUTH_FAILED, AUTH_REQUIRED, COMPANIES, DEFAULT_COMPANY, KEYS, META, REBOOTS, SESSIONS, UNAMES, USERS,
    Caller, Fail, Request as Call,
)

COOKIE = "Red60urne"
READ_VERBS = frozenset(("read", "readfull", "readlink", "inactive", "active", "readtypes"))
HANDLERS = {
    ("dialplan", "extension"): ext.VERBS,
    ("dialplan", "phone"): phone.VERBS,
    ("dialplan", "user"): users.LINK_VERBS,
    ("ops", "user"): users.USER_VERBS,
    ("ops", "authinfo"): users.AUTHINFO_VERBS,
}
SECTIONS = {key[0] for key in HANDLERS}


def _answer(payload, cookie=None):
    response = JSONResponse(payload)
    if cookie is not None:
        response.set_cookie(COOKIE, cookie, path="/", httponly=True)
    return response


def _fail(message):
    return _answer({"result": "fail", "message": message})


def render_error(request, status, message):
    """The fail envelope for what never reached a verb: unknown paths, wrong methods, crashes."""
    return JSONResponse({"result": "fail", "message": message}, status_code=status)


async def _body(request):
    # Form posts are read by the PABX as form fields, so their JSON body is never seen. [infer]
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return {}
    raw = await request.body()
    try:
        body = json.loads(raw)
        # PHP's json_decode refuses a lone surrogate escape ("\ud800"), so such a body counts as {}. [infer]
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except ValueError:  # UnicodeEncodeError included
        return {}
    return body if isinstance(body, dict) else {}


def _admin(sim):
    return sim.store.get(USERS, sim.store.get(META, "admin")["contact_id"])


def _by_password(sim, username, password):
    if not isinstance(username, str) or not isinstance(password, str):
        return None
    name, secret = sim.config.ipcortex_admin
    if username == name:
        # The seeded System-Admin's credentials come from the command line, not the database.
        return _admin(sim) if password == secret else None
    user = users.by_uname(sim.store, username)
    if user is None or user.get("sysadmin_seed") or not user.get("password") or user["password"] != password:
        return None
    return user


def _by_key(sim, key):
    if not isinstance(key, str) or not key:
        return None
    if key == sim.config.ipcortex_api_key:
        return _admin(sim)
    row = sim.store.get(KEYS, key)
    return sim.store.get(USERS, row["contact_id"]) if row else None


def _by_cookie(sim, request):
    token = request.cookies.get(COOKIE)
    session = sim.store.get(SESSIONS, token) if token else None
    return sim.store.get(USERS, session["contact_id"]) if session else None


def authenticate(sim, request, body):
    auth = body.get("auth")
    if isinstance(auth, dict):
        if "key" in auth:
            user = _by_key(sim, auth["key"])
            if user is None:
                raise Fail(AUTH_FAILED)
            return user
        if "username" in auth or "password" in auth:
            user = _by_password(sim, auth.get("username"), auth.get("password"))
            if user is None:
                raise Fail(AUTH_FAILED)
            return user
    user = _by_cookie(sim, request)
    if user is None:
        if request.cookies.get(COOKIE):
            _count(sim, "refused")  # a session cookie the PABX does not know (any more)
        raise Fail(AUTH_REQUIRED)
    return user


def user_object(sim, user, session):
    caller = Caller(sim, user)
    companies = caller.companies()
    # perms: permission name -> company id or "yes" (AUTH page); the names are not documented. [infer]
    if caller.sysadmin:
        perms = {"sysadmin": "yes", "admin": "yes"}
    elif companies:
        perms = {"admin": companies[0]}
    else:
        perms = {}
    return {"id": user["contact_id"], "login": user["uname"], "name": user["name"], "company": user["company"],
            "home": user["company"], "session": session, "perms": perms, "companies": companies}


def login(sim, request, body):
    auth = body.get("auth") if isinstance(body.get("auth"), dict) else {}
    if "key" in auth:
        # IPCortex's own client checks a key this way and reads user.companies; no session is made.
        user = _by_key(sim, auth["key"])
        if user is None:
            return _fail(AUTH_FAILED)
        return _answer({"result": "success", "user": user_object(sim, user, None)})
    user = _by_password(sim, auth.get("username"), auth.get("password"))
    if user is None:
        return _fail(AUTH_FAILED)
    token = request.cookies.get(COOKIE)
    if not token or sim.store.get(SESSIONS, token) is None:
        token = secrets.token_hex(16)
        _count(sim, "opened")
    # With a cookie the login applies to that session; otherwise a new one is made (AUTH page).
    sim.store.put(SESSIONS, token, {"contact_id": user["contact_id"]})
    return _answer({"result": "success", "user": user_object(sim, user, token)}, cookie=token)


def logout(sim, request):
    token = request.cookies.get(COOKIE)
    if not token or sim.store.delete(SESSIONS, token) is None:
        return _fail(AUTH_REQUIRED)
    _count(sim, "closed")
    response = _answer({"result": "success"})
    response.delete_cookie(COOKIE, path="/")
    return response


# Operator counters of sessions and the pending drop (GET /_sim/ipcortex/sessions,
# POST /_sim/ipcortex/drop_sessions?after=N).
SESSION_COUNTS, OPS = "ipcortex.session_counts", "ipcortex.ops"
COUNTS = ("opened", "closed", "dropped", "refused")


def _count(sim, what, by=1):
    counts = dict(sim.store.get(SESSION_COUNTS, "all") or dict.fromkeys(COUNTS, 0))
    counts[what] += by
    sim.store.put(SESSION_COUNTS, "all", counts)


def drop_sessions(sim):
    """The PABX forgets every session (a restart, a timeout): their cookies authenticate nothing."""
    tokens = [item[0] for item in sim.store.items(SESSIONS)]
    for token in tokens:
        sim.store.delete(SESSIONS, token)
    _count(sim, "dropped", len(tokens))
    return len(tokens)


def tick(sim):
    """Called for every /rest request before it is authenticated: runs a pending drop when it is due."""
    pending = sim.store.get(OPS, "drop")
    if pending is None:
        return
    if pending["after"] > 0:
        sim.store.put(OPS, "drop", {"after": pending["after"] - 1})
        return
    sim.store.delete(OPS, "drop")
    drop_sessions(sim)


def router(sim):
    r = APIRouter()

    async def auth_call(request: Request):
        logout_path = request.url.path.rstrip("/").endswith("/logout")
        mark(request, kind=LOGIN, label="auth/logout" if logout_path else "auth")
        tick(sim)
        body = await _body(request)
        return logout(sim, request) if logout_path else login(sim, request, body)

    async def call(request: Request, section: str, verb: str, type: str = None):
        body = await _body(request)
        type_ = type or body.get("type")
        if not isinstance(type_, str):
            type_ = None
        mark(request, kind=READ if verb in READ_VERBS else WRITE,
             label="%s/%s/%s" % (section, verb, type_ or "-"))
        tick(sim)
        try:
            caller = Caller(sim, authenticate(sim, request, body))
            if section not in SECTIONS:
                raise Fail("Unknown section %s" % section)
            if type_ is None:
                raise Fail("Missing type")
            verbs = HANDLERS.get((section, type_))
            if verbs is None:
                raise Fail("Unknown type %s" % type_)
            handler = verbs.get(verb)
            if handler is None:
                raise Fail("Unknown command %s for type %s" % (verb, type_))
            result = handler(Call(sim, caller, verb, type_, body))
        except Fail as exc:
            return _fail(exc.message)
        payload = {"result": "success"}
        payload.update(result)
        return _answer(payload)

    @r.post("/_sim/ipcortex/drop_sessions", include_in_schema=False)
    async def drop(after: int = None):
        """Forget every session now, or once the API has served ``after`` more requests (the request after
        those finds its cookie unknown: "Authentication required")."""
        if after is None:
            return {"dropped": drop_sessions(sim)}
        if after < 0:
            return JSONResponse({"error": "after is a count of requests (0 or more)"}, status_code=400)
        sim.store.put(OPS, "drop", {"after": after})
        return {"drop_after": after}

    @r.get("/_sim/ipcortex/sessions", include_in_schema=False)
    async def sessions():
        """Sessions opened (logins that made one), closed (logouts), dropped (by the operator) and open."""
        counts = dict(sim.store.get(SESSION_COUNTS, "all") or dict.fromkeys(COUNTS, 0))
        counts["open"] = sim.store.count(SESSIONS)
        return counts

    @r.get("/_sim/ipcortex/reboots", include_in_schema=False)
    async def reboots():
        """Reboots sent per device (MAC -> count) since the last reset, for tests."""
        return {mac: doc["count"] for mac, doc in sim.store.items(REBOOTS)}

    for path in ("/rest/auth", "/rest/auth/", "/rest/auth/logout", "/rest/auth/logout/"):
        r.add_api_route(path, auth_call, methods=["POST"], include_in_schema=False)
    for path in ("/rest/{section}/{verb}", "/rest/{section}/{verb}/",
                 "/rest/{section}/{verb}/{type}", "/rest/{section}/{verb}/{type}/"):
        r.add_api_route(path, call, methods=["POST"], include_in_schema=False)
    return r


def seed(sim):
    store = sim.store
    store.put(COMPANIES, DEFAULT_COMPANY, {"id": DEFAULT_COMPANY})
    name = sim.config.ipcortex_admin[0]
    contact_id = store.next_id("ipcortex.contact", start=100)
    store.put(USERS, contact_id, {
        "contact_id": contact_id, "uname": name, "name": "System Administrator", "password": "",
        "company": DEFAULT_COMPANY, "admin_company": [], "sysadmin": True, "sysadmin_seed": True,
        "owned_extension": None, "owned_phoneid": None, "phones": {}, "extensions": {}})
    store.put(UNAMES, name, {"contact_id": contact_id})
    store.put(META, "admin", {"contact_id": contact_id})


def _companies(sim, items):
    count = 0
    for item in items:
        if not isinstance(item, (str, dict)):
            raise ValueError("each company is an id or an object")
        # {"id": ...} or, like the other platforms' tenant fixtures, {"name": ...}
        company = item if isinstance(item, str) else item.get("id", item.get("name"))
        if not isinstance(company, str) or not company or "/" in company:
            raise ValueError("company ids are non-empty strings")
        if sim.store.get(COMPANIES, company) is None:
            sim.store.put(COMPANIES, company, {"id": company})
            count += 1
    return count


FIXTURES = {
    "companies": _companies,
    "users": users.load_fixture,
    "extensions": ext.load_fixture,
    "phones": lambda sim, items: phone.load_fixture(sim, items, active=True),
    "inactive_phones": lambda sim, items: phone.load_fixture(sim, items, active=False),
}
