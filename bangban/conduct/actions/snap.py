"""随手拍 and the complaint phone (R7.3): a visitor with an SMS-confirmed number files a report with
photos or a short video, or 作风办 registers a call to the complaint phone; either becomes a case
of channel 作风直通车 (numbering, deadlines, timeline, audit chain) plus a `ConductComplaint` that
作风办 takes through 核实 → 查处 → 办结 and may publish (曝光) as a typical case with an anonymised
summary. The unit complained about is told when verification starts — never who complained."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import Conflict, NotFound, ValidationFailed
from bangban.core.kit import durable_action
from bangban.notifications.actions import notify_user
from bangban.org.models import Unit
from bangban.tickets.events import add_event
from bangban.tickets.intake import IntakeInput, do_intake
from bangban.tickets.models import TicketType, Visibility

from .. import workflow
from ..access import require_manager
from ..models import ConductComplaint, SnapCategory, SnapSource, SnapStatus
from ..queries import citable_item
from ..snap import PHONE_POLICY, SNAP_POLICY, check_snap_files
from ._common import _required, _text

CONTENT_MAX = 2000


@dataclass
class SnapInput:
    category: str = ""
    content: str = ""
    place: str = ""
    enterprise_name: str = ""
    contact_name: str = ""
    contact_phone: str = ""  # the complaint phone: the caller's number


def _category(value: Any) -> str:
    category = _text(value)
    if not category:
        raise ValidationFailed(
            "请选择问题类型（违约失信、相互推诿、敷衍塞责或惠企政策打折扣）", code="category_required",
            details={"field": "category", "fields": {"category": "请选择问题类型"}},
        )  # fmt: skip
    if category not in SnapCategory.values:
        raise ValidationFailed(
            "问题类型应为违约失信、相互推诿、敷衍塞责或惠企政策打折扣", code="invalid_category",
            details={"field": "category", "fields": {"category": "问题类型无效"}},
        )  # fmt: skip
    return category


def _intake_input(data: SnapInput, category: str) -> IntakeInput:
    content = _required(data.content, "content", "请描述遇到的作风问题", CONTENT_MAX)
    place = _text(data.place, 100)
    label = SnapCategory(category).label
    first_line = content.splitlines()[0][:40]
    return IntakeInput(
        title=f"【{label}】{first_line}"[:120],
        content=f"{content}\n（地点：{place}）" if place else content,
        type=TicketType.COMPLAINT,
        enterprise_name=_text(data.enterprise_name, 120),
        contact_name=_text(data.contact_name, 50),
        contact_phone=_text(data.contact_phone, 20),
    )


def _complaint(ticket: Any, source: str, category: str, now: dt.datetime) -> ConductComplaint:
    return ConductComplaint.objects.create(ticket=ticket, source=source, category=category, received_at=now)


@durable_action
def do_submit_snap(
    *,
    verification_id: int | None,
    phone: str,
    data: SnapInput,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    ip: str | None = None,
    now: dt.datetime,
) -> ConductComplaint:
    """A 随手拍 from the public page or the API: the number must have been confirmed by SMS (the
    mayor column's verification); the case number is the tracking code."""
    category = _category(data.category)
    files = check_snap_files(attachments)
    result = do_intake(
        SNAP_POLICY,
        None,
        _intake_input(data, category),
        now=now,
        checked_files=files,
        idempotency_key=idempotency_key,
        verification_id=verification_id,
        phone=phone,
        ip=ip,
    )
    existing = ConductComplaint.objects.filter(ticket=result.ticket).first()
    return existing or _complaint(result.ticket, SnapSource.SNAP, category, now)


@durable_action
def do_register_phone_complaint(
    *, acting_user: User, data: SnapInput, source: str = SnapSource.PHONE, now: dt.datetime
) -> ConductComplaint:
    """作风办 registers a call to the complaint phone (or a report received otherwise)."""
    require_manager(acting_user)
    category = _category(data.category)
    if source not in (SnapSource.PHONE, SnapSource.OTHER):
        raise ValidationFailed("来源应为投诉电话或其他", code="invalid_source", details={"field": "source"})
    if not _text(data.contact_phone):
        raise ValidationFailed(
            "请填写来电号码", code="contact_phone_required",
            details={"field": "contact_phone", "fields": {"contact_phone": "请填写来电号码"}},
        )  # fmt: skip
    result = do_intake(PHONE_POLICY, acting_user, _intake_input(data, category), now=now)
    return _complaint(result.ticket, source, category, now)


def _locked(complaint_id: Any, version: Any) -> ConductComplaint:
    try:
        pk = int(complaint_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if not ConductComplaint.objects.filter(pk=pk).exists():
        raise NotFound()
    complaint = kit.lock(ConductComplaint, pk)
    kit.check_version(complaint, version)
    return complaint


def _move(
    acting_user: User,
    complaint: ConductComplaint,
    action: str,
    fields: list[str],
    note: str,
    now: dt.datetime,
) -> ConductComplaint:
    """Save the move, and write the case's timeline entry (PUBLIC: the complainant follows it) and
    its one audit event."""
    before = {"status": complaint.status}
    complaint.status = workflow.SNAP.check(complaint.status, action)
    kit.save_change(complaint, ["status", *fields])
    add_event(
        complaint.ticket,
        f"conduct_snap_{action}",
        actor=acting_user,
        note=note,
        visibility=Visibility.PUBLIC,
        audit_before=before,
        audit_after={
            "complaint": complaint.pk,
            "status": complaint.status,
            **{f: str(getattr(complaint, f"{f}_id", None) or getattr(complaint, f, "")) for f in fields},
        },
        now=now,
    )
    return complaint


@durable_action
def do_start_verification(
    *,
    acting_user: User,
    complaint_id: Any,
    unit_id: Any = None,
    item_id: Any = None,
    version: Any = None,
    now: dt.datetime,
) -> ConductComplaint:
    """作风办 starts verifying (核实): names the unit complained about (if known) and the 负面清单 item
    the report cites (optional). The unit's staff are told a complaint is being verified — what
    and when, never by whom."""
    require_manager(acting_user)
    complaint = _locked(complaint_id, version)
    unit = None
    if unit_id not in (None, ""):
        try:
            unit = Unit.objects.filter(pk=int(str(unit_id)), is_active=True).first()
        except ValueError:
            unit = None
        if unit is None:
            raise ValidationFailed("所选单位不存在", code="unit_not_found", details={"field": "unit"})
    item = None
    if item_id not in (None, ""):
        today = timezone.localdate(now)
        item = citable_item(item_id, on=timezone.localdate(complaint.received_at), today=today)
    complaint.unit = unit
    complaint.cited_item = item
    _move(acting_user, complaint, "verify", ["unit", "cited_item"], "作风办已受理，正在核实", now)
    if unit is not None:
        _tell_unit(complaint, unit, now)
    return complaint


def _tell_unit(complaint: ConductComplaint, unit: Unit, now: dt.datetime) -> None:
    """The message to the unit complained about: the case number, the category, the state — no
    complainant, no contact, no enterprise."""
    subject = f"作风投诉核实通知：{complaint.ticket.number}"
    body = f"作风办正在核实一件涉及本单位的“{complaint.get_category_display()}”作风投诉，请配合核查。"
    link = reverse("conduct:snap_unit")
    for user in (
        User.objects.filter(unit=unit, is_active=True).exclude(roles__code=Role.ENTERPRISE).distinct()
    ):
        notify_user(user, subject, body, link=link, now=now)


@durable_action
def do_investigate(
    *, acting_user: User, complaint_id: Any, note: str = "", version: Any = None, now: dt.datetime
) -> ConductComplaint:
    """核实属实 enough to investigate (查处)."""
    require_manager(acting_user)
    complaint = _locked(complaint_id, version)
    finding = _required(note, "finding", "请填写核实情况", 2000)
    complaint.finding = finding
    return _move(acting_user, complaint, "investigate", ["finding"], "经核实，问题基本属实，转入查处", now)


@durable_action
def do_dismiss(
    *, acting_user: User, complaint_id: Any, note: str = "", version: Any = None, now: dt.datetime
) -> ConductComplaint:
    """核实不属实: the report is closed with the finding."""
    require_manager(acting_user)
    complaint = _locked(complaint_id, version)
    complaint.finding = _required(note, "finding", "请填写核实情况", 2000)
    complaint.concluded_at = now
    return _move(
        acting_user, complaint, "dismiss", ["finding", "concluded_at"], "经核实，反映问题不属实，已办结", now
    )


@durable_action
def do_conclude(
    *, acting_user: User, complaint_id: Any, penalty: str = "", version: Any = None, now: dt.datetime
) -> ConductComplaint:
    """查处办结: the handling decided (处理结果)."""
    require_manager(acting_user)
    complaint = _locked(complaint_id, version)
    complaint.penalty = _required(penalty, "penalty", "请填写处理结果", 2000)
    complaint.concluded_at = now
    return _move(
        acting_user, complaint, "conclude", ["penalty", "concluded_at"], "问题属实，已依规依纪处理，办结", now
    )


@durable_action
def do_publish(
    *,
    acting_user: User,
    complaint_id: Any,
    title: str = "",
    summary: str = "",
    version: Any = None,
    now: dt.datetime,
) -> ConductComplaint:
    """曝光: a founded case is published on the 曝光台 as a typical case, under a title and a summary
    written by 作风办 (no complainant, no personal data — the page shows only these two, the
    category, the unit and the date)."""
    require_manager(acting_user)
    complaint = _locked(complaint_id, version)
    if complaint.status != SnapStatus.FOUNDED:
        raise Conflict("只有查处办结（属实）的案例可以曝光", code="not_founded")
    if complaint.published:
        raise Conflict("该案例已曝光", code="already_published")
    complaint.public_title = _required(title, "public_title", "请填写曝光标题", 120)
    complaint.public_summary = _required(summary, "public_summary", "请填写曝光内容（隐去个人信息）", 2000)
    before = {"published": False}
    complaint.published = True
    complaint.published_at = now
    kit.save_change(complaint, ["published", "published_at", "public_title", "public_summary"])
    add_event(
        complaint.ticket,
        "conduct_snap_publish",
        actor=acting_user,
        note=f"作为典型案例曝光：{complaint.public_title}",
        visibility=Visibility.PUBLIC,
        audit_before=before,
        audit_after={"complaint": complaint.pk, "published": True, "title": complaint.public_title},
        now=now,
    )
    return complaint


@durable_action
def do_record_snap_export(*, acting_user: User, count: int, with_complainant: bool) -> None:
    """An export of the 随手拍 台账 is audited: who, how many rows, and whether it named complainants."""
    record(
        "conduct.snap_export",
        actor=acting_user,
        object_type="conduct.conductcomplaint",
        after={"rows": count, "complainant_columns": with_complainant},
    )
