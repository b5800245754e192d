"""Export of the filtered audit log to .xlsx (openpyxl write-only: rows go to disk as they are
written, so memory stays flat however many events are exported)."""

from __future__ import annotations

import tempfile
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

from .actions import canonical_json
from .display import masked
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


def _cell(ws: Any, value: Any) -> Any:
    """Text stays text: nothing in the log is ever written as a formula or an error value."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("=") or value in ERROR_CODES:
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        return cell
    return value


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    return canonical_json(masked(value))


def write_events(events: QuerySet[AuditEvent], out: IO[bytes], *, title: str = "审计日志") -> int:
    """Write the events (already filtered and ordered) to `out`; returns the number of rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    for index, width in enumerate(COLUMN_WIDTHS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "A2"
    ws.append(HEADER)
    count = 0
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
    for (
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
    ) in rows.iterator(chunk_size=5000):
        if count >= MAX_EXPORT_ROWS:
            ws.append([f"（超过 {MAX_EXPORT_ROWS} 行，其余事件未导出，请缩小筛选范围）"])
            break
        ws.append(
            [
                seq,
                timezone.localtime(at).replace(tzinfo=None),
                _cell(ws, actor_name),
                actor_id,
                _cell(ws, action),
                action_label(action),
                _cell(ws, otype),
                _cell(ws, oid),
                _cell(ws, orepr),
                _cell(ws, _json_text(before)),
                _cell(ws, _json_text(after)),
                ip or "",
                SOURCE_LABELS.get(source, source),
                digest[:16],
            ]
        )
        count += 1
    wb.save(out)
    return count


def export_to_tempfile(events: QuerySet[AuditEvent]) -> tuple[IO[bytes], int]:
    """The workbook in a temporary file (rewound), ready to stream as a response."""
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    count = write_events(events, out)
    out.seek(0)
    return out, count
