"""督办/催办: supervisors order the unit in charge of a case or a meeting task to respond in writing
by a deadline; reminders once a day; the response; monthly counts per unit."""

from __future__ import annotations

import json

from bangban.audit.models import AuditEvent
from bangban.escalation.actions import (
    do_add_task,
    do_create_meeting,
    do_issue_order,
    do_respond_order,
    remind_open_orders,
)
from bangban.escalation.figures import unit_month_figures
from bangban.escalation.models import SupervisionOrder
from bangban.notifications.models import OutboxMessage

from .conftest import at


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_supervisor_orders_the_lead_unit(esc, login):
    ticket = esc.in_progress()
    response = post(login(esc.conduct), "/api/v1/escalation/supervision",
                    {"kind": "supervise", "ticket_id": ticket.pk, "content": "请说明超期原因", "workdays": 2})  # fmt: skip
    assert response.status_code == 201, response.content
    order = SupervisionOrder.objects.get()
    assert order.unit == esc.shuyang_gov and order.workdays == 2
    assert OutboxMessage.objects.filter(recipient=esc.handler_shuyang, subject__contains="督办单").exists()
    assert AuditEvent.objects.filter(action="escalation.supervision_issued").exists()
    # Handlers do not issue orders.
    denied = post(
        login(esc.handler_shuyang), "/api/v1/escalation/supervision", {"ticket_id": ticket.pk, "content": "x"}
    )
    assert denied.status_code == 403


def test_a_response_by_the_wrong_unit_is_refused_and_changes_nothing(esc, login):
    from bangban.tickets.actions import do_dispatch

    ticket = esc.cases.new()
    do_dispatch(acting_user=esc.dispatcher, ticket_id=ticket.pk, lead_unit_id=esc.shuyang_gov.pk,
                co_unit_ids=[esc.approval_bureau.pk])  # fmt: skip
    order = do_issue_order(acting_user=esc.biz_office, kind="urge", ticket_id=ticket.pk, content="请加快办理")
    audit_before = AuditEvent.objects.count()
    response = post(
        login(esc.city_handler), f"/api/v1/escalation/supervision/{order.pk}/respond", {"response": "已办"}
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "wrong_unit",
        "message": "该督办单应由沭阳县人民政府答复，您所在单位不能答复",
    }
    order.refresh_from_db()
    assert order.status == "open" and order.response == "" and AuditEvent.objects.count() == audit_before
    ok = post(
        login(esc.handler_shuyang),
        f"/api/v1/escalation/supervision/{order.pk}/respond",
        {"response": "已约企业现场办理"},
    )
    assert ok.status_code == 200 and ok.json()["status"] == "answered"
    again = post(
        login(esc.handler_shuyang), f"/api/v1/escalation/supervision/{order.pk}/respond", {"response": "x"}
    )
    assert again.status_code == 409 and again.json()["code"] == "already_answered"


def test_response_is_required(esc, login):
    ticket = esc.in_progress()
    order = do_issue_order(acting_user=esc.biz_office, kind="urge", ticket_id=ticket.pk, content="请加快办理")
    response = post(
        login(esc.handler_shuyang), f"/api/v1/escalation/supervision/{order.pk}/respond", {"response": ""}
    )
    assert response.status_code == 400 and response.json()["code"] == "response_required"


def test_order_on_a_meeting_task_goes_to_its_owner(esc, login):
    ticket = esc.in_progress()
    meeting = do_create_meeting(acting_user=esc.biz_office, type="help", title="解难帮扶会办会",
                                held_at=at("2026-10-08 09:00"), chair_id=esc.biz_office.pk, case_ids=[ticket.pk])  # fmt: skip
    task = do_add_task(acting_user=esc.biz_office, meeting_id=meeting.pk, content="协调用地指标",
                       owner_unit_id=esc.approval_bureau.pk, workdays=5)  # fmt: skip
    order = do_issue_order(acting_user=esc.staff, kind="supervise", task_id=task.pk, content="请报告进展")
    assert order.unit == esc.approval_bureau
    page = login(esc.city_handler).get(f"/escalation/supervision/{order.pk}/").content.decode()
    assert 'data-testid="respond-form"' in page


def test_reminders_once_a_day(esc):
    ticket = esc.in_progress()
    order = do_issue_order(acting_user=esc.biz_office, kind="urge", ticket_id=ticket.pk, content="请加快",
                           workdays=1, now=at("2026-10-12 09:00"))  # fmt: skip
    assert remind_open_orders(at("2026-10-12 10:00")) == 1
    assert remind_open_orders(at("2026-10-12 16:00")) == 0
    assert remind_open_orders(at("2026-10-14 08:30")) == 1
    order.refresh_from_db()
    assert order.reminders == 2
    assert OutboxMessage.objects.filter(recipient=esc.handler_shuyang, subject__contains="超期").count() == 1


def test_monthly_figures_per_unit(esc):
    ticket = esc.in_progress()
    late = do_issue_order(acting_user=esc.biz_office, kind="urge", ticket_id=ticket.pk, content="a",
                          workdays=1, now=at("2026-10-12 09:00"))  # fmt: skip
    do_issue_order(acting_user=esc.biz_office, kind="supervise", ticket_id=ticket.pk, content="b",
                   workdays=5, now=at("2026-10-13 09:00"))  # fmt: skip
    do_respond_order(
        acting_user=esc.handler_shuyang, order_id=late.pk, response="已办", now=at("2026-10-20 09:00")
    )
    figures = unit_month_figures(2026, 10)
    mine = figures[esc.shuyang_gov.pk]
    assert mine["supervision_issued"] == 2
    assert mine["supervision_answered"] == 1 and mine["supervision_answered_late"] == 1
    assert mine["supervision_open_overdue"] == 1
    assert esc.siyang_gov.pk not in figures
    assert unit_month_figures(2026, 9) == {}


def test_supervision_ledger_exports(esc, login):
    import io

    from openpyxl import load_workbook

    ticket = esc.in_progress()
    do_issue_order(acting_user=esc.biz_office, kind="urge", ticket_id=ticket.pk, content="请加快办理")
    response = login(esc.biz_office).get("/escalation/supervision/?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    row = [c.value for c in sheet[2]]
    assert row[0] == "催办" and row[1] == ticket.number and row[2] == "沭阳县人民政府"
