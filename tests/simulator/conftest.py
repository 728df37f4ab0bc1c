import glob
import os

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def http(sim):
    """A plain requests session; tests build URLs from sim.url."""
    import requests

    with requests.Session() as s:
        yield s


@pytest.fixture(autouse=True)
def no_internal_errors(request):
    """Every test on the shared simulator ends with it uncrashed: a simulator exception is answered
    with a vendor-looking 500, which a test could take for the vendor's own (see internal_errors)."""
    simulator = request.getfixturevalue("simulator") if "sim" in request.fixturenames else None
    yield
    if simulator is None:
        return
    stats = simulator.stats()
    assert stats["internal_errors"] == 0, (
        "the simulator crashed %d time(s) during this test; its log (simulator.log) has the tracebacks"
        % stats["internal_errors"])


def shared_dir():
    """The steering repository's shared directory: $PBX_SHARED_DIR, or ../shared beside the repository."""
    return os.environ.get("PBX_SHARED_DIR") or os.path.normpath(os.path.join(REPO, os.pardir, "shared"))


def find_shared(pattern):
    """The first file matching pattern (e.g. "seeds/004_*.txt") under the shared directory.

    The vendor documents are what these tests check the simulator against: without them the
    tests fail (they never skip), saying where the documents were looked for.
    """
    base = shared_dir()
    found = sorted(glob.glob(os.path.join(base, pattern)))
    if not found:
        pytest.fail("vendor document %s not found: expected %s (the shared directory is $PBX_SHARED_DIR, "
                    "or ../shared beside the repository; set PBX_SHARED_DIR to it)"
                    % (pattern, os.path.join(base, pattern)), pytrace=False)
    return found[0]


@pytest.fixture(scope="session")
def shared_file():
    """find_shared as a fixture: shared_file("reference/portsip-openapi-22.2.json") -> its path."""
    return find_shared
