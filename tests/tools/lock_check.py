"""make test's check that a lock is current: tests/constraints.txt for tests/requirements.txt by default, or the
pair given (tests/importer-requirements.txt tests/importer-constraints.txt); run with the Python of the virtual
environment made from it.

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
    with open(os.path.join(ROOT, name), encoding="utf-8") as fh:
        return [line.split("#")[0].strip() for line in fh if line.split("#")[0].strip()]


def main(argv):
    requirements, constraints = argv or ("tests/requirements.txt", "tests/constraints.txt")
    pins = {}
    for line in lines(constraints):
        name, sep, version = line.partition("==")
        if not sep:
            sys.exit("lock_check: %s: %r is not name==version" % (constraints, line))
        pins[canonicalize_name(name)] = version
    problems = []
    for line in lines(requirements):
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
        sys.exit("lock_check: %s is not current (run make lock, then make test):\n  %s"
                 % (constraints, "\n  ".join(problems)))
    print("lock_check: %s: %d pinned packages, all installed as pinned; %s satisfied"
          % (constraints, len(pins), requirements))


if __name__ == "__main__":
    main(sys.argv[1:])
