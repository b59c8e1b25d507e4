"""A form in progress in a taken-over conversation: staff see what was collected (masked)
and what is missing, complete it and file the case for the resident.

Filing takes the assistant's path: the submission goes into the shared outbox under the
idempotency key the assistant would use for this form (state.outbox.submission_key),
then to the back office, and is marked filed. A later 对 from the resident (or the
form resumed after a hand-back) computes the same key and gets the same case back.
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request

from bot.catalogue import SERVICE_ZH
from channels.console.api_cases import desk
from channels.console.auth import Session
from channels.console.clients import UpstreamError
from channels.console.deps import Console, centre_session, checked_post, client_ip, console
from channels.console.masking import scrub
from channels.console.filing import (
    after_filing_events, case_fields, form_service, merge, needed, pending_view,
)
from state.outbox import Submission, submission_key

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api")


async def _services(request: Request, session: Session) -> dict[str, dict[str, Any]]:
    return {s["service"]: s for s in (await desk(request, session, "GET", "/services")).json()}


async def _form(request: Request, session: Session, conversation_id: str,
                events: str = "NONE") -> tuple[dict[str, Any], str | None, dict[str, Any], dict[str, Any]]:
    """(tracker, service, its field spec, slots) of the conversation's form in progress."""
    c = console(request)
    handoff = await c.queue.get(conversation_id)
    tracker = await c.rasa.tracker(conversation_id, events)
    slots = {**(handoff.slots if handoff else {}),
             **{k: v for k, v in (tracker.get("slots") or {}).items() if v is not None}}
    specs = await _services(request, session)
    service = form_service(slots, (tracker.get("active_loop") or {}).get("name"),
                           handoff.service if handoff else None, set(specs))
    return tracker, service, specs.get(service or "", {}), slots


@router.get("/conversations/{conversation_id}/form")
async def pending_form(conversation_id: str, request: Request,
                       session: Session = Depends(centre_session)) -> dict[str, Any]:
    tracker, service, spec, slots = await _form(request, session, conversation_id)
    if service is None or service == "emergency_help":  # an emergency is filed at once
        return {"service": None}
    view = pending_view(service, spec, slots)
    return dict(view, service_zh=SERVICE_ZH.get(service, "其他业务"),
                awaiting_confirmation=slots.get("requested_slot") == "confirm" or not view["missing"])


@router.post("/conversations/{conversation_id}/form/file")
async def file_form(conversation_id: str, request: Request,
                    session: Session = Depends(centre_session)) -> dict[str, Any]:
    body = await checked_post(request, session)
    entered = body.get("values") if isinstance(body.get("values"), dict) else {}
    c = console(request)
    owner = await c.takeovers.owner(conversation_id)
    if owner != session.username:
        raise HTTPException(409, "请先接管该会话，再为居民提交")
    tracker, service, spec, slots = await _form(request, session, conversation_id, "ALL")
    if service is None or service == "emergency_help":
        raise HTTPException(404, "该会话没有正在填写的业务表单")
    values, problems = merge(spec, slots, entered)
    missing = [n for n in needed(spec, values) if values.get(n) in (None, "", [])]
    if problems or missing:
        view = pending_view(service, spec, values)
        raise HTTPException(400, "；".join(problems) or "还缺：" + "、".join(view["missing"]))
    handoff = await c.queue.get(conversation_id)
    submission = Submission(
        idempotency_key=submission_key(conversation_id, service, tracker.get("events") or [],
                                       tracker.get("latest_message") or {}),
        service=service, fields=case_fields(spec, values), conversation_id=conversation_id,
        channel=handoff.channel if handoff else (tracker.get("latest_input_channel") or "rest"),
        priority="normal", needs_caseworker=service == "subsistence_allowance")
    number, created = await _file(request, session, c, submission)
    staff_entered = {k: values[k] for k in entered if k in values}
    await _tell_resident(c, conversation_id, submission.channel, session.username, service, number,
                         after_filing_events(spec, service, number, staff_entered))
    await c.audit.record(session.username, "file_case", conversation_id, number, client_ip(request))
    return {"case_number": number, "created": created, "service_zh": SERVICE_ZH.get(service, "")}


async def _file(request: Request, session: Session, c: Console,
                submission: Submission) -> tuple[str, bool]:
    """The assistant's filing path: filed before? else outbox, back office, mark filed."""
    already = await c.outbox.filed_case(submission.idempotency_key)
    if already:
        return already, False
    await c.outbox.put(submission)  # the outbox worker files it if the back office is down now
    try:
        response = await desk(request, session, "POST", "/cases", body=submission.payload())
    except HTTPException as error:
        if error.status_code != 502:
            raise
        raise HTTPException(502, "业务系统暂时无法连接：已记录这份办件，恢复后自动提交，不会重复提交") from None
    case = response.json()
    await c.outbox.mark_filed(submission.idempotency_key, case["case_number"])
    logger.info("staff filed case %s for a conversation", case["case_number"])
    return case["case_number"], response.status_code == 201


async def _tell_resident(c: Console, conversation_id: str, channel: str, staff: str, service: str,
                         number: str, events: list[dict[str, Any]]) -> None:
    text = (f"工作人员已为您提交{SERVICE_ZH.get(service, '业务')}，受理编号是 {number}。"
            f"之后说“查进度”并报这个编号或您的手机号，就能查询办理进度。")
    try:
        await c.rasa.append(conversation_id, events + [
            {"event": "bot", "text": text, "metadata": {"staff": staff}}], channel)
    except UpstreamError as error:  # the case is filed; the conversation just does not know yet
        logger.error("case %s filed but the conversation was not updated: %s", number, scrub(str(error)))
        raise HTTPException(502, f"办件 {number} 已提交，但未能通知居民：{error}") from None
