"""Simulator bugs are visible: an exception in a handler is still answered with
the platform's own 500, but carries X-Pbxsim-Internal-Error, is logged with its
traceback and counted in /_sim/stats internal_errors. A client that goes away
(e.g. times out during an injected delay) is normal and neither.

The crashes are made in-process (create_app behind httpx's ASGI transport, a
handler monkeypatched to raise) or in a simulator process started through a
small bootstrap that patches the handler first: the product API has no
"crash me" endpoint.
"""

import asyncio
import logging
import os
import subprocess
import sys
import time

import httpx
import pytest
import requests

from simhelper import HERE as TESTS, free_port

HEADER = "X-Pbxsim-Internal-Error"
ADMIN_KEY = "pbxsim-ipcortex-key-0123456789abcdef"


class Boom(Exception):
    pass


def boom(*args, **kwargs):
    raise Boom("deliberate crash")


# (platform, what to patch, request, status, the body's platform shape)
CRASHES = {
    "portsip": ("pbxsim.platforms.portsip_state.State.login", ("POST", "/api/login"),
                {"json": {"username": "admin", "password": "admin"}},
                lambda r: r.json() == {"errors": [{"code": "UNKNOWN", "message": "Boom: deliberate crash"}]}),
    "sipxcom": ("pbxsim.platforms.sipxcom.dispatch", ("GET", "/sipxconfig/api/users"), {},
                lambda r: r.text == "java.lang.RuntimeException: Boom: deliberate crash"),
    "ipcortex": ("pbxsim.platforms.ipcortex.login", ("POST", "/rest/auth"),
                 {"json": {"auth": {"type": "auth", "key": ADMIN_KEY}}},
                 lambda r: r.json() == {"result": "fail", "message": "Boom: deliberate crash"}),
    "operator": ("pbxsim.core.Faults.list", ("GET", "/_sim/faults"), {},
                 lambda r: r.json() == {"error": "Boom: deliberate crash"}),
}


def in_process(tmp_path, *calls):
    """Send calls [(method, path, kwargs)] to a fresh in-process simulator; the responses."""
    from pbxsim.app import create_app

    app = create_app(str(tmp_path / "state.sqlite"))

    async def run():
        transport = httpx.ASGITransport(app=app)  # an exception escaping the app would be raised here
        async with httpx.AsyncClient(transport=transport, base_url="http://pbxsim.test") as client:
            return [await client.request(method, path, **kwargs) for method, path, kwargs in calls]
    try:
        return asyncio.run(run())
    finally:
        app.state.sim.store.close()


@pytest.mark.parametrize("platform", sorted(CRASHES))
def test_a_crash_is_the_platforms_500_marked_logged_and_counted(tmp_path, monkeypatch, caplog, platform):
    target, (method, path), kwargs, shaped = CRASHES[platform]
    monkeypatch.setattr(target, boom)
    with caplog.at_level(logging.ERROR, logger="pbxsim"):
        crashed, again, stats = in_process(tmp_path, (method, path, kwargs), (method, path, kwargs),
                                           ("GET", "/_sim/stats", {}))
    for r in (crashed, again):
        assert r.status_code == 500
        assert r.headers[HEADER] == "Boom"
        assert shaped(r), r.text
        assert "Traceback" not in r.text
    assert stats.json()["internal_errors"] == 2
    records = [rec for rec in caplog.records if rec.name == "pbxsim"]
    assert len(records) == 2
    assert records[0].getMessage() == "internal error in %s %s" % (method, path)
    assert records[0].exc_info[0] is Boom


def test_internal_errors_are_reset_with_the_counters(tmp_path, monkeypatch):
    monkeypatch.setattr(CRASHES["portsip"][0], boom)
    login = ("POST", "/api/login", CRASHES["portsip"][2])
    answers = in_process(tmp_path, login, ("GET", "/_sim/stats", {}), ("POST", "/_sim/stats/reset", {}),
                         ("GET", "/_sim/stats", {}), login, login, ("POST", "/_sim/reset", {}),
                         ("GET", "/_sim/stats", {}))
    assert [answers[i].json()["internal_errors"] for i in (1, 3, 7)] == [1, 0, 0]


def test_ordinary_answers_carry_no_marker(tmp_path):
    answers = in_process(tmp_path, ("POST", "/api/login", {"json": {"username": "admin", "password": "x"}}),
                         ("GET", "/sipxconfig/api/users", {}), ("POST", "/rest/nowhere", {}),
                         ("GET", "/_sim/stats", {}))
    assert [r.status_code for r in answers[:3]] == [400, 401, 404]
    assert not any(HEADER in r.headers for r in answers)
    assert answers[3].json()["internal_errors"] == 0


def test_a_client_that_went_away_is_not_an_internal_error(tmp_path, caplog):
    """What uvicorn hands the app when the client disconnected before its body was read."""
    from pbxsim.app import create_app

    app = create_app(str(tmp_path / "state.sqlite"))
    sent = []

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/login", "raw_path": b"/api/login", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"pbxsim.test"), (b"content-length", b"40")], "server": ("pbxsim.test", 80)}
    with caplog.at_level(logging.DEBUG, logger="pbxsim"):
        asyncio.run(app(scope, receive, send))
    stats = app.state.sim.stats.snapshot()
    app.state.sim.store.close()
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [499]
    assert stats["internal_errors"] == 0 and stats["by_status"] == {"499": 1}
    assert not [rec for rec in caplog.records if rec.name == "pbxsim"]


# A simulator process whose PortSIP login crashes: the traceback must reach its stderr.
BOOTSTRAP = """
import sys
from pbxsim import __main__ as cli
from pbxsim.platforms import portsip_state


def boom(*args, **kwargs):
    raise RuntimeError("pbxsim test: deliberate crash")


portsip_state.State.login = boom
cli.main(sys.argv[1:])
"""


def test_a_crash_in_a_simulator_process_is_logged_once_on_stderr(tmp_path):
    port = free_port()
    env = dict(os.environ, PYTHONPATH=TESTS + os.pathsep + os.environ.get("PYTHONPATH", ""))
    log = tmp_path / "simulator.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", BOOTSTRAP, "--port", str(port), "--db",
                                 str(tmp_path / "state.sqlite")], stdout=subprocess.DEVNULL, stderr=out, env=env)
    url = "http://127.0.0.1:%d" % port
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                requests.get(url + "/_sim/health", timeout=1)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        r = requests.post(url + "/api/login", json={"username": "admin", "password": "admin"}, timeout=5)
        assert (r.status_code, r.headers[HEADER]) == (500, "RuntimeError")
        assert r.json()["errors"][0]["code"] == "UNKNOWN"
        assert requests.get(url + "/_sim/stats", timeout=5).json()["internal_errors"] == 1
    finally:
        proc.terminate()
        proc.wait(10)
    text = log.read_text()
    assert "pbxsim: internal error in POST /api/login" in text
    assert text.count("Traceback") == 1, text
    assert "RuntimeError: pbxsim test: deliberate crash" in text
    assert "Exception in ASGI application" not in text  # logged by the simulator, not again by uvicorn


def test_a_client_timing_out_during_a_delay_leaves_no_traceback(sim):
    """A delay fault outlives the client's timeout; the handlers then read a body nobody sends."""
    with open(sim.log_path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        start = fh.tell()
    key = sim.ops("GET", "config")["credentials"]["ipcortex"]["api_key"]
    calls = [("POST", "/api/login", {"json": {"username": "admin", "password": "admin"}}),
             ("PUT", "/sipxconfig/rest/branch", {"data": "<branch><name>x</name></branch>",
                                                 "auth": ("superadmin", "superadmin")}),
             ("POST", "/rest/dialplan/read/extension", {"json": {"auth": {"type": "auth", "key": key}}})]
    sim.faults({"kind": "delay", "seconds": 1.5, "count": len(calls)})
    for method, path, kwargs in calls:
        with pytest.raises(requests.Timeout):
            requests.request(method, sim.url + path, timeout=0.3, **kwargs)
    deadline = time.monotonic() + 10
    while sim.stats()["requests"] < len(calls):
        assert time.monotonic() < deadline, sim.stats()
        time.sleep(0.1)
    stats = sim.stats()
    assert stats["internal_errors"] == 0
    assert stats["by_status"] == {"499": len(calls)}
    with open(sim.log_path, "rb") as fh:
        fh.seek(start)
        assert b"Traceback" not in fh.read()
