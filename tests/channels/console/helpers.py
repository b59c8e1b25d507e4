"""Talk to the console like a browser does: login form, session cookie, CSRF header."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.embedded_redis import free_port
from bot.run import ROOT
from bot.supervisor import port_open

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
LOGIN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class ConsoleUser:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
        self.csrf = ""

    def login(self, username: str, password: str) -> httpx.Response:
        form = self.http.get("/login")
        token = LOGIN_FIELD.search(form.text).group(1)
        response = self.http.post("/login", data={"csrf_token": token, "username": username,
                                                  "password": password})
        if response.status_code == 303:
            self.csrf = CSRF_META.search(self.http.get("/", follow_redirects=True).text).group(1)
        return response

    def post(self, path: str, json: dict | None = None, csrf: str | None = None) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf if csrf is None else csrf}
        return self.http.post(path, json=json or {}, headers=headers)

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def add_user(self, username: str, password: str, role: str = "staff",
                 department: str = "") -> httpx.Response:
        return self.http.post("/admin/users", data={"csrf_token": self.csrf, "username": username,
                                                    "password": password, "role": role,
                                                    "department": department})


@dataclass
class ConsoleProcess:
    url: str
    proc: subprocess.Popen

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def start_console(redis_url: str, prefix: str, tmp: Path, **env: str) -> ConsoleProcess:
    """The console as its own process, on a free port, against a real Redis."""
    port = free_port()
    full = dict(os.environ, REDIS_URL=redis_url, REDIS_KEY_PREFIX=prefix, CONSOLE_PORT=str(port),
                CONSOLE_DB=str(tmp / f"console-{uuid.uuid4().hex[:6]}.db"), PYTHONPATH=str(ROOT),
                CONSOLE_ADMIN_USER="admin", CONSOLE_ADMIN_PASSWORD="test-console-admin-pw",
                RASA_URL=f"http://127.0.0.1:{free_port()}",  # nothing listens: Rasa is down
                BACKOFFICE_URL=f"http://127.0.0.1:{free_port()}", **env)
    log = open(tmp / f"console-{port}.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "channels.console"], env=full, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while not port_open(port):
        assert proc.poll() is None and time.time() < deadline, (tmp / f"console-{port}.log").read_text()
        time.sleep(0.2)
    return ConsoleProcess(f"http://127.0.0.1:{port}", proc)
