import pytest

from playbook import CONNECTION, make_tenant, run_play
from samples import TENANT

PLATFORMS = ("sipxcom", "ipcortex", "portsip")


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
