"""Offline stand-in for ansible-test's get-pip bootstrap script.

ansible-test creates its sanity virtual environments without pip and bootstraps pip by running
~/.ansible/test/cache/get_pip_<version>.py, which it otherwise downloads from a host this network
cannot reach. tests/tools/sanity.sh copies this file there when it is missing.

ansible-test runs it as `python <quiet_pip.py> --disable-pip-version-check pip==X.Y
--no-setuptools --no-wheel` (quiet_pip executes this file as __main__). get-pip.py understands the
last two flags, pip install does not, so they are dropped.
"""

import ensurepip
import os
import subprocess
import sys

GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}


def main():
    environment = dict(os.environ)
    # ensurepip installs its bundled pip from wheels inside the standard library (no network).
    ensurepip.bootstrap()
    # ensurepip also deletes every PIP_* variable and points PIP_CONFIG_FILE at /dev/null; undo
    # that so the pip install below sees the machine's index, find-links and certificates.
    os.environ.clear()
    os.environ.update(environment)
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    return subprocess.call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    sys.exit(main())
