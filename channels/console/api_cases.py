"""Casework routes of the console: the case list, a case with its history, notes and
conversation, status changes, reassignment, reveals, callbacks and the routing table.

Everything goes to the back office with the staff token, naming the person acting and,
for a department's account, its department: the back office decides what may be seen
and changed, and answers 404 for another department's case.
"""
from __future__ import annotations

import logging
from typing import Any

import httpx
from fastapi import APIRouter, Depends, HTTPException, Request

from bot.catalogue import SERVICE_ZH
from channels.console.auth import Session
from channels.console.case_views import case_row, case_view, history_line, value_zh
from channels.console.clients import UpstreamError
from channels.console.deps import api_session, checked_post, client_ip, console, require_admin
from channels.console.views import transcript
from nlu.rules.vocab import LABELS_ZH

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api")

ERROR_ZH = {
    "invalid_transition": "该状态变更不允许：办件只能向前推进（已是该状态，或已经过了这一步）",
    "note_required": "改为“未通过”需要填写给居民的说明",
    "forbidden": "您的账号无权进行此操作",
    "not_found": "没有找到（或不属于您的部门）",
    "unknown_department": "没有这个部门",
    "duplicate_rule": "分派规则里有重复的一行（同一业务和类别只能写一次）",
    "already_closed": "该回电任务已经关闭",
    "validation_error": "填写的内容不符合要求",
}
LIST_FILTERS = ("service", "status", "department", "channel", "created_from", "created_to", "q")
PAGE_SIZE = 50


async def desk(request: Request, session: Session, method: str, path: str,
               params: dict[str, Any] | None = None, body: Any = None) -> httpx.Response:
    """One back office call as this staff member; its refusals in Chinese."""
    try:
        response = await console(request).desk.call(session.username, session.department, method,
                                                    path, params, body)
    except UpstreamError as error:
        raise HTTPException(502, str(error)) from None
    if response.status_code >= 400:
        code = _error_code(response)
        status = response.status_code if response.status_code in (403, 404, 409, 422) else 502
        raise HTTPException(status, ERROR_ZH.get(code, f"业务系统返回错误 {response.status_code}"))
    return response


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", ""))
    except ValueError:
        return ""


async def department_names(request: Request, session: Session) -> dict[str, str]:
    departments = (await desk(request, session, "GET", "/departments")).json()
    return {d["department_id"]: d["name"] for d in departments}


@router.get("/cases")
async def list_cases(request: Request, page: int = 0,
                     session: Session = Depends(api_session)) -> dict[str, Any]:
    params = {name: request.query_params.get(name) for name in LIST_FILTERS}
    params.update(limit=PAGE_SIZE, offset=max(0, page) * PAGE_SIZE)
    response = await desk(request, session, "GET", "/cases", params)
    return {"items": [case_row(c) for c in response.json()],
            "total": int(response.headers.get("X-Total-Count", "0")), "page": max(0, page),
            "page_size": PAGE_SIZE}


@router.get("/departments")
async def list_departments(request: Request, session: Session = Depends(api_session)) -> dict[str, Any]:
    departments = (await desk(request, session, "GET", "/departments")).json()
    return {"items": [d for d in departments if d["active"]], "mine": session.department}


@router.get("/cases/{case_number}")
async def get_case(case_number: str, request: Request,
                   session: Session = Depends(api_session)) -> dict[str, Any]:
    case = (await desk(request, session, "GET", f"/cases/{case_number}")).json()
    history = (await desk(request, session, "GET", f"/cases/{case_number}/history")).json()
    notes = (await desk(request, session, "GET", f"/cases/{case_number}/notes")).json()
    names = await department_names(request, session)
    return {
        "case": case_view(case),
        "history": [history_line(e, names) for e in history],
        "notes": notes,
        "conversation": await _conversation(request, case.get("conversation_id") or ""),
        "may_reassign": session.centre,
        "me": session.username,
    }


async def _conversation(request: Request, conversation_id: str) -> dict[str, Any]:
    """The conversation the case came from, masked; none when the id itself was masked."""
    if not conversation_id or "*" in conversation_id:
        return {"id": None, "lines": []}
    c = console(request)
    events = await c.events.transcript(conversation_id)
    slots = await c.rasa.slots(conversation_id) if events else {}
    return {"id": conversation_id, "lines": transcript(events, slots)}


@router.post("/cases/{case_number}/status")
async def change_status(case_number: str, request: Request,
                        session: Session = Depends(api_session)) -> dict[str, Any]:
    body = await checked_post(request, session)
    status, note = body.get("status"), (body.get("note") or "").strip() or None
    if not isinstance(status, str) or (note is not None and len(note) > 1000):
        raise HTTPException(400, "请选择新的状态（说明不超过1000字）")
    case = (await desk(request, session, "PATCH", f"/cases/{case_number}",
                       body={"status": status, "note": note})).json()
    await console(request).audit.record(session.username, "case_status", case_number, status,
                                        client_ip(request))
    return {"case": case_view(case)}


@router.post("/cases/{case_number}/assignment")
async def reassign(case_number: str, request: Request,
                   session: Session = Depends(api_session)) -> dict[str, Any]:
    body = await checked_post(request, session)
    department = body.get("department") or None
    note = (body.get("note") or "").strip() or None
    case = (await desk(request, session, "POST", f"/cases/{case_number}/assignment",
                       body={"department": department, "note": note})).json()
    await console(request).audit.record(session.username, "case_assign", case_number,
                                        department or "centre", client_ip(request))
    return {"case": case_view(case)}


@router.post("/cases/{case_number}/notes")
async def add_note(case_number: str, request: Request,
                   session: Session = Depends(api_session)) -> dict[str, Any]:
    body = await checked_post(request, session)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > 1000:
        raise HTTPException(400, "备注不能为空，且不超过1000字")
    return (await desk(request, session, "POST", f"/cases/{case_number}/notes",
                       body={"text": text.strip()})).json()


@router.post("/cases/{case_number}/reveal")
async def reveal_field(case_number: str, request: Request,
                       session: Session = Depends(api_session)) -> dict[str, Any]:
    body = await checked_post(request, session)
    name = body.get("field")
    if not isinstance(name, str) or not name.isidentifier():
        raise HTTPException(400, "没有这一项信息")
    found = (await desk(request, session, "GET", f"/cases/{case_number}/fields/{name}")).json()
    await console(request).audit.record(session.username, "case_reveal", case_number, name,
                                        client_ip(request))
    return {"field": name, "value": value_zh(name, found["value"])}


@router.get("/routing")
async def get_routing(request: Request, session: Session = Depends(api_session)) -> dict[str, Any]:
    require_admin(session)
    return (await desk(request, session, "GET", "/routing")).json()


@router.post("/routing")
async def put_routing(request: Request, session: Session = Depends(api_session)) -> dict[str, Any]:
    require_admin(session)
    body = await checked_post(request, session)
    table = (await desk(request, session, "PUT", "/routing", body={"rules": body.get("rules")})).json()
    await console(request).audit.record(session.username, "routing", "", f"{len(table['rules'])} rules",
                                        client_ip(request))
    return table


@router.get("/routing/options")
async def routing_options(request: Request, session: Session = Depends(api_session)) -> dict[str, Any]:
    """What the routing editor offers: services with their categories in words, departments."""
    require_admin(session)
    services = (await desk(request, session, "GET", "/services")).json()
    return {
        "services": [{"service": s["service"], "label": SERVICE_ZH.get(s["service"], "其他业务"),
                      "categories": [{"value": v, "label": w}
                                     for v, w in LABELS_ZH.get(s.get("category_field") or "", {}).items()]}
                     for s in services],
        "departments": (await list_departments(request, session))["items"],
    }
