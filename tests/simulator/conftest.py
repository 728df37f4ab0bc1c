import pytest

from simhelper import RunningSimulator


@pytest.fixture(scope="session")
def simulator():
    """One real simulator process for the whole session (state reset per test)."""
    with RunningSimulator() as sim:
        yield sim


@pytest.fixture
def sim(simulator):
    simulator.reset()
    yield simulator
    simulator.ops("DELETE", "faults")


@pytest.fixture
def http(sim):
    """A plain requests session; tests build URLs from sim.url."""
    import requests

    with requests.Session() as s:
        yield s
