"""The console's casework against the whole assistant: the case list in words and masked,
status changes with the staff member's name, routing, a department's account, the
conversation a case came from. Personal data is compared as booleans only."""
from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.channels.console.helpers import ConsoleUser
from tests.stack import BACKOFFICE_TOKEN, CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def admin(stack):
    user = ConsoleUser(stack.console)
    assert user.login(CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD).status_code == 303
    return user


@pytest.fixture(scope="module")
def wuye(stack, admin):
    """An account of the property company (物业公司)."""
    name = f"wuye{uuid.uuid4().hex[:6]}"
    assert admin.add_user(name, "wuye-password-1", department="property").status_code == 303
    user = ConsoleUser(stack.console)
    assert user.login(name, "wuye-password-1").status_code == 303
    user.name = name
    return user


def file_case(stack, service: str = "property_repair", channel: str = "webchat", **fields) -> dict:
    body = {"service": service, "channel": channel, "conversation_id": f"web-{uuid.uuid4().hex}",
            "idempotency_key": uuid.uuid4().hex,
            "fields": fields or {"address": "3号楼2单元502", "repair_category": "water",
                                 "description": "厨房水管漏水", "phone": "13912340000"}}
    response = httpx.post(f"{stack.backoffice}/api/v1/cases", json=body, timeout=10,
                          headers={"Authorization": f"Bearer {BACKOFFICE_TOKEN}"})
    assert response.status_code == 201, response.text
    return response.json()


def test_the_case_list_speaks_words_and_masks_phones(stack, admin):
    number = file_case(stack)["case_number"]
    listed = admin.get("/api/cases", params={"q": number}).json()
    assert listed["total"] == 1
    [row] = listed["items"]
    assert (row["service_zh"], row["category_zh"], row["status_zh"], row["department_name"],
            row["channel_zh"]) == ("物业报修", "水管/用水", "待受理", "物业公司", "网页咨询")
    assert row["phone"] == "139****0000"
    assert "water" not in str(row) and "property_repair" not in str(row.values())


def test_filters_narrow_the_list(stack, admin):
    repair = file_case(stack)["case_number"]
    home = file_case(stack, "elderly_home_service", service_type="meal", person_name="张秀英",
                     address="5号楼101", phone="13912341111", appointment_time="2026-12-02T11:00")
    assert home["department"] == "home_care"
    assert admin.post(f"/api/cases/{repair}/status", {"status": "accepted"}).status_code == 200
    today = home["created_at"][:10]

    def numbers(**params) -> list[str]:
        response = admin.get("/api/cases", params={"created_from": today, **params})
        assert response.status_code == 200, response.text
        return [c["case_number"] for c in response.json()["items"]]

    assert repair in numbers(status="accepted") and home["case_number"] not in numbers(status="accepted")
    assert home["case_number"] in numbers(service="elderly_home_service", department="home_care")
    assert repair not in numbers(department="home_care")
    assert numbers(q="13912341111")[:1] == [home["case_number"]]
    assert repair not in numbers(channel="wechat")
    assert numbers(created_to="2000-01-01") == []


def test_a_status_change_carries_the_staff_members_name_and_a_note(stack, admin):
    number = file_case(stack)["case_number"]
    changed = admin.post(f"/api/cases/{number}/status", {"status": "in_progress", "note": "师傅下午两点上门"})
    assert changed.status_code == 200 and changed.json()["case"]["status_zh"] == "办理中"
    refused = admin.post(f"/api/cases/{number}/status", {"status": "accepted"})
    assert refused.status_code == 409 and "只能向前推进" in refused.json()["error"]
    no_note = admin.post(f"/api/cases/{number}/status", {"status": "rejected"})
    assert no_note.status_code == 422 and "说明" in no_note.json()["error"]
    page = admin.get(f"/api/cases/{number}").json()
    assert [(h["actor"], h["text"], h["note"]) for h in page["history"]] == [
        ("智能助手", "提交办件，分派至物业公司", None),
        (CONSOLE_ADMIN, "状态改为“办理中”", "师傅下午两点上门")]
    assert [s["label"] for s in page["case"]["next_statuses"]] == ["已办结", "未通过"]


def test_fields_are_masked_until_revealed_and_the_reveal_is_audited(stack, admin):
    number = file_case(stack)["case_number"]
    fields = {f["name"]: f for f in admin.get(f"/api/cases/{number}").json()["case"]["fields"]}
    assert fields["phone"]["value"] == "139****0000" and fields["phone"]["personal"]
    assert fields["repair_category"]["label"] == "问题类别" and fields["repair_category"]["value"] == "水管/用水"
    revealed = admin.post(f"/api/cases/{number}/reveal", {"field": "phone"}).json()
    assert (revealed["value"] == "13912340000") is True
    audit = httpx.get(f"{stack.backoffice}/api/v1/audit", params={"case_number": number}, timeout=10,
                      headers={"Authorization": "Bearer test-staff-token"}).json()
    assert ("field_revealed", CONSOLE_ADMIN) in [(e["action"], e["actor"]) for e in audit]


def test_reassignment_and_private_notes(stack, admin):
    number = file_case(stack)["case_number"]
    assert admin.post(f"/api/cases/{number}/notes", {"text": "居民白天不在家"}).status_code == 200
    moved = admin.post(f"/api/cases/{number}/assignment", {"department": "grid", "note": "楼外管道，网格员协调"})
    assert moved.status_code == 200 and moved.json()["case"]["department_name"] == "网格员"
    page = admin.get(f"/api/cases/{number}").json()
    assert page["history"][-1]["text"] == "改派至网格员" and page["history"][-1]["note"] == "楼外管道，网格员协调"
    assert [n["text"] for n in page["notes"]] == ["居民白天不在家"]


def test_a_department_account_sees_only_its_own_cases(stack, admin, wuye):
    ours = file_case(stack)["case_number"]
    theirs = file_case(stack, "residence_permit", person_name="李娜", id_number="110105199001011234",
                       phone="13912342222", appointment_time="2026-12-02T09:00")["case_number"]
    listed = wuye.get("/api/cases", params={"limit": 200}).json()
    assert listed["items"] and {c["department_name"] for c in listed["items"]} == {"物业公司"}
    assert ours in [c["case_number"] for c in listed["items"]]
    assert wuye.get("/api/cases", params={"q": theirs}).json()["total"] == 0
    refused = wuye.get(f"/api/cases/{theirs}")
    assert refused.status_code == 404 and "不属于您的部门" in refused.json()["error"]
    assert wuye.post(f"/api/cases/{theirs}/status", {"status": "accepted"}).status_code == 404
    assert wuye.post(f"/api/cases/{ours}/status", {"status": "accepted"}).status_code == 200
    assert wuye.post(f"/api/cases/{ours}/assignment", {"department": "grid"}).status_code == 403
    assert wuye.get("/api/queue").status_code == 403
    assert wuye.get("/api/conversations/anything").status_code == 403
    assert wuye.get("/").headers["location"] == "/cases"
    assert "本部门办件" in wuye.get("/cases").text
    last = admin.get(f"/api/cases/{ours}").json()["history"][-1]
    assert (last["actor"], last["text"]) == (wuye.name, "状态改为“已受理”")


def test_the_case_page_shows_the_conversation_it_came_from(stack, admin, sender, fresh_phone):
    stack.say(sender, f"我家3号楼2单元502卫生间水管漏水了，电话{fresh_phone}，明天上午来修")
    stack.say(sender, "对")
    [case] = stack.cases(conversation_id=sender)
    page = admin.get(f"/api/cases/{case['case_number']}").json()
    said = [l["text"] for l in page["conversation"]["lines"] if l["role"] == "resident"]
    assert said and "卫生间水管漏水" in said[0]
    assert (fresh_phone in str(page)) is False


def test_analytics_chart_cases_per_department_status_and_times(stack, admin):
    number = file_case(stack)["case_number"]
    admin.post(f"/api/cases/{number}/status", {"status": "in_progress"})
    admin.post(f"/api/cases/{number}/status", {"status": "done", "note": "已修好"})
    page = admin.get("/analytics")
    assert page.status_code == 200
    text = re.sub(r"<[^>]+>", " ", page.text)
    for words in ("各部门办件（按状态）", "物业公司", "已办结", "从提交到首次处理", "从提交到办结",
                  "提交办件最多的时段", "办件总数", "会话最多的时段"):
        assert words in text, words
    assert not re.search(r"\b(property|in_progress|received|unassigned|property_repair)\b", text)
    for chart in ("各部门办件（按状态）", "各业务办件数", "提交办件最多的时段（0–23 点）"):
        assert f"{chart}</figcaption><svg" in page.text, chart


def test_admins_edit_the_routing_table_in_words(stack, admin, wuye):
    options = admin.get("/api/routing/options").json()
    repair = next(s for s in options["services"] if s["service"] == "property_repair")
    assert repair["label"] == "物业报修" and {"value": "elevator", "label": "电梯"} in repair["categories"]
    assert "物业公司" in [d["name"] for d in options["departments"]]
    table = admin.get("/api/routing").json()["rules"]
    changed = table + [{"service": "property_repair", "category": "elevator", "department": "grid"}]
    try:
        assert admin.post("/api/routing", {"rules": changed}).status_code == 200
        lift = file_case(stack, repair_category="elevator", address="5号楼", description="电梯停了",
                         phone="13912345555")
        assert lift["department"] == "grid"
        twice = admin.post("/api/routing", {"rules": changed + changed[-1:]})
        assert twice.status_code == 422 and "重复" in twice.json()["error"]
    finally:
        assert admin.post("/api/routing", {"rules": table}).status_code == 200
    assert wuye.get("/api/routing").status_code == 403
