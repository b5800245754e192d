"""企业问题直达市长 (R8.1): a visitor without an account confirms a mobile number by an SMS code,
then files; the case number and a tracking page (number + verified phone) confirm it. The office
staff register phone calls and letters."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from bangban.core.errors import ApplicationError
from bangban.notifications.models import OutboxMessage
from bangban.tickets.actions import do_dispatch
from bangban.tickets.intake import (
    IntakeInput,
    do_intake_mayor_public,
    do_send_phone_code,
    do_verify_phone_code,
)
from bangban.tickets.models import PhoneVerification, Ticket, TicketEvent
from bangban.tickets.privacy import NOTICE_VERSION
from bangban.workdays.arithmetic import SHANGHAI

from .intake_helpers import category, make_filers, received_sms_code

URL = "/cases/intake/mayor/"
TRACK = "/cases/intake/mayor/track/"
PHONE = "13851234567"
T = dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)


def sent_code(phone: str = PHONE) -> str:
    return received_sms_code(phone)


def verified_client(phone: str = PHONE) -> Client:
    client = Client()
    assert (
        client.post(URL, {"step": "send_code", "privacy_consent": NOTICE_VERSION, "phone": phone}).status_code
        == 200
    )
    assert client.post(URL, {"step": "verify", "phone": phone, "code": sent_code(phone)}).status_code == 302
    return client


def _submit(client: Client, **fields):
    data = {
        "step": "submit",
        "enterprise_name": "宿迁某新材料有限公司",
        "contact_name": "赵经理",
        "title": "项目用地指标迟迟未落实",
        "content": "我公司新建项目已签约一年，用地指标仍未落实，影响开工。",
        "category": str(category("要素保障/用地/建设用地供应").pk),
        "intake_mode": "online",
    }
    data.update(fields)
    return client.post(URL, data)


# --- the SMS code ------------------------------------------------------------------------------


def test_code_is_sent_by_sms_and_stored_only_as_a_hash(db):
    verification = do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=PHONE, now=T)
    code = sent_code()
    assert len(code) == 6
    assert code not in verification.code_hash and len(verification.code_hash) == 64
    assert verification.expires_at == T + dt.timedelta(minutes=10)
    assert (
        do_verify_phone_code(phone=PHONE, code=code, now=T + dt.timedelta(minutes=9)).verified_at is not None
    )


def test_one_code_per_number_per_minute(db):
    do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=PHONE, now=T)
    with pytest.raises(ApplicationError) as exc:
        do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=PHONE, now=T + dt.timedelta(seconds=59))
    assert exc.value.code == "rate_limited" and exc.value.status == 429
    do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=PHONE, now=T + dt.timedelta(seconds=61))
    assert PhoneVerification.objects.filter(phone=PHONE).count() == 2


def test_a_wrong_code_counts_and_the_fifth_uses_the_code_up(db):
    do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=PHONE, now=T)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(ApplicationError) as exc:
            do_verify_phone_code(phone=PHONE, code=wrong, now=T)
        assert exc.value.code == "sms_code_invalid" and f"还可尝试 {left} 次" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        do_verify_phone_code(phone=PHONE, code=wrong, now=T)
    assert exc.value.code == "sms_code_locked"
    with pytest.raises(ApplicationError) as exc:
        do_verify_phone_code(phone=PHONE, code=code, now=T)  # even the right one, now
    assert exc.value.code == "sms_code_locked"
    assert PhoneVerification.objects.get().attempts == 5


def test_an_expired_code_is_refused(db):
    do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=PHONE, now=T)
    with pytest.raises(ApplicationError) as exc:
        do_verify_phone_code(phone=PHONE, code=sent_code(), now=T + dt.timedelta(minutes=10, seconds=1))
    assert exc.value.code == "sms_code_expired" and "已过期" in exc.value.message


def test_only_mobile_numbers_get_a_code(db):
    with pytest.raises(ApplicationError) as exc:
        do_send_phone_code(privacy_notice=NOTICE_VERSION, phone="0527-84361234", now=T)
    assert exc.value.code == "invalid_phone"
    assert not OutboxMessage.objects.exists()


# --- the public column -------------------------------------------------------------------------


def test_the_form_appears_only_after_the_phone_is_verified(cases):
    client = Client()
    first = client.get(URL).content.decode()
    assert 'data-testid="phone-step"' in first and 'data-testid="mayor-form"' not in first
    sent = client.post(
        URL, {"step": "send_code", "privacy_consent": NOTICE_VERSION, "phone": PHONE}
    ).content.decode()
    assert "验证码已发送" in sent
    wrong = client.post(URL, {"step": "verify", "phone": PHONE, "code": "12"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    client.post(URL, {"step": "verify", "phone": PHONE, "code": sent_code()})
    page = client.get(URL).content.decode()
    assert 'data-testid="mayor-form"' in page and "138****4567" in page


def test_a_submission_without_verification_is_refused(cases):
    response = _submit(Client())
    assert response.status_code == 400
    assert "请先通过短信验证码验证手机号" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_visitor_files_and_sees_the_case_number(cases):
    client = verified_client()
    response = _submit(client, intake_mode="mailbox")
    assert response.status_code == 302 and response["Location"] == "/cases/intake/mayor/done/"
    ticket = Ticket.objects.get()
    assert ticket.channel == "mayor" and ticket.intake_mode == "mailbox" and ticket.number.startswith("SZ-")
    assert ticket.contact_phone == PHONE and ticket.contact_name == "赵经理"
    assert ticket.enterprise is None and ticket.enterprise_name == "宿迁某新材料有限公司"
    assert ticket.created_by is None and ticket.submitter is None
    done = client.get(response["Location"]).content.decode()
    assert ticket.number in done
    # Someone else's browser cannot open the confirmation.
    assert Client().get("/cases/intake/mayor/done/").status_code == 302


def test_a_registered_uscc_links_the_enterprise_and_a_wrong_one_is_refused(cases):
    client = verified_client()
    bad = _submit(client, enterprise_uscc="91321322MA00000011")
    assert bad.status_code == 400 and "统一社会信用代码有误" in bad.content.decode()
    assert _submit(client, enterprise_uscc=cases.ent_siyang.uscc).status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.enterprise == cases.ent_siyang and ticket.region == cases.ent_siyang.region


def test_the_public_form_needs_enterprise_and_contact_names(cases):
    response = _submit(verified_client(), enterprise_name="", contact_name="")
    page = response.content.decode()
    assert "请填写企业名称" in page and "请填写联系人姓名" in page


def test_verification_expires_after_thirty_minutes(cases):
    with time_machine.travel(T, tick=False) as traveller:
        client = verified_client()
        traveller.shift(dt.timedelta(minutes=31))
        response = _submit(client)
    assert response.status_code == 400 and Ticket.objects.count() == 0


def test_tracking_shows_status_and_public_events_to_the_verified_phone_only(cases):
    client = verified_client()
    _submit(client)
    ticket = Ticket.objects.get()
    # A mayor-channel case is dispatched through its review and sign-off (bangban.escalation); only
    # the resulting status matters here.
    from bangban.tickets.guards import ReviewSignOff

    do_dispatch(
        acting_user=cases.dispatcher,
        ticket_id=ticket.pk,
        lead_unit_id=cases.shuyang_gov.pk,
        authorised_by=ReviewSignOff("mayor_review", ticket.pk),
    )
    TicketEvent.objects.create(
        ticket=ticket, at=ticket.received_at, kind="comment", note="内部意见：请核实用地批文"
    )

    page = client.get(f"{TRACK}?number={ticket.number}").content.decode()
    assert 'data-testid="track-result"' in page and "待签收" in page
    assert "已受理" in page and "内部意见" not in page

    stranger = verified_client("13700000000")
    other = stranger.get(f"{TRACK}?number={ticket.number}").content.decode()
    assert 'data-testid="track-not-found"' in other and ticket.title not in other
    unverified = Client().get(f"{TRACK}?number={ticket.number}").content.decode()
    assert 'data-testid="phone-step"' in unverified and ticket.title not in unverified


def test_action_refuses_a_verification_of_another_phone(cases):
    verification = do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=PHONE, now=T)
    do_verify_phone_code(phone=PHONE, code=sent_code(), now=T)
    with pytest.raises(ApplicationError) as exc:
        do_intake_mayor_public(
            verification_id=verification.pk,
            phone="13900000000",
            data=IntakeInput(title="t", content="c", enterprise_name="x", contact_name="y"),
            now=T,
        )
    assert exc.value.code == "sms_verification_required"


# --- the office registers calls and letters ----------------------------------------------------


def test_mayor_office_registers_a_phone_call(cases, login):
    filers = make_filers(cases)
    response = login(filers.mayor_office).post(
        "/cases/intake/mayor/register/",
        {
            "intake_mode": "phone",
            "contact_name": "钱总",
            "contact_phone": "0527-84360000",
            "enterprise": str(cases.ent_siyang.pk),
            "title": "企业反映招商承诺未兑现",
            "content": "签约时承诺的厂房补贴至今未兑现。",
            "category": str(category("政策兑现/招商承诺").pk),
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == "mayor" and ticket.intake_mode == "phone"
    assert ticket.created_by == filers.mayor_office and ticket.enterprise == cases.ent_siyang


def test_only_the_mayor_office_registers(cases, login):
    assert login(cases.hotline_agent).get("/cases/intake/mayor/register/").status_code == 403
    assert login(cases.enterprise_user).get("/cases/intake/mayor/register/").status_code == 403


def test_the_code_is_not_kept_readable_once_sent(db, django_capture_on_commit_callbacks, capsys, settings):
    from bangban.notifications import backends
    from bangban.notifications.backends import ConsoleBackend
    from bangban.notifications.one_time import ONE_TIME_MASK

    backends.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=PHONE)
    # The phone got the code …
    assert len(backends.sent) == 1
    code = re.search(r"\d{6}", backends.sent[0].body)
    assert code is not None
    # … and the outbox keeps only a placeholder.
    message = OutboxMessage.objects.get(channel="sms", address=PHONE)
    assert message.status == "sent" and message.body == ONE_TIME_MASK
    assert code.group(0) not in message.body
    # The console backend (the SMS default until a gateway is set up) prints no code in production.
    settings.DEBUG = False
    ConsoleBackend().send(backends.sent[0])
    assert code.group(0) not in capsys.readouterr().out
    settings.DEBUG = True
    ConsoleBackend().send(backends.sent[0])
    assert code.group(0) in capsys.readouterr().out
    backends.sent.clear()
