import sys

import pytest

from playbook import ensure_collection_link

# Import the collection the way Ansible does: ansible_collections.pbxops.pbx...
sys.path.insert(0, ensure_collection_link())


@pytest.fixture(scope="session")
def simulator():
    from simhelper import RunningSimulator

    with RunningSimulator() as sim:
        yield sim


@pytest.fixture
def sim(simulator):
    simulator.reset()
    yield simulator
    simulator.ops("DELETE", "faults")
