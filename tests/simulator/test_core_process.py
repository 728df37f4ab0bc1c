"""The simulator as a process: command line, temporary state and TLS.

Each test starts its own simulator, so keep them few.
"""

import os
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
        if db:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.unlink(db + suffix)
    assert "state: %s" % db in out


def test_bad_credentials_argument_stops_with_a_message():
    proc = subprocess.run([sys.executable, "-m", "pbxsim", "--port", str(free_port()),
                           "--portsip-credentials", "no-colon"],
                          env=_env(), capture_output=True, text=True, timeout=30, check=False)
    assert proc.returncode != 0
    assert "USER:PASSWORD" in proc.stderr
    assert "Traceback" not in proc.stderr


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
