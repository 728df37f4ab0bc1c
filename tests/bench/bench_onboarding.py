"""make bench (onboarding): a whole tenant onboarded with the tenant_onboarding role, per platform, and measured.

Per platform, against one simulator (SQLite state on disk): a tenant of N extensions (default 300), N desk phones
(one extension each) and G call groups (default 10, two members each) onboarded by one ansible-playbook run of
the role, from an empty PBX, then again (unchanged); the module runs per kind counted at two sizes (N/10 and N) to
show they do not grow with the tenant; then the same tenant done with a loop of single-object tasks (one task per
extension, phone and call group), whole ansible-playbook wall time. IPCortex's company and the users owning the
extensions are fixtures (what the PABX must hold; no API makes them), so its extensions are updates there.

Writes the "bench-onboarding" section of docs/benchmarks.md and docs/benchmarks.json; always exits 0 once it has
run (the lines say PASS or FAIL).
"""

import argparse
import os
import re
import shutil
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from playbook import CONNECTION  # noqa: E402
from samples import TENANT, TENANT_ARGS, ext, seed_ipcortex  # noqa: E402
from simhelper import RunningSimulator  # noqa: E402

import bench_extensions as common  # noqa: E402
import plain_phones  # noqa: E402
import results  # noqa: E402

PLATFORMS = common.PLATFORMS
TITLES = common.TITLES
GOAL_SECONDS = 10.0  # whole playbook per platform, first onboarding
FIRST_NUMBER = 3000
FIRST_GROUP = 9000
# The role's module tasks, by the kind they apply.
KIND_TASKS = {"Tenant": "tenant", "Gateways and trunks": "gateways", "Extensions": "extensions",
              "Call groups": "callgroups", "Phones, with their configuration pushed to those that changed": "phones",
              "Emergency locations (ERLs)": "erls"}
# One single-object task per object, with the options the definition's items use.
SINGLE = {
    "extensions": ("pbx_extension", "number", ("name", "first_name", "last_name", "email", "sip_password",
                                               "web_password", "voicemail_pin")),
    "callgroups": ("pbx_callgroup", "number", ("name", "strategy", "members")),
    "phones": ("pbx_phone", "mac", ("model", "extensions")),
}


def numbers(n):
    return [str(FIRST_NUMBER + i) for i in range(n)]


def definition(platform, n, groups):
    tenant = dict(TENANT_ARGS.get(platform, {"name": TENANT}))
    if platform == "portsip":
        tenant["max_extensions"] = max(1000, n + groups)
    exts = [ext(platform, number) for number in numbers(n)]
    for item in exts:
        if platform == "portsip":
            item["voicemail_pin"] = "135792"
    members = numbers(n)
    callgroups = [{"number": str(FIRST_GROUP + g), "name": "group%d" % g, "strategy": "hunt",
                   "members": members[2 * g:2 * g + 2]} for g in range(groups)]
    phones = [plain_phones.sample(platform, i, number) for i, number in enumerate(numbers(n))]
    return {"tenant": tenant, "extensions": exts, "callgroups": callgroups, "phones": phones}


def fresh(sim, platform, n):
    """An empty PBX; IPCortex with its company and the users owning the N extensions (the phones ring them)."""
    sim.reset()
    if platform == "ipcortex":
        seed_ipcortex(sim, TENANT, numbers(n))
    sim.reset_stats()


def write(workdir, name, data):
    path = os.path.join(workdir, name)
    with open(path, "w") as fh:
        yaml.safe_dump(data, fh, sort_keys=False)
    return path


def role_play(workdir, platform, url):
    return write(workdir, "onboard-%s.yml" % platform, [{
        "name": "bench onboarding", "hosts": "localhost", "gather_facts": False,
        "roles": [{"role": "pbxops.pbx.tenant_onboarding",
                   "vars": {"tenant_onboarding_connection": dict(CONNECTION[platform], url=url)}}]}])


def loop_play(workdir, platform, url, definition_):
    """The same tenant with a loop of single-object tasks: what the role replaces."""
    tasks = [{"name": "tenant", "pbxops.pbx.pbx_tenant": dict(
        (k, "{{ tenant_onboarding_definition.tenant.%s }}" % k) for k in definition_["tenant"])}]
    for plural in ("extensions", "callgroups", "phones"):
        module, key, options = SINGLE[plural]
        used = [o for o in options if any(o in item for item in definition_[plural])]
        args = {key: "{{ item.%s }}" % key, "tenant": TENANT}
        args.update((o, "{{ item.%s | default(omit) }}" % o) for o in used)
        tasks.append({"name": plural, "pbxops.pbx." + module: args,
                      "loop": "{{ tenant_onboarding_definition.%s }}" % plural,
                      "loop_control": {"label": "{{ item.%s }}" % key}})
    return write(workdir, "loop-%s.yml" % platform, [{
        "name": "bench onboarding with a loop", "hosts": "localhost", "gather_facts": False,
        "module_defaults": {"group/pbxops.pbx.pbx": dict(CONNECTION[platform], url=url)}, "tasks": tasks}])


def run(bench, play, vars_path):
    measured = common.measure([common.ANSIBLE_PLAYBOOK, "-i", "localhost,", "-c", "local", play, "-e",
                               "@" + vars_path], bench.env)
    if measured.rc:
        sys.exit("bench: ansible-playbook failed:\n" + measured.stdout[-5000:])
    measured.changed = int(re.findall(r"localhost\s+: ok=\d+\s+changed=(\d+)", measured.stdout)[-1])
    return measured


def module_runs(stdout):
    """kind -> how many times its module ran (a task result line per run) in the role's output."""
    out, kind = {}, None
    for line in stdout.splitlines():
        task = re.match(r"TASK \[pbxops\.pbx\.tenant_onboarding : (.+?)\] \*", line)
        if task:
            kind = KIND_TASKS.get(task.group(1))
        elif kind and re.match(r"(ok|changed): \[localhost\]", line):
            out[kind] = out.get(kind, 0) + 1
    return out


def bench_platform(bench, platform, n, groups):
    row = {"platform": platform, "n": n, "groups": groups}
    play = role_play(bench.workdir, platform, bench.sim.url)
    small = definition(platform, max(1, n // 10), max(1, groups // 10))
    fresh(bench.sim, platform, max(1, n // 10))
    first = run(bench, play, write(bench.workdir, "small.yml", {"tenant_onboarding_definition": small}))
    row["runs_small"] = module_runs(first.stdout)
    defined = definition(platform, n, groups)
    vars_path = write(bench.workdir, "tenant-%s.yml" % platform, {"tenant_onboarding_definition": defined})
    fresh(bench.sim, platform, n)
    first = run(bench, play, vars_path)
    stats = bench.sim.stats()["by_platform"].get(platform, {})
    row.update(first_s=first.seconds, first_changed=first.changed, runs=module_runs(first.stdout),
               first_reads=stats.get("reads", 0), first_writes=stats.get("writes", 0))
    bench.sim.reset_stats()
    again = run(bench, play, vars_path)
    stats = bench.sim.stats()["by_platform"].get(platform, {})
    row.update(rerun_s=again.seconds, rerun_changed=again.changed, rerun_writes=stats.get("writes", 0))
    fresh(bench.sim, platform, n)
    loop = run(bench, loop_play(bench.workdir, platform, bench.sim.url, defined), vars_path)
    row.update(loop_s=loop.seconds, loop_changed=loop.changed)
    row["speedup"] = loop.seconds / first.seconds
    return row


def label(row):
    return TITLES[row["platform"]]


def markdown(rows, info):
    out = ["## `make bench`: onboarding a whole tenant (tenant_onboarding role)", ""]
    out += results.block("onboarding-run", results.table(
        ["command"] + results.RUN_HEAD + ["wall time"],
        [[info["command"]] + results.run_row(info) + ["%.0f s" % info["wall_s"]]]))
    r0 = rows[0]
    out += ["", "**A tenant of N=%d extensions, N desk phones (one extension each) and %d call groups** (two "
            "members each), onboarded from an empty PBX by one `ansible-playbook` run of the role (whole process, "
            "one run each), then again; module runs per kind counted from the role's output at N/10 and at N; the "
            "same tenant done with a loop of single-object tasks (one per extension, call group and phone). "
            "IPCortex: the company and the users owning the extensions are fixtures (no API makes them), so its "
            "extensions are updates." % (r0["n"], r0["groups"]), ""]
    out += results.block("onboarding", results.table(
        ["platform", "module runs per kind (N/10 -> N)", "first run (whole playbook)", "rerun (changed, writes)",
         "loop of single tasks", "role vs loop"],
        [[label(r), ", ".join("%s %d -> %d" % (k, r["runs_small"].get(k, 0), v) for k, v in r["runs"].items()),
          "%.1f s (%d reads, %d writes)" % (r["first_s"], r["first_reads"], r["first_writes"]),
          "%.1f s (changed=%d, %d writes)" % (r["rerun_s"], r["rerun_changed"], r["rerun_writes"]),
          "%.1f s" % r["loop_s"], "%.0fx" % r["speedup"]] for r in rows]))
    out += ["", "**Goals** (as measured; a FAIL stays a FAIL):", ""]
    goals = []
    for r in rows:
        timely = results.verdict(r["first_s"] <= GOAL_SECONDS)
        goals.append([label(r), "first run <= %.0f s: %.1f s, %s" % (GOAL_SECONDS, r["first_s"], timely),
                      "one module run per kind whatever N: %s" % results.verdict(
                          r["runs"] == r["runs_small"] and set(r["runs"].values()) == {1}),
                      "rerun writes nothing: %s" % results.verdict(r["rerun_changed"] == 0 and
                                                                   r["rerun_writes"] == 0)])
    out += results.block("onboarding-goals", results.table(["platform", "time", "module runs", "rerun"], goals))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=300)
    p.add_argument("--groups", type=int, default=10)
    p.add_argument("--platform", action="append", choices=PLATFORMS)
    p.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md and .json")
    args = p.parse_args(argv)
    info, started = results.begin("onboarding", "make bench-onboarding ONBOARD_N=%d" % args.n)
    workdir = tempfile.mkdtemp(prefix="pbxbench-onboarding-")
    rows = []
    try:
        with RunningSimulator(db=os.path.join(workdir, "bench.sqlite")) as sim:
            bench = common.Bench(sim, workdir)
            for platform in args.platform or PLATFORMS:
                print("onboarding on %s: N=%d, %d call groups..." % (platform, args.n, args.groups), flush=True)
                rows.append(bench_platform(bench, platform, args.n, args.groups))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results.end(info, started)
    results.publish("bench-onboarding", markdown(rows, info), {"run": info, "rows": rows}, not args.no_docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
