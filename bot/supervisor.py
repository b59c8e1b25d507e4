"""Start, watch and restart the assistant's processes.

Each child is a plain subprocess with its output in var/log/<name>.log.
A child that dies is restarted with back-off and the reason (exit code or
signal, and its last log lines) is logged; Ctrl-C stops every child.

Children end with the supervisor whatever ends it: Ctrl-C, SIGTERM and SIGHUP (a
closed terminal) stop them in order through `stop_on_signals`, and each child
asks the kernel for SIGTERM when the supervisor dies (PR_SET_PDEATHSIG), which
covers SIGKILL and crashes: an orphan would keep its port and block the next run.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

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


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` that has the kernel send the child SIGTERM when its parent dies.

    Linux ties this to the *thread* that forks the child, so only children started
    from the main thread get it (the main thread ends with the process); elsewhere,
    or off Linux, None.
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork, not in the child
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)
    return preexec


class StopRequested(Exception):
    """A stop signal (SIGINT, SIGTERM, SIGHUP) reached the supervisor."""


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
        # Its own session: a terminal's Ctrl-C or hang-up reaches the supervisor only,
        # which then stops the children in order.
        child.proc = subprocess.Popen(child.spec.argv, env=child.spec.env, stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True,
                                      preexec_fn=die_with_parent())
        log.close()
        child.started_at = time.time()

    def stop_on_signals(self) -> None:
        """SIGINT, SIGTERM and SIGHUP raise StopRequested once; the caller then calls stop_all.

        Set explicitly: a background `make run` starts with SIGINT ignored, and SIGHUP's
        default would end the supervisor and leave the children behind.
        """
        def handler(signum: int, frame: object) -> None:
            if not self._stopping:
                self._stopping = True
                raise StopRequested(signal.Signals(signum).name)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, handler)

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
        """Start children in order; each waits until its port answers. If one does not,
        those already started are stopped before the error is raised: nothing is left
        holding a port."""
        try:
            for child in self.children:
                self._spawn(child)
                if not self.wait_ready(child):
                    raise RuntimeError(f"{child.spec.name} did not start; see {child.log_path}\n"
                                       f"{tail(child.log_path, 15)}")
                # A child without a port to answer on is only known to have started.
                state = (f"is up in {time.time() - child.started_at:.1f} s" if child.spec.port
                         else "started")
                logger.info("%s %s (pid %s, log %s)", child.spec.name, state, child.proc.pid,
                            child.log_path)
        except Exception:
            self.stop_all()
            raise

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
