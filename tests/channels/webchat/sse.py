"""Read server-sent events the way a browser's EventSource does."""
from __future__ import annotations

import json
import time
from typing import Callable

import httpx


def collect(url: str, until: Callable[[list[dict]], bool], timeout_s: float = 30.0,
            headers: dict | None = None, cookies=None) -> list[dict]:
    """Data of every event from `url` until `until(events)` holds or the time is up."""
    events: list[dict] = []
    deadline = time.time() + timeout_s
    # reads wait as long as the whole collection may: a busy server's next event may
    # come seconds after the last one
    with httpx.Client(cookies=cookies, timeout=httpx.Timeout(10, read=timeout_s)) as client:
        try:
            with client.stream("GET", url, headers=headers or {}) as response:
                assert response.status_code == 200, response.status_code
                for line in response.iter_lines():
                    if line.startswith("data: "):
                        events.append(json.loads(line[6:]))
                        if until(events):
                            return events
                    if time.time() > deadline:
                        break
        except httpx.ReadTimeout:
            pass
    return events
