import pytest

import playbook
from playbook import CONNECTION, make_tenant, run_play
from samples import SECRET_CREDENTIALS, SECRET_KEY, TENANT
from simhelper import RunningSimulator

PLATFORMS = ("sipxcom", "ipcortex", "portsip")


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_any_output():
    """The whole output of every ansible-playbook run of the suite (results, warnings, failures, -vvv, --diff)
    holds none of the secret values any test handed to any run. Under xdist each worker checks the runs it
    made, which include every run its secrets went to."""
    yield
    leaks = playbook.leaks()
    assert playbook.RUNS and playbook.SECRETS, "no run or no secret was recorded: the check would prove nothing"
    assert not leaks, "secrets in the output of %d of %d runs: %s" % (
        len(set(what for _s, what in leaks)), len(playbook.RUNS),
        "; ".join("%r in %s" % (secret[:3] + "...", what[:80]) for secret, what in leaks[:20]))


@pytest.fixture(scope="module")
def secret_simulator():
    """A simulator whose admin passwords and IPCortex API key are secrets no other option holds."""
    args = ["--%s-credentials" % p + "=" + "%s:%s" % c for p, c in SECRET_CREDENTIALS.items()]
    with RunningSimulator(extra_args=args + ["--ipcortex-api-key", SECRET_KEY]) as sim:
        yield sim


@pytest.fixture(params=PLATFORMS)
def platform(request):
    return request.param


class Target:
    """A clean simulator with the tenant created, plus the connection options of one platform."""

    def __init__(self, sim, platform):
        self.sim = sim
        self.platform = platform
        self.url = sim.url
        self.connection = dict(CONNECTION[platform], tenant=TENANT)

    def writes(self):
        return self.sim.stats()["by_platform"].get(self.platform, {}).get("writes", 0)

    def reads(self):
        return self.sim.stats()["by_platform"].get(self.platform, {}).get("reads", 0)

    def routes(self):
        return self.sim.stats()["by_platform"].get(self.platform, {}).get("by_route", {})

    def play(self, tasks, **kwargs):
        connection = kwargs.pop("connection", self.connection)
        return run_play(self.url, connection, tasks, **kwargs)


@pytest.fixture
def target(simulator, platform):
    simulator.reset()
    make_tenant(simulator, platform)
    simulator.reset_stats()
    yield Target(simulator, platform)
    simulator.ops("DELETE", "faults")
