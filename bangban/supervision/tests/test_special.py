"""专项督查 (R14.1) of mayor-channel cases and meeting decisions, and 负面典型案例 in a 通报 (R14.2):
through the API and the pages, as 营商办 and as others."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from bangban.audit.models import AuditEvent
from bangban.escalation.models import MayorReview, Meeting, MeetingTask, SupervisionOrder
from bangban.supervision.models import Notice, SpecialInspection

from .conftest import at, make_case

pytestmark = pytest.mark.django_db


def post(client: Any, url: str, body: Any = None) -> Any:
    return client.post(
        f"/api/v1/supervision{url}", data=json.dumps(body or {}), content_type="application/json"
    )


@pytest.fixture
def matters(world: Any) -> dict[str, Any]:
    """A mayor-channel case of 沭阳 (with a 督办 order), a hotline case, and a meeting decision."""
    mayor = make_case(
        world.shuyang_gov,
        "2026-10-09 09:00",
        channel="mayor",
        title="厂区道路迟迟未修",
        due_at="2026-10-16 18:00",
    )
    MayorReview.objects.create(ticket=mayor, collected_at=at("2026-10-09 09:05"), stage="dispatched")
    SupervisionOrder.objects.create(
        kind="supervise", ticket=mayor, unit=world.shuyang_gov, content="请加快", issued_by=world.biz_office,
        issued_at=at("2026-10-20 09:00"), workdays=3, due_at=at("2026-10-23 18:00"),
    )  # fmt: skip
    hotline = make_case(world.approval_bureau, "2026-10-10 09:00", title="营业执照办理慢")
    meeting = Meeting.objects.create(
        type="executive", title="常务副市长会办会", held_at=at("2026-10-12 15:00"), chair=world.biz_office,
        created_by=world.biz_office, created_at=at("2026-10-11 09:00"), status="held",
    )  # fmt: skip
    task = MeetingTask.objects.create(
        meeting=meeting, content="协调解决用电增容", owner_unit=world.approval_bureau, workdays=5,
        due_at=at("2026-10-19 18:00"), created_at=at("2026-10-12 17:00"),
    )  # fmt: skip
    return {"mayor": mayor, "hotline": hotline, "task": task}


def test_special_inspection_journey_through_the_api(world: Any, login: Any, matters: dict[str, Any]) -> None:
    client = login(world.biz_office)
    created = post(
        client, "/special", {"title": "2026年四季度市长直通车专项督查", "basis": "逐件核查办理实效"}
    )
    assert created.status_code == 201, created.content
    sid, version = created.json()["id"], created.json()["version"]
    assert created.json()["status"] == "planned"

    # A case that did not come through the mayor's channel is refused, and nothing is taken in.
    refused = post(
        client,
        f"/special/{sid}/items",
        {"case_numbers": [matters["mayor"].number, matters["hotline"].number]},
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "special_out_of_scope"
    assert (
        matters["hotline"].number in refused.json()["message"]
        and "不是市长直通车诉求" in refused.json()["message"]
    )
    unknown = post(client, f"/special/{sid}/items", {"task_ids": [999999]})
    assert unknown.json()["code"] == "special_out_of_scope"
    assert client.get(f"/api/v1/supervision/special/{sid}").json()["items"] == []
    # Starting an empty inspection is refused.
    assert post(client, f"/special/{sid}/start").json()["code"] == "special_items_empty"

    added = post(
        client,
        f"/special/{sid}/items",
        {"case_numbers": [matters["mayor"].number], "task_ids": [matters["task"].pk], "version": version},
    )
    assert added.status_code == 200, added.content
    items = {i["kind"]: i for i in added.json()["items"]}
    assert items["mayor"]["case_number"] == matters["mayor"].number
    assert items["mayor"]["unit"] == "沭阳县人民政府"
    assert items["mayor"]["orders"] == 1 and items["mayor"]["orders_open"] == 1
    assert items["mayor"]["overdue"] is True  # due 16 October, still open
    assert items["meeting"]["task_id"] == matters["task"].pk and "用电增容" in items["meeting"]["title"]
    # A stale version is refused.
    stale = post(client, f"/special/{sid}/start", {"version": version})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"

    assert post(client, f"/special/{sid}/start").json()["status"] == "active"
    # The list is fixed once started.
    again = post(client, f"/special/{sid}/items", {"case_numbers": [matters["mayor"].number]})
    assert again.status_code == 409 and again.json()["code"] == "special_not_planned"
    # Closing before every item has a conclusion is refused.
    assert post(client, f"/special/{sid}/close").json()["code"] == "special_items_pending"
    no_finding = post(client, f"/special/{sid}/items/{items['mayor']['id']}/check", {"verdict": "lagging"})
    assert no_finding.status_code == 400 and no_finding.json()["code"] == "finding_required"
    post(
        client,
        f"/special/{sid}/items/{items['mayor']['id']}/check",
        {"verdict": "lagging", "finding": "道路仍未修复"},
    )
    checked = post(client, f"/special/{sid}/items/{items['meeting']['id']}/check", {"verdict": "done"})
    assert {i["verdict"] for i in checked.json()["items"]} == {"lagging", "done"}

    preview = client.get(f"/api/v1/supervision/special/{sid}/report").json()
    assert preview["final"] is False
    closed = post(client, f"/special/{sid}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    report = client.get(f"/api/v1/supervision/special/{sid}/report").json()
    assert report["final"] is True
    assert (
        report["totals"]["items"] == 2 and report["totals"]["mayor"] == 1 and report["totals"]["meeting"] == 1
    )
    assert report["totals"]["verdict_lagging"] == 1 and report["totals"]["verdict_done"] == 1
    text = json.dumps(report["sections"], ensure_ascii=False)
    assert "道路仍未修复" in text and "推进滞后1项" in text
    assert post(client, f"/special/{sid}/close").json()["code"] == "special_not_active"

    actions = list(
        AuditEvent.objects.filter(action__startswith="supervision.special")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "supervision.special_create", "supervision.special_items", "supervision.special_start",
        "supervision.special_check", "supervision.special_check", "supervision.special_close",
    ]  # fmt: skip


def test_special_inspection_pages_list_search_report_and_exports(
    world: Any, login: Any, matters: dict[str, Any]
) -> None:
    client = login(world.biz_office)
    assert "暂无专项督查" in client.get("/supervision/special/").content.decode()
    bad = client.post("/supervision/special/", {"title": ""})
    assert bad.status_code == 400 and "请填写督查名称" in bad.content.decode()
    response = client.post("/supervision/special/", {"title": "会议议定事项专项督查"})
    inspection = SpecialInspection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/special/{inspection.pk}/"
    SpecialInspection.objects.create(
        title="另一项督查", created_by=world.biz_office, created_at=at("2026-10-01 09:00")
    )
    page = client.get("/supervision/special/?q=会议议定").content.decode()
    assert "会议议定事项专项督查" in page and "另一项督查" not in page

    detail = client.get(f"/supervision/special/{inspection.pk}/").content.decode()
    assert matters["mayor"].number in detail and "协调解决用电增容" in detail
    assert matters["hotline"].number not in detail  # not a candidate
    refused = client.post(
        f"/supervision/special/{inspection.pk}/items/", {"numbers": matters["hotline"].number}, follow=True
    )
    assert "不是市长直通车诉求" in refused.content.decode()
    client.post(
        f"/supervision/special/{inspection.pk}/items/",
        {"case": matters["mayor"].number, "task": matters["task"].pk},
    )
    assert inspection.items.count() == 2
    client.post(f"/supervision/special/{inspection.pk}/start/")
    for item in inspection.items.all():
        client.post(
            f"/supervision/special/{inspection.pk}/check/",
            {"item": item.pk, "verdict": "not_done", "finding": "未见进展"},
        )
    closed = client.post(f"/supervision/special/{inspection.pk}/close/")
    assert closed["Location"] == f"/supervision/special/{inspection.pk}/report/"
    report = client.get(closed["Location"]).content.decode()
    assert "办结时形成的督查报告" in report and "未落实2项" in report

    docx = client.get(f"/supervision/special/{inspection.pk}/report/?format=docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(docx.streaming_content))).paragraphs)
    assert "关于会议议定事项专项督查情况的报告" in text and "三、存在问题" in text
    xlsx = client.get(f"/supervision/special/{inspection.pk}/report/?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.cell(1, 3).value == "事项" and sheet.max_row == 3


def test_special_inspection_is_the_business_office_s_alone(world: Any, login: Any) -> None:
    inspection = SpecialInspection.objects.create(
        title="督查", created_by=world.biz_office, created_at=at("2026-10-01 09:00")
    )
    assert login(world.city_handler).get("/supervision/special/").status_code == 403
    assert login(world.city_handler).get(f"/api/v1/supervision/special/{inspection.pk}").status_code == 403
    assert post(login(world.city_handler), "/special", {"title": "x"}).status_code == 403
    assert login(world.enterprise_user).get("/supervision/special/").status_code == 404
    assert login(world.admin).get(f"/supervision/special/{inspection.pk}/").status_code == 200
    assert login(world.biz_office).get("/supervision/special/999999/").status_code == 404


@pytest.fixture
def notice(world: Any) -> Notice:
    return Notice.objects.create(
        kind="inspection", year=2026, month=10, title="关于2026年10月涉企诉求督查情况的通报",
        created_by=world.biz_office, created_at=at("2026-11-02 09:00"),
        content={"salutation": "各单位：", "sections": [
            {"heading": "一、督查情况", "paragraphs": ["督查。"]},
            {"heading": "二、点名通报", "paragraphs": ["无。"]},
            {"heading": "三、工作要求", "paragraphs": ["逐项整改。"]},
        ]},
    )  # fmt: skip


def test_negative_case_is_an_item_of_the_notice(
    world: Any, login: Any, matters: dict[str, Any], notice: Notice
) -> None:
    client = login(world.biz_office)
    post(client, f"/notices/{notice.pk}/review")
    missing = post(client, f"/notices/{notice.pk}/negative-cases", {"case_number": "NO-SUCH", "note": "x"})
    assert missing.status_code == 400 and missing.json()["code"] == "case_not_found"
    no_note = post(
        client, f"/notices/{notice.pk}/negative-cases", {"case_number": matters["mayor"].number, "note": " "}
    )
    assert no_note.json()["code"] == "note_invalid"
    added = post(
        client, f"/notices/{notice.pk}/negative-cases",
        {"case_number": matters["mayor"].number, "note": "惠企政策落实不力，企业三次反映仍未解决"},
    )  # fmt: skip
    assert added.status_code == 201, added.content
    assert added.json()[0]["unit_name"] == "沭阳县人民政府"
    dup = post(
        client, f"/notices/{notice.pk}/negative-cases", {"case_number": matters["mayor"].number, "note": "再"}
    )
    assert dup.status_code == 409 and dup.json()["code"] == "negative_case_exists"

    notice.refresh_from_db()
    assert notice.status == "draft"  # a reviewed notice goes back to draft
    headings = [s.get("heading") for s in notice.content["sections"]]
    assert headings == ["一、督查情况", "二、点名通报", "三、负面典型案例", "四、工作要求"]
    assert world.shuyang_gov.pk in set(notice.units.values_list("pk", flat=True))
    page = client.get(f"/supervision/notices/{notice.pk}/").content.decode()
    assert "三、负面典型案例" in page and "惠企政策落实不力" in page
    docx = client.get(f"/supervision/notices/{notice.pk}/download/")
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(docx.streaming_content))).paragraphs)
    assert "负面典型案例" in text and matters["mayor"].number in text and "四、工作要求" in text

    # Issued: immutable.
    post(client, f"/notices/{notice.pk}/review")
    assert post(client, f"/notices/{notice.pk}/issue").status_code == 200
    locked = post(
        client,
        f"/notices/{notice.pk}/negative-cases",
        {"case_number": matters["hotline"].number, "note": "x"},
    )
    assert locked.status_code == 409 and locked.json()["code"] == "notice_already_issued"
    assert AuditEvent.objects.filter(action="supervision.notice_negative_add").count() == 1


def test_negative_case_removed_through_the_page(
    world: Any, login: Any, matters: dict[str, Any], notice: Notice
) -> None:
    client = login(world.biz_office)
    client.post(
        f"/supervision/notices/{notice.pk}/negative_add/",
        {"case_number": matters["hotline"].number, "note": "服务企业不到位"},
    )
    case = notice.negative_cases.get()
    assert "负面典型案例" in json.dumps(Notice.objects.get(pk=notice.pk).content, ensure_ascii=False)
    client.post(f"/supervision/notices/{notice.pk}/negative_remove/", {"case": case.pk})
    notice.refresh_from_db()
    assert not notice.negative_cases.exists()
    assert [s["heading"] for s in notice.content["sections"]] == [
        "一、督查情况",
        "二、点名通报",
        "三、工作要求",
    ]
    # Others cannot choose cases into a notice.
    handler = login(world.city_handler)
    assert (
        post(handler, f"/notices/{notice.pk}/negative-cases", {"case_number": "x", "note": "y"}).status_code
        == 404
    )


def test_report_date_is_the_close_date(world: Any, login: Any, matters: dict[str, Any]) -> None:
    """The stored report states progress as of the moment it was closed, whatever day it is read."""
    from bangban.supervision import actions

    inspection = actions.do_create_special(world.biz_office, title="督查", now=at("2026-10-20 09:00"))
    actions.do_add_special_items(
        world.biz_office, inspection.pk, task_ids=[matters["task"].pk], now=at("2026-10-20 09:00")
    )
    actions.do_start_special(world.biz_office, inspection.pk, now=at("2026-10-20 10:00"))
    item = inspection.items.get()
    actions.do_check_special_item(
        world.biz_office, inspection.pk, item.pk, verdict="done", now=at("2026-10-21 10:00")
    )
    closed = actions.do_close_special(
        world.biz_office, inspection.pk, now=at("2026-10-22 10:00") + dt.timedelta(0)
    )
    assert "截至2026年10月22日" in json.dumps(closed.report, ensure_ascii=False)
    assert closed.report["totals"]["overdue"] == 1  # due 19 October, not done by the 22nd
