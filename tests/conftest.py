import itertools
import uuid

import pytest

from tests.stack import start_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    running = start_stack(tmp_path_factory.mktemp("assistant"))
    yield running
    running.supervisor.stop_all()


_counter = itertools.count()


@pytest.fixture
def sender():
    return f"test-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def fresh_phone():
    """A fictional mobile number unique to this test run."""
    n = next(_counter)
    return f"139{uuid.uuid4().int % 10**4:04d}{n:04d}"
