"""The staff console's case list with many cases, and how fast a status change reaches
the resident, on the real stack.

    .venv/bin/python -m bench.console_cases [--cases 10000] [--loads 30] [--notices 20]

Starts the assistant on free ports (as the tests do) with the WeChat channel pointed
at the local stand-in of WeChat's API, seeds the back office's database with
``--cases`` cases spread over 90 days (every service, every status, routed by the
routing table, personal data encrypted as always), then measures:

- the case list in Debian's Chromium: navigation to ``/cases`` until the first page of
  rows is on screen (page load), and a filter chosen in the page until the rows are
  redrawn (filter), p50/p95;
- the same list's JSON as the page asks for it (console → back office → SQLite), per
  filter, p50/p95;
- a staff status change in the console (``POST /api/cases/{n}/status``) until the
  resident's notice arrives on their web chat page's stream, and until the WeChat
  stand-in receives the customer-service message, p50/p95.
"""
from __future__ import annotations

import argparse
import queue
import random
import secrets
import statistics
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from backoffice.clock import utc_now
from backoffice.crypto import FieldCipher
from backoffice.db import create_db_engine
from backoffice.principal import STAFF, Principal
from backoffice.repository import CaseRepository, NewCase
from backoffice.settings import Settings
from bench.common import percentile
from bench.console_latency import listen
from tests.channels.browser import CHROMIUM_ARGS
from tests.channels.console.helpers import ConsoleUser
from tests.channels.wechat.fake_wechat_api import FakeWeChatApi
from tests.stack import CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD, start_stack

APP_ID, SECRET = "wx0123456789abcdef", "bench-wechat-secret"
WECHAT_ENV = {"WECHAT_TOKEN": "bench-wechat-token", "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": SECRET,
              "WECHAT_ENCODING_AES_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY",
              "WECHAT_TEMPLATE_ID": "tpl-case-status", "NOTIFY_TOKEN": "bench-notify-token"}
CHANNELS = ("webchat", "wechat", "voice", "rest")
STEPS = ([], ["accepted"], ["accepted", "in_progress"], ["accepted", "in_progress", "done"],
         ["in_progress", "done"], ["rejected"])
FILTERS = [{}, {"status": "in_progress"}, {"service": "property_repair"}, {"department": "home_care"},
           {"channel": "wechat"}, {"status": "received", "service": "elderly_home_service"},
           {"created_from": "{d30}"}, {"q": "{number}"}, {"q": "{phone}"}]


def phone(rng: random.Random) -> str:
    return "139" + "".join(rng.choice("0123456789") for _ in range(8))


def fields_for(service: str, rng: random.Random) -> dict[str, Any]:
    """Synthetic values shaped as the assistant files them."""
    person = {"person_name": rng.choice("张王李赵刘陈杨黄") + rng.choice(["秀英", "建国", "桂兰", "志强"]),
              "phone": phone(rng), "address": f"{rng.randint(1, 20)}号楼{rng.randint(1, 4)}单元{rng.randint(101, 1802)}"}
    when = "2026-12-02T09:00"
    return {
        "property_repair": {"address": person["address"], "phone": person["phone"], "description": "水管漏水",
                            "repair_category": rng.choice(["water", "electricity", "door_window", "public_facility"])},
        "elderly_home_service": {**person, "service_type": rng.choice(["meal", "bath", "cleaning", "medical"]),
                                 "appointment_time": when},
        "social_security_certification": {**person, "id_number": "11010519491231002X",
                                          "cert_method": rng.choice(["home_visit", "window"]), "appointment_time": when},
        "consultation_booking": {**person, "consultation_type": rng.choice(["legal", "psychological"]),
                                 "appointment_time": when, "topic": "咨询"},
        "complaint_suggestion": {"kind": rng.choice(["complaint", "suggestion"]), "content": "路灯不亮",
                                 "phone": person["phone"]},
        "subsistence_allowance": {"person_name": person["person_name"], "phone": person["phone"]},
    }[service]


def seed(settings: Settings, count: int, seed_value: int = 7) -> dict[str, str]:
    """``count`` cases over the last 90 days; returns one case number and one phone to search."""
    rng = random.Random(seed_value)
    clock = {"now": None}
    repo = CaseRepository(create_db_engine(settings.database_url), FieldCipher(settings.encryption_key),
                          now=lambda: clock["now"])
    staff = Principal(STAFF, "bench")
    start = time.time()
    base = utc_now() - timedelta(days=90)
    found: dict[str, str] = {}
    for i in range(count):
        clock["now"] = base + timedelta(seconds=rng.uniform(0, 90 * 86400))
        service = rng.choice(["property_repair", "property_repair", "elderly_home_service",
                              "social_security_certification", "consultation_booking",
                              "complaint_suggestion", "subsistence_allowance"])
        fields = fields_for(service, rng)
        record, _ = repo.create_case(NewCase(service, fields, rng.choice(CHANNELS), f"seed-{i}",
                                             uuid.uuid4().hex, "normal", False))
        for status in rng.choice(STEPS):
            clock["now"] += timedelta(minutes=rng.expovariate(1 / 180))
            repo.update_status(staff, record.case_number, status, "已处理" if status == "rejected" else None)
        found = {"number": record.case_number, "phone": fields.get("phone", found.get("phone", ""))}
    print(f"seeded {count} cases in {time.time() - start:.0f} s", flush=True)
    return found


def summary(name: str, samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"{name}: p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms (n={len(ms)})"


def time_filters(staff: ConsoleUser, rounds: int, values: dict[str, str]) -> list[float]:
    everything = []
    for spec in FILTERS:
        params = {k: v.format(**values) for k, v in spec.items()}
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            response = staff.get("/api/cases", params=params)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
        total = staff.get("/api/cases", params=params).json()["total"]
        label = ",".join(f"{k}={'…' if k == 'q' else v}" for k, v in params.items()) or "no filter"
        print("  api " + summary(f"{label} ({total} cases)", samples), flush=True)
        everything += samples
    return everything


def time_pages(console_url: str, loads: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{console_url}/login")
        page.fill("input[name=username]", CONSOLE_ADMIN)
        page.fill("input[name=password]", CONSOLE_ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("nav")
        loaded, filtered = [], []
        choices = [("status", "in_progress"), ("service", "elderly_home_service"), ("channel", "wechat"),
                   ("department", "property"), ("status", "done")]
        for i in range(loads):
            started = time.perf_counter()
            page.goto(f"{console_url}/cases")
            page.wait_for_selector("body[data-loaded='1'] #case-rows tr", state="attached")
            loaded.append(time.perf_counter() - started)
            name, value = choices[i % len(choices)]
            started = time.perf_counter()
            page.select_option(f"select[name={name}]", value)
            page.wait_for_selector("body[data-loaded='2']", state="attached")
            filtered.append(time.perf_counter() - started)
        browser.close()
    return loaded, filtered


def file_case(stack, channel: str, conversation_id: str) -> str:
    body = {"service": "property_repair", "channel": channel, "conversation_id": conversation_id,
            "idempotency_key": uuid.uuid4().hex,
            "fields": {"address": "3号楼2单元502", "repair_category": "water", "description": "水管漏水",
                       "phone": "13900000000"}}
    response = httpx.post(f"{stack.backoffice}/api/v1/cases", json=body, timeout=10,
                          headers={"Authorization": "Bearer test-backoffice-token"})
    response.raise_for_status()
    return response.json()["case_number"]


def notice_arrival(out: queue.Queue, number: str, word: str, timeout_s: float = 20.0) -> float:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        at, data = out.get(timeout=max(0.01, deadline - time.time()))
        if data.get("role") == "notice" and number in data.get("text", "") and word in data["text"]:
            return at
    raise TimeoutError(number)


def wechat_arrival(api: FakeWeChatApi, openid: str, count: int, timeout_s: float = 20.0) -> float:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        sent = api.sent_to(openid)
        if len(sent) >= count:
            return sent[count - 1].at
        time.sleep(0.005)
    raise TimeoutError(openid)


WORDS = {"accepted": "已审核通过", "in_progress": "正在办理中", "done": "已办结"}


def time_notices(stack, staff: ConsoleUser, api: FakeWeChatApi, cases: int) -> tuple[list[float], list[float]]:
    import redis

    client = redis.Redis.from_url(stack.redis_url)
    web, wechat = [], []
    for _ in range(cases):
        sender, openid = "web-" + secrets.token_hex(16), "o" + secrets.token_hex(13)
        client.set(f"{stack.prefix}:wechat:last_seen:{openid}", f"{time.time():.0f}", ex=3600)
        numbers = {"webchat": file_case(stack, "webchat", sender), "wechat": file_case(stack, "wechat", openid)}
        page, stop = queue.Queue(), threading.Event()
        listen_at(f"{stack.rasa}/webhooks/webchat/stream/{sender}", page, stop)
        time.sleep(0.3)
        for i, status in enumerate(("accepted", "in_progress", "done"), start=1):
            started = time.time()
            assert staff.post(f"/api/cases/{numbers['webchat']}/status", {"status": status}).status_code == 200
            web.append(notice_arrival(page, numbers["webchat"], WORDS[status]) - started)
            started = time.time()
            assert staff.post(f"/api/cases/{numbers['wechat']}/status", {"status": status}).status_code == 200
            wechat.append(wechat_arrival(api, openid, i) - started)
        stop.set()
    return web, wechat


def listen_at(url: str, out: queue.Queue, stop: threading.Event) -> None:
    """bench.console_latency's SSE follower, with arrival times on the wall clock."""
    inner: queue.Queue = queue.Queue()
    listen(url, inner, stop)
    offset = time.time() - time.perf_counter()

    def relay() -> None:
        while not stop.is_set():
            try:
                at, data = inner.get(timeout=0.5)
            except queue.Empty:
                continue
            out.put((at + offset, data))
    threading.Thread(target=relay, daemon=True).start()


def run(args: argparse.Namespace) -> None:
    api = FakeWeChatApi(APP_ID, SECRET).start()
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp), extra_env={**WECHAT_ENV, "WECHAT_API_BASE": api.base})
        try:
            env = stack.child("backoffice").spec.env
            values = seed(Settings.from_env(env), args.cases)
            values["d30"] = time.strftime("%Y-%m-%d", time.localtime(time.time() - 30 * 86400))
            staff = ConsoleUser(stack.console)
            assert staff.login(CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD).status_code == 303
            staff.get("/api/cases")  # warm-up: connections, the first query plan
            print(f"case list JSON ({args.cases} cases):", flush=True)
            api_samples = time_filters(staff, args.rounds, values)
            loaded, filtered = time_pages(stack.console, args.loads)
            web, wechat = time_notices(stack, staff, api, args.notices)
            print("\nFigures (this machine, this run):")
            print("  " + summary("case list page load in Chromium (navigation → first 50 rows drawn)", loaded))
            print("  " + summary("case list filter in Chromium (filter chosen → rows redrawn)", filtered))
            print("  " + summary("case list JSON, all filters together", api_samples))
            print("  " + summary("status change → resident's web chat page (SSE)", web))
            print("  " + summary("status change → WeChat stand-in (customer-service message)", wechat))
        finally:
            stack.supervisor.stop_all()
            api.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--loads", type=int, default=30, help="page loads (and filters) in Chromium")
    parser.add_argument("--rounds", type=int, default=20, help="JSON requests per filter")
    parser.add_argument("--notices", type=int, default=20, help="cases per channel, three changes each")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
