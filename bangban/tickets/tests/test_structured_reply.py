"""The structured reply (答复): a result, the text, the contact record (internal) and files that
reach the enterprise only with the approved reply — one set of rules for the case page and the
API (`replies.check_reply`), and what each reader sees of it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bangban.conftest import reply_fields, reply_form_fields
from bangban.core.errors import ValidationFailed
from bangban.tickets import actions
from bangban.tickets.models import Attachment, Reply, ReviewStatus, Ticket, TicketEvent, Visibility

from . import intake_helpers as h
from .conftest import T0

pytestmark = pytest.mark.django_db

LATER = T0 + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def submit(cases, ticket, **fields):
    data = {"content": "经协调，供电公司已完成线路改造。", **reply_fields(LATER), **fields}
    return actions.do_submit_reply(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, now=LATER, **data)


def refused(cases, ticket, **fields) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as exc:
        submit(cases, ticket, **fields)
    return exc.value


def api(client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")


def page(client, ticket: Ticket) -> str:
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def act(client, ticket: Ticket, key: str, **data):
    data.setdefault("version", Ticket.objects.get(pk=ticket.pk).version)
    return client.post(reverse("tickets:act", args=[ticket.pk, key]), data)


# --- the rules ------------------------------------------------------------------------------------


def test_a_reply_without_result_or_contact_record_is_refused_with_every_problem_at_once(cases):
    ticket = cases.in_progress()
    error = refused(
        cases, ticket, result="", contact_method="", contacted_at=None, contact_person="", content=""
    )
    assert error.code == "result_required"
    assert error.details["codes"] == {
        "result": "result_required",
        "content": "content_required",
        "contact_method": "contact_method_required",
        "contacted_at": "contacted_at_required",
        "contact_person": "contact_person_required",
    }
    assert error.details["fields"]["result"] == "请选择办理结果（已解决、部分解决或解释说明）"
    assert "请选择联系企业的方式" in error.message
    assert not Reply.objects.filter(ticket=ticket).exists()
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"


@pytest.mark.parametrize(
    "fields,field,code",
    [
        ({"result": "done"}, "result", "result_invalid"),
        ({"contact_method": "fax"}, "contact_method", "contact_method_invalid"),
        ({"contacted_at": LATER + dt.timedelta(minutes=5)}, "contacted_at", "contacted_at_invalid"),
        ({"contacted_at": T0 - dt.timedelta(days=1)}, "contacted_at", "contacted_at_invalid"),
        ({"contacted_at": "昨天下午"}, "contacted_at", "contacted_at_invalid"),
        ({"contact_person": "张" * 51}, "contact_person", "contact_person_too_long"),
        ({"contact_method": "other"}, "contact_note", "contact_note_required"),
        ({"contact_note": "记" * 501}, "contact_note", "contact_note_too_long"),
        ({"content": "字" * 5001}, "content", "too_long"),
    ],
)
def test_each_rule_has_its_code_and_chinese_message(cases, fields, field, code):
    ticket = cases.in_progress()
    error = refused(cases, ticket, **fields)
    assert error.code == code
    assert error.details["codes"] == {field: code}
    assert re.search(r"[\u4e00-\u9fff]", error.details["fields"][field])
    assert not Reply.objects.filter(ticket=ticket).exists()


def test_the_contact_time_may_be_the_minute_the_case_was_received_or_now(cases):
    ticket = cases.in_progress()
    received = Ticket.objects.get(pk=ticket.pk).received_at
    Ticket.objects.filter(pk=ticket.pk).update(received_at=received + dt.timedelta(seconds=40))
    # A form gives minutes: 10:00 for a case received at 10:00:40 is not "before" it.
    submit(cases, ticket, contacted_at=received)
    assert Reply.objects.get(ticket=ticket).contacted_at == received

    other = cases.in_progress()
    submit(cases, other, contacted_at=LATER)
    naive_local = "2026-09-30T09:30"  # no zone: Beijing time
    third = cases.in_progress()
    submit(cases, third, contacted_at=naive_local)
    assert timezone.localtime(Reply.objects.get(ticket=third).contacted_at).hour == 9


def test_a_valid_reply_stores_the_structured_record_and_an_internal_event(cases):
    ticket = cases.in_progress()
    submit(
        cases,
        ticket,
        result="partial",
        contact_method="visit",
        contact_person="李主任",
        contact_note="现场查看",
    )
    reply = Reply.objects.get(ticket=ticket)
    assert (reply.result, reply.result_label) == ("partial", "部分解决")
    assert (reply.contact_method_label, reply.contact_person, reply.contact_note) == (
        "上门",
        "李主任",
        "现场查看",
    )
    assert reply.contacted_at == LATER
    event = TicketEvent.objects.get(ticket=ticket, kind="submit_reply")
    assert event.visibility == Visibility.INTERNAL
    data = event.data or {}
    assert data["result"] == "partial" and data["contact_person"] == "李主任"


# --- files ----------------------------------------------------------------------------------------


def test_reply_files_are_internal_until_the_head_approves_the_reply(cases, login):
    ticket = cases.in_progress()
    submit(cases, ticket, attachments=[h.upload("现场照片.png", h.png_bytes(), "image/png")])
    file = Attachment.objects.get(ticket=ticket)
    assert file.reply is not None and file.visibility == Visibility.INTERNAL
    url = reverse("tickets:attachment", args=[ticket.pk, file.pk])

    enterprise = login(cases.enterprise_user)
    assert "现场照片.png" not in page(enterprise, ticket)
    assert enterprise.get(url).status_code == 404
    assert login(cases.head_shuyang).get(url).status_code == 200
    detail = enterprise.get(f"/api/v1/cases/{ticket.pk}").json()
    assert detail["replies"] == [] and detail["attachments"] == []

    actions.do_approve_reply(acting_user=cases.head_shuyang, ticket_id=ticket.pk, now=LATER)
    file.refresh_from_db()
    assert file.visibility == Visibility.PUBLIC
    html = page(enterprise, ticket)
    assert "现场照片.png" in html
    assert enterprise.get(url).status_code == 200
    detail = enterprise.get(f"/api/v1/cases/{ticket.pk}").json()
    assert [a["name"] for a in detail["replies"][0]["attachments"]] == ["现场照片.png"]
    # A reply's file is the reply's, not one of the case's own.
    assert detail["attachments"] == []


def test_a_rejected_replys_files_stay_internal(cases, login):
    ticket = cases.in_progress()
    submit(cases, ticket, attachments=[h.upload("说明.pdf", h.pdf_bytes(), "application/pdf")])
    actions.do_reject_reply(acting_user=cases.head_shuyang, ticket_id=ticket.pk, comment="请补充", now=LATER)
    assert Attachment.objects.get(ticket=ticket).visibility == Visibility.INTERNAL


def test_reply_files_are_checked_like_case_files(cases, settings):
    ticket = cases.in_progress()
    error = refused(cases, ticket, attachments=[h.upload("photo.jpg", h.EXE_BYTES, "image/jpeg")])
    assert error.code == "attachment_type_mismatch"
    assert error.details["codes"] == {"attachments": "attachment_type_mismatch"}

    settings.BANGBAN_ATTACHMENT_MAX_FILES = 2
    files = [h.upload(f"{i}.png", h.png_bytes(), "image/png") for i in range(3)]
    error = refused(cases, ticket, attachments=files)
    assert error.code == "attachment_too_many"
    assert "每份答复最多上传 2 个附件" in error.message

    settings.BANGBAN_ATTACHMENT_MAX_BYTES = 10
    error = refused(cases, ticket, attachments=[h.upload("a.png", h.png_bytes(), "image/png")])
    assert error.code == "attachment_too_large"
    assert not Attachment.objects.filter(ticket=ticket).exists()


def test_a_returned_replys_files_can_be_kept_and_only_those(cases):
    ticket = cases.in_progress()
    submit(cases, ticket, attachments=[h.upload("照片.png", h.png_bytes(), "image/png")])
    first = Attachment.objects.get(ticket=ticket)
    actions.do_reject_reply(acting_user=cases.head_shuyang, ticket_id=ticket.pk, comment="请补充", now=LATER)

    other = cases.in_progress()
    submit(cases, other, attachments=[h.upload("别家.png", h.png_bytes(), "image/png")])
    stranger = Attachment.objects.get(ticket=other)
    assert refused(cases, ticket, keep_attachment_ids=[stranger.pk]).code == "attachment_keep_invalid"

    submit(cases, ticket, keep_attachment_ids=[first.pk])
    latest = Reply.objects.filter(ticket=ticket).latest("id")
    kept = latest.attachments.get()
    assert (kept.original_name, kept.file.name, kept.sha256) == ("照片.png", first.file.name, first.sha256)
    assert kept.pk != first.pk and kept.visibility == Visibility.INTERNAL
    assert Attachment.objects.get(pk=first.pk).reply_id != latest.pk


# --- who sees what ---------------------------------------------------------------------------------


def test_the_enterprise_sees_the_result_but_never_the_contact_record(cases, login):
    ticket = cases.in_progress()
    submit(cases, ticket, result="explained", contact_person="赵会计", contact_note="内部：企业情绪激动")
    actions.do_approve_reply(acting_user=cases.head_shuyang, ticket_id=ticket.pk, now=LATER)

    enterprise = login(cases.enterprise_user)
    html = page(enterprise, ticket)
    assert 'data-testid="reply-result">解释说明' in html
    assert "赵会计" not in html and "企业情绪激动" not in html and 'data-testid="reply-contact"' not in html
    mine = enterprise.get(reverse("tickets:mine")).content.decode()
    assert "解释说明" in mine and "赵会计" not in mine

    reply = enterprise.get(f"/api/v1/cases/{ticket.pk}").json()["replies"][0]
    assert (reply["result"], reply["result_label"]) == ("explained", "解释说明")
    assert reply["contact"] is None and reply["review_comment"] is None
    timeline = enterprise.get(f"/api/v1/cases/{ticket.pk}/events").json()
    assert "赵会计" not in str(timeline)

    staff_html = page(login(cases.handler_shuyang), ticket)
    assert "赵会计" in staff_html and "企业情绪激动" in staff_html
    staff = login(cases.handler_shuyang).get(f"/api/v1/cases/{ticket.pk}").json()["replies"][0]
    assert staff["contact"]["person"] == "赵会计" and staff["contact"]["method"] == "phone"


def test_a_reply_from_before_the_structured_reply_shows_not_given(cases, login):
    ticket = cases.replied()
    Reply.objects.filter(ticket=ticket).update(
        result="", contact_method="", contacted_at=None, contact_person=""
    )
    html = page(login(cases.handler_shuyang), ticket)
    assert 'data-testid="reply-result">未填写' in html
    assert 'data-testid="reply-contact-missing"' in html
    reply = login(cases.handler_shuyang).get(f"/api/v1/cases/{ticket.pk}").json()["replies"][0]
    assert (reply["result"], reply["result_label"]) == ("", "未填写")


def test_the_follow_up_page_shows_the_result_and_contact_record(cases, login):
    ticket = cases.in_progress()
    submit(cases, ticket, result="partial", contact_method="visit", contact_person="钱经理")
    actions.do_approve_reply(acting_user=cases.head_shuyang, ticket_id=ticket.pk, now=LATER)
    response = login(cases.hotline_agent).get(reverse("ratings:follow_up_case", args=[ticket.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="follow-up-reply"' in html
    assert "{#" not in html
    assert 'data-testid="reply-result">部分解决' in html
    assert 'data-testid="reply-contact-method">上门' in html and "钱经理" in html


# --- the case page ---------------------------------------------------------------------------------


def test_the_page_form_shows_each_problem_under_its_field(cases, login):
    ticket = cases.in_progress()
    response = act(login(cases.handler_shuyang), ticket, "reply", content="已协调。", result="resolved")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-contact_method">请选择联系企业的方式' in html
    assert 'data-testid="error-contact_person">请填写联系对象（企业联系人姓名）' in html
    assert "已协调。" in html  # the text typed is kept
    assert not Reply.objects.filter(ticket=ticket).exists()

    empty = act(login(cases.handler_shuyang), ticket, "reply").content.decode()
    for field, message in [
        ("result", "请选择办理结果"),
        ("content", "请填写答复内容"),
        ("contacted_at", "请填写联系企业的时间"),
    ]:
        assert f'data-testid="error-{field}">{message}' in empty


def test_the_page_takes_files_and_the_head_sees_the_structured_reply_and_the_preview(cases, login):
    ticket = cases.in_progress()
    handler = login(cases.handler_shuyang)
    form = page(handler, ticket)
    assert 'enctype="multipart/form-data"' in form and "data-reply-preview" in form
    assert "tickets/reply.js" in form

    response = act(
        handler,
        ticket,
        "reply",
        **reply_form_fields(contact_person="孙主任", contact_note="内部备注：电话两次未接"),
        content="线路已改造完成。",
        attachments=[h.upload("验收单.pdf", h.pdf_bytes(), "application/pdf")],
    )
    assert response.status_code == 302
    reply = Reply.objects.get(ticket=ticket)
    assert reply.attachments.get().original_name == "验收单.pdf"

    html = page(login(cases.head_shuyang), ticket)
    assert "{#" not in html and "{%" not in html  # no template comment leaks into the page
    review = re.search(r'data-testid="pending-reply".*?data-testid="form-review"', html, re.S)
    assert review is not None
    block = review.group(0)
    assert "孙主任" in block and "验收单.pdf" in block and 'data-testid="reply-result">已解决' in block
    preview = re.search(r'data-testid="review-preview".*?</div>\s*</div>\s*</div>', block, re.S)
    assert preview is not None
    assert "线路已改造完成。" in preview.group(0) and "验收单.pdf" in preview.group(0)
    assert "孙主任" not in preview.group(0) and "电话两次未接" not in preview.group(0)


def test_a_returned_reply_fills_every_field_again(cases, login):
    ticket = cases.in_progress()
    submit(
        cases,
        ticket,
        result="partial",
        contact_method="visit",
        contact_person="周经理",
        contact_note="约定下周复查",
        attachments=[h.upload("照片.png", h.png_bytes(), "image/png")],
    )
    actions.do_reject_reply(
        acting_user=cases.head_shuyang, ticket_id=ticket.pk, comment="请写明日期", now=LATER
    )
    kept = Attachment.objects.get(ticket=ticket)

    html = page(login(cases.handler_shuyang), ticket)
    form = re.search(r'data-testid="form-reply".*?</form>', html, re.S)
    assert form is not None
    text = form.group(0)
    assert re.search(r'<input[^>]*value="partial"[^>]*checked', text)
    assert re.search(r'<option value="visit" selected>', text)
    assert 'value="周经理"' in text and "约定下周复查" in text
    local = timezone.localtime(LATER).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{local}"' in text
    assert re.search(rf'<input[^>]*name="keep_attachments"[^>]*value="{kept.pk}"[^>]*checked', text)
    assert "照片.png" in text and "请写明日期" in text

    response = act(
        login(cases.handler_shuyang),
        ticket,
        "reply",
        **reply_form_fields(result="partial"),
        content="已于10月9日复查。",
        keep_attachments=[str(kept.pk)],
    )
    assert response.status_code == 302
    latest = Reply.objects.filter(ticket=ticket).latest("id")
    assert latest.status == ReviewStatus.PENDING
    assert [a.original_name for a in latest.attachments.all()] == ["照片.png"]


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_answers_the_same_codes_and_returns_the_reply(cases, login):
    ticket = cases.in_progress()
    client = login(cases.handler_shuyang)
    path = f"/api/v1/cases/{ticket.pk}/reply"
    version = Ticket.objects.get(pk=ticket.pk).version

    bad = api(client, path, {"version": version, "content": "已协调。"})
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "result_required"
    assert set(body["details"]["codes"]) == {"result", "contact_method", "contacted_at", "contact_person"}

    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    bad = api(
        client,
        path,
        {"version": version, "content": "已协调。", **reply_form_fields(), "contacted_at": future},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "contacted_at_invalid"
    assert bad.json()["message"] == "联系时间不能晚于现在"

    ok = api(
        client, path, {"version": version, "content": "已协调。", **reply_form_fields(result="explained")}
    )
    assert ok.status_code == 200, ok.content
    data = ok.json()
    assert data["status"] == "reply_review"
    assert data["reply"]["result"] == "explained" and data["reply"]["contact"]["person"] == "张经理"

    approved = api(login(cases.head_shuyang), f"{path}/approve", {"version": data["version"]})
    assert approved.status_code == 200
    assert approved.json()["reply"]["status"] == "approved"


def test_the_api_takes_files_with_the_reply_as_multipart(cases, login):
    ticket = cases.in_progress()
    client = login(cases.handler_shuyang)
    version = Ticket.objects.get(pk=ticket.pk).version
    response = client.post(
        f"/api/v1/cases/{ticket.pk}/reply/with-files",
        {
            "version": version,
            "content": "已协调。",
            **reply_form_fields(),
            "files": [
                h.upload("a.png", h.png_bytes(), "image/png"),
                h.upload("b.pdf", h.pdf_bytes(), "application/pdf"),
            ],
        },
    )
    assert response.status_code == 200, response.content
    files = response.json()["reply"]["attachments"]
    assert [(f["name"], f["visibility"]) for f in files] == [("a.png", "internal"), ("b.pdf", "internal")]

    other = cases.in_progress()
    bad = client.post(
        f"/api/v1/cases/{other.pk}/reply/with-files",
        {
            "version": Ticket.objects.get(pk=other.pk).version,
            "content": "已协调。",
            **reply_form_fields(),
            "files": [h.upload("a.png", h.EXE_BYTES, "image/png")],
        },
    )
    assert bad.status_code == 400 and bad.json()["code"] == "attachment_type_mismatch"

    # Only the lead unit replies: the enterprise and another county's handler are refused.
    body = {"version": Ticket.objects.get(pk=other.pk).version, "content": "答复", **reply_form_fields()}
    for user in (cases.enterprise_user, cases.handler_siyang):
        refused_call = login(user).post(f"/api/v1/cases/{other.pk}/reply/with-files", body)
        assert refused_call.status_code in (403, 404)
    assert not Reply.objects.filter(ticket=other).exists()


def test_the_openapi_document_describes_the_new_fields(client):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {"ReplyIn", "ReplyOut", "ReplyContactOut", "ReplyAttachmentOut", "CaseReplyOut"} <= set(schemas)
    assert {"result", "contact_method", "contacted_at", "contact_person", "keep_attachment_ids"} <= set(
        schemas["ReplyIn"]["properties"]
    )
    reply = document["paths"]["/api/v1/cases/{ticket_id}/reply"]["post"]
    assert "result_required" in reply["responses"]["400"]["x-error-codes"]
    assert "contacted_at_invalid" in reply["responses"]["400"]["x-error-codes"]
    assert "/api/v1/cases/{ticket_id}/reply/with-files" in document["paths"]
