"""Helpers for the calendar tests: files built in memory, the package calendar loaded, and a fresh
per-process calendar cache for every test (the database is rolled back between tests, the cache is not)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from bangban.workdays import service
from bangban.workdays.loader import load_package_years

# The official 2027 schedule is not in chinesecalendar 1.11.0. This one is invented for the tests
# (shaped like a real notice): New Year, Spring Festival with a make-up Saturday, National Day.
SCHEDULE_2027: list[tuple[str, str, str]] = [
    ("2027-01-01", "节假日", "元旦"),
    ("2027-01-02", "节假日", "元旦"),
    ("2027-01-03", "节假日", "元旦"),
    ("2027-02-06", "节假日", "春节"),
    ("2027-02-07", "节假日", "春节"),
    ("2027-02-08", "节假日", "春节"),
    ("2027-02-09", "节假日", "春节"),
    ("2027-02-10", "节假日", "春节"),
    ("2027-02-11", "节假日", "春节"),
    ("2027-02-12", "节假日", "春节"),
    ("2027-02-20", "调休上班", "春节调休"),
    ("2027-10-01", "节假日", "国庆节"),
    ("2027-10-02", "节假日", "国庆节"),
    ("2027-10-03", "节假日", "国庆节"),
    ("2027-10-04", "节假日", "国庆节"),
    ("2027-10-05", "节假日", "国庆节"),
    ("2027-10-06", "节假日", "国庆节"),
    ("2027-10-07", "节假日", "国庆节"),
    ("2027-10-09", "调休上班", "国庆节调休"),
]


@pytest.fixture(autouse=True)
def fresh_calendar_cache() -> Iterator[None]:
    service.reset_cache()
    yield
    service.reset_cache()


@pytest.fixture
def package_calendar(db: Any) -> list[int]:
    return load_package_years()


def csv_bytes(
    rows: Iterable[Sequence[Any]], headers: Sequence[str] = ("日期", "类型", "名称"), encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def csv_upload(rows: Iterable[Sequence[Any]], name: str = "2027.csv", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, **kwargs), content_type="text/csv")


def xlsx_bytes(rows: Iterable[Sequence[Any]], headers: Sequence[str] = ("日期", "类型", "名称")) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows: Iterable[Sequence[Any]], name: str = "2027.xlsx", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        xlsx_bytes(rows, **kwargs),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def after_of(event: Any) -> dict[str, Any]:
    assert event.after is not None
    return event.after


def before_of(event: Any) -> dict[str, Any]:
    assert event.before is not None
    return event.before
