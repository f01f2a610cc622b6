import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tree_state import Snapshot, changes, snapshot

# "ci" keeps the whole suite within a few minutes on two cores; "dev" digs deeper.
settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# A bug the command line meets shows its traceback in tests instead of the one-line
# message people get; tests of that message unset it.
os.environ.setdefault("PROGRESSION_DEBUG", "1")

ROOT = Path(__file__).parent.parent
TREE_AT_START = pytest.StashKey[Snapshot | None]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "last: run after every other test")


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[TREE_AT_START] = snapshot(ROOT)


def _is_worker(config: pytest.Config) -> bool:
    """Whether this process is a pytest-xdist worker (the controller sees the whole run)."""
    return hasattr(config, "workerinput")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Under xdist no test runs after every other, so the process that started the run
    # checks the checkout once all the workers are done; a serial run checks it here too.
    if _is_worker(session.config):
        return
    before = session.config.stash.get(TREE_AT_START, None)
    after = snapshot(ROOT)
    if before is None or after is None:
        return
    written = changes(before, after)
    if written:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("tests wrote into the checkout: " + ", ".join(written), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The check that the run left the checkout as it found it runs after everything else.
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)


@pytest.fixture
def tree_at_start(request: pytest.FixtureRequest) -> Snapshot | None:
    """The changed and untracked files of the checkout before the first test ran."""
    return request.config.stash[TREE_AT_START]
