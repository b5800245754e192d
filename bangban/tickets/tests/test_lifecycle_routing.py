"""Routing (R12.1 首问负责, issue 3 item 3): dispatch to one lead unit and co-handlers, accept,
return with a reason, reassign with history; who may do it, and what they are told."""

from __future__ import annotations

import datetime as dt

import pytest

from bangban.core.errors import NotFound, PermissionDenied, ValidationFailed
from bangban.notifications.models import OutboxMessage
from bangban.tickets.actions import do_accept, do_dispatch, do_reassign, do_return
from bangban.tickets.models import (
    AssignmentRole,
    Category,
    TicketAssignment,
    TicketEvent,
    Urgency,
    Visibility,
)
from bangban.tickets.workflow import DeadlineState, Status

from .conftest import T0

LATER = T0 + dt.timedelta(hours=3)


def messages_to(user, subject_part: str = "") -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(recipient=user, subject__contains=subject_part))


def post(client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")


# --- dispatch --------------------------------------------------------------------------------


def test_dispatch_sets_lead_and_co_units_and_starts_the_deadline(cases):
    ticket = cases.new()
    ticket = do_dispatch(
        acting_user=cases.dispatcher,
        ticket_id=ticket.pk,
        lead_unit_id=cases.shuyang_gov.pk,
        co_unit_ids=[cases.approval_bureau.pk],
        note="请属地牵头",
        now=T0,
        expected_version=1,
    )
    assert ticket.status == Status.DISPATCHED
    assert ticket.lead_unit_id == cases.shuyang_gov.pk
    assert ticket.dispatched_at == T0 and ticket.deadline_start == T0
    assert ticket.workdays_allowed == 5 and ticket.max_extensions == 1
    assert ticket.deadline_state == DeadlineState.NORMAL
    assert ticket.multi_unit is True
    assert ticket.version == 2
    roles = set(TicketAssignment.objects.filter(ticket=ticket, active=True).values_list("unit_id", "role"))
    assert roles == {
        (cases.shuyang_gov.pk, AssignmentRole.LEAD),
        (cases.approval_bureau.pk, AssignmentRole.CO),
    }
    event = TicketEvent.objects.get(ticket=ticket, kind="dispatch")
    assert event.visibility == Visibility.INTERNAL
    assert "沭阳县人民政府主办" in event.note and "请属地牵头" in event.note
    # The lead unit's members are told to sign for it; the co-handling unit's handler too.
    assert messages_to(cases.handler_shuyang, "新诉求待签收")
    assert messages_to(cases.head_shuyang, "新诉求待签收")
    assert messages_to(cases.city_handler, "协办诉求")
    assert not messages_to(cases.handler_siyang)


def test_dispatch_can_change_urgency_and_category_and_the_deadline_follows(cases):
    category = Category.objects.filter(is_active=True).first() or Category.objects.create(
        code="T01", name="测试分类", path="测试分类"
    )
    ticket = cases.new(urgency=Urgency.GENERAL)
    ticket = do_dispatch(
        acting_user=cases.dispatcher,
        ticket_id=ticket.pk,
        lead_unit_id=cases.shuyang_gov.pk,
        urgency=Urgency.URGENT,
        category_id=category.pk,
        now=T0,
    )
    assert ticket.urgency == Urgency.URGENT and ticket.category_id == category.pk
    assert ticket.workdays_allowed == 2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"co_unit_ids": "lead"}, "lead_is_co_handler"),
        ({"lead_unit_id": 999_999}, "unit_inactive"),
        ({"lead_unit_id": "inactive"}, "unit_inactive"),
        ({"urgency": "whenever"}, "urgency_invalid"),
        ({"category_id": 999_999}, "category_invalid"),
    ],
)
def test_dispatch_rejects_bad_units_and_values(cases, change, code):
    from bangban.org.models import Unit, UnitType

    closed_unit = Unit.objects.create(
        code="old", name="已撤销单位", type=UnitType.CITY_DEPARTMENT, region=cases.city, is_active=False
    )
    ticket = cases.new()
    kwargs = {"lead_unit_id": cases.shuyang_gov.pk, "co_unit_ids": [], **change}
    if kwargs["co_unit_ids"] == "lead":
        kwargs["co_unit_ids"] = [cases.shuyang_gov.pk]
    if kwargs["lead_unit_id"] == "inactive":
        kwargs["lead_unit_id"] = closed_unit.pk
    with pytest.raises(ValidationFailed) as exc:
        do_dispatch(acting_user=cases.dispatcher, ticket_id=ticket.pk, now=T0, **kwargs)
    assert exc.value.code == code
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_DISPATCH and not ticket.assignments.exists()


def test_only_a_dispatcher_may_dispatch(cases, login):
    ticket = cases.new()
    response = post(
        login(cases.biz_office),
        f"/api/v1/cases/{ticket.pk}/dispatch",
        {"version": 1, "lead_unit_id": cases.shuyang_gov.pk},
    )
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "message": "只有派单员可以执行此操作"}


def test_a_county_dispatcher_cannot_reach_another_countys_case(cases):
    ticket = cases.new(enterprise=cases.ent_siyang, region=cases.siyang, submitter=None)
    with pytest.raises(NotFound):
        do_dispatch(
            acting_user=cases.county_dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.siyang_gov.pk
        )
    own = cases.new()
    assert do_dispatch(
        acting_user=cases.county_dispatcher, ticket_id=own.pk, lead_unit_id=cases.shuyang_gov.pk
    ).status == (Status.DISPATCHED)


def test_dispatch_through_the_api_returns_the_case_summary(cases, login, demo_clock):
    # In the middle of a year with an official calendar, so the due date is not provisional.
    ticket = cases.new()
    response = post(
        login(cases.dispatcher),
        f"/api/v1/cases/{ticket.pk}/dispatch",
        {"version": 1, "lead_unit_id": cases.shuyang_gov.pk, "co_unit_ids": [cases.approval_bureau.pk]},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == ticket.pk and data["number"] == ticket.number
    assert data["status"] == "dispatched" and data["status_label"] == "待签收"
    assert data["lead_unit_id"] == cases.shuyang_gov.pk and data["lead_unit"] == "沭阳县人民政府"
    assert data["due_at"] is not None and data["due_provisional"] is False
    assert data["deadline_state"] in {"normal", "warning", "overdue"}
    assert data["version"] == 2


# --- accept ----------------------------------------------------------------------------------


def test_a_lead_unit_handler_accepts_and_becomes_the_handler(cases):
    ticket = cases.dispatched()
    ticket = do_accept(acting_user=cases.handler_shuyang2, ticket_id=ticket.pk, now=LATER, expected_version=2)
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.handler_id == cases.handler_shuyang2.pk and ticket.accepted_at == LATER
    event = TicketEvent.objects.get(ticket=ticket, kind="accept")
    assert event.visibility == Visibility.PUBLIC and "沭阳县人民政府已签收" in event.note
    assert messages_to(cases.enterprise_user, "诉求已受理")


def test_a_co_handling_unit_can_see_but_not_accept(cases, login):
    ticket = cases.new()
    do_dispatch(
        acting_user=cases.dispatcher,
        ticket_id=ticket.pk,
        lead_unit_id=cases.shuyang_gov.pk,
        co_unit_ids=[cases.approval_bureau.pk],
    )
    response = post(login(cases.city_handler), f"/api/v1/cases/{ticket.pk}/accept", {"version": 2})
    assert response.status_code == 403
    assert response.json()["message"] == "只有主办单位的承办人或负责人可以办理此诉求"


def test_a_handler_of_another_unit_gets_404_for_a_case_it_cannot_see(cases, login):
    ticket = cases.dispatched()
    response = post(login(cases.handler_siyang), f"/api/v1/cases/{ticket.pk}/accept", {"version": 2})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    with pytest.raises(NotFound):
        do_accept(acting_user=cases.handler_siyang, ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.handler_id is None


# --- return ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_without_a_reason_is_refused(cases, reason):
    ticket = cases.in_progress()
    with pytest.raises(ValidationFailed) as exc:
        do_return(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, reason=reason)
    assert exc.value.code == "reason_required"
    assert exc.value.message == "退单必须填写理由"
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.lead_unit_id == cases.shuyang_gov.pk


def test_return_without_a_reason_through_the_api(cases, login):
    ticket = cases.dispatched()
    response = post(
        login(cases.handler_shuyang), f"/api/v1/cases/{ticket.pk}/return", {"version": 2, "reason": ""}
    )
    assert response.status_code == 400
    assert response.json() == {"code": "reason_required", "message": "退单必须填写理由"}


def test_return_goes_back_to_the_dispatcher_keeping_deadline_and_history(cases):
    ticket = cases.in_progress()
    due = ticket.due_at
    ticket = do_return(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, reason="属泗阳县管辖", now=LATER
    )
    assert ticket.status == Status.PENDING_DISPATCH
    assert ticket.lead_unit_id is None and ticket.handler_id is None
    assert ticket.due_at == due and ticket.deadline_start == T0
    assignment = TicketAssignment.objects.get(ticket=ticket)
    assert assignment.active is False and assignment.ended_at == LATER
    assert assignment.end_reason == "退单：属泗阳县管辖"
    event = TicketEvent.objects.get(ticket=ticket, kind="return")
    assert event.note == "属泗阳县管辖" and event.visibility == Visibility.INTERNAL
    assert event.data == {"unit_id": cases.shuyang_gov.pk}
    # Both dispatchers covering 沭阳 are told; the returning handler sees the case in its history.
    assert messages_to(cases.dispatcher, "诉求被退单")
    assert messages_to(cases.county_dispatcher, "诉求被退单")
    from bangban.tickets.access import visible_tickets

    assert visible_tickets(cases.handler_shuyang).filter(pk=ticket.pk).exists()


def test_return_lets_a_pending_request_lapse(cases):
    from bangban.tickets.actions import do_request_extension

    ticket = cases.in_progress()
    request = do_request_extension(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, workdays=2, reason="协调"
    )
    do_return(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, reason="非本单位职责")
    request.refresh_from_db()
    assert request.status == "rejected" and "自动失效" in request.decision_comment


# --- reassign ----------------------------------------------------------------------------------


def test_reassign_ends_the_old_assignments_and_keeps_them_as_history(cases):
    ticket = cases.new()
    do_dispatch(
        acting_user=cases.dispatcher,
        ticket_id=ticket.pk,
        lead_unit_id=cases.shuyang_gov.pk,
        co_unit_ids=[cases.approval_bureau.pk],
        now=T0,
    )
    do_accept(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, now=T0)
    ticket.refresh_from_db()
    due = ticket.due_at
    ticket = do_reassign(
        acting_user=cases.dispatcher,
        ticket_id=ticket.pk,
        lead_unit_id=cases.siyang_gov.pk,
        reason="问题发生在泗阳",
        now=LATER,
        expected_version=3,
    )
    assert ticket.status == Status.DISPATCHED
    assert ticket.lead_unit_id == cases.siyang_gov.pk and ticket.handler_id is None
    assert ticket.due_at == due
    history = list(
        TicketAssignment.objects.filter(ticket=ticket)
        .order_by("id")
        .values_list("unit_id", "active", "end_reason")
    )
    assert history == [
        (cases.shuyang_gov.pk, False, "改派：问题发生在泗阳"),
        (cases.approval_bureau.pk, False, "改派：问题发生在泗阳"),
        (cases.siyang_gov.pk, True, ""),
    ]
    event = TicketEvent.objects.get(ticket=ticket, kind="reassign")
    assert "由沭阳县人民政府改派至泗阳县人民政府" in event.note
    assert messages_to(cases.handler_siyang, "新诉求待签收")
    assert messages_to(cases.handler_shuyang, "诉求已改派")


def test_reassign_needs_a_reason_and_a_dispatcher(cases):
    ticket = cases.dispatched()
    with pytest.raises(ValidationFailed) as exc:
        do_reassign(
            acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.siyang_gov.pk, reason=""
        )
    assert exc.value.code == "reason_required"
    with pytest.raises(PermissionDenied):
        do_reassign(
            acting_user=cases.head_shuyang,
            ticket_id=ticket.pk,
            lead_unit_id=cases.siyang_gov.pk,
            reason="换单位",
        )


def test_the_audit_log_records_before_and_after_of_a_dispatch(cases):
    from bangban.audit.models import AuditEvent

    ticket = cases.new()
    do_dispatch(acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk, now=T0)
    event = AuditEvent.objects.get(action="ticket.dispatch", object_id=str(ticket.pk))
    assert event.actor_id == cases.dispatcher.pk
    assert event.before is not None and event.after is not None
    assert event.before["status"] == "pending_dispatch" and event.before["lead_unit_id"] is None
    assert event.after["status"] == "dispatched" and event.after["lead_unit_id"] == cases.shuyang_gov.pk
    assert event.after["version"] == 2
