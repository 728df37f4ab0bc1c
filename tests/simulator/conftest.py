import pytest


@pytest.fixture
def http(sim):
    """A plain requests session; tests build URLs from sim.url."""
    import requests

    with requests.Session() as s:
        yield s
