"""Figures a centre's director asks for, from the cases table (no personal data read).

Cases per department and status, time from filing to the first action by a person
and to done, cases per service and per hour of the day (local time).
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any, Dict, Iterable, List, Optional

from sqlalchemy import and_, select, true
from sqlalchemy.engine import Engine

from backoffice import db
from backoffice.case_list import created_between
from backoffice.clock import to_local

UNASSIGNED = "unassigned"


def _minutes(start: datetime, end: Optional[datetime]) -> Optional[float]:
    return (end - start).total_seconds() / 60 if end is not None else None


def duration_summary(samples: List[float]) -> Dict[str, Any]:
    """Count, median and 90th percentile in minutes (None when there is nothing to summarise)."""
    if not samples:
        return {"count": 0, "median_minutes": None, "p90_minutes": None}
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return {"count": len(ordered), "median_minutes": round(statistics.median(ordered), 1),
            "p90_minutes": round(p90, 1)}


def figures(rows: Iterable[Any]) -> Dict[str, Any]:
    """The figures from case rows (created_at, first_action_at, closed_at, status, ...)."""
    by_department: Dict[str, Counter] = defaultdict(Counter)
    first_action: Dict[str, List[float]] = defaultdict(list)
    to_done: Dict[str, List[float]] = defaultdict(list)
    per_service: Counter = Counter()
    per_hour: Counter = Counter()
    total = 0
    for row in rows:
        total += 1
        department = row.department_id or UNASSIGNED
        by_department[department][row.status] += 1
        per_service[row.service] += 1
        per_hour[to_local(row.created_at).hour] += 1
        waited = _minutes(row.created_at, row.first_action_at)
        if waited is not None:
            first_action[department].append(waited)
            first_action["*"].append(waited)
        if row.status == "done":
            took = _minutes(row.created_at, row.closed_at)
            if took is not None:
                to_done[department].append(took)
                to_done["*"].append(took)
    departments = sorted(set(by_department) | (set(first_action) - {"*"}))
    return {
        "total": total,
        "by_department": {d: dict(by_department[d]) for d in departments if d in by_department},
        "time_to_first_action": {d: duration_summary(first_action[d]) for d in [*departments, "*"]},
        "time_to_done": {d: duration_summary(to_done[d]) for d in [*departments, "*"]},
        "by_service": dict(per_service.most_common()),
        "by_hour": {hour: per_hour.get(hour, 0) for hour in range(24)},
    }


def case_figures(engine: Engine, visible_to: Optional[str], created_from: Optional[date],
                 created_to: Optional[date]) -> Dict[str, Any]:
    c = db.cases
    conditions: List[Any] = [c.c.department_id == visible_to] if visible_to else []
    conditions += created_between(created_from, created_to)
    query = select(c.c.service, c.c.status, c.c.department_id, c.c.created_at,
                   c.c.first_action_at, c.c.closed_at).where(and_(true(), *conditions))
    with engine.connect() as conn:
        return figures(conn.execute(query))
