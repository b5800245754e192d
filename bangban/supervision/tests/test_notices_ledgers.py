"""Notices (通报) as GB/T 9704 .docx with their workflow; monthly ledgers; accountability records."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from typing import Any

import pytest
from docx import Document
from docx.shared import Length

from bangban.audit.models import AuditEvent
from bangban.supervision import actions
from bangban.supervision.models import AccountabilityRecord, Ledger, Notice, NoticeStatus
from bangban.supervision.officedoc import chinese_date
from bangban.workdays.arithmetic import SHANGHAI

pytestmark = pytest.mark.django_db


def post(client: Any, url: str, body: Any = None) -> Any:
    return client.post(
        f"/api/v1/supervision{url}", data=json.dumps(body or {}), content_type="application/json"
    )


def mm(length: Any) -> float:
    assert length is not None
    return float(Length(length).mm)


def fonts_of(document: Any) -> set[str]:
    names = set()
    for element in document.element.body.iter():
        if element.tag.endswith("}rFonts"):
            for key, value in element.attrib.items():
                if key.endswith("eastAsia"):
                    names.add(value)
    return names


def freeze(client: Any, year: int, month: int) -> None:
    """A 通报 is drafted from the month's frozen ranking."""
    frozen = post(client, f"/rankings/{year}/{month}/freeze")
    assert frozen.status_code == 200 or frozen.json()["code"] == "ranking_frozen", frozen.content


def issue(client: Any, kind: str = "hotline", year: int = 2026, month: int = 10) -> dict[str, Any]:
    freeze(client, year, month)
    created = post(client, "/notices", {"kind": kind, "year": year, "month": month})
    assert created.status_code == 201, created.content
    nid = created.json()["id"]
    assert post(client, f"/notices/{nid}/review").status_code == 200
    issued = post(client, f"/notices/{nid}/issue")
    assert issued.status_code == 200, issued.content
    return issued.json()


def test_a_notice_is_drafted_reviewed_issued_and_archived(world: Any, october: Any, login: Any) -> None:
    from bangban.accounts.roles import Role
    from bangban.conftest import make_user
    from bangban.notifications.models import OutboxMessage

    make_user("head_bureau", Role.UNIT_HEAD, unit=world.approval_bureau)
    client = login(world.biz_office)
    post(client, "/rankings/2026/10/compute", {"min_cases": 1})
    data = issue(client)
    assert OutboxMessage.objects.filter(
        subject__contains="点名通报了本单位", recipient__username="head_bureau"
    ).exists()
    assert data["status"] == "issued"
    assert data["doc_number"] == f"宿营商办发〔{dt.date.today().year}〕1号"
    notice = Notice.objects.get(pk=data["id"])
    stored = notice.file.read()
    assert hashlib.sha256(stored).hexdigest() == notice.sha256 == data["sha256"]
    # The unit at the bottom is named; it is linked to the notice.
    assert world.approval_bureau in notice.units.all()
    document = Document(io.BytesIO(client.get(f"/supervision/notices/{notice.pk}/download/").getvalue()))
    section = document.sections[0]
    top, left, right, bottom = (
        mm(section.top_margin),
        mm(section.left_margin),
        mm(section.right_margin),
        mm(section.bottom_margin),
    )
    assert (round(top, 1), round(left, 1), round(right, 1), round(bottom, 1)) == (37.0, 28.0, 26.0, 35.0)
    assert round(mm(section.page_width) - left - right, 1) == 156.0
    assert round(mm(section.page_height) - top - bottom, 1) == 225.0
    grid = section._sectPr.xpath("./w:docGrid")[0]
    assert grid.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}linePitch") == "580"
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"} <= fonts_of(document)
    text = "\n".join(p.text for p in document.paragraphs)
    assert notice.doc_number in text
    assert "宿迁市优化营商环境办公室文件" in text
    assert notice.issue_date is not None and chinese_date(notice.issue_date) in text
    assert "宿迁市行政审批局" in "".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "— " in footer_xml
    # The second notice of the year gets the next number.
    second = issue(client, "bad_rating")
    assert second["doc_number"].endswith("〕2号")
    assert AuditEvent.objects.filter(action="supervision.notice_issue").count() == 2


def test_reissuing_an_issued_notice_is_refused(world: Any, login: Any) -> None:
    client = login(world.biz_office)
    data = issue(client, "inspection", 2025, 3)
    before = Notice.objects.get(pk=data["id"])
    again = post(client, f"/notices/{data['id']}/issue")
    assert again.status_code == 409
    assert again.json()["code"] == "notice_already_issued"
    assert "不能重复印发" in again.json()["message"]
    after = Notice.objects.get(pk=data["id"])
    assert (after.doc_number, after.sha256, after.version) == (
        before.doc_number,
        before.sha256,
        before.version,
    )
    assert post(client, f"/notices/{data['id']}/review").json()["code"] == "notice_not_draft"
    page = client.post(f"/supervision/notices/{data['id']}/issue/", follow=True)
    assert "不能重复印发" in page.content.decode()


def test_a_notice_must_be_reviewed_before_it_is_issued(world: Any, login: Any) -> None:
    client = login(world.biz_office)
    # Not before the month's ranking is frozen: the 通报's figures are the frozen ones.
    early = post(client, "/notices", {"kind": "hotline", "year": 2025, "month": 3})
    assert early.status_code == 409 and early.json()["code"] == "ranking_not_frozen"
    assert "请先冻结排名" in early.json()["message"] and not Notice.objects.exists()
    freeze(client, 2025, 3)
    nid = post(client, "/notices", {"kind": "hotline", "year": 2025, "month": 3}).json()["id"]
    response = post(client, f"/notices/{nid}/issue")
    assert response.status_code == 409 and response.json()["code"] == "notice_not_reviewed"
    assert Notice.objects.get(pk=nid).status == NoticeStatus.DRAFT
    # Units see issued notices only.
    assert login(world.handler_shuyang).get(f"/supervision/notices/{nid}/").status_code == 404


def _active_units_only() -> None:
    settings = actions.current_settings()
    settings.ledger_all_units = False
    settings.save()


def test_ledgers_on_time_and_late(world: Any, october: Any, login: Any) -> None:
    _active_units_only()
    boss = login(world.biz_office)
    assert post(boss, "/ledgers/generate", {"year": 2026, "month": 10}).json()["created"] == 2
    ledger_sy = Ledger.objects.get(unit=world.shuyang_gov)
    ledger_city = Ledger.objects.get(unit=world.approval_bureau)
    assert ledger_sy.due_date == dt.date(2026, 11, 25)
    on_time = dt.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI)
    late = dt.datetime(2026, 11, 26, 10, tzinfo=SHANGHAI)
    actions.do_submit_ledger(world.handler_shuyang, ledger_sy.pk, {"cases": "均已按期办理"}, now=on_time)
    actions.do_submit_ledger(world.city_handler, ledger_city.pk, {"cases": "一件超期"}, now=late)
    ledger_sy.refresh_from_db()
    ledger_city.refresh_from_db()
    assert ledger_sy.late is False and ledger_city.late is True
    assert len(ledger_sy.content["cases"]) == 2
    listing = boss.get("/api/v1/supervision/ledgers").json()["items"]
    assert {x["unit_name"]: x["late"] for x in listing} == {"沭阳县人民政府": False, "宿迁市行政审批局": True}
    html = boss.get("/supervision/ledgers/?state=late").content.decode()
    assert "宿迁市行政审批局" in html and "沭阳县人民政府" not in html
    # Submitted is final; another unit cannot touch it.
    again = post(login(world.handler_shuyang), f"/ledgers/{ledger_sy.pk}", {"notes": {}, "submit": True})
    assert again.status_code == 409 and again.json()["code"] == "ledger_already_submitted"
    assert login(world.handler_siyang).get(f"/supervision/ledgers/{ledger_sy.pk}/").status_code == 404
    assert boss.get(f"/supervision/ledgers/{ledger_sy.pk}/?export=xlsx").status_code == 200
    assert AuditEvent.objects.filter(action="supervision.ledger_submit").count() == 2


def test_a_refused_ledger_form_answers_403_not_a_200_form(world: Any, october: Any, login: Any) -> None:
    """The biz office may read a unit's ledger but not write its notes: the page form answers 403
    with the reason, instead of re-rendering as if the post were a correctable mistake."""
    _active_units_only()
    boss = login(world.biz_office)
    post(boss, "/ledgers/generate", {"year": 2026, "month": 10})
    ledger = Ledger.objects.get(unit=world.shuyang_gov)
    assert boss.get(f"/supervision/ledgers/{ledger.pk}/").status_code == 200
    refused = boss.post(f"/supervision/ledgers/{ledger.pk}/", {"cases": "不是本单位的台账"})
    assert refused.status_code == 403
    ledger.refresh_from_db()
    assert ledger.notes.get("cases", "") != "不是本单位的台账"
    other_county = login(world.handler_siyang).post(f"/supervision/ledgers/{ledger.pk}/", {"cases": "x"})
    assert other_county.status_code == 404


def test_pending_ledgers_are_reminded(world: Any, october: Any) -> None:
    from bangban.notifications.models import OutboxMessage

    _active_units_only()
    actions.do_generate_ledgers(None, 2026, 10, now=dt.datetime(2026, 11, 1, tzinfo=SHANGHAI))
    sent = actions.remind_ledgers(dt.datetime(2026, 11, 26, 9, tzinfo=SHANGHAI))
    assert sent == 2
    assert OutboxMessage.objects.filter(subject__contains="【逾期】").count() == 2
    assert actions.remind_ledgers(dt.datetime(2026, 11, 26, 15, tzinfo=SHANGHAI)) == 0


def test_every_responsible_unit_gets_a_ledger_even_without_activity(
    world: Any, october: Any, login: Any
) -> None:
    from bangban.org.models import Unit

    boss = login(world.biz_office)
    created = post(boss, "/ledgers/generate", {"year": 2026, "month": 10}).json()["created"]
    responsible = Unit.objects.filter(is_active=True, type__in=actions.LEDGER_UNIT_TYPES)
    assert created == responsible.count() > 2
    quiet = Ledger.objects.filter(year=2026, month=10, no_activity=True)
    assert quiet.count() == created - 2
    assert not Ledger.objects.filter(unit=world.approval_bureau, no_activity=True).exists()
    assert not Ledger.objects.filter(unit=world.shuyang_gov, no_activity=True).exists()
    # Service sites keep no ledger.
    assert not Ledger.objects.filter(unit__type="service_site").exists()
    listing = boss.get("/api/v1/supervision/ledgers?size=200").json()["items"]
    assert sum(1 for x in listing if x["no_activity"]) == quiet.count()
    assert "本月无新增" in boss.get("/supervision/ledgers/").content.decode()
    # The quiet unit (泗阳县政府) still submits its ledger.
    ledger = quiet.get(unit=world.siyang_gov)
    page = login(world.handler_siyang).get(f"/supervision/ledgers/{ledger.pk}/").content.decode()
    assert 'data-testid="ledger-no-activity"' in page and "本月暂无主办诉求" in page
    on_time = dt.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI)
    done = actions.do_submit_ledger(world.handler_siyang, ledger.pk, {"cases": "本月无新增"}, now=on_time)
    assert done.status == "submitted" and not done.late
    # Generating again adds nothing; switching the setting off only affects later months.
    assert post(boss, "/ledgers/generate", {"year": 2026, "month": 10}).json()["created"] == 0
    response = boss.put(
        "/api/v1/supervision/settings",
        data=json.dumps({"ledger_all_units": False}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["ledger_all_units"] is False
    assert post(boss, "/ledgers/generate", {"year": 2026, "month": 9}).json()["created"] == 0


def test_the_settings_page_switches_quiet_unit_ledgers_off(world: Any, login: Any) -> None:
    client = login(world.biz_office)
    assert 'id="ledger_all_units"' in client.get("/supervision/settings/").content.decode()
    form = {
        "weight_response": 30,
        "weight_resolution": 35,
        "weight_satisfaction": 35,
        "min_cases": 5,
        "response_hours": 24,
        "ledger_due_day": 25,
        "bottom_places": 1,
        "bottom_months": 2,
    }
    assert client.post("/supervision/settings/", form).status_code == 302
    assert actions.current_settings().ledger_all_units is False
    event = AuditEvent.objects.filter(action="supervision.settings_update").latest("pk")
    assert (event.after or {}).get("ledger_all_units") is False
    assert client.post("/supervision/settings/", {**form, "ledger_all_units": "1"}).status_code == 302
    assert actions.current_settings().ledger_all_units is True


def test_accountability_records_link_cases(world: Any, october: Any, login: Any) -> None:
    client = login(world.biz_office)
    bad = post(
        client,
        "/accountability",
        {
            "kind": "interview",
            "unit_id": world.approval_bureau.pk,
            "year": 2026,
            "month": 10,
            "reason": "超期",
            "tickets": ["NOPE-1"],
        },
    )
    assert bad.status_code == 400 and bad.json()["code"] == "accountability_invalid"
    assert not AccountabilityRecord.objects.exists()
    good = post(
        client,
        "/accountability",
        {
            "kind": "criticism",
            "unit_id": world.approval_bureau.pk,
            "year": 2026,
            "month": 10,
            "reason": "诉求超期办结",
            "tickets": [october["late"].number],
            "figures": {"overdue_count": 1},
        },
    )
    assert good.status_code == 201, good.content
    assert good.json()["tickets"] == [october["late"].number]
    rid = good.json()["id"]
    assert (
        post(client, f"/accountability/{rid}/decide", {"status": "confirmed"}).json()["status"] == "confirmed"
    )
    assert (
        post(
            login(world.handler_shuyang),
            "/accountability",
            {"kind": "star_award", "unit_id": world.shuyang_gov.pk, "year": 2026, "month": 10, "reason": "x"},
        ).status_code
        == 403
    )
    assert "诉求超期办结" in client.get("/supervision/accountability/").content.decode()


def test_a_draft_is_edited_and_an_issued_notice_is_not(world: Any, login: Any) -> None:
    client = login(world.biz_office)
    freeze(client, 2025, 3)
    nid = post(client, "/notices", {"kind": "hotline", "year": 2025, "month": 3}).json()["id"]
    post(client, f"/notices/{nid}/review")
    edited = client.patch(
        f"/api/v1/supervision/notices/{nid}",
        data=json.dumps(
            {"title": "关于2025年3月热线办理情况的通报", "requirements": "第一条要求\n第二条要求"}
        ),
        content_type="application/json",
    )
    assert edited.status_code == 200
    assert edited.json()["status"] == "draft"  # edited after review: to be reviewed again
    notice = Notice.objects.get(pk=nid)
    by_heading = {s.get("heading"): s.get("paragraphs") for s in notice.content["sections"]}
    assert by_heading["四、工作要求"] == ["第一条要求", "第二条要求"]
    # The annex after it (附：统计口径) keeps its text, and the edit form shows the requirements.
    assert notice.content["sections"][-1]["heading"] == "附：统计口径"
    assert notice.content["sections"][-1]["paragraphs"] and "第一条要求" not in str(
        notice.content["sections"][-1]
    )
    page = client.get(f"/supervision/notices/{nid}/").content.decode()
    assert "第一条要求\n第二条要求</textarea>" in page
    empty = client.patch(
        f"/api/v1/supervision/notices/{nid}", data=json.dumps({"title": " "}), content_type="application/json"
    )
    assert empty.status_code == 400 and empty.json()["code"] == "title_invalid"
    post(client, f"/notices/{nid}/review")
    assert post(client, f"/notices/{nid}/issue").status_code == 200
    refused = client.patch(
        f"/api/v1/supervision/notices/{nid}",
        data=json.dumps({"title": "改"}),
        content_type="application/json",
    )
    assert refused.status_code == 409 and refused.json()["code"] == "notice_already_issued"
    assert Notice.objects.get(pk=nid).title == "关于2025年3月热线办理情况的通报"
    assert client.get("/api/v1/supervision/meeting?month=2025-03").json()["totals"]["total"] == 0
