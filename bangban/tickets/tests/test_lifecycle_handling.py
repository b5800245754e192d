"""Handling (issue 3 item 5): progress notes and internal comments, the reply approved by the
unit head, follow-up and closure or reopening, 即知即办, merging duplicates and withdrawal; two
people replying at once."""

from __future__ import annotations

import datetime as dt

import pytest

from bangban.conftest import reply_fields, reply_form_fields
from bangban.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from bangban.core.satisfaction import Satisfaction
from bangban.notifications.models import OutboxMessage
from bangban.tickets import actions
from bangban.tickets.models import Channel, FollowUp, Reply, ReviewStatus, Ticket, TicketEvent, Visibility
from bangban.tickets.workflow import Status

from .conftest import T0

LATER = T0 + dt.timedelta(hours=5)


def post(client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")


def told(user, subject_part: str) -> bool:
    return OutboxMessage.objects.filter(recipient=user, subject__contains=subject_part).exists()


# --- notes and comments ----------------------------------------------------------------------


def test_progress_note_is_public_and_tells_the_enterprise_without_changing_the_version(cases):
    ticket = cases.in_progress()
    event = actions.do_add_note(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, text="已联系供电公司现场勘查", public=True
    )
    assert event.kind == "note" and event.visibility == Visibility.PUBLIC
    ticket.refresh_from_db()
    assert ticket.version == 3
    assert told(cases.enterprise_user, "诉求有新进展")


def test_internal_comment_is_kept_apart_from_messages_to_the_enterprise(cases, login):
    ticket = cases.in_progress()
    response = post(
        login(cases.biz_office),
        f"/api/v1/cases/{ticket.pk}/notes",
        {"text": "请关注该企业此前的两次反映", "public": False},
    )
    assert response.status_code == 200
    event = TicketEvent.objects.get(ticket=ticket, kind="comment")
    assert event.visibility == Visibility.INTERNAL
    assert not told(cases.enterprise_user, "诉求有新进展")
    # The enterprise's own timeline shows public entries only.
    timeline = login(cases.enterprise_user).get(f"/api/v1/cases/{ticket.pk}/events")
    assert timeline.status_code == 200
    assert "请关注该企业此前的两次反映" not in [e["note"] for e in timeline.json()]
    staff_timeline = login(cases.biz_office).get(f"/api/v1/cases/{ticket.pk}/events")
    assert "请关注该企业此前的两次反映" in [e["note"] for e in staff_timeline.json()]


def test_only_the_lead_unit_writes_public_progress_notes(cases):
    ticket = cases.in_progress()
    with pytest.raises(PermissionDenied):
        actions.do_add_note(acting_user=cases.biz_office, ticket_id=ticket.pk, text="进展", public=True)


def test_an_enterprise_cannot_add_internal_comments(cases):
    ticket = cases.in_progress()
    with pytest.raises(PermissionDenied) as exc:
        actions.do_add_note(
            acting_user=cases.enterprise_user, ticket_id=ticket.pk, text="催一下", public=False
        )
    assert exc.value.message == "企业用户不能添加内部意见"


def test_an_empty_note_is_refused(cases):
    ticket = cases.in_progress()
    with pytest.raises(ValidationFailed) as exc:
        actions.do_add_note(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, text="  ", public=True)
    assert exc.value.code == "text_required"


# --- reply and review --------------------------------------------------------------------------


def test_reply_is_approved_by_the_head_and_shown_to_the_enterprise(cases):
    ticket = cases.in_progress()
    actions.do_submit_reply(
        acting_user=cases.handler_shuyang,
        ticket_id=ticket.pk,
        content="已为企业办理用电增容。",
        now=LATER,
        **reply_fields(LATER),
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.REPLY_REVIEW
    assert told(cases.head_shuyang, "答复待审核")
    submitted = TicketEvent.objects.get(ticket=ticket, kind="submit_reply")
    assert submitted.visibility == Visibility.INTERNAL
    ticket = actions.do_approve_reply(
        acting_user=cases.head_shuyang, ticket_id=ticket.pk, comment="同意", now=LATER
    )
    assert ticket.status == Status.REPLIED and ticket.replied_at == LATER
    reply = Reply.objects.get(ticket=ticket)
    assert reply.status == ReviewStatus.APPROVED and reply.reviewed_by_id == cases.head_shuyang.pk
    event = TicketEvent.objects.get(ticket=ticket, kind="approve_reply")
    assert event.visibility == Visibility.PUBLIC and event.note == "已为企业办理用电增容。"
    assert told(cases.enterprise_user, "诉求已答复")
    assert told(cases.handler_shuyang, "答复已通过审核")


def test_a_handler_cannot_approve_a_reply(cases):
    ticket = cases.in_progress()
    actions.do_submit_reply(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, content="答复", **reply_fields()
    )
    with pytest.raises(PermissionDenied) as exc:
        actions.do_approve_reply(acting_user=cases.handler_shuyang2, ticket_id=ticket.pk)
    assert exc.value.message == "只有主办单位负责人可以审核答复"


def test_rejecting_a_reply_needs_a_comment_and_sends_the_case_back(cases, login):
    ticket = cases.in_progress()
    actions.do_submit_reply(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, content="答复", **reply_fields()
    )
    client = login(cases.head_shuyang)
    response = post(client, f"/api/v1/cases/{ticket.pk}/reply/reject", {"version": 4, "comment": ""})
    assert response.status_code == 400 and response.json()["code"] == "comment_required"
    response = post(
        client, f"/api/v1/cases/{ticket.pk}/reply/reject", {"version": 4, "comment": "请写明政策依据"}
    )
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert Reply.objects.get(ticket=ticket).status == ReviewStatus.REJECTED
    assert told(cases.handler_shuyang, "答复被退回")


def test_an_empty_reply_is_refused(cases):
    ticket = cases.in_progress()
    with pytest.raises(ValidationFailed) as exc:
        actions.do_submit_reply(
            acting_user=cases.handler_shuyang, ticket_id=ticket.pk, content="", **reply_fields()
        )
    assert exc.value.code == "content_required"


def test_two_replies_at_once_the_second_gets_a_conflict_and_nothing_is_overwritten(cases, login):
    ticket = cases.in_progress()
    seen = ticket.version
    first = post(
        login(cases.handler_shuyang),
        f"/api/v1/cases/{ticket.pk}/reply",
        {"version": seen, "content": "第一份答复", **reply_form_fields()},
    )
    assert first.status_code == 200
    second = post(
        login(cases.handler_shuyang2),
        f"/api/v1/cases/{ticket.pk}/reply",
        {"version": seen, "content": "第二份答复", **reply_form_fields()},
    )
    assert second.status_code == 409
    assert second.json() == {"code": "conflict", "message": "记录已被他人修改，请刷新后重试"}
    assert list(Reply.objects.filter(ticket=ticket).values_list("content", flat=True)) == ["第一份答复"]
    ticket.refresh_from_db()
    assert ticket.version == seen + 1


def test_a_stale_version_is_a_conflict_for_every_action(cases):
    ticket = cases.in_progress()
    with pytest.raises(Conflict):
        actions.do_return(
            acting_user=cases.handler_shuyang, ticket_id=ticket.pk, reason="理由", expected_version=1
        )
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


# --- follow-up, closure and reopening -------------------------------------------------------------


@pytest.mark.parametrize(
    "level", [Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED]
)
def test_resolved_and_satisfied_follow_up_closes_the_case(cases, level):
    ticket = cases.replied()
    ticket = _followed(
        actions.do_follow_up(
            acting_user=cases.hotline_agent, ticket_id=ticket.pk, resolved=True, satisfaction=level, now=LATER
        )
    )
    assert ticket.status == Status.CLOSED and ticket.closed_at == LATER
    assert ticket.satisfaction == level and ticket.reopen_count == 0
    follow_up = FollowUp.objects.get(ticket=ticket)
    assert follow_up.by_id == cases.hotline_agent.pk and follow_up.method == "phone"
    event = TicketEvent.objects.get(ticket=ticket, kind="follow_up_close")
    assert event.visibility == Visibility.PUBLIC and level.label in event.note


@pytest.mark.parametrize(
    ("resolved", "level"),
    [
        (True, Satisfaction.DISSATISFIED),
        (True, Satisfaction.VERY_DISSATISFIED),
        (False, Satisfaction.SATISFIED),
    ],
)
def test_unresolved_or_unsatisfied_follow_up_reopens_at_the_same_unit(cases, resolved, level):
    ticket = cases.replied()
    ticket = _followed(
        actions.do_follow_up(
            acting_user=cases.dispatcher,
            ticket_id=ticket.pk,
            resolved=resolved,
            satisfaction=level,
            now=LATER,
        )
    )
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.reopen_count == 1 and ticket.lead_unit_id == cases.shuyang_gov.pk
    assert ticket.deadline_start == LATER
    assert told(cases.handler_shuyang, "诉求重办") and told(cases.head_shuyang, "诉求重办")


def test_the_enterprise_rates_its_own_case_on_the_portal(cases, login):
    ticket = cases.replied()
    response = post(
        login(cases.enterprise_user),
        f"/api/v1/cases/{ticket.pk}/follow-up",
        {
            "version": ticket.version,
            "resolved": True,
            "satisfaction": 2,
            "method": "phone",
            "comment": "很及时",
        },
    )
    assert response.status_code == 200 and response.json()["status"] == "closed"
    follow_up = FollowUp.objects.get(ticket=ticket)
    assert follow_up.method == "portal" and follow_up.by_id == cases.enterprise_user.pk
    assert follow_up.comment == "很及时"


def test_another_enterprise_cannot_rate_a_case(cases):
    from bangban.conftest import make_user
    from bangban.core.errors import NotFound

    other = make_user("ent_sq", "enterprise", enterprise=cases.ent_siyang)
    ticket = cases.replied()
    with pytest.raises(NotFound):
        actions.do_follow_up(acting_user=other, ticket_id=ticket.pk, resolved=True, satisfaction=1)


def test_a_handler_cannot_record_the_follow_up_of_its_own_case(cases):
    ticket = cases.replied()
    with pytest.raises(PermissionDenied):
        actions.do_follow_up(
            acting_user=cases.handler_shuyang, ticket_id=ticket.pk, resolved=True, satisfaction=1
        )


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("satisfaction", 9, "satisfaction_invalid"), ("method", "fax", "method_invalid")],
)
def test_follow_up_rejects_bad_values(cases, field, value, code):
    ticket = cases.replied()
    kwargs = {"resolved": True, "satisfaction": 2, "method": "phone", field: value}
    with pytest.raises(ValidationFailed) as exc:
        actions.do_follow_up(acting_user=cases.dispatcher, ticket_id=ticket.pk, **kwargs)
    assert exc.value.code == code


# --- 即知即办 -------------------------------------------------------------------------------------


def test_the_agent_who_took_the_call_closes_it_on_the_spot(cases):
    ticket = cases.new(channel=Channel.HOTLINE, created_by=cases.hotline_agent, submitter=None)
    ticket = actions.do_close_on_spot(
        acting_user=cases.hotline_agent, ticket_id=ticket.pk, answer="已告知办理流程和所需材料", now=T0
    )
    assert ticket.status == Status.CLOSED and ticket.closed_at == T0 and ticket.replied_at == T0
    event = TicketEvent.objects.get(ticket=ticket, kind="close_on_spot")
    assert event.visibility == Visibility.PUBLIC and event.note == "已告知办理流程和所需材料"
    assert Reply.objects.get(ticket=ticket).status == ReviewStatus.APPROVED
    assert told(cases.enterprise_user, "诉求已办结")


def test_another_agent_cannot_close_a_case_it_did_not_take(cases):
    from bangban.conftest import make_user

    other_agent = make_user("agent2", "hotline_agent", unit=cases.center)
    ticket = cases.new(channel=Channel.HOTLINE, created_by=cases.hotline_agent)
    with pytest.raises(PermissionDenied):
        actions.do_close_on_spot(acting_user=other_agent, ticket_id=ticket.pk, answer="答复")


def test_a_visitor_without_an_account_is_told_by_sms(cases):
    ticket = cases.new(channel=Channel.MAYOR, enterprise=None, submitter=None, contact_phone="13900001111")
    actions.do_close_on_spot(acting_user=cases.dispatcher, ticket_id=ticket.pk, answer="已答复")
    assert OutboxMessage.objects.filter(channel="sms", address="13900001111").count() == 1


# --- merge and withdraw -----------------------------------------------------------------------


def test_merge_marks_the_duplicate_and_records_it_on_the_case_that_carries_on(cases, login):
    original = cases.dispatched()
    duplicate = cases.new()
    response = post(
        login(cases.dispatcher),
        f"/api/v1/cases/{duplicate.pk}/merge",
        {"version": 1, "into_case_id": original.pk, "reason": "同一企业同一问题"},
    )
    assert response.status_code == 200 and response.json()["status"] == "merged"
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == original.pk
    merged_in = TicketEvent.objects.get(ticket=original, kind="merged_in")
    assert duplicate.number in merged_in.note and "同一企业同一问题" in merged_in.note
    assert told(cases.enterprise_user, "诉求已合并办理")


def test_merge_into_itself_or_into_a_finished_case_is_refused(cases):
    duplicate = cases.new()
    with pytest.raises(ValidationFailed) as exc:
        actions.do_merge(
            acting_user=cases.dispatcher, ticket_id=duplicate.pk, into_ticket_id=duplicate.pk, reason="重复"
        )
    assert exc.value.code == "merge_into_self"
    for status in (Status.CLOSED, Status.MERGED, Status.WITHDRAWN):
        target = cases.new(status=status)
        with pytest.raises(ValidationFailed) as exc:
            actions.do_merge(
                acting_user=cases.dispatcher, ticket_id=duplicate.pk, into_ticket_id=target.pk, reason="重复"
            )
        assert exc.value.code == "merge_target_invalid"
    duplicate.refresh_from_db()
    assert duplicate.status == Status.PENDING_DISPATCH and duplicate.merged_into_id is None


def test_the_enterprise_withdraws_before_dispatch_only(cases):
    ticket = cases.new()
    ticket = actions.do_withdraw(acting_user=cases.enterprise_user, ticket_id=ticket.pk, reason="已自行解决")
    assert ticket.status == Status.WITHDRAWN and ticket.closed_at is not None
    dispatched = cases.dispatched()
    with pytest.raises(InvalidTransition):
        actions.do_withdraw(acting_user=cases.enterprise_user, ticket_id=dispatched.pk)


def test_staff_cannot_withdraw_an_enterprises_case(cases):
    ticket = cases.new()
    with pytest.raises(PermissionDenied):
        actions.do_withdraw(acting_user=cases.dispatcher, ticket_id=ticket.pk)


# --- a whole case through the API -------------------------------------------------------------


def test_a_case_from_dispatch_to_closure_through_the_api(cases, login):
    ticket = cases.new()
    dispatcher, handler, head = (
        login(cases.dispatcher),
        login(cases.handler_shuyang),
        login(cases.head_shuyang),
    )
    base = f"/api/v1/cases/{ticket.pk}"

    def step(client, path, body):
        response = post(client, f"{base}/{path}", {"version": state["version"], **body})
        assert response.status_code == 200, response.content
        state.update(response.json())
        return response.json()

    state = {"version": 1}
    step(dispatcher, "dispatch", {"lead_unit_id": cases.shuyang_gov.pk})
    step(handler, "accept", {})
    step(handler, "notes", {"text": "已约企业面谈", "public": True})
    data = step(handler, "extension-requests", {"workdays": 2, "reason": "需多部门会商"})
    step(dispatcher, f"requests/{data['request_id']}/decide", {"approve": True, "comment": "同意"})
    data = step(handler, "suspension-requests", {"reason": "等待企业补充材料"})
    assert state["status"] == "in_progress"
    step(dispatcher, f"requests/{data['request_id']}/decide", {"approve": True})
    assert state["status"] == "suspended"
    step(handler, "resume", {})
    step(handler, "reply", {"content": "已协调解决。", **reply_form_fields()})
    step(head, "reply/reject", {"comment": "请补充办理时间"})
    step(handler, "reply", {"content": "已于10月9日协调解决。", **reply_form_fields()})
    step(head, "reply/approve", {})
    assert state["status"] == "replied"
    step(login(cases.enterprise_user), "follow-up", {"resolved": True, "satisfaction": 1})
    assert state["status"] == "closed" and state["status_label"] == "已办结"
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == [
        "dispatch",
        "accept",
        "note",
        "extension_requested",
        "extension_approved",
        "suspension_requested",
        "suspend",
        "resume",
        "submit_reply",
        "reject_reply",
        "submit_reply",
        "approve_reply",
        "follow_up_close",
    ]


def test_deciding_a_request_of_another_case_is_404(cases, login):
    ticket = cases.in_progress()
    other = cases.in_progress()
    request = actions.do_request_extension(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, workdays=1, reason="协调"
    )
    response = post(
        login(cases.dispatcher),
        f"/api/v1/cases/{other.pk}/requests/{request.pk}/decide",
        {"version": other.version, "approve": True},
    )
    assert response.status_code == 404


def test_only_a_dispatcher_decides_requests(cases, login):
    ticket = cases.in_progress()
    request = actions.do_request_extension(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, workdays=1, reason="协调"
    )
    for user in (cases.head_shuyang, cases.auditor):
        response = post(
            login(user),
            f"/api/v1/cases/{ticket.pk}/requests/{request.pk}/decide",
            {"version": ticket.version + 1, "approve": True},
        )
        assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == "pending"


def test_a_decided_request_cannot_be_decided_again(cases):
    ticket = cases.in_progress()
    request = actions.do_request_extension(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, workdays=1, reason="协调"
    )
    actions.do_decide_request(acting_user=cases.dispatcher, request_id=request.pk, approve=False)
    with pytest.raises(InvalidTransition) as exc:
        actions.do_decide_request(acting_user=cases.dispatcher, request_id=request.pk, approve=True)
    assert exc.value.code == "request_decided"


# --- every operation endpoint refuses people without the right ------------------------------------

ENDPOINTS = [
    ("dispatch", {"lead_unit_id": 0}),
    ("accept", {}),
    ("return", {"reason": "理由"}),
    ("reassign", {"lead_unit_id": 0, "reason": "理由"}),
    ("extension-requests", {"workdays": 1, "reason": "理由"}),
    ("suspension-requests", {"reason": "理由"}),
    ("resume", {}),
    ("notes", {"text": "进展", "public": True}),
    ("reply", {"content": "答复", **reply_form_fields()}),
    ("reply/approve", {}),
    ("reply/reject", {"comment": "意见"}),
    ("close-on-spot", {"answer": "答复"}),
    ("merge", {"into_case_id": 0, "reason": "理由"}),
    ("withdraw", {"reason": "理由"}),
    ("follow-up", {"resolved": True, "satisfaction": 1}),
]


@pytest.mark.parametrize(("path", "body"), ENDPOINTS)
def test_an_auditor_sees_the_case_but_may_not_operate_on_it(cases, login, path, body):
    ticket = cases.new()
    response = post(login(cases.auditor), f"/api/v1/cases/{ticket.pk}/{path}", {"version": 1, **body})
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"
    ticket.refresh_from_db()
    assert ticket.version == 1


@pytest.mark.parametrize(("path", "body"), ENDPOINTS)
def test_a_handler_of_another_county_gets_404_on_every_operation(cases, login, path, body):
    ticket = cases.dispatched()
    response = post(login(cases.handler_siyang), f"/api/v1/cases/{ticket.pk}/{path}", {"version": 2, **body})
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"


def test_operations_need_a_login(cases, client):
    ticket = cases.new()
    response = post(client, f"/api/v1/cases/{ticket.pk}/accept", {"version": 1})
    assert response.status_code == 401


def _followed(follow_up: FollowUp | None) -> Ticket:
    """The case of the follow-up `do_follow_up` recorded."""
    assert follow_up is not None
    return follow_up.ticket
