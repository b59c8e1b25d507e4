"""The queue and a conversation in real Chromium: title-bar alerts for new and urgent
items, words on every line, Enter to send, canned replies, closing a stale item."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.channels.browser import ARTIFACTS

pytestmark = pytest.mark.slow


def test_new_and_urgent_items_raise_the_title_bar(stack, staff_page):
    page = staff_page
    page.goto(f"{stack.console}/")
    page.wait_for_selector("#live:has-text('实时')")
    page.click("h2")  # a first click lets the page play its alert sound
    sender = f"alert-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "转人工")
    row = page.wait_for_selector(f"tr[data-conversation='{sender}']")
    assert page.title().startswith("【新】(") and page.get_attribute("body", "data-last-alert") == "new"
    assert "居民要求" in row.text_content() and "requested" not in row.text_content()
    page.click("h2")  # seen: the flag goes, the count stays
    assert page.title().startswith("(")

    stack.say(f"{sender}-sos", "家里有很重的煤气味")
    urgent = page.wait_for_selector(f"tr[data-conversation='{sender}-sos']")
    assert page.title().startswith("【紧急】")
    assert page.get_attribute("body", "data-last-alert") == "urgent"
    assert "紧急 · 燃气泄漏" in urgent.text_content() and "紧急 · 紧急" not in urgent.text_content()
    page.screenshot(path=str(ARTIFACTS / "console-queue-alert.png"), full_page=True)


def test_enter_sends_and_canned_replies_insert_text(stack, browser, staff_page):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    resident = phone.new_page()
    resident.set_default_timeout(30000)
    resident.goto(f"{stack.rasa}/webhooks/webchat/")
    resident.wait_for_selector("#status:has-text('已连接')")
    sender = resident.evaluate("window.webchatSender")
    resident.fill("#message", "转人工")
    resident.click("#send")
    resident.wait_for_selector(".msg.bot:has-text('工作人员')")

    page = staff_page
    page.goto(f"{stack.console}/conversations/{sender}")
    page.wait_for_selector("#panel-state:has-text('等待接管')")
    assert page.locator("#channel-note").is_hidden()  # web chat replies reach the resident
    page.click("#takeover")
    page.wait_for_selector("#panel-state:has-text('由您接管')")
    page.wait_for_selector("#canned:not([disabled])")
    page.select_option("#canned", label="稍等")
    assert page.input_value("#reply-text") == "好的，我帮您查一下，请稍等一两分钟。"
    page.press("#reply-text", "Enter")
    resident.wait_for_selector(".msg.staff:has-text('请稍等一两分钟')")
    # The box is cleared once the console hears back from its own POST, which may come
    # after the resident's page already shows the reply: wait for it, no race.
    # (expect() polls from Playwright's own script; wait_for_function would need eval,
    # which the console's CSP forbids)
    expect(page.locator("#reply-text")).to_have_value("", timeout=30000)

    page.fill("#reply-text", "第一行")
    page.press("#reply-text", "Shift+Enter")
    page.type("#reply-text", "第二行")
    assert page.input_value("#reply-text") == "第一行\n第二行"
    page.press("#reply-text", "Enter")
    resident.wait_for_selector(".msg.staff:has-text('第二行')")

    page.click("#handback")
    page.wait_for_selector("#panel-state:has-text('智能助手接待中')")
    assert page.locator("#takeover").is_hidden() and page.locator("#reply-text").is_disabled()
    phone.close()


def test_a_stale_item_is_closed_from_its_page(stack, staff_page):
    sender = f"stale-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "转人工")
    page = staff_page
    page.goto(f"{stack.console}/conversations/{sender}")
    page.wait_for_selector("#panel-state:has-text('等待接管')")
    assert "送不到居民" in page.locator("#channel-note").text_content()
    page.select_option("#close-form select[name=reason]", "left")
    page.click("#close-form button[type=submit]")
    page.wait_for_selector("#notice:has-text('已关闭（居民已离开）')")
    page.wait_for_selector("#panel-state:has-text('智能助手接待中')")
    page.goto(f"{stack.console}/")
    page.wait_for_selector("#live:has-text('实时')")
    page.wait_for_timeout(500)
    assert page.locator(f"tr[data-conversation='{sender}']").count() == 0
