"""Helpers for the enterprise tests: Excel files built in memory, rows of valid data, and a county
editor (a 单位负责人 of 沭阳县) next to the shared cast of bangban/conftest.py."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from bangban.accounts.roles import Role
from bangban.conftest import make_user
from bangban.enterprises.uscc import make_uscc

HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "所属区划",
    "行业门类",
    "企业规模",
    "企业层级",
    "法定代表人",
    "地址",
    "成立日期",
    "工作联络员",
    "联络员手机",
    "企业联系电话",
]


def code(serial: int, county: str = "321322") -> str:
    """A valid USCC that does not collide with the shared world's enterprises."""
    return make_uscc(f"91{county}MB{serial:07d}")


def row(serial: int, **overrides: Any) -> dict[str, Any]:
    values = {
        "统一社会信用代码": code(serial),
        "企业名称": f"沭阳测试{serial}号有限公司",
        "所属区划": "沭阳县",
        "行业门类": "C",
        "企业规模": "小型",
        "企业层级": "一般",
        "法定代表人": "王五",
        "地址": f"沭阳县人民路{serial}号",
        "成立日期": "2019-03-01",
        "工作联络员": "赵六",
        "联络员手机": f"139{serial:08d}",
        "企业联系电话": "0527-83000000",
    }
    values.update(overrides)
    return values


def build_xlsx(
    rows: Iterable[dict[str, Any] | Sequence[Any]],
    headers: Sequence[str] = HEADERS,
    *,
    title_rows: Sequence[Sequence[Any]] = (),
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业"
    for title in title_rows:
        ws.append(list(title))
    ws.append(list(headers))
    for item in rows:
        if isinstance(item, dict):
            ws.append([item.get(h) for h in headers])
        else:
            ws.append(list(item))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(content: bytes, name: str = "企业名录.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def read_xlsx(content: bytes, sheet: int = 0) -> list[list[Any]]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [list(r) for r in wb.worksheets[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def response_bytes(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def head_shuyang(world: Any) -> Any:
    """A 单位负责人 of 沭阳县: may edit and import enterprises of 沭阳县 only, sees phones masked."""
    return make_user("head_sy", Role.UNIT_HEAD, unit=world.shuyang_gov, full_name="沭阳单位负责人")
