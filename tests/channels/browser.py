"""Debian's Chromium through Playwright, as the browser tests start it, and small page helpers."""
from __future__ import annotations

from bot.run import ROOT

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def console_login(page, console_url: str, username: str, password: str) -> None:
    page.goto(f"{console_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("nav")
