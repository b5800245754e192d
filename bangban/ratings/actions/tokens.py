"""Signed links: the 追评 link of a service event and the single-use SMS link of a case."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import (
    ApplicationError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from bangban.core.kit import durable_action
from bangban.core.urls_abs import absolute_url
from bangban.notifications.actions import notify
from bangban.tickets.access import access_ticket, check_action
from bangban.tickets.models import Ticket

from .. import access
from ._common import _now
from .inputs import RATEABLE_STATUSES
from .parameters import get_settings

SUBJECT_SALT = "bangban.ratings.subject"


SMS_SALT = "bangban.ratings.sms"


SUBJECT_TOKEN_DAYS = 30


CASE_QR_REMOVED = (
    "诉求评价二维码已停用：诉求只能由提交诉求的企业登录后评价，或通过发送到诉求联系电话的短信链接评价"
)


class CaseQrRemoved(ApplicationError):
    """The per-case QR code (issue #11): whoever held it could rate the case, the rated unit
    included. Its pages and API answer 410 with this error."""

    code = "case_qr_removed"
    message = CASE_QR_REMOVED
    status = 410


def subject_token(subject_id: int) -> str:
    return signing.dumps({"s": subject_id}, salt=SUBJECT_SALT, compress=True)


def read_subject_token(token: str) -> int:
    try:
        return int(signing.loads(token, salt=SUBJECT_SALT, max_age=SUBJECT_TOKEN_DAYS * 86400)["s"])
    except signing.SignatureExpired:
        raise ValidationFailed("追评链接已过期", code="link_expired") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("链接无效", code="link_invalid") from None


@dataclass(frozen=True)
class SmsClaim:
    ticket_id: int
    jti: str
    purpose: str  # "rate" or "followup"
    by_id: int | None


def make_sms_token(ticket_id: int, purpose: str, by_id: int | None) -> str:
    return signing.dumps(
        {"t": ticket_id, "j": secrets.token_urlsafe(12), "p": purpose, "b": by_id},
        salt=SMS_SALT,
        compress=True,
    )


def read_sms_token(token: str, *, now: dt.datetime | None = None) -> SmsClaim:
    """The claim of a signed SMS link; expired → `link_expired`, tampered → `link_invalid`. Whether
    it has been used is checked when it is used (UsedLink, unique)."""
    days = get_settings().sms_link_days
    try:
        data = signing.loads(token, salt=SMS_SALT, max_age=days * 86400)
        return SmsClaim(int(data["t"]), str(data["j"]), str(data["p"]), data.get("b"))
    except signing.SignatureExpired:
        raise ValidationFailed(
            f"短信链接已过期（有效期 {days} 天），请联系热线重新获取", code="link_expired"
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("短信链接无效", code="link_invalid") from None


def sms_url(token: str) -> str:
    """The link texted to the case's contact: absolute, on the configured site address."""
    return absolute_url(reverse("ratings:sms", args=[token]))


@durable_action
def do_send_sms_link(
    *, acting_user: User, ticket_id: int, purpose: str = "rate", now: dt.datetime | None = None
) -> str:
    """Text the case's contact a signed, single-use, expiring link (评价 or 回访). Returns the URL
    (for the caller's own use: pages and the API do not show it — the link is the contact's
    credential). A member of a unit handling the case may not send one (`own_unit_case`)."""

    now = _now(now)
    if purpose not in ("rate", "followup"):
        raise ValidationFailed("链接用途无效（rate / followup）", code="purpose_invalid")
    if not has_any_role(acting_user, access.FOLLOW_UP_ROLES):
        raise PermissionDenied("只有热线坐席、派单员或营商办可以发送短信链接")
    ticket: Ticket = access_ticket(acting_user, ticket_id, "view")
    check_action(acting_user, ticket, "follow_up")
    access.require_not_handling(acting_user, ticket)
    if ticket.status not in RATEABLE_STATUSES:
        raise InvalidTransition("诉求尚未答复，不能发送评价或回访链接", code="case_not_rateable")
    phone = ticket.contact_phone or (ticket.submitter.phone if ticket.submitter_id else "")  # type: ignore[union-attr]
    if not phone:
        raise ValidationFailed("该诉求没有联系电话，不能发送短信", code="phone_missing")
    url = sms_url(make_sms_token(ticket.pk, purpose, acting_user.pk))
    what = "评价" if purpose == "rate" else "回访"
    notify(
        channel="sms",
        address=phone,
        subject=f"诉求{what}",
        body=f"您反映的诉求（编号{ticket.number}）已办理，请点击链接{what}：{url}（{get_settings().sms_link_days} 天内有效，仅可使用一次）",
        link=url,
        now=now,
    )
    record(
        "ratings.sms_link",
        actor=acting_user,
        obj=ticket,
        after={"purpose": purpose, "phone_tail": phone[-4:]},
    )
    return url
