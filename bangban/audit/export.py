"""Export of the filtered audit log to .xlsx through `bangban.core.exports` (written as rows
stream from the database; a large log is written by a worker with a progress page)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from bangban.core.errors import ValidationFailed
from bangban.core.exports import ExportPlan

from .access import require_audit_reader, visible_events
from .actions import canonical_json, record
from .display import masked
from .filters import AuditEventFilter
from .labels import SOURCE_LABELS, action_label
from .models import AuditEvent

# Excel holds 1,048,576 rows per sheet; the header and a possible truncation note take two.
MAX_EXPORT_ROWS = 1_048_574

HEADER = [
    "序号",
    "时间",
    "操作人",
    "操作人ID",
    "动作",
    "动作说明",
    "对象类型",
    "对象ID",
    "对象",
    "变更前",
    "变更后",
    "来源IP",
    "来源",
    "哈希",
]
COLUMN_WIDTHS = [9, 20, 14, 10, 24, 14, 20, 10, 30, 50, 50, 16, 8, 20]


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    return canonical_json(masked(value))


def event_rows(events: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    """The rows of the events (already filtered and ordered), personal data masked; past what a
    sheet holds, a last row says the rest was left out."""
    rows = events.values_list(
        "seq",
        "at",
        "actor_name",
        "actor_id",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "ip",
        "source",
        "hash",
    )
    for count, (
        seq,
        at,
        actor_name,
        actor_id,
        action,
        otype,
        oid,
        orepr,
        before,
        after,
        ip,
        source,
        digest,
    ) in enumerate(rows.iterator(chunk_size=5000)):
        if count >= MAX_EXPORT_ROWS:
            yield [f"（超过 {MAX_EXPORT_ROWS} 行，其余事件未导出，请缩小筛选范围）"]
            return
        yield [
            seq,
            timezone.localtime(at).replace(tzinfo=None),
            actor_name,
            actor_id,
            action,
            action_label(action),
            otype,
            oid,
            orepr,
            _json_text(before),
            _json_text(after),
            ip or "",
            SOURCE_LABELS.get(source, source),
            digest[:16],
        ]


def export_plan(user: Any, params: QueryDict) -> ExportPlan:
    """The audit log with the filter in `params` (registered as "audit"); only audit readers."""
    require_audit_reader(user)
    filters = AuditEventFilter.from_params(params)
    if filters.errors:
        raise ValidationFailed("；".join(filters.errors.values()), code="invalid_filter")
    events = filters.apply(visible_events(user)).order_by("seq")

    def audit_export(count: int) -> None:
        record(
            "audit.export",
            actor=user,
            object_type="audit.auditevent",
            object_repr="审计日志导出",
            after={"filters": filters.as_params(), "rows": min(count, MAX_EXPORT_ROWS)},
        )

    return ExportPlan(
        filename=f"审计日志_{timezone.localtime():%Y%m%d_%H%M%S}.xlsx",
        sheet_title="审计日志",
        headers=HEADER,
        rows=event_rows(events),
        total=min(events.count(), MAX_EXPORT_ROWS),
        record=audit_export,
        widths=COLUMN_WIDTHS,
    )
