"""The campaigns page: compose, preview (counts only), schedule, follow delivery."""
from __future__ import annotations

from html import escape

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from bot.catalogue import CHANNEL_ZH, SERVICE_ZH
from channels.console.api_campaigns import CAMPAIGN_CHANNELS
from channels.console.auth import Session
from channels.console.deps import page_session
from channels.console.pages import layout

router = APIRouter()


def _options(words: dict[str, str], codes, anything: str) -> str:
    return f'<option value="">{anything}</option>' + "".join(
        f'<option value="{escape(code)}">{escape(words[code])}</option>' for code in codes)


@router.get("/campaigns")
async def campaigns_page(session: Session = Depends(page_session)) -> HTMLResponse:
    services = _options(SERVICE_ZH, SERVICE_ZH, "不限")
    channels = _options(CHANNEL_ZH, CAMPAIGN_CHANNELS, "不限")
    return layout("通知活动", (
        '<h2>通知活动 <small class="hint">（只发给同意接收通知的居民；退订、频次上限和21:00–08:00免打扰自动生效）</small></h2>'
        '<form id="campaign-form" class="stack">'
        '<label>标题（不超过40字）<input name="title" maxlength="40" required></label>'
        '<label>通知内容（不超过300字）<textarea name="body" maxlength="300" rows="3" required></textarea></label>'
        '<fieldset><legend>发给谁</legend>'
        f'<label>办理过的业务<select name="service">{services}</select></label>'
        '<label>小区<input name="estate" maxlength="40"></label>'
        '<label>楼号<input name="building" maxlength="10" inputmode="numeric"></label>'
        '<label>年龄从<input name="age_min" type="number" min="0" max="120"></label>'
        '<label>到<input name="age_max" type="number" min="0" max="120"></label>'
        f'<label>渠道<select name="channel">{channels}</select></label></fieldset>'
        '<label>发送时间（不填则立即发送）<input name="send_at" type="datetime-local"></label>'
        '<p><button type="button" id="preview">预览人数</button> <button type="submit">安排发送</button></p>'
        '</form><p id="preview-result" class="notice" role="status"></p>'
        '<p id="notice" class="notice" role="alert"></p>'
        '<h3>已安排的通知</h3><table class="campaigns"><thead><tr><th>标题</th><th>对象</th><th>发送时间</th>'
        '<th>人数</th><th>送达与回复</th><th>创建人</th></tr></thead><tbody id="campaign-rows"></tbody></table>'
        '<p id="empty" class="empty" hidden>还没有通知活动。</p>'), session, "campaigns.js")
