"""Visitors without an account (the mayor's public column, R8.1) confirm a mobile number with an
SMS code (`do_send_phone_code` / `do_verify_phone_code`) and may then file and follow cases under
it for `VERIFIED_TTL`. Sending codes and filing cases are capped per number, per source address
and (codes) for the whole platform (`public_limits`, core.throttle)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bangban.accounts.access import mask_phone
from bangban.audit.actions import record
from bangban.core import throttle
from bangban.core.errors import ValidationFailed
from bangban.core.kit import durable_action
from bangban.core.throttle import RateLimited
from bangban.enterprises.validation import FieldError, parse_mobile
from bangban.notifications.actions import notify

from ..models import Channel, PhoneVerification, Ticket
from ..privacy import CONSENT_FIELD, CONSENT_MESSAGE, NOTICE_VERSION
from ._common import field_error, text
from .channels import DailyCap

CODE_TTL = dt.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
RESEND_INTERVAL = dt.timedelta(seconds=60)
# A number confirmed by SMS stays usable for filing and following cases for this long.
VERIFIED_TTL = dt.timedelta(minutes=30)
# At most this many codes per source address per hour (a second brake besides the per-number one).
CODES_PER_IP_PER_HOUR = 20
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def public_limits() -> dict[str, int]:
    """The caps on the public forms (settings override the defaults; see docs/operations.md)."""
    return {
        "sms_per_hour": int(getattr(settings, "BANGBAN_SMS_CODES_PER_HOUR", 300)),
        "sms_per_phone": int(getattr(settings, "BANGBAN_SMS_CODES_PER_PHONE_PER_HOUR", 5)),
        "sms_per_address": int(
            getattr(settings, "BANGBAN_SMS_CODES_PER_ADDRESS_PER_HOUR", CODES_PER_IP_PER_HOUR)
        ),
        "cases_per_phone": int(getattr(settings, "BANGBAN_PUBLIC_CASES_PER_PHONE_PER_DAY", 5)),
        "cases_per_address": int(getattr(settings, "BANGBAN_PUBLIC_CASES_PER_ADDRESS_PER_DAY", 20)),
    }


def hit_daily_caps(caps: Sequence[DailyCap], *, address: str | None, phone: str, now: dt.datetime) -> None:
    """Count one case against each of a channel's daily caps, in order; over a cap → `RateLimited`
    (429) and nothing is filed."""
    limits = public_limits()
    for cap in caps:
        key = (address or "unknown") if cap.per == "address" else phone
        throttle.hit(cap.scope, key, limits[cap.cap], DAY, cap.message, now)


def _code_hash(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, f"phone-code:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _parse_mobile(phone: str) -> str:
    try:
        mobile = parse_mobile(phone)
    except FieldError:
        mobile = ""
    if not mobile:
        message = "请输入正确的11位手机号码"
        raise ValidationFailed(message, code="invalid_phone", details={"fields": {"phone": message}})
    return mobile


@durable_action
def do_send_phone_code(
    *, phone: str, privacy_notice: str, ip: str | None = None, now: dt.datetime | None = None
) -> PhoneVerification:
    """Send a 6-digit code by SMS (through the outbox). `privacy_notice` is the version of the
    个人信息保护告知 the person accepted: no code without consent to the notice in force. One code per
    number per minute; the code is valid for 10 minutes and 5 attempts."""
    now = now or timezone.now()
    if privacy_notice != NOTICE_VERSION:
        raise ValidationFailed(
            CONSENT_MESSAGE,
            code="privacy_consent_required",
            details={"fields": {CONSENT_FIELD: CONSENT_MESSAGE}},
        )
    mobile = _parse_mobile(phone)
    recent = (
        PhoneVerification.objects.filter(phone=mobile, created_at__gt=now - RESEND_INTERVAL)
        .order_by("-created_at")
        .first()
    )
    if recent is not None:
        wait = int((recent.created_at + RESEND_INTERVAL - now).total_seconds()) + 1
        raise RateLimited(f"验证码已发送，请 {wait} 秒后再重新获取", details={"retry_after": wait})
    caps = public_limits()
    # Race-free counters (core.throttle): per source address, per number, and one budget for the
    # whole platform, so that no forwarded header or list of numbers can run up an SMS bill.
    throttle.hit(
        "sms.address",
        ip or "unknown",
        caps["sms_per_address"],
        HOUR,
        "本网络获取验证码过于频繁（每小时最多 {limit} 次），请 {minutes} 分钟后再试",
        now,
    )
    throttle.hit(
        "sms.phone",
        mobile,
        caps["sms_per_phone"],
        HOUR,
        "该手机号获取验证码过于频繁（每小时最多 {limit} 次），请 {minutes} 分钟后再试",
        now,
    )
    throttle.hit(
        "sms.global",
        "*",
        caps["sms_per_hour"],
        HOUR,
        "验证码发送量已达本时段上限，请 {minutes} 分钟后再试",
        now,
    )
    code = f"{secrets.randbelow(10**6):06d}"
    verification = PhoneVerification.objects.create(
        phone=mobile,
        code_hash=_code_hash(mobile, code),
        created_at=now,
        expires_at=now + CODE_TTL,
        ip=ip or None,
        privacy_notice=privacy_notice,
    )
    notify(
        channel="sms",
        address=mobile,
        subject="验证码",
        body=f"【帮办】您的验证码为 {code}，{int(CODE_TTL.total_seconds() // 60)} 分钟内有效。如非本人操作，请忽略。",
        now=now,
        one_time=True,
    )
    record(
        "tickets.phone_code_sent",
        actor=None,
        obj=verification,
        after={"phone": mask_phone(mobile), "privacy_notice": privacy_notice},
        ip=ip,
    )
    return verification


def do_verify_phone_code(
    *, phone: str, code: str, ip: str | None = None, now: dt.datetime | None = None
) -> PhoneVerification:
    """Check the code of the latest verification of `phone`. A wrong code counts an attempt
    (kept even though the check fails); the fifth wrong attempt uses the code up."""
    now = now or timezone.now()
    mobile = _parse_mobile(phone)
    code = text(code)
    failure: ValidationFailed | None = None
    # The transaction commits a wrong attempt before the refusal is raised: the count must stay.
    with transaction.atomic(durable=True):
        verification = (
            PhoneVerification.objects.select_for_update()
            .filter(phone=mobile, verified_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if verification is None:
            failure = _code_error("sms_code_missing", "请先获取短信验证码")
        elif verification.expires_at <= now:
            failure = _code_error("sms_code_expired", "验证码已过期，请重新获取")
        elif verification.attempts >= CODE_MAX_ATTEMPTS:
            failure = _code_error("sms_code_locked", "验证码错误次数过多，请重新获取")
        elif not hmac.compare_digest(verification.code_hash, _code_hash(mobile, code)):
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
            left = CODE_MAX_ATTEMPTS - verification.attempts
            record(
                "tickets.phone_code_failed",
                actor=None,
                obj=verification,
                after={"phone": mask_phone(mobile), "attempts": verification.attempts},
                ip=ip,
            )
            failure = (
                _code_error("sms_code_invalid", f"验证码不正确，还可尝试 {left} 次")
                if left
                else _code_error("sms_code_locked", "验证码错误次数过多，请重新获取")
            )
        else:
            verification.verified_at = now
            verification.save(update_fields=["verified_at"])
            record(
                "tickets.phone_verified",
                actor=None,
                obj=verification,
                after={"phone": mask_phone(mobile)},
                ip=ip,
            )
    if failure is not None:
        raise failure
    assert verification is not None
    return verification


def _code_error(code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"fields": {"code": message}})


def verified(verification_id: int | None, phone: str, now: dt.datetime) -> PhoneVerification | None:
    """The confirmation of `phone` with that id, if it is still fresh (`VERIFIED_TTL`)."""
    if not verification_id or not phone:
        return None
    return PhoneVerification.objects.filter(
        pk=verification_id, phone=phone, verified_at__isnull=False, verified_at__gt=now - VERIFIED_TTL
    ).first()


def require_verified(verification_id: int | None, phone: str, now: dt.datetime) -> PhoneVerification:
    """The fresh confirmation of a visitor's number, or a refusal asking for one."""
    found = verified(verification_id, phone, now)
    if found is None:
        raise field_error("phone", "sms_verification_required", "请先通过短信验证码验证手机号")
    return found


def verified_phone_for(verification_id: int | None, phone: str, now: dt.datetime | None = None) -> str:
    """The phone number if that verification is confirmed and still fresh, else ""."""
    found = verified(verification_id, phone, now or timezone.now())
    return found.phone if found else ""


def find_public_case(number: str, phone: str) -> Ticket | None:
    """The case with that number whose contact phone is `phone` (a verified number), or None —
    the same answer for "no such number" and "not your number"."""
    number = text(number).upper()
    if not number or not phone:
        return None
    return (
        Ticket.objects.select_related("category", "lead_unit")
        .filter(number=number, contact_phone=phone, channel=Channel.MAYOR)
        .first()
    )
