"""差评 → rectification: verify → classify (营商办) → rectify by the deadline → feedback → the rater
rates the rectification; 举一反三; the unit's queue is scoped to the unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from bangban.audit.models import AuditEvent
from bangban.core.errors import InvalidTransition, NotFound, PermissionDenied
from bangban.notifications.models import OutboxMessage
from bangban.ratings import actions
from bangban.ratings.models import Rating, Rectification
from bangban.workdays.arithmetic import SHANGHAI

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)


def _bad_case_rating(cases: Any, level: int = 5) -> tuple[Any, Rectification]:
    ticket = cases.replied()
    rating = actions.rate_case(
        acting_user=cases.enterprise_user,
        ticket_id=ticket.pk,
        data=actions.RatingInput(level=level, comment="答复敷衍"),
        resolved=False,
    )
    return ticket, Rectification.objects.get(rating=rating)


def test_good_ratings_open_nothing(cases: Any) -> None:
    ticket = cases.replied()
    actions.rate_case(
        acting_user=cases.enterprise_user,
        ticket_id=ticket.pk,
        data=actions.RatingInput(level=3),
        resolved=True,
    )
    assert Rectification.objects.count() == 0


def test_full_rectification_loop(cases: Any) -> None:
    ticket, rect = _bad_case_rating(cases, level=4)
    assert rect.unit_id == cases.shuyang_gov.pk and rect.status == "verify"
    assert OutboxMessage.objects.filter(
        recipient=cases.handler_shuyang, subject__startswith="差评整改"
    ).exists()
    # the rater cannot 追评 while the rectification is open
    with pytest.raises(InvalidTransition) as exc:
        actions.rate_case(
            acting_user=cases.enterprise_user, ticket_id=ticket.pk, data=actions.RatingInput(level=2)
        )
    assert exc.value.code == "rectification_pending"

    actions.do_verify(
        acting_user=cases.handler_shuyang, rect_id=rect.pk, verification="经核实答复过于简单", now=NOW
    )
    with pytest.raises(PermissionDenied):
        actions.do_classify(acting_user=cases.handler_shuyang, rect_id=rect.pk, category="deadline")
    rect = actions.do_classify(acting_user=cases.biz_office, rect_id=rect.pk, category="deadline", now=NOW)
    assert rect.status == "rectifying"
    # 5 working days from Tue 29 Sep 2026 over National Day: 30 Sep, 8, 9, 10 (Sat, make-up), 12 Oct
    assert rect.due_at is not None and rect.due_at.astimezone(SHANGHAI).date() == dt.date(2026, 10, 12)
    rect = actions.do_rectify(
        acting_user=cases.head_shuyang,
        rect_id=rect.pk,
        measures="重新上门答复",
        feedback="已上门说明办理进度",
        now=NOW,
    )
    assert rect.status == "fed_back"
    assert OutboxMessage.objects.filter(
        recipient=cases.enterprise_user, subject__startswith="差评整改反馈"
    ).exists()
    second = actions.rate_case(
        acting_user=cases.enterprise_user, ticket_id=ticket.pk, data=actions.RatingInput(level=1)
    )
    rect.refresh_from_db()
    assert (second.stage, rect.status, rect.rater_level) == ("followup", "closed", 1)
    actions_written = set(
        AuditEvent.objects.filter(object_type="ratings.rectification").values_list("action", flat=True)
    )
    assert {"ratings.rect_create", "ratings.rect_verify", "ratings.rect_classify", "ratings.rect_rectify",
            "ratings.rect_rated"} <= actions_written  # fmt: skip


def test_appeal_upheld_voids_the_bad_rating(cases: Any) -> None:
    _ticket, rect = _bad_case_rating(cases)
    actions.do_verify(acting_user=cases.handler_shuyang, rect_id=rect.pk, verification="企业误评")
    with pytest.raises(Exception) as exc:
        actions.do_classify(acting_user=cases.biz_office, rect_id=rect.pk, category="appeal")
    assert getattr(exc.value, "code", "") == "note_required"
    rect = actions.do_classify(
        acting_user=cases.biz_office, rect_id=rect.pk, category="appeal", note="评价人确认误操作"
    )
    assert rect.status == "dismissed"
    assert Rating.objects.get(pk=rect.rating_id).invalidated


def test_steps_out_of_order_and_stale_version(cases: Any) -> None:
    _ticket, rect = _bad_case_rating(cases)
    with pytest.raises(InvalidTransition):
        actions.do_rectify(acting_user=cases.handler_shuyang, rect_id=rect.pk, measures="x", feedback="y")
    with pytest.raises(Exception) as exc:
        actions.do_verify(
            acting_user=cases.handler_shuyang, rect_id=rect.pk, verification="x", expected_version=99
        )
    assert getattr(exc.value, "code", "") == "conflict"


def test_queue_is_scoped_to_the_unit(cases: Any) -> None:
    _ticket, rect = _bad_case_rating(cases)
    own = Client()
    own.force_login(cases.handler_shuyang)
    page = own.get("/ratings/rectifications/")
    assert rect.number in page.content.decode()
    other = Client()
    other.force_login(cases.handler_siyang)
    assert rect.number not in other.get("/ratings/rectifications/").content.decode()
    assert other.get(f"/ratings/rectifications/{rect.pk}/").status_code == 404
    with pytest.raises(NotFound):
        actions.do_verify(acting_user=cases.handler_siyang, rect_id=rect.pk, verification="x")
    api = other.get("/api/v1/ratings/rectifications")
    assert api.json()["count"] == 0


def test_pages_drive_the_workflow(cases: Any) -> None:
    _ticket, rect = _bad_case_rating(cases)
    unit = Client()
    unit.force_login(cases.handler_shuyang)
    r = unit.post(
        f"/ratings/rectifications/{rect.pk}/", {"op": "verify", "verification": "", "version": rect.version}
    )
    assert r.status_code == 400 and "请填写核实情况" in r.content.decode()
    r = unit.post(
        f"/ratings/rectifications/{rect.pk}/",
        {"op": "verify", "verification": "属实", "version": rect.version},
    )
    assert r.status_code == 302
    office = Client()
    office.force_login(cases.biz_office)
    r = office.post(
        f"/ratings/rectifications/{rect.pk}/", {"op": "classify", "category": "immediate", "version": 2}
    )
    assert r.status_code == 302
    rect.refresh_from_db()
    assert rect.category == "immediate" and rect.due_at is not None


def test_lessons_elsewhere_link(cases: Any) -> None:
    _ticket, rect = _bad_case_rating(cases)
    c = Client()
    c.force_login(cases.handler_shuyang)
    r = c.post(f"/api/v1/ratings/rectifications/{rect.pk}/links",
               {"unit_id": cases.siyang_gov.pk, "note": "泗阳同类答复问题一并排查"}, content_type="application/json")  # fmt: skip
    assert r.status_code == 200
    assert r.json()["links"] == [
        {"unit_id": cases.siyang_gov.pk, "ticket_id": None, "note": "泗阳同类答复问题一并排查"}
    ]
    assert OutboxMessage.objects.filter(recipient=cases.head_siyang, subject__startswith="举一反三").exists()


def test_api_workflow_and_errors(cases: Any) -> None:
    _ticket, rect = _bad_case_rating(cases)
    unit = Client()
    unit.force_login(cases.handler_shuyang)
    r = unit.post(f"/api/v1/ratings/rectifications/{rect.pk}/classify", {"category": "deadline"},
                  content_type="application/json")  # fmt: skip
    assert r.status_code == 403 and r.json()["message"] == "整改定性由营商办决定"
    r = unit.post(f"/api/v1/ratings/rectifications/{rect.pk}/verify", {"verification": "属实", "version": 1},
                  content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "classify"
