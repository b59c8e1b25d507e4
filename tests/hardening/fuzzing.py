"""Hostile-input generators and the checks every input must pass.

Shared by the bounded fuzz tests (tests/hardening/test_fuzz_*.py, part of
`make test`) and the long run (`python -m bench.fuzz`). A check raises
AssertionError with a description that never repeats the input itself (it
may look like personal data) beyond its length and kind.
"""
from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple
from urllib.parse import quote

import httpx
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from bot.embedded_redis import free_port
from nlu.rules.address import find_address
from nlu.rules.case_number import find_case_numbers
from nlu.rules.digits import chinese_numeral_to_int, digit_runs, fullwidth_to_ascii, normalise_digit_runs
from nlu.rules.gazetteer import lookup
from nlu.rules.id_number import find_id_numbers, id_problem, normalise_id
from nlu.rules.meaning import has_content
from nlu.rules.person_name import find_person_names
from nlu.rules.phone import find_phones, phone_problem
from nlu.rules.shapes import token_shape
from nlu.rules.timeexpr import _jionlp, find_times
from nlu.rules.timepick import resolve_time
from nlu.rules.vocab import GAZETTEERS

ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = timezone(timedelta(hours=8))

# -- resident-like text ------------------------------------------------------
# Pieces that reach deep into the extractors: digits in every form, numerals,
# address and time words, service vocabulary, separators.
PIECES = (list("0123456789０１２３４５６７８９零〇一二三四五六七八九十百千两幺洞Xx ，。、-—:：/+")
          + ["号楼", "栋", "单元", "室", "层", "小区", "路", "号", "明天", "后天", "下周三", "上午",
             "下午", "点", "半", "月", "日", "号下午两点", "电话", "手机", "身份证", "我叫", "我是",
             "报修", "漏水", "社保认证", "SQ", "20261201-", "138", "1101051949", "+86", "（", "）"]
          + [p for vocab in GAZETTEERS.values() for phrases in vocab.values() for p in phrases[:2]])
surrogates = st.integers(0xD800, 0xDFFF).map(chr)
any_chars = st.one_of(st.characters(), surrogates)


def resident_text(max_pieces: int = 40) -> st.SearchStrategy[str]:
    """Arbitrary unicode, service vocabulary in random order, or a mix of both."""
    return st.one_of(
        st.text(max_size=200),
        st.lists(st.sampled_from(PIECES), max_size=max_pieces).map("".join),
        st.lists(st.one_of(st.sampled_from(PIECES), any_chars), max_size=max_pieces).map("".join),
    )


# Long repetitive inputs: where a backtracking regex would take seconds.
PATHOLOGICAL = ["1" * 1000, "一" * 1000, "幺" * 1000, "号楼" * 500, "1号楼" * 333, "明天" * 500,
                "1-" * 500, "1 " * 500, "１" * 1000, "我叫" * 500, "SQ" * 500, "😀" * 1000,
                "3号楼2单元" * 100 + "502", "电话" + "1" * 998, "x" * 1000]


# -- NLU pure functions ------------------------------------------------------
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
NLU_FUNCTIONS: Dict[str, Callable[[str], Any]] = {
    "find_phones": find_phones,
    "phone_problem": phone_problem,
    "find_id_numbers": find_id_numbers,
    "id_problem": id_problem,
    "normalise_id": normalise_id,
    "find_case_numbers": find_case_numbers,
    "find_address": find_address,
    "find_person_names": find_person_names,
    "normalise_digit_runs": normalise_digit_runs,
    "digit_runs": digit_runs,
    "fullwidth_to_ascii": fullwidth_to_ascii,
    "chinese_numeral_to_int": chinese_numeral_to_int,
    "has_content": has_content,
    "token_shape": token_shape,
    **{f"lookup[{entity}]": (lambda text, e=entity: lookup(text, e)) for entity in GAZETTEERS},
    "find_times": lambda text: find_times(text, NOW),
    "resolve_time": lambda text: resolve_time(text, NOW),
}
# The functions that call JioNLP's time parser: their work is counted in parses
# (nlu.rules.timeexpr.PARSE_BUDGET), see `counting_time_parses`.
TIME_FUNCTIONS = ("find_times", "resolve_time")
# CPU seconds one call may use in check_nlu_bounded before its child is killed. The calls
# take milliseconds; a backtracking regex on the long inputs takes minutes. CPU time, not
# wall-clock: other work on a busy machine does not count against it.
CPU_LIMIT_S = 20


def check_nlu_bounded(name: str, text: str, cpu_limit_s: int = CPU_LIMIT_S) -> None:
    """check_nlu in a forked child limited to `cpu_limit_s` of CPU time: a runaway input
    fails instead of holding the suite (a regex stuck in C cannot be interrupted in-process)."""
    child = multiprocessing.get_context("fork").Process(target=_check_nlu_limited,
                                                        args=(name, text, cpu_limit_s))
    child.start()
    child.join()
    if child.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise AssertionError(f"{name} used over {cpu_limit_s} s of CPU on {len(text)} characters")
    assert child.exitcode == 0, f"{name} failed on {len(text)} characters (exit {child.exitcode})"


def _check_nlu_limited(name: str, text: str, cpu_limit_s: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # SIGXCPU would otherwise dump core
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_limit_s, cpu_limit_s + 5))
    check_nlu(name, text)


def check_nlu(name: str, text: str) -> Any:
    """The function returns (any value) instead of raising."""
    try:
        return NLU_FUNCTIONS[name](text)
    except Exception as exc:
        raise AssertionError(f"{name} raised {type(exc).__name__} on {len(text)} characters") from exc


@contextlib.contextmanager
def counting_time_parses() -> Iterator[List[int]]:
    """Counts the parses JioNLP's time parser performs inside the block (every
    TimeParser call, whoever makes it): the unit the time extractor's work is bounded in."""
    from jionlp.gadget.time_parser import TimeParser

    _jionlp()  # imported quietly, as the extractor does
    calls = [0]
    parse = TimeParser.__call__

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return parse(self, *args, **kwargs)

    TimeParser.__call__ = counted
    try:
        yield calls
    finally:
        TimeParser.__call__ = parse


# -- REST channel ------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)
senders = st.one_of(st.uuids().map(lambda u: f"fuzz-{u.hex[:12]}"), st.text(max_size=140),
                    st.lists(any_chars, max_size=20).map("".join), json_values)
webhook_objects = st.fixed_dictionaries(
    {"sender": senders, "message": st.one_of(resident_text(), json_values)},
    optional={"metadata": json_values, "input_channel": st.one_of(st.text(max_size=40), json_values)},
)


def _dumps(value: Any, ascii_only: bool) -> bytes:
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


webhook_bodies = st.one_of(
    st.binary(max_size=400),
    st.tuples(json_values, st.booleans()).map(lambda v: _dumps(*v)),
    st.tuples(webhook_objects, st.booleans()).map(lambda v: _dumps(*v)),
    st.tuples(webhook_objects, st.booleans()).map(lambda v: _dumps(*v)),
)
content_types = st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                 "application/json; charset=gbk", ""])
WEBHOOK_STATUSES = {200, 400, 413, 429}


def check_webhook(client: httpx.Client, rasa_url: str, body: bytes, content_type: str) -> int:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(f"{rasa_url}/webhooks/rest/webhook", content=body, headers=headers)
    assert response.status_code in WEBHOOK_STATUSES, \
        f"webhook answered {response.status_code} to a {len(body)}-byte body"
    payload = response.json()
    if response.status_code == 200:
        assert isinstance(payload, list), "a 200 answer must be a list of messages"
    else:
        assert isinstance(payload, dict) and payload.get("error"), "an error must be JSON with `error`"
    return response.status_code


def check_parse(client: httpx.Client, rasa_url: str, text: str) -> None:
    """The whole NLU pipeline (/model/parse) answers any text with an intent."""
    body = json.dumps({"text": text}).encode()  # ensure_ascii: lone surrogates as \\u escapes
    response = client.post(f"{rasa_url}/model/parse", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 200, f"/model/parse answered {response.status_code} to {len(text)} characters"
    assert "intent" in response.json()


# -- back office OpenAPI -----------------------------------------------------
@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    path_params: List[str]
    query: Dict[str, Dict[str, Any]]
    body_schema: Optional[Dict[str, Any]]


def inline_refs(node: Any, spec: Dict[str, Any]) -> Any:
    """The schema with every `#/components/...` reference replaced by its target."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return inline_refs(target, spec)
        return {k: inline_refs(v, spec) for k, v in node.items()}
    if isinstance(node, list):
        return [inline_refs(v, spec) for v in node]
    return node


def operations(spec: Dict[str, Any]) -> List[Operation]:
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            params = op.get("parameters", [])
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json", {})
            found.append(Operation(
                method.upper(), path, [p["name"] for p in params if p["in"] == "path"],
                {p["name"]: inline_refs(p.get("schema", {}), spec) for p in params if p["in"] == "query"},
                inline_refs(body["schema"], spec) if body else None))
    return found


@dataclass(frozen=True)
class ApiCall:
    method: str
    path: str
    params: Dict[str, Any]
    body: Optional[bytes]
    token: Optional[str]


def api_calls(spec: Dict[str, Any], tokens: List[Optional[str]], known_ids: List[str]) -> st.SearchStrategy[ApiCall]:
    """Calls of every operation: schema-valid values (as schemathesis makes) and arbitrary ones."""
    return st.sampled_from(operations(spec)).flatmap(lambda op: _calls_of(op, tokens, known_ids))


def _calls_of(op: Operation, tokens: List[Optional[str]], known_ids: List[str]) -> st.SearchStrategy[ApiCall]:
    path_value = st.one_of(st.sampled_from(known_ids or ["X"]), st.text(max_size=40))
    path = st.fixed_dictionaries({name: path_value for name in op.path_params}).map(
        lambda values: _fill(op.path, values))
    query = st.fixed_dictionaries({}, optional={
        name: st.one_of(from_schema(schema), st.text(max_size=40)) for name, schema in op.query.items()})
    if op.body_schema is None:
        body = st.none()
    else:
        body = st.one_of(from_schema(op.body_schema).map(lambda v: _dumps(v, True)),
                         st.tuples(json_values, st.booleans()).map(lambda v: _dumps(*v)),
                         st.binary(max_size=200))
    return st.builds(ApiCall, st.just(op.method), path, query.map(_stringify), body, st.sampled_from(tokens))


def _fill(template: str, values: Dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", quote(value, safe="") or "%20")
    return template


def _stringify(query: Dict[str, Any]) -> Dict[str, str]:
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in query.items()}


def check_api_call(client: httpx.Client, base_url: str, call: ApiCall) -> int:
    headers = {"Content-Type": "application/json"}
    if call.token is not None:
        headers["Authorization"] = f"Bearer {call.token}"
    params = {k: v.encode("utf-8", "replace").decode("utf-8") for k, v in call.params.items()}
    response = client.request(call.method, base_url + call.path, params=params, content=call.body,
                              headers=headers)
    assert response.status_code < 500, \
        f"{call.method} {_route(call.path)} answered {response.status_code}"
    if response.status_code >= 400:
        assert "error" in response.json(), f"{call.method} {_route(call.path)}: error without JSON `error`"
    return response.status_code


def _route(path: str) -> str:
    return "/".join(part if part in ("api", "v1", "cases", "history", "activities", "healthz") else "{…}"
                    for part in path.split("/"))


# -- a back office of its own ------------------------------------------------
FUZZ_TOKEN, FUZZ_STAFF_TOKEN = "fuzz-assistant-token", "fuzz-staff-token"


def start_backoffice(var_dir: Optional[Path] = None) -> Tuple[subprocess.Popen, str]:
    """`python -m backoffice` on a free port with a fresh SQLite database."""
    var_dir = var_dir or Path(tempfile.mkdtemp(prefix="fuzz-backoffice-"))
    port = free_port()
    env = {**os.environ, "BACKOFFICE_PORT": str(port), "BACKOFFICE_HOST": "127.0.0.1",
           "DATABASE_URL": f"sqlite:///{var_dir / 'backoffice.db'}", "BACKOFFICE_TOKEN": FUZZ_TOKEN,
           "BACKOFFICE_STAFF_TOKEN": FUZZ_STAFF_TOKEN, "BACKOFFICE_LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT)}
    env.pop("BACKOFFICE_NOTIFY_URL", None)
    env.pop("BACKOFFICE_ENCRYPTION_KEY", None)
    log = open(var_dir / "backoffice.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "backoffice"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, cwd=var_dir)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("back office did not start")


def seed_case(base_url: str) -> str:
    """One real case, so that calls on /cases/{case_number} also reach existing data."""
    body = {"service": "property_repair", "channel": "rest", "conversation_id": "fuzz-seed",
            "idempotency_key": "fuzz-seed", "fields": {"repair_category": "water",
                                                       "description": "厨房水管漏水"}}
    response = httpx.post(f"{base_url}/api/v1/cases", json=body, timeout=10,
                          headers={"Authorization": f"Bearer {FUZZ_TOKEN}"})
    response.raise_for_status()
    return response.json()["case_number"]
