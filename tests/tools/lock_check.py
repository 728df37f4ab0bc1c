"""make test's check that tests/constraints.txt is current (run with the virtual environment's Python).

- every package tests/requirements.txt names is pinned, to a version its range accepts;
- the environment holds exactly the pinned packages at the pinned versions: nothing unpinned came in (a new
  dependency of a new release), nothing pinned is missing.

A failure means tests/requirements.txt changed without `make lock`, or the environment was not made from the
lock: run `make lock`, then `make test`, and commit both files.
"""

import os
import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def lines(name):
    with open(os.path.join(ROOT, "tests", name), encoding="utf-8") as fh:
        return [line.split("#")[0].strip() for line in fh if line.split("#")[0].strip()]


def main():
    pins = {}
    for line in lines("constraints.txt"):
        name, sep, version = line.partition("==")
        if not sep:
            sys.exit("lock_check: tests/constraints.txt: %r is not name==version" % line)
        pins[canonicalize_name(name)] = version
    problems = []
    for line in lines("requirements.txt"):
        wanted = Requirement(line)
        pinned = pins.get(canonicalize_name(wanted.name))
        if pinned is None:
            problems.append("%s is required but not pinned" % wanted.name)
        elif not wanted.specifier.contains(pinned, prereleases=True):
            problems.append("%s is pinned to %s, outside the required %s" % (wanted.name, pinned, wanted.specifier))
    installed = dict((canonicalize_name(d.metadata["Name"]), d.version) for d in metadata.distributions())
    for name, version in sorted(installed.items()):
        if name not in pins:
            problems.append("%s %s is installed but not pinned" % (name, version))
        elif pins[name] != version:
            problems.append("%s %s is installed, %s is pinned" % (name, version, pins[name]))
    for name in sorted(set(pins) - set(installed)):
        problems.append("%s is pinned but not installed" % name)
    if problems:
        sys.exit("lock_check: tests/constraints.txt is not current (run make lock, then make test):\n  "
                 + "\n  ".join(problems))
    print("lock_check: %d pinned packages, all installed as pinned; tests/requirements.txt satisfied" % len(pins))


if __name__ == "__main__":
    main()
