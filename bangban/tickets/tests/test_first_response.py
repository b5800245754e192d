"""R12.1 首问负责 (issue 16 item 7): the unit that received a case leads it by default — the
dispatch queue pre-fills it — and another lead unit needs a reason, recorded in the timeline and
the audit; without one the dispatch is refused and nothing changes."""

from __future__ import annotations

import json
from typing import Any

from bangban.audit.models import AuditEvent
from bangban.tickets.models import Ticket, TicketEvent
from bangban.tickets.workflow import Status

from .intake_helpers import category

COUNTER = "/cases/intake/window/counter/"


def referred_at_the_counter(cases, login) -> Ticket:
    """A 沭阳县政府 handler registers a complex problem at its counter: it waits for dispatch."""
    response = login(cases.handler_shuyang).post(
        COUNTER,
        {
            "contact_name": "李女士",
            "contact_phone": "13900001234",
            "title": "厂房竣工验收久拖不办",
            "content": "厂房已具备验收条件，申请两个月未安排现场验收。",
            "category": str(category("工程建设/竣工验收/不动产首次登记").pk),
            "handling": "refer",
            "enterprise": str(cases.ent_shuyang.pk),
        },
    )
    assert response.status_code == 302, response.content
    ticket = Ticket.objects.get()
    assert ticket.status == Status.PENDING_DISPATCH and ticket.intake_unit == cases.shuyang_gov
    return ticket


def dispatch(client, ticket, **body):
    return client.post(
        f"/api/v1/cases/{ticket.pk}/dispatch",
        data=json.dumps({"version": ticket.version, **body}),
        content_type="application/json",
    )


def test_the_receiving_unit_is_the_default_lead_on_the_dispatch_queue(cases, login):
    ticket = referred_at_the_counter(cases, login)
    assert ticket.suggested_unit == cases.shuyang_gov
    page = login(cases.dispatcher).get("/cases/dispatch/").content.decode()
    assert 'data-testid="first-response"' in page and "首问负责：由受理单位" in page
    assert f'name="t{ticket.pk}-lead_reason"' in page


def test_another_lead_needs_a_reason_recorded_in_timeline_and_audit(cases, login):
    ticket = referred_at_the_counter(cases, login)
    client = login(cases.dispatcher)
    events = TicketEvent.objects.count()
    refused = dispatch(client, ticket, lead_unit_id=cases.approval_bureau.pk)
    assert refused.status_code == 400
    assert refused.json()["code"] == "lead_change_reason_required"
    assert "首问负责" in refused.json()["message"] and "沭阳县" in refused.json()["message"]
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_DISPATCH and ticket.lead_unit is None
    assert TicketEvent.objects.count() == events

    done = dispatch(
        client, ticket, lead_unit_id=cases.approval_bureau.pk, lead_reason="属市级审批事项，县里无权限"
    )
    assert done.status_code == 200, done.content
    event = TicketEvent.objects.get(ticket=ticket, kind="dispatch")
    data: Any = event.data
    assert "首问单位" in event.note and "属市级审批事项，县里无权限" in event.note
    assert data["lead_reason"] == "属市级审批事项，县里无权限"
    assert data["first_response_unit_id"] == cases.shuyang_gov.pk
    audit = AuditEvent.objects.filter(action="ticket.dispatch", object_id=str(ticket.pk)).get()
    after: Any = audit.after
    assert after["data"]["lead_reason"] == "属市级审批事项，县里无权限"
    # The case page's timeline shows the reason to the staff.
    assert "属市级审批事项" in login(cases.dispatcher).get(f"/cases/{ticket.pk}/").content.decode()


def test_the_receiving_unit_as_lead_needs_no_reason(cases, login):
    ticket = referred_at_the_counter(cases, login)
    done = dispatch(login(cases.dispatcher), ticket, lead_unit_id=cases.shuyang_gov.pk)
    assert done.status_code == 200, done.content
    data: Any = TicketEvent.objects.get(ticket=ticket, kind="dispatch").data
    assert "lead_reason" not in data


def test_the_queue_form_refuses_without_a_reason(cases, login):
    ticket = referred_at_the_counter(cases, login)
    client = login(cases.dispatcher)
    p = f"t{ticket.pk}"
    form = {"_prefix": p, f"{p}-version": ticket.version, f"{p}-lead_unit": cases.approval_bureau.pk,
            f"{p}-urgency": "complex"}  # fmt: skip
    response = client.post(f"/cases/{ticket.pk}/do/dispatch/", form, follow=True)
    assert "改由其他单位牵头须填写理由" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_DISPATCH
    form[f"{p}-lead_reason"] = "涉及市级审批"
    client.post(f"/cases/{ticket.pk}/do/dispatch/", form)
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit == cases.approval_bureau


def test_a_hotline_case_has_no_receiving_unit_lead(cases, login):
    ticket = cases.new()
    assert dispatch(login(cases.dispatcher), ticket, lead_unit_id=cases.approval_bureau.pk).status_code == 200
