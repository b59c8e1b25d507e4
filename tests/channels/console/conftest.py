"""A console process against a real embedded Redis, without the rest of the assistant
(for the security rules); the trigger and takeover tests use the whole `stack`."""
from __future__ import annotations

import subprocess
import time
import uuid

import pytest

from bot.embedded_redis import free_port, redis_argv
from bot.supervisor import port_open
from tests.channels.browser import console_login
from tests.channels.console.helpers import ConsoleUser, start_console
from tests.stack import CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD

ADMIN, ADMIN_PASSWORD = "admin", "test-console-admin-pw"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    port = free_port()
    proc = subprocess.Popen(redis_argv(port, tmp_path_factory.mktemp("redis"), persist=False))
    deadline = time.time() + 60
    while not port_open(port):
        assert time.time() < deadline and proc.poll() is None, "embedded Redis did not start"
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def console_alone(redis_url, tmp_path_factory):
    prefix = f"c{uuid.uuid4().hex[:8]}"
    # Every test logs in afresh from one address: room for all of them in one window
    # (the per-address limit itself is tested on a console of its own).
    running = start_console(redis_url, prefix, tmp_path_factory.mktemp("console"),
                            CONSOLE_LOGIN_LIMIT_IP="200")
    running.prefix = prefix
    yield running
    running.stop()


@pytest.fixture
def admin(console_alone):
    user = ConsoleUser(console_alone.url)
    assert user.login(ADMIN, ADMIN_PASSWORD).status_code == 303
    return user


@pytest.fixture(scope="module")
def staff_page(stack, browser):
    """A logged-in staff member's page on the whole stack's console (one per test module)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)
    console_login(page, stack.console, CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD)
    yield page
    context.close()
