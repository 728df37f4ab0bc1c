"""Start and drive a real simulator process (uvicorn on a free local port).

Used by the simulator's own tests, the integration tests, the benchmarks and
``make demo``: every one of them talks HTTP to a separate process, exactly as
a module or a user would.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningSimulator:
    """A simulator process; ``url`` is its base address, ``ops`` its operator API."""

    def __init__(self, db=None, port=None, tls=False, extra_args=(), home=None):
        # home: the folder holding pbxsim, started from there as a user does (docs/simulator.md); this
        # checkout's tests/ by default.
        self.home = home
        self.tmp = tempfile.mkdtemp(prefix="pbxsim-")
        self.db = db or os.path.join(self.tmp, "state.sqlite")
        self.port = port or free_port()
        self.tls = tls
        self.extra_args = list(extra_args)
        self.proc = None
        scheme = "https" if tls else "http"
        self.url = "%s://127.0.0.1:%d" % (scheme, self.port)
        self.ca_path = os.path.join(self.tmp, "tls", "cert.pem") if tls else None
        self.http = requests.Session()
        # REQUESTS_CA_BUNDLE (set on many CI hosts) would override verify, and proxies would apply.
        self.http.trust_env = False
        if tls:
            self.http.verify = self.ca_path  # written by the simulator when it starts

    def start(self, timeout=30):
        cmd = [sys.executable, "-m", "pbxsim", "--port", str(self.port), "--db", self.db]
        if self.tls:
            cmd += ["--tls", "--cert-dir", os.path.join(self.tmp, "tls")]
        cmd += self.extra_args
        env = dict(os.environ)
        if self.home is None:
            env["PYTHONPATH"] = HERE + os.pathsep + env.get("PYTHONPATH", "")
        else:
            env.pop("PYTHONPATH", None)
        self.log_path = os.path.join(self.tmp, "simulator.log")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=self.home)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("simulator exited early:\n" + open(self.log_path).read())
            try:
                if (not self.tls or os.path.exists(self.ca_path)) and \
                        self.http.get(self.url + "/_sim/health", timeout=1).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("simulator did not start in %ss:\n%s" % (timeout, open(self.log_path).read()))

    def stop(self):
        # An idle keep-alive TLS connection holds uvicorn's shutdown until its timeout.
        self.http.close()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None

    def restart(self):
        self.stop()
        return self.start()

    # -- operator API --------------------------------------------------------
    def ops(self, method, path, **kwargs):
        r = self.http.request(method, self.url + "/_sim/" + path.lstrip("/"), timeout=10, **kwargs)
        r.raise_for_status()
        return r.json()

    def reset(self, platform=None):
        return self.ops("POST", "reset", params={"platform": platform} if platform else None)

    def stats(self):
        return self.ops("GET", "stats")

    def reset_stats(self):
        return self.ops("POST", "stats/reset")

    def faults(self, *faults, seed=None):
        return self.ops("POST", "faults", json={"faults": list(faults), "seed": seed})

    def fixtures(self, platform, fixture, items):
        return self.ops("POST", "fixtures", json={"platform": platform, "fixture": fixture, "items": items})

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
