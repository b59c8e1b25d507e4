"""A sampling profile of the Rasa server (or the action server) under load, and its top costs.

    .venv/bin/python -m bench.profile [--load openings|long] [--concurrency 10]
                                      [--seconds 25] [--process rasa|actions] [--top 25]
                                      [--rasa URL --pid PID] [--raw FILE]

Starts the assistant on free ports (`tests/stack.py`, the load harness's rate limits),
or uses a running one (--rasa and the --pid of the process to sample), and while
py-spy records the process for --seconds (`py-spy record -f raw`, idle threads left
out) plays one of two loads:

openings  --concurrency residents, each turn one of the four opening messages of
          `bench/side_by_side.py` from a fresh sender (its compare part);
long      --concurrency residents, each a long conversation of `bench/turn_length.py`
          (--turns turns, 40 by default, then a new one), so every turn works on a
          grown tracker. `--turns 5` against `--turns 40` shows what grows with the
          conversation: the report then gives each group's sampled milliseconds per
          turn, which compare across recordings where shares do not.

Prints the share of samples in a few named groups of Rasa's and our code (a stack
counts once per group), then the top functions by inclusive and by own samples.
--raw FILE only reads an earlier recording. The recording is kept in var/bench/.
Needs py-spy (`.venv/bin/pip install py-spy`) and permission to trace the process.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A frame in py-spy's raw output: "function (path/to/file.py:123)".
# py-spy record's default sampling rate, samples per second.
RATE = 100
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")

# Groups of frames worth naming; a sample counts in a group when any frame matches.
GROUPS = {
    "tracker store (Redis retrieve/save, (de)serialise)": ("tracker_store.py", "redis_stores.py"),
    "event broker (Redis Streams)": ("event_broker.py", "state/events.py"),
    "policies (predict_next_action)": ("rasa/core/policies/",),
    "  TEDPolicy": ("ted_policy.py",),
    "  tracker featurisation (past_states)": ("past_states", "generate_all_prior_trackers"),
    "NLU pipeline (parse_message)": ("rasa/nlu/", "/nlu/"),
    "  ResponseSelector": ("response_selector.py",),
    # py-spy names a method without its class: RemoteAction.run is "run (…/action.py)",
    # so the call is known by what it does: the request body (the whole tracker) and the POST.
    "custom action call (tracker to JSON, HTTP)": ("_action_call_format", "rasa/utils/endpoints.py"),
    "tracker events replay (DialogueStateTracker.update/replay)": (
        "recreate_from_dialogue", "travel_back_in_time", "_reset", "replay_events"),
    "applied_events": ("applied_events",),
    "JSON encode/decode": ("json/encoder.py", "json/decoder.py", "json/__init__.py"),
    "jsonschema": ("jsonschema/",),
    "TensorFlow": ("tensorflow/", "keras/"),
}


def frames_of(stack: str) -> list[tuple[str, str]]:
    out = []
    for frame in stack.split(";"):
        m = _FRAME.match(frame)
        out.append((m["func"], m["file"]) if m else (frame, ""))
    return out


def read_raw(path: Path) -> list[tuple[list[tuple[str, str]], int]]:
    samples = []
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            samples.append((frames_of(stack), int(count)))
    return samples


def short(func: str, file: str) -> str:
    for marker in ("site-packages/", "/work/main/", str(ROOT) + "/"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{func} ({file})"


def report(samples: list[tuple[list[tuple[str, str]], int]], top: int, turns: int = 0) -> None:
    """Shares of samples per group; with the turns played while recording, also the
    sampled milliseconds per turn (py-spy samples RATE times a second)."""
    total = sum(count for _, count in samples) or 1
    print(f"\n{total} samples (non-idle)" + (f", {turns} turns" if turns else ""))
    print("| group | share of samples |" + (" ms per turn |" if turns else "")
          + "\n|---|---|" + ("---|" if turns else ""))
    for name, needles in GROUPS.items():
        hit = sum(count for frames, count in samples
                  if any(n in f"{func} ({file})" for func, file in frames for n in needles))
        per_turn = f" {1000 * hit / RATE / turns:.1f} |" if turns else ""
        print(f"| {name} | {100 * hit / total:.1f}% |{per_turn}")
    if turns:
        print(f"| all samples | 100% | {1000 * total / RATE / turns:.1f} |")
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    for frames, count in samples:
        for key in {short(func, file) for func, file in frames}:
            inclusive[key] += count
        if frames:
            own[short(*frames[-1])] += count
    for title, counter in (("inclusive", inclusive), ("own", own)):
        print(f"\ntop {top} functions by {title} samples")
        for key, count in counter.most_common(top):
            print(f"  {100 * count / total:5.1f}%  {key}")


def play_long(rasa: str, concurrency: int, seconds: float, turns: int = 40,
              window: float = 0.0) -> int:
    """Long conversations until `seconds` have passed; returns the turns that ended
    within the first `window` seconds (the recording's)."""
    import uuid

    import httpx

    from bench.turn_length import CYCLE

    start = time.monotonic()
    deadline = start + seconds
    counted = [0] * concurrency

    def resident(i: int) -> None:
        with httpx.Client(timeout=60) as client:
            while time.monotonic() < deadline:
                sender = f"long-{uuid.uuid4().hex[:12]}"
                for n in range(turns):
                    if time.monotonic() >= deadline:
                        return
                    client.post(f"{rasa}/webhooks/rest/webhook",
                                json={"sender": sender, "message": CYCLE[n % len(CYCLE)]}
                                ).raise_for_status()
                    if time.monotonic() - start <= window:
                        counted[i] += 1

    threads = [threading.Thread(target=resident, args=(i,), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()) + 120)
    return sum(counted)


def play_openings(rasa: str, concurrency: int, seconds: float, turns: int = 0,
                  window: float = 0.0) -> int:
    from bench.load.residents import Target
    from bench.side_by_side import Openings

    asyncio.run(Openings(Target(rasa, ""), concurrency, seconds).run())
    return 0  # turns are not counted for this load


def record(pid: int, rasa: str, load: str, concurrency: int, seconds: float,
           turns: int = 40) -> tuple[Path, int]:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    label = f"{load}{turns}" if load == "long" else load
    raw = out_dir / f"profile-{label}-{concurrency}-{time.strftime('%Y%m%d-%H%M%S')}.txt"
    play = play_long if load == "long" else play_openings
    play(rasa, concurrency, 8, turns)  # warm-up: first turns load caches
    spy = subprocess.Popen([py_spy, "record", "-p", str(pid), "-f", "raw", "-d", str(int(seconds)),
                            "-o", str(raw), "--nonblocking"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    played = play(rasa, concurrency, seconds + 2, turns, seconds)
    _, err = spy.communicate(timeout=120)
    if spy.returncode != 0:
        raise SystemExit(f"py-spy failed: {err.decode(errors='replace')[-500:]}")
    print(f"recording: {raw}", flush=True)
    return raw, played


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", choices=["openings", "long"], default="openings")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--turns", type=int, default=40, help="turns per long conversation")
    parser.add_argument("--process", choices=["rasa", "actions"], default="rasa")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--rasa", help="a running assistant's Rasa URL (with --pid)")
    parser.add_argument("--pid", type=int, help="the process to sample, with --rasa")
    parser.add_argument("--raw", type=Path, help="only report an earlier recording")
    args = parser.parse_args()
    if args.raw:
        report(read_raw(args.raw), args.top)
        return
    if args.rasa:
        raw, played = record(args.pid, args.rasa, args.load, args.concurrency, args.seconds, args.turns)
        report(read_raw(raw), args.top, played)
        return
    from bench.load.stack import LOAD_ENV
    from tests.stack import start_stack

    with tempfile.TemporaryDirectory(prefix="profile-") as tmp:
        stack = start_stack(Path(tmp), extra_env=LOAD_ENV)
        try:
            pid = stack.child(args.process).proc.pid
            raw, played = record(pid, stack.rasa, args.load, args.concurrency, args.seconds,
                                 args.turns)
        finally:
            stack.supervisor.stop_all()
    report(read_raw(raw), args.top, played)


if __name__ == "__main__":
    main()
