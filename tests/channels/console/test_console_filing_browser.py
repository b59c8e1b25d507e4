"""A takeover with a form in progress, in real Chromium: staff see the collected values
(masked) and what is missing, file the case for the resident (a later 对 files nothing),
or hand back and the assistant resumes the form where it stopped."""
from __future__ import annotations

import re

import pytest

from tests.channels.browser import ARTIFACTS

pytestmark = pytest.mark.slow
CASE_NUMBER = re.compile(r"SQ\d{8}-\d{6}")


@pytest.fixture()
def resident(stack, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto(f"{stack.rasa}/webhooks/webchat/")
    page.wait_for_selector("#status:has-text('已连接')")
    yield page
    context.close()


def says(page, text: str) -> None:
    page.fill("#message", text)
    page.click("#send")


def test_staff_file_the_pending_form_and_a_later_yes_files_nothing(stack, staff_page, resident, fresh_phone):
    sender = resident.evaluate("window.webchatSender")
    says(resident, f"我家3号楼2单元502卫生间水管漏水了，电话{fresh_phone}，明天上午来修")
    resident.wait_for_selector(".msg.bot:has-text('信息正确请回复')")
    says(resident, "转人工")
    resident.wait_for_selector(".msg.bot:has-text('工作人员')")

    page = staff_page
    page.goto(f"{stack.console}/conversations/{sender}")
    page.wait_for_selector("#pending-title:has-text('正在办理：物业报修')")
    assert "必填信息已齐全" in page.locator("#pending-state").text_content()
    assert page.locator("#file-form").is_hidden()  # not before a takeover
    shown = page.locator("#pending-fields").text_content()
    assert "水管/用水" in shown and "3号楼2单元5**" in shown and (fresh_phone in shown) is False
    page.click("#takeover")
    page.wait_for_selector("#file-form:visible")
    page.screenshot(path=str(ARTIFACTS / "console-pending-form.png"), full_page=True)
    page.click("#file-form")
    notice = page.wait_for_selector("#notice:has-text('受理编号')").text_content()
    number = CASE_NUMBER.search(notice).group()
    told = resident.wait_for_selector(f".msg.staff:has-text('{number}')").text_content()
    assert "工作人员已为您提交物业报修" in told
    page.wait_for_selector("#pending-form[hidden]", state="attached")

    page.click("#handback")
    page.wait_for_selector("#panel-state:has-text('智能助手接待中')")
    bots = resident.locator(".msg.bot").count()
    says(resident, "对")
    resident.locator(".msg.bot").nth(bots).wait_for()
    resident.wait_for_timeout(1000)
    assert [c["case_number"] for c in stack.cases(conversation_id=sender)] == [number]
    later = " ".join(resident.locator(".msg.bot").all_text_contents()[bots:])
    assert not (set(CASE_NUMBER.findall(later)) - {number})
    resident.screenshot(path=str(ARTIFACTS / "webchat-staff-filed.png"), full_page=True)


def test_staff_complete_missing_values_in_the_page(stack, staff_page, resident, fresh_phone):
    sender = resident.evaluate("window.webchatSender")
    says(resident, "我要报修，家里卫生间水管漏水了")
    resident.wait_for_selector(".msg.bot >> nth=0")
    says(resident, "转人工")
    resident.wait_for_selector(".msg.bot:has-text('工作人员')")
    page = staff_page
    page.goto(f"{stack.console}/conversations/{sender}")
    page.wait_for_selector("#pending-state:has-text('还缺')")
    page.click("#takeover")
    page.wait_for_selector("#pending-fields input[name=phone]")
    page.fill("#pending-fields input[name=address]", "5号楼1单元301")
    page.fill("#pending-fields input[name=phone]", "1391234")
    page.click("#file-form")
    page.wait_for_selector("#notice:has-text('手机号应为11位')")
    assert stack.cases(conversation_id=sender) == []
    page.fill("#pending-fields input[name=phone]", fresh_phone)
    page.click("#file-form")
    notice = page.wait_for_selector("#notice:has-text('受理编号')").text_content()
    [case] = stack.cases(conversation_id=sender)
    assert case["case_number"] in notice and case["fields"]["address"].startswith("5号楼1单元")
    page.click("#handback")
    page.wait_for_selector("#panel-state:has-text('智能助手接待中')")


def test_hand_back_resumes_the_form_where_it_stopped(stack, staff_page, resident):
    sender = resident.evaluate("window.webchatSender")
    says(resident, "我要报修，3号楼2单元502卫生间水管漏水了")
    resident.wait_for_selector(".msg.bot >> nth=0")
    says(resident, "转人工")
    resident.wait_for_selector(".msg.bot:has-text('工作人员')")
    page = staff_page
    page.goto(f"{stack.console}/conversations/{sender}")
    page.wait_for_selector("#pending-state:has-text('联系电话')")
    page.click("#takeover")
    page.wait_for_selector("#handback:visible")
    page.click("#handback")
    resumed = resident.wait_for_selector(".msg.bot:has-text('接着办刚才的物业报修')").text_content()
    assert "不用重复" in resumed
    resident.wait_for_selector(".msg.bot:has-text('电话')")
    assert stack.cases(conversation_id=sender) == []
