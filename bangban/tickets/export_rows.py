"""The rows of the case list export (.xlsx): headers, widths, and each case as a row, with the
contact phone masked for readers who may not see personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from bangban.accounts.access import mask_phone, may_see_personal_data
from bangban.core.satisfaction import Satisfaction

from .access import PROTECTED_COMPLAINANT, complainant_hidden
from .display import deadline_text
from .models import (
    Channel,
    Ticket,
    TicketType,
    Urgency,
)
from .workflow import Status

EXPORT_HEADERS = [
    "诉求编号",
    "标题",
    "状态",
    "期限状态",
    "来源渠道",
    "诉求类型",
    "紧急程度",
    "诉求分类",
    "企业",
    "主办单位",
    "承办人",
    "联系人",
    "联系电话",
    "受理时间",
    "派单时间",
    "办理期限",
    "期限为临时推算",
    "答复时间",
    "办结时间",
    "已延期次数",
    "重复反映",
    "满意度",
]
EXPORT_WIDTHS = [20, 36, 12, 16, 18, 8, 8, 30, 30, 24, 12, 10, 14, 18, 18, 18, 8, 18, 18, 8, 8, 10]
EXPORT_TEXT_COLUMNS = [0, 12]

_EXPORT_FIELDS = (
    "number",
    "title",
    "status",
    "channel",
    "type",
    "urgency",
    "category__path",
    "enterprise__name",
    "lead_unit__name",
    "handler__full_name",
    "handler__username",
    "contact_name",
    "contact_phone",
    "received_at",
    "dispatched_at",
    "due_at",
    "warn_at",
    "due_provisional",
    "replied_at",
    "closed_at",
    "extensions_used",
    "is_repeat",
    "satisfaction",
    # Whether the viewer may know a conduct complaint's complainant (access.complainant_hidden).
    "enterprise_id",
    "submitter_id",
    "created_by_id",
)


def _naive_local(value: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: the Asia/Shanghai wall-clock time."""

    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


def export_rows(user: Any, qs: QuerySet[Ticket], now: dt.datetime) -> Iterator[list[Any]]:
    """Rows for the Excel export, streamed in chunks; contact phones masked unless the user's role
    needs them (through the same rule as `show_phone`)."""

    statuses = dict(Status.choices)
    channels = dict(Channel.choices)
    types = dict(TicketType.choices)
    urgencies = dict(Urgency.choices)
    levels = dict(Satisfaction.choices)
    unmasked = may_see_personal_data(user)
    # The rows are plain values: whatever the list prefetches for its page is not needed here.
    for values in qs.prefetch_related(None).values(*_EXPORT_FIELDS).iterator(chunk_size=2000):
        row = SimpleNamespace(**values)
        if complainant_hidden(user, row):
            row.enterprise__name, row.contact_name, row.contact_phone = PROTECTED_COMPLAINANT, "", ""
        yield [
            row.number,
            row.title,
            statuses.get(row.status, row.status),
            deadline_text(row, now),
            channels.get(row.channel, row.channel),
            types.get(row.type, row.type),
            urgencies.get(row.urgency, row.urgency),
            row.category__path or "",
            row.enterprise__name or "",
            row.lead_unit__name or "",
            row.handler__full_name or row.handler__username or "",
            row.contact_name,
            row.contact_phone if unmasked else mask_phone(row.contact_phone),
            _naive_local(row.received_at),
            _naive_local(row.dispatched_at),
            _naive_local(row.due_at),
            "是" if row.due_provisional else "",
            _naive_local(row.replied_at),
            _naive_local(row.closed_at),
            row.extensions_used,
            "是" if row.is_repeat else "",
            levels.get(row.satisfaction, "") if row.satisfaction else "",
        ]
