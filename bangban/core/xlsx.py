"""Excel (.xlsx) helpers shared by every import and export: size-limited uploads, opening an
uploaded workbook safely, reading a header row plus data rows as dicts, and streaming a
write-only workbook back as a download.

Large files never sit in memory: uploads past 2.5 MB are streamed to a temporary file by Django,
uploads past the limit are dropped chunk by chunk while they arrive (`limit_upload_size`),
workbooks are read with openpyxl's read-only (streaming) parser and written in write-only mode
to a temporary file that the response then streams from disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import wraps
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from bangban.core.errors import FileRejected

__all__ = [
    "XLSX_CONTENT_TYPE",
    "ZIP_SIGNATURE",
    "UploadLimitHandler",
    "cell_text",
    "check_upload_size",
    "check_zip_expansion",
    "human_size",
    "limit_upload_size",
    "max_upload_bytes",
    "normalize_header",
    "open_xlsx",
    "read_rows",
    "too_large_error",
    "upload_was_too_large",
    "write_xlsx",
    "xlsx_response",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_SIGNATURE = b"PK\x03\x04"
NOT_XLSX_MESSAGE = "文件不是有效的 Excel（.xlsx）文件，请用 Excel 或 WPS 另存为“.xlsx”格式后重新上传"

# How far down a sheet the header row may sit (title rows above it are common in 台账).
HEADER_SEARCH_ROWS = 10

# Attribute set on the request when `UploadLimitHandler` dropped an oversized file.
OVERSIZED_FLAG = "_bangban_upload_too_large"

# The codes `open_xlsx` and the size checks refuse an upload with (`FileRejected`, 400): what an
# import operation of the API declares.
UPLOAD_REFUSALS = (
    "file_missing", "file_too_large", "not_xlsx", "missing_columns", "too_many_rows",
    "uncompressed_too_large", "compression_ratio_too_high",
)  # fmt: skip


def max_upload_bytes() -> int:
    return int(getattr(settings, "BANGBAN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def human_size(num_bytes: int) -> str:
    """20971520 → "20 MB"; 1536 → "1.5 KB"."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if num_bytes >= factor:
            value = num_bytes / factor
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
    return f"{num_bytes} 字节"


def too_large_error(max_bytes: int) -> FileRejected:
    """The refusal of a file above `max_bytes` (code file_too_large)."""
    return FileRejected(
        f"文件超过 {human_size(max_bytes)}，请拆分为多个文件后分批上传",
        code="file_too_large",
        details={"max_bytes": max_bytes},
    )


def _not_xlsx() -> FileRejected:
    return FileRejected(NOT_XLSX_MESSAGE, code="not_xlsx")


# --- uploads ------------------------------------------------------------------------------------


class UploadLimitHandler(FileUploadHandler):
    """Drops any uploaded file that grows past `max_bytes` while it is being received, so an
    oversized upload is neither kept in memory nor written to disk. The rest of the form is still
    parsed (the CSRF token stays readable); the view sees the file missing and the flag set."""

    def __init__(self, request: HttpRequest, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: Any,
        *args: Any,
        **kwargs: Any,
    ) -> None:  # type: ignore[override]
        if content_length is not None and int(content_length) > self.max_bytes:
            setattr(self.request, OVERSIZED_FLAG, True)
            raise SkipFile()
        super().new_file(field_name, file_name, content_type, content_length, *args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.max_bytes:
            setattr(self.request, OVERSIZED_FLAG, True)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def limit_upload_size(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate an upload view so oversized files are dropped while they arrive.

    Upload handlers can only be changed before the body is parsed, and the CSRF middleware parses
    it; hence the documented pattern: exempt the outer view, install the handler, then run the
    CSRF check on the inner one. Put `login_required` above this decorator."""

    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and not hasattr(request, "_files"):
            handlers = request.upload_handlers
            if isinstance(handlers, list):
                handlers.insert(0, UploadLimitHandler(request, max_upload_bytes()))
        return protected(request, *args, **kwargs)

    return wrapper


def upload_was_too_large(request: HttpRequest) -> bool:
    """Whether `UploadLimitHandler` dropped a file of this request (parses the body if needed)."""
    _ = request.FILES  # the handler only runs while the body is parsed
    return bool(getattr(request, OVERSIZED_FLAG, False))


def check_upload_size(uploaded_file: Any, max_bytes: int) -> None:
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise too_large_error(max_bytes)


def _head(uploaded_file: Any, length: int) -> bytes:
    fileobj = getattr(uploaded_file, "file", uploaded_file)
    try:
        fileobj.seek(0)
        head = fileobj.read(length)
        fileobj.seek(0)
    except (OSError, ValueError) as exc:
        raise _not_xlsx() from exc
    return head if isinstance(head, bytes) else b""


def max_uncompressed_bytes() -> int:
    return int(getattr(settings, "BANGBAN_XLSX_MAX_UNCOMPRESSED_BYTES", 256 * 1024 * 1024))


def max_compression_ratio() -> int:
    return int(getattr(settings, "BANGBAN_XLSX_MAX_RATIO", 100))


def max_sheet_rows() -> int:
    return int(getattr(settings, "BANGBAN_XLSX_MAX_SHEET_ROWS", 300_000))


# Members smaller than this are never refused for their ratio: tiny XML parts compress very well.
RATIO_FLOOR_BYTES = 1024 * 1024


def check_zip_expansion(fileobj: Any) -> None:
    """Refuse a workbook that would expand too much, before any of it is parsed (zip bombs).

    Reads only the ZIP central directory: the declared uncompressed size of every member (summed,
    at most `BANGBAN_XLSX_MAX_UNCOMPRESSED_BYTES`) and each member's compression ratio (at most
    `BANGBAN_XLSX_MAX_RATIO` for members over 1 MB; real workbooks stay well under 30). Python's
    zipfile never inflates a member past its declared size (a lying header fails its CRC check),
    so the declared sizes bound what openpyxl will read."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _not_xlsx() from exc
    finally:
        with contextlib.suppress(OSError, ValueError):
            fileobj.seek(0)
    limit = max_uncompressed_bytes()
    total = 0
    for member in members:
        total += member.file_size
        if total > limit:
            raise FileRejected(
                f"文件解压后超过 {human_size(limit)}，可能是异常文件；请删除多余的空行、空列和格式后重新上传",
                code="uncompressed_too_large",
                details={"max_uncompressed_bytes": limit},
            )
        if member.file_size > RATIO_FLOOR_BYTES:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > max_compression_ratio():
                raise FileRejected(
                    "文件压缩比异常（解压后的内容是文件大小的 "
                    f"{int(ratio)} 倍），可能含有大量空行或重复内容；请删除多余的空行和格式后重新上传",
                    code="compression_ratio_too_high",
                    details={"member": member.filename, "ratio": int(ratio)},
                )


def too_many_sheet_rows() -> FileRejected:
    limit = max_sheet_rows()
    return FileRejected(
        f"工作表超过 {limit:,} 行（含空行），请删除多余的空行或拆分为多个文件后分批上传",
        code="too_many_rows",
        details={"max_rows": limit},
    )


def open_xlsx(uploaded_file: Any, max_bytes: int | None = None) -> Any:
    """Open an uploaded .xlsx for streaming reads (openpyxl read-only mode, cached values).

    Checks, in order: the size (`file_too_large`, nothing is read), the ZIP signature, the expanded
    size and compression ratio from the ZIP directory (`uncompressed_too_large`,
    `compression_ratio_too_high`, nothing is inflated) and then whether openpyxl can open it as a workbook (`not_xlsx`: renamed .xls/.csv/.txt/.docx files,
    truncated downloads). The caller must `close()` the workbook."""
    if max_bytes is None:
        max_bytes = max_upload_bytes()
    if uploaded_file is None:
        raise FileRejected("请选择要上传的 Excel 文件", code="file_missing")
    check_upload_size(uploaded_file, max_bytes)
    if _head(uploaded_file, len(ZIP_SIGNATURE)) != ZIP_SIGNATURE:
        raise _not_xlsx()
    source = getattr(uploaded_file, "file", uploaded_file)
    check_zip_expansion(source)
    try:
        workbook = _load_streaming_workbook(source)
    except Exception as exc:  # zip, XML and openpyxl errors of every kind: not a workbook we can read
        raise _not_xlsx() from exc
    if not workbook.worksheets:
        workbook.close()
        raise _not_xlsx()
    return workbook


def _load_streaming_workbook(source: Any) -> Any:
    """openpyxl's read-only `load_workbook`, minus two costs irrelevant to streaming rows: sheet
    dimensions (for a file without a <dimension> record, as openpyxl itself writes them, openpyxl
    parses the whole sheet once just to size it) and document properties, theme and names."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class StreamingWorksheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            return None

    reader = ExcelReader(source, read_only=True, keep_vba=False, data_only=True, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                continue
            ws = StreamingWorksheet(reader.wb, sheet.name, rel.target, reader.shared_strings)
            ws.sheet_state = sheet.state
            reader.wb._sheets.append(ws)
    except BaseException:
        reader.archive.close()
        raise
    return reader.wb


# --- reading ------------------------------------------------------------------------------------

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
    from openpyxl.utils.datetime import from_excel, from_ISO8601

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
        from xml.etree.ElementTree import iterparse

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


# --- writing ------------------------------------------------------------------------------------

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
