"""Contacts and on-site visits of an officer, and leaders' visits (R3.2, R4.1, R4.2), with the
need raised turned into a case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from bangban.core.inputs import parse_date
from bangban.core.kit import durable_action, require_transaction
from bangban.enterprises.access import access_enterprise, visible_enterprises
from bangban.enterprises.models import Enterprise
from bangban.notifications.actions import notify, notify_user
from bangban.tickets.attachments import CheckedFile
from bangban.tickets.intake import IntakeInput, do_intake_report
from bangban.tickets.models import Channel

from ..access import access_contact, can_record_leader_visit, is_officer
from ..evidence import check_photos, clean_location, store_photos
from ..models import Assignment, Contact, ContactKind, Liaison, Verification
from ._common import _text, _today
from .verification import verify_url

SUMMARY_MAX = 2000


@dataclass
class ContactInput:
    enterprise_id: int | str | None = None
    kind: str = ContactKind.VISIT
    contact_on: Any = None
    summary: str = ""
    raised: str = ""
    raise_case: bool = False
    case_title: str = ""
    category_id: int | None = None
    # A leader's visit (R4.1).
    leader_name: str = ""
    leader_title: str = ""
    policies_delivered: str = ""
    services_delivered: str = ""
    # Evidence of a visit (`evidence.py`): photos and where it took place.
    photos: list[Any] = field(default_factory=list)
    latitude: Any = None
    longitude: Any = None
    location_accuracy: Any = None
    place: str = ""


def _clean_contact(data: ContactInput, today: dt.date) -> tuple[dict[str, Any], list[CheckedFile]]:
    fields: dict[str, str] = {}
    codes: dict[str, str] = {}

    def add(name: str, code: str, message: str) -> None:
        fields.setdefault(name, message)
        codes.setdefault(name, code)

    kind = _text(data.kind)
    if kind not in ContactKind.values:
        add("kind", "invalid_kind", "联系方式无效，应为电话、上门走访、微信或线上平台")
    contact_on: dt.date | None = None
    try:
        contact_on = parse_date(data.contact_on, "contact_on", "联系日期")
    except ValidationFailed as exc:
        add("contact_on", exc.code, exc.message)
    if contact_on is not None and contact_on > today:
        add("contact_on", "contact_in_future", "联系日期不能晚于今天，请登记已经发生的联系")
    summary = _text(data.summary)
    if not summary:
        add("summary", "summary_required", "请填写联系情况")
    for name, label in (
        ("summary", "联系情况"),
        ("raised", "企业反映的问题或需求"),
        ("policies_delivered", "送政策"),
        ("services_delivered", "送服务"),
    ):
        if len(_text(getattr(data, name))) > SUMMARY_MAX:
            add(name, f"{name}_too_long", f"{label}不能超过 {SUMMARY_MAX} 个字")
    raised = _text(data.raised)
    if data.raise_case and not raised:
        add("raised", "raised_required", "转为诉求时请填写企业反映的问题或需求")
    location = clean_location(data.latitude, data.longitude, data.location_accuracy, data.place, add)
    photos: list[CheckedFile] = []
    try:
        photos = check_photos(data.photos)
    except ValidationFailed as exc:
        add("photos", exc.code, exc.message)
    if fields:
        first = next(iter(fields))
        raise ValidationFailed(
            fields[first] if len(fields) == 1 else "；".join(fields.values()),
            code=codes[first],
            details={"fields": fields, "codes": codes},
        )
    assert contact_on is not None
    clean = {"kind": kind, "contact_on": contact_on, "summary": summary, "raised": raised, **location}
    return clean, photos


def _duplicate(officer_id: int, enterprise_id: int, kind: str, day: dt.date) -> Conflict:
    return Conflict(
        f"您已登记过 {day:%Y-%m-%d} 与该企业的{ContactKind(kind).label}联系，请勿重复登记",
        code="duplicate_contact",
        details={
            "officer": officer_id,
            "enterprise": enterprise_id,
            "kind": kind,
            "contact_on": day.isoformat(),
        },
    )


def _ask_liaison(contact: Contact, now: dt.datetime | None) -> None:
    """Ask the enterprise's 工作联络员 to confirm the visit (核验, R4.3): in-app to the named
    liaison's account, and an SMS with a signed link to the liaison's mobile."""
    require_transaction()
    enterprise = contact.enterprise
    who = contact.leader_name or contact.officer.display_name
    subject = f"请确认走访：{who} {contact.contact_on:%Y-%m-%d}"
    body = (
        f"{who}登记了 {contact.contact_on:%Y-%m-%d} 上门走访贵企业（{enterprise.name}），"
        "请确认是否属实；如有异议请说明。"
    )
    liaison = Liaison.objects.select_related("user").filter(enterprise=enterprise).first()
    if liaison is not None and liaison.user.is_active:
        notify_user(liaison.user, subject, body, link=reverse("network:enterprise"), now=now)
    # The registry's 联络员手机 is kept in step with the named liaison (`do_name_liaison`).
    phone = enterprise.liaison_phone or (liaison.user.phone if liaison is not None else "")
    if phone:
        url = verify_url(contact)
        notify(
            channel="sms",
            subject=subject,
            body=f"{body}确认或提出异议：{url}",
            address=phone,
            link=url,
            dedupe_key=f"network.verify:{contact.pk}",
            now=now,
        )


def _raise_case(
    acting_user: User, contact: Contact, title: str, category_id: int | None, now: dt.datetime
) -> None:

    require_transaction()
    title_text = _text(title) or f"走访反映：{contact.raised[:40]}"
    who = contact.leader_name or contact.officer.display_name
    content = (
        f"{contact.raised}\n\n（{who} {contact.contact_on:%Y-%m-%d} {contact.get_kind_display()}时企业反映，"
        f"联系记录 #{contact.pk}）"
    )
    result = do_intake_report(
        acting_user=acting_user,
        channel=Channel.OFFICER,
        data=IntakeInput(
            title=title_text[:120],
            content=content,
            category_id=category_id,
            enterprise_id=contact.enterprise_id,
        ),
        now=now,
    )
    contact.ticket = result.ticket


def _contact_after(contact: Contact) -> dict[str, Any]:
    return {
        **snapshot(contact, exclude=("summary", "raised", "policies_delivered", "services_delivered")),
        "enterprise_name": contact.enterprise.name,
        "ticket_number": contact.ticket.number if contact.ticket_id and contact.ticket else "",
        "photos": [p.original_name for p in contact.photos.all()],
    }


def do_log_contact(*, acting_user: User, data: ContactInput, now: dt.datetime | None = None) -> Contact:
    """An officer logs a contact or an on-site visit of an enterprise assigned to him or her, with
    what the enterprise raised; with `raise_case`, the need becomes a case in the same step
    (`do_intake_report`), linked back. A visit asks the enterprise's 工作联络员 to confirm it.

    Refused: an enterprise not assigned to the officer on that date (`enterprise_not_assigned`,
    or 404 when the enterprise is outside the officer's scope), a date in the future
    (`contact_in_future`), a second contact of the same kind with the same enterprise on the same
    day (`duplicate_contact`, 409)."""
    if not is_officer(acting_user):
        raise PermissionDenied("只有帮办专员/驻厂员可以登记联系企业情况")
    now = now or timezone.now()
    try:
        enterprise_pk = int(data.enterprise_id or 0)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    clean, photos = _clean_contact(data, _today(now))
    day = clean["contact_on"]
    spans = list(Assignment.objects.filter(officer_id=acting_user.pk, enterprise_id=enterprise_pk))
    if not spans:
        if not visible_enterprises(acting_user).filter(pk=enterprise_pk).exists():
            raise NotFound()
        raise ValidationFailed(
            "您未挂钩该企业，不能登记联系或走访（请联系单位负责人安排挂钩）",
            code="enterprise_not_assigned",
            details={"field": "enterprise"},
        )
    if not any(a.started_on <= day and (a.ended_on is None or day <= a.ended_on) for a in spans):
        raise ValidationFailed(
            f"{day:%Y-%m-%d} 不在您挂钩该企业的期间内",
            code="contact_outside_assignment",
            details={"field": "contact_on"},
        )
    if Contact.objects.filter(
        officer_id=acting_user.pk, enterprise_id=enterprise_pk, kind=clean["kind"], contact_on=day
    ).exists():
        raise _duplicate(acting_user.pk, enterprise_pk, clean["kind"], day)
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.select_related("region").get(pk=enterprise_pk)
            contact = Contact.objects.create(
                officer=acting_user,
                enterprise=enterprise,
                verification=Verification.PENDING
                if clean["kind"] == ContactKind.VISIT
                else Verification.NOT_REQUIRED,
                **clean,
            )
            store_photos(contact, photos, uploaded_by=acting_user)
            if data.raise_case:
                _raise_case(acting_user, contact, data.case_title, data.category_id, now)
                contact.save(update_fields=["ticket"])
            record("network.contact_log", actor=acting_user, obj=contact, after=_contact_after(contact))
            if contact.kind == ContactKind.VISIT:
                _ask_liaison(contact, now)
    except IntegrityError as exc:
        if Contact.objects.filter(
            officer_id=acting_user.pk, enterprise_id=enterprise_pk, kind=clean["kind"], contact_on=day
        ).exists():
            raise _duplicate(acting_user.pk, enterprise_pk, clean["kind"], day) from exc
        raise
    return contact


def do_log_leader_visit(*, acting_user: User, data: ContactInput, now: dt.datetime | None = None) -> Contact:
    """A leader's visit (送政策/送服务/送温暖, R4.1), recorded like an officer's visit with the leader's
    name and what was delivered; problems found may become a case in the same step."""
    if not can_record_leader_visit(acting_user):
        raise PermissionDenied("您的角色不能登记领导走访")
    now = now or timezone.now()
    enterprise = access_enterprise(acting_user, data.enterprise_id or 0)
    data.kind = ContactKind.VISIT
    clean, photos = _clean_contact(data, _today(now))
    leader_name = _text(data.leader_name)[:50]
    if not leader_name:
        raise ValidationFailed("请填写走访领导姓名", code="leader_required", details={"field": "leader_name"})
    policies = _text(data.policies_delivered)
    services = _text(data.services_delivered)
    if not policies and not services:
        raise ValidationFailed(
            "请填写送达的政策或服务", code="delivered_required", details={"field": "policies_delivered"}
        )
    day = clean["contact_on"]
    if Contact.objects.filter(
        officer_id=acting_user.pk, enterprise_id=enterprise.pk, kind=ContactKind.VISIT, contact_on=day
    ).exists():
        raise _duplicate(acting_user.pk, enterprise.pk, ContactKind.VISIT, day)
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                officer=acting_user,
                enterprise=enterprise,
                is_leader_visit=True,
                leader_name=leader_name,
                leader_title=_text(data.leader_title)[:50],
                policies_delivered=policies,
                services_delivered=services,
                verification=Verification.PENDING,
                **clean,
            )
            store_photos(contact, photos, uploaded_by=acting_user)
            if data.raise_case:
                _raise_case(acting_user, contact, data.case_title, data.category_id, now)
                contact.save(update_fields=["ticket"])
            record("network.leader_visit", actor=acting_user, obj=contact, after=_contact_after(contact))
            _ask_liaison(contact, now)
    except IntegrityError as exc:
        raise _duplicate(acting_user.pk, enterprise.pk, ContactKind.VISIT, day) from exc
    return contact


@durable_action
def do_raise_case(
    *,
    acting_user: User,
    contact_id: int | str,
    title: str = "",
    category_id: int | None = None,
    version: Any = None,
    now: dt.datetime | None = None,
) -> Contact:
    """Turn the need raised during an earlier contact into a case (once)."""
    found = access_contact(acting_user, contact_id)
    if found.officer_id != acting_user.pk:
        raise PermissionDenied("只有登记该联系记录的人可以将其转为诉求")
    now = now or timezone.now()
    contact = kit.lock(Contact.objects.select_related("enterprise", "officer"), found.pk)
    kit.check_version(contact, version)
    if contact.ticket_id is not None:
        raise InvalidTransition("该联系记录反映的问题已转为诉求", code="already_raised")
    if not contact.raised:
        raise ValidationFailed(
            "该联系记录没有登记企业反映的问题或需求", code="raised_required", details={"field": "raised"}
        )
    _raise_case(acting_user, contact, title, category_id, now)
    kit.save_change(contact, ["ticket"])
    record(
        "network.contact_case",
        actor=acting_user,
        obj=contact,
        after={
            "ticket": contact.ticket_id,
            "ticket_number": contact.ticket.number if contact.ticket else "",
        },
    )
    return contact


@durable_action
def do_add_contact_photos(
    *,
    acting_user: User,
    contact_id: int | str,
    photos: list[Any],
    version: Any = None,
    now: dt.datetime | None = None,
) -> Contact:
    """Add photos to a contact already logged (拍照留证 after the fact, or from a client that sends
    the record and its photos separately); only the person who logged it, within the per-contact
    limit."""
    found = access_contact(acting_user, contact_id)
    if found.officer_id != acting_user.pk:
        raise PermissionDenied("只有登记该联系记录的人可以上传照片")
    contact = kit.lock(Contact.objects.select_related("enterprise", "officer"), found.pk)
    kit.check_version(contact, version)
    if not [p for p in photos or () if p is not None]:
        raise ValidationFailed("请选择要上传的照片", code="photos_required", details={"field": "photos"})
    try:
        checked = check_photos(photos, already=contact.photos.count())
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, code=exc.code, details={"field": "photos"}) from exc
    stored = store_photos(contact, checked, uploaded_by=acting_user)
    kit.save_change(contact, [])
    record(
        "network.contact_photos",
        actor=acting_user,
        obj=contact,
        after={"photos": [p.original_name for p in stored], "count": contact.photos.count()},
    )
    return contact
