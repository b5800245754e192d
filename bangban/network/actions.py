"""Every change of the service network (R3, R4). Each `do_*` checks who acts, validates, runs in
one transaction that locks the row it changes, and records one audit event; notifications are
outbox rows of the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from bangban.core.satisfaction import BAD_RATINGS, Satisfaction
from bangban.core.urls_abs import absolute_url
from bangban.enterprises.access import access_enterprise, visible_enterprises
from bangban.enterprises.models import Enterprise
from bangban.enterprises.validation import FieldError, parse_mobile
from bangban.notifications.actions import notify, notify_user

from . import rules, workflow
from .access import (
    access_contact,
    can_record_leader_visit,
    is_enterprise_user,
    is_officer,
    require_manager,
)
from .models import (
    Assignment,
    Contact,
    ContactKind,
    Liaison,
    OfficerRating,
    Verification,
)

SUMMARY_MAX = 2000
NOTE_MAX = 200
VERIFY_SALT = "bangban.network.visit-verification"
# An SMS link to confirm a visit stays valid this long.
VERIFY_LINK_MAX_AGE = dt.timedelta(days=30)

ACTION_LABELS = {
    "network.assign": "安排帮办专员",
    "network.reassign": "调整帮办专员",
    "network.assignment_end": "结束挂钩",
    "network.assignment_import": "批量导入挂钩安排",
    "network.assignment_import_cancel": "取消挂钩安排导入",
    "network.contact_log": "登记联系企业",
    "network.leader_visit": "登记领导走访",
    "network.contact_case": "走访需求转为诉求",
    "network.visit_confirm": "企业确认走访",
    "network.visit_dispute": "企业对走访有异议",
    "network.liaison_name": "指定工作联络员",
    "network.liaison_registry_sync": "同步工作联络员至企业库",
    "network.officer_rate": "评价帮办专员",
    "network.compliance_export": "导出联系走访达标情况",
}


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def _text(value: Any) -> str:
    return str(value or "").strip().replace("\r\n", "\n")


def _parse_date(value: Any, field: str, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        raise ValidationFailed(f"请填写{label}", code=f"{field}_required", details={"field": field})
    try:
        return dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError as exc:
        raise ValidationFailed(
            f"{label}格式不正确，应为 2026-01-02", code=f"invalid_{field}", details={"field": field}
        ) from exc


# --- assignments (R3.1) -----------------------------------------------------------------------------


def officer_facts(officer: User) -> rules.Officer:
    unit = officer.unit
    region = unit.region if unit is not None else None
    return rules.Officer(
        name=officer.display_name,
        rank=officer.rank or "",
        region_level=region.level if region is not None else None,
        region_path=region.path if region is not None else None,
    )


def check_officer(officer: User, enterprise: Enterprise) -> None:
    """Refuse (ValidationFailed with the rule's code and reason) an officer the rules do not allow."""
    if not officer.is_active or not officer.has_role(Role.SERVICE_OFFICER):
        raise ValidationFailed(
            f"{officer.display_name}不是在岗的帮办专员/驻厂员",
            code="not_an_officer",
            details={"field": "officer"},
        )
    refusal = rules.check_assignment(officer_facts(officer), enterprise.tier, enterprise.region.path)
    if refusal is not None:
        raise ValidationFailed(refusal.message, code=refusal.code, details={"field": "officer"})


def _resolve_officer(value: Any) -> User:
    """An officer by id (pages, API) or by user name (import)."""
    qs = User.objects.select_related("unit", "unit__region")
    officer = None
    if isinstance(value, User):
        officer = qs.filter(pk=value.pk).first()
    elif isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        officer = qs.filter(pk=int(value)).first()
    if officer is None and isinstance(value, str) and value.strip():
        officer = qs.filter(username=value.strip()).first()
    if officer is None:
        raise ValidationFailed("未找到该帮办专员账号", code="officer_not_found", details={"field": "officer"})
    return officer


@dataclass
class _Assigned:
    assignment: Assignment
    previous: Assignment | None


def _assign(
    *, acting_user: Any, enterprise: Enterprise, officer: User, started_on: dt.date, note: str, replace: bool
) -> _Assigned:
    """The assignment itself, inside the caller's transaction, with the enterprise row locked."""
    if not enterprise.is_active:
        raise ValidationFailed("该企业已注销，不能安排帮办专员", code="enterprise_inactive")
    check_officer(officer, enterprise)
    current = (
        Assignment.objects.select_for_update().filter(enterprise=enterprise, ended_on__isnull=True).first()
    )
    if current is not None:
        if current.officer_id == officer.pk:
            raise Conflict(f"{officer.display_name}已是该企业的帮办专员", code="already_assigned")
        if not replace:
            raise Conflict(
                f"该企业已有帮办专员（{current.officer}），如需更换请选择“调整为新专员”",
                code="enterprise_has_officer",
            )
        if started_on < current.started_on:
            raise ValidationFailed(
                f"新专员的开始日期不能早于现任专员的开始日期（{current.started_on:%Y-%m-%d}）",
                code="start_before_current",
            )
        current.ended_on = started_on
        current.ended_by = acting_user
        current.end_reason = note or "动态调整"
        current.version += 1
        current.save(update_fields=["ended_on", "ended_by", "end_reason", "version"])
    assignment = Assignment.objects.create(
        officer=officer, enterprise=enterprise, started_on=started_on, note=note, created_by=acting_user
    )
    return _Assigned(assignment=assignment, previous=current)


def _clean_assignment_input(note: Any, started_on: Any, today: dt.date) -> tuple[str, dt.date]:
    note_text = _text(note)
    if len(note_text) > NOTE_MAX:
        raise ValidationFailed(
            f"备注不能超过 {NOTE_MAX} 个字", code="note_too_long", details={"field": "note"}
        )
    start = today if started_on in (None, "") else _parse_date(started_on, "started_on", "开始日期")
    if start > today:
        raise ValidationFailed(
            "开始日期不能晚于今天", code="start_in_future", details={"field": "started_on"}
        )
    return note_text, start


def _notify_assigned(assigned: _Assigned, now: dt.datetime | None) -> None:
    a = assigned.assignment
    link = reverse("network:mine")
    notify_user(
        a.officer,
        f"您已挂钩帮办企业：{a.enterprise.name}",
        f"自 {a.started_on:%Y-%m-%d} 起，您作为帮办专员挂钩服务{a.enterprise.name}。"
        "请每月至少联系企业一次、每季度至少上门走访一次。",
        link=link,
        now=now,
    )
    if assigned.previous is not None:
        notify_user(
            assigned.previous.officer,
            f"挂钩调整：{a.enterprise.name}",
            f"自 {a.started_on:%Y-%m-%d} 起，{a.enterprise.name}改由{a.officer}挂钩服务。",
            link=link,
            now=now,
        )


def _assignment_after(a: Assignment) -> dict[str, Any]:
    return {
        **snapshot(a),
        "officer_name": a.officer.display_name,
        "enterprise_name": a.enterprise.name,
    }


def do_assign(
    *,
    acting_user: Any,
    enterprise_id: int | str,
    officer_id: Any,
    started_on: Any = None,
    note: str = "",
    replace: bool = False,
    now: dt.datetime | None = None,
) -> Assignment:
    """Assign an officer to an enterprise under the rank rules (R3.1). An enterprise has one current
    officer: with `replace`, the current assignment ends the day the new one starts (动态调整)."""
    require_manager(acting_user)
    access_enterprise(acting_user, enterprise_id)
    note_text, start = _clean_assignment_input(note, started_on, _today(now))
    officer = _resolve_officer(officer_id)
    with transaction.atomic():
        enterprise = (
            Enterprise.objects.select_for_update().select_related("region").get(pk=int(enterprise_id))
        )
        assigned = _assign(
            acting_user=acting_user,
            enterprise=enterprise,
            officer=officer,
            started_on=start,
            note=note_text,
            replace=replace,
        )
        a = assigned.assignment
        if assigned.previous is not None:
            record(
                "network.reassign",
                actor=acting_user,
                obj=a,
                before=_assignment_after(assigned.previous),
                after=_assignment_after(a),
            )
        else:
            record("network.assign", actor=acting_user, obj=a, after=_assignment_after(a))
        _notify_assigned(assigned, now)
    return a


def do_end_assignment(
    *,
    acting_user: Any,
    assignment_id: int | str,
    reason: str,
    ended_on: Any = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Assignment:
    """End an assignment without a successor (the enterprise then shows in the coverage gaps)."""
    from .access import access_assignment

    require_manager(acting_user)
    access_assignment(acting_user, assignment_id)
    reason_text = _text(reason)
    if not reason_text:
        raise ValidationFailed("请填写结束挂钩的原因", code="reason_required", details={"field": "reason"})
    if len(reason_text) > NOTE_MAX:
        raise ValidationFailed(
            f"原因不能超过 {NOTE_MAX} 个字", code="reason_too_long", details={"field": "reason"}
        )
    today = _today(now)
    end = today if ended_on in (None, "") else _parse_date(ended_on, "ended_on", "结束日期")
    with transaction.atomic():
        a = kit.lock(Assignment.objects.select_related("officer", "enterprise"), assignment_id)
        kit.check_version(a, version)
        if a.ended_on is not None:
            raise InvalidTransition("该挂钩安排已经结束", code="assignment_ended")
        if end > today:
            raise ValidationFailed(
                "结束日期不能晚于今天", code="end_in_future", details={"field": "ended_on"}
            )
        if end < a.started_on:
            raise ValidationFailed(
                "结束日期不能早于开始日期", code="end_before_start", details={"field": "ended_on"}
            )
        before = snapshot(a)
        a.ended_on = end
        a.ended_by = acting_user
        a.end_reason = reason_text
        kit.save_change(a, ["ended_on", "ended_by", "end_reason"])
        record("network.assignment_end", actor=acting_user, obj=a, before=before, after=snapshot(a))
        notify_user(
            a.officer,
            f"挂钩结束：{a.enterprise.name}",
            f"您对{a.enterprise.name}的挂钩服务已于 {end:%Y-%m-%d} 结束（{reason_text}）。",
            link=reverse("network:mine"),
            now=now,
        )
    return a


# --- contacts and visits (R3.2, R4.1, R4.2) --------------------------------------------------------------


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


def _clean_contact(data: ContactInput, today: dt.date) -> dict[str, Any]:
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
        contact_on = _parse_date(data.contact_on, "contact_on", "联系日期")
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
    if fields:
        first = next(iter(fields))
        raise ValidationFailed(
            fields[first] if len(fields) == 1 else "；".join(fields.values()),
            code=codes[first],
            details={"fields": fields, "codes": codes},
        )
    assert contact_on is not None
    return {"kind": kind, "contact_on": contact_on, "summary": summary, "raised": raised}


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


def verify_token(contact: Contact) -> str:
    return signing.dumps({"c": contact.pk}, salt=VERIFY_SALT, compress=True)


def verify_url(contact: Contact) -> str:
    """The 走访核验 link texted to the liaison: absolute, on the configured site address."""
    return absolute_url(reverse("network:verify_link", args=[verify_token(contact)]))


def _ask_liaison(contact: Contact, now: dt.datetime | None) -> None:
    """Ask the enterprise's 工作联络员 to confirm the visit (核验, R4.3): in-app to the named
    liaison's account, and an SMS with a signed link to the liaison's mobile."""
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
    acting_user: Any, contact: Contact, title: str, category_id: int | None, now: dt.datetime
) -> None:
    from bangban.tickets.intake import IntakeInput, do_intake_report
    from bangban.tickets.models import Channel

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
    }


def do_log_contact(*, acting_user: Any, data: ContactInput, now: dt.datetime | None = None) -> Contact:
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
    clean = _clean_contact(data, _today(now))
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


def do_log_leader_visit(*, acting_user: Any, data: ContactInput, now: dt.datetime | None = None) -> Contact:
    """A leader's visit (送政策/送服务/送温暖, R4.1), recorded like an officer's visit with the leader's
    name and what was delivered; problems found may become a case in the same step."""
    if not can_record_leader_visit(acting_user):
        raise PermissionDenied("您的角色不能登记领导走访")
    now = now or timezone.now()
    enterprise = access_enterprise(acting_user, data.enterprise_id or 0)
    data.kind = ContactKind.VISIT
    clean = _clean_contact(data, _today(now))
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
            if data.raise_case:
                _raise_case(acting_user, contact, data.case_title, data.category_id, now)
                contact.save(update_fields=["ticket"])
            record("network.leader_visit", actor=acting_user, obj=contact, after=_contact_after(contact))
            _ask_liaison(contact, now)
    except IntegrityError as exc:
        raise _duplicate(acting_user.pk, enterprise.pk, ContactKind.VISIT, day) from exc
    return contact


def do_raise_case(
    *,
    acting_user: Any,
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
    with transaction.atomic():
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


# --- verification (核验, R4.3) -----------------------------------------------------------------------------

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
    with transaction.atomic():
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
    acting_user: Any,
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


# --- the enterprise's side (R3.2) ---------------------------------------------------------------------------


def _liaison_phone(person: User, phone: Any) -> str:
    """The liaison's mobile: the number given when naming him or her, else the account's. It goes
    to the enterprise registry, where the 核验 SMS is sent, so it must be a mobile number."""
    given = _text(phone)
    try:
        if given:
            return parse_mobile(given)
        account = parse_mobile(person.phone or "")
    except FieldError as exc:
        if given:
            raise ValidationFailed(
                f"手机号码“{given[:30]}”格式不正确，应为11位手机号码",
                code="liaison_phone_invalid",
                details={"field": "phone"},
            ) from exc
        account = ""
    if not account:
        raise ValidationFailed(
            "请填写工作联络员的手机号码（用于接收走访核验短信）",
            code="liaison_phone_required",
            details={"field": "phone"},
        )
    return account


def do_name_liaison(*, acting_user: Any, user_id: int | str, phone: Any = "") -> Liaison:
    """An enterprise names its one 工作联络员 among its own accounts. The liaison's name and mobile
    are copied into the enterprise registry's 工作联络员 fields in the same transaction (audited as
    `network.liaison_registry_sync`), so the registry and the 核验 SMS agree."""
    if not is_enterprise_user(acting_user):
        raise PermissionDenied("只有企业用户可以指定本企业的工作联络员")
    enterprise_id = acting_user.enterprise_id
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        pk = 0
    person = User.objects.filter(pk=pk, enterprise_id=enterprise_id, is_active=True).first()
    if person is None or not person.has_role(Role.ENTERPRISE):
        raise ValidationFailed(
            "工作联络员须为本企业在用的企业账号", code="liaison_invalid", details={"field": "user"}
        )
    mobile = _liaison_phone(person, phone)
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise_id)
        current = Liaison.objects.filter(enterprise_id=enterprise_id).first()
        before = {"user": current.user_id} if current else None
        if current is None:
            liaison = Liaison.objects.create(enterprise_id=enterprise_id, user=person, named_by=acting_user)
        else:
            current.user = person
            current.named_by = acting_user
            current.save(update_fields=["user", "named_by", "named_at"])
            liaison = current
        record(
            "network.liaison_name",
            actor=acting_user,
            obj=liaison,
            before=before,
            after={"user": person.pk, "name": person.display_name},
        )
        _sync_registry_liaison(enterprise, person, mobile, acting_user)
    return liaison


def _sync_registry_liaison(enterprise: Enterprise, person: User, mobile: str, actor: Any) -> None:
    """Copy the named liaison into the registry's 工作联络员 fields (locked row). The 联络员身份证号
    of a previous liaison is cleared when the person changes: it is not the new liaison's."""
    name = person.display_name[: Enterprise._meta.get_field("liaison_name").max_length]  # type: ignore[union-attr]
    before = {"liaison_name": enterprise.liaison_name, "liaison_phone": enterprise.liaison_phone}
    if before == {"liaison_name": name, "liaison_phone": mobile}:
        return
    fields = ["liaison_name", "liaison_phone", "version", "updated_at"]
    if enterprise.liaison_name != name and enterprise.liaison_id_number:
        before["liaison_id_number"] = "（已清除）"
        enterprise.liaison_id_number = ""
        fields.append("liaison_id_number")
    enterprise.liaison_name = name
    enterprise.liaison_phone = mobile
    enterprise.version += 1
    enterprise.save(update_fields=fields)
    record(
        "network.liaison_registry_sync",
        actor=actor,
        obj=enterprise,
        before=before,
        after={"liaison_name": name, "liaison_phone": mobile, "liaison_user": person.pk},
    )


def current_assignment(enterprise_id: int) -> Assignment | None:
    return (
        Assignment.objects.select_related("officer", "officer__unit")
        .filter(enterprise_id=enterprise_id, ended_on__isnull=True)
        .first()
    )


def do_rate_officer(
    *, acting_user: Any, level: Any, comment: str = "", now: dt.datetime | None = None
) -> OfficerRating:
    """The enterprise rates its current officer's service (five levels), once a month."""
    if not is_enterprise_user(acting_user):
        raise PermissionDenied("只有企业用户可以评价帮办专员")
    try:
        value = Satisfaction(int(level))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            "请选择满意度（非常满意至非常不满意）", code="invalid_level", details={"field": "level"}
        ) from exc
    comment_text = _text(comment)[:500]
    if value in BAD_RATINGS and not comment_text:
        raise ValidationFailed(
            "选择不满意时请说明原因", code="comment_required", details={"field": "comment"}
        )
    assignment = current_assignment(acting_user.enterprise_id)
    if assignment is None:
        raise ValidationFailed("本企业目前没有挂钩的帮办专员", code="no_officer")
    month = rules.month_code(_today(now))
    try:
        with transaction.atomic():
            rating = OfficerRating.objects.create(
                enterprise_id=acting_user.enterprise_id,
                officer=assignment.officer,
                month=month,
                level=value,
                comment=comment_text,
                rated_by=acting_user,
            )
            record(
                "network.officer_rate",
                actor=acting_user,
                obj=rating,
                after={
                    "officer": assignment.officer_id,
                    "month": month,
                    "level": int(value),
                    "comment": comment_text,
                },
            )
            notify_user(
                assignment.officer,
                f"企业评价：{value.label}",
                f"{assignment.enterprise}对您本月的帮办服务评价为“{value.label}”。{comment_text}",
                link=reverse("network:mine"),
                now=now,
            )
    except IntegrityError as exc:
        raise Conflict("本月已评价过该帮办专员，下月可再次评价", code="already_rated") from exc
    return rating


def do_record_compliance_export(*, acting_user: Any, quarter: str, view: str, count: int) -> None:
    with transaction.atomic():
        record(
            "network.compliance_export",
            actor=acting_user,
            object_type="network.compliance",
            object_repr=f"联系走访达标情况 {quarter}",
            after={"quarter": quarter, "view": view, "count": count},
        )
