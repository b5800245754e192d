"""The three monthly ledgers of a unit (R11.1), generated from the data: 收集办理 (the cases it led,
received in the month), 会办交办 (meeting tasks and supervision orders, from the escalation app)
and 督查通报 (issued notices naming the unit, accountability records of the month). A submitted
ledger keeps what it showed at submission (`Ledger.content`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bangban.tickets.access import PROTECTED_COMPLAINANT
from bangban.tickets.models import Channel

from . import sources
from .figures import month_cases
from .models import AccountabilityRecord, Ledger, Notice, NoticeStatus

CASE_HEADERS = ["诉求编号", "受理时间", "来源渠道", "企业", "标题", "状态", "办结时间", "是否按期", "满意度"]
MEETING_HEADERS = ["事项", "数量"]
NOTICE_HEADERS = ["类型", "文号/事由", "日期"]
MEETING_LABELS = {
    "supervision_issued": "收到督办单",
    "supervision_answered": "已反馈督办单",
    "supervision_answered_late": "逾期反馈督办单",
    "supervision_open_overdue": "逾期未反馈督办单",
    "tasks_assigned": "交办会办任务",
    "tasks_done": "完成会办任务",
    "tasks_done_late": "逾期完成会办任务",
    "tasks_open_overdue": "逾期未完成会办任务",
    "escalations": "提级会办诉求",
    "disputes_raised": "职责异议",
}


def _fmt(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def case_rows(unit_id: int, year: int, month: int) -> list[list[Any]]:
    rows = []
    qs = (
        month_cases(year, month)
        .filter(lead_unit_id=unit_id)
        .select_related("enterprise")
        .order_by("received_at")
    )
    for t in qs[:2000]:
        on_time = "" if not t.closed_at else ("是" if not t.due_at or t.closed_at <= t.due_at else "否")
        rows.append(
            [
                t.number,
                _fmt(t.received_at),
                t.get_channel_display(),
                # A conduct complaint's enterprise is its complainant, never shown to the unit (R0.4).
                PROTECTED_COMPLAINANT
                if t.channel == Channel.CONDUCT
                else (t.enterprise.name if t.enterprise else t.enterprise_name),
                t.title,
                t.get_status_display(),
                _fmt(t.closed_at),
                on_time,
                t.get_satisfaction_display() if t.satisfaction else "",
            ]
        )
    return rows


def meeting_rows(unit_id: int, year: int, month: int) -> tuple[bool, list[list[Any]]]:
    result = sources.escalation_figures(year, month)
    data = result.data.get(unit_id) or result.data.get(str(unit_id)) or {}
    return result.available, [[label, int(data.get(key) or 0)] for key, label in MEETING_LABELS.items()]


def notice_rows(unit_id: int, year: int, month: int) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for n in Notice.objects.filter(status=NoticeStatus.ISSUED, year=year, month=month, units__id=unit_id):
        rows.append(["通报", f"{n.doc_number} {n.title}", n.issue_date.isoformat() if n.issue_date else ""])
    for r in AccountabilityRecord.objects.filter(unit_id=unit_id, year=year, month=month):
        rows.append([r.get_kind_display(), r.reason[:100], timezone.localdate(r.created_at).isoformat()])
    return rows


def ledger_content(ledger: Ledger) -> dict[str, Any]:
    available, meetings = meeting_rows(ledger.unit_id, ledger.year, ledger.month)
    return {
        "cases": case_rows(ledger.unit_id, ledger.year, ledger.month),
        "meetings": meetings,
        "meetings_available": available,
        "notices": notice_rows(ledger.unit_id, ledger.year, ledger.month),
    }


def shown_content(ledger: Ledger) -> dict[str, Any]:
    """What the ledger shows: the stored content once submitted, else generated now."""
    if ledger.content:
        return ledger.content
    return ledger_content(ledger)
