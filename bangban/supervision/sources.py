"""The one place where supervision reads other apps' monthly figures: ratings (好差评, 差评整改,
回访, 回头看), escalation (会办 tasks, 督办 orders) and outreach (通报批评 of chief service officers).

Each reader imports its app lazily and tolerates its absence: a missing module gives empty figures
and `available=False`, which pages show as 「暂无数据来源」. Nothing else in this app reads those apps'
figures, so the wiring can be adjusted here alone. (The 处置分析会, `actions/analysis.py`, is the
one writer into a lower app: it creates its meeting through escalation's action, and a 研判 links
insight's hotspots.)
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

NO_SOURCE = "暂无数据来源"


@dataclass
class SourceResult:
    available: bool
    data: Any = field(default_factory=dict)

    @property
    def label(self) -> str:
        return "" if self.available else NO_SOURCE


def _missing(exc: ModuleNotFoundError, module: str) -> bool:
    name = exc.name or ""
    return name == module or module.startswith(name + ".") or name.startswith(module)


def _reader(module: str, *names: str) -> tuple[Any, ...] | None:
    """`names` from another app's figures module, or None when that app is left out (or its
    module cannot be imported: logged)."""
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if not _missing(exc, module):
            raise
        return None
    except ImportError:
        logger.warning("%s cannot be imported", module)
        return None
    return tuple(getattr(found, name) for name in names)


def ratings_figures(year: int, month: int) -> SourceResult:
    """{unit_id: {ratings, satisfied, bad, rectifications, rectified, …}} from the ratings app."""
    found = _reader("bangban.ratings.figures", "unit_month_figures")
    if found is None:
        return SourceResult(False, {})
    (unit_month_figures,) = found
    return SourceResult(True, dict(unit_month_figures(year, month)))


def bad_ratings(year: int, month: int) -> SourceResult:
    """The month's 差评 as plain rows: unit id, unit name, time, level label, comment, case number."""
    try:
        from bangban.ratings.figures import monthly_bad_ratings  # noqa: PLC0415 (the source app may be left out; a failed import marks the source unavailable)
    except (ModuleNotFoundError, ImportError):
        return SourceResult(False, [])
    rows = []
    for rating in monthly_bad_ratings(year, month)[:500]:
        subject = getattr(rating, "subject", None)
        ticket = getattr(subject, "ticket", None) if subject is not None else None
        unit = getattr(rating, "unit", None)
        rectification = getattr(rating, "rectification", None) if hasattr(rating, "rectification") else None
        rows.append(
            {
                "unit_id": getattr(unit, "pk", None),
                "unit_name": getattr(unit, "name", ""),
                "at": getattr(rating, "created_at", None),
                "level": rating.get_level_display() if hasattr(rating, "get_level_display") else "",
                "comment": str(getattr(rating, "comment", "") or "")[:200],
                "ticket_number": getattr(ticket, "number", "") if ticket is not None else "",
                "rectified": bool(
                    rectification is not None
                    and getattr(rectification, "status", "") in ("fed_back", "closed")
                ),
            }
        )
    return SourceResult(True, rows)


def escalation_figures(year: int, month: int) -> SourceResult:
    """{unit_id: {supervision_issued, tasks_assigned, tasks_done, escalations, …}}."""
    found = _reader("bangban.escalation.figures", "unit_month_figures")
    if found is None:
        return SourceResult(False, {})
    (unit_month_figures,) = found
    return SourceResult(True, dict(unit_month_figures(year, month)))


def escalation_counts(year: int, month: int) -> SourceResult:
    """{unit_id: escalations} of the month — the `escalations` figure of `escalation_figures`
    alone, one statement instead of eight."""
    found = _reader("bangban.escalation.figures", "unit_month_escalations")
    if found is None:
        return SourceResult(False, {})
    (unit_month_escalations,) = found
    return SourceResult(True, unit_month_escalations(year, month))


def escalated_cases(until: Any) -> SourceResult:
    """A subquery of the ids of the cases escalated (问题上交) up to `until`, from the escalation app;
    `data` is None when that app is absent."""
    try:
        from bangban.escalation.figures import escalated_case_ids  # noqa: PLC0415 (the source app may be left out; a failed import marks the source unavailable)
    except (ModuleNotFoundError, ImportError):
        return SourceResult(False, None)
    return SourceResult(True, escalated_case_ids(until))


def criticism_records(year: int, month: int) -> SourceResult:
    """Named criticism of chief service officers and counties (R1.4) as plain rows."""
    try:
        from bangban.outreach.figures import criticism_records as records  # noqa: PLC0415 (the source app may be left out; a failed import marks the source unavailable)
    except (ModuleNotFoundError, ImportError):
        return SourceResult(False, [])
    rows = []
    for r in records(year, month):
        rows.append(
            {
                "subject": getattr(r, "subject_name", ""),
                "kind": getattr(r, "kind_label", ""),
                "region": getattr(r, "region_name", ""),
                "reasons": "；".join(getattr(r, "reasons", []) or []),
            }
        )
    return SourceResult(True, rows)


def dispatch_figures(year: int, month: int, now: Any = None) -> SourceResult:
    """The dispatching office's 派单及时率 of the month as of `now` (the case system's figure)."""
    try:
        from bangban.tickets.figures import dispatch_month_figures  # noqa: PLC0415 (the source app may be left out; a failed import marks the source unavailable)
    except (ModuleNotFoundError, ImportError):
        return SourceResult(False, {})
    return SourceResult(True, dispatch_month_figures(year, month, now=now))


def officer_figures(year: int, month: int) -> SourceResult:
    """The month's 帮办专员 figures from the service network (`bangban.network.figures`): totals,
    per-unit rows with 帮办履职率 and its ranking, the officers far behind, and the rules in words.
    The per-officer map is left out (the units and the officers far behind are what supervision
    publishes and keeps)."""
    found = _reader("bangban.network.figures", "RULES", "officer_month_figures")
    if found is None:
        return SourceResult(False, {})
    rules, officer_month_figures = found
    data = officer_month_figures(year, month)
    data.pop("officers", None)
    data["rules"] = [f"{text}。" for text in rules.values()]
    return SourceResult(True, data)


# --- 专项督查 (R14.1): the mayor's channel and the matters decided at government meetings ----------


def _escalation_reads() -> Any:
    try:
        from bangban.escalation import figures  # noqa: PLC0415 (the source app may be left out; a failed import marks the source unavailable)
    except (ModuleNotFoundError, ImportError):
        return None
    return figures


def mayor_case_ids(ticket_ids: list[int]) -> SourceResult:
    """Which of these cases came through the mayor's channel (a set; empty without escalation)."""
    reads = _escalation_reads()
    return (
        SourceResult(False, set()) if reads is None else SourceResult(True, reads.mayor_case_ids(ticket_ids))
    )


def mayor_case_candidates(limit: int = 100) -> SourceResult:
    """The ids of the mayor-channel cases, newest first."""
    reads = _escalation_reads()
    return (
        SourceResult(False, []) if reads is None else SourceResult(True, reads.mayor_case_candidates(limit))
    )


def meeting_tasks(task_ids: list[int] | None = None, *, open_only: bool = False) -> SourceResult:
    """Matters decided at meetings as plain rows (content, meeting, owner unit, due, status,
    result, 督办 orders); all of them (at most 200) when `task_ids` is None."""
    reads = _escalation_reads()
    if reads is None:
        return SourceResult(False, [])
    return SourceResult(True, reads.meeting_task_rows(task_ids, open_only=open_only))


def case_orders(ticket_ids: list[int]) -> SourceResult:
    """{case id: {orders, orders_open}}: 督办/催办 orders issued on these cases."""
    reads = _escalation_reads()
    return (
        SourceResult(False, {})
        if reads is None
        else SourceResult(True, reads.case_supervision_orders(ticket_ids))
    )
