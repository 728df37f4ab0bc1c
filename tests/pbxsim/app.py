"""Builds the simulator application: the three platform APIs on one port plus
the operator endpoints under ``/_sim/``."""

import importlib
import os
import tempfile

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from .core import INTERNAL_ERROR_HEADER, UNROUTED, Config, Fault, Faults, SimulatorASGI, Stats, mark, platform_of
from .store import Store

PLATFORMS = ("sipxcom", "ipcortex", "portsip")


class Simulator:
    """What every platform module gets: the store, the configuration and the clock."""

    def __init__(self, store, config):
        self.store = store
        self.config = config
        self.stats = Stats()
        self.faults = Faults()
        self.platforms = {}
        for name in PLATFORMS:
            try:
                self.platforms[name] = importlib.import_module("pbxsim.platforms." + name)
            except ModuleNotFoundError as exc:
                if exc.name != "pbxsim.platforms." + name:
                    raise

    def reset(self, platform=None):
        """Forget a platform's objects (all platforms, counters and faults without one)."""
        if platform is None:
            self.store.clear()
            self.stats.reset()
            self.faults.clear()
        else:
            self.store.clear(platform + ".")
            self.store.delete("pbxsim.meta", "seeded." + platform)
        self.ensure_seeded()

    def ensure_seeded(self):
        for name, module in self.platforms.items():
            if not self.store.get("pbxsim.meta", "seeded." + name):
                module.seed(self)
                self.store.put("pbxsim.meta", "seeded." + name, {"seeded": True})


def _render_error(sim, request, status, message):
    module = sim.platforms.get(platform_of(request.url.path) or "")
    if module is not None:
        return module.render_error(request, status, message)
    return JSONResponse({"error": message}, status_code=status)


def create_app(db_path=None, config=None):
    if db_path is None:
        fd, db_path = tempfile.mkstemp(prefix="pbxsim-", suffix=".sqlite")
        os.close(fd)
    sim = Simulator(Store(db_path), config or Config())
    sim.ensure_seeded()

    app = FastAPI(title="pbxsim", docs_url="/_sim/docs", openapi_url="/_sim/openapi.json", redoc_url=None)
    app.state.sim = sim

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        route = request.scope.get("route")
        no_handler = route is None or request.method not in (getattr(route, "methods", None) or ())
        if no_handler and request.method != "OPTIONS":  # OPTIONS is never counted
            # The router's own 404 (no path matched) or 405 (no route for the method): no handler ran.
            mark(request, kind=UNROUTED)
        return _render_error(sim, request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            parts.append("%s: %s" % (loc or "body", err.get("msg")))
        return _render_error(sim, request, 400, "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        if isinstance(exc, ClientDisconnect):
            # Nobody is listening; 499 (nginx's "client closed request") is only what the statistics show.
            return Response(status_code=499)
        # The platform's own 500, never a traceback; the header lets tests tell a simulator bug from a
        # vendor 500 (the exception is counted and logged by SimulatorASGI, which Starlette re-raises it to).
        response = _render_error(sim, request, 500, "%s: %s" % (type(exc).__name__, exc))
        response.headers[INTERNAL_ERROR_HEADER] = type(exc).__name__
        return response

    app.include_router(operator_router(sim))
    for module in sim.platforms.values():
        app.include_router(module.router(sim))
    return SimulatorASGI(app, sim.stats, sim.faults, sim.config)


def operator_router(sim):
    from fastapi import APIRouter

    r = APIRouter(prefix="/_sim")

    def bad(message):
        return JSONResponse({"error": message}, status_code=400)

    @r.get("/health")
    async def health():
        return {"ok": True, "platforms": list(sim.platforms), "db": sim.store.path}

    @r.get("/config")
    async def config():
        c = sim.config
        return {"credentials": c.credentials(), "portsip_version": c.portsip_version,
                "sipxcom_domain": c.sipxcom_domain, "sipxcom_http_redirect": c.sipxcom_http_redirect,
                "portsip_switch_mode": c.portsip_switch_mode,
                "portsip_login_failure_status": c.portsip_login_failure_status}

    @r.get("/stats")
    async def stats(log: bool = False):
        return sim.stats.snapshot(with_log=log)

    @r.post("/stats/reset")
    async def stats_reset():
        sim.stats.reset()
        return {"ok": True}

    @r.post("/reset")
    async def reset(platform: str = None):
        if platform is not None and platform not in sim.platforms:
            return bad("unknown platform %r" % platform)
        sim.reset(platform)
        return {"ok": True}

    @r.get("/faults")
    async def faults_list():
        return {"faults": sim.faults.list()}

    @r.post("/faults")
    async def faults_set(request: Request):
        try:
            data = await request.json()
        except ValueError:
            return bad("body must be JSON")
        seed = None
        if isinstance(data, dict):
            seed = data.get("seed")
            data = data["faults"] if "faults" in data else [{k: v for k, v in data.items() if k != "seed"}]
        if not isinstance(data, list):
            return bad("expected a list of faults or {\"faults\": [...]}")
        try:
            faults = [Fault.from_json(item) for item in data]
        except (TypeError, ValueError) as exc:
            return bad(str(exc))
        sim.faults.set(faults, seed=seed)
        return {"faults": sim.faults.list()}

    @r.delete("/faults")
    async def faults_clear():
        sim.faults.clear()
        return {"faults": []}

    @r.post("/fixtures")
    async def fixtures(request: Request):
        """Load fixtures: {"platform": ..., "fixture": ..., "items": [...]}."""
        try:
            data = await request.json()
        except ValueError:
            return bad("body must be JSON")
        if not isinstance(data, dict):
            return bad("body must be an object")
        module = sim.platforms.get(data.get("platform"))
        if module is None:
            return bad("platform must be one of %s" % ", ".join(sim.platforms))
        loaders = getattr(module, "FIXTURES", {})
        loader = loaders.get(data.get("fixture"))
        if loader is None:
            return bad("fixture must be one of %s" % ", ".join(sorted(loaders)))
        items = data.get("items", [])
        if not isinstance(items, list):
            return bad("items must be a list")
        try:
            loaded = loader(sim, items)
        except (KeyError, TypeError, ValueError) as exc:
            return bad("bad fixture item: %s" % exc)
        return {"loaded": loaded}

    @r.get("/fixtures")
    async def fixtures_list():
        return {name: sorted(getattr(m, "FIXTURES", {})) for name, m in sim.platforms.items()}

    return r
