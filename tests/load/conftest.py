"""A stack of its own for the fault drills: they kill its processes, so never the
session's `stack`. The back office sits behind a loopback proxy and a watchdog
thread restarts dead processes as `make run`'s supervisor does."""
from __future__ import annotations

import pytest

from bench.fault_drills import Lab, start_lab

OUTAGE_S = 20.0


@pytest.fixture(scope="package")
def lab(tmp_path_factory) -> Lab:
    running, stop = start_lab(tmp_path_factory.mktemp("drills"), outage_s=OUTAGE_S)
    yield running
    stop()
