"""The artifact users install (ansible-galaxy collection build): it holds the collection and its simulator and
leaves out what only the collection's development needs (galaxy.yml's build_ignore), and, installed, it runs:
its simulator starts from the installed copy as docs/simulator.md says, and a playbook drives the installed
modules against it."""

import json
import os
import subprocess
import sys
import tarfile

from playbook import CONNECTION, REPO, assert_ok, run_play
from simhelper import RunningSimulator

BIN = os.path.dirname(sys.executable)
SHIPPED = ["plugins/modules/pbx_extension.py", "plugins/module_utils/_engine.py", "roles/tenant_onboarding/README.md",
           "roles/tenant_offboarding/meta/argument_specs.yml", "playbooks/onboard_tenant.yml",
           "playbooks/inventory/example.yml", "meta/runtime.yml", "meta/execution-environment.yml",
           "changelogs/changelog.yaml", "docs/simulator.md", "docs/awx/credential-type.yml", "README.md", "LICENSE",
           "tests/pbxsim/__main__.py", "tests/pbxsim/requirements.txt", "tests/pbxsim/data/sipxcom-models.json"]
LEFT_OUT = ["tests/unit/", "tests/integration/", "tests/simulator/", "tests/bench/", "tests/tools/",
            "tests/requirements.txt", "tests/constraints.txt", "tests/playbook.py", "tests/readback",
            "tests/conftest.py", "extensions/molecule/", "docs/dev/", "docs/benchmarks.json",
            "changelogs/fragments/", "Makefile", "CONTRIBUTING.md", ".ansible-lint", ".ci/", ".git/", "build/"]


def run(cmd, **kwargs):
    proc = subprocess.run(cmd, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, **kwargs)
    assert proc.returncode == 0, "%s failed:\n%s" % (" ".join(cmd), proc.stdout[-4000:])
    return proc.stdout


def test_the_installed_artifact_holds_the_collection_and_a_simulator_that_starts(tmp_path):
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path / "dist"), REPO])
    (artifact,) = list((tmp_path / "dist").iterdir())
    with tarfile.open(str(artifact)) as tar:
        members = tar.getnames()
    missing = [path for path in SHIPPED if path not in members]
    assert not missing, "the artifact lacks %s" % missing
    shipped_dev = sorted(m for m in members for prefix in LEFT_OUT if m == prefix.rstrip("/") or m.startswith(prefix))
    assert not shipped_dev, "the artifact ships what only development needs: %s" % shipped_dev[:20]

    collections = tmp_path / "collections"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_HOME=str(tmp_path / "home"))
    env.pop("PYTHONPATH", None)
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "-p", str(collections),
         str(artifact)], env=env)
    # As docs/simulator.md finds it (stdout only: ansible-galaxy may warn on stderr).
    listed = json.loads(subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "list", "pbxops.pbx",
                                        "--format", "json"], check=True, stdout=subprocess.PIPE, env=env,
                                       universal_newlines=True).stdout)
    installed = os.path.join(next(iter(listed)), "pbxops", "pbx")
    assert os.path.realpath(installed).startswith(os.path.realpath(str(collections)))

    with RunningSimulator(home=os.path.join(installed, "tests")) as sim:
        sim.fixtures("sipxcom", "branches", [{"name": "acme"}])
        result = run_play(sim.url, CONNECTION["sipxcom"], [{"name": "info", "pbxops.pbx.pbx_info": {}}],
                          env={"ANSIBLE_COLLECTIONS_PATH": str(collections)})
        info = assert_ok(result, "info")
        assert [t["name"] for t in info["tenants"]] == ["acme"], info
        assert sim.stats()["by_platform"]["sipxcom"]["reads"] > 0
