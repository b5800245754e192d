"""The dispatcher's queue and the mayor's channel: a mayor-channel case under review cannot be
dispatched from the queue (`mayor_dispatch_via_review`), so the queue shows it with the badge
「市长直通车审核中」 and a link to its review page instead of the dispatch form; the queue's query
count does not depend on how many such cases it shows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bangban.escalation.models import MayorReview
from bangban.tickets.models import Ticket

from .test_mayor import submission

QUEUE = "/cases/dispatch/"


def rows(html: str) -> dict[str, str]:
    """Each dispatch card's HTML by case number."""
    parts = html.split('data-testid="dispatch-row" data-number="')[1:]
    return {part.split('"', 1)[0]: part for part in parts}


def test_queue_shows_a_case_under_review_with_a_badge_and_a_link_not_the_form(esc, login):
    mayor_case = submission(esc)
    ordinary = esc.cases.new(title="普通诉求")
    html = login(esc.dispatcher).get(QUEUE).content.decode()
    cards = rows(html)
    assert set(cards) == {mayor_case.number, ordinary.number}
    review = cards[mayor_case.number]
    assert "市长直通车审核中" in review and 'data-testid="mayor-review-badge"' in review
    assert f'href="/escalation/mayor/{mayor_case.pk}/"' in review
    assert 'data-testid="dispatch-form"' not in review
    plain = cards[ordinary.number]
    assert 'data-testid="dispatch-form"' in plain and "市长直通车审核中" not in plain
    # The heading says how many of the waiting cases are not the dispatcher's to send.
    assert "待派单 2 件" in html and "（其中市长直通车审核中 1 件）" in html


def test_a_classified_case_stays_under_review_until_the_review_dispatches_it(esc, login):
    from .test_mayor import classify

    ticket = submission(esc)
    classify(esc, login, ticket)
    assert MayorReview.objects.get(ticket=ticket).stage == "deputy"
    card = rows(login(esc.dispatcher).get(QUEUE).content.decode())[ticket.number]
    assert 'data-testid="mayor-review-badge"' in card and 'data-testid="dispatch-form"' not in card


def test_a_mayor_channel_case_not_under_review_keeps_the_dispatch_form(esc, login):
    """A mayor-channel case created without the intake (no review) is dispatched normally."""
    ticket = esc.cases.new(channel="mayor", title="直通车旧件")
    card = rows(login(esc.dispatcher).get(QUEUE).content.decode())[ticket.number]
    assert 'data-testid="dispatch-form"' in card and "市长直通车审核中" not in card


def test_dispatcher_follows_the_link_to_a_read_only_review_page(esc, login):
    ticket = submission(esc)
    client = login(esc.dispatcher)
    page = client.get(f"/escalation/mayor/{ticket.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert ticket.number in html and 'data-testid="classify-form"' not in html
    # The review's actions stay with the chain.
    refused = client.post(f"/escalation/mayor/{ticket.pk}/", {"op": "classify", "category": esc.category.pk})
    assert refused.status_code == 404
    assert MayorReview.objects.get(ticket=ticket).stage == "collected"
    # Handlers do not see it at all.
    assert login(esc.handler_shuyang).get(f"/escalation/mayor/{ticket.pk}/").status_code == 404


def test_queue_query_count_does_not_grow_with_cases_under_review(esc, login):
    for i in range(6):
        submission(
            esc, title=f"直通车诉求{i}", content=f"第{i}家企业反映的用地审批问题，内容各不相同编号{i}。"
        )
        esc.cases.new(title=f"普通诉求{i}")
    assert Ticket.objects.count() == 12
    client = login(esc.dispatcher)
    client.get(QUEUE)
    counts = []
    for size in (2, 12):
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(QUEUE, {"size": size}).content.decode()
        assert html.count('data-testid="dispatch-row"') == size
        counts.append(len(ctx.captured_queries))
    assert html.count('data-testid="mayor-review-badge"') == 6
    assert html.count('data-testid="dispatch-form"') == 6
    # No statement per row. The relations read after the rows (bangban.core.related: 建议单位,
    # 重复诉求, 区划) cost one statement each when any row on the page has one, none otherwise.
    assert counts[0] <= counts[1] <= counts[0] + 3
