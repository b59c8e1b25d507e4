"""Start the real assistant (Redis, back office, actions, outbox, Rasa) for tests.

Uses the same process specs as `make run`, on free loopback ports and a
temporary var/ directory.
"""
from __future__ import annotations

import fcntl
import os
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.embedded_redis import free_port
from bot.ports import port_holder
from bot.run import ROOT, Layout, build_specs, child_env
from bot.supervisor import Supervisor

BACKOFFICE_TOKEN = "test-backoffice-token"
STAFF_TOKEN = "test-staff-token"
CONSOLE_ADMIN = "admin"
CONSOLE_ADMIN_PASSWORD = "test-console-admin-pw"


def ensure_model() -> Path:
    """Train once (make skips it when data and config are unchanged).

    Several test sessions may start at once: a file lock lets one train
    while the others wait and then find the model up to date.
    """
    (ROOT / "var").mkdir(exist_ok=True)
    with open(ROOT / "var" / ".model.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(["make", "-s", "model"], cwd=ROOT, check=True)
    return ROOT / "models" / "community.tar.gz"


class Supervised:
    """Stopping and starting one process of a stack under its supervisor (set by the
    dataclass that uses this)."""

    supervisor: Supervisor

    def child(self, name: str):
        return next(c for c in self.supervisor.children if c.spec.name == name)

    def stop(self, name: str) -> None:
        proc = self.child(name).proc
        proc.terminate()
        proc.wait(timeout=20)

    def start(self, name: str) -> None:
        child = self.child(name)
        self.supervisor._spawn(child)
        assert self.supervisor.wait_ready(child), f"{name} did not come back"


@dataclass
class Stack(Supervised):
    layout: Layout
    redis_url: str
    prefix: str
    supervisor: Supervisor

    @property
    def rasa(self) -> str:
        return f"http://127.0.0.1:{self.layout.rasa_port}"

    @property
    def console(self) -> str:
        return f"http://127.0.0.1:{self.layout.console_port}"

    @property
    def backoffice(self) -> str:
        return f"http://127.0.0.1:{self.layout.backoffice_port}"

    @property
    def voice_token(self) -> str:
        """The voice channel's secret this stack's Rasa expects (made per run by bot/run.py)."""
        return self.child("rasa").spec.env["VOICE_CHANNEL_TOKEN"]


    def rasa_serving(self) -> str:
        """The name of the Rasa server holding the port ("rasa", or with a spare either)."""
        holder = port_holder(self.layout.rasa_port)
        return next(c.spec.name for c in self.supervisor.children
                    if c.spec.name.startswith("rasa") and holder and c.proc.pid == holder.pid)

    def rasa_standing_by(self) -> str | None:
        """The name of the Rasa server standing by with its model loaded, if one is."""
        for child in self.supervisor.children:
            path = self.layout.standby_file(child.spec.name)
            try:
                pid = int(path.read_text())
            except (OSError, ValueError):
                continue
            if child.proc.poll() is None and pid == child.proc.pid:
                return child.spec.name
        return None

    def say(self, sender: str, text: str) -> list[str]:
        response = httpx.post(f"{self.rasa}/webhooks/rest/webhook",
                              json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return [m.get("text", "") for m in response.json()]

    def tracker(self, sender: str) -> dict:
        response = httpx.get(f"{self.rasa}/conversations/{sender}/tracker", timeout=30)
        response.raise_for_status()
        return response.json()

    def slots(self, sender: str) -> dict:
        return self.tracker(sender)["slots"]

    def cases(self, **params) -> list[dict]:
        response = httpx.get(f"{self.backoffice}/api/v1/cases", params=params, timeout=10,
                             headers={"Authorization": f"Bearer {BACKOFFICE_TOKEN}"})
        response.raise_for_status()
        body = response.json()
        return body.get("cases", body) if isinstance(body, dict) else body


def start_stack(tmp: Path, extra_env: dict[str, str] | None = None,
                rasa_spare: bool = False) -> Stack:
    """`extra_env` adds or overrides settings of every process (e.g. a channel's);
    `rasa_spare` starts a second Rasa server standing by, as `make run` does."""
    model = ensure_model()
    external = os.environ.get("REDIS_URL")
    layout = Layout(free_port(), free_port(), free_port(), None if external else free_port(),
                    tmp, model, rasa_spare=rasa_spare)
    layout.console_port = free_port()
    redis_url = external or f"redis://127.0.0.1:{layout.redis_port}/0"
    prefix = f"t{uuid.uuid4().hex[:8]}"
    base = dict(os.environ, REDIS_KEY_PREFIX=prefix, BACKOFFICE_TOKEN=BACKOFFICE_TOKEN,
                BACKOFFICE_STAFF_TOKEN=STAFF_TOKEN, OUTBOX_RETRY_SECONDS="1",
                BACKOFFICE_TIMEOUT_SECONDS="3",
                CONSOLE_ADMIN_USER=CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD=CONSOLE_ADMIN_PASSWORD,
                # Tests act as a proxy on loopback: requests carrying X-Forwarded-For are
                # rate-limited per forwarded client, the suite's own requests are not.
                RATE_LIMIT_TRUSTED_PROXIES="127.0.0.1")
    base.pop("DATABASE_URL", None)
    base.update(extra_env or {})
    env = child_env(layout, redis_url, base)
    supervisor = Supervisor(build_specs(layout, redis_url, env), tmp / "log")
    supervisor.start_all()  # stops what it started if one does not come up
    return Stack(layout, redis_url, prefix, supervisor)


def wait_for(predicate, timeout_s: float = 30.0, interval_s: float = 0.5):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval_s)
    return predicate()
