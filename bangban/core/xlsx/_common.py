"""Constants and helpers the xlsx submodules share."""

from __future__ import annotations

from bangban.core.errors import FileRejected

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


def _not_xlsx() -> FileRejected:
    return FileRejected(NOT_XLSX_MESSAGE, code="not_xlsx")
