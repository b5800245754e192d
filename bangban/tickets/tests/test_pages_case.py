"""The case page: what each person sees (timeline, replies, attachments, personal data) and the
action panels they get, and what happens when they use them — including two people at once, a
move out of turn and a return without a reason."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from bangban.audit.models import AuditEvent
from bangban.conftest import reply_fields, reply_form_fields
from bangban.tickets.models import Attachment, DeadlineRequest, RequestKind, ReviewStatus, Ticket, Visibility
from bangban.tickets.workflow import Status

pytestmark = pytest.mark.django_db


def panels(html: str) -> set[str]:
    return set(re.findall(r'data-testid="panel-([a-z_]+)"', html))


def page(client, ticket: Ticket) -> str:
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def act(client, ticket: Ticket, key: str, **data):
    data.setdefault("version", Ticket.objects.get(pk=ticket.pk).version)
    return client.post(reverse("tickets:act", args=[ticket.pk, key]), data)


# --- who sees what --------------------------------------------------------------------------------


def test_case_page_shows_the_header_with_units_deadline_and_extensions(cases, login):
    ticket = cases.dispatched(title="厂区道路积水")
    html = page(login(cases.handler_shuyang), ticket)

    assert ticket.number in html
    assert "厂区道路积水" in html
    assert 'data-testid="lead-unit">沭阳县人民政府' in html
    assert "已延期 0 / 1 次" in html
    assert 'data-testid="deadline-badge"' in html
    assert "待签收" in html


def test_enterprise_sees_only_public_events_and_staff_see_internal_ones_marked(cases, login):
    ticket = cases.in_progress()
    from bangban.tickets.actions import do_add_note

    do_add_note(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, text="内部讨论：需联系供电公司", public=False
    )
    do_add_note(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, text="已联系供电公司现场查看", public=True
    )

    staff = page(login(cases.handler_shuyang), ticket)
    enterprise = page(login(cases.enterprise_user), ticket)

    assert "内部讨论：需联系供电公司" in staff
    assert 'data-testid="internal-flag"' in staff
    assert "已联系供电公司现场查看" in staff
    assert "内部讨论" not in enterprise
    assert 'data-testid="internal-flag"' not in enterprise
    assert "已联系供电公司现场查看" in enterprise


def test_enterprise_does_not_see_a_reply_before_the_head_approves_it(cases, login):
    ticket = cases.in_progress()
    from bangban.tickets.actions import do_approve_reply, do_submit_reply

    do_submit_reply(
        acting_user=cases.handler_shuyang,
        ticket_id=ticket.pk,
        content="答复草稿：已协调解决",
        **reply_fields(),
    )
    assert "答复草稿" not in page(login(cases.enterprise_user), ticket)
    assert "答复草稿" in page(login(cases.head_shuyang), ticket)

    do_approve_reply(acting_user=cases.head_shuyang, ticket_id=ticket.pk)
    assert "答复草稿：已协调解决" in page(login(cases.enterprise_user), ticket)


def test_contact_phone_is_masked_for_a_handler_and_shown_to_the_hotline_agent_with_an_audit_record(
    cases, login
):
    ticket = cases.dispatched(contact_name="张三", contact_phone="13812345678")

    assert "138****5678" in page(login(cases.handler_shuyang), ticket)
    assert "13812345678" not in page(login(cases.handler_shuyang), ticket)
    before = AuditEvent.objects.filter(action="personal_data.view").count()
    assert "13812345678" in page(login(cases.hotline_agent), ticket)
    assert AuditEvent.objects.filter(action="personal_data.view").count() == before + 1


def test_a_handler_of_another_unit_cannot_open_the_case(cases, login):
    ticket = cases.dispatched()
    response = login(cases.handler_siyang).get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 404


def test_another_enterprise_cannot_open_the_case(cases, login):
    from bangban.conftest import make_user

    other = make_user("ent_sq", "enterprise", enterprise=cases.ent_siyang)
    ticket = cases.new()
    assert login(other).get(reverse("tickets:detail", args=[ticket.pk])).status_code == 404


def test_repeat_and_merge_links_point_to_the_related_cases(cases, login):
    original = cases.new(title="原来的诉求")
    repeat = cases.new(is_repeat=True, duplicate_of=original)
    merged = cases.new(status=Status.MERGED, merged_into=original)

    html = page(login(cases.dispatcher), repeat)
    assert f'href="{reverse("tickets:detail", args=[original.pk])}"' in html
    assert 'data-testid="duplicate-of"' in html
    merged_html = page(login(cases.dispatcher), merged)
    assert 'data-testid="merged-into"' in merged_html
    original_html = page(login(cases.dispatcher), original)
    assert repeat.number in original_html and merged.number in original_html


# --- attachments ----------------------------------------------------------------------------------


def _attachment(ticket: Ticket, visibility: str) -> Attachment:
    return Attachment.objects.create(
        ticket=ticket,
        file=ContentFile(b"%PDF-1.4 test", name="proof.pdf"),
        original_name="证明材料.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
        visibility=visibility,
    )


def test_attachment_download_follows_the_case_access_and_hides_internal_files_from_enterprises(cases, login):
    ticket = cases.new()
    public = _attachment(ticket, Visibility.PUBLIC)
    internal = _attachment(ticket, Visibility.INTERNAL)
    url = lambda a: reverse("tickets:attachment", args=[ticket.pk, a.pk])  # noqa: E731

    enterprise = login(cases.enterprise_user)
    response = enterprise.get(url(public))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert enterprise.get(url(internal)).status_code == 404
    assert login(cases.dispatcher).get(url(internal)).status_code == 200
    assert login(cases.handler_siyang).get(url(public)).status_code == 404
    assert "证明材料.pdf" in page(enterprise, ticket)


# --- action panels --------------------------------------------------------------------------------


def test_panels_follow_status_and_role(cases, login):
    ticket = cases.dispatched()
    assert {"accept", "return"} <= panels(page(login(cases.handler_shuyang), ticket))
    assert "review" not in panels(page(login(cases.handler_shuyang), ticket))
    assert "reassign" in panels(page(login(cases.dispatcher), ticket))
    assert "accept" not in panels(page(login(cases.dispatcher), ticket))
    assert panels(page(login(cases.enterprise_user), ticket)) == set()

    pending = cases.new()
    assert {"dispatch", "merge"} <= panels(page(login(cases.dispatcher), pending))
    assert "withdraw" in panels(page(login(cases.enterprise_user), pending))


def test_handler_accepts_and_submits_a_reply_which_the_head_approves(cases, login):
    ticket = cases.dispatched()
    handler = login(cases.handler_shuyang)

    response = act(handler, ticket, "accept")
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS
    html = page(handler, ticket)
    assert {"reply", "note", "extension", "suspension", "return"} <= panels(html)

    act(handler, ticket, "reply", **reply_form_fields(), content="经协调，供电公司已于本周完成线路改造。")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLY_REVIEW
    assert "review" not in panels(page(handler, ticket))

    head = login(cases.head_shuyang)
    head_html = page(head, ticket)
    assert "review" in panels(head_html)
    assert "经协调，供电公司已于本周完成线路改造。" in head_html
    act(head, ticket, "review", decision="approve", comment="同意")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED


def test_head_rejecting_a_reply_needs_a_comment(cases, login):
    ticket = cases.in_progress()
    from bangban.tickets.actions import do_submit_reply

    do_submit_reply(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, content="草稿", **reply_fields())
    response = act(login(cases.head_shuyang), ticket, "review", decision="reject", comment="")

    assert response.status_code == 400
    assert "退回答复请填写审核意见" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLY_REVIEW


def test_a_returned_reply_fills_the_reply_form_with_the_heads_comment(cases, login):
    ticket = cases.in_progress()
    handler, head = login(cases.handler_shuyang), login(cases.head_shuyang)
    first = "经协调，供电公司将于下周完成线路改造。"
    act(handler, ticket, "reply", **reply_form_fields(), content=first)
    act(head, ticket, "review", decision="reject", comment="请写明具体完成日期")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS

    form = re.search(r'data-testid="form-reply".*?</form>', page(handler, ticket), re.S)
    assert form is not None
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", form.group(0), re.S)
    assert textarea is not None and textarea.group(1).strip() == first
    assert "请写明具体完成日期" in form.group(0) and "退回" in form.group(0)

    # Once a revised reply is submitted, nothing is pre-filled any more.
    act(handler, ticket, "reply", **reply_form_fields(), content=first + "预计12月10日完成。")
    act(head, ticket, "review", decision="approve", comment="同意")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED


def test_a_fresh_reply_form_is_empty(cases, login):
    ticket = cases.in_progress()
    form = re.search(r'data-testid="form-reply".*?</form>', page(login(cases.handler_shuyang), ticket), re.S)
    assert form is not None
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", form.group(0), re.S)
    assert textarea is not None and textarea.group(1).strip() == ""
    assert "退回" not in form.group(0)


def test_a_stale_version_shows_the_conflict_message_and_changes_nothing(cases, login):
    ticket = cases.in_progress()
    seen = Ticket.objects.get(pk=ticket.pk).version
    from bangban.tickets.actions import do_request_suspension

    do_request_suspension(acting_user=cases.handler_shuyang2, ticket_id=ticket.pk, reason="等待企业补充材料")
    events_before = ticket.events.count()

    response = act(
        login(cases.handler_shuyang), ticket, "reply", **reply_form_fields(), content="我的答复", version=seen
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "记录已被他人修改，请刷新后重试" in html
    assert 'data-testid="action-error"' in html
    assert "我的答复" in html  # the text the user typed is kept in the form
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == Status.IN_PROGRESS
    assert not fresh.replies.exists()
    assert ticket.events.count() == events_before


def test_two_concurrent_replies_only_the_first_is_saved(cases, login):
    ticket = cases.in_progress()
    version = Ticket.objects.get(pk=ticket.pk).version
    first = act(
        login(cases.handler_shuyang),
        ticket,
        "reply",
        **reply_form_fields(),
        content="第一份答复",
        version=version,
    )
    second = act(
        login(cases.handler_shuyang2),
        ticket,
        "reply",
        **reply_form_fields(),
        content="第二份答复",
        version=version,
    )

    assert first.status_code == 302
    assert second.status_code == 409
    assert list(Ticket.objects.get(pk=ticket.pk).replies.values_list("content", flat=True)) == ["第一份答复"]


def test_an_action_out_of_turn_shows_the_chinese_transition_message(cases, login):
    ticket = cases.in_progress()

    response = act(login(cases.handler_shuyang), ticket, "accept")

    assert response.status_code == 409
    assert "诉求当前为“办理中”，不能执行“签收”" in response.content.decode()


def test_return_without_a_reason_is_refused_and_the_case_stays(cases, login):
    ticket = cases.dispatched()

    response = act(login(cases.handler_shuyang), ticket, "return", reason="  ")

    assert response.status_code == 400
    assert "退单必须填写理由" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


def test_return_with_a_reason_sends_the_case_back_to_the_dispatcher_queue_with_the_reason(cases, login):
    ticket = cases.dispatched()
    act(login(cases.handler_shuyang), ticket, "return", reason="属于市场监管局职责")

    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_DISPATCH
    html = login(cases.dispatcher).get(reverse("tickets:dispatch_queue")).content.decode()
    assert "退单理由：属于市场监管局职责" in html


def test_a_handler_of_another_unit_cannot_act_on_the_case(cases, login):
    ticket = cases.dispatched()
    response = act(login(cases.handler_siyang), ticket, "accept")
    assert response.status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


def test_a_visible_case_refuses_an_action_the_role_may_not_take(cases, login):
    ticket = cases.dispatched()
    response = act(login(cases.enterprise_user), ticket, "accept")
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


def test_public_note_reaches_the_enterprise_and_internal_comment_does_not(cases, login):
    ticket = cases.in_progress()
    handler = login(cases.handler_shuyang)
    act(handler, ticket, "note", text="已安排现场勘查", visibility="public")
    act(handler, ticket, "note", text="勘查需要两天", visibility="internal")

    enterprise = page(login(cases.enterprise_user), ticket)
    assert "已安排现场勘查" in enterprise
    assert "勘查需要两天" not in enterprise


def test_extension_requested_on_the_page_and_approved_in_the_dispatch_queue_moves_the_due_date(cases, login):
    ticket = cases.in_progress()
    due_before = Ticket.objects.get(pk=ticket.pk).due_at
    act(login(cases.handler_shuyang), ticket, "extension", reason="需等待省级部门批复", workdays=3)
    request = DeadlineRequest.objects.get(ticket=ticket, kind=RequestKind.EXTENSION)

    dispatcher = login(cases.dispatcher)
    queue = reverse("tickets:dispatch_queue")
    assert "需等待省级部门批复" in dispatcher.get(queue).content.decode()
    response = dispatcher.post(
        reverse("tickets:act", args=[ticket.pk, "decide"]),
        {
            "version": Ticket.objects.get(pk=ticket.pk).version,
            "request_id": request.pk,
            "decision": "approve",
            "next": queue,
        },
    )

    assert response.status_code == 302 and response["Location"] == queue
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.extensions_used == 1
    assert fresh.due_at is not None and due_before is not None
    assert fresh.due_at > due_before
    assert DeadlineRequest.objects.get(pk=request.pk).status == ReviewStatus.APPROVED
    assert "extension" not in panels(page(login(cases.handler_shuyang), ticket))


def test_suspension_approved_on_the_case_page_then_resumed(cases, login):
    ticket = cases.in_progress()
    act(login(cases.handler_shuyang), ticket, "suspension", reason="等待企业补充材料")
    request = DeadlineRequest.objects.get(ticket=ticket, kind=RequestKind.SUSPENSION)
    dispatcher = login(cases.dispatcher)
    assert "decide" in panels(page(dispatcher, ticket))

    act(dispatcher, ticket, "decide", request_id=request.pk, decision="approve")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SUSPENDED
    html = page(login(cases.handler_shuyang), ticket)
    assert "resume" in panels(html)
    assert "已挂起" in html

    act(login(cases.handler_shuyang), ticket, "resume")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_a_decision_on_a_request_of_another_case_is_refused(cases, login):
    one = cases.in_progress()
    other = cases.in_progress()
    act(login(cases.handler_shuyang), other, "suspension", reason="等待材料")
    request = DeadlineRequest.objects.get(ticket=other)

    response = act(login(cases.dispatcher), one, "decide", request_id=request.pk, decision="approve")

    assert response.status_code == 404
    assert DeadlineRequest.objects.get(pk=request.pk).status == ReviewStatus.PENDING


def test_dispatcher_routes_from_the_queue_with_co_handlers(cases, login):
    ticket = cases.new(suggested_unit=cases.shuyang_gov)
    dispatcher = login(cases.dispatcher)
    queue = reverse("tickets:dispatch_queue")
    prefix = f"t{ticket.pk}"

    response = dispatcher.post(
        reverse("tickets:act", args=[ticket.pk, "dispatch"]),
        {
            "_prefix": prefix,
            "next": queue,
            f"{prefix}-version": ticket.version,
            f"{prefix}-lead_unit": cases.shuyang_gov.pk,
            f"{prefix}-co_units": [cases.approval_bureau.pk, cases.shuyang_gov.pk],
            f"{prefix}-urgency": "urgent",
        },
    )

    assert response.status_code == 302 and response["Location"] == queue
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == Status.DISPATCHED
    assert fresh.lead_unit == cases.shuyang_gov
    assert fresh.urgency == "urgent"
    assert fresh.due_at is not None
    assert list(fresh.assignments.filter(role="co").values_list("unit_id", flat=True)) == [
        cases.approval_bureau.pk
    ]
    assert ticket.number in login(cases.city_handler).get(reverse("tickets:unit_queue")).content.decode()
    assert ticket.number not in dispatcher.get(queue).content.decode()


def test_dispatch_failure_returns_to_the_queue_with_the_message(cases, login):
    from bangban.tickets.models import DeadlinePolicy

    DeadlinePolicy.objects.filter(channel="portal", urgency="general").delete()
    ticket = cases.new()
    dispatcher = login(cases.dispatcher)
    queue = reverse("tickets:dispatch_queue")
    prefix = f"t{ticket.pk}"

    response = dispatcher.post(
        reverse("tickets:act", args=[ticket.pk, "dispatch"]),
        {
            "_prefix": prefix,
            "next": queue,
            f"{prefix}-version": ticket.version,
            f"{prefix}-lead_unit": cases.shuyang_gov.pk,
            f"{prefix}-urgency": "general",
        },
        follow=True,
    )

    assert "未配置“企业网上诉求·一般”的办理时限规则，请联系管理员" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_DISPATCH


def test_dispatcher_merges_a_duplicate_into_the_original(cases, login):
    original = cases.new(title="原诉求")
    duplicate = cases.new(is_repeat=True, duplicate_of=original)

    response = act(login(cases.dispatcher), duplicate, "merge", target=original.number, reason="同一问题")

    assert response.status_code == 302
    fresh = Ticket.objects.get(pk=duplicate.pk)
    assert fresh.status == Status.MERGED
    assert fresh.merged_into_id == original.pk


def test_merge_into_an_unknown_number_is_refused(cases, login):
    duplicate = cases.new()
    response = act(login(cases.dispatcher), duplicate, "merge", target="QY-00000000-9999", reason="同一问题")
    assert response.status_code == 400
    assert "未找到编号为“QY-00000000-9999”的诉求" in response.content.decode()


def test_dispatcher_follow_up_unsatisfied_reopens_the_case(cases, login):
    ticket = cases.replied()
    dispatcher = login(cases.dispatcher)
    assert "follow_up" in panels(page(dispatcher, ticket))

    act(dispatcher, ticket, "follow_up", method="phone", resolved="0", satisfaction=4, comment="问题仍在")

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == Status.IN_PROGRESS
    assert fresh.reopen_count == 1


def test_unknown_action_is_not_found(cases, login):
    ticket = cases.new()
    response = login(cases.dispatcher).post(
        reverse("tickets:act", args=[ticket.pk, "explode"]), {"version": 1}
    )
    assert response.status_code == 404
