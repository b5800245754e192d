"""Writing a workbook and streaming it back as a download."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.http import FileResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ._common import XLSX_CONTENT_TYPE

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


# Text starting with one of these is a formula (or becomes one) when a spreadsheet reads or
# re-evaluates it; tab and carriage return are the OWASP additions (they hide a leading "=").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _cell(ws: Any, value: Any) -> Any:
    """Text is always written as text, and stays text after editing (spreadsheet formula
    injection): a value starting with `= + - @` (or tab / CR) is stored as a string cell with the
    "quote prefix" flag and the text number format "@". The flag is what Excel and WPS set when a
    person types a leading apostrophe: the apostrophe shows in the formula bar, not in the value,
    and confirming the cell after editing keeps it text; the "@" format keeps whatever is typed
    there text as well. Control characters Excel rejects are dropped. (openpyxl stores every other
    str as a string cell, so long digit strings such as codes stay exact.)"""
    if isinstance(value, str):
        if not value.isprintable():
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_TRIGGERS):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            cell.number_format = "@"
            return cell
    return value


def _write_sheet(
    ws: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    text_columns: Iterable[int] = (),
) -> None:
    text_cols = set(text_columns)
    for index, header in enumerate(headers):
        width = widths[index] if widths and index < len(widths) else max(10, len(str(header)) * 2 + 4)
        dimension = ws.column_dimensions[get_column_letter(index + 1)]
        dimension.width = width
        if index in text_cols:
            dimension.number_format = "@"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([_cell(ws, value) for value in row])


SheetSpec = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def write_xlsx(
    target: IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet_title: str = "Sheet1",
    *,
    extra_sheets: Sequence[SheetSpec] = (),
    widths: Sequence[int] | None = None,
    text_columns: Iterable[int] = (),
) -> None:
    """Write a workbook (write-only mode: rows go to disk as they come) into a binary file."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title=sheet_title[:31] or "Sheet1")
    ws.freeze_panes = "A2"
    _write_sheet(ws, headers, rows, widths, text_columns)
    for title, extra_headers, extra_rows in extra_sheets:
        _write_sheet(workbook.create_sheet(title=title[:31]), extra_headers, extra_rows)
    workbook.save(target)


def xlsx_response(
    filename: str,
    headers: Sequence[str],
    rows_iterable: Iterable[Sequence[Any]],
    sheet_title: str = "Sheet1",
    *,
    extra_sheets: Sequence[SheetSpec] = (),
    widths: Sequence[int] | None = None,
    text_columns: Iterable[int] = (),
) -> FileResponse:
    """An attachment download of a freshly written workbook. Rows are consumed while writing, so
    the caller's iterator can stream from the database; the finished file is streamed back from a
    temporary file (already unlinked) rather than held in memory. Chinese file names are sent with
    the RFC 5987 `filename*=utf-8''…` form."""
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 — closed by FileResponse when sent
    try:
        write_xlsx(
            tmp,
            headers,
            rows_iterable,
            sheet_title,
            extra_sheets=extra_sheets,
            widths=widths,
            text_columns=text_columns,
        )
        size = tmp.tell()
        tmp.seek(0)
    except BaseException:
        tmp.close()
        raise
    response = FileResponse(tmp, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Content-Length"] = str(size)
    response["Cache-Control"] = "no-store"
    return response
