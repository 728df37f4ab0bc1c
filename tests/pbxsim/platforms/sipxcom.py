"""sipXcom (sipXconfig 21.04) REST simulator: /sipxconfig/api/* (Apache CXF)
and /sipxconfig/rest/* (Restlet), per ../shared/reference/sipxcom.md.

One catch-all route hands every /sipxconfig request to a small dispatcher,
because the quirks sit below FastAPI's routing: case-sensitive paths with an
optional trailing slash, ``.json``/``.xml`` suffixes that override Accept,
Spring Security in front of everything (OPTIONS free, a Digest-only challenge,
403 for non-admins) and each stack's own 404/405 and error bodies.

Not simulated here: the HTTP->HTTPS redirect, which Apache answers before
sipXconfig sees a request (``--sipxcom-http-redirect``, done in pbxsim.core);
the SOAP services, /rest/my/*, registrations.
"""

import base64
import hashlib
import re
import secrets
import time
import weakref

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from pbxsim.core import IGNORE, UNROUTED, mark

from . import sipxcom_api as api
from . import sipxcom_devices as devices
from . import sipxcom_rest as rest
from .sipxcom_api import save_user_from_bean
from .sipxcom_state import ADMIN_GROUP, GATEWAY_MODELS, PGROUPS, PHONE_MODELS, PHONES, RULES, UGROUPS, State, as_int_key
from .sipxcom_wire import ApiError, rest_envelope

PREFIX = "/sipxconfig"
_STATES = weakref.WeakKeyDictionary()
NONCE_SECONDS = 300  # Spring DigestAuthenticationFilter's default nonce validity
_NONCE_KEY = secrets.token_hex(16)


def state(sim):
    st = _STATES.get(sim)
    if st is None:
        st = _STATES[sim] = State(sim)
    return st


# -- routing -----------------------------------------------------------------------
class Route:
    __slots__ = ("method", "regex", "handler", "label")

    def __init__(self, method, template, handler):
        self.method = method
        self.handler = handler
        self.label = PREFIX + re.sub(r"\{(\w+):[^}]*\}", r"{\1}", template)
        self.regex = re.compile(re.sub(r"\{(\w+)(?::([^}]*))?\}", _param, template) + r"\Z")


def _param(m):
    """{name} is one segment, {name:.*} the rest of the path (at least one character), {name:re} a regex."""
    rx = m.group(2)
    rx = "[^/]+" if rx is None else ".+" if rx == ".*" else rx
    return "(?P<%s>%s)" % (m.group(1), rx)


ROUTES = [Route(m, t, h) for m, t, h in api.ROUTES + devices.ROUTES + rest.ROUTES]


def match(method, path):
    """(route, params) for the first route of the path and method; (None, allowed) otherwise."""
    allowed = []
    for route in ROUTES:
        m = route.regex.match(path)
        if m is None:
            continue
        if route.method == method:
            return route, m.groupdict()
        allowed.append(route)
    return None, allowed


# -- request context ------------------------------------------------------------------
class Req:
    """What a handler sees: the simulator, the indexes and the parsed request."""

    def __init__(self, sim, request, body, fmt, xml_type, rest_json):
        self.sim = sim
        self.st = state(sim)
        self.method = request.method
        self.query = dict(request.query_params)
        self.body = body
        self.content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        self.fmt = fmt
        self.xml_type = xml_type
        self.rest_json = rest_json
        self.fmt_in = "xml" if "xml" in self.content_type else "json"

    def int_param(self, name):
        """A JAX-RS Integer query parameter: one that does not convert is a 404."""
        raw = self.query.get(name)
        if raw is None:
            return None
        n = as_int_key(raw.strip())
        if n is None:
            raise ApiError(404)
        return n

    def bean(self, bean):
        ct = self.content_type
        if ct and "json" not in ct and "xml" not in ct and ct != "*/*":
            raise ApiError(415)  # the bean resources consume JSON and XML only
        if self.fmt_in == "xml":
            return api.w.decode_xml(bean, self.body)
        return api.w.decode_json(bean, self.body)

    def plain_text(self):
        return self.body.decode("utf-8", errors="replace")


def negotiate(accept):
    """CXF content negotiation over @Produces(json, text/xml, application/xml):
    (format, xml media type), or None when nothing acceptable (406)."""
    if not accept:
        return "json", "application/xml"
    ranges = []
    for i, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((-q, i, bits[0].lower()))
    for _q, _pos, media in sorted(ranges):
        if media in ("application/json", "application/*", "*/*", "*"):
            return "json", "application/xml"
        if media in ("application/xml", "text/xml"):
            return "xml", media
        if media == "text/*":
            return "xml", "text/xml"
    return None


# -- authentication (Spring Security: OPTIONS filter -> Basic -> Digest) -------------------
def _md5(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def _nonce():
    """Spring's nonce: base64(expiry:md5(expiry:key)); a restart invalidates old ones (stale, retried)."""
    expiry = int((time.time() + NONCE_SECONDS) * 1000)
    return base64.b64encode(("%d:%s" % (expiry, _md5("%d:%s" % (expiry, _NONCE_KEY)))).encode()).decode()


def _nonce_ok(nonce):
    try:
        expiry, sig = base64.b64decode(nonce).decode().split(":", 1)
        return sig == _md5("%s:%s" % (expiry, _NONCE_KEY)) and int(expiry) > time.time() * 1000
    except (ValueError, UnicodeDecodeError):
        return False


def _digest_challenge(sim, st, message="Full authentication is required to access this resource"):
    header = 'Digest realm="%s", qop="auth", nonce="%s"' % (sim.config.sipxcom_realm, _nonce())
    return Response(message, status_code=401, headers={"WWW-Authenticate": header}, media_type="text/plain")


def _ha1(sim, st, user, realm):
    """Digest HA1 for an account: the superadmin's password from the configuration,
    a user's pintoken (already an HA1 when it is a 32-hex hash)."""
    admin, password = sim.config.sipxcom_admin
    if user == admin:
        return _md5("%s:%s:%s" % (user, realm, password))
    doc = st.user(user)
    token = doc and doc["pintoken"]
    if not token:
        return None
    return token if re.fullmatch(r"[0-9a-f]{32}", token) else _md5("%s:%s:%s" % (doc["userName"], realm, token))


def _password_ok(sim, st, user, password):
    admin, admin_password = sim.config.sipxcom_admin
    if user == admin:
        return password == admin_password
    doc = st.user(user)
    token = doc and doc["pintoken"]
    if not token:
        return False
    # A web login uses the PIN; pintoken is its md5(user:realm:PIN) hash, or what the API stored verbatim.
    return password == token or _md5("%s:%s:%s" % (doc["userName"], sim.config.sipxcom_realm, password)) == token


def authenticate(sim, st, request):
    """The account name when it may use the API, else the Response to send."""
    header = request.headers.get("authorization") or ""
    scheme, _sep, cred = header.partition(" ")
    scheme = scheme.lower()
    realm = sim.config.sipxcom_realm
    if scheme == "basic":
        try:
            user, sep, password = base64.b64decode(cred.strip(), validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            sep = ""
        if not sep or not _password_ok(sim, st, user, password):
            return Response("Bad credentials", status_code=401, media_type="text/plain",
                            headers={"WWW-Authenticate": 'Basic realm="%s"' % realm})
    elif scheme == "digest":
        params = {k: a or b for k, a, b in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]*))', cred)}
        user = params.get("username", "")
        if not _nonce_ok(params.get("nonce", "")):
            return _digest_challenge(sim, st, "Nonce has expired/timed out")
        ha1 = _ha1(sim, st, user, params.get("realm", realm))
        ha2 = _md5("%s:%s" % (request.method, params.get("uri", "")))
        if params.get("qop"):
            expected = _md5(":".join([ha1 or "", params.get("nonce", ""), params.get("nc", ""),
                                      params.get("cnonce", ""), params["qop"], ha2]))
        else:
            expected = _md5("%s:%s:%s" % (ha1 or "", params.get("nonce", ""), ha2))
        if ha1 is None or params.get("response") != expected:
            return _digest_challenge(sim, st, "Bad credentials")
    else:
        return _digest_challenge(sim, st)
    admin = sim.config.sipxcom_admin[0]
    doc = st.user(user)
    if user != admin and not (doc and st.user_is_admin(doc)):
        return Response("Access is denied", status_code=403, media_type="text/plain")
    return user


# -- the router -------------------------------------------------------------------------
def router(sim):
    st = state(sim)
    r = APIRouter()

    @r.api_route(PREFIX + "/{rest_of_path:path}",
                 methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"], include_in_schema=False)
    async def sipxconfig(request: Request):
        return await dispatch(sim, st, request)

    @r.get("/_sim/sipxcom/phones/{serial}", include_in_schema=False)
    async def phone_events(serial: str):
        """How often a phone's profile was sent (and a restart asked) through any sendProfile form, for tests."""
        pid = st.phone_by_serial.get(serial)
        doc = sim.store.get(PHONES, pid) if pid is not None else None
        if doc is None:
            return JSONResponse({"error": "no phone with serialNo %s" % serial}, status_code=404)
        return {"serialNo": doc["serialNo"], "id": doc["id"], "profiles_sent": doc.get("profilesSent", 0),
                "restarts": doc.get("restarts", 0)}

    return r


async def dispatch(sim, st, request):
    method = request.method
    path = request.url.path[len(PREFIX):]
    if method == "OPTIONS":  # OptionsAuthFilter: an empty 200 without authentication
        mark(request, kind=IGNORE)
        return Response(b"", status_code=200)
    stack = path.split("/")[1] if path.count("/") >= 1 else ""
    if stack not in ("api", "rest"):
        mark(request, kind=UNROUTED, label=PREFIX + "/*")
        return Response(b"", status_code=404)
    if path.endswith("/") and len(path) > len(stack) + 2:
        path = path[:-1]
    fmt, xml_type = "json", "application/xml"
    if stack == "api":
        for suffix in (".json", ".xml"):
            if path.endswith(suffix):
                path = path[:-len(suffix)]
                fmt, xml_type = suffix[1:], "application/xml"
                break
        else:
            negotiated = negotiate(request.headers.get("accept"))
            if negotiated is not None:
                fmt, xml_type = negotiated
            else:
                fmt = None
    route, params = match("GET" if method == "HEAD" else method, path)
    # No route for the path (404) or the method (405): the catch-all route is the dispatcher, not a handler.
    mark(request, kind=None if route else UNROUTED,
         label=route.label if route else (params[0].label if params else PREFIX + "/" + stack + "/*"))
    who = authenticate(sim, st, request)
    if isinstance(who, Response):
        return who
    if route is None:
        return Response(b"", status_code=405 if params else 404)
    if fmt is None:
        return Response(b"", status_code=406)
    accept = (request.headers.get("accept") or "").lower()
    rest_json = "json" in accept and accept.find("json") < (accept.find("xml") if "xml" in accept else 10 ** 6)
    reading = method in ("GET", "HEAD")
    if reading:
        key = (path, request.url.query, fmt, xml_type, rest_json)
        hit = st.cache.get(key)
        if hit is not None and hit[0] == st.generation:
            response = Response(hit[1], status_code=hit[2], media_type=hit[3])
            return _head(response) if method == "HEAD" else response
    else:
        st.written()
    req = Req(sim, request, await request.body(), fmt, xml_type, rest_json)
    try:
        response = route.handler(req, **{k: v for k, v in params.items() if v is not None})
        if reading and response.status_code == 200:
            st.remember(key, response)
    except rest.RestError as exc:
        response = rest.error_response(exc)
    except ApiError as exc:
        if stack == "rest":
            response = rest.error_response(rest.from_api_error(exc, "ERROR_UPDATE_FAILED"))
        else:
            response = Response(exc.body, status_code=exc.status, media_type=exc.content_type if exc.body else None)
    return _head(response) if method == "HEAD" else response


def _head(response):
    return Response(b"", status_code=response.status_code, headers={
        k: v for k, v in response.headers.items() if k.lower() != "content-length"})


def render_error(request, status, message):
    """sipXconfig's own error shapes for whatever escapes the dispatcher."""
    if request.url.path.startswith(PREFIX + "/rest/"):
        code = "ERROR_OBJECT_NOT_FOUND" if status in (400, 404) else "ERROR_READ_FAILED"
        text = rest_envelope(code, rest.MESSAGES[code], [("additionalMessage", message)] if status >= 500 else None)
        return Response(text, status_code=status, media_type="text/xml")
    if status >= 500:
        # CXF's catch-all mapper prints the exception's toString().
        return Response("java.lang.RuntimeException: %s" % message, status_code=status, media_type="text/plain")
    return Response(b"", status_code=status)


# -- seed and fixtures ------------------------------------------------------------------
DIAL_RULES = (("Emergency", "Emergency dialing plan"), ("International", "International dialing"),
              ("Local", "Local dialing"), ("Long Distance", "Long distance dialing"),
              ("Toll free", "Toll free dialing"), ("Restricted", "Restricted dialing"))


def seed(sim):
    """A fresh sipXcom: the superadmin (in group administrators, which grants
    admin rights), a few dial rules; the model catalogues are Spring beans,
    loaded from data/sipxcom-models.json, not database rows."""
    st = state(sim)
    st.rebuild()
    admin = st.save_group(UGROUPS, {"id": None, "name": ADMIN_GROUP, "description": "Users with superadmin rights",
                                    "weight": 1, "settings": {"permission/application/superadmin": "ENABLE"},
                                    "models": {}})
    doc = st.new_user_doc()
    doc.update({"userName": sim.config.sipxcom_admin[0], "firstName": None, "lastName": None,
                "pintoken": _md5("%s:%s:%s" % (sim.config.sipxcom_admin[0], sim.config.sipxcom_realm,
                                               sim.config.sipxcom_admin[1])), "groups": [admin["id"]],
                "settings": {"permission/application/superadmin": "ENABLE"}})
    st.save_user(doc)
    for name, description in DIAL_RULES:
        rid = sim.store.next_id("sipxcom.rule")
        sim.store.put(RULES, rid, {"id": rid, "name": name, "description": description, "enabled": True})


def _load_users(sim, items):
    """Items look like /api/users bodies, plus ``groups`` as plain names,
    ``branch`` (name), ``pin`` and ``settings`` ({path: value})."""
    st = state(sim)
    for item in items:
        item = dict(item)
        groups = item.pop("groups", None) or []
        settings = item.pop("settings", None) or {}
        branch = item.pop("branch", None)
        pin = item.pop("pin", None)
        bean = api.w.USER.blank()
        unknown = set(item) - set(bean)
        if unknown:
            raise ValueError("unknown user keys: %s" % ", ".join(sorted(unknown)))
        bean.update(item)
        bean["groups"] = [{"name": g} for g in groups]
        if branch is not None:
            if st.branch(branch) is None:
                raise ValueError("no branch %r" % branch)
            bean["branchName"] = branch
        if pin is not None:
            bean["voicemailPin"] = pin
            bean["pintoken"] = bean.get("pintoken") or pin
        doc = st.new_user_doc()
        doc["settings"] = {str(k): None if v is None else str(v) for k, v in settings.items()}
        try:
            save_user_from_bean(st, doc, bean)
        except ApiError as exc:
            raise ValueError(exc.body)
    return len(items)


def _load_branches(sim, items):
    st = state(sim)
    for item in items:
        if not item.get("name"):
            raise ValueError("a branch needs a name")
        address = item.get("address")
        if address is not None:
            address = dict({"id": sim.store.next_id("sipxcom.address")},
                           **{k: address.get(k) for k in rest.ADDRESS_KEYS})
        old = st.branch(item["name"])
        st.save_branch({"id": old["id"] if old else None, "name": item["name"],
                        "description": item.get("description"), "address": address,
                        "phoneNumber": item.get("phoneNumber"), "faxNumber": item.get("faxNumber")})
    return len(items)


def _load_groups(coll):
    def loader(sim, items):
        st = state(sim)
        for item in items:
            g = st.group_create_if_not_found(coll, item["name"])
            st.save_group(coll, dict(g, description=item.get("description"),
                                     weight=item.get("weight", g["weight"]),
                                     settings={str(k): str(v) for k, v in (item.get("settings") or {}).items()}))
        return len(items)
    return loader


def _load_phones(sim, items):
    """Items: serialNo, modelId, description, deviceVersion, groups (names), lines (user names)."""
    st = state(sim)
    for item in items:
        model = PHONE_MODELS.get(item.get("modelId", "acmePhoneStandard"))
        if model is None:
            raise ValueError("unknown phone model %r" % item.get("modelId"))
        doc = {"id": None, "serialNo": item["serialNo"], "description": item.get("description"),
               "deviceVersion": item.get("deviceVersion"), "modelId": model["modelId"], "lines": [],
               "groups": [st.group_create_if_not_found(PGROUPS, g)["id"] for g in item.get("groups") or []],
               "settings": {}}
        try:
            doc = st.save_phone(doc)
            for name in item.get("lines") or []:
                user = st.user(name)
                if user is None:
                    raise ValueError("no user %r" % name)
                st.add_line(sim.store.get("sipxcom.phones", doc["id"]), {"id": None, "user": user["id"],
                                                                         "settings": {}})
        except ApiError as exc:
            raise ValueError(exc.body)
    return len(items)


def _load_gateways(sim, items):
    """Items are /api/gateways bodies (model as {"modelId": ...}), plus optional "settings" (path -> value)
    and "ports" (a number of FXO ports, each optionally with settings: a list of settings dicts)."""
    from .sipxcom_state import GATEWAYS, PORTS

    st = state(sim)
    for item in items:
        item = dict(item)
        settings, ports = item.pop("settings", None) or {}, item.pop("ports", None) or []
        bean = api.w.GATEWAY.blank()
        bean.update(item)
        model_id = (bean.get("model") or {}).get("modelId")
        if model_id not in GATEWAY_MODELS:
            raise ValueError("unknown gateway model %r" % model_id)
        if isinstance(ports, int):
            ports = [{}] * ports
        limit = GATEWAY_MODELS[model_id].get("maxPorts", 0)
        if len(ports) > limit:
            raise ValueError("model %s takes at most %d ports" % (model_id, limit))
        try:
            doc = {"id": None, "modelId": model_id, "ports": [], "rules": [], "settings": dict(settings)}
            doc = st.save_gateway(devices._gateway_doc(st, doc, bean))
        except ApiError as exc:
            raise ValueError(exc.body)
        for port_settings in ports:
            pid = sim.store.next_id("sipxcom.port")
            sim.store.put(PORTS, pid, {"id": pid, "gateway": doc["id"], "settings": dict(port_settings)})
            doc = dict(doc, ports=doc["ports"] + [pid])
            sim.store.put(GATEWAYS, doc["id"], doc)
    return len(items)


def _load_erls(sim, items):
    st = state(sim)
    for item in items:
        if not item.get("elin") or not item.get("location"):
            raise ValueError("an ERL needs elin and location")
        old = st.erl(item["elin"])
        st.save_erl({"id": old["id"] if old else None, "elin": item["elin"], "location": item["location"],
                     "addressInfo": item.get("addressInfo"), "description": item.get("description")})
    return len(items)


def _load_callgroups(sim, items):
    """Items are /api/callgroups bodies (ringBeans with userName)."""
    st = state(sim)
    for item in items:
        bean = devices.CALLGROUP_BEAN.blank()
        bean.update(item)
        bean["ringBeans"] = [dict(api.w.RING.blank(), **r) for r in item.get("ringBeans") or []]
        try:
            st.save_callgroup(devices._callgroup_doc(st, {"id": None}, bean))
        except ApiError as exc:
            raise ValueError(exc.body)
    return len(items)


def _writing(loader):
    def load(sim, items):
        state(sim).written()
        return loader(sim, items)
    return load


FIXTURES = dict((name, _writing(loader)) for name, loader in (
    ("users", _load_users),
    ("branches", _load_branches),
    ("usergroups", _load_groups(UGROUPS)),
    ("phonegroups", _load_groups(PGROUPS)),
    ("phones", _load_phones),
    ("gateways", _load_gateways),
    ("erls", _load_erls),
    ("callgroups", _load_callgroups),
))
