"""Campaigns: staff compose a notice for a target group, preview how many it reaches
(counts only), schedule it, and follow delivery and replies."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from arq.connections import ArqRedis
from fastapi import APIRouter, Depends, HTTPException, Request

from bot.catalogue import CHANNEL_ZH, SERVICE_ZH
from channels.console.auth import Session
from channels.console.deps import centre_session, checked_post, client_ip, console
from proactive.campaigns import Campaigns
from proactive.clock import LOCAL_TZ, Clock
from proactive.queue import ReminderQueue
from state.audience import AudienceIndex, Target
from state.reminders import ProactiveState

router = APIRouter(prefix="/api")
CAMPAIGN_CHANNELS = ("wechat", "webchat", "voice")
OUTCOME_ZH = {"sent": "已送达", "delayed_quiet": "顺延到早8点", "skipped_consent": "未同意或已退订",
              "capped": "超过频次上限", "retry": "重试中", "failed": "发送失败（已转回电任务）",
              "unreachable": "渠道无法送达", "replied": "居民回复"}


def campaigns(request: Request) -> Campaigns:
    """Built on first use: the queue's connection is opened inside the server's loop."""
    app = request.app
    if getattr(app.state, "campaigns", None) is None:
        c = console(request)
        prefix = c.settings.prefix
        queue = ReminderQueue(ArqRedis.from_url(c.settings.redis_url), prefix,
                              f"{prefix}:proactive:jobs", Clock.from_env())
        app.state.campaigns = Campaigns(c.redis, prefix, AudienceIndex(c.redis, prefix),
                                        ProactiveState(c.redis, prefix), queue)
    return app.state.campaigns


def _text(body: dict[str, Any], name: str, limit: int) -> str:
    value = body.get(name) or ""
    if not isinstance(value, str) or len(value.strip()) > limit:
        raise HTTPException(400, f"“{name}”不能超过{limit}个字")
    return value.strip()


def _age(body: dict[str, Any], name: str) -> int:
    value = body.get(name) or 0
    try:
        age = int(value)
    except (TypeError, ValueError):
        raise HTTPException(400, "年龄请填写数字") from None
    if not 0 <= age <= 120:
        raise HTTPException(400, "年龄应在0到120之间")
    return age


def target_of(body: dict[str, Any]) -> Target:
    service = body.get("service") or ""
    channel = body.get("channel") or ""
    if service and service not in SERVICE_ZH:
        raise HTTPException(400, "请选择办理过的业务")
    if channel and channel not in CAMPAIGN_CHANNELS:
        raise HTTPException(400, "请选择渠道")
    target = Target(service, _text(body, "estate", 40), _text(body, "building", 10),
                    _age(body, "age_min"), _age(body, "age_max"), channel)
    if target.age_max and target.age_min > target.age_max:
        raise HTTPException(400, "年龄下限不能大于上限")
    return target


def _send_at(body: dict[str, Any], now: datetime) -> datetime:
    """Empty: now (quiet hours still hold); else a local time not in the past."""
    if not body.get("send_at"):
        return now
    try:
        when = datetime.fromisoformat(str(body.get("send_at") or "")).replace(tzinfo=LOCAL_TZ)
    except ValueError:
        raise HTTPException(400, "请填写发送时间") from None
    if when < now.replace(second=0, microsecond=0):
        raise HTTPException(400, "发送时间不能早于现在")
    return when


def _view(item: dict[str, Any]) -> dict[str, Any]:
    t = item["target"]
    who = [SERVICE_ZH.get(t["service"], ""), t["estate"], f"{t['building']}号楼" if t["building"] else "",
           f"{t['age_min'] or ''}-{t['age_max'] or ''}岁" if t["age_min"] or t["age_max"] else "",
           CHANNEL_ZH.get(t["channel"], "")]
    counts = item["counts"]
    return {"campaign_id": item["campaign_id"], "title": item["title"], "send_at": item["send_at"],
            "target_zh": "、".join(w for w in who if w) or "全部同意接收通知的居民",
            "recipients": item["recipients"], "created_by": item["created_by"],
            "counts": {k: counts.get(k, 0) for k in OUTCOME_ZH}, "counts_zh": OUTCOME_ZH}


@router.post("/campaigns/preview")
async def preview(request: Request, session: Session = Depends(centre_session)) -> dict[str, Any]:
    body = await checked_post(request, session)
    found = await campaigns(request).preview(target_of(body))
    return {**found, "by_channel_zh": {CHANNEL_ZH.get(k, k): v for k, v in found["by_channel"].items()}}


@router.post("/campaigns")
async def create(request: Request, session: Session = Depends(centre_session)) -> dict[str, Any]:
    body = await checked_post(request, session)
    title, text = _text(body, "title", 40), _text(body, "body", 300)
    if not title or not text:
        raise HTTPException(400, "请填写标题和通知内容")
    target = target_of(body)
    camp = campaigns(request)
    when = _send_at(body, camp.clock.now())
    created = await camp.create(title, text, target, when, session.username)
    await console(request).audit.record(session.username, "campaign", created.campaign_id,
                                        f"{created.recipients} recipients", client_ip(request))
    return {"campaign_id": created.campaign_id, "recipients": created.recipients}


@router.get("/campaigns")
async def list_campaigns(request: Request, session: Session = Depends(centre_session)) -> dict[str, Any]:
    return {"items": [_view(item) for item in await campaigns(request).list()]}
