"""移送纪委监委 (R15.2): 营商办 or 作风办 hands an accountability record over to a 纪委监委 unit (date,
materials, by whom); that unit's 纪委监委 reader — who reads nothing but the hand-overs addressed
to it, their record and its cases — signs for it and later records the outcome."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user
from bangban.notifications.models import OutboxMessage
from bangban.org.models import Unit, UnitType
from bangban.supervision import actions
from bangban.supervision.models import DisciplineTransfer

from .conftest import make_case

pytestmark = pytest.mark.django_db
API = "/api/v1/supervision"


@pytest.fixture
def setting(world: Any) -> Any:
    w = world
    w.jiwei_unit = Unit.objects.create(
        code="city-jiwei",
        name="宿迁市纪委监委",
        short_name="市纪委监委",
        type=UnitType.CITY_DEPARTMENT,
        region=w.city,
    )
    w.jiwei = make_user("jiwei", Role.DISCIPLINE, unit=w.jiwei_unit, full_name="纪委监委沈主任")
    county_unit = Unit.objects.create(
        code="siyang-jiwei", name="泗阳县纪委监委", short_name="泗阳县纪委监委",
        type=UnitType.COUNTY_DEPARTMENT, region=w.siyang,
    )  # fmt: skip
    w.jiwei_siyang = make_user("jiwei_sq", Role.DISCIPLINE, unit=county_unit, full_name="泗阳纪委干部")
    w.case = make_case(w.approval_bureau, "2026-10-05 09:00", title="审批拖延", handler=w.city_handler)
    w.other_case = make_case(w.approval_bureau, "2026-10-06 09:00", title="另一件诉求")
    w.record = actions.do_create_record(
        w.biz_office, kind="transfer", unit_id=w.approval_bureau.pk, year=2026, month=10,
        reason="多次推诿，涉嫌违纪", person_name="审批局承办人", ticket_numbers=[w.case.number],
    )  # fmt: skip
    w.other_record = actions.do_create_record(
        w.biz_office, kind="interview", unit_id=w.siyang_gov.pk, year=2026, month=10, reason="超期多"
    )
    return w


def post(client: Any, path: str, body: Any) -> Any:
    return client.post(API + path, body, content_type="application/json")


def test_a_hand_over_from_the_record_to_the_outcome(setting: Any, login: Any) -> None:
    w = setting
    biz, jiwei = login(w.biz_office), login(w.jiwei)
    today = dt.date(2026, 11, 18)
    bad = post(biz, f"/accountability/{w.record.pk}/transfer", {"addressee_id": w.approval_bureau.pk,
                                                               "transferred_on": "2026-11-18", "materials": ""})  # fmt: skip
    assert bad.status_code == 400 and bad.json()["code"] == "transfer_invalid"
    assert set(bad.json()["details"]["fields"]) == {"addressee", "materials"}
    r = post(biz, f"/accountability/{w.record.pk}/transfer", {"addressee_id": w.jiwei_unit.pk,
                                                             "transferred_on": today.isoformat(), "materials": "问责记录、办理记录、情况说明"})  # fmt: skip
    assert r.status_code == 201, r.content
    t = r.json()
    assert (t["status"], t["transferred_by"], t["addressee_name"]) == (
        "sent",
        "营商办王科长",
        "宿迁市纪委监委",
    )
    assert [c["number"] for c in t["cases"]] == [w.case.number]
    again = post(biz, f"/accountability/{w.record.pk}/transfer", {"addressee_id": w.jiwei_unit.pk,
                                                                 "transferred_on": today.isoformat(), "materials": "再次"})  # fmt: skip
    assert again.status_code == 400 and again.json()["code"] == "transfer_exists"
    # A handler cannot hand over; 纪委监委 neither.
    assert post(login(w.city_handler), f"/accountability/{w.record.pk}/transfer", {"addressee_id": w.jiwei_unit.pk,
                "transferred_on": "2026-11-18", "materials": "x"}).status_code in (403, 404)  # fmt: skip
    assert post(jiwei, f"/accountability/{w.record.pk}/transfer", {"addressee_id": w.jiwei_unit.pk,
                "transferred_on": "2026-11-18", "materials": "x"}).status_code == 403  # fmt: skip

    tid = t["id"]
    # The 纪委监委 readers of the addressee (not the other unit's) are told in-app.
    assert OutboxMessage.objects.filter(recipient=w.jiwei, subject="有新的移送事项").count() == 1
    assert not OutboxMessage.objects.filter(recipient=w.jiwei_siyang).exists()
    # The reader sees the hand-over with its record and case; the sender cannot sign for it.
    listed = jiwei.get(f"{API}/transfers").json()
    assert [x["id"] for x in listed["items"]] == [tid]
    detail = jiwei.get(f"{API}/transfers/{tid}").json()
    assert detail["record"]["reason"] == "多次推诿，涉嫌违纪"
    assert post(biz, f"/transfers/{tid}/receive", {}).status_code == 403
    early = post(jiwei, f"/transfers/{tid}/outcome", {"outcome": "立案审查"})
    assert early.status_code == 409 and early.json()["code"] == "transfer_not_received"
    stale = post(jiwei, f"/transfers/{tid}/receive", {"version": 7})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    r = post(jiwei, f"/transfers/{tid}/receive", {"note": "材料齐全", "version": 1})
    assert (
        r.status_code == 200
        and r.json()["status"] == "received"
        and r.json()["received_by"] == "纪委监委沈主任"
    )
    twice = post(jiwei, f"/transfers/{tid}/receive", {})
    assert twice.status_code == 409 and twice.json()["code"] == "transfer_already_received"
    assert post(jiwei, f"/transfers/{tid}/outcome", {"outcome": " "}).json()["code"] == "transfer_invalid"
    r = post(jiwei, f"/transfers/{tid}/outcome", {"outcome": "给予党内警告处分"})
    assert (
        r.status_code == 200
        and r.json()["status"] == "concluded"
        and r.json()["outcome"] == "给予党内警告处分"
    )
    # Concluded: the record may be handed over again.
    assert DisciplineTransfer.objects.get(pk=tid).outcome_by_id == w.jiwei.pk
    for action in (
        "supervision.transfer_create",
        "supervision.transfer_receive",
        "supervision.transfer_outcome",
    ):
        assert AuditEvent.objects.filter(action=action).count() == 1, action
    # The senders' ledger exports.
    xlsx = biz.get("/supervision/transfers/?export=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.getvalue())).active.iter_rows(values_only=True))
    assert rows[1][2:4] == ("移交纪委监委", "宿迁市行政审批局") and rows[1][14] == "给予党内警告处分"


def test_the_discipline_reader_sees_its_hand_overs_and_nothing_else(setting: Any, login: Any) -> None:
    w = setting
    t = actions.do_transfer_record(
        w.biz_office, w.record.pk, addressee_id=w.jiwei_unit.pk, transferred_on="2026-11-17",
        materials="问责记录", now=dt.datetime(2026, 11, 18, 10, tzinfo=dt.UTC),
    )  # fmt: skip
    jiwei = login(w.jiwei)
    # Its hand-over, the record and the case named: answered.
    page = jiwei.get(f"/supervision/transfers/{t.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "多次推诿，涉嫌违纪" in text and w.case.number in text and "确认接收" in text
    case_page = jiwei.get(f"/supervision/transfers/{t.pk}/cases/{w.case.pk}/")
    assert case_page.status_code == 200 and "审批拖延" in case_page.content.decode()
    assert jiwei.get("/supervision/transfers/").status_code == 200
    # Everything else: 404 — another case, the case in the case system, the accountability list,
    # another record, the rankings, the inaction page, the cases list, the rounds.
    for path in (
        f"/supervision/transfers/{t.pk}/cases/{w.other_case.pk}/",
        f"/cases/{w.case.pk}/",
        "/supervision/accountability/",
        f"/supervision/accountability/{w.other_record.pk}/transfer/",
        "/supervision/rankings/",
        "/supervision/inaction/",
        "/supervision/stars/",
        "/cases/",
        f"{API}/accountability",
        f"{API}/inaction",
        f"{API}/rankings",
        f"/api/v1/cases/{w.case.pk}",
    ):
        assert jiwei.get(path).status_code == 404, path
    # Another 纪委监委 unit does not see this hand-over; a handler neither.
    for user in (w.jiwei_siyang, w.city_handler, w.enterprise_user):
        assert login(user).get(f"/supervision/transfers/{t.pk}/").status_code == 404
        assert login(user).get(f"{API}/transfers/{t.pk}").status_code == 404
    assert login(w.jiwei_siyang).get(f"{API}/transfers").json()["items"] == []
    # The other unit's reader may not sign for it either.
    assert post(login(w.jiwei_siyang), f"/transfers/{t.pk}/receive", {}).status_code == 404


def test_the_hand_over_pages(setting: Any, login: Any) -> None:
    w = setting
    biz = login(w.biz_office)
    form = biz.get(f"/supervision/accountability/{w.record.pk}/transfer/")
    assert form.status_code == 200 and "宿迁市纪委监委" in form.content.decode()
    r = biz.post(
        f"/supervision/accountability/{w.record.pk}/transfer/",
        {"addressee": w.jiwei_unit.pk, "transferred_on": "2099-01-01", "materials": ""},
    )
    assert r.status_code == 200
    assert "移送日期不能晚于今天" in r.content.decode() and "请列明移送材料" in r.content.decode()
    r = biz.post(
        f"/supervision/accountability/{w.record.pk}/transfer/",
        {"addressee": w.jiwei_unit.pk, "transferred_on": "2026-11-17", "materials": "问责记录"},
    )
    assert r.status_code == 302
    t = DisciplineTransfer.objects.get()
    jiwei = login(w.jiwei)
    assert (
        jiwei.post(f"/supervision/transfers/{t.pk}/", {"op": "receive", "version": t.version}).status_code
        == 302
    )
    jiwei.post(f"/supervision/transfers/{t.pk}/", {"op": "outcome", "outcome": "不予立案"})
    t.refresh_from_db()
    assert (t.status, t.outcome) == ("concluded", "不予立案")
    # A handler of the unit sees no hand-over page and no form.
    assert (
        login(w.city_handler).get(f"/supervision/accountability/{w.record.pk}/transfer/").status_code == 403
    )
