"""The decision aid and the register through the API: propose, record (deviation needs a reason),
the record of two years before the case date, scope, and 司法局's review."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bangban.audit.models import AuditEvent
from bangban.leniency.models import Decision

from .conftest import API, case_body


def test_a_first_minor_offence_is_proposed_no_penalty_with_its_legal_basis(cast, login):
    client = login(cast.inspector)
    answer = client.post(f"{API}/propose", case_body(cast), content_type="application/json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["outcome"] == "no_penalty" and body["rule"] == "first_offence" and body["prior_count"] == 0
    assert "违法依据：《企业信息公示暂行条例》第八条" in body["basis"]
    assert not Decision.objects.exists()


def test_a_decision_without_facts_or_deviating_without_reason_is_refused(cast, login):
    client = login(cast.inspector)
    facts = dict(case_body(cast)["facts"])
    del facts["harmful"]
    answer = client.post(
        f"{API}/decisions",
        case_body(cast, facts=facts, outcome="no_penalty"),
        content_type="application/json",
    )
    assert answer.status_code == 400 and answer.json()["code"] == "facts_required"
    assert "是否造成危害后果" in answer.json()["message"]
    answer = client.post(
        f"{API}/decisions", case_body(cast, outcome="penalty"), content_type="application/json"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "deviation_reason_required"
    assert not Decision.objects.exists()
    answer = client.post(
        f"{API}/decisions",
        case_body(cast, outcome="penalty", reason="多次提醒仍拒不补报"),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["deviated"] is True and body["proposal"] == "no_penalty" and body["outcome"] == "penalty"
    assert body["unit_id"] == cast.world.shuyang_gov.pk and body["number"].startswith("MF")
    assert AuditEvent.objects.filter(action="leniency.decision_record").count() == 1


def test_an_earlier_decision_within_two_years_of_the_case_date_ends_the_first_offence(cast, login):
    client = login(cast.inspector)
    today = timezone.localdate()
    old = (today - dt.timedelta(days=800)).isoformat()
    answer = client.post(
        f"{API}/decisions",
        case_body(cast, case_date=old, outcome="no_penalty"),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    # 800 days back is more than two years before today: today's case is still a first offence …
    assert (
        client.post(f"{API}/propose", case_body(cast), content_type="application/json").json()["outcome"]
        == "no_penalty"
    )
    # … but a case a month after the old one is not.
    later = (today - dt.timedelta(days=770)).isoformat()
    body = client.post(
        f"{API}/propose", case_body(cast, case_date=later), content_type="application/json"
    ).json()
    assert body["outcome"] == "penalty" and body["prior_count"] == 1


def test_scope_and_review(cast, login):
    made = login(cast.inspector).post(
        f"{API}/decisions", case_body(cast, outcome="no_penalty"), content_type="application/json"
    )
    pk = made.json()["id"]
    assert login(cast.inspector_siyang).get(f"{API}/decisions/{pk}").status_code == 404
    assert login(cast.head).get(f"{API}/decisions/{pk}").status_code == 200
    assert login(cast.world.enterprise_user).get(f"{API}/decisions/{pk}").status_code == 404
    assert login(cast.world.biz_office).get(f"{API}/decisions").json()["count"] == 1
    # only 司法局 reviews; an enterprise or another inspector cannot record a decision
    assert (
        login(cast.inspector)
        .post(f"{API}/decisions/{pk}/review", {"verdict": "approve"}, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        login(cast.world.biz_office)
        .post(f"{API}/propose", case_body(cast), content_type="application/json")
        .status_code
        == 403
    )
    client = login(cast.sifa)
    answer = client.post(
        f"{API}/decisions/{pk}/review", {"verdict": "correct"}, content_type="application/json"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "review_note_required"
    answer = client.post(
        f"{API}/decisions/{pk}/review",
        {"verdict": "correct", "note": "证据不足以认定及时改正"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "corrected"
    again = client.post(
        f"{API}/decisions/{pk}/review", {"verdict": "approve"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_reviewed"
    month = timezone.localdate().strftime("%Y-%m")
    figures = client.get(f"{API}/figures", {"month": month}).json()
    assert figures == [
        {"unit_id": cast.world.shuyang_gov.pk, "unit_name": cast.world.shuyang_gov.name, "decisions": 1,
         "no_penalty": 1, "reduced": 0, "lighter": 0, "penalty": 0, "deviations": 0, "corrected": 1}
    ]  # fmt: skip


def test_a_corrected_decision_does_not_count_against_the_first_offence(cast, login):
    made = login(cast.inspector).post(
        f"{API}/decisions", case_body(cast, case_date=(timezone.localdate() - dt.timedelta(days=30)).isoformat(), outcome="no_penalty"),
        content_type="application/json",
    )  # fmt: skip
    client = login(cast.inspector)
    assert (
        client.post(f"{API}/propose", case_body(cast), content_type="application/json").json()["prior_count"]
        == 1
    )
    login(cast.sifa).post(
        f"{API}/decisions/{made.json()['id']}/review",
        {"verdict": "correct", "note": "不构成违法"},
        content_type="application/json",
    )
    assert (
        client.post(f"{API}/propose", case_body(cast), content_type="application/json").json()["prior_count"]
        == 0
    )
