"""What staff do with a queue item besides talking: close a stale one with a reason
(without taking it over), queue a callback for a caller replies cannot reach, and the
canned replies they insert; and the callbacks page's data."""
from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request

from bot.catalogue import SERVICE_ZH, STATUS_SHORT_ZH
from channels.console.api_cases import department_names, desk
from channels.console.auth import Session
from channels.console.canned import CannedError
from channels.console.case_views import created_zh
from channels.console.deps import api_session, centre_session, checked_post, client_ip, console

router = APIRouter(prefix="/api")
CLOSE_REASONS = {"left": "居民已离开", "duplicate": "重复的请求", "handled": "已通过其他方式处理",
                 "other": "其他原因"}


@router.post("/conversations/{conversation_id}/close")
async def close_item(conversation_id: str, request: Request,
                     session: Session = Depends(centre_session)) -> dict[str, Any]:
    """Take a stale item off the queue with a reason; nothing is sent to the resident."""
    body = await checked_post(request, session)
    reason = body.get("reason")
    if reason not in CLOSE_REASONS:
        raise HTTPException(400, "请选择关闭原因")
    c = console(request)
    if await c.queue.get(conversation_id) is None:
        raise HTTPException(404, "该会话不在等待人工的队列中")
    owner = await c.takeovers.owner(conversation_id)
    if owner:
        raise HTTPException(409, f"该会话已由 {owner} 接管，请由接管人交回智能助手")
    await c.queue.remove(conversation_id)
    await c.audit.record(session.username, "close", conversation_id, reason, client_ip(request))
    return {"closed": True, "reason_zh": CLOSE_REASONS[reason]}


@router.post("/conversations/{conversation_id}/callback")
async def queue_callback(conversation_id: str, request: Request,
                         session: Session = Depends(centre_session)) -> dict[str, Any]:
    """A callback task in the department's queue for a caller staff cannot reach in writing."""
    body = await checked_post(request, session)
    note = (body.get("note") or "").strip()[:1000] or None
    c = console(request)
    handoff = await c.queue.get(conversation_id)
    tracker = await c.rasa.tracker(conversation_id)
    slots = {**(handoff.slots if handoff else {}), **(tracker.get("slots") or {})}
    caller = ((tracker.get("latest_message") or {}).get("metadata") or {}).get("caller_number")
    phone = slots.get("phone") or caller
    if not phone:
        raise HTTPException(400, "还不知道居民的电话号码，无法安排回电")
    service = handoff.service if handoff and handoff.service in SERVICE_ZH else None
    channel = handoff.channel if handoff else (tracker.get("latest_input_channel") or "rest")
    created = (await desk(request, session, "POST", "/callbacks", body={
        "channel": channel, "conversation_id": conversation_id, "phone": str(phone), "note": note,
        "service": service, "case_number": slots.get("last_case_number") or None})).json()
    await c.audit.record(session.username, "callback", conversation_id,
                         created.get("department") or "centre", client_ip(request))
    return {"callback": callback_row(created, {})}


def callback_row(cb: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    reason = cb.get("reason") or ""
    if reason.startswith("status:"):
        why = f"告知居民办件进展：{STATUS_SHORT_ZH.get(reason[7:], '有新进展')}"
    else:
        why = "居民需要人工回电"
    return {"callback_id": cb["callback_id"], "why": why, "service_zh": SERVICE_ZH.get(cb.get("service") or "", "—"),
            "case_number": cb.get("case_number"), "phone": cb.get("phone") or "—", "note": cb.get("note"),
            "department_name": names.get(cb.get("department") or "", "社区服务中心（待分派）"),
            "created": created_zh(cb.get("created_at", "")), "created_by": cb.get("created_by"),
            "status": cb.get("status"), "result": cb.get("result")}


@router.get("/callbacks")
async def list_callbacks(request: Request, status: str = "open",
                         session: Session = Depends(api_session)) -> dict[str, Any]:
    found = (await desk(request, session, "GET", "/callbacks",
                        {"status": status if status in ("open", "done", "cancelled") else "open"})).json()
    names = await department_names(request, session)
    return {"items": [callback_row(cb, names) for cb in found]}


@router.post("/callbacks/{callback_id}/close")
async def close_callback(callback_id: int, request: Request,
                         session: Session = Depends(api_session)) -> dict[str, Any]:
    body = await checked_post(request, session)
    status = body.get("status") if body.get("status") in ("done", "cancelled") else None
    if status is None:
        raise HTTPException(400, "请选择“已回电”或“取消”")
    result = (body.get("result") or "").strip()[:1000] or None
    closed = (await desk(request, session, "PATCH", f"/callbacks/{callback_id}",
                         body={"status": status, "result": result})).json()
    return {"callback": callback_row(closed, {})}


@router.post("/callbacks/{callback_id}/reveal")
async def reveal_callback_phone(callback_id: int, request: Request,
                                session: Session = Depends(api_session)) -> dict[str, Any]:
    await checked_post(request, session)
    found = (await desk(request, session, "GET", f"/callbacks/{callback_id}/phone")).json()
    await console(request).audit.record(session.username, "callback_reveal", "", str(callback_id),
                                        client_ip(request))
    return {"phone": found["phone"]}


@router.get("/canned")
async def list_canned(request: Request, session: Session = Depends(centre_session)) -> dict[str, Any]:
    replies = await asyncio.to_thread(console(request).canned.all)
    return {"items": [{"id": r.reply_id, "title": r.title, "text": r.text, "created_by": r.created_by}
                      for r in replies]}


@router.post("/canned")
async def add_canned(request: Request, session: Session = Depends(centre_session)) -> dict[str, Any]:
    body = await checked_post(request, session)
    try:
        reply = await asyncio.to_thread(console(request).canned.add, str(body.get("title") or ""),
                                        str(body.get("text") or ""), session.username)
    except CannedError as error:
        raise HTTPException(400, str(error)) from None
    return {"id": reply.reply_id, "title": reply.title, "text": reply.text}


@router.post("/canned/{reply_id}/delete")
async def delete_canned(reply_id: int, request: Request,
                        session: Session = Depends(centre_session)) -> dict[str, Any]:
    await checked_post(request, session)
    if not await asyncio.to_thread(console(request).canned.remove, reply_id):
        raise HTTPException(404, "没有这条常用回复")
    return {"deleted": True}
