"""Opening an uploaded workbook safely: zip expansion and sheet-size limits, streaming load."""

from __future__ import annotations

import contextlib
import zipfile
from typing import Any

from django.conf import settings
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from bangban.core.errors import FileRejected

from ._common import ZIP_SIGNATURE, _not_xlsx
from .uploads import check_upload_size, human_size, max_upload_bytes


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
