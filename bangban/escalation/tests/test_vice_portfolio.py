"""R8 (issue 16 item 7): the 分管市长 in charge of the category signs (others are refused with
`not_in_charge`, and only he is told); a category with no one in charge goes to the 常务副市长;
a new mayor-channel case tells the 市政府办公室专人, not the dispatcher; the review records the
urgency assessment (2 / 5 / 15 working days) and the dispatch proposes it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user
from bangban.escalation.models import MayorReview, ReviewStep, VicePortfolio
from bangban.notifications.models import OutboxMessage
from bangban.tickets.models import Category, Ticket
from bangban.workdays.service import due, workdays_between

from .test_mayor import classify, post, sign, submission

PORTFOLIO = "/api/v1/escalation/vice-portfolio"


@pytest.fixture
def other_vice(esc):
    return make_user("fenguan2", Role.VICE_MAYOR, unit=esc.gov_office, full_name="另一位副市长")


def to_vice_mayor(esc, login, ticket, **deputy_fields):
    classify(esc, login, ticket)
    response = post(login(esc.deputy), f"/api/v1/escalation/mayor/{ticket.pk}/sign",
                    {"decision": "accept", **deputy_fields})  # fmt: skip
    assert response.status_code == 200, response.content
    response = sign(esc, login, esc.secretary, ticket)
    assert response.status_code == 200, response.content
    return response.json()


def test_only_the_vice_mayor_in_charge_signs_and_is_told(esc, login, other_vice):
    ticket = submission(esc)
    review = to_vice_mayor(esc, login, ticket)
    assert review["stage"] == "vice_mayor"
    assert review["vice_mayor_id"] == esc.vice_mayor.pk and review["vice_mayor"] == "分管副市长"
    told = OutboxMessage.objects.filter(subject=f"市长直通车待分管市长签批：{ticket.number}")
    assert set(told.values_list("recipient_id", flat=True)) == {esc.vice_mayor.pk}

    steps, audits = ReviewStep.objects.count(), AuditEvent.objects.count()
    refused = sign(esc, login, other_vice, ticket)
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "not_in_charge"
    assert "由分管市长分管副市长签批" in body["message"] and "您不分管该分类" in body["message"]
    assert ReviewStep.objects.count() == steps and AuditEvent.objects.count() == audits
    assert MayorReview.objects.get(ticket=ticket).stage == "vice_mayor"
    # The page offers him no sign form; the one in charge has it.
    assert (
        'data-testid="sign-form"'
        not in login(other_vice).get(f"/escalation/mayor/{ticket.pk}/").content.decode()
    )
    page = login(esc.vice_mayor).get(f"/escalation/mayor/{ticket.pk}/").content.decode()
    assert 'data-testid="sign-form"' in page and "签批分管市长" in page
    assert sign(esc, login, esc.vice_mayor, ticket).json()["stage"] == "ready"


def test_a_sub_category_follows_its_parent_then_the_executive_vice_mayor(esc, login, other_vice):
    child = Category.objects.create(code="ESC-01-01", name="施工许可", level=2, path="涉企审批/施工许可",
                                    parent=esc.category)  # fmt: skip
    ticket = submission(esc)
    classify_body = {"category_id": child.pk, "kind": "general"}
    assert (
        post(login(esc.staff), f"/api/v1/escalation/mayor/{ticket.pk}/classify", classify_body).status_code
        == 200
    )
    sign(esc, login, esc.deputy, ticket)
    assert sign(esc, login, esc.secretary, ticket).json()["vice_mayor_id"] == esc.vice_mayor.pk

    # No one in charge anywhere up the tree and no 常务副市长: the 秘书长 cannot send it on.
    VicePortfolio.objects.all().delete()
    second = submission(esc, title="第二件", content="第二家企业反映的消防验收问题，内容与前一件完全不同。")
    classify(esc, login, second)
    sign(esc, login, esc.deputy, second)
    missing = sign(esc, login, esc.secretary, second)
    assert missing.status_code == 400 and missing.json()["code"] == "vice_mayor_missing"
    assert "未明确分管市长，也未指定常务副市长" in missing.json()["message"]
    assert MayorReview.objects.get(ticket=second).stage == "secretary"

    # Once 营商办 name the 常务副市长, he signs it.
    put = login(esc.biz_office).put(f"{PORTFOLIO}/executive", data=json.dumps({"vice_mayor_id": other_vice.pk}),
                                    content_type="application/json")  # fmt: skip
    assert put.status_code == 200 and put.json()["vice_mayor"] == "另一位副市长"
    assert sign(esc, login, esc.secretary, second).json()["vice_mayor_id"] == other_vice.pk
    assert sign(esc, login, esc.vice_mayor, second).json()["code"] == "not_in_charge"
    assert sign(esc, login, other_vice, second).json()["stage"] == "ready"


def test_the_portfolio_is_kept_by_the_business_office_and_audited(esc, login, other_vice):
    other = Category.objects.create(code="ESC-03", name="融资信贷", level=1, path="融资信贷")
    biz = login(esc.biz_office)
    created = post(biz, PORTFOLIO, {"category_id": other.pk, "vice_mayor_id": other_vice.pk})
    assert created.status_code == 201 and created.json()["vice_mayor"] == "另一位副市长"
    again = post(biz, PORTFOLIO, {"category_id": other.pk, "vice_mayor_id": esc.vice_mayor.pk})
    assert again.status_code == 409 and again.json()["code"] == "portfolio_exists"
    not_vice = post(biz, PORTFOLIO, {"category_id": other.pk, "vice_mayor_id": esc.secretary.pk})
    assert not_vice.status_code == 400 and not_vice.json()["code"] == "not_vice_mayor"
    audit = AuditEvent.objects.filter(action="escalation.vice_portfolio").order_by("id").last()
    assert audit is not None and audit.before is None
    after: Any = audit.after
    assert after["vice_mayor"] == other_vice.pk
    # The mayor's office reads it, may not change it; a handler does not see it at all.
    assert login(esc.staff).get(PORTFOLIO).json()["count"] == 2
    refused = post(login(esc.staff), PORTFOLIO, {"category_id": other.pk, "vice_mayor_id": other_vice.pk})
    assert refused.status_code == 403
    assert login(esc.handler_shuyang).get(PORTFOLIO).status_code == 404
    assert login(esc.handler_shuyang).get("/escalation/mayor/portfolio/").status_code == 404
    # The page lists, searches and deletes.
    page = biz.get("/escalation/mayor/portfolio/?q=融资").content.decode()
    assert 'data-testid="portfolio-row" data-category="ESC-03"' in page
    assert 'data-category="ESC-01"' not in page
    row = created.json()["id"]
    assert biz.post("/escalation/mayor/portfolio/", {"op": "delete", "id": row}).status_code == 302
    assert not VicePortfolio.objects.filter(pk=row).exists()
    dup = biz.post("/escalation/mayor/portfolio/", {"op": "add", "category": esc.category.pk,
                                                    "vice_mayor": other_vice.pk})  # fmt: skip
    assert dup.status_code == 409 and "已明确分管市长" in dup.content.decode()


def test_a_new_mayor_channel_case_tells_the_office_not_the_dispatcher(esc, login):
    other_staff = make_user("shizhengfu2", Role.MAYOR_OFFICE, unit=esc.gov_office, full_name="市政府办专人二")
    ticket = submission(esc)
    told = set(
        OutboxMessage.objects.filter(subject__contains=ticket.number).values_list("recipient_id", flat=True)
    )
    assert other_staff.pk in told
    assert esc.dispatcher.pk not in told
    assert OutboxMessage.objects.filter(subject=f"市长直通车新诉求待分类：{ticket.number}").exists()
    assert not OutboxMessage.objects.filter(subject=f"新诉求待派单：{ticket.number}").exists()


@pytest.mark.parametrize(
    "moment", ["2026-09-30T10:00:00+08:00", "2026-11-01T09:00:00+08:00", "2026-12-31T23:50:00+08:00"]
)
@pytest.mark.parametrize(("urgency", "days"), [("urgent", 2), ("complex", 15), ("", 5)])
def test_the_review_assessment_sets_the_proposed_deadline(esc, login, moment, urgency, days):
    now = dt.datetime.fromisoformat(moment)
    with time_machine.travel(now, tick=False):
        ticket = submission(esc)
        fields = {"urgency": urgency} if urgency else {}
        to_vice_mayor(esc, login, ticket, **fields)
        review = sign(esc, login, esc.vice_mayor, ticket).json()
        assert review["urgency"] == (urgency or "general")
        proposal = review["proposal"]
        assert proposal["workdays"] == days
        assert dt.datetime.fromisoformat(proposal["due_at"]) == due(now, days).at
        page = login(esc.staff).get(f"/escalation/mayor/{ticket.pk}/").content.decode()
        assert f'data-testid="dispatch-proposal" data-urgency="{urgency or "general"}"' in page
        assert f'<option value="{urgency or "general"}" selected>' in page
        # Dispatch without naming the urgency: the assessment decides the deadline.
        done = post(login(esc.staff), f"/api/v1/escalation/mayor/{ticket.pk}/dispatch",
                    {"lead_unit_id": esc.shuyang_gov.pk})  # fmt: skip
        assert done.status_code == 200, done.content
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.deadline_start is not None and ticket.due_at is not None
    assert ticket.workdays_allowed == days and workdays_between(ticket.deadline_start, ticket.due_at) == days
    step = ReviewStep.objects.get(review__ticket=ticket, stage="deputy")
    audit = AuditEvent.objects.filter(action="ticket.mayor_review", object_id=str(ticket.pk)).order_by("id")[
        1
    ]
    recorded: Any = audit.after
    assert recorded["urgency"] == (urgency or "general") and step.decision == "accept"


def test_an_unknown_assessment_is_refused(esc, login):
    ticket = submission(esc)
    classify(esc, login, ticket)
    response = post(login(esc.deputy), f"/api/v1/escalation/mayor/{ticket.pk}/sign",
                    {"decision": "accept", "urgency": "soon"})  # fmt: skip
    assert response.status_code == 400 and response.json()["code"] == "urgency_invalid"
    assert MayorReview.objects.get(ticket=ticket).stage == "deputy"
