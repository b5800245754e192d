"""Excel bombs: every uploaded workbook is refused from its ZIP directory, before it is parsed and
within a second — the shared-strings bomb (417 KB expanding to ~170 MB) and the workbook of 5
million blank rows — and sheets are read for a bounded number of rows."""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from bangban.core.errors import FileRejected
from bangban.enterprises.models import ImportBatch
from bangban.workdays.actions import do_import_year

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"


def _workbook_with_strings() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称"])
    ws.append(["913213000000000000", "甲公司"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _replace_member(content: bytes, name: str, chunks: Any) -> bytes:
    """A copy of the workbook whose member `name` is written from `chunks` (streamed, deflated)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename == name:
                continue
            target.writestr(info.filename, source.read(info.filename))
        with target.open(name, "w", force_zip64=True) as member:
            for chunk in chunks:
                member.write(chunk)
    return out.getvalue()


def shared_strings_bomb() -> bytes:
    """~170 MB of shared strings in a few hundred KB."""
    one = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    block = one * 1000
    chunks = [b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    chunks += [block] * 168
    chunks.append(b"</sst>")
    return _replace_member(_workbook_with_strings(), SHARED, chunks)


def blank_rows_workbook(rows: int) -> bytes:
    """A sheet of `rows` empty rows after a header: a worksheet XML of <row/> elements (numbered by
    position, as the format allows)."""

    def chunks() -> Any:
        from bangban.enterprises.importing import REQUIRED_COLUMNS

        header = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in REQUIRED_COLUMNS)
        yield (
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            f"<row>{header}</row>"
        ).encode()
        step = 100_000
        for start in range(0, rows, step):
            yield b"<row/>" * min(step, rows - start)
        yield b"</sheetData></worksheet>"

    return _replace_member(_workbook_with_strings(), SHEET, chunks())


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return shared_strings_bomb()


@pytest.fixture(scope="module")
def five_million_blank_rows() -> bytes:
    return blank_rows_workbook(5_000_000)


def test_the_bombs_are_what_they_claim(bomb: bytes, five_million_blank_rows: bytes) -> None:
    infos = {i.filename: i for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()}
    assert len(bomb) < 1024 * 1024
    assert infos[SHARED].file_size > 160 * 1024 * 1024
    assert len(five_million_blank_rows) < 2 * 1024 * 1024
    sheet = zipfile.ZipFile(io.BytesIO(five_million_blank_rows)).getinfo(SHEET)
    assert sheet.file_size > 25 * 1024 * 1024  # 5 million <row/> elements


def _post_import(client: Any, content: bytes) -> tuple[Any, float]:
    client.get(reverse("enterprises:import"))  # warm up (first request of the process)
    upload = SimpleUploadedFile("企业名录.xlsx", content, content_type=XLSX)
    started = time.monotonic()
    response = client.post(reverse("enterprises:import"), {"file": upload})
    return response, time.monotonic() - started


def test_the_shared_strings_bomb_is_refused_within_a_second(world: Any, login: Any, bomb: bytes) -> None:
    response, elapsed = _post_import(login(world.biz_office), bomb)
    assert response.status_code == 400
    page = response.content.decode()
    assert "compression_ratio_too_high" in page
    assert "文件压缩比异常" in page
    assert elapsed < 1.0
    assert not ImportBatch.objects.exists()


def test_five_million_blank_rows_are_refused_within_a_second(
    world: Any, login: Any, five_million_blank_rows: bytes
) -> None:
    response, elapsed = _post_import(login(world.biz_office), five_million_blank_rows)
    assert response.status_code == 400
    assert "compression_ratio_too_high" in response.content.decode()
    assert elapsed < 1.0
    assert not ImportBatch.objects.exists()


def test_expanded_size_is_bounded_even_at_an_ordinary_ratio(world: Any, login: Any) -> None:
    content = blank_rows_workbook(20_000)
    with override_settings(BANGBAN_XLSX_MAX_UNCOMPRESSED_BYTES=64 * 1024):
        response, _ = _post_import(login(world.biz_office), content)
    assert response.status_code == 400
    assert "uncompressed_too_large" in response.content.decode()
    assert "文件解压后超过 64 KB" in response.content.decode()


def test_rows_are_counted_blank_ones_included_while_streaming(world: Any, login: Any) -> None:
    content = blank_rows_workbook(3_000)
    with override_settings(BANGBAN_XLSX_MAX_SHEET_ROWS=1_000):
        response, _ = _post_import(login(world.biz_office), content)
    assert response.status_code == 400
    page = response.content.decode()
    assert "too_many_rows" in page
    assert "工作表超过 1,000 行（含空行）" in page


def test_the_calendar_import_refuses_the_bomb_too(world: Any, bomb: bytes) -> None:
    upload = SimpleUploadedFile("2027.xlsx", bomb, content_type=XLSX)
    started = time.monotonic()
    with pytest.raises(FileRejected) as caught:
        do_import_year(acting_user=world.admin, year=2027, uploaded_file=upload)
    assert time.monotonic() - started < 1.0
    assert caught.value.code == "compression_ratio_too_high"
