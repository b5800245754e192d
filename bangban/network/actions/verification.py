"""The enterprise's 核验 of a visit (R4.3), in the product or through the signed SMS link."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from bangban.core.urls_abs import absolute_url
from bangban.notifications.actions import notify_user

from .. import workflow
from ..access import access_contact, is_enterprise_user
from ..models import Contact, ContactKind, Liaison, Verification
from ._common import _text

VERIFY_SALT = "bangban.network.visit-verification"


# An SMS link to confirm a visit stays valid this long.
VERIFY_LINK_MAX_AGE = dt.timedelta(days=30)


def verify_token(contact: Contact) -> str:
    return signing.dumps({"c": contact.pk}, salt=VERIFY_SALT, compress=True)


def verify_url(contact: Contact) -> str:
    """The 走访核验 link texted to the liaison: absolute, on the configured site address."""
    return absolute_url(reverse("network:verify_link", args=[verify_token(contact)]))


# The decisions a liaison may take: each is an action of `workflow.VERIFICATION`.
DECISIONS = {"confirm": Verification.CONFIRMED, "dispute": Verification.DISPUTED}


def liaison_of(enterprise_id: int) -> Liaison | None:
    return Liaison.objects.select_related("user").filter(enterprise_id=enterprise_id).first()


def is_liaison(user: Any, enterprise_id: int) -> bool:
    if not is_enterprise_user(user) or user.enterprise_id != enterprise_id:
        return False
    liaison = liaison_of(enterprise_id)
    return liaison is not None and liaison.user_id == user.pk


def _decide(
    contact_id: int,
    decision: str,
    note: str,
    *,
    actor: Any,
    channel: str,
    now: dt.datetime,
    version: Any = None,
) -> Contact:
    status = DECISIONS.get(_text(decision))
    if status is None:
        raise ValidationFailed(
            "核验结论无效，应为 confirm（确认）或 dispute（有异议）", code="invalid_decision"
        )
    note_text = _text(note)[:500]
    if status == Verification.DISPUTED and not note_text:
        raise ValidationFailed(
            "请说明异议内容（如：当天无人到企业走访）",
            code="dispute_reason_required",
            details={"field": "note"},
        )
    with transaction.atomic(durable=True):
        contact = kit.lock(Contact.objects.select_related("enterprise", "officer"), contact_id)
        kit.check_version(contact, version)
        moved = workflow.VERIFICATION.check(
            contact.verification,
            _text(decision),
            message=f"该走访已核验（{contact.get_verification_display()}），不能重复提交",
            code="already_verified",
        )
        before = {"verification": contact.verification}
        contact.verification = moved
        contact.verified_at = now
        contact.verified_by = actor if getattr(actor, "pk", None) else None
        contact.verification_channel = channel
        contact.verification_note = note_text
        kit.save_change(
            contact,
            ["verification", "verified_at", "verified_by", "verification_channel", "verification_note"],
        )
        record(
            "network.visit_confirm" if status == Verification.CONFIRMED else "network.visit_dispute",
            actor=actor,
            obj=contact,
            before=before,
            after={"verification": status, "channel": channel, "note": note_text},
        )
        if status == Verification.DISPUTED:
            notify_user(
                contact.officer,
                f"走访核验有异议：{contact.enterprise.name}",
                f"企业对您 {contact.contact_on:%Y-%m-%d} 的走访提出异议：{note_text}",
                link=reverse("network:contact_detail", args=[contact.pk]),
                now=now,
            )
    return contact


def do_verify_visit(
    *,
    acting_user: User,
    contact_id: int | str,
    decision: str,
    note: str = "",
    version: Any = None,
    now: dt.datetime | None = None,
) -> Contact:
    """The enterprise's 工作联络员 confirms or disputes a visit (on the page or through the API)."""
    contact = access_contact(acting_user, contact_id)
    if contact.kind != ContactKind.VISIT:
        raise InvalidTransition("只有上门走访需要企业核验", code="not_a_visit")
    if not is_liaison(acting_user, contact.enterprise_id):
        raise PermissionDenied("只有企业指定的工作联络员可以核验走访")
    return _decide(
        contact.pk,
        decision,
        note,
        actor=acting_user,
        channel="web",
        now=now or timezone.now(),
        version=version,
    )


def contact_for_token(token: str) -> Contact:
    try:
        value = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationFailed("核验链接已过期，请登录平台核验", code="link_expired") from exc
    except signing.BadSignature as exc:
        raise NotFound() from exc
    contact = (
        Contact.objects.select_related("enterprise", "officer").filter(pk=int(value.get("c", 0) or 0)).first()
    )
    if contact is None:
        raise NotFound()
    return contact


def do_verify_by_link(
    *, token: str, decision: str, note: str = "", now: dt.datetime | None = None
) -> Contact:
    """The same decision from the signed link sent by SMS to the liaison's mobile (no login)."""
    contact = contact_for_token(token)
    return _decide(contact.pk, decision, note, actor=None, channel="sms", now=now or timezone.now())
