"""The simulator as a process: command line, temporary state and TLS.

Each test starts its own simulator, so keep them few.
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import pytest
import requests

from simhelper import HERE, RunningSimulator, free_port


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = HERE + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _wait_healthy(proc, url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            return requests.get(url + "/_sim/health", timeout=1).json()
        except requests.RequestException:
            time.sleep(0.1)
    raise AssertionError("simulator did not start")


def test_without_db_a_temporary_database_is_used_and_credentials_come_from_the_command_line():
    port = free_port()
    args = ["--sipxcom-credentials", "root:s3cret", "--ipcortex-api-key", "k-123",
            "--portsip-credentials", "sys:pw:with:colons"]
    proc = subprocess.Popen([sys.executable, "-m", "pbxsim", "--port", str(port)] + args, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = "http://127.0.0.1:%d" % port
    db = None
    try:
        health = _wait_healthy(proc, url)
        db = health["db"]
        assert os.path.dirname(db) == tempfile.gettempdir()
        assert os.path.basename(db).startswith("pbxsim-")
        assert os.path.getsize(db) > 0  # SQLite has written its schema there
        creds = requests.get(url + "/_sim/config", timeout=5).json()["credentials"]
        assert creds["sipxcom"] == {"username": "root", "password": "s3cret"}
        assert creds["ipcortex"]["api_key"] == "k-123"
        assert creds["portsip"] == {"username": "sys", "password": "pw:with:colons"}
        # The platforms use them: the new sipXcom superadmin is let in, the default one is not.
        users = url + "/sipxconfig/api/users"
        assert requests.get(users, auth=("root", "s3cret"), timeout=5).status_code == 200
        assert requests.get(users, auth=("superadmin", "superadmin"), timeout=5).status_code == 401
    finally:
        proc.terminate()
        out = proc.communicate(timeout=10)[0]
    assert "state: %s, removed at exit" % db in out
    # The banner names every platform's full base URL.
    for base, who in (("/sipxconfig/", "superadmin: root / s3cret"), ("/rest/", "API key: k-123"),
                      ("/api/", "system admin: sys / pw:with:colons"), ("/_sim/", "stats")):
        assert re.search(r"(?m)^  \S+ +%s%s .*%s" % (re.escape(url), re.escape(base), re.escape(who)), out), out
    assert [p for p in (db, db + "-wal", db + "-shm") if os.path.exists(p)] == []


def _started(args, tls=False):
    """A simulator process and the paths its banner printed (state, certificate), once it serves."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pbxsim", "--port", str(port)] + args, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    while not lines or not lines[-1].startswith("  operator"):
        line = proc.stdout.readline()
        assert line, "".join(lines)
        lines.append(line)
    banner = "".join(lines)
    db = re.search(r"\(state: (.+?)(, removed at exit)?\)$", lines[0]).group(1)
    cert = re.search(r"ca_path\): (\S+)", banner)
    cert = cert.group(1) if cert else None
    url = "%s://127.0.0.1:%d" % ("https" if tls else "http", port)
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(url + "/_sim/health", verify=cert or True, timeout=1).ok:
                break
        except requests.RequestException:
            assert proc.poll() is None and time.monotonic() < deadline, banner
            time.sleep(0.1)
    return proc, url, db, cert


def _leftovers(*paths):
    return [p for p in paths if os.path.exists(p)]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_the_temporary_database_and_certificate_are_removed_at_exit(stop):
    proc, url, db, cert = _started(["--tls"], tls=True)
    try:
        cert_dir = os.path.dirname(cert)
        assert os.path.basename(cert_dir).startswith("pbxsim-tls-")
        assert os.path.dirname(cert_dir) == tempfile.gettempdir()
        assert requests.post(url + "/api/login", json={"username": "admin", "password": "admin"}, verify=cert,
                             timeout=5).ok  # something written, so that SQLite has its -wal file
        assert os.path.exists(db + "-wal") and os.path.exists(os.path.join(cert_dir, "key.pem"))
    finally:
        proc.send_signal(stop)
        out = proc.communicate(timeout=15)[0]
    assert "Traceback" not in out
    assert _leftovers(db, db + "-wal", db + "-shm", cert_dir) == []


def test_a_named_database_and_its_certificate_are_kept(tmp_path):
    db = str(tmp_path / "kept.sqlite")
    proc, url, printed, cert = _started(["--db", db, "--tls"], tls=True)
    try:
        assert printed == db
        assert cert == str(tmp_path / "pbxsim-tls" / "cert.pem")  # beside the named database
        requests.get(url + "/_sim/health", verify=cert, timeout=5)
    finally:
        proc.terminate()
        out = proc.communicate(timeout=15)[0]
    assert "removed at exit" not in out
    assert _leftovers(db, cert) == [db, cert]


def test_a_bad_argument_leaves_no_temporary_database(tmp_path):
    env = dict(_env(), TMPDIR=str(tmp_path))  # where the simulator makes its temporary files
    proc = subprocess.run([sys.executable, "-m", "pbxsim", "--port", str(free_port()),
                           "--ipcortex-credentials", "nocolon"],
                          env=env, capture_output=True, text=True, timeout=30, check=False)
    assert proc.returncode != 0 and "USER:PASSWORD" in proc.stderr
    assert os.listdir(tmp_path) == []


@pytest.fixture(scope="module")
def tls_sim():
    with RunningSimulator(tls=True) as sim:
        yield sim


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_tls_verifies_against_the_generated_certificate(tls_sim, host):
    assert tls_sim.url.startswith("https://")
    r = requests.get("https://%s:%d/_sim/health" % (host, tls_sim.port), verify=tls_sim.ca_path, timeout=5)
    assert r.status_code == 200
    assert r.json()["ok"] is True


def test_tls_fails_against_the_default_ca_bundle(tls_sim):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(tls_sim.url + "/_sim/health", timeout=5)


def test_tls_serves_platform_paths_and_faults(tls_sim):
    with requests.Session() as http:
        http.trust_env = False  # so that REQUESTS_CA_BUNDLE does not replace verify
        http.verify = tls_sim.ca_path
        tls_sim.faults({"kind": "status", "status": 503, "count": 1})
        assert http.get(tls_sim.url + "/api/pbxsim-core-test", timeout=5).status_code == 503
        tls_sim.faults({"kind": "drop"})
        with pytest.raises(requests.ConnectionError):
            http.get(tls_sim.url + "/api/pbxsim-core-test", timeout=5)
        assert http.get(tls_sim.url + "/_sim/health", timeout=5).ok


def test_plain_http_is_not_served_on_the_tls_port(tls_sim):
    with pytest.raises(requests.ConnectionError):
        requests.get("http://127.0.0.1:%d/_sim/health" % tls_sim.port, timeout=5)
