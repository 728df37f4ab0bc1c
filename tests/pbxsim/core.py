"""The simulator's shared machinery: configuration, request statistics, fault
injection and the outermost ASGI wrapper that applies them.

Platform modules (``pbxsim.platforms.*``) know nothing of statistics or
faults; they may only tag a request with ``mark(request, kind=..., label=...)``
when the HTTP method alone does not say whether it reads or writes (IPCortex
sends every call as a POST; logins are not counted as reads or writes).
"""

import asyncio
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

READ, WRITE, LOGIN, IGNORE = "read", "write", "login", "ignore"

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
            self.reads = 0
            self.writes = 0
            self.logins = 0
            self.by_platform = {}
            self.by_route = Counter()
            self.by_status = Counter()
            self.log = []

    def record(self, platform, kind, method, label, status):
        with self._lock:
            if kind == READ:
                self.reads += 1
            elif kind == WRITE:
                self.writes += 1
            elif kind == LOGIN:
                self.logins += 1
            else:
                return
            plat = self.by_platform.setdefault(platform, {"reads": 0, "writes": 0, "logins": 0, "by_route": {}})
            plat[kind + "s"] += 1
            key = "%s %s" % (method, label)
            route = plat["by_route"].setdefault(key, {"reads": 0, "writes": 0, "logins": 0})
            route[kind + "s"] += 1
            self.by_route["%s %s" % (platform, key)] += 1
            self.by_status[str(status)] += 1
            if len(self.log) < 10000:
                self.log.append({"platform": platform, "kind": kind, "method": method, "route": label, "status": status})

    def snapshot(self, with_log=False):
        with self._lock:
            out = {
                "reads": self.reads,
                "writes": self.writes,
                "logins": self.logins,
                "requests": self.reads + self.writes + self.logins,
                "by_platform": json.loads(json.dumps(self.by_platform)),
                "by_route": dict(self.by_route),
                "by_status": dict(self.by_status),
            }
            if with_log:
                out["log"] = list(self.log)
            return out


FAULT_KINDS = ("status", "drop", "delay", "commit_then_fail")


@dataclass
class Fault:
    """One injected fault.

    kind: status (answer ``status`` without touching state, with ``retry_after``
    when given), drop (close the connection without an answer), delay (sleep
    ``seconds`` then serve normally), commit_then_fail (serve the request, keep
    what it stored, then answer ``status`` or drop when ``status`` is 0).
    count: how many matching requests it applies to (None = unlimited);
    rate: the fraction of matching requests it applies to (1.0 = all).
    platform/method/path: optional filters; path is a prefix of the URL path.
    writes_only: only requests that are not GET/HEAD.
    skip: let this many matching requests through before the fault starts
    (e.g. fail the second write of a bulk run).
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
    skip: int = 0
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
        fault = cls(**data)
        # Checked here because a bad value would otherwise only fail when a request hits the fault.
        lowest = 0 if fault.kind == "commit_then_fail" else 100
        if not _is_number(fault.status, int) or not (fault.status == lowest or 100 <= fault.status <= 599):
            raise ValueError("status must be an HTTP status (100-599%s)" % (", or 0 to drop" if lowest == 0 else ""))
        if fault.count is not None and (not _is_number(fault.count, int) or fault.count < 1):
            raise ValueError("count must be a positive integer or null")
        if not _is_number(fault.rate) or not 0.0 <= fault.rate <= 1.0:
            raise ValueError("rate must be a number between 0 and 1")
        if not _is_number(fault.skip, int) or fault.skip < 0:
            raise ValueError("skip must be an integer >= 0")
        if not _is_number(fault.seconds) or fault.seconds < 0:
            raise ValueError("seconds must be a number >= 0")
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


class Faults:
    def __init__(self, seed=None):
        self._lock = threading.Lock()
        self._faults = []
        self._random = random.Random(seed)

    def set(self, faults, seed=None):
        with self._lock:
            self._faults = list(faults)
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
            for fault in self._faults:
                if not fault.matches(platform, method, path):
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
    """Outermost ASGI app: statistics and fault injection around the API app."""

    def __init__(self, app, stats, faults):
        self.app = app
        self.stats = stats
        self.faults = faults
        self.state = app.state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        method = scope["method"]
        platform = platform_of(path)
        if platform is None or platform == "operator":
            await self.app(scope, receive, send)
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
        if fault is not None and fault.kind == "drop":
            self._record(scope, platform, method, path, 0)
            _drop_connection(send)
            return
        if fault is not None and fault.kind == "commit_then_fail":
            async def swallow(message):
                if message["type"] == "http.response.start":
                    status_box["status"] = message["status"]

            await self.app(scope, receive, swallow)
            self._record(scope, platform, method, path, status_box["status"])
            if fault.status:
                await _send_error(send, fault)
            else:
                _drop_connection(send)
            return

        started = time.monotonic()
        try:
            await self.app(scope, receive, counting_send)
        finally:
            scope["pbxsim.elapsed"] = time.monotonic() - started
            self._record(scope, platform, method, path, status_box["status"])

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


async def _send_error(send, fault):
    body = fault.body
    if body is None:
        body = {"pbxsim": "injected fault", "status": fault.status}
    payload = json.dumps(body).encode() if not isinstance(body, str) else body.encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    if fault.retry_after is not None:
        headers.append((b"retry-after", str(fault.retry_after).encode()))
    await send({"type": "http.response.start", "status": fault.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
