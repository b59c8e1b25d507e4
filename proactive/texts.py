"""What residents read: one wording per kind of reminder and per channel need."""
from __future__ import annotations

from bot.catalogue import SERVICE_ZH

CONSENT_ZH = {
    "appointment": "在预约前一天提醒您",
    "pension_cert": "在一年后社保待遇资格认证到期前提醒您",
    "allowance80": "在老人满80周岁、可以申请高龄津贴时提醒您",
    "campaign": "把社区服务中心的活动和通知发给您",
}



def consent_zh(kind: str, context: dict | None = None) -> str:
    """The consent question's words for one reminder, with the due date the resident gave."""
    due_zh = (context or {}).get("due_zh")
    if kind == "pension_cert" and due_zh:
        return f"在社保待遇资格认证到期（{due_zh}）前提醒您"
    return CONSENT_ZH[kind]


OPT_OUT_HINT = "回复“退订”不再接收提醒。"


def appointment_text(service: str, when_zh: str, case_number: str) -> str:
    name = SERVICE_ZH.get(service, "预约")
    return (f"提醒：您的{name}（办件 {case_number}）在{when_zh}，请按时前往。"
            f"回复 1 确认，回复 2 改约。{OPT_OUT_HINT}")


def pension_text(elder: str, due_zh: str) -> str:
    return (f"提醒：{elder}的社保待遇资格认证将于{due_zh}到期，可以回复“认证”在线预约办理。"
            f"{OPT_OUT_HINT}")


def allowance80_text(elder: str, birthday_zh: str) -> str:
    return (f"提醒：{elder}于{birthday_zh}年满80周岁，可以申请高龄津贴了，"
            f"回复“申请高龄津贴”即可办理。{OPT_OUT_HINT}")


def campaign_text(body: str) -> str:
    return f"{body}\n{OPT_OUT_HINT}"


def day_zh(when) -> str:
    return f"{when.month}月{when.day}日"


def moment_zh(when) -> str:
    return f"{when.month}月{when.day}日 {when:%H:%M}"
