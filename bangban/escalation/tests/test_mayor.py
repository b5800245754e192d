"""The mayor's channel (R8, R14.1): collected submissions are classified and routed by category to
the 对口联系副秘书长; general problems are signed by the 秘书长 then the 分管市长, in turn, and
dispatched with the 2/5/15 working-day deadline; major problems go to a 会商; a case under review
cannot be dispatched from the ordinary dispatch."""

from __future__ import annotations

import json

import pytest

from bangban.audit.models import AuditEvent
from bangban.core.errors import ApplicationError
from bangban.escalation.models import MayorReview, Meeting, ReviewStep
from bangban.tickets.actions import do_dispatch
from bangban.tickets.intake import IntakeInput, do_intake_mayor_register
from bangban.tickets.models import Ticket
from bangban.tickets.workflow import Status
from bangban.workdays.service import workdays_between


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def submission(esc, **fields) -> Ticket:
    values = {
        "title": "厂房竣工验收迟迟未办",
        "content": "我公司新建厂房已具备验收条件，申请三个月未获安排。",
        "enterprise_id": esc.ent_shuyang.pk,
        "contact_name": "张三",
        "contact_phone": "13812345678",
        **fields,
    }
    data = IntakeInput(**values)
    return do_intake_mayor_register(acting_user=esc.staff, data=data).ticket


def classify(esc, login, ticket, kind="general"):
    response = post(login(esc.staff), f"/api/v1/escalation/mayor/{ticket.pk}/classify",
                    {"category_id": esc.category.pk, "kind": kind, "comment": "拟送审"})  # fmt: skip
    assert response.status_code == 200, response.content
    return response.json()


def sign(esc, login, user, ticket, decision="accept", comment=""):
    return post(
        login(user), f"/api/v1/escalation/mayor/{ticket.pk}/sign", {"decision": decision, "comment": comment}
    )


def test_collected_submission_is_listed_for_the_office(esc, login):
    ticket = submission(esc)
    page = login(esc.staff).get("/escalation/mayor/?stage=collected").content.decode()
    assert ticket.number in page and "专项督查" in page


def test_general_problem_goes_through_the_chain_and_is_dispatched(esc, login):
    ticket = submission(esc)
    review = classify(esc, login, ticket)
    assert review["stage"] == "deputy" and review["deputy_id"] == esc.deputy.pk
    assert sign(esc, login, esc.deputy, ticket).json()["stage"] == "secretary"
    assert sign(esc, login, esc.secretary, ticket, comment="同意交办").json()["stage"] == "vice_mayor"
    assert sign(esc, login, esc.vice_mayor, ticket).json()["stage"] == "ready"
    response = post(login(esc.staff), f"/api/v1/escalation/mayor/{ticket.pk}/dispatch",
                    {"lead_unit_id": esc.shuyang_gov.pk, "urgency": "urgent"})  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "dispatched"
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit == esc.shuyang_gov
    assert ticket.deadline_start is not None and ticket.due_at is not None
    assert ticket.workdays_allowed == 2 and workdays_between(ticket.deadline_start, ticket.due_at) == 2
    assert ticket.category == esc.category
    steps = list(ReviewStep.objects.filter(review__ticket=ticket).values_list("decision", flat=True))
    assert steps == ["classify", "accept", "accept", "accept", "dispatch"]
    assert AuditEvent.objects.filter(action="ticket.mayor_review", object_id=str(ticket.pk)).count() == 4


def test_signing_out_of_turn_is_refused_and_changes_nothing(esc, login):
    ticket = submission(esc)
    classify(esc, login, ticket)
    sign(esc, login, esc.deputy, ticket)
    steps_before = ReviewStep.objects.count()
    audit_before = AuditEvent.objects.count()
    response = sign(esc, login, esc.vice_mayor, ticket)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "out_of_turn"
    assert "应由秘书长办理" in body["message"] and "不能越过顺序签批" in body["message"]
    assert MayorReview.objects.get(ticket=ticket).stage == "secretary"
    assert ReviewStep.objects.count() == steps_before and AuditEvent.objects.count() == audit_before


def test_return_needs_a_comment_and_goes_back_one_stage(esc, login):
    ticket = submission(esc)
    classify(esc, login, ticket)
    sign(esc, login, esc.deputy, ticket)
    refused = sign(esc, login, esc.secretary, ticket, decision="return")
    assert refused.status_code == 400 and refused.json()["code"] == "comment_required"
    back = sign(esc, login, esc.secretary, ticket, decision="return", comment="请核实企业诉求事实")
    assert back.json()["stage"] == "deputy"


def test_case_under_review_cannot_be_dispatched_by_the_ordinary_dispatch(esc, login):
    ticket = submission(esc)
    with pytest.raises(ApplicationError) as exc:
        do_dispatch(acting_user=esc.dispatcher, ticket_id=ticket.pk, lead_unit_id=esc.shuyang_gov.pk)
    assert exc.value.code == "mayor_signoff_incomplete"
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_DISPATCH
    # Even once signed, it goes out through the review page only.
    classify(esc, login, ticket)
    for user in (esc.deputy, esc.secretary, esc.vice_mayor):
        sign(esc, login, user, ticket)
    with pytest.raises(ApplicationError) as exc:
        do_dispatch(acting_user=esc.dispatcher, ticket_id=ticket.pk, lead_unit_id=esc.shuyang_gov.pk)
    assert exc.value.code == "mayor_dispatch_via_review"
    # And the review flow itself refuses to dispatch before sign-off.
    other = submission(esc, title="另一件", content="另一家企业反映的厂房消防验收问题，内容完全不同。")
    early = post(login(esc.staff), f"/api/v1/escalation/mayor/{other.pk}/dispatch",
                 {"lead_unit_id": esc.shuyang_gov.pk, "urgency": "general"})  # fmt: skip
    assert early.status_code == 409 and early.json()["code"] == "mayor_signoff_incomplete"


def test_a_sign_off_clears_only_the_case_it_names(esc, login):
    from bangban.tickets.guards import ReviewSignOff

    ticket = submission(esc)
    other = submission(esc, title="另一件", content="另一家企业反映的厂房消防验收问题，内容完全不同。")
    # A sign-off passed for another case does not let this one out of its review.
    with pytest.raises(ApplicationError) as exc:
        do_dispatch(
            acting_user=esc.dispatcher,
            ticket_id=ticket.pk,
            lead_unit_id=esc.shuyang_gov.pk,
            authorised_by=ReviewSignOff("mayor_review", other.pk),
        )
    assert exc.value.code == "mayor_signoff_incomplete"
    # The sign-off of this very case, passed explicitly, does.
    do_dispatch(
        acting_user=esc.dispatcher,
        ticket_id=ticket.pk,
        lead_unit_id=esc.shuyang_gov.pk,
        authorised_by=ReviewSignOff("mayor_review", ticket.pk),
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED


def test_major_problem_goes_to_a_consult_meeting_then_dispatch(esc, login):
    ticket = submission(esc)
    classify(esc, login, ticket, kind="major")
    sign(esc, login, esc.deputy, ticket)
    refused = sign(esc, login, esc.secretary, ticket)
    assert refused.status_code == 409 and refused.json()["code"] == "major_requires_consult"
    response = post(login(esc.secretary), f"/api/v1/escalation/mayor/{ticket.pk}/consult",
                    {"chair_id": esc.mayor.pk, "held_at": "2026-10-15T15:00:00+08:00"})  # fmt: skip
    assert response.status_code == 201
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.type == "consult" and meeting.chair == esc.mayor and list(meeting.cases.all()) == [ticket]
    early = post(login(esc.staff), f"/api/v1/escalation/mayor/{ticket.pk}/dispatch",
                 {"lead_unit_id": esc.shuyang_gov.pk, "urgency": "complex"})  # fmt: skip
    assert early.status_code == 409
    post(
        login(esc.secretary),
        f"/api/v1/escalation/meetings/{meeting.pk}/minutes",
        {"minutes": "市长会商议定由沭阳县牵头。"},
    )
    done = post(login(esc.staff), f"/api/v1/escalation/mayor/{ticket.pk}/dispatch",
                {"lead_unit_id": esc.shuyang_gov.pk, "urgency": "complex"})  # fmt: skip
    assert done.status_code == 200
    ticket.refresh_from_db()
    assert ticket.workdays_allowed == 15


def test_category_without_a_deputy_is_refused(esc, login):
    from bangban.tickets.models import Category

    other = Category.objects.create(code="ESC-02", name="其他", level=1, path="其他")
    ticket = submission(esc)
    response = post(login(esc.staff), f"/api/v1/escalation/mayor/{ticket.pk}/classify",
                    {"category_id": other.pk, "kind": "general"})  # fmt: skip
    assert response.status_code == 400 and response.json()["code"] == "deputy_route_missing"
    assert not MayorReview.objects.filter(ticket=ticket).exclude(stage="collected").exists()
    assert not ReviewStep.objects.exists()


def test_only_the_chain_sees_the_review_pages(esc, login):
    ticket = submission(esc)
    assert login(esc.handler_shuyang).get("/escalation/mayor/").status_code == 404
    assert login(esc.staff).get(f"/escalation/mayor/{ticket.pk}/").status_code == 200
    assert login(esc.dispatcher).get(f"/api/v1/escalation/mayor/{ticket.pk}").status_code == 404


def test_pages_drive_the_chain(esc, login):
    ticket = submission(esc)
    staff = login(esc.staff)
    staff.post(
        f"/escalation/mayor/{ticket.pk}/", {"op": "classify", "category": esc.category.pk, "kind": "general"}
    )
    out_of_turn = login(esc.vice_mayor).post(
        f"/escalation/mayor/{ticket.pk}/", {"op": "sign", "decision": "accept"}, follow=True
    )
    assert "不能越过顺序签批" in out_of_turn.content.decode()
    login(esc.deputy).post(f"/escalation/mayor/{ticket.pk}/", {"op": "sign", "decision": "accept"})
    assert MayorReview.objects.get(ticket=ticket).stage == "secretary"
    case_page = staff.get(f"/cases/{ticket.pk}/").content.decode()
    assert "专项督查" in case_page and "待秘书长签批" in case_page
