"""Errors of the working-day calendar (codes are stable: the API returns them)."""

from __future__ import annotations

from bangban.core.errors import ApplicationError, NotFound, ValidationFailed


class YearNotLoaded(ApplicationError):
    code = "year_not_loaded"
    message = "该年度日历尚未载入"


class DayNotAdjusted(NotFound):
    code = "day_not_adjusted"
    message = "该日期没有节假日或调休安排"


class ImportRejected(ValidationFailed):
    """`details` lists the rows: [{"row": 3, "message": "..."}]."""

    code = "import_rejected"
    message = "导入文件有错误，未写入任何数据"
