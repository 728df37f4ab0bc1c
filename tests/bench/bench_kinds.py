"""make bench (call groups, gateways, ERLs): converge each kind per platform with its module and measure.

For each kind (pbx_callgroup, pbx_gateway, pbx_erl) and each platform with an
API for it, in one run against one simulator (SQLite state on disk): the
tenant and what the objects name (member extensions, users) made first (not
counted), then

- N (default 200) new objects with the list form, then the same again:
  requests used against the fewest calls the vendor API documents
  (plain_<kind>.calls(), compared route by route with the simulator's
  counters); the module process alone against a plain ``requests`` script
  making exactly those calls (median of 3);
- the list form against a loop of single-object tasks (LOOP_N objects, whole
  ansible-playbook wall time, one run each).

Writes the "bench-kinds" section of docs/benchmarks.md and docs/benchmarks.json;
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
import plain_callgroups  # noqa: E402
import plain_erls  # noqa: E402
import plain_gateways  # noqa: E402
import results  # noqa: E402

KINDS = {"callgroup": plain_callgroups, "gateway": plain_gateways, "erl": plain_erls}
TITLES = common.TITLES
GOAL_RATIO = 1.3      # module process / plain script
GOAL_SPEEDUP = 10.0   # loop / list form, LOOP_N=50
REPEAT = 3
MODULES = os.path.join(os.path.dirname(os.path.dirname(HERE)), "plugins", "modules")


def fresh(bench, yard, platform, n):
    """An empty simulator holding the tenant and what the first n objects name; counters reset."""
    bench.fresh(platform, n)
    yard.prepare(bench.sim, platform, TENANT, n)
    bench.sim.reset_stats()


def bench_one(bench, kind, platform, n, loop_n):
    """N new objects, the rerun, the plain script and the module alone, then the loop against the list."""
    yard = KINDS[kind]
    items = [yard.sample(platform, i) for i in range(n)]
    row = {"kind": kind, "module": yard.MODULE, "platform": platform, "n": n, "loop_n": loop_n}
    task = "pbxops.pbx." + yard.MODULE
    play = bench.play(kind, platform, [{"name": "converge", task: {yard.OPTION: "{{ items }}"}}])
    vars_path = bench.write_json(kind + ".json", {"items": items})

    def entry(created, existing):
        return common.requests_entry(platform, bench.counts(platform), created, existing, yard=yard)

    fresh(bench, yard, platform, n)
    run = bench.playbook(play, vars_path)
    row["playbook_s"], row["create"] = run.seconds, entry(n, 0)
    bench.sim.reset_stats()
    run = bench.playbook(play, vars_path)
    row["rerun_s"], row["rerun_changed"], row["rerun"] = run.seconds, run.changed, entry(0, n)

    items_path = bench.write_json(kind + "_items.json", items)
    args_path = bench.write_json(kind + "_args.json", {"ANSIBLE_MODULE_ARGS": dict(
        CONNECTION[platform], url=bench.sim.url, tenant=TENANT, **{yard.OPTION: items})})
    plain, module = [], []
    for rep in range(REPEAT):
        fresh(bench, yard, platform, n)
        plain.append(bench.plain(platform, items_path, script=yard.__name__ + ".py"))
        if rep == 0:
            row["plain"] = entry(n, 0)
        fresh(bench, yard, platform, n)
        module.append(bench.module(args_path, module=os.path.join(MODULES, yard.MODULE + ".py")))
        if rep == 0:
            row["module_run"] = entry(n, 0)
    row["plain_s"] = [r.seconds for r in plain]
    row["module_s"] = [r.seconds for r in module]
    row["module_ratio"] = common.median(module) / common.median(plain)
    row["playbook_ratio"] = row["playbook_s"] / common.median(plain)

    small_vars = bench.write_json(kind + "_small.json", {"items": items[:loop_n]})
    loop_play = bench.play(kind + "_loop", platform, [{
        "name": "one task per object", task: "{{ item }}", "loop": "{{ items }}",
        "loop_control": {"label": "{{ item.%s }}" % yard.KEY}}])
    fresh(bench, yard, platform, loop_n)
    row["loop_s"] = bench.playbook(loop_play, small_vars).seconds
    fresh(bench, yard, platform, loop_n)
    row["bulk_small_s"] = bench.playbook(play, small_vars).seconds
    row["speedup"] = row["loop_s"] / row["bulk_small_s"]
    return row


def label(row):
    return "%s, %s" % (row["module"], TITLES[row["platform"]])


def goal_cells(row):
    verdict, totals = results.verdict, common.totals
    create, rerun = row["create"], row["rerun"]
    return [
        "%s (%d vs %d)" % (verdict(create["at_minimum"]), totals(create["used"]), totals(create["minimum"])),
        "%s (%d vs %d)" % (verdict(rerun["at_minimum"]), totals(rerun["used"]), totals(rerun["minimum"])),
        verdict(rerun["used"]["writes"] == 0 and not row["rerun_changed"]),
        verdict(row["plain"]["at_minimum"]),
        "%s (%.2f)" % (verdict(row["module_ratio"] <= GOAL_RATIO), row["module_ratio"]),
        "%s (%.0fx)" % (verdict(row["speedup"] >= GOAL_SPEEDUP), row["speedup"]),
    ]


GOAL_HEAD = ["requests == documented minimum (create N)", "requests == documented minimum (rerun N)",
             "rerun writes == 0, changed false", "the plain script makes exactly the documented calls",
             "module process / plain script <= %.1f" % GOAL_RATIO,
             "list form >= %.0fx faster than a loop (LOOP_N)" % GOAL_SPEEDUP]


def minimum_table(rows):
    lines = []
    for row in rows:
        yard, platform, n = KINDS[row["kind"]], row["platform"], row["n"]
        scenarios = [(n, 0), (0, n)]
        found = {}
        for created, existing in scenarios:
            for call in yard.calls(platform, created, existing):
                found.setdefault(call.key, call)
        for key, call in found.items():
            counts = [{c.key: c.count for c in yard.calls(platform, created, existing)}.get(key, 0)
                      for created, existing in scenarios]
            lines.append([label(row), "`%s`" % key, call.kind] + counts + [call.why])
    return results.table(["module, platform", "call", "counted as", "create N", "rerun N", "why (vendor reference)"],
                         lines)


def markdown(rows, info):
    spell = common.spell
    out = ["## `make bench`: pbx_callgroup, pbx_gateway, pbx_erl", ""]
    out += results.block("kinds-run", results.table(
        ["command"] + results.RUN_HEAD + ["wall time"],
        [[info["command"]] + results.run_row(info) + ["%.0f s" % info["wall_s"]]]))
    n, loop_n = rows[0]["n"], rows[0]["loop_n"]
    out += ["", "**N=%d new objects per module and platform** with the list form (call groups: hunt groups of two "
            "members each, the member extensions made beforehand; gateways: SIP trunks; ERLs: one user each, the "
            "users made beforehand), then the same task again (unchanged); the plain scripts "
            "(`tests/bench/plain_callgroups.py`, `plain_gateways.py`, `plain_erls.py`) make exactly the documented "
            "minimum calls with `requests`. Times are whole processes from start to exit; module and plain script "
            "median of %d, playbook runs one each; the loop runs LOOP_N=%d single-object tasks." % (n, REPEAT, loop_n),
            ""]
    out += results.block("kinds", results.table(
        ["module, platform", "requests used (N=%d)" % n, "documented minimum", "rerun used", "rerun minimum",
         "module process / plain script", "whole playbook / plain script", "list vs loop (N=%d)" % loop_n],
        [[label(r), spell(r["create"]["used"]), spell(r["create"]["minimum"]),
          spell(r["rerun"]["used"]), spell(r["rerun"]["minimum"]),
          "%.2f (%.2f s / %.2f s)" % (r["module_ratio"], statistics.median(r["module_s"]),
                                      statistics.median(r["plain_s"])),
          "%.2f (%.2f s)" % (r["playbook_ratio"], r["playbook_s"]),
          "%.0fx (%.1f s vs %.1f s)" % (r["speedup"], r["loop_s"], r["bulk_small_s"])] for r in rows]))
    diffs = []
    for r in rows:
        for phase in ("create", "rerun", "plain"):
            diffs += [[label(r), "N=%d %s" % (r["n"], phase), "`%s`" % key, used, want]
                      for key, used, want in r[phase]["differences"]]
    out += ["", "**Routes where the requests differ from the documented minimum** (every other route: equal).", ""]
    out += results.block("kinds-routes", results.table(
        ["module, platform", "run", "route", "used", "documented minimum"],
        diffs or [["all", "all", "none", "", ""]]))
    out += ["", "**Goals** (every cell as measured; a FAIL stays a FAIL):", ""]
    out += results.block("kinds-goals", results.table(["module, platform"] + GOAL_HEAD,
                                                      [[label(r)] + goal_cells(r) for r in rows]))
    out += ["", "### The documented minimum for call groups, gateways and ERLs, call by call", "",
            "`plain_<kind>.calls()`: the fewest calls each vendor reference documents for a client that checks the "
            "tenant and what each object names before writing and closes the session it opened.", ""]
    out += minimum_table(rows)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--loop-n", type=int, default=50)
    p.add_argument("--kind", action="append", choices=sorted(KINDS))
    p.add_argument("--platform", action="append", choices=common.PLATFORMS)
    p.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md and .json")
    args = p.parse_args(argv)
    info, started = results.begin("call groups, gateways, ERLs", "make bench-kinds KIND_N=%d KIND_LOOP_N=%d" % (args.n, args.loop_n))
    workdir = tempfile.mkdtemp(prefix="pbxbench-kinds-")
    rows = []
    try:
        with RunningSimulator(db=os.path.join(workdir, "bench.sqlite")) as sim:
            bench = common.Bench(sim, workdir)
            for kind in args.kind or list(KINDS):
                for platform in KINDS[kind].PLATFORMS:
                    if args.platform and platform not in args.platform:
                        continue
                    print("%s on %s: N=%d, loop N=%d..." % (kind, platform, args.n, args.loop_n), flush=True)
                    rows.append(bench_one(bench, kind, platform, args.n, args.loop_n))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results.end(info, started)
    results.publish("bench-kinds", markdown(rows, info), {"run": info, "rows": rows}, not args.no_docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
