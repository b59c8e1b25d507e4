"""Whatever ends the supervisor, its children end too and their ports are free again."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.ports import port_free
from bot.run import ROOT

POLL_S = 0.2
MAX_POLLS = 300  # a minute: generous for a busy 2-core machine, still bounded


def alive(pid: int) -> bool:
    """Running and not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def poll_until(predicate) -> bool:
    for _ in range(MAX_POLLS):
        if predicate():
            return True
        time.sleep(POLL_S)
    return False


@pytest.fixture
def tree(tmp_path):
    """The supervisor with Redis, the back office and the outbox worker, all up."""
    log = open(tmp_path / "supervisor.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "tests.bot.supervised_tree", str(tmp_path)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    ready = tmp_path / "children.json"
    assert poll_until(lambda: ready.exists() or proc.poll() is not None) and ready.exists(), \
        (tmp_path / "supervisor.log").read_text()
    children = json.loads(ready.read_text())
    yield proc, children
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    for pid, _ in children.values():  # never leave one behind, even when the test fails
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP],
                         ids=["SIGKILL", "SIGTERM", "SIGHUP"])
def test_children_end_with_the_supervisor(tree, sig):
    proc, children = tree
    assert set(children) == {"redis", "backoffice", "outbox"}
    assert all(alive(pid) for pid, _ in children.values())

    proc.send_signal(sig)
    code = proc.wait(timeout=MAX_POLLS * POLL_S)

    assert poll_until(lambda: not any(alive(pid) for pid, _ in children.values())), \
        {name: pid for name, (pid, _) in children.items() if alive(pid)}
    assert all(port_free(port) for _, port in children.values() if port)
    # Stopped by a signal it handles, the supervisor stops its children itself and exits cleanly.
    assert code == (-signal.SIGKILL if sig == signal.SIGKILL else 0)
