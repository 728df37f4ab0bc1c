"""make bench: converge N extensions per platform with pbx_extension and measure.

Per platform, in one run against one simulator (SQLite state on disk):
- requests the bulk converge used against the minimum possible (one paged
  listing plus the writes the platform needs per created object; no write on
  the rerun), read from the simulator's own counters;
- wall time of the bulk converge (the whole ansible-playbook) as a ratio to a
  plain ``requests`` script making those same minimal calls;
- speed-up of the bulk form over a loop of single-object tasks (whole
  ansible-playbook wall time, LOOP_N objects).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from playbook import CONNECTION, ensure_collection_link  # noqa: E402
from samples import TENANT, TENANT_FIXTURE, ext  # noqa: E402
from simhelper import RunningSimulator  # noqa: E402

import plain_clients  # noqa: E402

PLATFORMS = ("sipxcom", "ipcortex", "portsip")
GOAL_RATIO = 1.5
GOAL_SPEEDUP = 20.0


def playbook_run(sim, platform, tasks_yaml, workdir, extra_vars=None):
    """Run one play; return (wall seconds, recap line)."""
    play = [{
        "name": "bench", "hosts": "localhost", "gather_facts": False,
        "module_defaults": {"group/pbxops.pbx.pbx": dict(CONNECTION[platform], url=sim.url, tenant=TENANT)},
        "tasks": tasks_yaml,
    }]
    path = os.path.join(workdir, "play.yml")
    with open(path, "w") as fh:
        yaml.safe_dump(play, fh, sort_keys=False)
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local", path]
    if extra_vars is not None:
        vars_path = os.path.join(workdir, "vars.json")
        with open(vars_path, "w") as fh:
            json.dump(extra_vars, fh)
        cmd += ["-e", "@" + vars_path]
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_link(), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING="0",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    env.pop("PYTHONPATH", None)
    started = time.monotonic()
    out = subprocess.run(cmd, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, universal_newlines=True)
    elapsed = time.monotonic() - started
    if out.returncode:
        sys.exit("bench: ansible-playbook failed:\n" + out.stdout[-5000:])
    recap = [line for line in out.stdout.splitlines() if line.startswith("localhost")]
    return elapsed, recap[-1] if recap else ""


def fresh(sim, platform):
    sim.reset()
    fixture, items = TENANT_FIXTURE[platform]
    sim.fixtures(platform, fixture, items)
    sim.reset_stats()


def counts(sim, platform):
    plat = sim.stats()["by_platform"].get(platform, {})
    return {"reads": plat.get("reads", 0), "writes": plat.get("writes", 0), "logins": plat.get("logins", 0)}


def bench_platform(sim, platform, n, loop_n, workdir):
    items = [ext(platform, 10000 + i) for i in range(n)]
    bulk_task = [{"name": "converge", "pbxops.pbx.pbx_extension": {"extensions": "{{ items }}"}}]
    row = {"platform": platform, "n": n}

    # Bulk converge, then the same again.
    fresh(sim, platform)
    row["bulk_s"], row["bulk_recap"] = playbook_run(sim, platform, bulk_task, workdir, {"items": items})
    row["bulk_requests"] = counts(sim, platform)
    sim.reset_stats()
    row["rerun_s"], row["rerun_recap"] = playbook_run(sim, platform, bulk_task, workdir, {"items": items})
    row["rerun_requests"] = counts(sim, platform)
    row["min_create"] = plain_clients.minimum(platform, n, existing=0)
    row["min_rerun"] = plain_clients.minimum(platform, 0, existing=n)

    # The same minimal calls from a plain requests script, on the same simulator.
    # A script of its own, timed like ansible-playbook: from process start to exit.
    fresh(sim, platform)
    items_path = os.path.join(workdir, "items.json")
    with open(items_path, "w") as fh:
        json.dump(items, fh)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    started = time.monotonic()
    subprocess.run([sys.executable, os.path.join(HERE, "plain_clients.py"), platform, sim.url, TENANT, items_path],
                   check=True, env=env)
    row["plain_s"] = time.monotonic() - started
    row["plain_requests"] = counts(sim, platform)
    row["ratio"] = row["bulk_s"] / row["plain_s"]

    # The module alone, as its own process (what a task costs beyond ansible-playbook's start-up).
    fresh(sim, platform)
    args_path = os.path.join(workdir, "args.json")
    with open(args_path, "w") as fh:
        json.dump({"ANSIBLE_MODULE_ARGS": dict(CONNECTION[platform], url=sim.url, tenant=TENANT,
                                               extensions=items)}, fh)
    module = os.path.join(os.path.dirname(os.path.dirname(HERE)), "plugins", "modules", "pbx_extension.py")
    started = time.monotonic()
    subprocess.run([sys.executable, module, args_path], check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, PYTHONPATH=ensure_collection_link()))
    row["module_s"] = time.monotonic() - started
    row["module_ratio"] = row["module_s"] / row["plain_s"]

    # Bulk against a loop of single-object tasks, LOOP_N objects each.
    small = items[:loop_n]
    fresh(sim, platform)
    row["loop_s"] = playbook_run(sim, platform, [{
        "name": "one task per extension", "pbxops.pbx.pbx_extension": "{{ item }}", "loop": "{{ items }}",
        "loop_control": {"label": "{{ item.number }}"}}], workdir, {"items": small})[0]
    fresh(sim, platform)
    row["bulk_small_s"] = playbook_run(sim, platform, bulk_task, workdir, {"items": small})[0]
    row["speedup"] = row["loop_s"] / row["bulk_small_s"]
    row["loop_n"] = loop_n
    return row


def total(c):
    return c["reads"] + c["writes"] + c["logins"]


def report(rows):
    print("\npbx_extension benchmark (simulator with SQLite persistence, one run)\n")
    head = ("platform", "N", "requests (bulk)", "minimum", "rerun writes", "playbook s", "module s", "plain s",
            "ratio playbook / module", "loop/bulk (N=%d)" % rows[0]["loop_n"])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    verdicts = []
    for r in rows:
        used, minimum = total(r["bulk_requests"]), total(r["min_create"])
        print("| %s | %d | %d (%d r, %d w, %d login) | %d | %d (of %d requests; min %d) | %.2f | %.2f | %.2f "
              "| %.2f / %.2f | %.1fx (%.1fs vs %.1fs) |" % (
                  r["platform"], r["n"], used, r["bulk_requests"]["reads"], r["bulk_requests"]["writes"],
                  r["bulk_requests"]["logins"], minimum, r["rerun_requests"]["writes"], total(r["rerun_requests"]),
                  total(r["min_rerun"]), r["bulk_s"], r["module_s"], r["plain_s"], r["ratio"], r["module_ratio"],
                  r["speedup"], r["loop_s"], r["bulk_small_s"]))
        verdicts.append((r["platform"], used <= minimum and total(r["rerun_requests"]) <= total(r["min_rerun"])
                         and r["rerun_requests"]["writes"] == 0,
                         r["module_ratio"] <= GOAL_RATIO, r["speedup"] >= GOAL_SPEEDUP))
    print("\ngoals: requests == minimum, rerun writes == 0; module ratio <= %.1f (the playbook ratio adds "
          "ansible-playbook's fixed start-up); bulk >= %.0fx faster than the loop" % (GOAL_RATIO, GOAL_SPEEDUP))
    for platform, req_ok, ratio_ok, speed_ok in verdicts:
        print("  %-8s requests %s, ratio %s, speed-up %s" % (
            platform, "PASS" if req_ok else "FAIL", "PASS" if ratio_ok else "FAIL", "PASS" if speed_ok else "FAIL"))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--loop-n", type=int, default=500)
    p.add_argument("--platform", action="append", choices=PLATFORMS)
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="pbxbench-")
    rows = []
    with RunningSimulator(db=os.path.join(workdir, "bench.sqlite")) as sim:
        for platform in args.platform or PLATFORMS:
            print("benchmarking %s (N=%d, loop N=%d)..." % (platform, args.n, args.loop_n), flush=True)
            rows.append(bench_platform(sim, platform, args.n, args.loop_n, workdir))
    report(rows)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
