"""Live latency of the staff console and the web chat, on the real stack.

    .venv/bin/python -m bench.console_latency [--runs 3] [--messages 20]

Starts the assistant on free ports (as the tests do), puts a web chat
conversation in the queue (转人工) and takes it over from the console, then
measures, with both live streams open as the pages hold them (server-sent events):

- resident → console: the resident's message POSTed to the web chat webhook until
  it arrives on the console's conversation stream (Rasa logs it while paused,
  the event broker writes it to Redis Streams, the console follows the stream);
- staff → resident: the staff reply POSTed to the console until it arrives on
  the web chat page's stream (console → Rasa tracker-events API → web chat output
  channel → Redis stream → page).

Prints p50/p95 per run and the median of the runs.
"""
from __future__ import annotations

import argparse
import json
import queue
import secrets
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.common import percentile
from tests.channels.console.helpers import ConsoleUser
from tests.stack import CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD, start_stack, wait_for


def listen(url: str, out: queue.Queue, stop: threading.Event, cookies=None) -> threading.Thread:
    """Follow an SSE stream in a thread; every data line goes to `out` with its arrival time."""
    def run() -> None:
        with httpx.Client(cookies=cookies, timeout=httpx.Timeout(10, read=None)) as client:
            try:
                with client.stream("GET", url) as response:
                    for line in response.iter_lines():
                        if stop.is_set():
                            return
                        if line.startswith("data: "):
                            out.put((time.perf_counter(), json.loads(line[6:])))
            except httpx.HTTPError:
                return  # the stack is shutting down
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def arrival(out: queue.Queue, text: str, timeout_s: float = 20.0) -> float:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        at, data = out.get(timeout=max(0.01, deadline - time.time()))
        if isinstance(data, dict) and data.get("text") == text:
            return at
    raise TimeoutError(text)


def one_run(stack, staff: ConsoleUser, messages: int) -> tuple[list[float], list[float]]:
    sender = "web-" + secrets.token_hex(16)
    chat = f"{stack.rasa}/webhooks/webchat"
    httpx.post(f"{chat}/webhook", json={"sender": sender, "message": "转人工"}, timeout=30)
    assert wait_for(lambda: any(i["conversation_id"] == sender
                                for i in staff.get("/api/queue").json()["items"]), 30)
    assert staff.post(f"/api/conversations/{sender}/takeover").status_code == 200
    console_lines, page_lines, stop = queue.Queue(), queue.Queue(), threading.Event()
    listen(f"{stack.console}/api/conversations/{sender}/stream", console_lines, stop,
           cookies=staff.http.cookies)
    listen(f"{chat}/stream/{sender}", page_lines, stop)
    time.sleep(1.0)  # both streams connected
    to_console, to_page = [], []
    with httpx.Client(timeout=30) as client:
        for i in range(messages):
            text = f"第{i}条：我家厨房水管在滴水"
            start = time.perf_counter()
            client.post(f"{chat}/webhook", json={"sender": sender, "message": text})
            to_console.append(arrival(console_lines, text) - start)
            reply = f"第{i}条回复：好的，马上安排师傅上门"
            start = time.perf_counter()
            assert staff.post(f"/api/conversations/{sender}/reply", {"text": reply}).status_code == 200
            to_page.append(arrival(page_lines, reply) - start)
    staff.post(f"/api/conversations/{sender}/handback")
    stop.set()
    return to_console, to_page


def line(name: str, samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"{name}: p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms (n={len(ms)})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--messages", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp))
        try:
            staff = ConsoleUser(stack.console)
            assert staff.login(CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD).status_code == 303
            one_run(stack, staff, 3)  # warm-up: NLU caches, connections
            p50s = {"console": [], "page": []}
            p95s = {"console": [], "page": []}
            for run in range(args.runs):
                to_console, to_page = one_run(stack, staff, args.messages)
                print(f"run {run + 1}: " + line("resident → console", to_console) + "; "
                      + line("staff → resident page", to_page), flush=True)
                for key, samples in (("console", to_console), ("page", to_page)):
                    p50s[key].append(statistics.median(samples) * 1000)
                    p95s[key].append(percentile(samples, 95) * 1000)
            for key, title in (("console", "resident message → console"),
                               ("page", "staff reply → resident page")):
                print(f"{title}: median of {args.runs} runs p50 {statistics.median(p50s[key]):.1f} ms, "
                      f"p95 {statistics.median(p95s[key]):.1f} ms")
        finally:
            stack.supervisor.stop_all()


if __name__ == "__main__":
    main()
