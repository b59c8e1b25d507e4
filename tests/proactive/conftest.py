"""The scheduler's real surroundings: Redis, the back office, the WeChat stand-in and
two scheduler processes, all under the supervisor `make run` uses."""
from __future__ import annotations

import asyncio
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from bot.embedded_redis import free_port, redis_argv
from bot.supervisor import ProcessSpec, Supervisor
from tests.channels.wechat.fake_wechat_api import FakeWeChatApi
from tests.stack import Supervised

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "wx0123456789abcdef"
SECRET = "test-wechat-secret"
TEMPLATE_ID = "tpl-reminder"
TOKEN = "test-assistant-token"
STAFF_TOKEN = "test-staff-token"
DAYTIME = "2026-12-07T09:59:00+08:00"   # the schedulers' clock starts here
NIGHT = "2026-12-07T21:30:00+08:00"


@dataclass
class ProactiveStack(Supervised):
    supervisor: Supervisor
    redis_url: str
    prefix: str
    backoffice: str
    wechat: FakeWeChatApi
    env: dict[str, str]
    metrics_ports: list[int]

    def callbacks(self) -> list[dict]:
        answer = httpx.get(f"{self.backoffice}/api/v1/callbacks",
                           headers={"Authorization": f"Bearer {STAFF_TOKEN}"}, timeout=10)
        answer.raise_for_status()
        return answer.json()


def start_proactive(tmp: Path, wechat: FakeWeChatApi, clock_start: str,
                    schedulers: int = 2) -> ProactiveStack:
    redis_port, bo_port = free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    prefix = f"t{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", REDIS_URL=redis_url,
               REDIS_KEY_PREFIX=prefix, BACKOFFICE_PORT=str(bo_port),
               BACKOFFICE_URL=f"http://127.0.0.1:{bo_port}",
               DATABASE_URL=f"sqlite:///{tmp / 'backoffice.db'}", BACKOFFICE_TOKEN=TOKEN,
               BACKOFFICE_STAFF_TOKEN=STAFF_TOKEN,
               BACKOFFICE_ENCRYPTION_KEY=Fernet.generate_key().decode(),
               WECHAT_APP_ID=APP_ID, WECHAT_APP_SECRET=SECRET, WECHAT_API_BASE=wechat.base,
               WECHAT_TEMPLATE_ID=TEMPLATE_ID, WECHAT_API_ATTEMPTS="1",
               WECHAT_API_BACKOFF_SECONDS="0.1", ASSISTANT_CLOCK_START=clock_start,
               PROACTIVE_MAX_TRIES="3", PROACTIVE_RETRY_SECONDS="0.2",
               PROACTIVE_POLL_SECONDS="0.1")
    env.pop("BACKOFFICE_NOTIFY_URL", None)
    specs = [ProcessSpec("redis", redis_argv(redis_port, tmp / "redis"), env, redis_port),
             ProcessSpec("backoffice", [sys.executable, "-m", "backoffice"], env, bo_port)]
    metrics_ports = [free_port() for _ in range(schedulers)]
    specs += [ProcessSpec(f"scheduler{i}", [sys.executable, "-m", "proactive"],
                          dict(env, PROACTIVE_METRICS_PORT=str(port)), port)
              for i, port in enumerate(metrics_ports)]
    supervisor = Supervisor(specs, tmp / "log")
    supervisor.start_all()  # stops what it started if one does not come up
    return ProactiveStack(supervisor, redis_url, prefix, f"http://127.0.0.1:{bo_port}", wechat, env,
                          metrics_ports)


@pytest.fixture(scope="package")
def wechat_api():
    fake = FakeWeChatApi(APP_ID, SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="package")
def daytime(tmp_path_factory, wechat_api):
    running = start_proactive(tmp_path_factory.mktemp("proactive-day"), wechat_api, DAYTIME)
    yield running
    running.supervisor.stop_all()


@pytest.fixture(scope="module")
def night(tmp_path_factory, wechat_api):
    running = start_proactive(tmp_path_factory.mktemp("proactive-night"), wechat_api, NIGHT,
                              schedulers=1)
    yield running
    running.supervisor.stop_all()


def wait_until(predicate, timeout_s: float = 60.0, interval_s: float = 0.2):
    """Polls an async predicate; what it returned last."""
    async def run():
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            value = await predicate()
            if value or loop.time() > deadline:
                return value
            await asyncio.sleep(interval_s)
    return run()
