"""The browser call page in real Chromium: the microphone (a fake capture device playing
Mandarin from the offline voice) → WebSocket → VAD → ASR → the assistant, and typed turns."""
from __future__ import annotations

import numpy as np
import pytest

from bot.run import ROOT
from tests.voice.helpers import cer, mandarin
from voice.audio import RATE, internal_to_wav

pytestmark = pytest.mark.slow
ARTIFACTS = ROOT / "test-artifacts"
SAID = "我家厨房水管漏水了，想报修。"


@pytest.fixture(scope="module")
def microphone_file(tmp_path_factory):
    speech = mandarin(SAID)
    pause = np.zeros(3 * RATE, np.float32)
    path = tmp_path_factory.mktemp("mic") / "caller.wav"
    path.write_bytes(internal_to_wav(np.concatenate([pause, speech, pause])))
    return path


@pytest.fixture(scope="module")
def browser(microphone_file):
    playwright = pytest.importorskip("playwright.sync_api").sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path="/usr/bin/chromium", headless=True,
        args=["--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream",
              "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required",
              f"--use-file-for-fake-audio-capture={microphone_file}"])
    ARTIFACTS.mkdir(exist_ok=True)
    yield chromium
    chromium.close()
    playwright.stop()


def test_call_page_speaks_and_types_to_the_assistant(gateway, browser):
    context = browser.new_context(locale="zh-CN", permissions=["microphone"])
    page = context.new_page()
    page.set_default_timeout(60000)
    page.goto(f"{gateway.http}/call")
    assert page.title() == "社区服务热线 · 网页试拨"
    page.click("#call")
    page.wait_for_selector("#status:has-text('通话中')")
    heard = page.wait_for_selector("#log .caller").text_content()
    assert cer(heard, SAID) <= 0.4, heard
    page.wait_for_selector("#log .bot")
    page.fill("#text", "转人工")
    page.click("#textform button")
    page.wait_for_selector("#log .sys:has-text('正在转接工作人员')")
    page.screenshot(path=str(ARTIFACTS / "voice-call-page.png"), full_page=True)
    page.wait_for_selector("#call:not([disabled])")  # the line was handed over; the page is idle
    assert page.text_content("#status") == "未接通"
    context.close()
