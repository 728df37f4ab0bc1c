"""playbooks/onboard_tenant.yml run through ansible-runner (AWX's engine) against three PBXs at once, the way an
AWX job runs it: the connection's secrets come from the "PBX API" credential type's env injectors
(docs/awx/credential-type.yml, rendered by tests/awx_credential.py), each PBX's URL from its inventory host vars,
and the hosts run in parallel (forks=3).

Three PortSIP simulators, one per host (pbx-a, pbx-b, pbx-c), all given the acme definition of
playbooks/inventory/host_vars/portsip-cloud.yml. What is checked: the job's status and events (the recap, the
role's module tasks per host, the hosts' overlap in time), the set_stats artifact, each PBX's end state read back
through its API, a rerun that changes and writes nothing, and that no secret of the definition reaches the job's
stdout or events, also at verbosity 3.
"""

import contextlib
import json
import os
import re
import sys

import ansible_runner
import pytest
import yaml

from awx_credential import load_credential_type, render_injectors
from playbook import ANSIBLE_PLAYBOOK, PLAYBOOKS, ensure_collection_link
from readback_tenant import problems
from simhelper import RunningSimulator

HOSTS = ("pbx-a", "pbx-b", "pbx-c")
PLAYBOOK = os.path.join(PLAYBOOKS, "onboard_tenant.yml")
DEFINITION_FILE = os.path.join(PLAYBOOKS, "inventory", "host_vars", "portsip-cloud.yml")
# The credential's URL is never used: each host's pbx_connection.url overrides it. An unreachable one, so a host
# that fell back to it would fail rather than write to another host's PBX.
CREDENTIAL_INPUTS = {"platform": "portsip", "url": "http://127.0.0.1:9", "username": "admin", "password": "admin"}
MODULE_TASKS = ("Tenant", "Gateways and trunks", "Extensions", "Call groups",
                "Phones, with their configuration pushed to those that changed")
SECRET_KEYS = ("sip_password", "web_password", "voicemail_pin")


def load_definition():
    with open(DEFINITION_FILE) as handle:
        return yaml.safe_load(handle)["tenant_onboarding_definition"]


DEFINITION = load_definition()


def definition_secrets(definition):
    """Every secret value of the definition ("admin", the credential's password, is also its username: left out)."""
    found = set()
    for plural, items in definition.items():
        for item in [items] if isinstance(items, dict) else items:
            found.update(str(item[key]) for key in SECRET_KEYS if item.get(key))
    return sorted(found)


SECRETS = definition_secrets(DEFINITION)


def leaks(text):
    """The secrets found in ``text``, each with the text around its first occurrence. A secret counts only as a
    whole word, so that a PIN is not "found" in a timestamp's microseconds or a uuid."""
    out = {}
    for secret in SECRETS:
        match = re.search(r"(?<![0-9A-Za-z.])%s(?![0-9A-Za-z])" % re.escape(secret), text)
        if match:
            out[secret] = text[max(0, match.start() - 200):match.end() + 200]
    return out


class Job:
    """One ansible_runner.run of the onboarding playbook, with what it left."""

    def __init__(self, runner, private_data_dir):
        self.runner = runner
        self.private_data_dir = private_data_dir
        self.events = list(runner.events)
        with runner.stdout as handle:
            self.stdout = handle.read()

    def of(self, event, task=None, host=None):
        return [e for e in self.events if e["event"] == event
                and (task is None or e["event_data"].get("task") == task)
                and (host is None or e["event_data"].get("host") == host)]

    @property
    def stats_event(self):
        found = self.of("playbook_on_stats")
        assert len(found) == 1, [e["event"] for e in self.events]
        return found[0]["event_data"]

    def __repr__(self):
        return "Job(status=%s, rc=%s)\n%s" % (self.runner.status, self.runner.rc, self.stdout[-6000:])


def inventory(sims, definition=DEFINITION, host_definitions=None):
    hosts = {}
    for host, sim in sims.items():
        hosts[host] = {"pbx_connection": {"url": sim.url}}
        if host_definitions and host in host_definitions:
            hosts[host]["tenant_onboarding_definition"] = host_definitions[host]
    return {"all": {"children": {"pbxs": {
        "hosts": hosts,
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                 "tenant_onboarding_definition": definition}}}}}


def run_job(base, sims, name, verbosity=None, host_definitions=None):
    """Run the playbook as an AWX job would: a private data directory of its own with the inventory, the
    credential's env injected, forks=3."""
    private_data_dir = os.path.join(str(base), name)
    os.makedirs(os.path.join(private_data_dir, "inventory"))
    with open(os.path.join(private_data_dir, "inventory", "hosts.yml"), "w") as handle:
        yaml.safe_dump(inventory(sims, host_definitions=host_definitions), handle, sort_keys=False)
    envvars = render_injectors(load_credential_type(), CREDENTIAL_INPUTS,
                               directory=os.path.join(private_data_dir, "credential"))
    envvars.update({
        # ansible-runner runs the ansible-playbook of PATH: the venv's (as an execution environment has its own).
        "PATH": os.path.dirname(ANSIBLE_PLAYBOOK) + os.pathsep + os.environ.get("PATH", ""),
        "ANSIBLE_COLLECTIONS_PATH": ensure_collection_link(),
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_HOME": os.path.join(private_data_dir, "ansible-home"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCALHOST_WARNING": "0",
    })
    kwargs = {}
    if verbosity:
        kwargs["verbosity"] = verbosity
    # The test run's PYTHONPATH (tests/) is no part of a job's environment.
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("PYTHONPATH", raising=False)
        runner = ansible_runner.run(private_data_dir=private_data_dir, playbook=PLAYBOOK,
                                    inventory=os.path.join(private_data_dir, "inventory", "hosts.yml"),
                                    forks=3, envvars=envvars, quiet=True, timeout=300,
                                    # As AWX does: the credential's environment is not written to env/envvars.
                                    suppress_env_files=True, **kwargs)
    return Job(runner, private_data_dir)


@pytest.fixture(scope="module")
def sims():
    with contextlib.ExitStack() as stack:
        yield dict((host, stack.enter_context(RunningSimulator())) for host in HOSTS)


@pytest.fixture(scope="module")
def first(sims, tmp_path_factory):
    for sim in sims.values():
        sim.reset()
        sim.reset_stats()
    job = run_job(tmp_path_factory.mktemp("runner"), sims, "first")
    return job, dict((host, sim.stats()) for host, sim in sims.items())


@pytest.fixture(scope="module")
def rerun(sims, first, tmp_path_factory):
    for sim in sims.values():
        sim.reset_stats()
    job = run_job(tmp_path_factory.mktemp("runner"), sims, "rerun")
    return job, dict((host, sim.stats()) for host, sim in sims.items())


def test_first_run_onboards_the_three_pbxs_in_parallel(sims, first):
    job, stats = first
    assert job.runner.status == "successful" and job.runner.rc == 0, job
    recap = job.stats_event
    assert recap["changed"] == dict((host, 5) for host in HOSTS), recap
    assert not recap.get("failures") and not recap.get("dark"), recap
    assert job.runner.stats["changed"] == recap["changed"]

    for task in MODULE_TASKS:
        for host in HOSTS:
            ok = job.of("runner_on_ok", task, host)
            assert len(ok) == 1 and ok[0]["event_data"]["res"]["changed"], (task, host, ok)
    assert not job.of("runner_on_failed")

    # forks=3: the three hosts run each task at the same time. With forks=1 each host's task would start only
    # after the previous host's had ended.
    for task in MODULE_TASKS:
        starts = job.of("runner_on_start", task)
        oks = job.of("runner_on_ok", task)
        assert sorted(e["event_data"]["host"] for e in starts) == list(HOSTS), starts
        assert max(e["counter"] for e in starts) < min(e["counter"] for e in oks), task
        assert max(e["created"] for e in starts) <= min(e["created"] for e in oks), task

    # The role's set_stats artifact, as AWX stores it with the job.
    artifact = recap["artifact_data"]["tenant_onboarding"]
    assert sorted(artifact) == list(HOSTS), artifact
    for host in HOSTS:
        summary = artifact[host]
        assert summary["pbx"] == host and summary["platform"] == "portsip" and summary["tenant"] == "acme", summary
        assert summary["kinds"]["extensions"]["created"] == 5, summary
        assert summary["kinds"]["phones"]["created"] == 2, summary

    # Each PBX holds the definition, and each saw its own host's writes only: the same requests as the others.
    for host, sim in sims.items():
        assert problems(sim, "portsip", DEFINITION) == [], host
        assert stats[host]["writes"] > 0, (host, stats[host])
    assert len(set(s["writes"] for s in stats.values())) == 1, dict((h, s["writes"]) for h, s in stats.items())


def test_rerun_changes_and_writes_nothing(sims, rerun):
    job, stats = rerun
    assert job.runner.status == "successful" and job.runner.rc == 0, job
    recap = job.stats_event
    assert recap["changed"] == {} or recap["changed"] == dict((host, 0) for host in HOSTS), recap
    assert not recap.get("failures"), recap
    for host in HOSTS:
        assert stats[host]["writes"] == 0, (host, stats[host])
        assert stats[host]["reads"] > 0, (host, stats[host])
        summary = recap["artifact_data"]["tenant_onboarding"][host]
        assert summary["kinds"]["extensions"]["unchanged"] == 5, summary
        assert problems(sims[host], "portsip", DEFINITION) == [], host


def assert_no_secret(job):
    assert SECRETS and "Demo-101-secret" in SECRETS and "135701" in SECRETS
    found = leaks(job.stdout)
    assert not found, "secrets in the job's stdout: %s" % json.dumps(found, indent=1)
    for event in job.events:
        found = leaks(json.dumps(event))
        assert not found, "secrets in the %s event of %s on %s (counter %s): %s" % (
            event["event"], event["event_data"].get("task"), event["event_data"].get("host"), event["counter"],
            json.dumps(found, indent=1))


def test_no_secret_in_stdout_or_events(first, rerun):
    assert_no_secret(first[0])
    assert_no_secret(rerun[0])


def test_no_secret_at_verbosity_3(sims, first, rerun, tmp_path_factory):
    # On PBXs emptied again, so that the verbose run creates everything, passwords included.
    for sim in sims.values():
        sim.reset()
    job = run_job(tmp_path_factory.mktemp("runner"), sims, "verbose", verbosity=3)
    assert job.runner.status == "successful" and job.runner.rc == 0, job
    assert job.stats_event["changed"] == dict((host, 5) for host in HOSTS), job.stats_event
    assert "<127.0.0.1>" in job.stdout or "ESTABLISH LOCAL CONNECTION" in job.stdout, job  # it is verbose
    assert_no_secret(job)
    for host, sim in sims.items():
        assert problems(sim, "portsip", DEFINITION) == [], host
