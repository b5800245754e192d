"""Reading a year's official calendar from an .xlsx or .csv file (no database here).

Columns (first non-empty row is the header, any order): 日期 (required), 类型 (required),
名称 (optional). 类型: 节假日 / 休息 / 放假 / holiday → holiday; 调休上班 / 上班 / 补班 / workday → workday.
CSV files may be UTF-8 (with or without BOM) or GBK/GB18030 (what Excel on Chinese Windows saves).

Every problem is reported per row (row numbers as the spreadsheet shows them); a file with any
error is not imported at all. A weekend day declared 节假日 is normal (a holiday block over a
weekend). A Monday–Friday day declared 调休上班 is already a working day: it is accepted and stored
as given, with a warning, since it usually means a mistyped date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from bangban.core.errors import FileRejected
from bangban.core.xlsx import check_zip_expansion

from .models import DayKind

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "KIND_WORDS",
    "ParsedCalendar",
    "RowError",
    "UnreadableFile",
    "parse_calendar_file",
    "template_workbook",
]

ACCEPTED_EXTENSIONS = (".xlsx", ".csv")
MAX_ROWS = 1000
NAME_MAX_LENGTH = 40

KIND_WORDS = {
    "节假日": DayKind.HOLIDAY,
    "假日": DayKind.HOLIDAY,
    "休息": DayKind.HOLIDAY,
    "休息日": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "holiday": DayKind.HOLIDAY,
    "调休上班": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "补班": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "工作日": DayKind.WORKDAY,
    "workday": DayKind.WORKDAY,
}
HEADER_WORDS = {
    "日期": "date",
    "date": "date",
    "类型": "kind",
    "kind": "kind",
    "type": "kind",
    "名称": "name",
    "name": "name",
    "节日": "name",
    "说明": "name",
}
WEEKDAYS = "一二三四五六日"


class UnreadableFile(Exception):
    """The file as a whole cannot be used (type, encoding, header). `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "message": self.message}


@dataclass
class ParsedCalendar:
    year: int
    days: dict[dt.date, tuple[str, str]] = field(default_factory=dict)
    """{date: (kind, name)} — only meaningful when `errors` is empty."""
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


def _extension(filename: str) -> str:
    name = (filename or "").lower().strip()
    return name[name.rfind(".") :] if "." in name else ""


def _decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableFile(
            "unknown_encoding", "无法识别 CSV 文件的编码：请另存为“CSV UTF-8”或 GBK 编码后重新上传"
        ) from None


def _read_rows(filename: str, data: bytes) -> list[list[Any]]:
    ext = _extension(filename)
    if ext not in ACCEPTED_EXTENSIONS:
        raise UnreadableFile(
            "unsupported_file_type", "只接受 .xlsx（Excel）或 .csv 文件；.xls 等旧格式请先另存为 .xlsx"
        )
    if not data:
        raise UnreadableFile("empty_file", "上传的文件是空的")
    if ext == ".csv":
        if b"\x00" in data[:4096]:
            raise UnreadableFile("unreadable_file", "该文件不是文本格式的 CSV 文件")
        text = _decode_csv(data)
        try:
            return [row for row in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as exc:
            raise UnreadableFile("unreadable_file", f"CSV 文件格式有误：{exc}") from None

    try:
        check_zip_expansion(io.BytesIO(data))
    except FileRejected as exc:
        if exc.code == "not_xlsx":
            raise UnreadableFile(
                "unreadable_file", "无法读取该 Excel 文件：请确认是 .xlsx 格式且未加密"
            ) from None
        raise UnreadableFile(exc.code, exc.message) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, xml, key errors) for a bad file
        raise UnreadableFile(
            "unreadable_file", "无法读取该 Excel 文件：请确认是 .xlsx 格式且未加密"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[Any]] = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 50:
                break
        return rows
    finally:
        workbook.close()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_DATE_PATTERN = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT_PATTERN = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_day(value: Any) -> dt.date | None:
    """A date cell: a real date, `2027-01-01`, `2027/1/1`, `2027年1月1日`, `20270101`, or an
    Excel serial number. None when it is none of these."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = int(value)
        if number != value:
            return None
        if 19000101 <= number <= 29991231:
            value = str(number)
        elif 1 <= number <= 2958465:
            return _EXCEL_EPOCH + dt.timedelta(days=number)
        else:
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    # "2027-01-01 00:00:00" as written by some exports
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    match = _DATE_PATTERN.match(text) or _COMPACT_PATTERN.match(text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_map(header: list[Any]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        key = HEADER_WORDS.get(_cell_text(cell).replace(" ", "").lower())
        if key and key not in columns:
            columns[key] = position
    return columns


def parse_calendar_file(year: int, filename: str, data: bytes) -> ParsedCalendar:
    """Read and check one year's calendar. Raises UnreadableFile for a file that cannot be used at
    all; row problems are collected in `errors` (nothing may be written when there are any)."""
    rows = _read_rows(filename, data)
    numbered = [(i, row) for i, row in enumerate(rows, start=1) if not all(_is_blank(c) for c in row)]
    if not numbered:
        raise UnreadableFile("empty_file", "文件中没有任何内容：第一行应为表头“日期、类型、名称”")
    header_row, header = numbered[0]
    columns = _header_map(header)
    missing = [label for key, label in (("date", "日期"), ("kind", "类型")) if key not in columns]
    if missing:
        raise UnreadableFile(
            "missing_columns",
            f"第 {header_row} 行（表头）缺少必需的列：{'、'.join(missing)}；表头应为“日期、类型、名称”",
        )
    body = numbered[1:]
    if len(body) > MAX_ROWS:
        raise UnreadableFile("too_many_rows", f"数据行过多（超过 {MAX_ROWS} 行）：一个年度的调整日不会这么多")

    result = ParsedCalendar(year=year)
    seen: dict[dt.date, int] = {}

    def cell(row: list[Any], key: str) -> Any:
        position = columns.get(key)
        if position is None or position >= len(row):
            return None
        return row[position]

    for number, row in body:
        raw_date, raw_kind, raw_name = cell(row, "date"), cell(row, "kind"), cell(row, "name")
        problems: list[str] = []
        day = None
        if _is_blank(raw_date):
            problems.append("缺少日期")
        else:
            day = parse_day(raw_date)
            if day is None:
                problems.append(f"日期“{_cell_text(raw_date)[:30]}”无法识别（应为 {year}-01-01 这样的格式）")
            elif day.year != year:
                problems.append(f"日期 {day.isoformat()} 不在 {year} 年内")
                day = None
        kind = KIND_WORDS.get(_cell_text(raw_kind).replace(" ", "").lower())
        if _is_blank(raw_kind):
            problems.append("缺少类型（节假日 或 调休上班）")
        elif kind is None:
            problems.append(f"类型“{_cell_text(raw_kind)[:20]}”无法识别（应为 节假日 或 调休上班）")
        name = _cell_text(raw_name)
        if len(name) > NAME_MAX_LENGTH:
            problems.append(f"名称超过 {NAME_MAX_LENGTH} 个字")
        if day is not None:
            if day in seen:
                problems.append(f"日期 {day.isoformat()} 与第 {seen[day]} 行重复")
            else:
                seen[day] = number
        if problems:
            result.errors.append(RowError(number, "；".join(problems)))
            continue
        assert day is not None and kind is not None
        if kind == DayKind.WORKDAY and day.weekday() < 5:
            result.warnings.append(
                RowError(
                    number,
                    f"{day.isoformat()} 是星期{WEEKDAYS[day.weekday()]}，本来就是工作日，"
                    "标为调休上班不改变计算结果；请核对日期是否有误",
                )
            )
        result.days[day] = (kind, name)
    if not body:
        result.errors.append(RowError(header_row, "文件中只有表头，没有任何日期"))
    return result


def template_workbook(year: int, days: list[tuple[dt.date, str, str]] | None = None) -> bytes:
    """An .xlsx to fill in: sheet 1 is what is imported (pre-filled with `days` when given),
    sheet 2 explains the columns."""

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"{year}年日历"
    sheet.append(["日期", "类型", "名称"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for day, kind, name in days or []:
        sheet.append([day, "节假日" if kind == DayKind.HOLIDAY else "调休上班", name])
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 24
    validation = DataValidation(type="list", formula1='"节假日,调休上班"', allow_blank=False)
    validation.add("B2:B500")
    sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明")
    for line in [
        [f"{year} 年工作日历导入模板（只导入第一个工作表）"],
        [],
        ["列", "说明"],
        ["日期", f"必填，必须在 {year} 年内，如 {year}-10-01；每个日期只能出现一次"],
        ["类型", "必填：节假日（放假休息，周末也要列出）或 调休上班（周末补班）"],
        ["名称", "选填，如：国庆节、国庆节调休"],
        [],
        ["导入会整体替换该年度已有的节假日和调休安排；只需列出与“周一至周五上班、周末休息”不同的日子。"],
        ["依据国务院办公厅每年 11 月前后公布的下一年度部分节假日安排通知填写。"],
        [],
        ["示例", ""],
        [f"{year}-10-01", "节假日", "国庆节"],
        [f"{year}-10-10", "调休上班", "国庆节调休"],
    ]:
        notes.append(line)
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
