"""JSON and server-sent-event routes of the console (every one needs a session)."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, AsyncIterator

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse

from channels.console import analytics
from channels.console.auth import Session
from channels.console.clients import UpstreamError
from channels.console.deps import Console, centre_session, checked_post, console, require_admin
from bot.catalogue import CHANNEL_ZH
from channels.console.case_views import case_row
from channels.console.views import (
    channel_note, panel_state, queue_item, service_zh, slot_rows, transcript, transcript_line,
)
from state.handoff import Handoff

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api")
MAX_REPLY = 1000
TAKEN_NOTICE = "您好，社区服务中心工作人员已接入，请问有什么可以帮您？"
HANDBACK_NOTICE = "工作人员已将对话交回智能助手，您可以继续提问；如需人工服务请再次输入“转人工”。"


async def queue_items(c: Console) -> list[dict[str, Any]]:
    waiting = await c.queue.waiting()
    owners = await c.takeovers.owners([h.conversation_id for h in waiting])
    return [queue_item(h, owners.get(h.conversation_id)) for h in waiting]


@router.get("/queue")
async def get_queue(request: Request, session: Session = Depends(centre_session)) -> dict[str, Any]:
    return {"items": await queue_items(console(request))}


def sse(data: Any, event: str | None = None, event_id: str | None = None) -> str:
    head = (f"event: {event}\n" if event else "") + (f"id: {event_id}\n" if event_id else "")
    return head + f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


def event_stream(gen: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(gen, media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/queue/stream")
async def queue_stream(request: Request, session: Session = Depends(centre_session)) -> StreamingResponse:
    c = console(request)

    async def gen() -> AsyncIterator[str]:
        last_sent, after = None, await c.events.last_id(c.events.keys.all)
        while not await request.is_disconnected():
            items = await queue_items(c)
            # Waiting times are shown by the page's own clock; resend only on change.
            shape = [(i["conversation_id"], i["owner"]) for i in items]
            if shape != last_sent:
                last_sent = shape
                yield sse({"items": items}, event="queue")
            else:
                yield ": keep-alive\n\n"
            new = await c.events.follow(c.events.keys.all, after, 2000)
            after = new[-1]["stream_id"] if new else after
    return event_stream(gen())


async def _handoff(c: Console, conversation_id: str) -> Handoff:
    handoff = await c.queue.get(conversation_id)
    if handoff is None:
        raise HTTPException(404, "该会话不在等待人工的队列中")
    return handoff


async def _clear_slots(c: Console, conversation_id: str, handoff: Handoff | None,
                       tracker: dict[str, Any] | None = None) -> dict[str, Any]:
    slots = dict(handoff.slots if handoff else {})
    tracker = tracker if tracker is not None else await c.rasa.tracker(conversation_id)
    slots.update({k: v for k, v in (tracker.get("slots") or {}).items() if v is not None})
    return slots


@router.get("/conversations/{conversation_id}")
async def get_conversation(conversation_id: str, request: Request,
                           session: Session = Depends(centre_session)) -> dict[str, Any]:
    c = console(request)
    handoff = await c.queue.get(conversation_id)
    tracker = await c.rasa.tracker(conversation_id)
    slots = await _clear_slots(c, conversation_id, handoff, tracker)
    events = await c.events.transcript(conversation_id)
    if not events and handoff is None:
        raise HTTPException(404, "没有这个会话")
    cases, cases_error = await c.backoffice.cases(conversation_id)
    owner = await c.takeovers.owner(conversation_id)
    channel = handoff.channel if handoff else next(
        (e.get("input_channel") for e in reversed(events) if e.get("input_channel")), None)
    state, state_zh = panel_state(handoff, owner, session.username)
    return {
        "conversation_id": conversation_id,
        "handoff": queue_item(handoff, owner) if handoff else None,
        "channel": channel,
        "channel_zh": CHANNEL_ZH.get(channel or "", "其他渠道"),
        "channel_note": channel_note(channel),
        "service_zh": service_zh(handoff.service if handoff else _service_of(slots, tracker)),
        "state": state,
        "state_zh": state_zh,
        "owner": owner,
        "me": session.username,
        "slots": slot_rows(slots),
        "transcript": transcript(events, slots),
        "last_id": events[-1]["stream_id"] if events else "0-0",
        "cases": [case_row(case) for case in cases],
        "cases_error": cases_error,
    }


def _service_of(slots: dict[str, Any], tracker: dict[str, Any]) -> str | None:
    """The service a conversation not in the queue is about: the form it is in (or paused),
    else the last one it filed."""
    form = (tracker.get("active_loop") or {}).get("name") or slots.get("paused_form") or ""
    return form[: -len("_form")] if form.endswith("_form") else slots.get("last_service")


@router.get("/conversations/{conversation_id}/stream")
async def conversation_stream(conversation_id: str, request: Request, after: str = "$",
                              session: Session = Depends(centre_session)) -> StreamingResponse:
    c = console(request)
    handoff = await c.queue.get(conversation_id)
    slots = await _clear_slots(c, conversation_id, handoff)
    key = c.events.keys.conversation(conversation_id)
    last = after if _stream_id(after) else await c.events.last_id(key)

    async def gen() -> AsyncIterator[str]:
        nonlocal last
        yield ": connected\nretry: 1000\n\n"
        while not await request.is_disconnected():
            new = await c.events.follow(key, last, 10000)
            if not new:
                yield ": keep-alive\n\n"
            for event in new:
                last = event["stream_id"]
                if event.get("event") == "slot" and event.get("value") is not None:
                    slots[event["name"]] = event["value"]
                line = transcript_line(event, slots)
                if line:
                    yield sse(line, event="line", event_id=last)
                elif event.get("event") == "slot":
                    yield sse(slot_rows(slots), event="slots", event_id=last)
    return event_stream(gen())


def _stream_id(value: str) -> bool:
    left, _, right = value.partition("-")
    return left.isdigit() and right.isdigit()


@router.post("/conversations/{conversation_id}/takeover")
async def takeover(conversation_id: str, request: Request,
                   session: Session = Depends(centre_session)) -> dict[str, Any]:
    await checked_post(request, session)
    c = console(request)
    handoff = await _handoff(c, conversation_id)
    owner = await c.takeovers.claim(conversation_id, session.username)
    if owner != session.username:
        raise HTTPException(409, f"该会话已由工作人员 {owner} 接管，不能重复接管")
    try:
        await c.rasa.append(conversation_id, [
            {"event": "pause"},
            {"event": "bot", "text": TAKEN_NOTICE, "metadata": {"staff": session.username}},
        ], handoff.channel)
    except UpstreamError as error:
        await c.takeovers.release(conversation_id, session.username)
        raise HTTPException(502, str(error)) from None
    await c.audit.record(session.username, "takeover", conversation_id, handoff.reason,
                         request.client.host if request.client else "")
    return {"owner": session.username, "channel": handoff.channel,
            "channel_note": channel_note(handoff.channel)}


async def _owned(c: Console, conversation_id: str, session: Session) -> Handoff:
    handoff = await _handoff(c, conversation_id)
    owner = await c.takeovers.owner(conversation_id)
    if owner != session.username:
        who = f"由 {owner} 接管" if owner else "尚未被接管"
        raise HTTPException(409, f"您没有接管该会话（该会话{who}），请先接管")
    return handoff


@router.post("/conversations/{conversation_id}/reply")
async def reply(conversation_id: str, request: Request,
                session: Session = Depends(centre_session)) -> dict[str, Any]:
    body = await checked_post(request, session)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise HTTPException(400, "回复内容不能为空")
    if len(text) > MAX_REPLY:
        raise HTTPException(400, f"回复内容不能超过 {MAX_REPLY} 字")
    c = console(request)
    handoff = await _owned(c, conversation_id, session)
    try:
        await c.rasa.append(conversation_id, [
            {"event": "bot", "text": text.strip(), "metadata": {"staff": session.username}},
        ], handoff.channel)
    except UpstreamError as error:
        raise HTTPException(502, str(error)) from None
    # "sent" only where the channel pushes the reply to the resident.
    return {"sent": channel_note(handoff.channel) is None, "recorded": True, "channel": handoff.channel}


@router.post("/conversations/{conversation_id}/handback")
async def handback(conversation_id: str, request: Request,
                   session: Session = Depends(centre_session)) -> dict[str, Any]:
    await checked_post(request, session)
    c = console(request)
    handoff = await _owned(c, conversation_id, session)
    try:
        await c.rasa.append(conversation_id, [
            {"event": "resume"},
            {"event": "bot", "text": HANDBACK_NOTICE, "metadata": {"staff": session.username}},
        ], handoff.channel)
        # A form the resident was in when they asked for a person resumes where it
        # stopped (the assistant says so and asks its next question or reads back).
        await c.rasa.trigger(conversation_id, "EXTERNAL_handback", handoff.channel)
    except UpstreamError as error:
        raise HTTPException(502, str(error)) from None
    await c.queue.remove(conversation_id)
    await c.takeovers.release(conversation_id, session.username)
    await c.audit.record(session.username, "handback", conversation_id, handoff.reason,
                         request.client.host if request.client else "")
    return {"resumed": True}


@router.post("/conversations/{conversation_id}/reveal")
async def reveal(conversation_id: str, request: Request,
                 session: Session = Depends(centre_session)) -> dict[str, Any]:
    body = await checked_post(request, session)
    name = body.get("slot")
    c = console(request)
    handoff = await c.queue.get(conversation_id)
    slots = await _clear_slots(c, conversation_id, handoff)
    if not isinstance(name, str) or slots.get(name) in (None, ""):
        raise HTTPException(404, "没有这一项信息")
    await c.audit.record(session.username, "reveal", conversation_id, name,
                         request.client.host if request.client else "")
    logger.info("%s revealed %s of a conversation", session.username, name)
    return {"slot": name, "value": slots[name]}


@router.get("/analytics")
async def get_analytics(request: Request, session: Session = Depends(centre_session)) -> dict[str, Any]:
    figures = await load_figures(console(request))
    return {
        "conversations": figures.conversations,
        "conversations_per_day": dict(sorted(figures.conversations_per_day.items())),
        "cases_per_day": dict(sorted(figures.cases_per_day.items())),
        "conversations_per_service": dict(figures.conversations_per_service.most_common()),
        "cases_per_service": dict(figures.cases_per_service.most_common()),
        "completion_rate": figures.completion_rate(),
        "handoff_rate_by_reason": figures.handoff_rates(),
        "unhandled": figures.unhandled.most_common(20),
        "unmet": {kind: counts.most_common(20) for kind, counts in figures.unmet_by_kind.items()},
        "conversations_per_hour": {h: figures.conversations_per_hour.get(h, 0) for h in range(24)},
        "handoffs_by_reason": dict(figures.handoffs_per_reason.most_common()),
    }


async def load_figures(c: Console) -> analytics.Figures:
    events = [e async for e in c.events.scan_all()]
    # Tens of thousands of events: keep the event loop free for the live views.
    return await asyncio.to_thread(analytics.compute, events)


@router.get("/admin/audit")
async def audit_log(request: Request, session: Session = Depends(centre_session)) -> dict[str, Any]:
    require_admin(session)
    return {"entries": await console(request).audit.recent()}
