"""The Molecule scenario of the tenant_onboarding role (extensions/molecule/tenant_onboarding), run for real.

``molecule test -s tenant_onboarding`` from the repository root (galaxy.yml there makes Molecule read
extensions/molecule/), against a simulator of our own: create (reset, IPCortex seeds), converge,
idempotence, check, verify (read-back of every declared object, and no write by the idempotence and check
runs), destroy. Molecule is part of the test requirements: a missing one fails this test, never skips it.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

from playbook import REPO, _environment, ensure_collection_link
from simhelper import RunningSimulator

SCENARIO = "tenant_onboarding"
BIN = os.path.dirname(sys.executable)
MOLECULE = os.path.join(BIN, "molecule")
SEQUENCE = ("create", "converge", "idempotence", "check", "verify", "destroy")
HOSTS = ("sipxcom-hq", "ipcortex-branch", "portsip-cloud")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _molecule_or_fail():
    if not os.access(MOLECULE, os.X_OK):
        pytest.fail("molecule is not installed next to %s (expected %s): install the test requirements "
                    "(pip install -r tests/requirements.txt, or pip install molecule)" % (sys.executable, MOLECULE),
                    pytrace=False)


def _step_output(output, step):
    """What one step of the sequence printed, from its 'Executing' line to its 'Executed' line."""
    match = re.search(r"\[%s > %s\] Executing\n(.*?)\n\S*\s*\[%s > %s\] Executed" % (SCENARIO, step, SCENARIO, step),
                      output, re.S)
    assert match, "no output of the %s step:\n%s" % (step, output[-6000:])
    return match.group(1)


def _recap(text):
    """host -> {"ok": n, "changed": n, ...} of every PLAY RECAP in text, summed over the plays."""
    out = {}
    for host, counts in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", text, re.M):
        totals = out.setdefault(host, {})
        for key, value in re.findall(r"(\w+)=(\d+)", counts):
            totals[key] = totals.get(key, 0) + int(value)
    return out


def test_molecule_scenario_tenant_onboarding():
    _molecule_or_fail()
    collections = ensure_collection_link()
    tmp = tempfile.mkdtemp(prefix="pbxmolecule-")
    try:
        with RunningSimulator() as sim:
            env = _environment(collections, tmp, {
                "PBX_SIM_URL": sim.url,
                # Molecule runs ansible-config, ansible-inventory and ansible-playbook from PATH.
                "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
                # Molecule's ephemeral directory (inventory, ansible.cfg, state) goes under ANSIBLE_HOME,
                # which _environment points at tmp: nothing is written to the repository or to ~/.ansible.
                "NO_COLOR": "1",
                "PY_COLORS": "0",
                "ANSIBLE_FORCE_COLOR": "0",
            })
            for name in ("MOLECULE_EPHEMERAL_DIRECTORY", "MOLECULE_GLOB", "MOLECULE_DEBUG", "MOLECULE_VERBOSITY",
                         "MOLECULE_NO_LOG", "VIRTUAL_ENV", "PBX_URL", "PBX_PLATFORM", "PBX_USERNAME", "PBX_PASSWORD", "PBX_API_KEY"):
                env.pop(name, None)
            started = time.monotonic()
            proc = subprocess.run([MOLECULE, "test", "-s", SCENARIO], cwd=REPO, env=env, check=False,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                                  timeout=300)
            elapsed = time.monotonic() - started
            output = ANSI.sub("", proc.stdout)
            after = sim.stats()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    assert proc.returncode == 0, "molecule test exited %s after %.0fs:\n%s" % (
        proc.returncode, elapsed, output[-8000:])

    # Every step of the sequence ran, in this order, and succeeded.
    ran = re.findall(r"\[%s > (\w+)\] Executing" % SCENARIO, output)
    assert tuple(ran) == SEQUENCE, "steps run: %s\n%s" % (ran, output[-4000:])
    for step in SEQUENCE:
        assert re.search(r"^%s > %s: Executed: Successful$" % (SCENARIO, step), output, re.M), \
            "the %s step is not reported successful:\n%s" % (step, output[-4000:])
    assert re.search(r"^%s\s+: actions=6\s+successful=6\s.*failed=0" % SCENARIO, output, re.M), output[-2000:]

    # The first converge onboarded each PBX; idempotence and check mode then changed nothing.
    converge = _recap(_step_output(output, "converge"))
    for host in HOSTS:
        assert converge.get(host, {}).get("changed", 0) > 0, "converge changed nothing on %s: %s" % (host, converge)
        assert converge[host]["failed"] == 0, converge
    for step in ("idempotence", "check"):
        recap = _recap(_step_output(output, step))
        assert set(recap) == set(HOSTS), "%s: %s" % (step, recap)
        for host in HOSTS:
            assert recap[host]["changed"] == 0 and recap[host]["failed"] == 0, "%s on %s: %s" % (step, host, recap)
    assert "Idempotence test failed" not in output

    # verify read every host back and ran every assertion, including the simulator's write counter.
    verify = _step_output(output, "verify")
    recap = _recap(verify)
    assert set(recap) == set(HOSTS) and all(r["failed"] == 0 for r in recap.values()), recap
    for task in ("The idempotence and check runs read this PBX and wrote nothing to it",
                 "Every declared extension is held, with its email",
                 "Every declared phone is held", "Every declared call group is held"):
        block = verify.split("TASK [" + task, 1)
        assert len(block) == 2, "verify has no task %r:\n%s" % (task, verify[-3000:])
        body = block[1].split("\nTASK [", 1)[0]
        for host in HOSTS:
            assert re.search(r"^ok: \[%s\]" % re.escape(host), body, re.M), "%r did not run on %s:\n%s" % (task, host, body)

    # destroy reset the simulator (counters included), and no step crashed a handler of it.
    assert after["requests"] == 0 and after["internal_errors"] == 0, after
