"""评价核查与作废 (issue #11): case ratings given through the removed case QR code, or by a member
of a unit handling the case, are listed for 营商办, who voids them with a reason. A voided rating
stays, is shown as 已作废, counts in no figure, and its open rectification ends as voided."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from bangban.audit.models import AuditEvent
from bangban.ratings import actions
from bangban.ratings.actions._recording import _open_rectification
from bangban.ratings.figures import monthly_bad_ratings, unit_month_figures
from bangban.ratings.models import RatedSubject, Rating, Rectification
from bangban.tickets.models import AssignmentRole, TicketAssignment
from bangban.workdays.arithmetic import SHANGHAI

pytestmark = pytest.mark.django_db
T = dt.datetime(2026, 10, 13, 10, 0, tzinfo=SHANGHAI)


def post_json(client: Client, url: str, data: dict) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def logged_in(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def legacy_rating(
    ticket: Any, *, level: int, channel: str, rater: Any = None, now: dt.datetime = T
) -> Rating:
    """A case rating as stored before issue #11 (through the case QR code, or by anyone logged in
    holding it): written as the old code path wrote it, rectification included for a 差评."""
    subject, _ = RatedSubject.objects.get_or_create(
        ticket=ticket, defaults={"kind": "case", "unit_id": ticket.lead_unit_id, "created_at": now}
    )
    rating = Rating.objects.create(
        subject=subject, stage="first", level=level, channel=channel, rater=rater, unit_id=subject.unit_id,
        anonymous=rater is None, created_at=now,
    )  # fmt: skip
    if level >= 4:
        _open_rectification(rating, subject, rater, now)
    return rating


@pytest.fixture
def breaches(cases: Any) -> dict[str, Any]:
    with time_machine.travel(T, tick=False):
        by_qr = legacy_rating(cases.replied(now=T), level=1, channel="qr")
        by_lead = legacy_rating(
            cases.replied(now=T), level=1, channel="pc", rater=cases.world.handler_shuyang
        )
        co_case = cases.replied(now=T)
        TicketAssignment.objects.create(
            ticket=co_case, unit=cases.siyang_gov, role=AssignmentRole.CO, assigned_at=T
        )
        by_co = legacy_rating(co_case, level=5, channel="qr", rater=cases.world.handler_siyang)
        fair = actions.rate_case(acting_user=cases.enterprise_user, ticket_id=cases.replied(now=T).pk,
                                 data=actions.RatingInput(level=5), resolved=False, now=T)  # fmt: skip
    return {"qr": by_qr, "lead": by_lead, "co": by_co, "fair": fair}


def test_suspicious_ratings_are_listed_for_the_business_office(cases: Any, breaches: dict[str, Any]) -> None:
    office = logged_in(cases.biz_office)
    api = office.get("/api/v1/ratings/suspicious-ratings").json()
    found = {i["id"]: (i["via_qr"], i["by_handler"]) for i in api["items"]}
    assert found == {breaches["qr"].pk: (True, False), breaches["lead"].pk: (False, True),
                     breaches["co"].pk: (True, True)}  # fmt: skip
    own_unit = office.get("/api/v1/ratings/suspicious-ratings?reason=own_unit").json()
    assert {i["id"] for i in own_unit["items"]} == {breaches["lead"].pk, breaches["co"].pk}
    page = office.get("/ratings/audit/?reason=qr")
    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-testid="audit-row"') == 2
    assert "经已停用的诉求二维码评价" in html and breaches["qr"].subject.ticket.number in html
    assert breaches["fair"].subject.ticket.number not in office.get("/ratings/audit/").content.decode()
    # Nobody else sees the list.
    for user in (cases.world.handler_shuyang, cases.head_shuyang, cases.enterprise_user, cases.dispatcher):
        assert logged_in(user).get("/ratings/audit/").status_code == 404
        assert logged_in(user).get("/api/v1/ratings/suspicious-ratings").status_code == 404


def test_void_needs_a_reason_the_right_role_and_the_current_version(
    cases: Any, breaches: dict[str, Any]
) -> None:
    rating = breaches["co"]
    url = f"/api/v1/ratings/ratings/{rating.pk}/void"
    office = logged_in(cases.biz_office)
    no_reason = post_json(office, url, {"reason": "  ", "version": rating.version})
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    for user in (cases.head_shuyang, cases.world.admin, cases.dispatcher):
        refused = post_json(logged_in(user), url, {"reason": "违规", "version": rating.version})
        assert refused.status_code == 403 and refused.json()["code"] == "void_forbidden"
    stale = post_json(office, url, {"reason": "违规", "version": rating.version + 1})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert Rating.objects.get(pk=rating.pk).voided_at is None
    with time_machine.travel(T + dt.timedelta(days=1), tick=False):
        # A session of that day (sessions expire after the idle timeout).
        done = post_json(
            logged_in(cases.biz_office), url, {"reason": "协办单位人员扫码自评", "version": rating.version}
        )
    assert done.status_code == 200
    body = done.json()
    assert (
        body["voided"]
        and body["void_reason"] == "协办单位人员扫码自评"
        and body["version"] == rating.version + 1
    )
    twice = post_json(office, url, {"reason": "再次作废", "version": body["version"]})
    assert twice.status_code == 409 and twice.json()["code"] == "already_voided"
    stored = Rating.objects.get(pk=rating.pk)
    assert (stored.voided_by_id, stored.level) == (cases.biz_office.pk, 5)  # kept, marked
    rect = Rectification.objects.get(rating=rating)
    assert rect.status == "voided" and rect.closed_at is not None
    event = AuditEvent.objects.get(action="ratings.void")
    after = event.after or {}
    assert event.object_id == str(rating.pk) and after["reason"] == "协办单位人员扫码自评"
    assert after["rectification"] == rect.number
    assert post_json(office, "/api/v1/ratings/ratings/999999/void", {"reason": "x"}).status_code == 404


def test_voided_ratings_count_nowhere_and_show_as_voided(cases: Any, breaches: dict[str, Any]) -> None:
    unit = cases.shuyang_gov.pk
    before = unit_month_figures(2026, 10)[unit]
    assert (before["ratings"], before["satisfied"], before["bad"], before["rectifications"]) == (4, 2, 2, 2)
    assert monthly_bad_ratings(2026, 10).count() == 2
    for key in ("qr", "lead", "co"):
        actions.do_void_rating(acting_user=cases.biz_office, rating_id=breaches[key].pk, reason="违规评价")
    after = unit_month_figures(2026, 10)[unit]
    assert (after["ratings"], after["satisfied"], after["bad"], after["rectifications"]) == (1, 0, 1, 1)
    assert after["satisfaction_rate"] == 0.0 and after["bad_rate"] == 100.0
    assert list(monthly_bad_ratings(2026, 10)) == [breaches["fair"]]
    office = logged_in(cases.biz_office)
    figures = office.get("/api/v1/ratings/figures?year=2026&month=10").json()
    assert [b["id"] for b in figures["bad_ratings"]] == [breaches["fair"].pk]
    # The rectification queue no longer lists the voided one.
    queue = logged_in(cases.world.handler_shuyang).get("/ratings/rectifications/").content.decode()
    assert Rectification.objects.get(rating=breaches["co"]).number not in queue
    # The case shows the rating as 已作废.
    ticket = breaches["lead"].subject.ticket
    html = office.get(f"/cases/{ticket.pk}/").content.decode()
    assert 'data-testid="case-rating-voided"' in html and "违规评价" in html
    listed = office.get("/ratings/audit/?state=voided").content.decode()
    assert listed.count('data-testid="voided"') == 3


def test_after_voiding_the_enterprise_can_give_its_own_rating(cases: Any, breaches: dict[str, Any]) -> None:
    ticket = breaches["lead"].subject.ticket
    ent = logged_in(cases.enterprise_user)
    # While the unit's own rating stands, the enterprise could only add a 追评.
    office = logged_in(cases.biz_office)
    page = office.post("/ratings/audit/", {"rating": breaches["lead"].pk, "version": 1, "reason": ""})
    assert page.status_code == 400 and "请填写作废理由" in page.content.decode()
    done = office.post(
        "/ratings/audit/", {"rating": breaches["lead"].pk, "version": 1, "reason": "承办人自评"}
    )
    assert done.status_code == 302
    r = post_json(ent, f"/api/v1/ratings/cases/{ticket.pk}/ratings", {"level": 4, "resolved": False})
    assert r.status_code == 201 and r.json()["rating"]["stage"] == "first"
    assert Rating.objects.filter(subject__ticket=ticket, voided_at__isnull=True).count() == 1
    assert Rating.objects.filter(subject__ticket=ticket).count() == 2
