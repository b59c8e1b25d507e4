"""`make run` names a taken port, the service that wanted it and the process holding it."""
import os
import subprocess
import sys

import pytest

from bot.embedded_redis import free_port
from bot.ports import port_free, taken_ports
from bot.run import ROOT
from tests.stack import wait_for

HOLDER = ("import socket, time\n"
          "s = socket.socket(); s.bind(('127.0.0.1', {port})); s.listen(); time.sleep(120)")
PORT_SETTINGS = ("RASA_PORT", "ACTION_PORT", "BACKOFFICE_PORT", "CONSOLE_PORT",
                 "EMBEDDED_REDIS_PORT", "VOICE_PORT", "VOICE_AUDIOSOCKET_PORT")


@pytest.fixture
def held_port():
    """A port held by another process (an orphan of an earlier run, say)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", HOLDER.format(port=port), "orphan-marker"])
    assert wait_for(lambda: not port_free(port), timeout_s=60, interval_s=0.1)
    yield port, proc.pid
    proc.kill()
    proc.wait()


def run_env(tmp_path, **ports):
    env = dict(os.environ, VAR_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    env.pop("REDIS_URL", None)
    env.update({name: str(free_port()) for name in PORT_SETTINGS})
    env.update({name: str(port) for name, port in ports.items()})
    return env


def test_taken_port_is_named_with_its_holder_and_nothing_starts(tmp_path, held_port):
    port, pid = held_port
    result = subprocess.run([sys.executable, "-m", "bot.run"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env=run_env(tmp_path, BACKOFFICE_PORT=port))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "is taken by" in line]
    assert len(lines) == 1
    assert f"port {port} wanted by back office is taken by pid {pid}" in lines[0]
    assert "orphan-marker" in lines[0]
    assert not (tmp_path / "log").exists()  # no service was started


def test_check_only_passes_when_all_ports_are_free(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot.run", "--check-ports"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, env=run_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "is taken" not in result.stderr


def test_holder_found_through_proc_without_psutil(held_port, monkeypatch):
    port, pid = held_port
    monkeypatch.setitem(sys.modules, "psutil", None)  # as on a machine without psutil
    [taken] = taken_ports([("Rasa server", port)])
    assert taken.holder.pid == pid
    assert "orphan-marker" in taken.holder.command


def test_make_run_checks_ports_before_installing_or_training(tmp_path, held_port):
    port, pid = held_port
    result = subprocess.run(["make", "-s", "-e", "check-ports"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env=run_env(tmp_path, RASA_PORT=port))
    assert result.returncode != 0
    assert f"port {port} wanted by Rasa server is taken by pid {pid}" in result.stderr
