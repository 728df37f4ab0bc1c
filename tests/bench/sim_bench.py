"""Throughput of the PBX simulator, measured from a second process.

Starts a simulator (its own process, state in a persistent SQLite file), then
this script drives it over HTTP with keep-alive sessions, as a module would:
authenticated list reads (one page of PAGE objects) and creates on each
platform.  Three timed phases per platform, after PAGE objects are created so
that every read returns a full page:

- mixed (the headline): each thread repeats write, read, read (1 write per 2
  reads), so every write voids the simulator's sipXcom read cache before the
  next reads, as in a real run;
- read-only and write-only, for reference (sipXcom's read-only reads are
  served from a cache no write voids: flattered).

Prints requests per second per platform and overall against the goal, with the
simulator's CPU per request, then restarts the simulator on the same file to
check that every write was persisted.  Writes its tables into docs/benchmarks.md
(section "bench-sim") and docs/benchmarks.json.  It always exits 0 once it has
run, whether or not the goal is met (the lines say PASS or FAIL).

    PYTHONPATH=tests python tests/bench/sim_bench.py [--mixed 1000] [--reads 2000] [--writes 1000] [--threads 2]
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
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simhelper import RunningSimulator  # noqa: E402

import results  # noqa: E402

GOAL_READS, GOAL_WRITES = 500.0, 200.0
TIMEOUT = 10
PAGE = 100
MIX = ("write", "read", "read")  # one mixed cycle per thread: 1 write per 2 reads
SEED_BASE = 10 ** 6  # indices of the objects created before the timed phases
TITLES = {"sipxcom": "sipXcom", "ipcortex": "IPCortex", "portsip": "PortSIP", "overall": "overall"}


class Sipxcom:
    """GET/POST /sipxconfig/api/users with Basic auth; a read is one page (start, limit)."""

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
        r = http.get(self.url, params={"start": 0, "limit": PAGE}, timeout=TIMEOUT)
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

    IPCortex answers 200 even when a call fails, so success is the body's result.  Its read has no
    paging: a read names the PAGE extensions created first.
    """

    name = "ipcortex"

    def __init__(self, url, creds):
        self.url = url + "/rest/dialplan/%s/extension"
        self.auth = {"type": "auth", "key": creds["api_key"]}
        self.page = [self.number(SEED_BASE + i) for i in range(PAGE)]

    @staticmethod
    def number(i):
        return str(100000 + i)

    def setup(self, http):
        pass

    def session(self, http):
        pass

    def _call(self, http, verb, body):
        body["auth"] = self.auth
        r = http.post(self.url % verb, json=body, timeout=TIMEOUT)
        return r.json() if r.status_code == 200 else {}

    def read(self, http, i):
        answer = self._call(http, "read", {"scope": {"company": "default", "virt_exten": self.page},
                                           "columns": ["virt_exten", "company", "name", "owner"]})
        return answer.get("result") == "success"

    def write(self, http, i):
        answer = self._call(http, "create", {"values": {"virt_exten": self.number(i), "company": "default"}})
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
        return http.get(self.url + "/users", params={"top": PAGE}, timeout=TIMEOUT).status_code == 200

    def write(self, http, i):
        r = http.post(self.url + "/users", timeout=TIMEOUT, json={
            "name": "bench%d" % i, "password": "Bench-pw-%d" % i, "email": "bench%d@bench.example.com" % i,
            "display_name": "Bench %d" % i, "role": "StandardUser", "extension_number": str(100000 + i),
            # PortSIP refuses PINs with runs like 000 or 123.
            "extension_password": "Ext-pw-%d" % i, "voicemail_pin": "135792"})
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


class Phase:
    """What one timed phase did: per kind (read, write) requests, failures and seconds spent waiting on them."""

    def __init__(self, threads):
        self.threads = threads
        self.done = {"read": 0, "write": 0}
        self.errors = {"read": 0, "write": 0}
        self.busy = {"read": 0.0, "write": 0.0}
        self.seconds = 0.0
        self.cpu_s = None  # simulator CPU seconds over the phase
        self.stopped = False

    def add(self, other):
        for kind in self.done:
            self.done[kind] += other.done[kind]
            self.errors[kind] += other.errors[kind]
            self.busy[kind] += other.busy[kind]
        self.seconds += other.seconds
        if other.cpu_s is not None:
            self.cpu_s = (self.cpu_s or 0.0) + other.cpu_s

    @property
    def cpu_ms(self):
        """Simulator CPU per request, ms."""
        return None if self.cpu_s is None or not self.requests() else self.cpu_s * 1000 / self.requests()

    def requests(self):
        return sum(self.done.values())

    def rate(self, kind):
        """Requests of ``kind`` per second of the phase's wall time spent on them.

        In a phase of one kind that is requests / wall seconds.  In the mixed phase each kind gets its
        share of the wall time: the seconds the threads spent waiting on its requests, divided by the
        number of threads (the shares add up to the wall time).
        """
        if not self.done[kind]:
            return 0.0
        other = "write" if kind == "read" else "read"
        if not self.done[other]:
            return self.done[kind] / self.seconds if self.seconds else 0.0
        share = self.busy[kind] / self.threads
        return self.done[kind] / share if share else 0.0

    def overall_rate(self):
        return self.requests() / self.seconds if self.seconds else 0.0

    def as_dict(self):
        return {"done": self.done, "errors": self.errors, "busy_s": self.busy, "seconds": self.seconds,
                "threads": self.threads, "simulator_cpu_s": self.cpu_s, "simulator_cpu_ms_per_request": self.cpu_ms,
                "stopped": self.stopped,
                "reads_per_s": self.rate("read"), "writes_per_s": self.rate("write"),
                "requests_per_s": self.overall_rate()}


def run_phase(sim, platform, plan, threads, deadline):
    """Run the (kind, index) pairs of ``plan[t]`` on thread t, each over its own keep-alive session."""
    phase = Phase(threads)
    lock = threading.Lock()

    def worker(t):
        local = Phase(threads)
        with new_session(platform) as http:
            for kind, i in plan[t]:
                if time.monotonic() > deadline:
                    local.stopped = True
                    break
                op = platform.read if kind == "read" else platform.write
                started = time.perf_counter()
                try:
                    ok = op(http, i)
                except (requests.RequestException, ValueError):
                    ok = False
                local.busy[kind] += time.perf_counter() - started
                local.done[kind] += 1
                local.errors[kind] += 0 if ok else 1
        with lock:
            phase.add(local)  # seconds and CPU are the phase's, set below
            phase.stopped = phase.stopped or local.stopped

    workers = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    cpu = server_cpu(sim.proc.pid)
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    phase.seconds = time.monotonic() - started
    if cpu is not None:
        phase.cpu_s = server_cpu(sim.proc.pid) - cpu
    return phase


def plans(threads, kind, indices):
    """Split ``indices`` of one kind over the threads."""
    return [[(kind, i) for i in indices[t::threads]] for t in range(threads)]


def mixed_plans(threads, cycles, first_index):
    """Each thread: write, read, read, ... for its share of ``cycles``; write indices are unique."""
    out = []
    for t in range(threads):
        steps = []
        for c in range(t, cycles, threads):
            steps += [(kind, first_index + c) for kind in MIX]
        out.append(steps)
    return out


def ms(value):
    return "?" if value is None else "%.2f" % value


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    p.add_argument("--mixed", type=int, default=1000, help="mixed cycles (1 write + 2 reads) per platform")
    p.add_argument("--reads", type=int, default=2000, help="reads per platform, read-only phase")
    p.add_argument("--writes", type=int, default=1000, help="writes (creates) per platform, write-only phase")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--platforms", default=",".join(PLATFORMS))
    p.add_argument("--db", help="SQLite file (default: a new temporary file)")
    p.add_argument("--max-seconds", type=float, default=120, help="give up a phase after this long")
    p.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md and .json")
    args = p.parse_args(argv)
    names = [n for n in args.platforms.split(",") if n]
    unknown = set(names) - set(PLATFORMS)
    if unknown:
        p.error("unknown platform(s): %s" % ", ".join(sorted(unknown)))
    tmp = None if args.db else tempfile.mkdtemp(prefix="pbxsim-bench-")
    info = results.run_info()
    started = time.monotonic()
    sim = RunningSimulator(db=args.db or os.path.join(tmp, "bench.sqlite")).start()
    try:
        out = bench(sim, names, args, info)
    finally:
        sim.stop()
        shutil.rmtree(sim.tmp, ignore_errors=True)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    info["wall_s"] = time.monotonic() - started
    info["load_average_end"] = [round(v, 2) for v in os.getloadavg()]
    info["command"] = "make bench-sim (--mixed %d --reads %d --writes %d --threads %d)" % (
        args.mixed, args.reads, args.writes, args.threads)
    if not args.no_docs:
        results.update_markdown("bench-sim", markdown(out, info, args))
        results.update_json("bench-sim", dict(out, run=info, settings=vars(args)))
        print("written: docs/benchmarks.md (section bench-sim), docs/benchmarks.json (key bench-sim)")
    return 0


def bench(sim, names, args, info):
    creds = sim.ops("GET", "config")["credentials"]
    print("pbxsim benchmark: per platform %d mixed cycles (write, read, read), %d reads, %d writes; %d client "
          "thread(s), keep-alive; reads are pages of %d; state in %s"
          % (args.mixed, args.reads, args.writes, args.threads, PAGE, sim.db))
    print("load average before the run: %s on %d CPUs (other work on the machine lowers the figures)"
          % (" / ".join("%.2f" % v for v in info["load_average_start"]), info["nproc"]))
    print("%-10s %9s %9s %9s %14s   %9s %9s   %s" % (
        "platform", "reads/s", "writes/s", "req/s", "CPU ms/req", "RO read/s", "WO wr/s",
        "CPU ms per read / write (RO, WO)"))
    results_by, problems = {}, []
    for name in names:
        platform = PLATFORMS[name](sim.url, creds[name])
        try:
            with new_session(platform) as http:
                platform.setup(http)
                platform.session(http)
                # Untimed: a full page for the reads to return.
                if not all(platform.write(http, SEED_BASE + i) for i in range(PAGE)):
                    problems.append("%s: could not create the objects to read" % name)
        except (requests.RequestException, ValueError, KeyError) as exc:
            problems.append("%s: setup failed, skipped: %s" % (name, exc))
            continue
        sim.reset_stats()
        deadline = time.monotonic() + args.max_seconds
        mixed = run_phase(sim, platform, mixed_plans(args.threads, args.mixed, 0), args.threads, deadline)
        deadline = time.monotonic() + args.max_seconds
        reads = run_phase(sim, platform, plans(args.threads, "read", list(range(args.reads))), args.threads,
                          deadline)
        deadline = time.monotonic() + args.max_seconds
        indices = list(range(args.mixed, args.mixed + args.writes))
        writes = run_phase(sim, platform, plans(args.threads, "write", indices), args.threads, deadline)
        phases = {"mixed": mixed, "read_only": reads, "write_only": writes}
        # The simulator's own count: every timed request was a real read or write to it.
        stats = sim.stats()["by_platform"].get(name, {})
        sent = {kind: sum(ph.done[kind] for ph in phases.values()) for kind in ("read", "write")}
        if (stats.get("reads"), stats.get("writes")) != (sent["read"], sent["write"]):
            problems.append("%s: the simulator counted %s reads and %s writes, the client sent %d and %d"
                            % (name, stats.get("reads"), stats.get("writes"), sent["read"], sent["write"]))
        errors = sum(sum(ph.errors.values()) for ph in phases.values())
        if errors:
            problems.append("%s: %d request(s) failed" % (name, errors))
        if any(ph.stopped for ph in phases.values()):
            problems.append("%s: a phase was stopped after %.0f s" % (name, args.max_seconds))
        results_by[name] = (platform, phases)
        print("%-10s %9.1f %9.1f %9.1f %14s   %9.1f %9.1f   %s / %s" % (
            name, mixed.rate("read"), mixed.rate("write"), mixed.overall_rate(), ms(mixed.cpu_ms),
            reads.rate("read"), writes.rate("write"), ms(reads.cpu_ms), ms(writes.cpu_ms)))

    overall = {key: Phase(args.threads) for key in ("mixed", "read_only", "write_only")}
    for unused_platform, phases in results_by.values():
        for key, ph in phases.items():
            overall[key].add(ph)
    print("%-10s %9.1f %9.1f %9.1f %14s   %9.1f %9.1f" % (
        "overall", overall["mixed"].rate("read"), overall["mixed"].rate("write"), overall["mixed"].overall_rate(),
        "", overall["read_only"].rate("read"), overall["write_only"].rate("write")))

    sim.restart()
    persisted = {}
    for name, (platform, phases) in results_by.items():
        try:
            with new_session(platform) as http:  # the PortSIP token is persisted state too
                found = platform.count(http)
        except (requests.RequestException, ValueError, KeyError) as exc:
            found = "error: %s" % exc
        expected = PAGE + sum(ph.done["write"] - ph.errors["write"] for ph in phases.values())
        persisted[name] = {"found": found, "expected": expected}
        if found != expected:
            problems.append("%s: %s objects after the restart, expected %d" % (name, found, expected))
    print("after a restart on the same file: " + ", ".join(
        "%s %s/%d" % (n, v["found"], v["expected"]) for n, v in persisted.items()) + " objects")

    print("goal (mixed phase): >=%d reads/s, >=%d writes/s" % (GOAL_READS, GOAL_WRITES))
    verdicts, lines = [], {}
    for name, mixed in [(n, r[1]["mixed"]) for n, r in results_by.items()] + [("overall", overall["mixed"])]:
        pair = (mixed.rate("read") >= GOAL_READS, mixed.rate("write") >= GOAL_WRITES)
        verdicts.extend(pair)
        lines[name] = [results.verdict(v) for v in pair]
        print("  %-9s reads %s  writes %s" % (name, *lines[name]))
    for problem in problems:
        print("problem: " + problem)
    result = "PASS" if all(verdicts) and results_by and not problems else "FAIL"
    print("result: %s" % result)
    return {"platforms": {n: {k: ph.as_dict() for k, ph in r[1].items()} for n, r in results_by.items()},
            "overall": {k: ph.as_dict() for k, ph in overall.items()}, "persisted": persisted,
            "problems": problems, "verdicts": lines, "result": result}


def kept(persisted, name):
    if name == "overall":
        ok = all(v["found"] == v["expected"] for v in persisted.values())
        return "all kept" if ok and persisted else "LOST"
    v = persisted.get(name)
    return "%s / %d" % (v["found"], v["expected"]) if v else "?"


def markdown(out, info, args):
    """The lines of the "bench-sim" section of docs/benchmarks.md."""
    lines = ["## `make bench-sim`: the simulator's throughput", ""]
    lines += results.block("sim-run", results.table(
        ["command"] + results.RUN_HEAD + ["wall time"],
        [[info["command"]] + results.run_row(info) + ["%.0f s" % info["wall_s"]]]))
    lines += ["", "The simulator (its own process, SQLite state on disk) driven from a second process, %d client "
              "threads with keep-alive sessions; a read is one page of %d objects (IPCortex, whose read has no "
              "paging: %d named extensions), a write one create. **Mixed** (the headline): each thread repeats "
              "write, read, read (1 write per 2 reads, %d cycles per platform), so every write voids the "
              "simulator's sipXcom read cache before the next reads; reads/s and writes/s there are requests "
              "per second of the wall time spent on that kind (each kind's summed request time divided by the "
              "threads). Read-only and write-only phases (%d reads, %d creates) for reference: sipXcom's "
              "read-only reads are served from a cache no write voids. Goal: at least %d reads/s and %d writes/s "
              "in the mixed phase." % (
                  args.threads, PAGE, PAGE, args.mixed, args.reads, args.writes, GOAL_READS, GOAL_WRITES), ""]
    rows = []
    for name, phases in list(out["platforms"].items()) + [("overall", out["overall"])]:
        mixed = phases["mixed"]
        verdict = out["verdicts"].get(name, ["?", "?"])
        rows.append([TITLES.get(name, name), "%.0f" % mixed["reads_per_s"], "%.0f" % mixed["writes_per_s"],
                     "%.0f" % mixed["requests_per_s"],
                     "%s ms" % ms(mixed["simulator_cpu_ms_per_request"]),
                     "%.0f / %.0f" % (phases["read_only"]["reads_per_s"], phases["write_only"]["writes_per_s"]),
                     "%s / %s ms" % (ms(phases["read_only"]["simulator_cpu_ms_per_request"]),
                                     ms(phases["write_only"]["simulator_cpu_ms_per_request"]))
                     if name != "overall" else "",
                     kept(out["persisted"], name), "reads %s, writes %s" % tuple(verdict)])
    lines += results.block("sim", results.table(
        ["platform", "mixed reads/s", "mixed writes/s", "mixed requests/s", "simulator CPU per request (mixed)",
         "read-only reads/s / write-only writes/s", "simulator CPU per read / write (read-only, write-only)",
         "objects after a restart (found / written)", "goal (mixed)"], rows))
    if out["problems"]:
        lines += [""] + ["- problem: %s" % problem for problem in out["problems"]]
    lines += ["", "Result: %s." % out["result"]]
    return lines


if __name__ == "__main__":
    sys.exit(main())
