"""Where ``make bench`` and ``make bench-sim`` put their figures.

docs/benchmarks.md holds one section per script, between ``<!-- section:NAME -->``
and ``<!-- /section:NAME -->``; a run replaces its own section and leaves the
others as they are.  Inside a section, the tables README.md quotes sit between
``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``
(tests/unit/test_readme_benchmarks.py compares them with README's).
docs/benchmarks.json holds the raw figures, one key per section.
"""

import datetime
import json
import os
import platform as pyplatform
import re
import subprocess
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARKDOWN = os.path.join(REPO, "docs", "benchmarks.md")
JSON = os.path.join(REPO, "docs", "benchmarks.json")
SECTIONS = ("bench", "bench-large", "bench-phones", "bench-kinds", "bench-onboarding", "bench-sim", "profile")
TITLE = """# Benchmarks

Written by `make bench` (tests/bench/bench_extensions.py, bench_phones.py, bench_kinds.py, then bench_onboarding.py),
`make bench-sim`
(tests/bench/sim_bench.py) and, for the profile, tests/bench/profile_rerun.py: do not edit by hand, run them again. Each section states when,
on which commit and under which load it was measured; the raw figures are in docs/benchmarks.json. README.md
quotes the tables between `<!-- bench:NAME -->` markers verbatim (tests/unit/test_readme_benchmarks.py).
"""


def _git(*args):
    try:
        return subprocess.run(["git", "-C", REPO] + list(args), check=True, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, universal_newlines=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def run_info():
    """Date, commit, versions and load of this run, taken when it starts."""
    from ansible import __version__ as ansible_core  # pylint: disable=import-outside-toplevel

    commit = (_git("rev-parse", "--short", "HEAD") or "unknown").strip()
    # The results files themselves do not make the measured code uncommitted.
    dirty = bool((_git("status", "--porcelain", "--", ".", ":!docs/benchmarks.md", ":!docs/benchmarks.json")
                  or "").strip())
    return {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit, "uncommitted_changes": dirty,
        "ansible_core": ansible_core, "python": pyplatform.python_version(),
        "nproc": os.cpu_count(), "load_average_start": [round(v, 2) for v in os.getloadavg()],
    }


def begin(what, command):
    """The run's info (run_info and the command) and its start, said on the terminal."""
    info = run_info()
    info["command"] = command
    print("make bench (%s): %s, commit %s, load average %s on %d CPUs"
          % (what, info["date_utc"], info["commit"], info["load_average_start"], info["nproc"]), flush=True)
    return info, time.monotonic()


def end(info, started):
    """Wall time and load at the end, into the run's info (before its tables are made)."""
    info["wall_s"] = time.monotonic() - started
    info["load_average_end"] = [round(v, 2) for v in os.getloadavg()]


def publish(name, lines, data, write=True):
    """Print a section's lines (without markers) and, unless told not to, write it to both results files."""
    for line in lines:
        if not line.startswith("<!--"):
            print(line)
    if write:
        update_markdown(name, lines)
        update_json(name, data)
        print("\nwritten: docs/benchmarks.md (section %s), docs/benchmarks.json (key %s)" % (name, name))


def run_row(info):
    """The cells describing a run, for the header table of a section."""
    return [info["date_utc"], info["commit"] + (" + uncommitted changes" if info["uncommitted_changes"] else ""),
            info["ansible_core"], info["python"], str(info["nproc"]),
            " / ".join("%.2f" % v for v in info["load_average_start"])]


RUN_HEAD = ["date (UTC)", "commit", "ansible-core", "Python", "nproc", "load average at start (1 / 5 / 15 min)"]


def table(head, rows):
    """Markdown table lines."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def block(name, lines):
    """Lines between the markers README quotes."""
    return ["<!-- bench:%s -->" % name] + list(lines) + ["<!-- /bench:%s -->" % name]


def _section_re(name):
    return re.compile(r"<!-- section:%s -->\n.*?<!-- /section:%s -->\n?" % (re.escape(name), re.escape(name)), re.S)


def update_markdown(name, lines, path=MARKDOWN):
    """Replace section ``name`` of docs/benchmarks.md by ``lines``; keep the other sections."""
    text = "<!-- section:%s -->\n%s\n<!-- /section:%s -->\n" % (name, "\n".join(lines).rstrip("\n"), name)
    try:
        with open(path) as fh:
            doc = fh.read()
    except FileNotFoundError:
        doc = TITLE
    pattern = _section_re(name)
    if pattern.search(doc):
        doc = pattern.sub(lambda _: text, doc, count=1)
    else:
        # Keep the sections in SECTIONS order: before the first later section present, else at the end.
        later = SECTIONS[SECTIONS.index(name) + 1:] if name in SECTIONS else ()
        spots = [m.start() for m in (_section_re(n).search(doc) for n in later) if m]
        at = min(spots) if spots else len(doc)
        doc = doc[:at].rstrip("\n") + "\n\n" + text + ("\n" + doc[at:] if at < len(doc) else "")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(doc)


def update_json(name, data, path=JSON):
    """Replace key ``name`` of docs/benchmarks.json; keep the others."""
    try:
        with open(path) as fh:
            doc = json.load(fh)
    except (FileNotFoundError, ValueError):
        doc = {}
    doc[name] = data
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(doc, fh, indent=1, sort_keys=True)
        fh.write("\n")


def verdict(ok):
    return "PASS" if ok else "FAIL"
