"""Side by side in one run: a plain Rasa 3.6 server against the assistant.

    .venv/bin/python -m bench.side_by_side [--concurrency 1 10] [--seconds 20] [--runs 3]
                                          [--parts compare length conversations]
                                          [--length-conversations 5] [--length-turns 40]
                                          [--conversation-seconds 30]

Starts, on free loopback ports, the assistant (`tests/stack.py`: the specs of
`make run`, with the load harness's raised rate limits) and a plain Rasa 3.6
server with a tiny model of its own (`bench/plain_rasa/`: Jieba and the
project's featurizers minus the custom components, DIET, TED + RulePolicy,
4 intents of 10 examples, rule replies only; Redis tracker store and lock store
on its own embedded Redis). The model is trained once into var/bench/, keyed on
the fingerprint of bench/plain_rasa/.

Parts (all by default, on the same two running servers; `--also NAME=URL` adds a running
assistant, e.g. an earlier commit's from a git worktree, to compare and length):

compare        N residents at once, each turn one of four opening messages
               (你好 / 我家水管漏水了 / 查一下我的办理进度 / 我要做社保认证) from a
               fresh sender, through the REST channel, for --seconds. The two setups
               are interleaved (run 1: plain then assistant; run 2 the other way
               round; ...) at each level, --runs times. Per run and as medians:
               turns/s, p50, p95; and the assistant's turns/s as a share of plain
               Rasa's.
length         the assistant only: one resident's long conversation
               (`bench/turn_length.py`), turn latency at 5, 20, 40.
conversations  the assistant only: whole conversations of `bench/resident_sim.py`
               (the load harness of `bench/load/`, REST only) at 10 residents,
               --runs runs of --conversation-seconds: turns/s, p50, p95, cases.
"""
from __future__ import annotations

import argparse
import asyncio
import fcntl
import hashlib
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.common import parse_also
from bench.load.check import Check, check
from bench.load.figures import Figures, describe, figures
from bench.load.residents import Conversation, Residents, Target
from bench.load.stack import LOAD_ENV, target_for
from bench.resident_sim import Scenario
from bench.turn_length import report_lengths
from bot.embedded_redis import free_port, redis_argv
from bot.supervisor import ProcessSpec, Supervisor
from tests.stack import Stack, start_stack

ROOT = Path(__file__).resolve().parent.parent
PLAIN = ROOT / "bench" / "plain_rasa"
OPENINGS = ["你好", "我家水管漏水了", "查一下我的办理进度", "我要做社保认证"]
# Residents() needs scenarios; only their openings are said here.
OPENING_SCENARIOS = [Scenario(f"opening {i}", "-", text, {}) for i, text in enumerate(OPENINGS)]


def plain_model() -> Path:
    """The plain model, trained once per content of bench/plain_rasa/."""
    digest = hashlib.sha256()
    for path in sorted(PLAIN.rglob("*.yml")):
        digest.update(path.relative_to(PLAIN).as_posix().encode() + path.read_bytes())
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    name = f"plain-{digest.hexdigest()[:12]}"
    model = out / f"{name}.tar.gz"
    with open(out / ".plain.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not model.exists():
            print("training the plain Rasa model (once)", flush=True)
            with open(out / f"{name}.train.log", "wb") as log:
                subprocess.run([sys.executable, "-m", "rasa", "train", "--config", str(PLAIN / "config.yml"),
                                "--domain", str(PLAIN / "domain.yml"), "--data", str(PLAIN / "data"),
                                "--out", str(out), "--fixed-model-name", name],
                               check=True, stdout=log, stderr=subprocess.STDOUT, cwd=PLAIN)
    return model


def start_plain(tmp: Path) -> tuple[Supervisor, str]:
    """Its own embedded Redis and `rasa run` with the plain model; returns (supervisor, URL)."""
    model = plain_model()
    redis_port, rasa_port = free_port(), free_port()
    env = dict(os.environ, PLAIN_RASA_REDIS_PORT=str(redis_port), TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONUNBUFFERED="1")
    env.pop("REDIS_URL", None)
    rasa = [sys.executable, "-m", "rasa", "run", "--enable-api", "--model", str(model),
            "--port", str(rasa_port), "--interface", "127.0.0.1",
            "--endpoints", str(PLAIN / "endpoints.yml"), "--credentials", str(PLAIN / "credentials.yml")]
    supervisor = Supervisor([ProcessSpec("plain-redis", redis_argv(redis_port, tmp / "redis", persist=False),
                                         env, redis_port),
                             ProcessSpec("plain-rasa", rasa, env, rasa_port, ready_timeout_s=300)],
                            tmp / "log")
    supervisor.start_all()  # stops what it started if one does not come up
    return supervisor, f"http://127.0.0.1:{rasa_port}"


def wait_answering(rasa: str, timeout_s: float = 300) -> None:
    """Until a REST turn is answered (the port opens before the model is loaded)."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            reply = httpx.post(f"{rasa}/webhooks/rest/webhook", timeout=30,
                               json={"sender": f"ready-{time.time_ns()}", "message": "你好"})
            if reply.status_code == 200 and reply.json():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{rasa} did not answer")


class Openings(Residents):
    """Residents who each say one opening message, every turn from a fresh sender."""

    def __init__(self, target: Target, concurrency: int, seconds: float) -> None:
        super().__init__(target, concurrency, seconds, wechat_share=0.0, retry_for_s=60.0,
                         scenarios=OPENING_SCENARIOS)

    async def _play(self, client: httpx.AsyncClient, conv: Conversation) -> None:
        await self._turn(client, conv, conv.scenario.opening)


def openings_run(rasa: str, level: int, seconds: float) -> Figures:
    stats = asyncio.run(Openings(Target(rasa, ""), level, seconds).run())
    return figures(level, stats, Check(conversations=len(stats.conversations)))


def compare(setups: dict[str, str], levels: list[int], seconds: float, runs: int) -> None:
    print(f"\n== compare: four opening messages from fresh senders, {seconds:.0f} s per run, "
          f"setups interleaved", flush=True)
    for url in setups.values():
        openings_run(url, 2, 5)  # warm-up: first turns load caches
    results: dict[tuple[str, int], list[Figures]] = {}
    for run in range(runs):
        for level in levels:
            order = list(setups) if run % 2 == 0 else list(reversed(setups))
            for name in order:
                fig = openings_run(setups[name], level, seconds)
                results.setdefault((name, level), []).append(fig)
                print(f"  run {run + 1} {name:9} {level:2} residents: {fig.turns_per_s:6.2f} turns/s, "
                      f"p50 {fig.p50_ms:5.0f} ms, p95 {fig.p95_ms:5.0f} ms, failed attempts "
                      f"{fig.stats.failed_attempts} (load average {os.getloadavg()[0]:.1f})", flush=True)
    print("| residents | setup | turns/s (median) | p50 | p95 | runs (turns/s) |\n|---|---|---|---|---|---|")
    for level in levels:
        rates = {}
        for name in setups:
            figs = results[(name, level)]
            rates[name] = statistics.median(f.turns_per_s for f in figs)
            print(f"| {level} | {name} | {rates[name]:.2f} | "
                  f"{statistics.median(f.p50_ms for f in figs):.0f} ms | "
                  f"{statistics.median(f.p95_ms for f in figs):.0f} ms | "
                  f"{', '.join(f'{f.turns_per_s:.2f}' for f in figs)} |")
        for name in (n for n in setups if n != "plain" and rates.get("plain")):
            print(f"| {level} | {name} ÷ plain | {rates[name] / rates['plain']:.2f}× | | | |")
    print(flush=True)


def conversations(target: Target, level: int, seconds: float, runs: int) -> None:
    print(f"\n== whole conversations (bench/resident_sim.py scenarios, REST), {level} residents, "
          f"{seconds:.0f} s per run", flush=True)
    figs = []
    for _ in range(runs):
        stats = asyncio.run(Residents(target, level, seconds, wechat_share=0.0).run())
        fig = figures(level, stats, asyncio.run(check(target, stats)))
        figs.append(fig)
        print("  run " + describe(fig) + f" (load average {os.getloadavg()[0]:.1f})", flush=True)
    print(f"MEDIAN whole conversations, {level} residents: "
          f"{statistics.median(f.turns_per_s for f in figs):.2f} turns/s, p50 "
          f"{statistics.median(f.p50_ms for f in figs):.0f} ms, p95 "
          f"{statistics.median(f.p95_ms for f in figs):.0f} ms", flush=True)


def start_both(tmp: Path, need_plain: bool) -> tuple[Stack, tuple[Supervisor, str] | None]:
    """Both at once: loading two models takes minutes on a busy machine."""
    plain: list = []
    error: list = []

    def plain_thread() -> None:
        try:
            plain.append(start_plain(tmp / "plain"))
        except Exception as err:  # reported below, on the main thread
            error.append(err)

    thread = threading.Thread(target=plain_thread)
    if need_plain:
        thread.start()
    stack = start_stack(tmp / "assistant", extra_env=LOAD_ENV)
    if need_plain:
        thread.join()
        if error:
            stack.supervisor.stop_all()
            raise error[0]
    return stack, (plain[0] if plain else None)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", choices=["compare", "length", "conversations"],
                        default=["compare", "length", "conversations"])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--length-conversations", type=int, default=5)
    parser.add_argument("--length-turns", type=int, default=40)
    parser.add_argument("--conversation-residents", type=int, default=10)
    parser.add_argument("--conversation-seconds", type=float, default=30.0)
    parser.add_argument("--also", nargs="*", default=[], metavar="NAME=URL[,RASA_PID,ACTIONS_PID]",
                        help="running assistants measured beside this one in compare and length "
                             "(e.g. an earlier commit's, started from a git worktree)")
    args = parser.parse_args()
    also, pids = parse_also(args.also)
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory(prefix="side-") as tmp:
        started = time.perf_counter()
        stack, plain = start_both(Path(tmp), "compare" in args.parts)
        try:
            setups = {"assistant": stack.rasa, **also}
            if plain:
                setups = {"plain": plain[1], **setups}
            for url in setups.values():
                wait_answering(url)
            print(f"both servers answering after {time.perf_counter() - started:.0f} s", flush=True)
            if "compare" in args.parts:
                compare(setups, args.concurrency, args.seconds, args.runs)
            if "length" in args.parts:
                pids["assistant"] = (stack.child("rasa").proc.pid, stack.child("actions").proc.pid)
                report_lengths({"assistant": stack.rasa, **also}, args.length_conversations,
                               args.length_turns, pids)
            if "conversations" in args.parts:
                conversations(target_for(stack), args.conversation_residents,
                              args.conversation_seconds, args.runs)
            print(f"load average after: {os.getloadavg()}", flush=True)
        finally:
            if plain:
                plain[0].stop_all()
            stack.supervisor.stop_all()


if __name__ == "__main__":
    main()
