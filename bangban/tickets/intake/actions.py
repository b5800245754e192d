"""The intake actions pages, imports and the API call: one per way in, each `do_intake` with its
channel's policy (channels.py) and what only that way in collects (a hotline outcome, a visitor's
confirmed number, a report's channel, an API caller's channel)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User

from ..models import IntakeMode
from ._common import IntakeInput, IntakeResult, field_error
from .channels import POLICIES, REPORT_POLICIES, api_policy
from .handling import counter_handling, hotline_handling
from .service import do_intake


def do_intake_hotline(
    *,
    acting_user: User,
    data: IntakeInput,
    outcome: str,
    answer: str = "",
    connected_unit_id: int | None = None,
    connected_name: str = "",
    outcome_text: str = "",
    resolved: bool = False,
    result: str = "",
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """12345 营商环境专席 (R6.1), 首接负责: 直接答复 closes the case on the spot; 三方连线 and 在线转接
    are recorded with the unit connected and the outcome (solved → closed on the spot, not solved
    → a work order waiting for dispatch); 转派工单 waits for dispatch. `result`: the 办理结果 of a
    case closed on the spot (default 解释说明 for a direct answer, 已解决 for a solved connection)."""
    handling = hotline_handling(
        outcome=outcome,
        answer=answer,
        connected_unit_id=connected_unit_id,
        connected_name=connected_name,
        outcome_text=outcome_text,
        resolved=resolved,
        result=result,
    )
    return do_intake(
        POLICIES["hotline"],
        acting_user,
        data,
        now=now or timezone.now(),
        attachments=attachments,
        idempotency_key=idempotency_key,
        handling=handling,
    )


def do_intake_window_online(
    *,
    acting_user: User,
    data: IntakeInput,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """ "办不成事" window online (R2.2): an enterprise user reports a problem met while getting
    things done; simple problems (一般) are answered the same working day, complex ones (复杂)
    within 5 working days."""
    return do_intake(
        POLICIES["window_online"],
        acting_user,
        data,
        now=now or timezone.now(),
        attachments=attachments,
        idempotency_key=idempotency_key,
    )


def do_intake_window_counter(
    *,
    acting_user: User,
    data: IntakeInput,
    on_spot: bool,
    answer: str = "",
    result: str = "",
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """ "办不成事" window at the counter: staff file for the visitor. 即知即办 (`on_spot`) closes the
    case with the answer given and its 办理结果 (`result`, default 已解决); otherwise it is complex
    and waits for dispatch (5 working days)."""
    return do_intake(
        POLICIES["window_counter"],
        acting_user,
        data,
        now=now or timezone.now(),
        attachments=attachments,
        idempotency_key=idempotency_key,
        handling=counter_handling(on_spot=on_spot, answer=answer, result=result),
    )


def do_intake_portal(
    *,
    acting_user: User,
    data: IntakeInput,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """The enterprise portal (usable on a phone): an enterprise user files for its own enterprise."""
    return do_intake(
        POLICIES["portal"],
        acting_user,
        data,
        now=now or timezone.now(),
        attachments=attachments,
        idempotency_key=idempotency_key,
    )


def do_intake_mayor_public(
    *,
    verification_id: int | None,
    phone: str,
    data: IntakeInput,
    intake_mode: str = IntakeMode.ONLINE,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """The mayor's public column and mailbox (R8.1), without an account: the phone number must have
    been confirmed by SMS within `VERIFIED_TTL`; it becomes the case's contact number. One
    verified number and one source address may file only a few cases a day (`public_limits`)."""
    return do_intake(
        POLICIES["mayor_public"],
        None,
        data,
        now=now or timezone.now(),
        attachments=attachments,
        idempotency_key=idempotency_key,
        intake_mode=intake_mode,
        verification_id=verification_id,
        phone=phone,
        ip=ip,
    )


def do_intake_mayor_register(
    *,
    acting_user: User,
    data: IntakeInput,
    intake_mode: str = IntakeMode.PHONE,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """市政府办公室 staff register a submission received by the direct phone or the mailbox."""
    return do_intake(
        POLICIES["mayor_register"],
        acting_user,
        data,
        now=now or timezone.now(),
        attachments=attachments,
        idempotency_key=idempotency_key,
        intake_mode=intake_mode,
    )


def do_intake_report(
    *,
    acting_user: User,
    channel: str,
    data: IntakeInput,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """A service officer's (帮办专员/驻厂员, 首席服务员) visit report — the enterprise is required —
    or a 营商环境监督员's report (R3.3, R4.1, R5.3); 营商办 may file either on their behalf."""
    if channel not in REPORT_POLICIES:
        raise field_error("channel", "invalid_channel", "报告渠道无效")
    return do_intake(
        REPORT_POLICIES[channel],
        acting_user,
        data,
        now=now or timezone.now(),
        attachments=attachments,
        idempotency_key=idempotency_key,
    )


def do_intake_api(
    *,
    acting_user: User,
    data: IntakeInput,
    channel: str | None = None,
    intake_mode: str | None = None,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """`POST /api/v1/cases`: any role files in its own channel (an enterprise user: the portal;
    integrations: "api"). With an idempotency key, the same submission twice makes one case."""
    now = now or timezone.now()
    return do_intake(
        api_policy(acting_user, channel),
        acting_user,
        data,
        now=now,
        attachments=attachments,
        idempotency_key=idempotency_key,
        intake_mode=intake_mode or None,
    )
