"""Reads of hotspots (堵点): the run of a month, its problems, a problem's cases as pages show them.

Conduct complaints (作风直通车) are counted in a problem's figures but never shown: no number, title,
enterprise or link, on pages, the API or exports (R0.4: the complainant must not be named)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from bangban.core.errors import ValidationFailed
from bangban.tickets.models import Channel

from .hotspots import HEAT_FORMULA
from .hotspots_run import unfinished_runs
from .models import HotspotCase, HotspotProblem, HotspotRun, RunStatus

CONDUCT_MASK = "作风投诉（依规不显示内容和投诉人）"


def runs() -> QuerySet[HotspotRun]:
    return HotspotRun.objects.order_by("-window_end", "-id")


def active_run(now: dt.datetime) -> HotspotRun | None:
    """The run queued or in progress, if any (the page shows its progress; a lost one is not)."""
    return unfinished_runs(now).order_by("-id").first()


def parse_month(value: str) -> tuple[int, int] | None:
    if not value:
        return None
    try:
        year, month = (int(x) for x in value.split("-"))
        dt.date(year, month, 1)
    except (TypeError, ValueError):
        raise ValidationFailed("月份格式应为 YYYY-MM", code="month_invalid") from None
    return year, month


def run_for(month: tuple[int, int] | None) -> HotspotRun | None:
    """The newest finished run (of the month whose window ends in it, when a month is given)."""
    qs = runs().filter(status=RunStatus.DONE)
    if month is not None:
        year, m = month
        tz = timezone.get_current_timezone()
        start = dt.datetime(year, m, 1, tzinfo=tz)
        end = dt.datetime(year + (m == 12), m % 12 + 1, 1, tzinfo=tz)
        qs = qs.filter(window_end__gte=start, window_end__lte=end)
    return qs.first()


def problems(run: HotspotRun) -> QuerySet[HotspotProblem]:
    return HotspotProblem.objects.filter(run=run).order_by("rank")


def classes(p: HotspotProblem) -> list[str]:
    return [
        name for name, on in (("苗头性", p.emerging), ("典型性", p.typical), ("集中性", p.concentrated)) if on
    ]


def problem_row(p: HotspotProblem) -> dict[str, Any]:
    return {
        "id": p.pk, "run_id": p.run_id, "rank": p.rank, "label": p.label, "phrases": p.phrases,
        "heat": p.heat, "classes": classes(p), "emerging": p.emerging, "typical": p.typical,
        "concentrated": p.concentrated, "concentration": p.concentration, "case_count": p.case_count,
        "enterprise_count": p.enterprise_count, "region_count": p.region_count, "unit_count": p.unit_count,
        "day_span": p.day_span, "repeat_count": p.repeat_count, "bad_rating_count": p.bad_rating_count,
        "baseline": p.baseline, "representative_id": p.representative_id,
        "escalated_at": p.escalated_at, "escalation_orders": p.escalation_orders, "version": p.version,
    }  # fmt: skip


def case_rows(problem: HotspotProblem) -> list[dict[str, Any]]:
    """The problem's cases, closest to its centre first; conduct complaints masked."""
    rows = (
        HotspotCase.objects.filter(problem=problem)
        .order_by("position")
        .values(
            "ticket_id", "ticket__number", "ticket__title", "ticket__channel", "ticket__received_at",
            "ticket__status", "ticket__enterprise__name", "ticket__region__name", "ticket__lead_unit__name",
            "ticket__is_repeat",
        )
    )  # fmt: skip
    out: list[dict[str, Any]] = []
    for r in rows:
        if r["ticket__channel"] == Channel.CONDUCT:
            out.append({
                "ticket_id": None, "number": "", "title": CONDUCT_MASK, "received_at": r["ticket__received_at"],
                "status": "", "enterprise": "", "region": "", "unit": "", "repeat": False, "masked": True,
            })  # fmt: skip
            continue
        out.append({
            "ticket_id": r["ticket_id"], "number": r["ticket__number"], "title": r["ticket__title"],
            "received_at": r["ticket__received_at"], "status": r["ticket__status"],
            "enterprise": r["ticket__enterprise__name"] or "", "region": r["ticket__region__name"] or "",
            "unit": r["ticket__lead_unit__name"] or "", "repeat": r["ticket__is_repeat"], "masked": False,
        })  # fmt: skip
    return out


def chart(run: HotspotRun, top: int = 10) -> dict[str, Any]:
    """The top problems by heat, for the bar chart of the page."""
    rows = list(problems(run).values("rank", "label", "heat", "case_count")[:top])
    return {
        "categories": [f"{r['rank']}. {r['label'][:16]}" for r in rows],
        "heat": [r["heat"] for r in rows],
        "cases": [r["case_count"] for r in rows],
    }


__all__ = ["CONDUCT_MASK", "HEAT_FORMULA", "active_run", "case_rows", "chart", "classes", "parse_month",
           "problem_row", "problems", "run_for", "runs"]  # fmt: skip
