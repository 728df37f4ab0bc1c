"""Throughput of the PBX simulator, measured from a second process.

Starts a simulator (its own process, state in a persistent SQLite file), then
this script drives it over HTTP with keep-alive sessions, as a module would:
authenticated list reads and creates on each platform.  Prints requests per
second per platform and overall against the goal, then restarts the simulator
on the same file to check that every write was persisted.  It always exits 0
once it has run, whether or not the goal is met (the lines say PASS or FAIL).

    PYTHONPATH=tests python tests/bench/sim_bench.py [--reads 2000] [--writes 1000] [--threads 2]
"""

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from simhelper import RunningSimulator  # noqa: E402

GOAL_READS, GOAL_WRITES = 500.0, 200.0
TIMEOUT = 10


class Sipxcom:
    """GET/POST /sipxconfig/api/users with Basic auth."""

    name = "sipxcom"

    def __init__(self, url, creds):
        self.url = url + "/sipxconfig/api/users"
        self.auth = (creds["username"], creds["password"])

    def setup(self, http):
        pass

    def session(self, http):
        http.auth = self.auth
        http.headers["Accept"] = "application/json"

    def read(self, http, i):
        r = http.get(self.url, timeout=TIMEOUT)
        return r.status_code == 200

    def write(self, http, i):
        r = http.post(self.url, timeout=TIMEOUT, json={
            "userName": "bench%d" % i, "firstName": "Bench", "lastName": "User %d" % i,
            "sipPassword": "sip-%d-secret" % i})
        return r.status_code == 200

    def count(self, http):
        return len(http.get(self.url, timeout=TIMEOUT).json()["users"]) - 1  # less the seeded superadmin


class Ipcortex:
    """POST /rest/dialplan/read|create/extension with the API key in the body.

    IPCortex answers 200 even when a call fails, so success is the body's result.
    """

    name = "ipcortex"

    def __init__(self, url, creds):
        self.url = url + "/rest/dialplan/%s/extension"
        self.auth = {"type": "auth", "key": creds["api_key"]}

    def setup(self, http):
        pass

    def session(self, http):
        pass

    def _call(self, http, verb, body):
        body["auth"] = self.auth
        r = http.post(self.url % verb, json=body, timeout=TIMEOUT)
        return r.json() if r.status_code == 200 else {}

    def read(self, http, i):
        answer = self._call(http, "read", {"scope": {"company": "default"},
                                           "columns": ["virt_exten", "company", "name", "owner"]})
        return answer.get("result") == "success"

    def write(self, http, i):
        answer = self._call(http, "create", {"values": {"virt_exten": str(100000 + i), "company": "default"}})
        return answer.get("result") == "success"

    def count(self, http):
        return self._call(http, "read", {"scope": {"company": "default"}, "columns": ["virt_exten"]})["numrows"]


class Portsip:
    """POST /api/auth/sign_in, then GET/POST /api/users with a bearer token in a tenant of its own."""

    name = "portsip"

    def __init__(self, url, creds):
        self.url = url + "/api"
        self.login = {"username": creds["username"], "password": creds["password"]}
        self.headers = {}

    def setup(self, http):
        r = http.post(self.url + "/auth/sign_in", json=self.login, timeout=TIMEOUT)
        r.raise_for_status()
        self.headers = {"Authorization": "Bearer " + r.json()["access_token"]}
        r = http.post(self.url + "/tenants", headers=self.headers, timeout=TIMEOUT, json={
            "name": "bench", "domain": "bench.example.com", "timezone": "UTC", "currency": "USD",
            "region": "US", "max_extensions": 10 ** 6})
        r.raise_for_status()
        http.post(self.url + "/tenants/switch", params={"id": r.json()["id"]}, headers=self.headers,
                  timeout=TIMEOUT).raise_for_status()

    def session(self, http):
        http.headers.update(self.headers)

    def read(self, http, i):
        return http.get(self.url + "/users", timeout=TIMEOUT).status_code == 200

    def write(self, http, i):
        r = http.post(self.url + "/users", timeout=TIMEOUT, json={
            "name": "bench%d" % i, "password": "Bench-pw-%d" % i, "email": "bench%d@bench.example.com" % i,
            "display_name": "Bench %d" % i, "role": "StandardUser", "extension_number": str(100000 + i),
            "extension_password": "Ext-pw-%d" % i, "voicemail_pin": "135792"})  # PortSIP refuses PINs with runs like 000 or 123
        return r.status_code == 201

    def count(self, http):
        return http.get(self.url + "/users", params={"top": 1}, timeout=TIMEOUT).json()["count"]


PLATFORMS = {p.name: p for p in (Sipxcom, Ipcortex, Portsip)}


def new_session(platform):
    http = requests.Session()
    http.trust_env = False  # no proxy, and REQUESTS_CA_BUNDLE must not matter
    platform.session(http)
    return http


def server_cpu(pid):
    """CPU seconds the simulator process has used (Linux), or None."""
    try:
        with open("/proc/%d/stat" % pid) as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_phase(sim, platform, op, indices, threads, deadline):
    """Run op(i) for every index over `threads` keep-alive sessions.

    Returns (done, errors, seconds, simulator CPU ms per request or None).
    """
    done, errors = [0] * threads, [0] * threads

    def worker(t):
        with new_session(platform) as http:
            for i in indices[t::threads]:
                if time.monotonic() > deadline:
                    return
                try:
                    ok = op(http, i)
                except (requests.RequestException, ValueError):
                    ok = False
                done[t] += 1
                errors[t] += 0 if ok else 1

    workers = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    cpu = server_cpu(sim.proc.pid)
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.monotonic() - started
    if cpu is not None and sum(done):
        cpu = (server_cpu(sim.proc.pid) - cpu) * 1000 / sum(done)
    return sum(done), sum(errors), seconds, cpu


def ms(value):
    return "?" if value is None else "%.2f" % value


def rate(phase):
    done, seconds = phase[0], phase[2]
    return done / seconds if seconds else 0.0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    p.add_argument("--reads", type=int, default=2000, help="reads per platform")
    p.add_argument("--writes", type=int, default=1000, help="writes (creates) per platform")
    p.add_argument("--objects", type=int, default=20, help="objects created before the reads, so lists are not empty")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--platforms", default=",".join(PLATFORMS))
    p.add_argument("--db", help="SQLite file (default: a new temporary file)")
    p.add_argument("--max-seconds", type=float, default=120, help="give up a phase after this long")
    args = p.parse_args(argv)
    names = [n for n in args.platforms.split(",") if n]
    unknown = set(names) - set(PLATFORMS)
    if unknown:
        p.error("unknown platform(s): %s" % ", ".join(sorted(unknown)))
    tmp = None if args.db else tempfile.mkdtemp(prefix="pbxsim-bench-")
    sim = RunningSimulator(db=args.db or os.path.join(tmp, "bench.sqlite")).start()
    try:
        return bench(sim, names, args)
    finally:
        sim.stop()
        shutil.rmtree(sim.tmp, ignore_errors=True)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def bench(sim, names, args):
    creds = sim.ops("GET", "config")["credentials"]
    print("pbxsim benchmark: %d reads and %d writes per platform, %d client thread(s), keep-alive; state in %s"
          % (args.reads, args.writes, args.threads, sim.db))
    if hasattr(os, "getloadavg"):
        print("load average before the run: %.2f on %d CPUs (other work on the machine lowers the figures)"
              % (os.getloadavg()[0], os.cpu_count()))
    header = ("platform", "reads", "reads/s", "writes", "writes/s", "errors", "simulator CPU ms per read / write")
    print("%-10s %7s %9s %7s %9s %7s   %s" % header)
    results, problems = {}, []
    for name in names:
        platform = PLATFORMS[name](sim.url, creds[name])
        try:
            with new_session(platform) as http:
                platform.setup(http)
                platform.session(http)
                # Untimed: something for the list reads to return.
                if not all(platform.write(http, 10 ** 6 + i) for i in range(args.objects)):
                    problems.append("%s: could not create the objects to read" % name)
        except (requests.RequestException, ValueError, KeyError) as exc:
            problems.append("%s: setup failed, skipped: %s" % (name, exc))
            continue
        sim.reset_stats()
        reads = run_phase(sim, platform, platform.read, list(range(args.reads)), args.threads,
                          time.monotonic() + args.max_seconds)
        writes = run_phase(sim, platform, platform.write, list(range(args.writes)), args.threads,
                           time.monotonic() + args.max_seconds)
        # The simulator's own count: every timed request was a real read or write to it.
        stats = sim.stats()["by_platform"].get(name, {})
        if (stats.get("reads"), stats.get("writes")) != (reads[0], writes[0]):
            problems.append("%s: the simulator counted %s reads and %s writes"
                            % (name, stats.get("reads"), stats.get("writes")))
        errors = reads[1] + writes[1]
        if errors:
            problems.append("%s: %d request(s) failed" % (name, errors))
        if reads[0] < args.reads or writes[0] < args.writes:
            problems.append("%s: a phase was stopped after %.0f s" % (name, args.max_seconds))
        results[name] = (platform, reads, writes)
        print("%-10s %7d %9.1f %7d %9.1f %7d   %s / %s" % (
            name, reads[0], rate(reads), writes[0], rate(writes), errors, ms(reads[3]), ms(writes[3])))

    overall_reads = tuple(sum(r[1][k] for r in results.values()) for k in range(3))
    overall_writes = tuple(sum(r[2][k] for r in results.values()) for k in range(3))
    errors = overall_reads[1] + overall_writes[1]
    print("%-10s %7d %9.1f %7d %9.1f %7d" % ("overall", overall_reads[0], rate(overall_reads), overall_writes[0],
                                             rate(overall_writes), errors))

    sim.restart()
    persisted = []
    for name, (platform, unused_reads, writes) in results.items():
        try:
            with new_session(platform) as http:  # the PortSIP token is persisted state too
                found = platform.count(http)
        except (requests.RequestException, ValueError, KeyError) as exc:
            found = "error: %s" % exc
        expected = args.objects + writes[0] - writes[1]
        persisted.append("%s %s/%d" % (name, found, expected))
        if found != expected:
            problems.append("%s: %s objects after the restart, expected %d" % (name, found, expected))
    print("after a restart on the same file: " + ", ".join(persisted) + " objects")

    print("goal: >=%d reads/s, >=%d writes/s" % (GOAL_READS, GOAL_WRITES))
    verdicts = []
    for name, reads, writes in [(n, r[1], r[2]) for n, r in results.items()] + [
            ("overall", overall_reads, overall_writes)]:
        pair = (rate(reads) >= GOAL_READS, rate(writes) >= GOAL_WRITES)
        verdicts.extend(pair)
        print("  %-9s reads %s  writes %s" % (name, *("PASS" if v else "FAIL" for v in pair)))
    for problem in problems:
        print("problem: " + problem)
    print("result: %s" % ("PASS" if all(verdicts) and results and not problems else "FAIL"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
