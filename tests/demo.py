"""make demo: build and install the collection, start the simulator, run the
demo playbook twice (the second run must report changed=0), stop the simulator."""

import glob
import os
import re
import shutil
import subprocess
import sys

from samples import TENANT_ARGS, TENANT_FIXTURE
from simhelper import RunningSimulator

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
DEMO = os.path.join(REPO, "build", "demo")


def sh(*cmd, **kwargs):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kwargs)


def main():
    shutil.rmtree(DEMO, ignore_errors=True)
    os.makedirs(DEMO)
    sh(os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--force", "--output-path", DEMO, REPO,
       stdout=subprocess.DEVNULL)
    tarball = glob.glob(os.path.join(DEMO, "pbxops-pbx-*.tar.gz"))[0]
    collections = os.path.join(DEMO, "collections")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING="0",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    env.pop("PYTHONPATH", None)
    # Installed where ANSIBLE_COLLECTIONS_PATH points, as a user would, so galaxy has nothing to warn about.
    sh(os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--force", "-p", collections, tarball,
       stdout=subprocess.DEVNULL, env=env)
    with RunningSimulator(db=os.path.join(DEMO, "demo.sqlite")) as sim:
        print("simulator running at %s (state in %s)" % (sim.url, sim.db), flush=True)
        # IPCortex companies have no API: the PABX must already hold one. The playbook creates the others.
        for platform, (fixture, items) in TENANT_FIXTURE.items():
            if platform not in TENANT_ARGS:
                sim.fixtures(platform, fixture, items)
        cmd = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local",
               os.path.join(REPO, "playbooks", "demo_extensions.yml"), "-e", "pbx_url=" + sim.url]
        recaps = []
        for run in ("first run: creates the extensions", "second run: nothing to do"):
            print("\n=== %s ===" % run, flush=True)
            sim.reset_stats()
            out = subprocess.run(cmd + (["--diff"] if not recaps else []), check=False, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, universal_newlines=True)
            print(out.stdout, flush=True)
            if out.returncode:
                sys.exit("demo: ansible-playbook failed (exit %d)" % out.returncode)
            stats = sim.stats()
            print("simulator saw %d reads and %d writes" % (stats["reads"], stats["writes"]))
            recaps.append(re.search(r"changed=(\d+)", out.stdout).group(1))
    if recaps[1] != "0":
        sys.exit("demo: the second run changed something (changed=%s)" % recaps[1])
    print("\ndemo: first run changed=%s, second run changed=0: idempotent on three platforms" % recaps[0])


if __name__ == "__main__":
    main()
