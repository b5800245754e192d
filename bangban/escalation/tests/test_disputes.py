"""Disputed responsibility (R6.2): a unit disputes a dispatch within the time limit; the dispute
ledger; the 专班 decides within 3 working days, optionally through a 联席会议; the decision names
the lead and co-handling units, reassigns the case and binds them."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from bangban.audit.models import AuditEvent
from bangban.core.errors import ApplicationError
from bangban.escalation.actions import do_create_meeting, do_decide_dispute, do_raise_dispute
from bangban.escalation.models import Dispute
from bangban.tickets.models import TicketAssignment, TicketEvent
from bangban.workdays.service import workdays_between

from .conftest import T0, at


def test_unit_disputes_within_the_limit_and_it_enters_the_ledger(esc, login):
    ticket = esc.dispatched()
    dispute = do_raise_dispute(acting_user=esc.handler_shuyang, ticket_id=ticket.pk,
                               reason="该事项属审批局职责", now=at("2026-09-30 09:00"))  # fmt: skip
    assert dispute.status == "pending" and dispute.unit == esc.shuyang_gov
    assert workdays_between(dispute.raised_at, dispute.decide_due_at) == 3
    assert TicketEvent.objects.filter(ticket=ticket, kind="dispute").exists()
    ledger = login(esc.dispatcher).get("/escalation/disputes/").content.decode()
    assert ticket.number in ledger and "该事项属审批局职责" in ledger
    export = login(esc.dispatcher).get("/escalation/disputes/?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert next(c.value for c in sheet[2]) == ticket.number


def test_a_dispute_after_its_time_limit_is_refused(esc, login):
    ticket = esc.dispatched(now=T0)
    # Received Tue 29 Sep; 30 Sep and 8 Oct are the two working days; 9 Oct is too late.
    with pytest.raises(ApplicationError) as exc:
        do_raise_dispute(acting_user=esc.handler_shuyang, ticket_id=ticket.pk, reason="不属于我单位",
                         now=at("2026-10-09 09:00"))  # fmt: skip
    assert exc.value.code == "dispute_too_late"
    assert "已超过异议申请时限" in exc.value.message
    assert not Dispute.objects.exists()
    assert not TicketEvent.objects.filter(ticket=ticket, kind="dispute").exists()


def test_dispute_after_its_limit_through_the_api(esc, login):
    ticket = esc.dispatched(now=at("2026-01-05 10:00"))
    response = login(esc.handler_shuyang).post(
        f"/api/v1/escalation/cases/{ticket.pk}/disputes",
        data=json.dumps({"reason": "不属于我单位"}),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "dispute_too_late"
    assert not Dispute.objects.exists()


def test_only_an_assigned_unit_may_dispute(esc):
    ticket = esc.dispatched()
    with pytest.raises(ApplicationError) as exc:
        do_raise_dispute(
            acting_user=esc.city_handler, ticket_id=ticket.pk, reason="x", now=at("2026-09-30 09:00")
        )
    assert exc.value.code in {"not_found", "permission_denied"}


def test_task_force_decision_reassigns_and_binds(esc, login):
    ticket = esc.in_progress()
    dispute = do_raise_dispute(acting_user=esc.handler_shuyang, ticket_id=ticket.pk,
                               reason="主要涉及审批职能", now=at("2026-09-30 09:00"))  # fmt: skip
    meeting = do_create_meeting(acting_user=esc.dispatcher, type="joint", title="职责认定联席会议",
                                held_at=at("2026-10-08 09:00"), chair_id=esc.dispatcher.pk,
                                unit_ids=[esc.shuyang_gov.pk, esc.approval_bureau.pk], case_ids=[ticket.pk])  # fmt: skip
    # 营商办 is not the task force.
    denied = login(esc.biz_office).post(f"/api/v1/escalation/disputes/{dispute.pk}/decide",
                                        data=json.dumps({"lead_unit_id": esc.approval_bureau.pk, "decision": "x"}),
                                        content_type="application/json")  # fmt: skip
    assert denied.status_code == 403
    response = login(esc.dispatcher).post(
        f"/api/v1/escalation/disputes/{dispute.pk}/decide",
        data=json.dumps({"lead_unit_id": esc.approval_bureau.pk, "co_unit_ids": [esc.shuyang_gov.pk],
                         "decision": "审批局主办，沭阳县配合", "meeting_id": meeting.pk}),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert ticket.lead_unit == esc.approval_bureau and ticket.status == "dispatched"
    active = set(TicketAssignment.objects.filter(ticket=ticket, active=True).values_list("unit_id", "role"))
    assert active == {(esc.approval_bureau.pk, "lead"), (esc.shuyang_gov.pk, "co")}
    assert AuditEvent.objects.filter(action="ticket.dispute_decided").exists()
    # Bound: the co-handling unit cannot dispute again.
    with pytest.raises(ApplicationError) as exc:
        do_raise_dispute(
            acting_user=esc.handler_shuyang, ticket_id=ticket.pk, reason="再议", now=at("2026-10-08 10:00")
        )
    assert exc.value.code == "dispute_bound"


def test_decision_requires_a_lead_unit(esc):
    ticket = esc.dispatched()
    dispute = do_raise_dispute(
        acting_user=esc.handler_shuyang, ticket_id=ticket.pk, reason="x", now=at("2026-09-30 09:00")
    )
    with pytest.raises(ApplicationError) as exc:
        do_decide_dispute(
            acting_user=esc.dispatcher, dispute_id=dispute.pk, lead_unit_id=None, decision="认定"
        )
    assert exc.value.code == "lead_unit_required"
    assert Dispute.objects.get(pk=dispute.pk).status == "pending"


def test_ledger_is_empty_and_scoped(esc, login):
    assert "暂无职责异议" in login(esc.dispatcher).get("/escalation/disputes/").content.decode()
    ticket = esc.dispatched()
    do_raise_dispute(
        acting_user=esc.handler_shuyang, ticket_id=ticket.pk, reason="x", now=at("2026-09-30 09:00")
    )
    assert login(esc.handler_siyang).get("/api/v1/escalation/disputes").json()["count"] == 0
    assert login(esc.handler_shuyang).get("/api/v1/escalation/disputes").json()["count"] == 1
