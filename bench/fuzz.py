"""The long fuzz run: the same generators and checks as tests/hardening/test_fuzz_*,
many more inputs, and a report instead of a stop at the first failure.

    python -m bench.fuzz                      # NLU functions, WeChat XML parsing, back office API,
                                              # REST channel, /model/parse
    python -m bench.fuzz --skip-stack         # without the assistant (no Rasa start: NLU, WeChat XML, API)
    python -m bench.fuzz --skip-nlu           # WeChat XML, back office API, REST channel, /model/parse
    python -m bench.fuzz --examples 5000      # inputs per target (NLU: per function)

Prints, per target, the inputs tried, the failures and the distinct kinds of
failure (described without the input itself). Here, unlike in the test suite, a
call slower than its budget (BUDGET_S) counts as a failure: figures for the
machine the run is on.
"""
from __future__ import annotations

import argparse
import collections
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Counter, Dict, Iterable, Iterator

import httpx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import SearchStrategy

from tests.hardening.fuzzing import (
    FUZZ_STAFF_TOKEN, FUZZ_TOKEN, NLU_FUNCTIONS, PATHOLOGICAL, TIME_FUNCTIONS, api_calls, check_api_call,
    check_nlu, check_nlu_bounded, check_parse, check_webhook, content_types, resident_text, seed_case, start_backoffice, webhook_bodies,
)
from tests.hardening.fuzzing_wechat import check_wechat_xml, wechat_xml_inputs

# Random text for the time functions stays short: a long run of time words costs up to
# nlu.rules.timeexpr.PARSE_BUDGET parses (see tests/hardening/test_fuzz_nlu.py).
SHORT_FOR_TIME = 24
# Seconds one call may take on a busy 2-core machine (typical calls take well under 10 ms).
BUDGET_S = {"find_times": 3.0, "resolve_time": 3.0, "WeChat XML parse": 1.0}
DEFAULT_BUDGET_S = 1.0


def timed(name: str, check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`check`, failing also when it takes longer than `name`'s budget."""
    budget = BUDGET_S.get(name, DEFAULT_BUDGET_S)

    def run(value: Any) -> Any:
        started = time.perf_counter()
        outcome = check(value)
        elapsed = time.perf_counter() - started
        assert elapsed < budget, f"{name} took {elapsed:.2f} s on a {len(value)}-long input"
        return outcome
    return run


def run_target(name: str, strategy: SearchStrategy, check: Callable[[Any], Any], examples: int) -> Dict[str, Any]:
    tried, failures = 0, collections.Counter()  # type: int, Counter[str]

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(value=strategy)
    def fuzz(value: Any) -> None:
        nonlocal tried
        tried += 1
        try:
            check(value)
        except AssertionError as exc:
            failures[str(exc).splitlines()[0][:160]] += 1
        except httpx.HTTPError as exc:
            failures[f"transport error {type(exc).__name__}"] += 1

    started = time.perf_counter()
    fuzz()
    return {"target": name, "tried": tried, "failures": sum(failures.values()), "kinds": failures,
            "seconds": time.perf_counter() - started}


def nlu_targets(examples: int) -> Iterator[dict]:
    for name in sorted(NLU_FUNCTIONS):
        limit = SHORT_FOR_TIME if name in TIME_FUNCTIONS else None
        yield run_target(f"nlu {name}", resident_text(),
                         timed(name, lambda text, n=name, cut=limit: check_nlu(n, text[:cut] if cut else text)),
                         examples)


def long_message_target() -> dict:
    """Every NLU function on long repetitive messages, each call in a child with a CPU limit."""
    failures: Counter[str] = collections.Counter()
    started, tried = time.perf_counter(), 0
    for name in sorted(NLU_FUNCTIONS):
        for text in PATHOLOGICAL:
            tried += 1
            try:
                check_nlu_bounded(name, text)
            except AssertionError as exc:
                failures[str(exc)[:160]] += 1
    return {"target": "nlu long repetitive messages", "tried": tried, "failures": sum(failures.values()),
            "kinds": failures, "seconds": time.perf_counter() - started}


def wechat_xml_target(examples: int) -> dict:
    """channels/wechat/parse.py on hostile bodies: a readable message or NotAMessage."""
    return run_target("WeChat XML parse", wechat_xml_inputs,
                      timed("WeChat XML parse", check_wechat_xml), examples)


def api_target(examples: int) -> dict:
    proc, url = start_backoffice(Path(tempfile.mkdtemp(prefix="bench-fuzz-bo-")))
    try:
        spec = httpx.get(f"{url}/openapi.json", timeout=10).json()
        number = seed_case(url)
        with httpx.Client(timeout=30) as client:
            strategy = api_calls(spec, [None, "wrong", FUZZ_TOKEN, FUZZ_STAFF_TOKEN], [number])
            return run_target("back office OpenAPI", strategy,
                              lambda call: check_api_call(client, url, call), examples)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def stack_targets(examples: int) -> list:
    from hypothesis import strategies as st

    from tests.stack import start_stack

    stack = start_stack(Path(tempfile.mkdtemp(prefix="bench-fuzz-")))
    try:
        with httpx.Client(timeout=120) as client:
            rest = run_target("REST webhook", st.tuples(webhook_bodies, content_types),
                              lambda v: check_webhook(client, stack.rasa, *v), examples)
            parse = run_target("/model/parse (NLU pipeline)", resident_text(),
                               lambda text: check_parse(client, stack.rasa, text), max(1, examples // 2))
        return [rest, parse]
    finally:
        stack.supervisor.stop_all()


HEADER = f"{'target':36} {'inputs':>8} {'failures':>9} {'seconds':>8}"


def print_row(row: dict) -> None:
    print(f"{row['target']:36} {row['tried']:8d} {row['failures']:9d} {row['seconds']:8.1f}", flush=True)
    for kind, count in row["kinds"].most_common(5):
        print(f"    {count:6d} x {kind}", flush=True)


def report(rows: list) -> None:
    print("\n" + HEADER)
    for row in rows:
        print_row(row)
    total = sum(r["tried"] for r in rows)
    print(f"{'total':36} {total:8d} {sum(r['failures'] for r in rows):9d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="inputs per target")
    parser.add_argument("--skip-stack", action="store_true", help="no REST or /model/parse targets")
    parser.add_argument("--skip-nlu", action="store_true", help="no NLU function targets")
    args = parser.parse_args()
    rows: list = []

    def run(make_rows: Callable[[], Iterable[dict]]) -> None:
        for row in make_rows():  # printed as they finish: a long run shows progress
            print_row(row)
            rows.append(row)

    print(HEADER, flush=True)
    if not args.skip_nlu:
        run(lambda: nlu_targets(args.examples))
        run(lambda: [long_message_target()])
    run(lambda: [wechat_xml_target(args.examples)])
    run(lambda: [api_target(args.examples)])
    if not args.skip_stack:
        run(lambda: stack_targets(args.examples))
    report(rows)


if __name__ == "__main__":
    main()
