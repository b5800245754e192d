"""The reopen limit (`RatingSettings.max_reopens`) holds on every path that may reopen a case: the
follow-up API, the case page's 回访 panel, the enterprise's own rating and the 回头看 re-check. At
the limit the case is not reopened but flagged for 督办 (tickets' `follow_up_outcome`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bangban.ratings import recheck
from bangban.ratings.models import RatingSettings
from bangban.tickets.models import Ticket

from .test_recheck import NOV, _closed

pytestmark = pytest.mark.django_db


def _limit(value: int) -> None:
    RatingSettings.objects.update_or_create(pk=1, defaults={"max_reopens": value})


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _follow_up_api(user: Any, ticket: Ticket, **body: Any) -> Any:
    return _client(user).post(
        f"/api/v1/cases/{ticket.pk}/follow-up",
        {"version": Ticket.objects.get(pk=ticket.pk).version, **body},
        content_type="application/json",
    )


@pytest.mark.parametrize(("limit", "reopened"), [(0, False), (1, True)])
def test_the_follow_up_api_reopens_only_below_the_limit(cases: Any, limit: int, reopened: bool) -> None:
    _limit(limit)
    ticket = cases.replied()
    r = _follow_up_api(cases.dispatcher, ticket, resolved=False, satisfaction=4, method="phone")
    assert r.status_code == 200, r.content
    fresh = Ticket.objects.get(pk=ticket.pk)
    if reopened:
        assert fresh.status == "in_progress" and fresh.reopen_count == 1
        assert not fresh.events.filter(kind="follow_up_escalate").exists()
    else:
        assert fresh.status == "replied" and fresh.reopen_count == 0
        assert fresh.events.filter(kind="follow_up_escalate").exists()


def test_the_case_page_follow_up_panel_flags_at_the_limit(cases: Any) -> None:
    _limit(0)
    ticket = cases.replied()
    c = _client(cases.dispatcher)
    version = Ticket.objects.get(pk=ticket.pk).version
    response = c.post(
        reverse("tickets:act", args=[ticket.pk, "follow_up"]),
        {"version": version, "method": "phone", "resolved": "0", "satisfaction": 4, "comment": "问题仍在"},
    )
    assert response.status_code in (200, 302)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == "replied" and fresh.reopen_count == 0
    assert fresh.events.filter(kind="follow_up_escalate").exists()
    assert "重办次数已达上限" in c.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()


def test_the_enterprise_rating_through_the_follow_up_api_flags_at_the_limit(cases: Any) -> None:
    _limit(0)
    ticket = cases.replied()
    r = _follow_up_api(cases.enterprise_user, ticket, resolved=False, satisfaction=5)
    assert r.status_code == 200, r.content
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == "replied" and fresh.reopen_count == 0
    assert fresh.events.filter(kind="follow_up_escalate").exists()
    # One follow-up, linked to the one rating it is.
    follow_up = fresh.follow_ups.get()
    assert follow_up.method == "portal" and follow_up.rating.level == 5  # type: ignore[attr-defined]


@pytest.mark.parametrize(("limit", "reopened"), [(1, False), (2, True)])
def test_the_recheck_reopens_only_below_the_limit(cases: Any, limit: int, reopened: bool) -> None:
    _limit(limit)
    _closed(cases, 1)
    ticket = Ticket.objects.get()
    Ticket.objects.filter(pk=ticket.pk).update(reopen_count=1)
    c = _client(cases.biz_office)
    draw = recheck.do_draw(acting_user=cases.biz_office, year=2026, month=10, seed=1, now=NOV)
    r = c.post(
        f"/api/v1/ratings/rechecks/{draw.pk}/cases/{ticket.pk}/outcome",
        {"outcome": "not_solved", "note": "企业称仍未解决"},
        content_type="application/json",
    )
    assert r.status_code in (200, 201), r.content
    fresh = Ticket.objects.get(pk=ticket.pk)
    if reopened:
        assert fresh.status == "in_progress" and fresh.reopen_count == 2
    else:
        assert fresh.status == "closed" and fresh.reopen_count == 1
        assert fresh.events.filter(kind="recheck_escalate").exists()
