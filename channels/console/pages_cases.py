"""HTML pages for casework: the case list, one case, callbacks and the routing table.
Data arrives through the JSON routes and is rendered with textContent."""
from __future__ import annotations

from html import escape

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from bot.catalogue import CHANNEL_ZH, SERVICE_ZH, STATUS_SHORT_ZH
from channels.console.auth import Session
from channels.console.deps import page_session, require_admin
from channels.console.pages import layout

router = APIRouter()


def _options(words: dict[str, str], everything: str) -> str:
    return f'<option value="">{escape(everything)}</option>' + "".join(
        f'<option value="{escape(code)}">{escape(word)}</option>' for code, word in words.items())


def _filters() -> str:
    return (
        '<form id="filters" class="filters" role="search">'
        f'<label>业务<select name="service">{_options(SERVICE_ZH, "全部业务")}</select></label>'
        f'<label>状态<select name="status">{_options(STATUS_SHORT_ZH, "全部状态")}</select></label>'
        '<label>部门<select name="department"><option value="">全部部门</option>'
        '<option value="none">待分派</option></select></label>'
        f'<label>渠道<select name="channel">{_options(CHANNEL_ZH, "全部渠道")}</select></label>'
        '<label>提交日期从<input type="date" name="created_from"></label>'
        '<label>到<input type="date" name="created_to"></label>'
        '<label>编号或电话<input type="search" name="q" maxlength="32" placeholder="SQ2026… 或完整手机号"></label>'
        '<button type="submit">查询</button><button type="reset" id="clear">清空</button></form>')


@router.get("/cases")
async def cases_page(session: Session = Depends(page_session)) -> HTMLResponse:
    title = "本部门办件" if not session.centre else "办件"
    return layout(title, (
        f'<h2>{escape(title)} <small id="total" class="hint"></small></h2>{_filters()}'
        '<p class="hint">联系电话默认隐藏中间四位；打开办件可查看详情（查看完整信息会记录审计日志）。</p>'
        '<table class="cases"><thead><tr><th>办件编号</th><th>业务</th><th>类别</th><th>状态</th>'
        '<th>部门</th><th>渠道</th><th>联系电话</th><th>提交时间</th></tr></thead>'
        '<tbody id="case-rows"></tbody></table><p id="empty" class="empty" hidden>没有符合条件的办件。</p>'
        '<p class="pager"><button type="button" id="prev">上一页</button><span id="page"></span>'
        '<button type="button" id="next">下一页</button></p>'
        '<p id="notice" class="notice" role="alert"></p>'), session, "cases.js")


@router.get("/cases/{case_number}")
async def case_page(case_number: str, session: Session = Depends(page_session)) -> HTMLResponse:
    return layout(f"办件 {case_number}", (
        f'<div id="case" data-number="{escape(case_number)}">'
        '<section class="side"><h2 id="title"></h2><dl id="meta"></dl>'
        '<h3>办件信息 <small>（默认隐藏个人信息，查看将记录审计日志）</small></h3>'
        '<table class="slots"><tbody id="fields"></tbody></table>'
        '<h3>办理</h3><form id="status-form" class="stack">'
        '<label>新状态<select name="status" id="next-status"></select></label>'
        '<label>给居民的说明（会通知居民；“未通过”必填）<textarea name="note" id="status-note" rows="2" maxlength="1000"></textarea></label>'
        '<button type="submit">更新状态并通知居民</button></form>'
        '<form id="assign-form" class="stack" hidden><label>改派至<select name="department" id="assign-to"></select></label>'
        '<label>改派说明<input name="note" maxlength="1000"></label><button type="submit">改派</button></form>'
        '<form id="return-form" class="stack" hidden><label>退回中心的原因<input name="note" maxlength="1000" required></label>'
        '<button type="submit">退回社区服务中心</button></form>'
        '<p id="notice" class="notice" role="alert"></p></section>'
        '<section class="chat"><h3>办理记录</h3><ol id="history" class="history"></ol>'
        '<h3>内部备注 <small>（仅工作人员可见，不会发给居民）</small></h3><ul id="notes" class="notes"></ul>'
        '<form id="note-form" class="reply"><label for="note-text" class="sr">内部备注</label>'
        '<textarea id="note-text" maxlength="1000" rows="2" placeholder="写一条内部备注"></textarea>'
        '<button type="submit">添加备注</button></form>'
        '<h3>来源会话</h3><div id="transcript" class="transcript short"></div></section></div>'),
        session, "case.js")


@router.get("/admin/routing")
async def routing_page(session: Session = Depends(page_session)) -> HTMLResponse:
    require_admin(session)
    return layout("分派规则", (
        '<h2>分派规则</h2><p class="hint">新办件按“业务 + 类别”最具体的一行分派；没有类别的一行对该业务的其余办件生效；'
        '“全部业务”一行兜底。已有办件不受影响。</p>'
        '<table class="routing"><thead><tr><th>业务</th><th>类别</th><th>部门</th><th></th></tr></thead>'
        '<tbody id="rules"></tbody></table><p><button type="button" id="add-rule">添加一行</button> '
        '<button type="button" id="save-rules">保存分派规则</button></p>'
        '<p id="notice" class="notice" role="alert"></p>'), session, "routing.js")


@router.get("/callbacks")
async def callbacks_page(session: Session = Depends(page_session)) -> HTMLResponse:
    return layout("回电任务", (
        '<h2>回电任务 <small class="hint">（电话居民收不到文字消息：请按号码回电，并记录结果）</small></h2>'
        '<p><label>显示<select id="cb-status"><option value="open">待回电</option><option value="done">已回电</option>'
        '<option value="cancelled">已取消</option></select></label></p>'
        '<table class="callbacks"><thead><tr><th>原因</th><th>业务</th><th>办件</th><th>电话</th><th>说明</th>'
        '<th>部门</th><th>创建</th><th>处理</th></tr></thead><tbody id="callback-rows"></tbody></table>'
        '<p id="empty" class="empty" hidden>没有回电任务。</p><p id="notice" class="notice" role="alert"></p>'),
        session, "callbacks.js")


@router.get("/canned")
async def canned_page(session: Session = Depends(page_session)) -> HTMLResponse:
    return layout("常用回复", (
        '<h2>常用回复</h2><p class="hint">接管会话时可一键插入；所有工作人员共用。</p>'
        '<ul id="canned-list" class="canned"></ul><h3>新增常用回复</h3>'
        '<form id="canned-form" class="stack"><label>标题（不超过30字）<input name="title" maxlength="30" required></label>'
        '<label>内容<textarea name="text" maxlength="1000" rows="3" required></textarea></label>'
        '<button type="submit">添加</button></form><p id="notice" class="notice" role="alert"></p>'),
        session, "canned.js")
