"""我的诉求: the enterprise follows its own cases on a phone, reads the approved reply and rates it;
a satisfied rating closes the case (已办结), an unsatisfied one sends it back to the unit."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from bangban.conftest import make_user
from bangban.tickets.models import FollowUp, FollowUpMethod, Ticket
from bangban.tickets.workflow import Status

pytestmark = pytest.mark.django_db


def cards(html: str) -> list[str]:
    return re.findall(r'data-testid="my-case" data-number="([^"]+)"', html)


def test_my_cases_lists_the_enterprise_cases_only(cases, login):
    own = cases.new(title="本企业诉求")
    colleague = make_user("ent_sy2", "enterprise", enterprise=cases.ent_shuyang)
    by_colleague = cases.new(submitter=colleague)
    other = cases.new(enterprise=cases.ent_siyang, submitter=None)

    html = login(cases.enterprise_user).get(reverse("tickets:mine")).content.decode()

    assert set(cards(html)) == {own.number, by_colleague.number}
    assert other.number not in html
    assert 'data-testid="file-case"' in html


def test_my_cases_shows_the_approved_reply_and_a_rating_form_when_replied(cases, login):
    replied = cases.replied()
    waiting = cases.in_progress()

    html = login(cases.enterprise_user).get(reverse("tickets:mine")).content.decode()

    assert "已协调解决。" in html
    assert html.count('data-testid="rate-form"') == 1
    card = re.search(rf'data-number="{replied.number}".*?(?=data-testid="my-case"|$)', html, re.S)
    assert card and 'data-testid="rate-form"' in card.group(0)
    assert waiting.number in html


def test_rating_satisfied_closes_the_case_and_the_card_shows_it_closed(cases, login):
    ticket = cases.replied()
    client = login(cases.enterprise_user)
    mine = reverse("tickets:mine")
    prefix = f"r{ticket.pk}"

    response = client.post(
        reverse("tickets:act", args=[ticket.pk, "rate"]),
        {
            "_prefix": prefix,
            "next": mine,
            f"{prefix}-version": Ticket.objects.get(pk=ticket.pk).version,
            f"{prefix}-satisfaction": 2,
            f"{prefix}-resolved": "1",
        },
        follow=True,
    )

    html = response.content.decode()
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == Status.CLOSED
    assert fresh.satisfaction == 2
    assert FollowUp.objects.get(ticket=ticket).method == FollowUpMethod.PORTAL
    assert "感谢您的评价" in html
    assert 'data-status="closed"' in html and "已办结" in html
    assert '<strong data-testid="my-rating">满意</strong>' in html
    assert 'data-testid="rate-form"' not in html


def test_rating_unsatisfied_reopens_the_case(cases, login):
    ticket = cases.replied()
    prefix = f"r{ticket.pk}"
    login(cases.enterprise_user).post(
        reverse("tickets:act", args=[ticket.pk, "rate"]),
        {
            "_prefix": prefix,
            f"{prefix}-version": Ticket.objects.get(pk=ticket.pk).version,
            f"{prefix}-satisfaction": 5,
            f"{prefix}-resolved": "0",
        },
    )
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == Status.IN_PROGRESS
    assert fresh.reopen_count == 1


def test_rating_without_choosing_a_level_is_refused(cases, login):
    ticket = cases.replied()
    prefix = f"r{ticket.pk}"
    response = login(cases.enterprise_user).post(
        reverse("tickets:act", args=[ticket.pk, "rate"]),
        {
            "_prefix": prefix,
            "next": reverse("tickets:mine"),
            f"{prefix}-version": Ticket.objects.get(pk=ticket.pk).version,
            f"{prefix}-resolved": "1",
        },
        follow=True,
    )
    assert "请选择满意度" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED


def test_another_enterprise_cannot_rate_the_case(cases, login):
    other = make_user("ent_sq", "enterprise", enterprise=cases.ent_siyang)
    ticket = cases.replied()
    response = login(other).post(
        reverse("tickets:act", args=[ticket.pk, "rate"]),
        {"version": Ticket.objects.get(pk=ticket.pk).version, "satisfaction": 1, "resolved": "1"},
    )
    assert response.status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED


def test_my_cases_is_empty_with_a_hint_for_a_new_enterprise(cases, login):
    html = login(cases.enterprise_user).get(reverse("tickets:mine")).content.decode()
    assert "您还没有提交过诉求" in html
