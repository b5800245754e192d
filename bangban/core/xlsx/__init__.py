"""Excel (.xlsx) helpers shared by every import and export: size-limited uploads, opening an
uploaded workbook safely, reading a header row plus data rows as dicts, and streaming a
write-only workbook back as a download.

Large files never sit in memory: uploads past 2.5 MB are streamed to a temporary file by Django,
uploads past the limit are dropped chunk by chunk while they arrive (`limit_upload_size`),
workbooks are read with openpyxl's read-only (streaming) parser and written in write-only mode
to a temporary file that the response then streams from disk.
"""

from __future__ import annotations

from ._common import (
    HEADER_SEARCH_ROWS,
    NOT_XLSX_MESSAGE,
    OVERSIZED_FLAG,
    UPLOAD_REFUSALS,
    XLSX_CONTENT_TYPE,
    ZIP_SIGNATURE,
)
from .opening import (
    RATIO_FLOOR_BYTES,
    check_zip_expansion,
    max_compression_ratio,
    max_sheet_rows,
    max_uncompressed_bytes,
    open_xlsx,
    too_many_sheet_rows,
)
from .reading import cell_text, normalize_header, read_rows
from .uploads import (
    UploadLimitHandler,
    check_upload_size,
    human_size,
    limit_upload_size,
    max_upload_bytes,
    too_large_error,
    upload_was_too_large,
)
from .writing import FORMULA_TRIGGERS, SheetSpec, write_xlsx, xlsx_response

__all__ = [
    "FORMULA_TRIGGERS",
    "HEADER_SEARCH_ROWS",
    "NOT_XLSX_MESSAGE",
    "OVERSIZED_FLAG",
    "RATIO_FLOOR_BYTES",
    "UPLOAD_REFUSALS",
    "XLSX_CONTENT_TYPE",
    "ZIP_SIGNATURE",
    "SheetSpec",
    "UploadLimitHandler",
    "cell_text",
    "check_upload_size",
    "check_zip_expansion",
    "human_size",
    "limit_upload_size",
    "max_compression_ratio",
    "max_sheet_rows",
    "max_uncompressed_bytes",
    "max_upload_bytes",
    "normalize_header",
    "open_xlsx",
    "read_rows",
    "too_large_error",
    "too_many_sheet_rows",
    "upload_was_too_large",
    "write_xlsx",
    "xlsx_response",
]
