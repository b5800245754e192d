"""回访 by an agent (call outcome) or by SMS link, calling into the case's follow-up; unresolved or
unsatisfied → 重办 up to the configured maximum, then escalation is flagged."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bangban.conftest import reply_fields
from bangban.notifications.models import OutboxMessage
from bangban.ratings import actions
from bangban.ratings.models import FollowUpCall, Rating, RatingSettings
from bangban.tickets.models import FollowUp, Ticket

pytestmark = pytest.mark.django_db


def test_call_not_connected_records_only_the_attempt(cases: Any) -> None:
    ticket = cases.replied()
    call = actions.do_record_call(acting_user=cases.hotline_agent, ticket_id=ticket.pk, outcome="no_answer")
    assert call.outcome == "no_answer" and FollowUp.objects.count() == 0
    assert Ticket.objects.get(pk=ticket.pk).status == "replied"


def test_satisfied_call_closes_the_case(cases: Any) -> None:
    ticket = cases.replied()
    c = Client()
    c.force_login(cases.hotline_agent)
    r = c.post("/api/v1/ratings/follow-ups/calls",
               {"ticket_id": ticket.pk, "outcome": "connected", "resolved": True, "satisfaction": 2},
               content_type="application/json")  # fmt: skip
    assert r.status_code == 201 and r.json()["reopened"] is False
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"
    assert FollowUp.objects.get().method == "phone"


def test_unsatisfied_reopens_until_the_maximum_then_flags_escalation(cases: Any) -> None:
    RatingSettings.objects.update_or_create(pk=1, defaults={"max_reopens": 1})
    ticket = cases.replied()
    first = actions.do_record_call(
        acting_user=cases.hotline_agent,
        ticket_id=ticket.pk,
        outcome="connected",
        resolved=False,
        satisfaction=4,
    )
    ticket.refresh_from_db()
    assert first.reopened and ticket.status == "in_progress" and ticket.reopen_count == 1
    # answered again
    from bangban.tickets.actions import do_approve_reply, do_submit_reply

    do_submit_reply(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, content="再次答复。", **reply_fields()
    )
    do_approve_reply(acting_user=cases.head_shuyang, ticket_id=ticket.pk)
    second = actions.do_record_call(
        acting_user=cases.hotline_agent,
        ticket_id=ticket.pk,
        outcome="connected",
        resolved=False,
        satisfaction=5,
    )
    ticket.refresh_from_db()
    assert not second.reopened and second.escalation_flagged
    assert ticket.status == "replied" and ticket.reopen_count == 1
    assert ticket.events.filter(kind="follow_up_escalate").exists()
    from bangban.ratings.figures import flagged_for_escalation

    assert [c.ticket_id for c in flagged_for_escalation()] == [ticket.pk]


def test_connected_call_needs_answers(cases: Any) -> None:
    ticket = cases.replied()
    with pytest.raises(Exception) as exc:
        actions.do_record_call(acting_user=cases.hotline_agent, ticket_id=ticket.pk, outcome="connected")
    assert getattr(exc.value, "code", "") == "resolved_required"
    assert FollowUpCall.objects.count() == 0


def test_only_follow_up_roles(cases: Any) -> None:
    ticket = cases.replied()
    with pytest.raises(Exception) as exc:
        actions.do_record_call(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, outcome="no_answer")
    assert getattr(exc.value, "code", "") == "permission_denied"


def test_sms_follow_up_link(cases: Any, settings: Any) -> None:
    settings.BANGBAN_SITE_URL = "http://127.0.0.1:8000"
    ticket = cases.replied(contact_phone="13812345678")
    agent = Client()
    agent.force_login(cases.hotline_agent)
    r = agent.post("/api/v1/ratings/follow-ups/sms-links", {"ticket_id": ticket.pk, "purpose": "followup"},
                   content_type="application/json")  # fmt: skip
    # The link is the contact's credential: texted to the case's phone, never returned to the sender.
    assert r.status_code == 201 and "url" not in r.json() and "/ratings/m/" not in r.content.decode()
    sms = OutboxMessage.objects.get(channel="sms", address="13812345678")
    url = sms.link
    assert url.startswith("http://127.0.0.1:8000/ratings/m/") and url in sms.body
    page = Client().post(url, {"level": "1", "resolved": "1"})
    assert page.status_code == 200 and "感谢" in page.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    fu = FollowUp.objects.get()
    assert (fu.method, fu.by_id) == ("sms", cases.hotline_agent.pk)
    # The answer is also the case's one 好差评 rating (短信).
    assert list(Rating.objects.values_list("channel", "level", "proactive")) == [("sms", 1, False)]
    again = Client().post(url, {"level": "5", "resolved": "0"})
    assert again.status_code == 409 and FollowUp.objects.count() == 1 and Rating.objects.count() == 1


def test_follow_up_pages(cases: Any) -> None:
    ticket = cases.replied()
    c = Client()
    c.force_login(cases.hotline_agent)
    assert ticket.number in c.get("/ratings/follow-ups/").content.decode()
    r = c.post(
        f"/ratings/follow-ups/{ticket.pk}/", {"outcome": "connected", "resolved": "1", "satisfaction": "1"}
    )
    assert r.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"
    other = Client()
    other.force_login(cases.handler_shuyang)
    assert other.get("/ratings/follow-ups/").status_code == 404
