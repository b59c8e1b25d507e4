"""A campaign in the console, in Chromium: preview counts only, schedule it, and each
resident who agreed gets exactly one WeChat message from the scheduler; 退订 and other
buildings get none; delivery and replies show on the page."""
from __future__ import annotations

import asyncio
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect
import redis.asyncio as aioredis

from bot.embedded_redis import free_port
from bot.supervisor import ProcessSpec, Supervisor
from channels.reminder_replies import ReminderReplies
from bot.settings import Settings
from state.audience import AudienceIndex, Member
from state.reminders import ProactiveState
from state.wechat import ContactWindow
from tests.channels.browser import console_login
from tests.channels.console.conftest import ADMIN, ADMIN_PASSWORD
from tests.channels.console.helpers import start_console
from tests.channels.wechat.fake_wechat_api import FakeWeChatApi
from tests.proactive.conftest import APP_ID, DAYTIME, ROOT, SECRET, TEMPLATE_ID

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def campaign_setup(redis_url, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("campaigns")
    prefix = f"c{uuid.uuid4().hex[:8]}"
    wechat = FakeWeChatApi(APP_ID, SECRET).start()
    console = start_console(redis_url, prefix, tmp, ASSISTANT_CLOCK_START=DAYTIME)
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT), "REDIS_URL": redis_url,
           "REDIS_KEY_PREFIX": prefix, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": SECRET,
           "WECHAT_API_BASE": wechat.base, "WECHAT_TEMPLATE_ID": TEMPLATE_ID,
           "ASSISTANT_CLOCK_START": DAYTIME, "PROACTIVE_POLL_SECONDS": "0.1",
           "BACKOFFICE_URL": f"http://127.0.0.1:{free_port()}"}
    supervisor = Supervisor([ProcessSpec("scheduler", [sys.executable, "-m", "proactive"], env)],
                            tmp / "log")
    supervisor.start_all()
    yield console, wechat, prefix, tmp / "log"
    supervisor.stop_all()
    console.stop()
    wechat.stop()


def in_thread(coroutine_fn) -> None:
    """Playwright's sync API holds this thread's event loop: run ours beside it."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine_fn()).result()


def seed(redis_url: str, prefix: str) -> dict[str, list[str]]:
    """Three kinds of resident in building 3 of 幸福小区, and one elsewhere."""
    groups = {"agreed": [f"o{uuid.uuid4().hex[:20]}" for _ in range(4)],
              "opted_out": [f"o{uuid.uuid4().hex[:20]}"], "elsewhere": [f"o{uuid.uuid4().hex[:20]}"]}

    async def run():
        client = aioredis.from_url(redis_url, decode_responses=True)
        state, audience = ProactiveState(client, prefix), AudienceIndex(client, prefix)
        window = ContactWindow(client, prefix)
        for group, ids in groups.items():
            for openid in ids:
                await audience.add(Member("wechat", openid, ["elderly_home_service"], "幸福小区",
                                          "5" if group == "elsewhere" else "3", 1950))
                await state.grant("wechat", openid, "campaign")
                await window.touch(openid)
                if group == "opted_out":
                    await state.opt_out("wechat", openid)
        await client.close()
    in_thread(run)
    return groups


def reply(redis_url: str, prefix: str, openid: str) -> None:
    async def run():
        client = aioredis.from_url(redis_url, decode_responses=True)
        settings = Settings.from_env({"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": prefix})
        await ReminderReplies.from_settings(client, settings).handle("wechat", openid, "我想报名")
        await client.close()
    in_thread(run)


def test_campaign_preview_schedule_delivery_and_replies(browser, redis_url, campaign_setup):
    console, wechat, prefix, logs = campaign_setup
    groups = seed(redis_url, prefix)
    page = browser.new_page()
    try:
        console_login(page, console.url, ADMIN, ADMIN_PASSWORD)
        page.click("nav a[href='/campaigns']")
        page.fill("input[name=title]", "助浴服务上门")
        page.fill("textarea[name=body]", "本周六起3号楼可预约上门助浴，回复“报名”即可。")
        page.select_option("select[name=service]", "elderly_home_service")
        page.fill("input[name=estate]", "幸福小区")
        page.fill("input[name=building]", "3")
        page.fill("input[name=age_min]", "70")
        page.click("#preview")
        page.wait_for_selector("#preview-result:has-text('符合条件')")
        assert page.inner_text("#preview-result") == \
            "符合条件 5 人，可以送达 4 人（微信 4），已退订 1 人。"
        html = page.content()
        assert not any(openid in html for ids in groups.values() for openid in ids)

        page.click("#campaign-form button[type=submit]")
        page.wait_for_selector("#notice:not(:empty)")
        assert page.inner_text("#notice") == "已安排发送给 4 人。"
        for openid in groups["agreed"]:
            got = wait_for_messages(wechat, openid)
            assert len(got) == 1 and "助浴" in got[0].text and "退订" in got[0].text
        reply(redis_url, prefix, groups["agreed"][0])
        row = page.locator("tr[data-campaign]").first
        expect(row).to_contain_text("已送达 4", timeout=30000)   # the page refreshes every 5 s
        expect(row).to_contain_text("居民回复 1", timeout=30000)
        assert "幸福小区" in row.inner_text() and "3号楼" in row.inner_text()
        for openid in groups["opted_out"] + groups["elsewhere"]:
            assert wechat.sent_to(openid) == []
        for openid in groups["agreed"]:
            assert len(wechat.sent_to(openid)) == 1
        logged = "".join(p.read_text(errors="replace") for p in logs.glob("*.log"))
        assert ": sent" in logged  # the scheduler did log its sends
        assert not any(openid in logged for ids in groups.values() for openid in ids)
    finally:
        page.close()


def wait_for_messages(wechat, openid, timeout_s: float = 30.0):
    import time
    deadline = time.time() + timeout_s
    while time.time() < deadline and not wechat.sent_to(openid):
        time.sleep(0.2)
    return wechat.sent_to(openid)
