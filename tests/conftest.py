import os
import sys

import pytest

# tests/ holds the simulator package (pbxsim) and shared helpers (simhelper, playbook, samples).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simhelper import RunningSimulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="session")
def simulator():
    """One real simulator process per test session (per xdist worker)."""
    with RunningSimulator() as sim:
        yield sim


@pytest.fixture
def sim(simulator):
    """The session's simulator, reset: no objects, counters or faults left by another test."""
    simulator.reset()
    yield simulator
    simulator.ops("DELETE", "faults")
