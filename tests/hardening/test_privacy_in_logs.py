"""After conversations full of personal data, no log of the running assistant
holds an unmasked ID number or mainland mobile number.

Runs a few conversations with phones and ID numbers (valid, invalid, inside a
sender id, in refused bodies, during a back office outage), then scans every
file under the stack's var/ log folder. In a full `make test` the session's
stack has by then also served the e2e and channel suites, so the scan covers
their logs too. Findings are reported as file:line with the number masked.
"""
from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest

from nlu.rules.id_number import checksum_char
from tests.stack import wait_for

pytestmark = pytest.mark.slow

MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")


def make_id(birth: str, seq: str) -> str:
    first17 = "110105" + birth + seq
    return first17 + checksum_char(first17)


# Leaks found by this scan in code outside this suite's owner's area, reported with
# file:line; they are tracked by the strict expected failure below until fixed.
REPORTED = {
    # httpx logs every request line at INFO, query string included; the back office
    # client asks GET /api/v1/cases?phone=... (fixed: httpx logs at WARNING in actions/services/registry.py).
    "httpx request line with ?phone= (fixed: httpx logs at WARNING in actions/services/registry.py)":
        re.compile(r"httpx\s+- HTTP Request: GET \S+/api/v1/cases\?phone="),
}


def leaks(log_dir: Path) -> tuple[list[str], list[str]]:
    """file:line and the masked kind of every unmasked number: (new, already reported)."""
    new, reported = [], []
    for path in sorted(p for p in log_dir.rglob("*") if p.is_file()):
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            known = next((name for name, pattern in REPORTED.items() if pattern.search(line)), None)
            for kind, pattern in (("mobile", MOBILE), ("id_number", ID_NUMBER)):
                for match in pattern.finditer(line):
                    value = match.group()
                    where = f"{path.name}:{number}: {kind} {value[:3]}…{value[-2:]}"
                    (reported if known else new).append(where + (f" [{known}]" if known else ""))
    return new, reported


def converse(stack, sender: str, *messages: str) -> None:
    for message in messages:
        stack.say(sender, message)


@pytest.fixture(scope="module")
def scanned(stack) -> tuple[list[str], list[str]]:
    """Conversations with personal data, then the scan of every log."""
    tag = uuid.uuid4().hex[:6]
    valid_id, other_phone = make_id("19500312", "123"), f"139{uuid.uuid4().int % 10**8:08d}"
    broken_id = valid_id[:-1] + ("0" if valid_id[-1] != "0" else "1")
    converse(stack, f"privacy-repair-{tag}", f"我家3号楼2单元502水管漏水了，电话{other_phone}，明天上午来修", "对")
    converse(stack, f"privacy-cert-{tag}", "我要做社保认证", "我叫张秀英", broken_id, valid_id,
             f"电话 {other_phone[:3]} {other_phone[3:7]} {other_phone[7:]}", "去窗口办", "下周二上午10点",
             f"不对，电话是{other_phone}", "对")
    converse(stack, f"privacy-status-{tag}", f"查一下我的办理进度，电话{other_phone}")
    converse(stack, f"privacy-bad-{tag}", "电话1381234567", f"身份证{valid_id[:-1]}", "转人工")
    # A caller's number as the sender id, as a telephony channel might use.
    converse(stack, f"tel-{other_phone}", "你好")
    httpx.post(f"{stack.rasa}/webhooks/rest/webhook", timeout=30,
               content=f'{{"sender": "x", "message": "电话{other_phone}'.encode())
    # A turn that files while the back office is down goes through the outbox's retry path.
    stack.stop("backoffice")
    try:
        converse(stack, f"privacy-outage-{tag}", f"5号楼1单元301门锁坏了，电话{other_phone}，明天上午来修", "对")
    finally:
        stack.start("backoffice")
    assert wait_for(lambda: stack.cases(conversation_id=f"privacy-outage-{tag}"), timeout_s=60)

    log_dir = stack.layout.var_dir / "log"
    assert any(log_dir.iterdir())
    return leaks(log_dir)


def test_logs_hold_no_unmasked_personal_numbers(scanned):
    new, _ = scanned
    assert not new, "unmasked personal numbers in logs:\n" + "\n".join(new[:40])


def test_reported_leaks_are_fixed(scanned):
    _, reported = scanned
    assert not reported, "\n".join(reported[:40])
