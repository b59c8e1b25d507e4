"""Security rules of the console, against the real console process and a real Redis."""
from __future__ import annotations

import asyncio
import uuid

import pytest
import redis.asyncio as aioredis

from state.handoff import Handoff, HandoffQueue
from tests.channels.console.conftest import ADMIN, ADMIN_PASSWORD
from tests.channels.console.helpers import ConsoleUser, start_console

PAGES = ["/", "/analytics", "/admin/users", "/conversations/c1", "/static/queue.js",
         "/static/conversation.js", "/static/common.js", "/cases", "/cases/SQ20261201-000001",
         "/admin/routing", "/static/cases.js", "/static/case.js", "/static/routing.js", "/callbacks",
         "/canned", "/static/callbacks.js", "/static/canned.js"]
APIS = ["/api/queue", "/api/queue/stream", "/api/conversations/c1", "/api/conversations/c1/stream",
        "/api/analytics", "/api/admin/audit", "/api/cases", "/api/cases/SQ20261201-000001",
        "/api/departments", "/api/routing", "/api/routing/options", "/api/callbacks", "/api/canned"]
POSTS = ["/logout", "/admin/users", "/api/conversations/c1/takeover", "/api/conversations/c1/reply",
         "/api/conversations/c1/handback", "/api/conversations/c1/reveal",
         "/api/cases/SQ20261201-000001/status", "/api/cases/SQ20261201-000001/assignment",
         "/api/cases/SQ20261201-000001/notes", "/api/cases/SQ20261201-000001/reveal", "/api/routing",
         "/api/conversations/c1/close", "/api/conversations/c1/callback", "/api/callbacks/1/close",
         "/api/callbacks/1/reveal", "/api/canned", "/api/canned/1/delete"]


def queue_handoff(redis_url: str, prefix: str, handoff: Handoff) -> None:
    async def add() -> None:
        client = aioredis.from_url(redis_url, decode_responses=True)
        await HandoffQueue(client, prefix).add(handoff)
        await client.close()
    asyncio.run(add())


def staff_user(admin: ConsoleUser, url: str) -> ConsoleUser:
    name = f"staff{uuid.uuid4().hex[:6]}"
    assert admin.add_user(name, "staff-password-1").status_code == 303
    user = ConsoleUser(url)
    assert user.login(name, "staff-password-1").status_code == 303
    return user


def test_every_route_but_login_needs_a_session(console_alone):
    anonymous = ConsoleUser(console_alone.url)
    for path in PAGES:
        response = anonymous.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    for path in APIS:
        assert anonymous.get(path).status_code == 401, path
    for path in POSTS:
        assert anonymous.post(path, csrf="x").status_code in (303, 401), path
    assert anonymous.get("/login").status_code == 200
    # The login page's style sheet is the one public file.
    assert anonymous.get("/static/console.css").status_code == 200


def test_a_forged_session_cookie_is_refused(console_alone):
    anonymous = ConsoleUser(console_alone.url)
    anonymous.http.cookies.set("console_session", "forged-token-value")
    assert anonymous.get("/api/queue").status_code == 401


def test_login_sets_a_strict_httponly_cookie_and_wrong_passwords_fail(console_alone):
    user = ConsoleUser(console_alone.url)
    wrong = user.login(ADMIN, "not-the-password")
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    ok = user.login(ADMIN, ADMIN_PASSWORD)
    assert ok.status_code == 303
    cookie = next(v for k, v in ok.headers.multi_items()
                  if k == "set-cookie" and v.startswith("console_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie  # CONSOLE_SECURE_COOKIE is off on plain http
    assert user.get("/api/queue").status_code == 200


def test_login_without_its_csrf_token_is_refused(console_alone):
    user = ConsoleUser(console_alone.url)
    response = user.http.post("/login", data={"username": ADMIN, "password": ADMIN_PASSWORD})
    assert response.status_code == 403 and "console_session" not in response.headers.get("set-cookie", "")


def test_posts_without_or_with_a_wrong_csrf_token_are_refused(admin):
    for token in ("", "wrong-token"):
        for path in POSTS:
            response = admin.post(path, {"text": "你好", "slot": "phone"}, csrf=token)
            assert response.status_code == 403, (path, token)
            assert "CSRF" in response.json()["error"]
        form = admin.http.post("/admin/users", data={"csrf_token": token, "username": "evil01",
                                                     "password": "evil-password-1"})
        assert form.status_code == 403
    assert "evil01" not in admin.get("/admin/users").text


def test_staff_cannot_reach_admin_routes(admin, console_alone):
    staff = staff_user(admin, console_alone.url)
    assert staff.get("/admin/users").status_code == 403
    assert staff.get("/api/admin/audit").status_code == 403
    made = staff.add_user("sneaky01", "sneaky-password-1", "admin")
    assert made.status_code == 403
    assert "sneaky01" not in admin.get("/admin/users").text
    assert staff.get("/api/queue").status_code == 200
    assert 'href="/admin/users"' not in staff.get("/").text
    assert staff.get("/admin/routing").status_code == 403
    assert staff.get("/api/routing").status_code == 403
    assert staff.post("/api/routing", {"rules": []}).status_code == 403


def test_a_department_account_is_kept_out_of_the_queue_and_conversations(admin, console_alone):
    assert admin.add_user("wuye.li", "wuye-password-1", department="property").status_code == 303
    wuye = ConsoleUser(console_alone.url)
    assert wuye.login("wuye.li", "wuye-password-1").status_code == 303
    for path in ("/api/queue", "/api/queue/stream", "/api/conversations/c1", "/api/analytics"):
        assert wuye.get(path).status_code == 403, path
    for path in ("/api/conversations/c1/takeover", "/api/conversations/c1/reply"):
        assert wuye.post(path, {"text": "x"}).status_code == 403, path
    for path in ("/", "/analytics", "/conversations/c1"):
        assert wuye.get(path).headers["location"] == "/cases", path
    assert 'href="/cases"' in wuye.get("/cases").text and "部门账号" in wuye.get("/cases").text
    bad = admin.add_user("wuye.admin", "wuye-password-1", role="admin", department="property")
    assert bad.status_code == 400 and "部门账号" in bad.json()["error"]


def test_admin_adds_staff_with_checked_input(admin):
    short = admin.add_user("shortpw", "123")
    assert short.status_code == 400 and "密码至少" in short.json()["error"]
    bad_name = admin.add_user("<b>x</b>", "long-enough-password")
    assert bad_name.status_code == 400
    name = f"staff{uuid.uuid4().hex[:6]}"
    assert admin.add_user(name, "long-enough-password").status_code == 303
    again = admin.add_user(name, "long-enough-password")
    assert again.status_code == 400 and "已存在" in again.json()["error"]


def test_failed_logins_per_user_are_rate_limited(admin, console_alone):
    name = f"staff{uuid.uuid4().hex[:6]}"
    admin.add_user(name, "right-password-1")
    user = ConsoleUser(console_alone.url)
    for _ in range(5):
        assert user.login(name, "wrong-password").status_code == 401
    # Even the right password is refused now: the account is locked for the window.
    locked = user.login(name, "right-password-1")
    assert locked.status_code == 429 and "尝试次数过多" in locked.text
    assert ConsoleUser(console_alone.url).login(ADMIN, ADMIN_PASSWORD).status_code == 303


def test_logins_per_ip_are_rate_limited(redis_url, tmp_path):
    console = start_console(redis_url, f"ip{uuid.uuid4().hex[:6]}", tmp_path, CONSOLE_LOGIN_LIMIT_IP="4")
    try:
        user = ConsoleUser(console.url)
        codes = [user.login(f"nobody{i}", "whatever-password").status_code for i in range(4)]
        assert codes == [401] * 4
        assert user.login(ADMIN, ADMIN_PASSWORD).status_code == 429
    finally:
        console.stop()


def test_queue_and_conversation_show_personal_data_masked(admin, console_alone, redis_url):
    cid = f"sec-{uuid.uuid4().hex[:8]}"
    slots = {"phone": "13812345678", "id_number": "11010519491231002X", "person_name": "张秀英",
             "address": "3号楼2单元502"}
    queue_handoff(redis_url, console_alone.prefix, Handoff(
        cid, "requested", "rest", "social_security_certification", slots,
        "social_security_certification；原话：我是张秀英电话13812345678"))
    queue = admin.get("/api/queue").text
    conversation = admin.get(f"/api/conversations/{cid}").text
    for text in (queue, conversation):
        assert cid in text
        for clear in ("13812345678", "11010519491231002X", "张秀英", "3号楼2单元502"):
            assert clear not in text
    assert "138****5678" in queue and "110105********002X" in queue and "3号楼2单元5**" in queue


def test_reveal_returns_the_value_and_is_audited(admin, console_alone, redis_url):
    cid = f"rev-{uuid.uuid4().hex[:8]}"
    queue_handoff(redis_url, console_alone.prefix, Handoff(
        cid, "fallback", "rest", None, {"phone": "13912345678"}, "未在办理业务"))
    revealed = admin.post(f"/api/conversations/{cid}/reveal", {"slot": "phone"})
    assert revealed.status_code == 200 and revealed.json()["value"] == "13912345678"
    missing = admin.post(f"/api/conversations/{cid}/reveal", {"slot": "id_number"})
    assert missing.status_code == 404
    entries = admin.get("/api/admin/audit").json()["entries"]
    assert any(e["action"] == "reveal" and e["conversation_id"] == cid and e["detail"] == "phone"
               and e["actor"] == ADMIN for e in entries)


def test_takeover_when_rasa_is_down_is_refused_and_releases_the_claim(admin, console_alone, redis_url):
    cid = f"down-{uuid.uuid4().hex[:8]}"
    queue_handoff(redis_url, console_alone.prefix, Handoff(cid, "requested", "rest", None, {}, "—"))
    response = admin.post(f"/api/conversations/{cid}/takeover")
    assert response.status_code == 502 and "无法连接" in response.json()["error"]
    assert admin.get(f"/api/conversations/{cid}").json()["owner"] is None


def test_unknown_conversation_and_bad_bodies_get_clear_answers(admin):
    assert admin.post("/api/conversations/none/takeover").status_code == 404
    assert "队列" in admin.post("/api/conversations/none/takeover").json()["error"]
    bad = admin.http.post("/api/conversations/none/reply", content=b"{not json",
                          headers={"X-CSRF-Token": admin.csrf, "Content-Type": "application/json"})
    assert bad.status_code in (400, 403)
    assert admin.post("/api/conversations/none/reply", {"text": "   "}).status_code == 400
    assert admin.post("/api/conversations/none/reply", {"text": "长" * 1001}).status_code == 400


def test_pages_carry_security_headers(admin):
    response = admin.get("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
