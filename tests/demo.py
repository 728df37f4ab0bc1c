"""make demo: build and install the collection as a user would, start the simulator (it plays the three PBXs of
the example inventory), onboard the example tenant on all three, show the summary, onboard again (every host must
report changed=0), export one tenant and onboard the exported file (changed=0 again), stop the simulator."""

import glob
import os
import re
import shutil
import subprocess
import sys

from samples import TENANT, seed_ipcortex
from simhelper import RunningSimulator

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
DEMO = os.path.join(REPO, "build", "demo")


def sh(*cmd, **kwargs):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kwargs)


def recap(output):
    return dict((host, int(changed)) for host, changed in
                re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=0", output, re.M))


def play(env, playbooks, step, name, *args):
    print("\n=== %s ===" % step, flush=True)
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(playbooks, "inventory", "example.yml"),
           os.path.join(playbooks, name)] + list(args)
    print("+ " + " ".join(cmd), flush=True)
    out = subprocess.run(cmd, check=False, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         universal_newlines=True)
    print(out.stdout, flush=True)
    if out.returncode:
        sys.exit("demo: %s failed (exit %d)" % (name, out.returncode))
    return recap(out.stdout)


def main():
    shutil.rmtree(DEMO, ignore_errors=True)
    os.makedirs(DEMO)
    sh(os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--force", "--output-path", DEMO, REPO,
       stdout=subprocess.DEVNULL)
    tarball = glob.glob(os.path.join(DEMO, "pbxops-pbx-*.tar.gz"))[0]
    collections = os.path.join(DEMO, "collections")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_HOME=os.path.join(DEMO, "ansible-home"))
    env.pop("PYTHONPATH", None)
    # Installed where ANSIBLE_COLLECTIONS_PATH points, as a user would; the playbooks and the example inventory
    # are run from the installed collection.
    sh(os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--force", "-p", collections, tarball,
       stdout=subprocess.DEVNULL, env=env)
    playbooks = os.path.join(collections, "ansible_collections", "pbxops", "pbx", "playbooks")
    exported = os.path.join(DEMO, "exported")
    with RunningSimulator(db=os.path.join(DEMO, "demo.sqlite")) as sim:
        print("simulator running at %s (state in %s); it plays the example inventory's three PBXs"
              % (sim.url, sim.db), flush=True)
        # What an IPCortex PABX holds before onboarding and no API creates: the company, and the users who
        # own the extensions its call group rings.
        seed_ipcortex(sim)
        url = "pbx_url=" + sim.url
        first = play(env, playbooks, "first run: onboard tenant %s on sipXcom, IPCortex and PortSIP" % TENANT,
                     "onboard_tenant.yml", "-e", url, "--diff")
        sim.reset_stats()
        second = play(env, playbooks, "second run: nothing to do", "onboard_tenant.yml", "-e", url)
        stats = sim.stats()
        print("simulator saw %d reads and %d writes in the second run" % (stats["reads"], stats["writes"]))
        if sorted(second) != sorted(first) or set(second.values()) != {0} or stats["writes"]:
            sys.exit("demo: the second run changed something: %s" % second)
        play(env, playbooks, "export tenant %s from every PBX as tenant definition files" % TENANT,
             "export_tenant.yml", "-e", url, "-e", "tenant=" + TENANT, "-e", "export_dir=" + exported)
        path = os.path.join(exported, "sipxcom-hq-%s.yml" % TENANT)
        with open(path, encoding="utf-8") as fh:
            print("--- %s (what the export wrote for sipxcom-hq) ---\n%s" % (path, fh.read()), flush=True)
        sim.reset_stats()
        round_trip = play(env, playbooks, "onboard sipxcom-hq from the exported file: the round trip",
                          "onboard_tenant.yml", "-e", url, "--limit", "sipxcom-hq", "-e", "@" + path)
        if round_trip != {"sipxcom-hq": 0} or sim.stats()["writes"]:
            sys.exit("demo: onboarding the exported file changed something: %s" % round_trip)
    print("\ndemo: first run changed %s; the second run and the export round trip changed nothing (0 writes)"
          % ", ".join("%s=%d" % kv for kv in sorted(first.items())))


if __name__ == "__main__":
    main()
