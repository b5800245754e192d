"""回头看: a seeded, stored, re-derivable monthly draw; 办结不实 reopens the case against its unit."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.test import Client

from bangban.audit.models import AuditEvent
from bangban.core.errors import Conflict
from bangban.core.scheduler import registered_jobs
from bangban.ratings import recheck
from bangban.ratings.models import RecheckDraw, RecheckItem
from bangban.tickets.models import Ticket
from bangban.workdays.arithmetic import SHANGHAI

pytestmark = pytest.mark.django_db
OCT = dt.datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI)
NOV = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


def _closed(cases: Any, n: int, when: dt.datetime = OCT) -> list[Ticket]:
    from bangban.tickets.tests.conftest import make_ticket

    return [
        make_ticket(
            status="closed",
            closed_at=when,
            lead_unit=cases.shuyang_gov,
            enterprise=cases.ent_shuyang,
            region=cases.shucheng,
            workdays_allowed=5,
        )
        for _ in range(n)
    ]


def test_size_rule() -> None:
    assert recheck.sample_size(1000, 10, 20) == 100
    assert recheck.sample_size(150, 10, 20) == 20
    assert recheck.sample_size(12, 10, 20) == 12
    assert recheck.sample_size(201, 10, 20) == 21


def test_draw_is_stored_reproducible_and_once(cases: Any) -> None:
    tickets = _closed(cases, 250)
    _closed(cases, 5, when=NOV)  # next month: not in the population
    draw = recheck.do_draw(acting_user=cases.biz_office, year=2026, month=10, seed=12345, now=NOV)
    assert draw.population_count == 250 and len(draw.sample_ids) == 25
    assert set(draw.sample_ids) <= {t.pk for t in tickets}
    assert draw.sample_units == [cases.shuyang_gov.pk] * 25
    ids = sorted(t.pk for t in tickets)
    assert draw.sample_ids == sorted(random.Random(12345).sample(ids, 25))  # anyone can recompute it
    check = recheck.rederive(draw)
    assert check.ok and check.current_population_same
    after = AuditEvent.objects.filter(action="ratings.recheck_draw").get().after
    assert after is not None and after["seed"] == 12345
    with pytest.raises(Conflict) as exc:
        recheck.do_draw(acting_user=cases.biz_office, year=2026, month=10, now=NOV)
    assert exc.value.code == "draw_exists"


def test_rederive_detects_tampering(cases: Any) -> None:
    _closed(cases, 30)
    draw = recheck.do_draw(acting_user=cases.biz_office, year=2026, month=10, seed=7, now=NOV)
    RecheckDraw.objects.filter(pk=draw.pk).update(sample_ids=[*draw.sample_ids[:-1], 999999])
    draw.refresh_from_db()
    check = recheck.rederive(draw)
    assert not check.ok and not check.sample_ok


def test_not_really_solved_reopens_and_counts_against_the_unit(cases: Any) -> None:
    _closed(cases, 3)
    draw = recheck.do_draw(acting_user=cases.biz_office, year=2026, month=10, seed=1, now=NOV)
    case_id = draw.sample_ids[0]

    def outcome(user: Any, ticket_id: int, value: str, note: str = "") -> str:
        try:
            recheck.do_record_outcome(
                acting_user=user, draw_id=draw.pk, ticket_id=ticket_id, outcome=value, note=note
            )
        except Exception as exc:
            return getattr(exc, "code", "")
        return "ok"

    assert outcome(cases.biz_office, case_id, "not_solved") == "note_required"
    assert outcome(cases.biz_office, case_id, "not_solved", "企业称未解决") == "ok"
    item = RecheckItem.objects.get()
    assert item.unit_id == cases.shuyang_gov.pk and item.outcome == "not_solved"
    ticket = Ticket.objects.get(pk=case_id)
    assert ticket.status == "in_progress" and ticket.reopen_count == 1
    event = ticket.events.get(kind="reopen")
    assert event.data is not None
    assert event.data["counts_against_unit_id"] == cases.shuyang_gov.pk and event.data["recheck"] is True
    assert outcome(cases.biz_office, case_id, "confirmed") == "outcome_recorded"
    assert outcome(cases.handler_shuyang, draw.sample_ids[1], "confirmed") == "permission_denied"
    assert outcome(cases.biz_office, 999999, "confirmed") == "not_in_sample"
    assert RecheckItem.objects.count() == 1
    from bangban.ratings.figures import unit_month_figures

    figures = unit_month_figures(2026, 10)[cases.shuyang_gov.pk]
    assert (figures["rechecked"], figures["not_solved"]) == (3, 1)


def test_pages_and_api(cases: Any) -> None:
    _closed(cases, 4)
    c = Client()
    c.force_login(cases.biz_office)
    r = c.post(
        "/api/v1/ratings/rechecks", {"year": 2026, "month": 10, "seed": 99}, content_type="application/json"
    )
    assert r.status_code == 201 and len(r.json()["sample_ids"]) == 4
    draw_id = r.json()["id"]
    assert c.get(f"/api/v1/ratings/rechecks/{draw_id}/rederive").json()["ok"] is True
    page = c.post(f"/ratings/rechecks/{draw_id}/", {"op": "rederive"})
    assert "与存档样本一致" in page.content.decode()
    case_id = r.json()["sample_ids"][0]
    done = c.post(f"/ratings/rechecks/{draw_id}/", {"ticket": case_id, "outcome": "confirmed"})
    assert done.status_code == 302
    api = c.post(f"/api/v1/ratings/rechecks/{draw_id}/cases/{case_id}/outcome", {"outcome": "confirmed"},
                 content_type="application/json")  # fmt: skip
    assert api.status_code == 409 and api.json()["code"] == "outcome_recorded"
    assert "办结属实" in c.get(f"/ratings/rechecks/{draw_id}/").content.decode()
    again = c.post("/ratings/rechecks/", {"month": "2026-10"})
    assert again.status_code == 409 and "已抽样" in again.content.decode()


def test_monthly_job_is_registered_for_the_first() -> None:
    job = registered_jobs()["ratings.monthly_recheck_draw"]
    assert job.period(dt.datetime(2026, 12, 1, 3, 0, tzinfo=SHANGHAI)) == "2026-12"
    assert job.period(dt.datetime(2026, 12, 1, 1, 0, tzinfo=SHANGHAI)) is None
    assert job.period(dt.datetime(2026, 12, 2, 3, 0, tzinfo=SHANGHAI)) is None


def test_monthly_task_draws_last_month(cases: Any) -> None:
    import time_machine

    from bangban.ratings.tasks import monthly_recheck_draw_task

    _closed(cases, 3)
    with time_machine.travel(NOV, tick=False):
        monthly_recheck_draw_task.call()
        assert "already drawn" in monthly_recheck_draw_task.call()
    assert RecheckDraw.objects.get().month == 10


def test_verify_command(cases: Any) -> None:
    import io

    from django.core.management import CommandError, call_command

    _closed(cases, 50)  # sample 20 of 50: the seed decides which
    draw = recheck.do_draw(acting_user=cases.biz_office, year=2026, month=10, seed=3, now=NOV)
    out = io.StringIO()
    call_command("recheck_verify", "2026", "10", stdout=out)
    assert "与存档样本一致" in out.getvalue()
    RecheckDraw.objects.filter(pk=draw.pk).update(seed=4)
    with pytest.raises(CommandError):
        call_command("recheck_verify", "2026", "10", stdout=io.StringIO())
