"""The handler can call the enterprise (issue 17, item 3): the case page shows the contact phone
masked with 「查看完整号码」 for the staff who may see the case; each reveal — page or API — is one
audit event naming who and which case; an enterprise user or a handler outside the case's scope
cannot reveal it. The case page lists the caller's earlier cases (same phone or enterprise), at
most ten, for staff only."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from bangban.audit.models import AuditEvent
from bangban.tickets.contact import HISTORY_LIMIT
from bangban.tickets.models import Channel

from .conftest import T0

PHONE = "13812345678"


def page(client, ticket) -> str:
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def reveals(ticket) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="ticket.contact_reveal", object_id=str(ticket.pk)))


def test_the_handler_sees_the_number_masked_and_reveals_it_once_per_click(cases, login):
    ticket = cases.dispatched(contact_name="张三", contact_phone=PHONE)
    handler = login(cases.handler_shuyang)
    html = page(handler, ticket)
    assert "138****5678" in html and PHONE not in html
    assert 'data-testid="reveal-contact"' in html and "查看完整号码" in html
    assert reveals(ticket) == []

    # Without script: the case page comes back with the full number.
    response = handler.post(reverse("tickets:reveal_contact", args=[ticket.pk]))
    assert response.status_code == 200
    assert re.search(rf'data-testid="contact-phone"[^>]*>{PHONE}<', response.content.decode())
    # With htmx: only the number.
    fragment = handler.post(reverse("tickets:reveal_contact", args=[ticket.pk]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and PHONE in fragment.content.decode()
    assert "<html" not in fragment.content.decode()

    events = reveals(ticket)
    assert len(events) == 2
    assert {e.actor_id for e in events} == {cases.handler_shuyang.pk}
    assert all(e.after == {"fields": ["contact_phone"]} for e in events)
    # Opening the page again shows it masked: each call is a new reveal.
    assert PHONE not in page(handler, ticket)


def test_the_api_reveals_it_too_and_records_it(cases, login):
    ticket = cases.dispatched(contact_phone=PHONE)
    response = login(cases.handler_shuyang).post(f"/api/v1/cases/{ticket.pk}/contact/reveal")
    assert response.status_code == 200
    assert response.json() == {"contact_phone": PHONE}
    assert len(reveals(ticket)) == 1


def test_people_without_access_cannot_reveal(cases, login):
    ticket = cases.dispatched(contact_phone=PHONE)
    other_county = login(cases.handler_siyang)
    assert other_county.post(f"/api/v1/cases/{ticket.pk}/contact/reveal").status_code == 404
    assert other_county.post(reverse("tickets:reveal_contact", args=[ticket.pk])).status_code == 404
    enterprise = login(cases.enterprise_user)
    refused = enterprise.post(f"/api/v1/cases/{ticket.pk}/contact/reveal")
    assert refused.status_code == 403 and refused.json()["code"] == "reveal_not_allowed"
    assert 'data-testid="reveal-contact"' not in page(enterprise, ticket)
    assert reveals(ticket) == []


def test_a_case_without_a_phone_offers_nothing_to_reveal(cases, login):
    ticket = cases.dispatched(contact_phone="")
    handler = login(cases.handler_shuyang)
    assert 'data-testid="reveal-contact"' not in page(handler, ticket)
    response = handler.post(f"/api/v1/cases/{ticket.pk}/contact/reveal")
    assert response.status_code == 400 and response.json()["code"] == "phone_missing"


def test_a_protected_complainant_cannot_be_revealed(cases, login):
    ticket = cases.dispatched(contact_phone=PHONE, channel=Channel.CONDUCT, submitter=None)
    handler = login(cases.handler_shuyang)
    html = page(handler, ticket)
    assert PHONE[-4:] not in html and 'data-testid="reveal-contact"' not in html
    response = handler.post(f"/api/v1/cases/{ticket.pk}/contact/reveal")
    assert response.status_code == 403 and response.json()["code"] == "complainant_protected"
    assert 'data-testid="caller-history"' not in html


def test_staff_see_the_callers_earlier_cases_at_most_ten(cases, login):
    earlier = [
        cases.dispatched(
            contact_phone=PHONE, received_at=T0 - dt.timedelta(days=30 - i), title=f"早先诉求{i}"
        )
        for i in range(HISTORY_LIMIT + 2)
    ]
    # Same enterprise, another phone: counted; another enterprise and phone: not.
    same_enterprise = cases.new(contact_phone="13900000000", received_at=T0 - dt.timedelta(days=1))
    stranger = cases.new(
        contact_phone="13700000000", enterprise=cases.ent_siyang, region=cases.siyang, received_at=T0
    )
    current = cases.dispatched(contact_phone=PHONE, received_at=T0 + dt.timedelta(hours=1))

    html = page(login(cases.biz_office), current)
    rows = re.findall(r'data-testid="caller-history-row" data-number="([^"]+)"', html)
    assert len(rows) == HISTORY_LIMIT
    assert rows[0] == same_enterprise.number  # newest first
    assert rows[1:] == [t.number for t in reversed(earlier)][: HISTORY_LIMIT - 1]
    assert stranger.number not in rows and current.number not in rows
    found = re.search(r'data-testid="caller-history".*?</div>', html, re.S)
    assert found is not None
    history = found.group(0)
    assert reverse("tickets:detail", args=[earlier[-1].pk]) in history and "待签收" in history

    assert 'data-testid="caller-history"' not in page(login(cases.enterprise_user), current)
