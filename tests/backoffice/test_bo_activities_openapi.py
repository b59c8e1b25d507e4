"""The activity catalogue, seat reservation by sign-ups, and the OpenAPI document."""
from datetime import datetime, timedelta, timezone

import httpx


def _activities(client) -> dict:
    response = client.get("/api/v1/activities")
    assert response.status_code == 200
    return {a["activity_id"]: a for a in response.json()}


def test_catalogue_is_seeded_in_the_coming_weeks_with_one_full(client):
    activities = _activities(client)
    assert 4 <= len(activities) <= 6
    titles = {a["title"] for a in activities.values()}
    assert {"智能手机使用培训班", "义诊进社区", "防诈骗讲座"} <= titles
    now = datetime.now(timezone.utc)
    for a in activities.values():
        starts = datetime.fromisoformat(a["starts_at"])
        assert starts.utcoffset() == timedelta(hours=8)
        assert now < starts < now + timedelta(weeks=6)
        assert 0 <= a["remaining"] <= a["capacity"] and a["location"] and a["description"]
    assert [a["title"] for a in activities.values() if a["remaining"] == 0] == ["亲子手工课：剪纸与灯笼"]
    starts_in_order = [a["starts_at"] for a in client.get("/api/v1/activities").json()]
    assert starts_in_order == sorted(starts_in_order)


def test_signup_takes_places_once_and_full_activity_is_refused(client, make_case, make_phone):
    before = _activities(client)["ACT004"]["remaining"]
    body = make_case(service="activity_signup", fields={
        "activity_id": "ACT004", "participants": 2, "person_name": "王芳", "phone": make_phone()})
    first = client.post("/api/v1/cases", json=body)
    again = client.post("/api/v1/cases", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert _activities(client)["ACT004"]["remaining"] == before - 2

    full = client.post("/api/v1/cases", json=make_case(service="activity_signup", fields={
        "activity_id": "ACT003", "participants": "1", "person_name": "王芳", "phone": make_phone()}))
    assert full.status_code == 409 and full.json()["error"] == "activity_full"
    unknown = client.post("/api/v1/cases", json=make_case(service="activity_signup", fields={
        "activity_id": "ACT999", "person_name": "王芳", "phone": make_phone()}))
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_activity"
    float_slot = client.post("/api/v1/cases", json=make_case(service="activity_signup", fields={
        "activity_id": "ACT004", "participants": 1.0, "person_name": "王芳", "phone": make_phone()}))
    assert float_slot.status_code == 201
    before -= 1
    too_many = client.post("/api/v1/cases", json=make_case(service="activity_signup", fields={
        "activity_id": "ACT004", "participants": 6, "person_name": "王芳", "phone": make_phone()}))
    assert too_many.status_code == 422 and too_many.json()["error"] == "invalid_participants"
    assert _activities(client)["ACT004"]["remaining"] == before - 2


def test_openapi_describes_every_route_and_the_bearer_scheme(server):
    spec = httpx.get(f"{server.base_url}/openapi.json").json()
    paths = spec["paths"]
    assert {"/healthz", "/api/v1/cases", "/api/v1/cases/{case_number}",
            "/api/v1/cases/{case_number}/history", "/api/v1/activities"} <= set(paths)
    assert {"post", "get"} <= set(paths["/api/v1/cases"])
    assert {"get", "patch"} <= set(paths["/api/v1/cases/{case_number}"])
    schemes = spec["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]
    services = spec["components"]["schemas"]["Service"]["enum"]
    assert len(services) == 11 and "faq" not in services and "emergency_help" in services
    assert spec["components"]["schemas"]["Status"]["enum"] == [
        "received", "accepted", "in_progress", "done", "rejected"]
