"""Supervision lists, exports and the analysis pack show a unit-bound reader (a county handler)
only the cases it may open: a case led by another unit of the same county appears in the
county's counts, never with its number, title or unit."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from bangban.org.models import Unit, UnitType

from .conftest import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_cases(world: Any) -> dict[str, Any]:
    other = Unit.objects.create(
        code="shuyang-market",
        name="沭阳县市场监督管理局",
        type=UnitType.COUNTY_DEPARTMENT,
        region=world.shuyang,
    )
    common = {
        "dispatched_at": "2026-10-09 10:00",
        "due_at": "2026-10-16 23:59:59",
        "overdue_at": "2026-10-17 00:00",
    }
    return {
        "own": make_case(world.shuyang_gov, "2026-10-09 09:00", title="本单位主办的超期诉求", **common),
        "other": make_case(other, "2026-10-09 09:00", title="县内其他单位主办的超期诉求", **common),
    }


def xlsx_text(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " ".join(str(v) for v in row if v is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def test_a_county_handler_sees_only_the_cases_it_may_open(world: Any, county_cases: Any, login: Any) -> None:
    own, other = county_cases["own"], county_cases["other"]
    handler = login(world.handler_shuyang)
    assert handler.get(f"/cases/{other.pk}/").status_code == 404
    listing = handler.get("/supervision/cases/?month=2026-10").content.decode()
    assert own.number in listing and other.number not in listing and other.title not in listing
    export = xlsx_text(handler.get("/supervision/cases/?month=2026-10&export=xlsx"))
    assert own.number in export and other.number not in export
    pack = handler.get("/supervision/meeting/?month=2026-10").content.decode()
    assert own.number in pack and other.number not in pack and other.title not in pack
    pack_xlsx = xlsx_text(handler.get("/supervision/meeting/?month=2026-10&export=xlsx"))
    assert own.number in pack_xlsx and other.number not in pack_xlsx
    docx = handler.get("/supervision/meeting/?month=2026-10&export=docx")
    document = Document(io.BytesIO(b"".join(docx.streaming_content) if docx.streaming else docx.content))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert own.number in text and other.number not in text
    # The city's 营商办 sees both.
    office = login(world.biz_office).get("/supervision/cases/?month=2026-10").content.decode()
    assert own.number in office and other.number in office
