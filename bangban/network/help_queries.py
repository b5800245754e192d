"""Reads of the 解难帮扶会办会 (R3.3): the open problems of key enterprises that an agenda is drawn
from, the meeting list and the 会办会台账 rows. Scoping is `access.visible_help_meetings`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from bangban.enterprises.models import Tier
from bangban.tickets.public import open_cases

from . import figures
from .access import visible_help_meetings
from .models import Contact, HelpItem, HelpMeeting, HelpMeetingStatus

KEY_TIERS = frozenset({Tier.CITY_TOP100, Tier.COUNTY_KEY})
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """One open problem of an enterprise: `ref` is `contact:<id>` or `case:<id>`."""

    ref: str
    enterprise_id: int
    enterprise_name: str
    source: str  # 走访反映 / 诉求
    text: str
    on: dt.date
    case_number: str = ""


def _on_agenda() -> QuerySet[HelpItem]:
    """Items of meetings that still count (a cancelled meeting frees its problems)."""
    return HelpItem.objects.exclude(meeting__status=HelpMeetingStatus.CANCELLED)


def open_problems(enterprise_ids: list[int]) -> list[Problem]:
    """Problems raised at officers' contacts and visits that became no case and are on no live
    agenda, and the enterprises' open cases that are on no live agenda (neither as the item's
    source nor as the case an item was handed to), oldest first."""
    if not enterprise_ids:
        return []
    agenda = _on_agenda()
    contacts = (
        Contact.objects.filter(enterprise_id__in=enterprise_ids, ticket__isnull=True)
        .exclude(raised="")
        .exclude(pk__in=agenda.filter(contact__isnull=False).values("contact_id"))
        .select_related("enterprise")
        .order_by("contact_on", "id")[:MAX_PROBLEMS]
    )
    busy = Q(pk__in=agenda.filter(source_case__isnull=False).values("source_case_id")) | Q(
        pk__in=agenda.filter(case__isnull=False).values("case_id")
    )
    cases = (
        open_cases()
        .filter(enterprise_id__in=enterprise_ids)
        .exclude(busy)
        .select_related("enterprise")
        .order_by("received_at", "id")[:MAX_PROBLEMS]
    )
    out = [
        Problem(f"contact:{c.pk}", c.enterprise_id, c.enterprise.name, "走访反映", c.raised, c.contact_on)
        for c in contacts
    ]
    out += [
        Problem(
            f"case:{t.pk}",
            int(t.enterprise_id or 0),
            t.enterprise.name if t.enterprise else t.enterprise_name,
            "诉求",
            t.title,
            timezone.localdate(t.received_at),
            t.number,
        )
        for t in cases
    ]
    return sorted(out, key=lambda p: (p.on, p.ref))


def meeting_list(user: Any, params: dict[str, str]) -> QuerySet[HelpMeeting]:
    qs = visible_help_meetings(user)
    status = (params.get("status") or "").strip()
    if status in HelpMeetingStatus.values:
        qs = qs.filter(status=status)
    q = (params.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(
            pk__in=HelpMeeting.objects.filter(
                Q(title__icontains=q) | Q(enterprises__name__icontains=q) | Q(host__icontains=q)
            ).values("pk")
        )
    return qs.order_by("-held_at", "-id")


def items_of(meeting: HelpMeeting) -> list[HelpItem]:
    return list(
        meeting.items.select_related("enterprise", "lead_unit", "case", "source_case", "contact")
        .prefetch_related("co_units")
        .order_by("id")
    )


LEDGER_HEADERS = [
    "会议名称", "会议时间", "地点", "主持领导", "会议状态", "企业", "问题", "处置方式", "责任/牵头单位",
    "配合单位", "批示领导", "批示内容", "分办诉求", "办理时限（工作日）", "完成期限", "议题状态",
    "办理结果", "办结时间", "是否逾期",
]  # fmt: skip


def ledger_rows(meetings: QuerySet[HelpMeeting], now: dt.datetime) -> list[list[Any]]:
    """会办会台账: one row per agenda item (a meeting without items gives one row)."""
    rows: list[list[Any]] = []
    for m in meetings.prefetch_related(
        "items__co_units", "items__lead_unit", "items__enterprise", "items__case"
    ):
        head = [m.title, timezone.localtime(m.held_at).strftime("%Y-%m-%d %H:%M"), m.place, m.host,
                m.get_status_display()]  # fmt: skip
        items = sorted(m.items.all(), key=lambda i: i.pk)
        if not items:
            rows.append(head + [""] * (len(LEDGER_HEADERS) - len(head)))
        for i in items:
            rows.append(
                [
                    *head,
                    i.enterprise.name,
                    i.problem,
                    i.get_disposal_display() if i.disposal else "",
                    i.lead_unit.name if i.lead_unit else "",
                    "、".join(u.name for u in i.co_units.all()),
                    i.instructed_by,
                    i.instruction,
                    i.case.number if i.case else "",
                    i.workdays if i.workdays is not None else "",
                    timezone.localtime(i.due_at).strftime("%Y-%m-%d") if i.due_at else "",
                    i.get_status_display(),
                    i.result,
                    timezone.localtime(i.done_at).strftime("%Y-%m-%d %H:%M") if i.done_at else "",
                    "是" if figures.help_item_overdue(i, now) else "否",
                ]
            )
    return rows
