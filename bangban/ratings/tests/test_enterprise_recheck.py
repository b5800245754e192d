"""企业满意度回头看 (R14.2): enterprises sampled at random with a recorded seed or chosen, each shown
with its satisfaction across its cases of the month, and the result recorded once."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest

from bangban.audit.models import AuditEvent
from bangban.enterprises.models import Enterprise
from bangban.ratings import actions
from bangban.ratings.models import RatedSubject, Rating, RatingSettings, RecheckItem
from bangban.ratings.recheck import do_draw
from bangban.tickets.tests.conftest import make_ticket
from bangban.workdays.arithmetic import SHANGHAI

pytestmark = pytest.mark.django_db
OCT = dt.datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI)
NOV = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(f"/api/v1/ratings{url}", data=json.dumps(body), content_type="application/json")


def closed(cases: Any, enterprise: Enterprise, when: dt.datetime = OCT) -> Any:
    return make_ticket(
        status="closed",
        closed_at=when,
        lead_unit=cases.shuyang_gov,
        enterprise=enterprise,
        region=cases.shucheng,
    )


def rate(cases: Any, ticket: Any, level: int, when: dt.datetime = OCT) -> Rating:
    subject, _ = RatedSubject.objects.get_or_create(
        ticket=ticket, defaults={"kind": "case", "unit": cases.shuyang_gov, "created_at": when}
    )
    return Rating.objects.create(
        subject=subject, level=level, channel="pc", rater=cases.enterprise_user, unit=cases.shuyang_gov,
        created_at=when,
    )  # fmt: skip


@pytest.fixture
def october(cases: Any) -> dict[str, Any]:
    """Four enterprises with cases closed in October (and one with a case closed in November only)."""
    extra = [
        Enterprise.objects.create(
            uscc=f"91321322MA1XXXX{n:02d}X"[:18], name=f"回头看企业{n}", region=cases.shucheng
        )
        for n in range(1, 4)
    ]
    ent = cases.ent_shuyang
    a, b, c, d = closed(cases, ent), closed(cases, ent), closed(cases, ent), closed(cases, ent)
    rate(cases, a, 1)
    rate(cases, b, 2)
    rate(cases, c, 5)
    voided = rate(cases, d, 4)
    Rating.objects.filter(pk=voided.pk).update(voided_at=OCT)
    for e in extra:
        closed(cases, e)
    later = Enterprise.objects.create(uscc="91321322MA1YYYYY9X", name="十一月企业", region=cases.shucheng)
    closed(cases, later, when=NOV)
    return {"main": ent, "extra": extra, "later": later, "cases": [a, b, c]}


def test_random_sample_is_seeded_and_reproducible(cases: Any, login: Any, october: dict[str, Any]) -> None:
    RatingSettings.objects.update_or_create(pk=1, defaults={"recheck_percent": 50, "recheck_minimum": 1})
    actions.forget_caches()
    client = login(cases.biz_office)
    answer = post(client, "/enterprise-rechecks", {"year": 2026, "month": 10, "seed": 4242})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    population = sorted([october["main"].pk, *(e.pk for e in october["extra"])])
    assert body["mode"] == "random" and body["seed"] == 4242 and body["population_count"] == 4
    assert body["enterprise_ids"] == sorted(
        random.Random(4242).sample(population, 2)
    )  # anyone can recompute it
    assert october["later"].pk not in body["enterprise_ids"]
    again = post(client, "/enterprise-rechecks", {"year": 2026, "month": 10})
    assert again.status_code == 409 and again.json()["code"] == "enterprise_recheck_exists"
    event = AuditEvent.objects.get(action="ratings.enterprise_recheck_draw")
    assert event.after is not None and event.after["seed"] == 4242
    page = client.get(f"/ratings/rechecks/enterprises/{body['id']}/?rederive=1").content.decode()
    assert "与存档样本一致" in page and "4242" in page


def test_chosen_enterprise_satisfaction_and_result(cases: Any, login: Any, october: dict[str, Any]) -> None:
    main = october["main"]
    draw = do_draw(acting_user=cases.biz_office, year=2026, month=10, seed=1, now=NOV)
    RecheckItem.objects.create(
        draw=draw, ticket=october["cases"][2], unit=cases.shuyang_gov, outcome="not_solved", note="未解决"
    )
    client = login(cases.biz_office)
    outside = post(
        client, "/enterprise-rechecks", {"year": 2026, "month": 10, "enterprise_ids": [october["later"].pk]}
    )
    assert outside.status_code == 400 and outside.json()["code"] == "enterprise_not_in_population"
    assert "十一月企业" in outside.json()["message"]

    answer = post(client, "/enterprise-rechecks", {"year": 2026, "month": 10, "enterprise_ids": [main.pk]})
    assert answer.status_code == 201, answer.content
    sample = answer.json()
    assert sample["mode"] == "chosen" and sample["seed"] is None and sample["enterprise_ids"] == [main.pk]
    figures = sample["enterprises"][0]["figures"]
    # 4 cases closed; 3 counted first ratings (the voided one counts nowhere): 2 satisfied, 1 bad.
    assert (
        figures["cases"] == 4
        and figures["ratings"] == 3
        and figures["satisfied"] == 2
        and figures["bad"] == 1
    )
    assert figures["satisfaction_rate"] == 66.7
    assert figures["rechecked"] == 4 and figures["not_solved"] == 1

    url = f"/enterprise-rechecks/{sample['id']}/enterprises/{main.pk}/outcome"
    no_note = post(client, url, {"outcome": "dissatisfied"})
    assert no_note.status_code == 400 and no_note.json()["code"] == "note_required"
    stranger = post(
        client,
        f"/enterprise-rechecks/{sample['id']}/enterprises/{october['later'].pk}/outcome",
        {"outcome": "satisfied"},
    )
    assert stranger.status_code == 404 and stranger.json()["code"] == "not_in_sample"
    done = post(client, url, {"outcome": "dissatisfied", "note": "惠企政策未兑现"})
    assert done.status_code == 200 and done.json()["enterprises"][0]["outcome"] == "dissatisfied"
    twice = post(client, url, {"outcome": "satisfied"})
    assert twice.status_code == 409 and twice.json()["code"] == "outcome_recorded"
    event = AuditEvent.objects.get(action="ratings.enterprise_recheck_outcome")
    assert event.after is not None and event.after["figures"]["satisfaction_rate"] == 66.7
    page = client.get(f"/ratings/rechecks/enterprises/{sample['id']}/").content.decode()
    assert main.name in page and "66.7%" in page and "不满意" in page


def test_chosen_through_the_page_and_who_may(cases: Any, login: Any, october: dict[str, Any]) -> None:
    client = login(cases.biz_office)
    bad = client.post(
        "/ratings/rechecks/enterprises/", {"month": "2026-10", "mode": "chosen", "uscc": "NOPE"}
    )
    assert bad.status_code == 400 and "统一社会信用代码不存在" in bad.content.decode()
    ok = client.post(
        "/ratings/rechecks/enterprises/", {"month": "2026-10", "mode": "chosen", "uscc": october["main"].uscc}
    )
    assert ok.status_code == 302
    listing = client.get("/ratings/rechecks/enterprises/").content.decode()
    assert "2026年10月" in listing and "指定企业" in listing
    assert login(cases.auditor).get("/ratings/rechecks/enterprises/").status_code == 200
    assert post(login(cases.auditor), "/enterprise-rechecks", {"year": 2026, "month": 9}).status_code == 403
    assert login(cases.handler_shuyang).get("/ratings/rechecks/enterprises/").status_code == 404
    assert login(cases.enterprise_user).get("/api/v1/ratings/enterprise-rechecks").status_code == 404
