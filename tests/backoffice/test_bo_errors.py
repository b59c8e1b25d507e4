"""Bad input never gives a 500: each mistake gets its own JSON answer."""
import httpx
import pytest


def _error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    return response.json()["error"]


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic dGVzdA=="},
    {"Authorization": "Bearer"}, {"Authorization": "Bearer test-assistant-token-x"},
])
@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v1/cases?phone=13800000000"), ("GET", "/api/v1/cases/SQ20260101-000001"),
    ("POST", "/api/v1/cases"), ("PATCH", "/api/v1/cases/SQ20260101-000001"),
    ("GET", "/api/v1/activities"), ("GET", "/api/v1/no-such-route"),
])
def test_missing_or_bad_token_is_401(server, headers, method, path):
    response = httpx.request(method, server.base_url + path, headers=headers, content=b"{not json")
    assert _error(response, 401) == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


def test_public_endpoints_need_no_token(server):
    assert httpx.get(f"{server.base_url}/healthz").json()["status"] == "ok"
    assert httpx.get(f"{server.base_url}/openapi.json").status_code == 200


def test_assistant_token_cannot_patch(client, make_case):
    number = client.post("/api/v1/cases", json=make_case()).json()["case_number"]
    response = client.patch(f"/api/v1/cases/{number}", json={"status": "done"})
    assert _error(response, 403) == "forbidden"
    assert client.get(f"/api/v1/cases/{number}").json()["status"] == "received"


@pytest.mark.parametrize("number", ["SQ20000101-999999", "nonexistent", "SQ%2F..%2Fx"])
def test_unknown_case_is_404(client, number):
    assert _error(client.get(f"/api/v1/cases/{number}"), 404) == "not_found"
    assert _error(client.get(f"/api/v1/cases/{number}/history"), 404) == "not_found"


@pytest.mark.parametrize("raw", [b'{"service": "property_repair",', b"\xff\xfe{", b"{'a': 1}"])
def test_malformed_json_is_400(client, raw):
    response = client.post("/api/v1/cases", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"] in ("malformed_json", "bad_request")


@pytest.mark.parametrize("change", [
    {"service": "faq"}, {"service": "case_status_query"}, {"service": 42},
    {"priority": "high"}, {"fields": "not an object"}, {"fields": {"phone": {"nested": 1}}},
    {"fields": {"Bad Key": "x"}}, {"idempotency_key": ""}, {"channel": None},
    {"needs_caseworker": "yes"}, {"conversation_id": 7},
])
def test_wrong_types_and_values_are_422(client, make_case, change):
    body = make_case(**change)
    response = client.post("/api/v1/cases", json=body)
    assert _error(response, 422) == "validation_error"
    assert isinstance(response.json()["detail"], list) and response.json()["detail"][0]["loc"]


def test_validation_errors_do_not_echo_personal_data(client, make_case, make_phone):
    phone = make_phone()
    response = client.post("/api/v1/cases", json=make_case(
        priority="high", fields={"phone": phone, "id_number": ["110105194003121230"]}))
    assert response.status_code == 422
    echoed = phone in response.text or "110105194003121230" in response.text
    assert not echoed


def test_missing_required_keys_and_non_object_body_are_422(client):
    partial = client.post("/api/v1/cases", json={"service": "property_repair"})
    assert _error(partial, 422) == "validation_error"
    assert _error(client.post("/api/v1/cases", json=[1, 2]), 422) == "validation_error"


def test_patch_with_bad_status_is_422(staff, client, make_case):
    number = client.post("/api/v1/cases", json=make_case()).json()["case_number"]
    closed = staff.patch(f"/api/v1/cases/{number}", json={"status": "closed"})
    assert _error(closed, 422) == "validation_error"
    assert _error(staff.patch(f"/api/v1/cases/{number}", json={"status": "done", "note": 5}), 422) \
        == "validation_error"


def test_listing_needs_a_filter(client):
    assert _error(client.get("/api/v1/cases"), 400) == "missing_filter"
    assert _error(client.get("/api/v1/cases", params={"phone": "abc"}), 422) == "invalid_phone"
    assert _error(client.get("/api/v1/cases", params={"conversation_id": "x", "limit": 0}), 422) \
        == "validation_error"


def test_body_over_64_kb_is_413(client, make_case):
    body = make_case(fields={"description": "漏" * 30_000})  # 90 KB of UTF-8
    assert _error(client.post("/api/v1/cases", json=body), 413) == "payload_too_large"

    def chunks():  # streamed without Content-Length
        yield b'{"service": "property_repair", "fields": {"description": "'
        for _ in range(70):
            yield b"x" * 1024
        yield b'"}}'

    streamed = client.post("/api/v1/cases", content=chunks(), headers={"Content-Type": "application/json"})
    assert _error(streamed, 413) == "payload_too_large"


def test_body_just_under_the_limit_is_accepted(client, make_case):
    body = make_case(fields={"description": "x" * 1900, "content": "y" * 1900})
    assert client.post("/api/v1/cases", json=body).status_code == 201


def test_wrong_method_is_json_405(client, staff):
    assert _error(client.post("/api/v1/activities", json={}), 405) == "method_not_allowed"
    assert _error(staff.delete("/api/v1/activities"), 405) == "method_not_allowed"
    assert _error(client.delete("/api/v1/activities"), 403) == "forbidden"  # writes are staff-only
