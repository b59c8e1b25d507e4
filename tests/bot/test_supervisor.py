"""The supervisor restarts a child that dies and says why; stop ends them all."""
import os
import signal
import sys
import time

from bot.embedded_redis import free_port
from bot.supervisor import ProcessSpec, Supervisor, describe_exit

SERVER = ("import socket, time\n"
          "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
          "s.bind(('127.0.0.1', {port})); s.listen(); print('up', flush=True); time.sleep(120)")


def test_killed_child_is_restarted_with_reason(tmp_path, caplog):
    port = free_port()
    spec = ProcessSpec("toy", [sys.executable, "-c", SERVER.format(port=port)], dict(os.environ), port)
    supervisor = Supervisor([spec], tmp_path)
    supervisor.start_all()
    child = supervisor.children[0]
    first_pid = child.proc.pid
    try:
        os.kill(first_pid, signal.SIGKILL)
        child.proc.wait(timeout=10)
        deadline = time.time() + 60
        while time.time() < deadline and (child.proc.pid == first_pid):
            supervisor.check_once()
            time.sleep(0.2)
        assert child.proc.pid != first_pid
        assert child.history == ["killed by signal SIGKILL"]
        assert "killed by signal SIGKILL" in caplog.text
        assert supervisor.wait_ready(child)
        assert "up" in (tmp_path / "toy.log").read_text()
    finally:
        supervisor.stop_all(grace_s=5)
    assert child.proc.poll() is not None


def test_exit_descriptions():
    assert describe_exit(3) == "exited with code 3"
    assert describe_exit(-signal.SIGTERM) == "killed by signal SIGTERM"
