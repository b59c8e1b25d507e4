"""Fixtures the channel tests share: Debian's Chromium through Playwright."""
from __future__ import annotations

import pytest

from tests.channels.browser import ARTIFACTS, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api").sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                          args=CHROMIUM_ARGS)
    ARTIFACTS.mkdir(exist_ok=True)
    yield chromium
    chromium.close()
    playwright.stop()
