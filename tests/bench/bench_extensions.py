"""make bench: converge extensions per platform with pbx_extension and measure.

Per platform, in one run against one simulator (SQLite state on disk), the
tenant made as a user makes it (pbx_tenant on sipXcom and PortSIP, a simulator
fixture for IPCortex companies, which have no API):

- N (default 1000) new extensions with the list form, then the same again:
  requests used against the fewest calls the vendor API documents
  (plain_clients.calls(), read from the simulator's own counters, route by
  route); the module process alone and the whole ansible-playbook against a
  plain ``requests`` script making exactly those calls (median of 3);
- the list form against a loop of single-object tasks (LOOP_N objects, whole
  ansible-playbook wall time, one run each);
- N10K (default 10000) extensions, then the unchanged rerun (median of 3,
  whole ansible-playbook wall time) against floors taken in the same run with
  the items passed the same way (-e @vars.json): F1 a debug task that
  evaluates the list's length, F2 a debug task that gets the list templated
  into its arguments, F0 a debug task with an empty list (ansible-playbook's
  start-up); the module process alone, its result's size, peak RSS, requests.

Writes docs/benchmarks.md (section "bench") and docs/benchmarks.json; always
exits 0 once it has run (the lines say PASS or FAIL).
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from playbook import CONNECTION, ensure_collection_link, run_play  # noqa: E402
from samples import TENANT, TENANT_ARGS, TENANT_FIXTURE, ext  # noqa: E402
from simhelper import RunningSimulator  # noqa: E402

import plain_clients  # noqa: E402
import results  # noqa: E402

PLATFORMS = ("sipxcom", "ipcortex", "portsip")
TITLES = {"sipxcom": "sipXcom", "ipcortex": "IPCortex", "portsip": "PortSIP"}
GOAL_RATIO = 1.5        # module process / plain script, N=1000
GOAL_SPEEDUP = 20.0     # loop / list form
GOAL_FLOOR_RATIO = 1.5  # 10k unchanged rerun / F1 debug floor
GOAL_RESULT_BYTES = 10000
REPEAT = 3
BUDGET_S = 2700         # the whole bench at the defaults (N=1000, LOOP_N=500, N10K=10000), 2 cores
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
MODULE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "plugins", "modules", "pbx_extension.py")
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
PAGE = os.sysconf("SC_PAGE_SIZE")
CONVERGE = [{"name": "converge", "pbxops.pbx.pbx_extension": {"extensions": "{{ items }}"}}]


class Measured:
    """One finished process: wall seconds, stdout, peak RSS in kB (largest single process) and return code."""

    def __init__(self, seconds, stdout, rss_kb, rc):
        self.seconds, self.stdout, self.rss_kb, self.rc = seconds, stdout, rss_kb, rc


def measure(cmd, env, timeout=1800):
    """Run cmd, timing it from start to exit; peak RSS from /usr/bin/time -v, else from getrusage.

    Both give the largest single process among cmd and the children it waited for (Linux ru_maxrss),
    not a sum over the tree; the getrusage fallback is the largest child this bench has had so far.
    """
    report = None
    if GNU_TIME:
        fd, report = tempfile.mkstemp(prefix="pbxbench-time-")
        os.close(fd)
        cmd = [GNU_TIME, "-v", "-o", report] + list(cmd)
    started = time.monotonic()
    out = subprocess.run(cmd, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                         universal_newlines=True, timeout=timeout)
    seconds = time.monotonic() - started
    rss = None
    if report:
        with open(report) as fh:
            for line in fh:
                if "Maximum resident set size" in line:
                    rss = int(line.rsplit(":", 1)[1])
        os.remove(report)
    else:
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return Measured(seconds, out.stdout, rss, out.returncode)


def tree_rss(pid):
    """Sum of the RSS of pid and all its descendants, in bytes (shared pages counted in each)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open("/proc/%d/statm" % p) as fh:
                total += int(fh.read().split()[1]) * PAGE
            for task in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, task)) as fh:
                    todo.extend(int(child) for child in fh.read().split())
        except (OSError, ValueError):
            pass
    return total


def sampled_tree_rss(cmd, env, every=0.02, timeout=1800):
    """Run cmd (untimed) and return the peak of tree_rss() sampled every ``every`` seconds, in kB."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(every)

    sampler = threading.Thread(target=sample)
    sampler.start()
    proc.wait(timeout)
    sampler.join()
    return peak[0] // 1024


class Bench:
    """The simulator, a scratch directory and the ways to run things against them."""

    def __init__(self, sim, workdir):
        self.sim, self.workdir = sim, workdir
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_link(), ANSIBLE_NOCOLOR="1",
                        ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING="0",
                        ANSIBLE_INVENTORY_UNPARSED_WARNING="0", ANSIBLE_RETRY_FILES_ENABLED="0")
        self.env.pop("PYTHONPATH", None)

    # -- files -----------------------------------------------------------------
    def write_json(self, name, data):
        path = os.path.join(self.workdir, name)
        with open(path, "w") as fh:
            json.dump(data, fh)
        return path

    def play(self, name, platform, tasks):
        """A play file with the platform's connection as module defaults; returns its path."""
        play = [{
            "name": "bench", "hosts": "localhost", "gather_facts": False,
            "module_defaults": {"group/pbxops.pbx.pbx": dict(CONNECTION[platform], url=self.sim.url, tenant=TENANT)},
            "tasks": tasks,
        }]
        path = os.path.join(self.workdir, name + ".yml")
        with open(path, "w") as fh:
            yaml.safe_dump(play, fh, sort_keys=False)
        return path

    # -- runs ------------------------------------------------------------------
    def playbook_cmd(self, play_path, vars_path):
        return [ANSIBLE_PLAYBOOK, "-i", "localhost,", "-c", "local", play_path, "-e", "@" + vars_path]

    def playbook(self, play_path, vars_path):
        """Run ansible-playbook; returns a Measured with .recap (the localhost recap line)."""
        run = measure(self.playbook_cmd(play_path, vars_path), self.env)
        if run.rc:
            sys.exit("bench: ansible-playbook failed:\n" + run.stdout[-5000:])
        recap = [line for line in run.stdout.splitlines() if line.startswith("localhost")]
        run.recap = recap[-1] if recap else ""
        run.changed = "changed=0" not in run.recap
        return run

    def module(self, args_path, module=MODULE):
        """The module file run directly with an args file; returns a Measured with .result."""
        run = measure([sys.executable, module, args_path], dict(os.environ, PYTHONPATH=ensure_collection_link()))
        try:
            run.result = json.loads(run.stdout)
        except ValueError:
            sys.exit("bench: the module did not answer JSON:\n" + run.stdout[-5000:])
        if run.rc or run.result.get("failed"):
            sys.exit("bench: the module failed:\n" + run.stdout[-5000:])
        return run

    def plain(self, platform, items_path, script="plain_clients.py"):
        run = measure([sys.executable, os.path.join(HERE, script), platform, self.sim.url, TENANT,
                       items_path], dict(os.environ, PYTHONPATH=os.path.dirname(HERE)))
        if run.rc:
            sys.exit("bench: the plain script failed:\n" + run.stdout[-5000:])
        return run

    def fresh(self, platform, capacity):
        """An empty simulator holding the tenant, made as a user makes it; counters reset."""
        self.sim.reset()
        if platform in TENANT_ARGS:
            args = dict(TENANT_ARGS[platform])
            if platform == "portsip":
                args["max_extensions"] = max(capacity, 1000)  # PortSIP's default is 1000
                args["max_ring_groups"] = max(capacity, 20)  # and 20 ring groups
            made = run_play(self.sim.url, CONNECTION[platform], [{"name": "tenant", "pbxops.pbx.pbx_tenant": args}])
            if made.rc or not made["tenant"].get("changed"):
                sys.exit("bench: pbx_tenant could not make the tenant:\n%r" % made)
        else:
            fixture, items = TENANT_FIXTURE[platform]
            self.sim.fixtures(platform, fixture, items)
        self.sim.reset_stats()

    def counts(self, platform):
        plat = self.sim.stats()["by_platform"].get(platform, {})
        out = {k: plat.get(k, 0) for k in ("reads", "writes", "logins")}
        out["by_route"] = plat.get("by_route", {})
        return out


def totals(c):
    return c["reads"] + c["writes"] + c["logins"]


def requests_entry(platform, used, created, existing, yard=plain_clients):
    """Requests the simulator counted against the documented minimum, with the routes that differ.

    ``yard`` is the module holding calls(), minimum() and compare() for the kind measured.
    """
    minimum = yard.minimum(platform, created, existing)
    differences = yard.compare(platform, used["by_route"], created, existing)
    return {"used": {k: used[k] for k in ("reads", "writes", "logins")}, "by_route": used["by_route"],
            "minimum": minimum, "calls": [c.as_dict() for c in yard.calls(platform, created, existing)],
            "differences": differences, "at_minimum": totals(used) == totals(minimum) and not differences}


def median(runs):
    return statistics.median(r.seconds for r in runs)


def bench_platform(bench, platform, n, loop_n):
    """N new extensions, the rerun, the plain script and the module alone, then the loop against the list."""
    items = [ext(platform, 10000 + i) for i in range(n)]
    row = {"platform": platform, "n": n, "loop_n": loop_n}
    play = bench.play("converge", platform, CONVERGE)
    vars_path = bench.write_json("vars.json", {"items": items})

    bench.fresh(platform, n)
    run = bench.playbook(play, vars_path)
    row["playbook_s"] = run.seconds
    row["create"] = requests_entry(platform, bench.counts(platform), n, 0)
    bench.sim.reset_stats()
    run = bench.playbook(play, vars_path)
    row["rerun_s"], row["rerun_changed"] = run.seconds, run.changed
    row["rerun"] = requests_entry(platform, bench.counts(platform), 0, n)

    # The plain script and the module alone, each its own process, timed from start to exit.
    items_path = bench.write_json("items.json", items)
    args_path = bench.write_json("args.json", {"ANSIBLE_MODULE_ARGS": dict(
        CONNECTION[platform], url=bench.sim.url, tenant=TENANT, extensions=items)})
    plain, module = [], []
    for rep in range(REPEAT):
        bench.fresh(platform, n)
        plain.append(bench.plain(platform, items_path))
        if rep == 0:
            row["plain"] = requests_entry(platform, bench.counts(platform), n, 0)
        bench.fresh(platform, n)
        module.append(bench.module(args_path))
    row["plain_s"] = [r.seconds for r in plain]
    row["module_s"] = [r.seconds for r in module]
    row["module_ratio"] = median(module) / median(plain)
    row["playbook_ratio"] = row["playbook_s"] / median(plain)

    small_vars = bench.write_json("small.json", {"items": items[:loop_n]})
    loop_play = bench.play("loop", platform, [{
        "name": "one task per extension", "pbxops.pbx.pbx_extension": "{{ item }}", "loop": "{{ items }}",
        "loop_control": {"label": "{{ item.number }}"}}])
    bench.fresh(platform, loop_n)
    row["loop_s"] = bench.playbook(loop_play, small_vars).seconds
    bench.fresh(platform, loop_n)
    row["bulk_small_s"] = bench.playbook(play, small_vars).seconds
    row["speedup"] = row["loop_s"] / row["bulk_small_s"]
    return row


def bench_10k(bench, platform, n):
    """N10K extensions, then the unchanged rerun against the debug floors, the module alone, sizes and RSS."""
    items = [ext(platform, 10000 + i) for i in range(n)]
    row = {"platform": platform, "n": n}
    converge = bench.play("converge10k", platform, CONVERGE)
    floors = {
        "F1": bench.play("f1", platform, [{"name": "F1", "ansible.builtin.debug": {"msg": "{{ items | length }}"}}]),
        "F2": bench.play("f2", platform, [{"name": "F2", "ansible.builtin.debug": {"msg": "{{ items }}",
                                                                                   "verbosity": 4}}]),
        "F0": bench.play("f0", platform, [{"name": "F0", "ansible.builtin.debug": {"msg": "x"}}]),
    }
    vars_path = bench.write_json("vars10k.json", {"items": items})
    empty_path = bench.write_json("empty.json", {"items": []})
    args_path = bench.write_json("args10k.json", {"ANSIBLE_MODULE_ARGS": dict(
        CONNECTION[platform], url=bench.sim.url, tenant=TENANT, extensions=items)})

    bench.fresh(platform, n)
    run = bench.playbook(converge, vars_path)
    row["create_s"], row["create_changed"] = run.seconds, run.changed
    row["create"] = requests_entry(platform, bench.counts(platform), n, 0)

    # Interleaved, so that a drift in the machine's load touches every figure alike.
    runs = {"rerun": [], "F1": [], "F2": [], "F0": [], "module": []}
    row["rerun_requests"] = []
    for unused_rep in range(REPEAT):
        bench.sim.reset_stats()
        runs["rerun"].append(bench.playbook(converge, vars_path))
        row["rerun_requests"].append(requests_entry(platform, bench.counts(platform), 0, n))
        for name in ("F1", "F2"):
            runs[name].append(bench.playbook(floors[name], vars_path))
        runs["F0"].append(bench.playbook(floors["F0"], empty_path))
        bench.sim.reset_stats()
        runs["module"].append(bench.module(args_path))
        row.setdefault("module_requests", requests_entry(platform, bench.counts(platform), 0, n))
    for name, done in runs.items():
        row[name + "_runs_s"] = [r.seconds for r in done]
        row[name + "_s"] = median(done)
        row[name + "_rss_kb"] = max(r.rss_kb or 0 for r in done)
    row["rerun_changed"] = any(r.changed for r in runs["rerun"])
    row["module_changed"] = any(r.result.get("changed") for r in runs["module"])
    row["result_bytes"] = max(len(r.stdout.encode()) for r in runs["module"])
    row["result_sample"] = runs["module"][0].stdout[:2000] + ("..." if row["result_bytes"] > 2000 else "")
    row["rerun_tree_rss_kb"] = sampled_tree_rss(bench.playbook_cmd(converge, vars_path), bench.env)
    row["rerun_f1"] = row["rerun_s"] / row["F1_s"]
    row["rerun_f2"] = row["rerun_s"] / row["F2_s"]
    row["rerun_writes"] = max(r["used"]["writes"] for r in row["rerun_requests"])
    return row


# -- the report ------------------------------------------------------------------
def kinds(counts):
    """'3 logins, 11 reads, 0 writes', leaving out logins and reads when there are none."""
    parts = []
    for key, one in (("logins", "login"), ("reads", "read"), ("writes", "write")):
        if counts[key] or key == "writes":
            parts.append("%d %s" % (counts[key], one if counts[key] == 1 else key))
    return ", ".join(parts)


def spell(counts):
    """'14 (3 logins, 11 reads, 0 writes)'."""
    return "%d (%s)" % (totals(counts), kinds(counts))


def mb(kb):
    return "%.0f" % (kb / 1024.0) if kb else "?"


def goal_rows(rows, big):
    """(goal, {platform: cell}) for every goal line."""
    goals = []
    if rows:
        goals.append(("N=%d: requests == documented minimum (create)" % rows[0]["n"],
                      {r["platform"]: results.verdict(r["create"]["at_minimum"]) for r in rows}))
        goals.append(("N=%d: requests == documented minimum (rerun)" % rows[0]["n"], {
            r["platform"]: "%s (%d vs %d)" % (results.verdict(r["rerun"]["at_minimum"]), totals(r["rerun"]["used"]),
                                              totals(r["rerun"]["minimum"])) for r in rows}))
        goals.append(("N=%d: rerun writes == 0" % rows[0]["n"], {
            r["platform"]: results.verdict(r["rerun"]["used"]["writes"] == 0) for r in rows}))
        goals.append(("N=%d: module process / plain script <= %.1f" % (rows[0]["n"], GOAL_RATIO), {
            r["platform"]: "%s (%.2f)" % (results.verdict(r["module_ratio"] <= GOAL_RATIO), r["module_ratio"])
            for r in rows}))
        goals.append(("N=%d: list form >= %.0fx faster than a loop" % (rows[0]["loop_n"], GOAL_SPEEDUP), {
            r["platform"]: "%s (%.0fx)" % (results.verdict(r["speedup"] >= GOAL_SPEEDUP), r["speedup"])
            for r in rows}))
    if big:
        n10k = big[0]["n"]
        goals.append(("N=%d: rerun writes == 0" % n10k, {
            r["platform"]: results.verdict(r["rerun_writes"] == 0 and not r["rerun_changed"]) for r in big}))
        goals.append(("N=%d: rerun requests == documented minimum" % n10k, {
            r["platform"]: "%s (%d vs %d)" % (
                results.verdict(all(q["at_minimum"] for q in r["rerun_requests"])),
                totals(r["rerun_requests"][0]["used"]), totals(r["rerun_requests"][0]["minimum"])) for r in big}))
        goals.append(("N=%d: module result < %d bytes" % (n10k, GOAL_RESULT_BYTES), {
            r["platform"]: "%s (%d)" % (results.verdict(r["result_bytes"] < GOAL_RESULT_BYTES), r["result_bytes"])
            for r in big}))
        goals.append(("N=%d: rerun / F1 debug floor <= %.1f" % (n10k, GOAL_FLOOR_RATIO), {
            r["platform"]: "%s (%.2f)" % (results.verdict(r["rerun_f1"] <= GOAL_FLOOR_RATIO), r["rerun_f1"])
            for r in big}))
    return goals


def minimum_table(platforms, n, n10k):
    """Every documented call with its count per scenario and its reason."""
    scenarios = [("create N=%d" % n, n, 0), ("rerun N=%d" % n, 0, n)]
    if n10k:
        scenarios.append(("rerun N=%d" % n10k, 0, n10k))
    lines = []
    for platform in platforms:
        found = {}
        for unused_label, created, existing in scenarios:
            for call in plain_clients.calls(platform, created, existing):
                found.setdefault(call.key, call)
        for key, call in found.items():
            counts = [{c.key: c.count for c in plain_clients.calls(platform, created, existing)}.get(key, 0)
                      for unused_label, created, existing in scenarios]
            lines.append([TITLES[platform], "`%s`" % key, call.kind] + counts + [call.why])
    return results.table(["platform", "call", "counted as"] + [s[0] for s in scenarios] + ["why (vendor reference)"],
                         lines)


def markdown(rows, big, info, platforms):
    """The lines of the "bench" section of docs/benchmarks.md."""
    out = ["## `make bench`: pbx_extension", ""]
    out += results.block("run", results.table(
        ["command"] + results.RUN_HEAD + ["wall time"],
        [[info["command"]] + results.run_row(info) + ["%.0f s (budget %d s: %s)" % (
            info["wall_s"], info["budget_s"], results.verdict(info["wall_s"] <= info["budget_s"]))]]))
    if rows:
        n, loop_n = rows[0]["n"], rows[0]["loop_n"]
        out += ["", "**N=%d new extensions** with the list form, then the same task again (unchanged); the plain "
                "script (`tests/bench/plain_clients.py`) makes exactly the documented minimum calls with `requests`. "
                "Times are whole processes from start to exit; module and plain script median of %d, playbook runs "
                "one each." % (n, REPEAT), ""]
        out += results.block("extensions", results.table(
            ["platform", "requests used (N=%d)" % n, "documented minimum", "rerun used", "rerun minimum",
             "module process / plain script", "whole playbook / plain script", "list vs loop (N=%d)" % loop_n],
            [[TITLES[r["platform"]], spell(r["create"]["used"]), spell(r["create"]["minimum"]),
              spell(r["rerun"]["used"]), spell(r["rerun"]["minimum"]),
              "%.2f (%.2f s / %.2f s)" % (r["module_ratio"], statistics.median(r["module_s"]),
                                          statistics.median(r["plain_s"])),
              "%.2f (%.2f s)" % (r["playbook_ratio"], r["playbook_s"]),
              "%.0fx (%.1f s vs %.1f s)" % (r["speedup"], r["loop_s"], r["bulk_small_s"])] for r in rows]))
    if big:
        n10k = big[0]["n"]
        out += ["", "**N=%d extensions, the unchanged rerun** (the same list-form task again), whole "
                "`ansible-playbook` wall time, median of %d, against floors run in the same bench with the items "
                "passed the same way (`-e @vars.json`): F1 `debug: msg=\"{{ items | length }}\"` (the list loaded "
                "and evaluated), F2 `debug: msg=\"{{ items }}\" verbosity=4` (the list templated into a task's "
                "arguments; debug then skips), F0 `debug: msg=x` with an empty list (start-up). Module alone: "
                "the module file run directly with an args file. Peak RSS: largest single process (GNU time); "
                "the playbook's process tree summed is in docs/benchmarks.json." % (n10k, REPEAT), ""]
        out += results.block("10k", results.table(
            ["platform", "create s", "rerun s", "F1 s", "F2 s", "F0 s", "rerun / F1", "rerun / F2",
             "module alone s", "result bytes", "peak RSS module / playbook MB",
             "rerun requests: used / documented minimum", "changed"],
            [[TITLES[r["platform"]], "%.1f" % r["create_s"], "%.2f" % r["rerun_s"], "%.2f" % r["F1_s"],
              "%.2f" % r["F2_s"], "%.2f" % r["F0_s"], "%.2f" % r["rerun_f1"], "%.2f" % r["rerun_f2"],
              "%.2f" % r["module_s"], "%d" % r["result_bytes"],
              "%s / %s" % (mb(r["module_rss_kb"]), mb(r["rerun_rss_kb"])),
              "%s / %s" % (kinds(r["rerun_requests"][0]["used"]), kinds(r["rerun_requests"][0]["minimum"])),
              "yes" if r["rerun_changed"] or r["module_changed"] else "no"] for r in big]))
    diffs = []
    for r in rows:
        for phase in ("create", "rerun"):
            diffs += [[TITLES[r["platform"]], "N=%d %s" % (r["n"], phase), "`%s`" % key, used, want]
                      for key, used, want in r[phase]["differences"]]
    for r in big:
        for phase, entry in (("create", r["create"]), ("rerun", r["rerun_requests"][0])):
            diffs += [[TITLES[r["platform"]], "N=%d %s" % (r["n"], phase), "`%s`" % key, used, want]
                      for key, used, want in entry["differences"]]
    out += ["", "**Routes where the module's requests differ from the documented minimum** (every other route: "
            "equal). The drivers are what they are; the difference is reported, not hidden.", ""]
    out += results.block("routes", results.table(["platform", "run", "route", "module", "documented minimum"],
                                                 diffs or [["all", "all", "none", "", ""]]))
    platforms_seen = [p for p in platforms if any(r["platform"] == p for r in rows + big)]
    out += ["", "**Goals** (every line as measured; a FAIL stays a FAIL):", ""]
    out += results.block("goals", results.table(
        ["goal"] + [TITLES[p] for p in platforms_seen],
        [[goal] + [cells.get(p, "") for p in platforms_seen] for goal, cells in goal_rows(rows, big)]))
    out += ["", "### The documented minimum, call by call", "",
            "`plain_clients.calls()`: the fewest calls each vendor reference documents, for a client that checks "
            "the tenant before writing and closes the session it opened (counts for N new extensions in an "
            "empty tenant; for the rerun, 0 new and N existing).", ""]
    out += minimum_table(platforms_seen, (rows or big)[0]["n"], big[0]["n"] if big else None)
    if big:
        out += ["", "### N=%d details" % big[0]["n"], ""]
        out += results.table(
            ["platform", "rerun runs s", "F1 runs s", "F2 runs s", "F0 runs s", "module runs s",
             "peak RSS F1 / F2 / F0 MB", "playbook tree RSS summed MB", "create requests (minimum)"],
            [[TITLES[r["platform"]]] + [" ".join("%.2f" % v for v in r[k + "_runs_s"])
                                        for k in ("rerun", "F1", "F2", "F0", "module")] +
             ["%s / %s / %s" % (mb(r["F1_rss_kb"]), mb(r["F2_rss_kb"]), mb(r["F0_rss_kb"])),
              mb(r["rerun_tree_rss_kb"]),
              "%s (%d)" % (spell(r["create"]["used"]), totals(r["create"]["minimum"]))] for r in big])
        out += ["", "The module's whole answer on the rerun (%s, %d bytes):" % (
            TITLES[big[0]["platform"]], big[0]["result_bytes"]), "", "```json", big[0]["result_sample"].strip(),
            "```"]
    out += ["", "Budget: at most %d s for the whole bench at the defaults on a quiet 2-core machine (about "
            "half of it is the loop of single-object tasks)." % BUDGET_S]
    return out


def report(rows, big, info, platforms):
    for line in markdown(rows, big, info, platforms):
        if not line.startswith("<!--"):
            print(line)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--loop-n", type=int, default=500)
    p.add_argument("--n10k", type=int, default=10000, help="objects for the unchanged-rerun phase (0: skip it)")
    p.add_argument("--platform", action="append", choices=PLATFORMS)
    p.add_argument("--budget", type=int, default=BUDGET_S, help="seconds the whole bench should take at most")
    p.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md and .json")
    args = p.parse_args(argv)
    info = results.run_info()
    info.update(budget_s=args.budget, command="make bench N=%d LOOP_N=%d N10K=%d" % (args.n, args.loop_n, args.n10k))
    print("make bench: %s, commit %s, load average %s on %d CPUs (other work on the machine slows the figures)"
          % (info["date_utc"], info["commit"], info["load_average_start"], info["nproc"]), flush=True)
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="pbxbench-")
    platforms = args.platform or PLATFORMS
    rows, big = [], []
    try:
        with RunningSimulator(db=os.path.join(workdir, "bench.sqlite")) as sim:
            bench = Bench(sim, workdir)
            for platform in platforms:
                if args.n:
                    print("%s: N=%d, loop N=%d..." % (platform, args.n, args.loop_n), flush=True)
                    rows.append(bench_platform(bench, platform, args.n, args.loop_n))
                if args.n10k:
                    print("%s: N10K=%d..." % (platform, args.n10k), flush=True)
                    big.append(bench_10k(bench, platform, args.n10k))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    info["wall_s"] = time.monotonic() - started
    info["load_average_end"] = [round(v, 2) for v in os.getloadavg()]
    report(rows, big, info, platforms)
    if not args.no_docs:
        results.update_markdown("bench", markdown(rows, big, info, platforms))
        results.update_json("bench", {"run": info, "extensions": rows, "rerun_10k": big})
        print("\nwritten: docs/benchmarks.md (section bench), docs/benchmarks.json (key bench)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
