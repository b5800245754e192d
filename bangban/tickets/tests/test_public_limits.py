"""Limits that hold on the public forms (the mayor's column): an SMS budget for the whole
platform, caps per number and per source address that a forged X-Forwarded-For does not walk
around, and a cap on the cases one verified number may file in a day."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from bangban.core.errors import ApplicationError
from bangban.notifications.models import OutboxMessage
from bangban.tickets.intake import do_send_phone_code, public_limits
from bangban.tickets.models import PhoneVerification, Ticket
from bangban.tickets.privacy import NOTICE_VERSION

from .intake_helpers import category, received_sms_code

URL = "/cases/intake/mayor/"
PHONE = "13851234567"


def send(client: Client, phone: str, forged: str = ""):
    headers = {"X-Forwarded-For": forged} if forged else {}
    return client.post(
        URL, {"step": "send_code", "privacy_consent": NOTICE_VERSION, "phone": phone}, headers=headers
    )


def test_defaults():
    assert public_limits() == {
        "sms_per_hour": 300,
        "sms_per_phone": 5,
        "sms_per_address": 20,
        "cases_per_phone": 5,
        "cases_per_address": 20,
    }


def test_random_forwarded_headers_do_not_walk_around_the_address_cap(db, settings):
    settings.BANGBAN_SMS_CODES_PER_ADDRESS_PER_HOUR = 3
    client = Client(REMOTE_ADDR="10.7.7.7")
    answers = [send(client, f"1385123{n:04d}", forged=f"36.{n}.1.1") for n in range(6)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429, 429]
    assert all("本网络获取验证码过于频繁（每小时最多 3 次）" in a.content.decode() for a in answers[3:])
    assert OutboxMessage.objects.filter(channel="sms").count() == 3
    # Another address still gets a code.
    assert send(Client(REMOTE_ADDR="10.7.7.8"), "13951230000").status_code == 200


def test_one_number_gets_at_most_five_codes_an_hour(db, time_machine):
    time_machine.move_to("2026-11-27 10:00:00+08:00", tick=False)
    for minute in range(5):
        time_machine.move_to(f"2026-11-27 10:{minute * 2:02d}:00+08:00", tick=False)
        do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=PHONE, ip=f"10.0.0.{minute}")
    time_machine.move_to("2026-11-27 10:12:00+08:00", tick=False)
    with pytest.raises(ApplicationError) as exc:
        do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=PHONE, ip="10.0.0.99")
    assert (
        exc.value.code == "rate_limited"
        and "该手机号获取验证码过于频繁（每小时最多 5 次）" in exc.value.message
    )
    assert PhoneVerification.objects.filter(phone=PHONE).count() == 5


def test_the_global_sms_budget_stops_a_flood_of_numbers_and_addresses(db, settings):
    settings.BANGBAN_SMS_CODES_PER_HOUR = 10
    sent = refused = 0
    for n in range(30):
        try:
            do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=f"1395123{n:04d}", ip=f"10.1.{n}.1")
        except ApplicationError as exc:
            assert exc.code == "rate_limited" and "验证码发送量已达本时段上限" in exc.message
            refused += 1
        else:
            sent += 1
    assert (sent, refused) == (10, 20)
    assert OutboxMessage.objects.filter(channel="sms").count() == 10


def _verified_client(address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    assert send(client, PHONE).status_code == 200
    code = received_sms_code(PHONE)
    assert client.post(URL, {"step": "verify", "phone": PHONE, "code": code}).status_code == 302
    return client


def test_one_verified_number_files_at_most_five_cases_a_day(cases):
    client = _verified_client("10.3.3.3")
    answers = []
    for n in range(8):
        answers.append(
            client.post(
                URL,
                {
                    "step": "submit",
                    "enterprise_name": "宿迁某新材料有限公司",
                    "contact_name": "赵经理",
                    "title": f"项目用地指标迟迟未落实{n}",
                    "content": "我公司新建项目已签约一年，用地指标仍未落实，影响开工。",
                    "category": str(category("要素保障/用地/建设用地供应").pk),
                    "intake_mode": "online",
                },
                headers={"X-Forwarded-For": f"36.9.{n}.1"},
            )
        )
    assert [a.status_code for a in answers] == [302] * 5 + [429] * 3
    assert "该手机号今日提交的诉求已达上限（每日最多 5 件）" in answers[-1].content.decode()
    assert Ticket.objects.filter(channel="mayor").count() == 5


@pytest.mark.parametrize("page", [URL, "/cases/intake/mayor/track/"])
def test_asking_again_within_the_minute_answers_429_with_the_wait(db, page):
    client = Client(REMOTE_ADDR="10.7.7.9")
    assert (
        client.post(
            page, {"step": "send_code", "privacy_consent": NOTICE_VERSION, "phone": PHONE}
        ).status_code
        == 200
    )
    again = client.post(page, {"step": "send_code", "privacy_consent": NOTICE_VERSION, "phone": PHONE})
    assert again.status_code == 429
    assert re.search(r"验证码已发送，请 \d+ 秒后再重新获取", again.content.decode())
    assert PhoneVerification.objects.filter(phone=PHONE).count() == 1


def test_a_mistake_in_the_phone_step_is_still_400(db):
    client = Client(REMOTE_ADDR="10.7.7.10")
    wrong = client.post(URL, {"step": "send_code", "privacy_consent": NOTICE_VERSION, "phone": "12345"})
    assert wrong.status_code == 400 and "请输入正确的11位手机号码" in wrong.content.decode()
    assert (
        client.post(URL, {"step": "send_code", "privacy_consent": NOTICE_VERSION, "phone": PHONE}).status_code
        == 200
    )
    bad_code = client.post(URL, {"step": "verify", "phone": PHONE, "code": "12"})
    assert bad_code.status_code == 400 and "验证码不正确" in bad_code.content.decode()
