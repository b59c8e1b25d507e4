"""The analytics page: conversation figures from the events stream, case figures from the
back office, as server-rendered SVG charts (no script, every label escaped)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from bot.catalogue import HANDOFF_REASON_ZH, SERVICE_ZH, STATUS_SHORT_ZH
from channels.console.analytics import SERVICES, Figures
from channels.console.api import load_figures
from channels.console.api_cases import department_names, desk
from channels.console.auth import Session
from channels.console.charts import bar_chart, column_chart, stacked_bar_chart
from channels.console.deps import console, page_session
from channels.console.pages import layout

router = APIRouter()
STATUSES = ("received", "accepted", "in_progress", "done", "rejected")
UNASSIGNED = "unassigned"


def conversation_charts(f: Figures) -> list[str]:
    hours = [(f"{h}", f.conversations_per_hour.get(h, 0)) for h in range(24)]
    return [
        bar_chart("每日会话数", sorted(f.conversations_per_day.items())[-14:]),
        bar_chart("各业务会话数", [(SERVICES.get(k, "其他"), v) for k, v in f.conversations_per_service.most_common()]),
        bar_chart("转人工次数（按原因）", [(HANDOFF_REASON_ZH.get(k, "其他原因"), v)
                                     for k, v in f.handoffs_per_reason.most_common()]),
        bar_chart("转人工比例（按原因）", [(HANDOFF_REASON_ZH.get(k, "其他原因"), v * 100)
                                     for k, v in f.handoff_rates().items()], "{:.1f}%"),
        column_chart("会话最多的时段（按开始时刻，0–23 点）", hours),
        bar_chart("未满足的需求：超出服务范围的问题", f.unmet_by_kind["out_of_scope"].most_common(10)),
        bar_chart("未满足的需求：智能助手没听懂的话", f.unmet_by_kind["nlu_fallback"].most_common(10)),
        bar_chart("每日业务单数", sorted(f.cases_per_day.items())[-14:]),
    ]


def case_charts(stats: dict[str, Any], names: dict[str, str]) -> list[str]:
    def name(department: str) -> str:
        return "待分派" if department == UNASSIGNED else names.get(department, "其他部门")

    per_department = [(name(d), [float(counts.get(s, 0)) for s in STATUSES])
                      for d, counts in sorted(stats["by_department"].items(), key=lambda kv: -sum(kv[1].values()))]
    hours = [(f"{h}", stats["by_hour"].get(str(h), stats["by_hour"].get(h, 0))) for h in range(24)]
    return [
        stacked_bar_chart("各部门办件（按状态）", per_department, [STATUS_SHORT_ZH[s] for s in STATUSES]),
        bar_chart("从提交到首次处理（中位数；括号里是90%的办件）", _durations(stats["time_to_first_action"], name)),
        bar_chart("从提交到办结（中位数；括号里是90%的办件）", _durations(stats["time_to_done"], name)),
        bar_chart("各业务办件数", [(SERVICE_ZH.get(k, "其他业务"), v) for k, v in stats["by_service"].items()]),
        column_chart("提交办件最多的时段（0–23 点）", hours),
    ]


def minutes_zh(minutes: float) -> str:
    return f"{minutes:,.0f} 分钟" if minutes < 180 else f"{minutes / 60:,.1f} 小时"


def _durations(summary: dict[str, Any], name) -> list[tuple[str, float, str]]:
    rows = [("全部" if d == "*" else name(d), s["median_minutes"],
             f"{minutes_zh(s['median_minutes'])}（{minutes_zh(s['p90_minutes'])}内，{s['count']}件）")
            for d, s in summary.items() if s["count"]]
    return sorted(rows, key=lambda r: -r[1])


def _kpis(f: Figures, stats: dict[str, Any] | None) -> str:
    rate = f.completion_rate()
    first = (stats or {}).get("time_to_first_action", {}).get("*", {})
    done = (stats or {}).get("time_to_done", {}).get("*", {})
    minutes = (lambda s: "—" if not s.get("count") else minutes_zh(s["median_minutes"]))
    return (f'<p class="kpi">会话总数 <b>{f.conversations}</b>　表单完成率 '
            f'<b>{"—" if rate is None else f"{rate * 100:.1f}%"}</b>（{f.forms_completed}/{f.forms_started}）'
            f'　办件总数 <b>{(stats or {}).get("total", "—")}</b>　首次处理中位 <b>{minutes(first)}</b>'
            f'　办结中位 <b>{minutes(done)}</b></p>')


@router.get("/analytics")
async def analytics_page(request: Request, session: Session = Depends(page_session)) -> Response:
    if not session.centre:
        return RedirectResponse("/cases", status_code=303)
    figures = await load_figures(console(request))
    try:
        stats = (await desk(request, session, "GET", "/stats")).json()
        names = await department_names(request, session)
        cases = "".join(case_charts(stats, names))
    except HTTPException as error:  # the back office is down: the conversation figures still show
        stats, cases = None, f'<p class="error">办件数据暂时无法获取：{error.detail}</p>'
    return layout("数据分析", (
        f'<h2>数据分析</h2>{_kpis(figures, stats)}<div class="charts"><h3>办件</h3>{cases}'
        f'<h3>会话</h3>{"".join(conversation_charts(figures))}</div>'), session)
