"""The simulator's shared machinery: configuration, request statistics, fault
injection and the outermost ASGI wrapper that applies them (with sipXcom's
plain-HTTP redirect, which Apache answers before sipXconfig sees a request,
and the counting of internal errors).

Platform modules (``pbxsim.platforms.*``) know nothing of statistics or
faults; they may only tag a request with ``mark(request, kind=..., label=...)``
when the HTTP method alone does not say whether it reads or writes (IPCortex
sends every call as a POST; logins are not counted as reads or writes).
"""

import asyncio
import html
import json
import logging
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.requests import ClientDisconnect

READ, WRITE, LOGIN, IGNORE = "read", "write", "login", "ignore"
# Requests no handler exists for (the router's 404/405) and redirects are neither reads nor writes.
UNROUTED, REDIRECT = "unrouted", "redirect"
KINDS = {READ: "reads", WRITE: "writes", LOGIN: "logins", UNROUTED: "unrouted", REDIRECT: "redirects"}
INTERNAL_ERROR_HEADER = "X-Pbxsim-Internal-Error"
LOG = logging.getLogger("pbxsim")

# Path prefixes decide the platform; they never collide.
PLATFORM_PREFIXES = (
    ("/sipxconfig/", "sipxcom"),
    ("/rest/", "ipcortex"),
    ("/api/", "portsip"),
    ("/_sim/", "operator"),
)


def platform_of(path):
    for prefix, name in PLATFORM_PREFIXES:
        if path.startswith(prefix) or path + "/" == prefix:
            return name
    return None


@dataclass
class Config:
    """Credentials and behaviour switches, overridable from the command line."""

    sipxcom_admin: tuple = ("superadmin", "superadmin")
    sipxcom_realm: str = "pbxsim.example.com"
    sipxcom_domain: str = "pbxsim.example.com"
    ipcortex_admin: tuple = ("admin", "admin")
    ipcortex_api_key: str = "pbxsim-ipcortex-key-0123456789abcdef"
    portsip_admin: tuple = ("admin", "admin")
    portsip_token_ttl: int = 3600
    portsip_version: str = "22.2"
    # Both PortSIP switches are inferred (portsip.md 1.3 and 4): "rescope" re-scopes the caller's token on
    # POST /api/tenants/switch, "token" answers a new tenant-scoped token and leaves the old one alone.
    portsip_switch_mode: str = "rescope"
    # A failed /api/login, /api/auth/sign_in or /api/sessions/directly: 400 as the AUTH page documents for
    # the OAuth grant (which always answers 400), or 401.
    portsip_login_failure_status: int = 400
    # sipXcom's Apache answers plain HTTP with a 302 to https (sipxcom.md 1); off, so plain-HTTP tests work.
    sipxcom_http_redirect: bool = False
    extra: dict = field(default_factory=dict)

    def credentials(self):
        return {
            "sipxcom": {"username": self.sipxcom_admin[0], "password": self.sipxcom_admin[1]},
            "ipcortex": {
                "username": self.ipcortex_admin[0],
                "password": self.ipcortex_admin[1],
                "api_key": self.ipcortex_api_key,
            },
            "portsip": {"username": self.portsip_admin[0], "password": self.portsip_admin[1]},
        }


def mark(request, kind=None, label=None):
    """Let an endpoint say what a request was, for the statistics."""
    if kind is not None:
        request.scope["pbxsim.kind"] = kind
    if label is not None:
        request.scope["pbxsim.label"] = label


class Stats:
    """Counts of requests since the last reset, split the ways tests assert on."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.counts = dict.fromkeys(KINDS.values(), 0)
            self.internal_errors = 0
            self.by_platform = {}
            self.by_route = Counter()
            self.by_status = Counter()
            self.log = []

    def internal_error(self):
        with self._lock:
            self.internal_errors += 1

    def record(self, platform, kind, method, label, status):
        counter = KINDS.get(kind)
        if counter is None:
            return
        with self._lock:
            self.counts[counter] += 1
            plat = self.by_platform.setdefault(platform, dict(dict.fromkeys(KINDS.values(), 0), by_route={}))
            plat[counter] += 1
            key = "%s %s" % (method, label)
            route = plat["by_route"].setdefault(key, dict.fromkeys(KINDS.values(), 0))
            route[counter] += 1
            self.by_route["%s %s" % (platform, key)] += 1
            self.by_status[str(status)] += 1
            if len(self.log) < 10000:
                self.log.append({"platform": platform, "kind": kind, "method": method, "route": label, "status": status})

    def snapshot(self, with_log=False):
        with self._lock:
            out = dict(self.counts)
            out.update({
                "requests": sum(self.counts.values()),
                "internal_errors": self.internal_errors,
                "by_platform": json.loads(json.dumps(self.by_platform)),
                "by_route": dict(self.by_route),
                "by_status": dict(self.by_status),
            })
            if with_log:
                out["log"] = list(self.log)
            return out


FAULT_KINDS = ("status", "drop", "delay", "commit_then_fail", "redirect", "truncate", "huge", "slow")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# Kinds that answer with a body of their own, in content_type; and their default status.
BODY_KINDS = {"status": 503, "huge": 200, "slow": 200}
# A huge answer is streamed in pieces of this size, never held whole.
HUGE_PIECE = 64 * 1024
HUGE_DEFAULT = 80 * 1024 * 1024
HUGE_LIMIT = 1024 * 1024 * 1024
SLOW_DEFAULT = {"pbxsim": "slow answer", "padding": "x" * 100}


@dataclass
class Fault:
    """One injected fault.

    kind: status (answer ``status`` without touching state, with ``retry_after``
    when given), drop (close the connection without an answer), delay (sleep
    ``seconds`` then serve normally), commit_then_fail (serve the request, keep
    what it stored, then answer ``status`` or drop when ``status`` is 0),
    redirect (answer ``status``, one of 301/302/303/307/308, default 302, with
    ``Location: location``, an absolute URL, without touching state).
    Hostile answers, none of which touches state except truncate:
    ``status`` sends ``body`` as it is when it is a string (JSON-encoded otherwise) with
    ``Content-Type: content_type`` (default application/json): HTML pages, cut JSON
    ("[1,2"), a 200 with an error envelope.  truncate (serve the request, then send
    its headers, with the real Content-Length, and only ``size`` bytes of its body,
    default half, and close the connection; a write is kept).  huge (answer
    ``status``, default 200, with ``size`` bytes, default 80 MiB, at most 1 GiB, of
    JSON-looking filler, streamed in 64 KiB pieces; without Content-Length when
    ``chunked``, the default).  slow (answer ``status``, default 200, with headers at
    once, Content-Length included, then ``body``, default a 140-byte JSON object, one
    byte every ``seconds``, default 1; a slow-loris server).
    count: how many matching requests it applies to (None = unlimited);
    rate: the fraction of matching requests it applies to (1.0 = all).
    platform/method/path: optional filters; path is a prefix of the URL path.
    writes_only: only requests that are not GET/HEAD.
    skip: let this many matching requests through before the fault starts
    (e.g. fail the second write of a bulk run).
    after_writes: the fault starts once this many writes (requests that are not
    GET/HEAD) of its platform have come in, on any path: a PBX that goes down
    part-way through a bulk run, for its reads as well as its writes.
    """

    kind: str
    status: int = 503
    retry_after: object = None
    seconds: float = 0.0
    count: object = 1
    rate: float = 1.0
    platform: object = None
    method: object = None
    path: object = None
    writes_only: bool = False
    body: object = None
    location: object = None
    content_type: object = None
    size: object = None
    chunked: bool = True
    skip: int = 0
    after_writes: int = 0
    fired: int = 0
    seen: int = 0

    @classmethod
    def from_json(cls, data):
        if not isinstance(data, dict):
            raise ValueError("each fault must be an object")
        known = {f for f in cls.__dataclass_fields__ if f not in ("fired", "seen")}
        unknown = set(data) - known
        if unknown:
            raise ValueError("unknown fault keys: %s" % ", ".join(sorted(unknown)))
        if data.get("kind") not in FAULT_KINDS:
            raise ValueError("kind must be one of %s" % ", ".join(FAULT_KINDS))
        if data["kind"] == "redirect":
            data = dict({"status": 302}, **data)
        if data["kind"] in BODY_KINDS:
            data = dict({"status": BODY_KINDS[data["kind"]]}, **data)
        if data["kind"] == "slow":
            data = dict({"seconds": 1.0}, **data)
        fault = cls(**data)
        # Checked here because a bad value would otherwise only fail when a request hits the fault.
        if fault.kind == "redirect":
            if fault.status not in REDIRECT_STATUSES or not _is_number(fault.status, int):
                raise ValueError("status of a redirect must be one of %s" % ", ".join(map(str, REDIRECT_STATUSES)))
            if not _absolute_url(fault.location):
                raise ValueError("location of a redirect must be an absolute URL (scheme://host/...)")
        else:
            lowest = 0 if fault.kind == "commit_then_fail" else 100
            if not _is_number(fault.status, int) or not (fault.status == lowest or 100 <= fault.status <= 599):
                raise ValueError("status must be an HTTP status (100-599%s)"
                                 % (", or 0 to drop" if lowest == 0 else ""))
            if fault.location is not None:
                raise ValueError("location applies only to redirect faults")
        if fault.count is not None and (not _is_number(fault.count, int) or fault.count < 1):
            raise ValueError("count must be a positive integer or null")
        if not _is_number(fault.rate) or not 0.0 <= fault.rate <= 1.0:
            raise ValueError("rate must be a number between 0 and 1")
        if not _is_number(fault.skip, int) or fault.skip < 0:
            raise ValueError("skip must be an integer >= 0")
        if not _is_number(fault.after_writes, int) or fault.after_writes < 0:
            raise ValueError("after_writes must be an integer >= 0")
        if not _is_number(fault.seconds) or fault.seconds < 0:
            raise ValueError("seconds must be a number >= 0")
        if fault.kind == "slow" and not fault.seconds > 0:
            raise ValueError("seconds of a slow fault must be above 0 (the wait between two bytes)")
        if fault.content_type is not None:
            if fault.kind not in BODY_KINDS:
                raise ValueError("content_type applies only to %s faults" % ", ".join(sorted(BODY_KINDS)))
            if not _header_value(fault.content_type):
                raise ValueError("content_type must be a printable ASCII string")
        if fault.size is not None:
            if fault.kind not in ("truncate", "huge"):
                raise ValueError("size applies only to truncate and huge faults")
            if not _is_number(fault.size, int) or not 0 <= fault.size <= HUGE_LIMIT:
                raise ValueError("size must be an integer from 0 to %d (1 GiB)" % HUGE_LIMIT)
        if not isinstance(fault.chunked, bool):
            raise ValueError("chunked must be true or false")
        if fault.body is not None and fault.kind in ("truncate", "huge", "drop", "delay"):
            raise ValueError("body does not apply to %s faults" % fault.kind)
        for key in ("method", "path"):
            if getattr(fault, key) is not None and not isinstance(getattr(fault, key), str):
                raise ValueError("%s must be a string or null" % key)
        platforms = [name for prefix, name in PLATFORM_PREFIXES if name != "operator"]
        if fault.platform is not None and fault.platform not in platforms:
            raise ValueError("platform must be one of %s or null" % ", ".join(platforms))
        return fault

    def matches(self, platform, method, path):
        if self.platform and self.platform != platform:
            return False
        if self.method and self.method.upper() != method:
            return False
        if self.path and not path.startswith(self.path):
            return False
        if self.writes_only and method in ("GET", "HEAD"):
            return False
        return True

    def to_json(self):
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _is_number(value, kind=(int, float)):
    return isinstance(value, kind) and not isinstance(value, bool)


def _header_value(value):
    return isinstance(value, str) and value.isascii() and bool(value) and all(" " <= ch < "\x7f" for ch in value)


def _absolute_url(value):
    # It goes into a header as it is: printable ASCII only.
    if not isinstance(value, str) or not value.isascii() or any(ch <= " " or ch == "\x7f" for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc)


class Faults:
    def __init__(self, seed=None):
        self._lock = threading.Lock()
        self._faults = []
        self._random = random.Random(seed)
        self._writes = {}  # platform -> writes seen since the faults were set

    def set(self, faults, seed=None):
        with self._lock:
            self._faults = list(faults)
            self._writes = {}
            if seed is not None:
                self._random.seed(seed)

    def clear(self):
        self.set([])

    def list(self):
        with self._lock:
            return [f.to_json() for f in self._faults]

    def take(self, platform, method, path):
        """The first active fault for this request, consuming one use of it."""
        with self._lock:
            writes_before = self._writes.get(platform, 0)
            if method not in ("GET", "HEAD"):
                self._writes[platform] = writes_before + 1
            for fault in self._faults:
                if not fault.matches(platform, method, path):
                    continue
                if writes_before < fault.after_writes:
                    continue
                fault.seen += 1
                if fault.seen <= fault.skip:
                    continue
                if fault.count is not None and fault.fired >= fault.count:
                    continue
                if fault.rate < 1.0 and self._random.random() >= fault.rate:
                    continue
                fault.fired += 1
                return fault
        return None


def _drop_connection(send):
    """Close the client's TCP connection without an answer.

    Under uvicorn ``send`` is a bound method of the request cycle, which owns
    the transport; aborting it is what a crashed or restarted PBX looks like
    to a client.  Elsewhere (in-process test clients) raise instead.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionAbortedError("pbxsim: injected dropped connection")
    transport.abort()


class SimulatorASGI:
    """Outermost ASGI app: statistics, fault injection and redirects around the API app."""

    def __init__(self, app, stats, faults, config=None):
        self.app = app
        self.stats = stats
        self.faults = faults
        self.config = config or Config()
        self.state = app.state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        method = scope["method"]
        platform = platform_of(path)
        if platform is None or platform == "operator":
            await self._guarded(scope, receive, send)
            return

        status_box = {"status": None}

        async def counting_send(message):
            if message["type"] == "http.response.start":
                status_box["status"] = message["status"]
            await send(message)

        fault = self.faults.take(platform, method, path)
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(float(fault.seconds))
            fault = None
        if fault is not None and fault.kind == "status":
            self._record(scope, platform, method, path, fault.status)
            await _send_error(send, fault)
            return
        if fault is not None and fault.kind == "redirect":
            scope["pbxsim.kind"] = REDIRECT
            self._record(scope, platform, method, path, fault.status)
            await _send_redirect(send, fault.status, fault.location, fault.body)
            return
        if fault is not None and fault.kind in ("huge", "slow"):
            self._record(scope, platform, method, path, fault.status)
            await (_send_huge if fault.kind == "huge" else _send_slowly)(send, fault)
            return
        if fault is not None and fault.kind == "truncate":
            answer = []

            async def keep(message):
                if message["type"] == "http.response.start":
                    status_box["status"] = message["status"]
                answer.append(message)

            await self._serve(scope, receive, keep, platform)
            self._record(scope, platform, method, path, status_box["status"])
            await _send_truncated(send, answer, fault.size)
            return
        if fault is not None and fault.kind == "drop":
            self._record(scope, platform, method, path, 0)
            _drop_connection(send)
            return
        if fault is not None and fault.kind == "commit_then_fail":
            async def swallow(message):
                if message["type"] == "http.response.start":
                    status_box["status"] = message["status"]

            await self._serve(scope, receive, swallow, platform)
            self._record(scope, platform, method, path, status_box["status"])
            if fault.status:
                await _send_error(send, fault)
            else:
                _drop_connection(send)
            return

        started = time.monotonic()
        try:
            await self._serve(scope, receive, counting_send, platform)
        finally:
            scope["pbxsim.elapsed"] = time.monotonic() - started
            self._record(scope, platform, method, path, status_box["status"])

    async def _serve(self, scope, receive, send, platform):
        if platform == "sipxcom" and self.config.sipxcom_http_redirect and scope.get("scheme") != "https":
            # Apache's mod_rewrite R: sipXconfig never sees the request, so its body is not read.
            scope["pbxsim.kind"] = REDIRECT
            location = https_location(scope)
            await _send_redirect(send, 302, location, apache_found(location), "text/html; charset=iso-8859-1")
            return
        await self._guarded(scope, receive, send)

    async def _guarded(self, scope, receive, send):
        """The API app; what escapes it is a client that went away or a simulator bug.

        The app's catch-all handler has already answered a crash with the platform's 500
        (Starlette re-raises after it); here it is counted and logged once, instead of
        reaching uvicorn's "Exception in ASGI application".
        """
        try:
            await self.app(scope, receive, send)
        except ClientDisconnect:
            pass  # e.g. a client that timed out during an injected delay: normal, nothing to log
        except Exception:  # pylint: disable=broad-except
            self.stats.internal_error()
            LOG.exception("internal error in %s %s", scope.get("method"), scope.get("path"))

    def _record(self, scope, platform, method, path, status):
        kind = scope.get("pbxsim.kind")
        if kind is None:
            if method == "OPTIONS":
                kind = IGNORE
            elif method in ("GET", "HEAD"):
                kind = READ
            else:
                kind = WRITE
        label = scope.get("pbxsim.label")
        if label is None:
            route = scope.get("route")
            label = getattr(route, "path", None) or path
        self.stats.record(platform, kind, method, label, status)


def apache_found(location):
    """The page Apache sends with mod_rewrite's 302."""
    return ('<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>302 Found</title>\n'
            '</head><body>\n<h1>Found</h1>\n<p>The document has moved <a href="%s">here</a>.</p>\n'
            '</body></html>\n' % html.escape(location))


def https_location(scope):
    """https://<Host without its port><path>[?query] for a plain-HTTP request."""
    host = ""
    for name, value in scope.get("headers") or ():
        if name == b"host":
            host = value.decode("latin-1")
            break
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0]
    if host.startswith("["):
        host = host[:host.find("]") + 1] if "]" in host else host
    else:
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    target = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
    query = scope.get("query_string") or b""
    if query:
        target += "?" + query.decode("latin-1")
    return "https://%s%s" % (host, target)


async def _send_redirect(send, status, location, body=None, content_type=None):
    if body is None:
        payload = b""
    elif isinstance(body, str):
        payload = body.encode()
    else:
        payload = json.dumps(body).encode()
        content_type = content_type or "application/json"
    headers = [(b"location", location.encode("latin-1")), (b"content-length", str(len(payload)).encode())]
    if payload:
        headers.append((b"content-type", (content_type or "text/plain").encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def _gone(send):
    """True once the client has closed the connection (under uvicorn; never in-process)."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    return bool(getattr(cycle, "disconnected", False) or (transport is not None and transport.is_closing()))


def _close_connection(send):
    """Close after what was sent is flushed (a drop aborts and loses it); raise in-process."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionAbortedError("pbxsim: injected truncated answer")
    transport.close()


async def _send_truncated(send, answer, size):
    start = next((m for m in answer if m["type"] == "http.response.start"), None)
    if start is None:
        _drop_connection(send)
        return
    body = b"".join(m.get("body", b"") for m in answer if m["type"] == "http.response.body")
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    # Announce the whole body, so that the client knows it was cut off.
    headers.append((b"content-length", str(max(len(body), 1)).encode()))
    cut = len(body) // 2 if size is None else min(size, max(len(body) - 1, 0))
    await send({"type": "http.response.start", "status": start["status"], "headers": headers})
    await send({"type": "http.response.body", "body": body[:cut], "more_body": True})
    _close_connection(send)


async def _send_huge(send, fault):
    size = HUGE_DEFAULT if fault.size is None else fault.size
    headers = [(b"content-type", (fault.content_type or "application/json").encode())]
    if not fault.chunked:
        headers.append((b"content-length", str(size).encode()))
    await send({"type": "http.response.start", "status": fault.status, "headers": headers})
    head = b'{"items": ['
    filler = (b'{"pad": "' + b"x" * 100 + b'"},') * (HUGE_PIECE // 112 + 1)
    sent = 0
    while sent < size and not _gone(send):
        piece = (head + filler if sent == 0 else filler)[:min(HUGE_PIECE, size - sent)]
        sent += len(piece)
        await send({"type": "http.response.body", "body": piece, "more_body": sent < size})
    if sent < size:
        _drop_connection(send)


async def _send_slowly(send, fault):
    payload = _payload(SLOW_DEFAULT if fault.body is None else fault.body)
    headers = [(b"content-type", (fault.content_type or "application/json").encode()),
               (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": fault.status, "headers": headers})
    for index in range(len(payload)):
        if _gone(send):
            return
        await asyncio.sleep(float(fault.seconds))
        await send({"type": "http.response.body", "body": payload[index:index + 1],
                    "more_body": index + 1 < len(payload)})


def _payload(body):
    return json.dumps(body).encode() if not isinstance(body, str) else body.encode()


async def _send_error(send, fault):
    body = fault.body
    if body is None:
        body = {"pbxsim": "injected fault", "status": fault.status}
    payload = _payload(body)
    content_type = (fault.content_type or "application/json").encode()
    headers = [(b"content-type", content_type), (b"content-length", str(len(payload)).encode())]
    if fault.retry_after is not None:
        headers.append((b"retry-after", str(fault.retry_after).encode()))
    await send({"type": "http.response.start", "status": fault.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
