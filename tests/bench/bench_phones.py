"""make bench (phones): converge desk phones per platform with pbx_phone and measure.

Per platform, in one run against one simulator (SQLite state on disk): the
tenant and N extensions made first (as a user makes them; not counted), then

- N (default 1000) new phones, one extension each, with the list form, then
  the same again: requests used against the fewest calls the vendor API
  documents (plain_phones.calls(), compared route by route with the
  simulator's counters); the module process alone against a plain
  ``requests`` script making exactly those calls (median of 3);
- the list form against a loop of single-phone tasks (LOOP_N phones, whole
  ansible-playbook wall time, one run each).

Writes the "bench-phones" section of docs/benchmarks.md and docs/benchmarks.json;
always exits 0 once it has run (the lines say PASS or FAIL).
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from playbook import CONNECTION  # noqa: E402
from samples import TENANT  # noqa: E402
from simhelper import RunningSimulator  # noqa: E402

import bench_extensions as common  # noqa: E402
import plain_phones  # noqa: E402
import results  # noqa: E402

PLATFORMS = common.PLATFORMS
TITLES = common.TITLES
GOAL_RATIO = 1.3      # module process / plain script, N=1000
GOAL_SPEEDUP = 40.0   # loop / list form
REPEAT = 3
MODULE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "plugins", "modules", "pbx_phone.py")
CONVERGE = [{"name": "converge", "pbxops.pbx.pbx_phone": {"phones": "{{ items }}"}}]
FIRST_NUMBER = 20000


def numbers(n):
    return [str(FIRST_NUMBER + i) for i in range(n)]


def phone_items(platform, n):
    return [plain_phones.sample(platform, i, number) for i, number in enumerate(numbers(n))]


def fresh(bench, platform, n):
    """An empty simulator holding the tenant and the N extensions the phones ring on; counters reset."""
    bench.fresh(platform, n)
    plain_phones.prepare(bench.sim, platform, TENANT, numbers(n))
    bench.sim.reset_stats()


def entry(bench, platform, created, existing):
    return common.requests_entry(platform, bench.counts(platform), created, existing, yard=plain_phones)


def bench_platform(bench, platform, n, loop_n):
    """N new phones, the rerun, the plain script and the module alone, then the loop against the list."""
    items = phone_items(platform, n)
    row = {"platform": platform, "n": n, "loop_n": loop_n}
    play = bench.play("phones", platform, CONVERGE)
    vars_path = bench.write_json("phones.json", {"items": items})

    fresh(bench, platform, n)
    run = bench.playbook(play, vars_path)
    row["playbook_s"] = run.seconds
    row["create"] = entry(bench, platform, n, 0)
    bench.sim.reset_stats()
    run = bench.playbook(play, vars_path)
    row["rerun_s"], row["rerun_changed"] = run.seconds, run.changed
    row["rerun"] = entry(bench, platform, 0, n)

    items_path = bench.write_json("phone_items.json", items)
    args_path = bench.write_json("phone_args.json", {"ANSIBLE_MODULE_ARGS": dict(
        CONNECTION[platform], url=bench.sim.url, tenant=TENANT, phones=items)})
    plain, module = [], []
    for rep in range(REPEAT):
        fresh(bench, platform, n)
        plain.append(bench.plain(platform, items_path, script="plain_phones.py"))
        if rep == 0:
            row["plain"] = entry(bench, platform, n, 0)
        fresh(bench, platform, n)
        module.append(bench.module(args_path, module=MODULE))
        if rep == 0:
            row["module"] = entry(bench, platform, n, 0)
    row["plain_s"] = [r.seconds for r in plain]
    row["module_s"] = [r.seconds for r in module]
    row["module_ratio"] = common.median(module) / common.median(plain)
    row["playbook_ratio"] = row["playbook_s"] / common.median(plain)

    small_vars = bench.write_json("phones_small.json", {"items": items[:loop_n]})
    loop_play = bench.play("phone_loop", platform, [{
        "name": "one task per phone", "pbxops.pbx.pbx_phone": "{{ item }}", "loop": "{{ items }}",
        "loop_control": {"label": "{{ item.mac }}"}}])
    fresh(bench, platform, loop_n)
    row["loop_s"] = bench.playbook(loop_play, small_vars).seconds
    fresh(bench, platform, loop_n)
    row["bulk_small_s"] = bench.playbook(play, small_vars).seconds
    row["speedup"] = row["loop_s"] / row["bulk_small_s"]
    return row


def goal_rows(rows):
    n, loop_n = rows[0]["n"], rows[0]["loop_n"]
    verdict, totals = results.verdict, common.totals
    return [
        ("N=%d: requests == documented minimum (create)" % n, {
            r["platform"]: "%s (%d vs %d)" % (verdict(r["create"]["at_minimum"]), totals(r["create"]["used"]),
                                              totals(r["create"]["minimum"])) for r in rows}),
        ("N=%d: requests == documented minimum (rerun)" % n, {
            r["platform"]: "%s (%d vs %d)" % (verdict(r["rerun"]["at_minimum"]), totals(r["rerun"]["used"]),
                                              totals(r["rerun"]["minimum"])) for r in rows}),
        ("N=%d: rerun writes == 0, changed false" % n, {
            r["platform"]: verdict(r["rerun"]["used"]["writes"] == 0 and not r["rerun_changed"]) for r in rows}),
        ("N=%d: the plain script makes exactly the documented calls" % n, {
            r["platform"]: verdict(r["plain"]["at_minimum"]) for r in rows}),
        ("N=%d: module process / plain script <= %.1f" % (n, GOAL_RATIO), {
            r["platform"]: "%s (%.2f)" % (verdict(r["module_ratio"] <= GOAL_RATIO), r["module_ratio"])
            for r in rows}),
        ("N=%d: list form >= %.0fx faster than a loop" % (loop_n, GOAL_SPEEDUP), {
            r["platform"]: "%s (%.0fx)" % (verdict(r["speedup"] >= GOAL_SPEEDUP), r["speedup"]) for r in rows}),
    ]


def minimum_table(platforms, n):
    scenarios = [("create N=%d" % n, n, 0), ("rerun N=%d" % n, 0, n)]
    lines = []
    for platform in platforms:
        found = {}
        for unused_label, created, existing in scenarios:
            for call in plain_phones.calls(platform, created, existing):
                found.setdefault(call.key, call)
        for key, call in found.items():
            counts = [{c.key: c.count for c in plain_phones.calls(platform, created, existing)}.get(key, 0)
                      for unused_label, created, existing in scenarios]
            lines.append([TITLES[platform], "`%s`" % key, call.kind] + counts + [call.why])
    return results.table(["platform", "call", "counted as"] + [s[0] for s in scenarios] + ["why (vendor reference)"],
                         lines)


def markdown(rows, info):
    spell = common.spell
    out = ["## `make bench`: pbx_phone", ""]
    out += results.block("phones-run", results.table(
        ["command"] + results.RUN_HEAD + ["wall time"],
        [[info["command"]] + results.run_row(info) + ["%.0f s" % info["wall_s"]]]))
    n, loop_n = rows[0]["n"], rows[0]["loop_n"]
    out += ["", "**N=%d new phones** (one extension each, the extensions made beforehand and not counted) with the "
            "list form, then the same task again (unchanged); the plain script (`tests/bench/plain_phones.py`) makes "
            "exactly the documented minimum calls with `requests`. Times are whole processes from start to exit; "
            "module and plain script median of %d, playbook runs one each." % (n, REPEAT), ""]
    out += results.block("phones", results.table(
        ["platform", "requests used (N=%d)" % n, "documented minimum", "rerun used", "rerun minimum",
         "module process / plain script", "whole playbook / plain script", "list vs loop (N=%d)" % loop_n],
        [[TITLES[r["platform"]], spell(r["create"]["used"]), spell(r["create"]["minimum"]),
          spell(r["rerun"]["used"]), spell(r["rerun"]["minimum"]),
          "%.2f (%.2f s / %.2f s)" % (r["module_ratio"], statistics.median(r["module_s"]),
                                      statistics.median(r["plain_s"])),
          "%.2f (%.2f s)" % (r["playbook_ratio"], r["playbook_s"]),
          "%.0fx (%.1f s vs %.1f s)" % (r["speedup"], r["loop_s"], r["bulk_small_s"])] for r in rows]))
    diffs = []
    for r in rows:
        for phase in ("create", "rerun", "plain"):
            diffs += [[TITLES[r["platform"]], "N=%d %s" % (r["n"], phase), "`%s`" % key, used, want]
                      for key, used, want in r[phase]["differences"]]
    out += ["", "**Routes where the requests differ from the documented minimum** (every other route: equal).", ""]
    out += results.block("phones-routes", results.table(["platform", "run", "route", "used", "documented minimum"],
                                                        diffs or [["all", "all", "none", "", ""]]))
    platforms_seen = [r["platform"] for r in rows]
    out += ["", "**Goals** (every line as measured; a FAIL stays a FAIL):", ""]
    out += results.block("phones-goals", results.table(
        ["goal"] + [TITLES[p] for p in platforms_seen],
        [[goal] + [cells.get(p, "") for p in platforms_seen] for goal, cells in goal_rows(rows)]))
    out += ["", "### The documented minimum for phones, call by call", "",
            "`plain_phones.calls()`: the fewest calls each vendor reference documents for a client that checks the "
            "tenant, the model and the extensions before writing and closes the session it opened.", ""]
    out += minimum_table(platforms_seen, n)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--loop-n", type=int, default=200)
    p.add_argument("--platform", action="append", choices=PLATFORMS)
    p.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md and .json")
    args = p.parse_args(argv)
    info, started = results.begin("phones", "make bench-phones N=%d PHONE_LOOP_N=%d" % (args.n, args.loop_n))
    workdir = tempfile.mkdtemp(prefix="pbxbench-phones-")
    rows = []
    try:
        with RunningSimulator(db=os.path.join(workdir, "bench.sqlite")) as sim:
            bench = common.Bench(sim, workdir)
            for platform in args.platform or PLATFORMS:
                print("%s: N=%d phones, loop N=%d..." % (platform, args.n, args.loop_n), flush=True)
                rows.append(bench_platform(bench, platform, args.n, args.loop_n))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results.end(info, started)
    results.publish("bench-phones", markdown(rows, info), {"run": info, "phones": rows}, not args.no_docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
