"""The back office API fuzzed from its own OpenAPI document: every operation,
schema-valid and arbitrary values, every token (none, wrong, assistant, staff):
never a 5xx, errors always JSON. Bounded here; `python -m bench.fuzz` runs longer.

Written on hypothesis + hypothesis-jsonschema (what schemathesis builds on):
schemathesis >= 3.20 needs jsonschema >= 4.18 (Rasa 3.6 pins < 4.18), 3.15-3.19
need pytest < 8, and the one release that resolves (3.14) predates OpenAPI 3.1,
which FastAPI 0.110 emits.
"""
from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from tests.hardening.fuzzing import (
    FUZZ_STAFF_TOKEN, FUZZ_TOKEN, api_calls, check_api_call, operations, seed_case, start_backoffice,
)


@pytest.fixture(scope="module")
def backoffice(tmp_path_factory):
    proc, url = start_backoffice(tmp_path_factory.mktemp("fuzz-backoffice"))
    spec = httpx.get(f"{url}/openapi.json", timeout=10).json()
    number = seed_case(url)
    with httpx.Client(timeout=30) as client:
        yield client, url, spec, number
    proc.terminate()
    proc.wait(timeout=10)


def test_the_document_lists_every_operation(backoffice):
    _, _, spec, _ = backoffice
    found = {(op.method, op.path) for op in operations(spec)}
    assert {("POST", "/api/v1/cases"), ("GET", "/api/v1/cases"), ("PATCH", "/api/v1/cases/{case_number}"),
            ("GET", "/api/v1/cases/{case_number}/history"), ("GET", "/api/v1/activities")} <= found


def test_no_call_gets_a_server_error(backoffice):
    client, url, spec, number = backoffice
    statuses: list[int] = []

    @settings(max_examples=250, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                     HealthCheck.data_too_large])
    @given(call=api_calls(spec, [None, "wrong", FUZZ_TOKEN, FUZZ_STAFF_TOKEN], [number, number.lower()]))
    def fuzz(call):
        statuses.append(check_api_call(client, url, call))

    fuzz()
    # The run must have reached past authentication and validation, not only refusals.
    assert {401, 422} <= set(statuses) and any(200 <= s < 300 for s in statuses)
