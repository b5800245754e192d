"""R5.2 after the day: a 恳谈会's problems and suggestions turned into cases with one click (once),
linked both ways and followed up; 宿商讲坛 attendance with counts and Excel. R13: a symposium's
配合单位 recorded and told through the outbox, and a half year whose symposium was arranged but
not held flagged on the list, the page and the API."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import time_machine
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user
from bangban.notifications.models import OutboxMessage
from bangban.outreach.models import EventItem, Symposium, SymposiumCoUnit
from bangban.tickets.models import Channel, Ticket

from .conftest import API, post


def _talk(client, kind="talk"):
    body = {"kind": kind, "theme": "融资难融资贵", "held_on": "2026-11-10", "location": "市工商联"}
    response = post(client, f"{API}/events", body)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_an_item_becomes_one_case_linked_both_ways_and_followed_up(cast, login):
    w = cast.world
    staff = login(w.biz_office)
    eid = _talk(staff)
    item = post(
        staff,
        f"{API}/events/{eid}/items",
        {"kind": "problem", "content": "银行抽贷压贷\n希望协调续贷", "enterprise_id": w.ent_shuyang.pk},
    )
    assert item.status_code == 201, item.content
    assert item.json()["case"] is None
    iid = item.json()["id"]
    first = post(staff, f"{API}/event-items/{iid}/case", {})
    assert first.status_code == 201, first.content
    case = first.json()["case"]
    ticket = Ticket.objects.get(pk=case["id"])
    assert ticket.channel == Channel.ASSOCIATION and ticket.enterprise_id == w.ent_shuyang.pk
    assert ticket.title == "[恳谈会] 银行抽贷压贷" and "融资难融资贵" in ticket.content
    audits = AuditEvent.objects.count()
    # A second click (page or API) answers the same case and writes nothing.
    again = post(staff, f"{API}/event-items/{iid}/case", {})
    assert again.status_code == 200 and again.json()["case"]["number"] == case["number"]
    page_again = staff.post(f"/outreach/events/{eid}/", {"do": "convert", "item_id": iid}, follow=True)
    assert "未重复生成" in page_again.content.decode()
    assert Ticket.objects.count() == 1 and AuditEvent.objects.count() == audits
    # The case page links back to the 恳谈会; the event page shows the case's state.
    case_page = staff.get(f"/cases/{ticket.pk}/").content.decode()
    assert 'data-testid="case-origin"' in case_page and f"/outreach/events/{eid}/#item-{iid}" in case_page
    followed = post(staff, f"{API}/event-items/{iid}/follow-ups", {"note": "已约谈两家银行"})
    assert followed.status_code == 201 and followed.json()["follow_ups"][0]["note"] == "已约谈两家银行"
    detail = staff.get(f"/outreach/events/{eid}/").content.decode()
    assert case["number"] in detail and ticket.get_status_display() in detail and "已约谈两家银行" in detail
    assert staff.get(f"{API}/events/{eid}").json()["items"][0]["case"]["status"] == ticket.status


def test_only_the_biz_office_turns_items_into_cases(cast, login):
    w = cast.world
    eid = _talk(login(w.biz_office))
    iid = post(
        login(w.biz_office), f"{API}/events/{eid}/items", {"kind": "suggestion", "content": "设立续贷基金"}
    )
    iid = iid.json()["id"]
    handler = login(w.handler_shuyang)
    assert post(handler, f"{API}/event-items/{iid}/case", {}).status_code == 403
    assert handler.post(f"/outreach/events/{eid}/", {"do": "convert", "item_id": iid}).status_code == 403
    assert post(login(w.enterprise_user), f"{API}/event-items/{iid}/case", {}).status_code == 404
    assert post(handler, f"{API}/events/{eid}/items", {"kind": "problem", "content": "x"}).status_code == 403
    assert EventItem.objects.get(pk=iid).ticket_id is None and Ticket.objects.count() == 0
    # The unit sees the state, without the buttons.
    page = handler.get(f"/outreach/events/{eid}/").content.decode()
    assert "设立续贷基金" in page and 'data-testid="convert"' not in page


def test_items_are_for_talks_and_bad_input_is_named(cast, login):
    staff = login(cast.world.biz_office)
    forum = _talk(staff, kind="forum")
    refused = post(staff, f"{API}/events/{forum}/items", {"kind": "problem", "content": "x"})
    assert refused.status_code == 409 and refused.json()["code"] == "not_a_talk"
    talk = _talk(staff)
    bad = post(staff, f"{API}/events/{talk}/items", {"kind": "other", "content": "x"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_kind"
    empty = post(staff, f"{API}/events/{talk}/items", {"kind": "problem", "content": " "})
    assert empty.status_code == 400 and empty.json()["code"] == "content_required"


def test_forum_attendance_with_counts_and_excel(cast, login):
    w = cast.world
    staff = login(w.biz_office)
    eid = _talk(staff, kind="forum")
    people = [
        ("张总", w.ent_shuyang.pk),
        ("李经理", w.ent_shuyang.pk),
        ("王总", w.ent_siyang.pk),
        ("赵老师", None),
    ]
    for name, ent in people:
        body = {"name": name, "position": "总经理", "enterprise_id": ent}
        assert post(staff, f"{API}/events/{eid}/attendance", body).status_code == 201
    twice = post(staff, f"{API}/events/{eid}/attendance", {"name": "张总", "enterprise_id": w.ent_shuyang.pk})
    assert twice.status_code == 409 and twice.json()["code"] == "already_attended"
    detail = staff.get(f"{API}/events/{eid}").json()
    assert detail["attended_people"] == 4 and detail["attended_enterprises"] == 2
    page = staff.get(f"/outreach/events/{eid}/").content.decode()
    assert "共 4 人，2 家企业" in page
    listing = staff.get("/outreach/events/").content.decode()
    assert "4 人 / 2 家" in listing
    sheet = openpyxl.load_workbook(
        io.BytesIO(staff.get(f"/outreach/events/{eid}/attendance.xlsx").getvalue())
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "职务", "所在企业") and len(rows) == 5
    summary = openpyxl.load_workbook(io.BytesIO(staff.get("/outreach/events/export.xlsx").getvalue())).active
    head, first = list(summary.iter_rows(values_only=True))[:2]
    assert first[head.index("签到人数")] == 4 and first[head.index("签到企业数")] == 2
    # Page form: a unit handler may read but not record.
    assert (
        login(w.handler_shuyang).post(f"/outreach/events/{eid}/", {"do": "attend", "name": "x"}).status_code
        == 403
    )
    removed = staff.post(
        f"/outreach/events/{eid}/", {"do": "unattend", "attendance_id": detail["attendance"][0]["id"]}
    )
    assert removed.status_code == 302
    assert staff.get(f"{API}/events/{eid}").json()["attended_people"] == 3


# --- R13 配合单位 and the half-year flag ---------------------------------------------------------------


def _symposium(client, **extra):
    body = {"year": 2026, "half": 1, "themes": "农业农村\n重点产业链", "planned_on": "2026-05-20", **extra}
    response = post(client, f"{API}/symposia", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_co_units_are_recorded_and_each_told(cast, login):
    w = cast.world
    head = make_user("sy_head", Role.UNIT_HEAD, unit=w.shuyang_gov, full_name="沭阳县政府负责人")
    staff = login(w.biz_office)
    s = _symposium(staff, co_unit_ids=[w.shuyang_gov.pk])
    assert [c["name"] for c in s["co_units"]] == [w.shuyang_gov.name]
    assert s["co_units"][0]["notified_people"] == 2  # the head and the handler of the unit
    told = OutboxMessage.objects.filter(recipient=head, subject__startswith="请配合")
    assert told.count() == 1
    # Changing the list: the new unit is told, the removed one too; the same list writes nothing.
    changed = post(staff, f"{API}/symposia/{s['id']}/co-units", {"unit_ids": [w.siyang_gov.pk]})
    assert changed.status_code == 200, changed.content
    assert [c["unit_id"] for c in changed.json()["co_units"]] == [w.siyang_gov.pk]
    assert OutboxMessage.objects.filter(recipient=w.handler_siyang, subject__startswith="请配合").count() == 1
    assert OutboxMessage.objects.filter(recipient=head, subject__contains="不再需要").count() == 1
    messages = OutboxMessage.objects.count()
    same = post(staff, f"{API}/symposia/{s['id']}/co-units", {"unit_ids": [w.siyang_gov.pk]})
    assert same.status_code == 200 and OutboxMessage.objects.count() == messages
    assert AuditEvent.objects.filter(action="outreach.symposium_co_units").count() == 1
    unknown = post(staff, f"{API}/symposia/{s['id']}/co-units", {"unit_ids": [999999]})
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_unit"
    stale = post(staff, f"{API}/symposia/{s['id']}/co-units", {"unit_ids": [], "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    denied = post(login(w.handler_shuyang), f"{API}/symposia/{s['id']}/co-units", {"unit_ids": []})
    assert denied.status_code == 403
    page = staff.get(f"/outreach/symposia/{s['id']}/").content.decode()
    assert w.siyang_gov.name in page and "已通知 1 人" in page
    assert SymposiumCoUnit.objects.count() == 1


def test_a_half_year_arranged_but_not_held_is_flagged_after_its_end(cast, login):
    staff = login(cast.world.biz_office)
    s = _symposium(staff)
    held_late = Symposium.objects.create(
        year=2025, half=2, title="2025年下半年企业家座谈会", themes="服务业", held_on=dt.date(2026, 1, 8),
        status="held", created_by=cast.world.biz_office,
    )  # fmt: skip
    on_time = Symposium.objects.create(
        year=2025, half=1, title="2025年上半年企业家座谈会", themes="服务业", held_on=dt.date(2025, 6, 30),
        status="held", created_by=cast.world.biz_office,
    )  # fmt: skip
    tz = timezone.get_current_timezone()
    with time_machine.travel(dt.datetime(2026, 6, 30, 23, 50, tzinfo=tz), tick=False):
        listed = {x["id"]: x["not_held_in_half"] for x in staff.get(f"{API}/symposia").json()["items"]}
        assert listed == {s["id"]: False, held_late.pk: True, on_time.pk: False}
    with time_machine.travel(dt.datetime(2026, 7, 1, 0, 10, tzinfo=tz), tick=False):
        listed = {x["id"]: x["not_held_in_half"] for x in staff.get(f"{API}/symposia").json()["items"]}
        assert listed == {s["id"]: True, held_late.pk: True, on_time.pk: False}
        only = staff.get(f"{API}/symposia", {"not_held": "1"}).json()["items"]
        assert sorted(x["id"] for x in only) == sorted([s["id"], held_late.pk])
        bad = staff.get(f"{API}/symposia", {"not_held": "x"})
        assert bad.status_code == 400 and bad.json()["code"] == "invalid_filter"
        page = staff.get("/outreach/symposia/").content.decode()
        assert 'data-testid="list-notice"' in page and "2026年上半年" in page and "2025年下半年" in page
        assert "半年内未召开" in page
        detail = staff.get(f"/outreach/symposia/{s['id']}/").content.decode()
        assert 'data-testid="not-held-flag"' in detail
