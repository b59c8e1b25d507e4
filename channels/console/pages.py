"""HTML pages of the console. Every value is escaped; data arrives through textContent in JS."""
from __future__ import annotations

import asyncio
import secrets
from html import escape
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from channels.console.api_cases import department_names
from channels.console.auth import COOKIE, LOGIN_CSRF_COOKIE, Session
from channels.console.deps import checked_post, console, form_or_json, page_session, require_admin
from channels.console.users import UserError

router = APIRouter()
ROLE_ZH = {"admin": "管理员", "staff": "工作人员"}


def layout(title: str, body: str, session: Session | None, script: str = "") -> HTMLResponse:
    nav = ""
    if session:
        nav = (f'<nav>{_links(session)}'
               f'<span class="me">{escape(session.username)}（{_role_zh(session)}）</span>'
               f'<form method="post" action="/logout"><input type="hidden" name="csrf_token" '
               f'value="{escape(session.csrf)}"><button type="submit">退出</button></form></nav>')
    csrf = f'<meta name="csrf-token" content="{escape(session.csrf)}">' if session else ""
    js = (f'<script src="/static/common.js"></script><script src="/static/{script}"></script>' if script else "")
    return HTMLResponse(
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">{csrf}'
        f'<title>{escape(title)} · 社区服务中心坐席台</title>'
        f'<link rel="stylesheet" href="/static/console.css"></head><body>'
        f'<header class="top"><h1>社区服务中心 · 人工坐席台</h1>{nav}</header>'
        f'<main>{body}</main>{js}</body></html>')


def _links(session: Session) -> str:
    if not session.centre:  # a department's account: its own cases and callbacks
        return '<a href="/cases">本部门办件</a><a href="/callbacks">回电任务</a>'
    admin = ('<a href="/admin/routing">分派规则</a><a href="/admin/users">用户管理</a>'
             if session.role == "admin" else "")
    return ('<a href="/">等待队列</a><a href="/cases">办件</a><a href="/callbacks">回电任务</a>'
            f'<a href="/canned">常用回复</a><a href="/campaigns">通知活动</a><a href="/analytics">数据分析</a>{admin}')


def _role_zh(session: Session) -> str:
    if session.role == "admin":
        return "管理员"
    return "部门账号" if not session.centre else "工作人员"


def _login_form(error: str = "", status: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    note = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    page = layout("登录", (
        f'<section class="login"><h2>工作人员登录</h2>{note}'
        f'<form method="post" action="/login"><input type="hidden" name="csrf_token" value="{token}">'
        '<label>用户名<input name="username" autocomplete="username" required maxlength="32"></label>'
        '<label>密码<input name="password" type="password" autocomplete="current-password" required></label>'
        '<button type="submit">登录</button></form></section>'), None)
    page.status_code = status
    page.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=3600)
    return page


@router.get("/login")
async def login_page() -> HTMLResponse:
    return _login_form()


@router.post("/login")
async def login(request: Request) -> Response:
    c = console(request)
    form = await form_or_json(request)
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not cookie_token or not secrets.compare_digest(cookie_token, str(form.get("csrf_token", ""))):
        return _login_form("安全校验失败，请重新登录", 403)
    username, password = str(form.get("username", ""))[:32], str(form.get("password", ""))
    ip = request.client.host if request.client else "unknown"
    if not await c.limiter.attempt_allowed(ip, username):
        return _login_form(f"登录尝试次数过多，请 {c.limiter.window_minutes} 分钟后再试", 429)
    user = await asyncio.to_thread(c.users.authenticate, username, password)
    if user is None:
        await c.limiter.failed(username)
        return _login_form("用户名或密码错误", 401)
    await c.limiter.succeeded(username)
    token, _ = await c.sessions.create(user.username, user.role, user.department)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                        secure=c.settings.secure_cookie, max_age=c.settings.session_ttl_s)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request, session: Session = Depends(page_session)) -> Response:
    await checked_post(request, session)
    await console(request).sessions.delete(session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/")
async def queue_page(session: Session = Depends(page_session)) -> Response:
    if not session.centre:
        return RedirectResponse("/cases", status_code=303)
    return layout("等待队列", (
        '<h2>等待人工服务的会话 <span id="live" class="live">连接中…</span></h2>'
        '<p class="hint">紧急求助排在最前，其余按等待时间排序。</p>'
        '<table class="queue"><thead><tr><th>等待</th><th>原因</th><th>业务</th><th>渠道</th>'
        '<th>摘要</th><th>状态</th><th></th></tr></thead><tbody id="queue"></tbody></table>'
        '<p id="empty" class="empty" hidden>目前没有等待人工的会话。</p>'), session, "queue.js")


@router.get("/conversations/{conversation_id}")
async def conversation_page(conversation_id: str,
                            session: Session = Depends(page_session)) -> Response:
    if not session.centre:
        return RedirectResponse("/cases", status_code=303)
    return layout("会话", (
        f'<div id="conversation" data-id="{escape(conversation_id)}">'
        '<section class="side"><h2>会话信息</h2><dl id="meta"></dl>'
        '<p id="channel-note" class="warning" role="note" hidden></p>'
        '<div class="actions"><button id="takeover">接管会话</button>'
        '<button id="handback" hidden>交回智能助手</button>'
        '<button id="callback" hidden>安排回电</button></div>'
        '<form id="close-form" class="close-form" hidden><label>不接管，直接关闭：'
        '<select name="reason"><option value="left">居民已离开</option><option value="duplicate">重复的请求</option>'
        '<option value="handled">已通过其他方式处理</option><option value="other">其他原因</option></select></label>'
        '<button type="submit">关闭此条</button></form>'
        '<p id="notice" class="notice" role="alert"></p>'
        '<section id="pending-form" class="pending" hidden><h3 id="pending-title"></h3>'
        '<p id="pending-state" class="hint"></p><table class="slots"><tbody id="pending-fields"></tbody></table>'
        '<button id="file-form" type="button">为居民提交办件</button></section>'
        '<h3>已收集信息 <small>（默认隐藏个人信息，查看将记录审计日志）</small></h3>'
        '<table class="slots"><tbody id="slots"></tbody></table>'
        '<h3>相关业务单</h3><ul id="cases" class="cases"></ul></section>'
        '<section class="chat"><h2>对话记录 <span id="live" class="live"></span></h2>'
        '<div id="transcript" class="transcript" aria-live="polite"></div>'
        '<form id="reply" class="reply"><label for="reply-text" class="sr">回复居民</label>'
        '<select id="canned" aria-label="插入常用回复" disabled><option value="">常用回复…</option></select>'
        '<textarea id="reply-text" maxlength="1000" rows="3" placeholder="接管后在这里回复居民（回车发送，Shift+回车换行）" disabled></textarea>'
        '<button type="submit" disabled>发送</button></form></section></div>'), session, "conversation.js")


@router.get("/admin/users")
async def users_page(request: Request, session: Session = Depends(page_session),
                     note: str = "") -> HTMLResponse:
    require_admin(session)
    users = await asyncio.to_thread(console(request).users.all)
    names = await _department_names(request, session)
    rows = "".join(
        f"<tr><td>{escape(u.username)}</td><td>{escape(ROLE_ZH.get(u.role, '工作人员'))}</td>"
        f"<td>{escape(names.get(u.department, '其他部门') if u.department else '社区服务中心')}</td></tr>"
        for u in users)
    departments = "".join(f'<option value="{escape(d)}">{escape(n)}</option>' for d, n in names.items())
    return layout("用户管理", (
        f'<h2>用户管理</h2><p class="notice">{escape(note)}</p><table class="users"><thead><tr><th>用户名</th>'
        f'<th>角色</th><th>所属</th></tr></thead><tbody>{rows}</tbody></table><h3>新增账号</h3>'
        f'<form method="post" action="/admin/users" class="add-user"><input type="hidden" name="csrf_token" value="{escape(session.csrf)}">'
        '<label>用户名<input name="username" required maxlength="32"></label>'
        '<label>初始密码（至少10位）<input name="password" type="password" required></label>'
        '<label>角色<select name="role"><option value="staff">工作人员</option><option value="admin">管理员</option></select></label>'
        '<label>所属（部门账号只能看到本部门的办件）<select name="department"><option value="">社区服务中心</option>'
        f'{departments}</select></label>'
        '<button type="submit">添加</button></form>'), session)


async def _department_names(request: Request, session: Session) -> dict[str, str]:
    try:
        return await department_names(request, session)
    except HTTPException:  # the back office is down: accounts can still be listed
        return {}


@router.post("/admin/users")
async def add_user(request: Request, session: Session = Depends(page_session)) -> Response:
    require_admin(session)
    form = await checked_post(request, session)
    c = console(request)
    try:
        user = await asyncio.to_thread(c.users.create, str(form.get("username", "")),
                                       str(form.get("password", "")), str(form.get("role", "staff")),
                                       session.username, str(form.get("department") or "") or None)
    except UserError as error:
        raise HTTPException(400, str(error)) from None
    await c.audit.record(session.username, "add_user", "",
                         f"{user.username}:{user.role}:{user.department or 'centre'}")
    return RedirectResponse("/admin/users?note=" + quote(f"已添加 {user.username}"), status_code=303)
