"""Start, watch and restart the assistant's processes.

Each child is a plain subprocess with its output in var/log/<name>.log.
A child that dies is restarted with back-off and the reason (exit code or
signal, and its last log lines) is logged; Ctrl-C stops every child.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)


@dataclass
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str]
    port: int | None = None
    ready_timeout_s: float = 120.0


@dataclass
class Child:
    spec: ProcessSpec
    log_path: Path
    proc: subprocess.Popen | None = None
    restarts: int = 0
    started_at: float = 0.0
    next_start: float = 0.0
    history: list[str] = field(default_factory=list)


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


def tail(path: Path, lines: int = 5) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    """Signal the child's whole process group (it leads its own session)."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


class Supervisor:
    def __init__(self, specs: list[ProcessSpec], log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.children = [Child(s, log_dir / f"{s.name}.log") for s in specs]
        self._stopping = False

    def _spawn(self, child: Child) -> None:
        log = open(child.log_path, "ab")
        child.proc = subprocess.Popen(child.spec.argv, env=child.spec.env, stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        child.started_at = time.time()

    def wait_ready(self, child: Child) -> bool:
        deadline = time.time() + child.spec.ready_timeout_s
        while time.time() < deadline and not self._stopping:
            if child.proc and child.proc.poll() is not None:
                return False
            if child.spec.port is None or port_open(child.spec.port):
                return True
            time.sleep(0.3)
        return False

    def start_all(self) -> None:
        """Start children in order; each waits until its port answers."""
        for child in self.children:
            self._spawn(child)
            if not self.wait_ready(child):
                raise RuntimeError(f"{child.spec.name} did not start; see {child.log_path}\n"
                                   f"{tail(child.log_path, 15)}")
            logger.info("%s is up (pid %s)", child.spec.name, child.proc.pid)

    def check_once(self) -> None:
        """Restart any child that has died, with exponential back-off."""
        now = time.time()
        for child in self.children:
            code = child.proc.poll() if child.proc else None
            if code is None or self._stopping:
                continue
            if child.next_start == 0.0:
                # A child that ran a while before dying gets a fresh back-off.
                if now - child.started_at > 60:
                    child.restarts = 0
                delay = min(30.0, 2 ** child.restarts)
                child.next_start = now + delay
                reason = describe_exit(code)
                child.history.append(reason)
                logger.error("%s %s; restarting in %.0fs. Last log lines:\n%s",
                             child.spec.name, reason, delay, tail(child.log_path))
            elif now >= child.next_start:
                child.restarts += 1
                child.next_start = 0.0
                self._spawn(child)
                logger.info("%s restarted (pid %s)", child.spec.name, child.proc.pid)

    def run_forever(self, poll_s: float = 1.0) -> None:
        while not self._stopping:
            self.check_once()
            time.sleep(poll_s)

    def stop_all(self, grace_s: float = 15.0) -> None:
        self._stopping = True
        for child in reversed(self.children):
            if child.proc and child.proc.poll() is None:
                _signal_group(child.proc, signal.SIGTERM)
        deadline = time.time() + grace_s
        for child in reversed(self.children):
            if not child.proc:
                continue
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in time; killing it", child.spec.name)
                _signal_group(child.proc, signal.SIGKILL)
                child.proc.wait()
