"""make bench-10k: a large tenant, 10,000 NEW extensions per platform, whole ansible-playbook vs a plain script.

Per platform, against one simulator (SQLite state on disk), REPEAT times back to
back on a freshly reset simulator holding the same tenant (made as
bench_extensions.Bench.fresh makes it):

- the plain script (tests/bench/plain_clients.py, plain ``requests``) in its
  own Python process, creating the N extensions with the documented minimum of
  calls;
- the whole ``ansible-playbook`` process running one list-form pbx_extension
  task over the same N items (passed with ``-e @vars.json``), timed from start
  to exit.

The simulator's request counts of both are kept, route by route, and compared
(they must be the same calls). Peak memory is each process's own high-water
mark (VmHWM in /proc/<pid>/status, sampled every SAMPLE_S while it runs; the
kernel keeps the maximum, so a sample only misses growth in a process's last
SAMPLE_S): the controller is the ansible-playbook process itself, the worker
the fork it runs the task in, the module the Python process running the
AnsiballZ payload; when GNU time exists the module's interpreter is wrapped in
``/usr/bin/time -f %M`` which gives its exact peak.

Writes docs/benchmarks.md (section "bench-large") and docs/benchmarks.json (key
"bench-large"); exits 0 once it has run (the lines say PASS or FAIL).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from samples import TENANT, ext  # noqa: E402
from simhelper import RunningSimulator  # noqa: E402

import bench_extensions as be  # noqa: E402
import plain_clients  # noqa: E402
import results  # noqa: E402

GOAL_RATIO = 1.2     # whole ansible-playbook / plain script, N=10000 new extensions
REPEAT = 3
SAMPLE_S = 0.05


def _status(pid):
    """(VmHWM kB, cmdline) of a process, or None when it is gone."""
    try:
        with open("/proc/%d/status" % pid) as fh:
            hwm = [int(line.split()[1]) for line in fh if line.startswith("VmHWM:")]
        with open("/proc/%d/cmdline" % pid, "rb") as fh:
            cmdline = fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except (OSError, ValueError):
        return None
    return (hwm[0] if hwm else 0), cmdline


def _children(pid):
    out = []
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as fh:
                out.extend(int(child) for child in fh.read().split())
    except (OSError, ValueError):
        pass
    return out


class Peaks:
    """Peak VmHWM (kB) per role of a process tree: controller (the root), worker (its forks), module (AnsiballZ)."""

    def __init__(self, root):
        self.root, self.kb = root, {}

    def sample(self):
        todo = [self.root]
        while todo:
            pid = todo.pop()
            found = _status(pid)
            if found is None:
                continue
            hwm, cmdline = found
            if pid == self.root:
                role = "controller"
            elif "AnsiballZ_" in cmdline:
                role = "module"
            elif "ansible-playbook" in cmdline:
                role = "worker"
            else:
                role = "other"
            self.kb[role] = max(self.kb.get(role, 0), hwm)
            todo.extend(_children(pid))


def run_sampled(cmd, env, timeout=3600):
    """Run cmd, timed from start to exit, its tree's peaks sampled; returns a be.Measured with .peaks."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                            universal_newlines=True)
    peaks = Peaks(proc.pid)
    done = threading.Event()

    def sampler():
        while not done.is_set():
            peaks.sample()
            done.wait(SAMPLE_S)

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    stdout, unused = proc.communicate(timeout=timeout)
    seconds = time.monotonic() - started
    done.set()
    thread.join()
    run = be.Measured(seconds, stdout, peaks.kb.get("controller"), proc.returncode)
    run.peaks = peaks.kb
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the process and every descendant it waited for (user + system): less swayed by the
    # machine's other load than wall time.
    run.cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return run


def interpreter_wrapper(workdir):
    """An interpreter that runs the module's Python under GNU time; returns (path, report file) or (None, None)."""
    if not be.GNU_TIME:
        return None, None
    report = os.path.join(workdir, "module-rss.txt")
    path = os.path.join(workdir, "python-timed")
    with open(path, "w") as fh:
        fh.write('#!/bin/sh\nexec %s -f %%M -o %s %s "$@"\n' % (be.GNU_TIME, report, sys.executable))
    os.chmod(path, 0o755)
    return path, report


def same_calls(platform, plain, module):
    """Routes whose counts differ between the plain script's run and the module's: [(route, plain, module)]."""
    def flat(by_route):
        return {plain_clients.route_key(platform, *key.split(" ", 1)):
                sum(v for k, v in counts.items() if k in ("reads", "writes", "logins"))
                for key, counts in by_route.items()}
    a, b = flat(plain["by_route"]), flat(module["by_route"])
    return [(key, a.get(key, 0), b.get(key, 0)) for key in sorted(set(a) | set(b)) if a.get(key, 0) != b.get(key, 0)]


# Ansible's own floor: the same ansible-playbook command and items, to a module that takes the list and
# returns at once. What ansible-playbook costs before any of the collection's code runs (start-up, loading
# the items, templating them, the module's payload and arguments, the result's way back) is the part of the
# ratio the collection cannot remove.
FLOOR_MODULE = """#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec={"extensions": {"type": "list", "elements": "dict"}},
                           supports_check_mode=True)
    module.exit_json(changed=False, summary={"unchanged": len(module.params["extensions"])})


if __name__ == "__main__":
    main()
"""
FLOOR = [{"name": "floor", "floor": {"extensions": "{{ items }}"}}]


def floor_play(bench):
    library = os.path.join(bench.workdir, "library")
    os.makedirs(library, exist_ok=True)
    with open(os.path.join(library, "floor.py"), "w") as fh:
        fh.write(FLOOR_MODULE)
    return bench.play("floor", "sipxcom", FLOOR)  # beside library/, which Ansible searches for modules


def bench_platform(bench, platform, n, repeat):
    items = [ext(platform, 10000 + i) for i in range(n)]
    row = {"platform": platform, "n": n, "repeat": repeat}
    play = bench.play("large", platform, be.CONVERGE)
    floor = floor_play(bench)
    vars_path = bench.write_json("large-vars.json", {"items": items})
    items_path = bench.write_json("large-items.json", items)
    wrapper, report = interpreter_wrapper(bench.workdir)
    env = dict(bench.env, ANSIBLE_PYTHON_INTERPRETER=wrapper) if wrapper else bench.env
    plain_cmd = [sys.executable, os.path.join(HERE, "plain_clients.py"), platform, bench.sim.url, TENANT, items_path]
    plain_env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    runs = {"plain": [], "playbook": [], "floor": []}
    row["plain_requests"], row["playbook_requests"], row["call_differences"] = [], [], []
    for unused_rep in range(repeat):
        bench.fresh(platform, n)
        run = run_sampled(plain_cmd, plain_env)
        if run.rc:
            sys.exit("bench: the plain script failed:\n" + run.stdout[-5000:])
        runs["plain"].append(run)
        plain_used = bench.counts(platform)
        row["plain_requests"].append(be.requests_entry(platform, plain_used, n, 0))

        bench.fresh(platform, n)
        if report and os.path.exists(report):
            os.remove(report)
        run = run_sampled(bench.playbook_cmd(play, vars_path), env)
        if run.rc:
            sys.exit("bench: ansible-playbook failed:\n" + run.stdout[-5000:])
        if report and os.path.exists(report):
            with open(report) as fh:
                lines = [line for line in fh.read().split() if line.isdigit()]
            if lines:
                run.peaks["module"] = int(lines[-1])
        recap = [line for line in run.stdout.splitlines() if line.startswith("localhost")]
        run.recap = recap[-1] if recap else ""
        runs["playbook"].append(run)
        module_used = bench.counts(platform)
        row["playbook_requests"].append(be.requests_entry(platform, module_used, n, 0))
        row["call_differences"].append(same_calls(platform, plain_used, module_used))

        run = run_sampled(bench.playbook_cmd(floor, vars_path), bench.env)
        if run.rc:
            sys.exit("bench: the floor play failed:\n" + run.stdout[-5000:])
        runs["floor"].append(run)
    for name, done in runs.items():
        row[name + "_runs_s"] = [r.seconds for r in done]
        row[name + "_s"] = statistics.median(row[name + "_runs_s"])
        row[name + "_cpu_runs_s"] = [r.cpu_s for r in done]
        row[name + "_cpu_s"] = statistics.median(row[name + "_cpu_runs_s"])
    row["ratio_runs"] = [m / p for m, p in zip(row["playbook_runs_s"], row["plain_runs_s"])]
    row["ratio"] = row["playbook_s"] / row["plain_s"]
    row["cpu_ratio"] = row["playbook_cpu_s"] / row["plain_cpu_s"]
    # The best ratio the collection could reach (its own code costing nothing), and what its code adds.
    row["floor_ratio"] = (row["floor_s"] + row["plain_s"]) / row["plain_s"]
    row["own_s"] = row["playbook_s"] - row["floor_s"] - row["plain_s"]
    row["changed"] = all("changed=1" in r.recap for r in runs["playbook"])
    for role in ("controller", "worker", "module"):
        row[role + "_rss_kb"] = max(r.peaks.get(role, 0) for r in runs["playbook"])
    row["plain_rss_kb"] = max(r.peaks.get("controller", 0) for r in runs["plain"])
    row["same_calls"] = not any(row["call_differences"])
    row["requests"] = row["playbook_requests"][0]["used"]
    row["plain_used"] = row["plain_requests"][0]["used"]
    return row


def markdown(rows, info):
    out = ["## `make bench-10k`: a large tenant, 10,000 new extensions", ""]
    out += results.block("large-run", results.table(
        ["command"] + results.RUN_HEAD + ["wall time"], [[info["command"]] + results.run_row(info) +
                                                         ["%.0f s" % info["wall_s"]]]))
    if not rows:
        return out
    out += ["", "**N=%d new extensions** per platform, %d times back to back on a freshly reset simulator holding "
            "the same tenant: the plain script (`tests/bench/plain_clients.py`, `requests`, its own Python process) "
            "against the whole `ansible-playbook` process running one list-form `pbx_extension` task over the same "
            "items (`-e @vars.json`), each timed from start to exit; medians, ratio = playbook / plain (the goal is on "
            "wall time). CPU s: user + system seconds of the process and its descendants (getrusage), less swayed "
            "by the machine's other load; the simulator's own CPU is not in either. Requests: "
            "the simulator's counters for each run; *same calls* compares the two runs route by route. Peak RSS: "
            "each process's own high-water mark (`VmHWM`, sampled every %.2f s; the module's interpreter run under "
            "GNU `time -f %%M`): the controller (the `ansible-playbook` process), the worker it forks for the task, "
            "the module's Python process, and the plain script's." % (rows[0]["n"], rows[0]["repeat"], SAMPLE_S), ""]
    out += results.block("large", results.table(
        ["platform", "playbook s", "plain s", "playbook / plain", "CPU s playbook / plain (ratio)", "requests (both)",
         "same calls",
         "peak RSS controller / worker / module MB", "plain script MB"],
        [[be.TITLES[r["platform"]], "%.1f" % r["playbook_s"], "%.1f" % r["plain_s"], "%.2f" % r["ratio"],
          "%.1f / %.1f (%.2f)" % (r["playbook_cpu_s"], r["plain_cpu_s"], r["cpu_ratio"]),
          be.spell(r["requests"]), "yes" if r["same_calls"] else "NO (see docs/benchmarks.json)",
          "%s / %s / %s" % (be.mb(r["controller_rss_kb"]), be.mb(r["worker_rss_kb"]), be.mb(r["module_rss_kb"])),
          be.mb(r["plain_rss_kb"])] for r in rows]))
    out += ["", "Where the time goes. *Ansible's floor*: the same `ansible-playbook` command and items to a module "
            "that takes the list and returns at once (start-up, loading and templating the items, the payload and "
            "arguments, the result's way back), no request; *best possible ratio* = (floor + plain) / plain, what "
            "the ratio would be if the collection's own code cost nothing; *collection's own* = playbook - floor - "
            "plain (medians), the time the modules add beyond the plain script's HTTP work:", ""]
    out += results.block("large-floor", results.table(
        ["platform", "Ansible's floor s (CPU s)", "best possible ratio", "collection's own s", "playbook / plain"],
        [[be.TITLES[r["platform"]], "%.1f (%.1f)" % (r["floor_s"], r["floor_cpu_s"]), "%.2f" % r["floor_ratio"],
          "%.1f" % r["own_s"], "%.2f" % r["ratio"]] for r in rows]))
    out += ["", "Goal (as measured; a FAIL stays a FAIL):", ""]
    out += results.block("large-goals", results.table(
        ["goal"] + [be.TITLES[r["platform"]] for r in rows],
        [["N=%d new: whole ansible-playbook / plain script <= %.1f" % (rows[0]["n"], GOAL_RATIO)] +
         ["%s (%.2f)" % (results.verdict(r["ratio"] <= GOAL_RATIO), r["ratio"]) for r in rows],
         ["N=%d new: the same calls as the plain script" % rows[0]["n"]] +
         [results.verdict(r["same_calls"]) for r in rows]]))
    out += ["", "Every run (seconds; ratio of each back-to-back pair):", ""]
    out += results.table(
        ["platform", "playbook runs s", "plain runs s", "pair ratios", "playbook CPU s", "plain CPU s"],
        [[be.TITLES[r["platform"]], " ".join("%.1f" % v for v in r["playbook_runs_s"]),
          " ".join("%.1f" % v for v in r["plain_runs_s"]), " ".join("%.2f" % v for v in r["ratio_runs"]),
          " ".join("%.1f" % v for v in r["playbook_cpu_runs_s"]), " ".join("%.1f" % v for v in r["plain_cpu_runs_s"])]
         for r in rows])
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--repeat", type=int, default=REPEAT)
    p.add_argument("--platform", action="append", choices=be.PLATFORMS)
    p.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md and .json")
    args = p.parse_args(argv)
    command = "make bench-10k LARGE_N=%d" % args.n
    if args.repeat != REPEAT or args.platform:
        command = "tests/bench/bench_large.py --n %d --repeat %d%s" % (
            args.n, args.repeat, "".join(" --platform " + p for p in args.platform or ()))
    info, started = results.begin("large tenant", command)
    workdir = tempfile.mkdtemp(prefix="pbxbench-large-")
    rows = []
    try:
        with RunningSimulator(db=os.path.join(workdir, "bench.sqlite")) as sim:
            bench = be.Bench(sim, workdir)
            for platform in args.platform or be.PLATFORMS:
                print("%s: N=%d new, %d pairs..." % (platform, args.n, args.repeat), flush=True)
                row = bench_platform(bench, platform, args.n, args.repeat)
                print("  playbook %s s, plain %s s, ratios %s; CPU playbook %s s, plain %s s" % (
                    " ".join("%.1f" % v for v in row["playbook_runs_s"]),
                    " ".join("%.1f" % v for v in row["plain_runs_s"]),
                    " ".join("%.2f" % v for v in row["ratio_runs"]),
                    " ".join("%.1f" % v for v in row["playbook_cpu_runs_s"]),
                    " ".join("%.1f" % v for v in row["plain_cpu_runs_s"])), flush=True)
                rows.append(row)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results.end(info, started)
    results.publish("bench-large", markdown(rows, info), {"run": info, "large": rows}, write=not args.no_docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
