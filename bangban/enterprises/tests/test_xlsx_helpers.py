"""The shared Excel helpers (bangban/core/xlsx.py) on their own."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from bangban.core.errors import FileRejected
from bangban.core.xlsx import human_size, normalize_header, open_xlsx, read_rows, write_xlsx, xlsx_response

from .conftest import build_xlsx, response_bytes


def _open(content: bytes, max_bytes: int = 10**7):
    return open_xlsx(SimpleUploadedFile("x.xlsx", content), max_bytes)


def test_human_size():
    assert human_size(20 * 1024 * 1024) == "20 MB"
    assert human_size(1536) == "1.5 KB"
    assert human_size(100) == "100 字节"


def test_size_is_checked_before_reading():
    with pytest.raises(FileRejected) as info:
        _open(b"PK\x03\x04" + b"\0" * 100, max_bytes=50)
    assert info.value.code == "file_too_large"


def test_missing_file():
    with pytest.raises(FileRejected) as info:
        open_xlsx(None, 100)
    assert info.value.code == "file_missing"


def test_header_normalisation():
    assert normalize_header(" 统一社会信用代码 * ") == "统一社会信用代码"
    assert normalize_header("企业名称：") == "企业名称"
    assert normalize_header("成立日期（选填）") == "成立日期(选填)"
    assert normalize_header(None) == ""


def test_read_rows_maps_headers_in_any_order_and_skips_blank_rows():
    content = build_xlsx([["甲", "A1"], [None, None], ["乙", None]], ["名称", "代码"])
    wb = _open(content)
    header_map, rows = read_rows(wb.worksheets[0], ["代码"], ["名称", "备注"])
    assert header_map == {"代码": 1, "名称": 0}
    assert list(rows) == [(2, {"代码": "A1", "名称": "甲"}), (4, {"代码": None, "名称": "乙"})]
    wb.close()


def test_read_rows_names_every_missing_required_header():
    wb = _open(build_xlsx([], ["名称"]))
    with pytest.raises(FileRejected) as info:
        read_rows(wb.worksheets[0], ["代码", "区划"], ["名称"])
    assert info.value.code == "missing_columns"
    assert info.value.message.startswith("缺少必填列：代码、区划")
    wb.close()


def test_read_rows_on_an_empty_sheet():
    wb = _open(build_xlsx([], []))
    with pytest.raises(FileRejected) as info:
        read_rows(wb.worksheets[0], ["代码"])
    assert info.value.code == "missing_columns"
    wb.close()


def test_read_rows_ignores_a_wrong_dimension_record():
    """Files from some generators claim a 1×1 sheet; every column must still be read."""
    wb = Workbook()
    ws = wb.active
    ws.append(["代码", "名称", "区划"])
    ws.append(["1", "甲", "沭阳县"])
    buf = io.BytesIO()
    wb.save(buf)
    raw = buf.getvalue()
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:C2"/>', b'<dimension ref="A1"/>')
            dst.writestr(item, data)
    book = _open(out.getvalue())
    _, rows = read_rows(book.worksheets[0], ["代码", "区划"], ["名称"])
    assert list(rows) == [(2, {"代码": "1", "名称": "甲", "区划": "沭阳县"})]
    book.close()


def test_written_text_never_becomes_a_formula():
    buf = io.BytesIO()
    write_xlsx(buf, ["名称"], [['=HYPERLINK("http://x")'], ["正常\x07文字"]], "表")
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    assert ws["A2"].data_type == "s"
    assert ws["A2"].value == '=HYPERLINK("http://x")'
    assert ws["A3"].value == "正常文字"


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","点击")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1"]
)
def test_formula_like_text_stays_text_even_after_editing(text):
    """Stored as text with the quote-prefix flag (Excel's and WPS's leading apostrophe) and the
    text format, so confirming the cell after editing it does not turn it into a formula."""
    buf = io.BytesIO()
    write_xlsx(buf, ["名称", "数"], [[text, 5], ["普通文字", -3]], "表")
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    cell = ws["A2"]
    assert (cell.value, cell.data_type) == (text, "s")
    assert cell.quotePrefix is True
    assert cell.number_format == "@"
    assert ws["B3"].value == -3 and ws["B3"].data_type == "n"  # numbers are untouched
    assert not ws["A3"].quotePrefix
    raw = zipfile.ZipFile(io.BytesIO(buf.getvalue())).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in raw


def test_text_columns_keep_long_digit_strings_exact():
    buf = io.BytesIO()
    write_xlsx(buf, ["代码", "数"], [["914403001922038216", 5]], "表", text_columns=[0])
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    assert ws["A2"].value == "914403001922038216"
    assert ws["A2"].data_type == "s"
    assert ws.column_dimensions["A"].number_format == "@"  # what people type there stays text
    assert ws["B2"].value == 5


def test_response_streams_a_file_with_an_rfc5987_name():
    response = xlsx_response("企业名录 2024.xlsx", ["a"], iter([[1], [2]]), "表")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert unquote(disposition.split("''", 1)[1]) == "企业名录 2024.xlsx"
    content = response_bytes(response)
    assert int(response["Content-Length"]) == len(content)
    ws = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in ws["A"]] == ["a", 1, 2]


def test_response_with_extra_sheets():
    response = xlsx_response("t.xlsx", ["a"], [], "主表", extra_sheets=[("说明", ["x"], [["y"]])])
    wb = load_workbook(io.BytesIO(response_bytes(response)))
    assert wb.sheetnames == ["主表", "说明"]
    assert response["Content-Disposition"] == 'attachment; filename="t.xlsx"'
