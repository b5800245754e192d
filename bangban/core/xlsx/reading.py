"""Reading a header row plus data rows as dicts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from typing import Any
from xml.etree.ElementTree import iterparse

from openpyxl.utils.datetime import from_excel, from_ISO8601

from bangban.core.errors import FileRejected

from ._common import HEADER_SEARCH_ROWS
from .opening import max_sheet_rows, too_many_sheet_rows

_HEADER_STRIP_RE = re.compile(r"[\s*＊:：]")


def normalize_header(value: Any) -> str:
    """Header cells as people type them: surrounding or inner spaces, a required-mark "*",
    full-width brackets, a trailing colon — all ignored."""
    if value is None:
        return ""
    text = str(value).replace("（", "(").replace("）", ")")
    return _HEADER_STRIP_RE.sub("", text)


def cell_text(value: Any) -> str:
    """A cell value as the text a person sees (numbers without a spurious ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE = f"{_NS}row", f"{_NS}c", f"{_NS}v"
_INLINE, _TEXT, _RUN = f"{_NS}is", f"{_NS}t", f"{_NS}r"


_COLUMNS: dict[str, int] = {}


def _column_index(ref: str) -> int:
    """ "C12" → 2 (0-based)."""
    letters = ref.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + ord(ch) - 64
        index -= 1
        if len(_COLUMNS) < 20000:
            _COLUMNS[letters] = index
    return index


def _fast_rows(ws: Any) -> Iterator[tuple[int, tuple[Any, ...]]] | None:
    """Rows of a read-only worksheet as (excel_row_number, values), parsed straight from the
    sheet XML. openpyxl's own read-only parser builds several objects per cell; this reads the
    same values (shared and inline strings, numbers, booleans, dates by their number format,
    cached formula results) at a fraction of the cost, and drops each row once read. Returns None
    for anything but an openpyxl read-only worksheet (the caller then uses `iter_rows`)."""
    workbook = getattr(ws, "parent", None)
    if not all(hasattr(ws, a) for a in ("_get_source", "_shared_strings")) or workbook is None:
        return None
    if not hasattr(workbook, "_date_formats") or not getattr(workbook, "data_only", False):
        return None

    shared = ws._shared_strings
    date_styles = workbook._date_formats
    timedelta_styles: set[int] = getattr(workbook, "_timedelta_formats", set())
    epoch = workbook.epoch

    def value_of(cell: Any) -> Any:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            parts = []
            for box in cell:
                if box.tag != _INLINE:
                    continue
                for part in box:
                    if part.tag == _TEXT:
                        parts.append(part.text or "")
                    elif part.tag == _RUN:
                        parts.extend(t.text or "" for t in part if t.tag == _TEXT)
            return "".join(parts) if parts else None
        text = None
        for child in cell:
            if child.tag == _VALUE:
                text = child.text
                break
        if not text:
            return None
        if kind == "n":
            number: Any = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            style = cell.get("s")
            if style is not None and int(style) in date_styles:
                try:
                    return from_excel(number, epoch, timedelta=int(style) in timedelta_styles)
                except (OverflowError, ValueError):
                    return None
            return number
        if kind == "s":
            return shared[int(text)]
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            return from_ISO8601(text)
        return text  # "str" (formula text result), "e" (an error such as #N/A)

    def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:

        limit = max_sheet_rows()
        with ws._get_source() as source:
            last = 0
            for _event, element in iterparse(source):
                if element.tag != _ROW:
                    continue
                number = int(element.get("r") or last + 1)
                last = number
                if number > limit:
                    raise too_many_sheet_rows()
                values: list[Any] = []
                position = -1
                for cell in element:
                    if cell.tag != _CELL:
                        continue
                    ref = cell.get("r")
                    position = _column_index(ref) if ref else position + 1
                    if position >= len(values):
                        values.extend([None] * (position + 1 - len(values)))
                    values[position] = value_of(cell)
                # A cleared row stays in the tree as an empty element (tens of bytes): memory
                # grows by little more than that per row, whatever the width of the sheet.
                element.clear()
                yield number, tuple(values)

    return rows()


def _bounded(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    limit = max_sheet_rows()
    for number, values in rows:
        if number > limit:
            raise too_many_sheet_rows()
        yield number, values


def read_rows(
    ws: Any, required_headers: Sequence[str], optional_headers: Sequence[str] = ()
) -> tuple[dict[str, int], Iterator[tuple[int, dict[str, Any]]]]:
    """Find the header row (within the first rows of the sheet) and stream the data rows below it.

    Returns `(header_map, rows)`: `header_map` maps each known header found to its 0-based column,
    `rows` yields `(excel_row_number, {header: raw cell value})` for every non-empty row, lazily.
    Raises FileRejected(code="missing_columns") naming every required header that is absent."""
    known = [*required_headers, *optional_headers]
    wanted = {normalize_header(h): h for h in known}
    rows = _fast_rows(ws)
    if rows is None:
        if hasattr(ws, "reset_dimensions"):
            # Some generators write a wrong <dimension>; reading without it never truncates columns.
            ws.reset_dimensions()
        rows = _bounded(enumerate(ws.iter_rows(values_only=True), start=1))

    header_map: dict[str, int] = {}
    for number, values in rows:
        found: dict[str, int] = {}
        for index, value in enumerate(values):
            name = wanted.get(normalize_header(value))
            if name is not None and name not in found:
                found[name] = index
        if any(h in found for h in required_headers):
            header_map = found
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    missing = [h for h in required_headers if h not in header_map]
    if missing:
        raise FileRejected(
            "缺少必填列：" + "、".join(missing) + "（请使用导入模板的表头）",
            code="missing_columns",
            details={"missing": missing},
        )
    columns = list(header_map.items())

    def data_rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, values in rows:
            if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            width = len(values)
            yield number, {h: (values[i] if i < width else None) for h, i in columns}

    return header_map, data_rows()
