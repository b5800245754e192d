"""代办 as tracked work: 受理 → 办理中 → 待企业确认 → 办结 (or 终止 with a reason), with the steps
taken (办理步骤) and the materials handed over and returned (材料交接). Closing needs the enterprise's
confirmation: an enterprise user of that enterprise confirms on its page, or the 帮办代办员 records
the enterprise's signed confirmation on paper with a reason; every material must be back first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import Conflict, InvalidTransition, ValidationFailed
from bangban.core.kit import durable_action

from .. import workflow
from ..access import access_record, access_site, require_officer, require_own_enterprise, visible_errands
from ..models import (
    MATTER_MAX,
    NAME_MAX,
    NOTE_MAX,
    Confirmation,
    Errand,
    ErrandStatus,
    ErrandStep,
    Handover,
    Site,
)
from ._common import day, enterprise, moment, text

OPEN = frozenset(workflow.OPEN)


@dataclass
class ErrandInput:
    site_id: Any = None
    record_id: Any = None
    enterprise_id: Any = None
    enterprise_name: Any = ""
    matter: Any = ""
    due_on: Any = None


def _number(site: Site, now: dt.datetime) -> str:
    """DB<site>-<date>-<n>: the site row is locked, so the day's count is the site's own."""
    today = timezone.localdate(now)
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    count = Errand.objects.filter(site=site, opened_at__gte=start).count()
    return f"DB{site.pk:03d}-{today:%Y%m%d}-{count + 1:02d}"


@durable_action
def do_open_errand(*, acting_user: User, data: ErrandInput, now: dt.datetime) -> Errand:
    """受理 a 代办 — from a service record (its site, enterprise and matter) or on its own."""
    service = None
    if data.record_id not in (None, ""):
        service = access_record(acting_user, data.record_id)
        site = service.site
    else:
        site = access_site(acting_user, data.site_id)
    require_officer(acting_user, site.pk)
    site = kit.lock(Site, site.pk)
    if not site.is_active:
        raise ValidationFailed("站点已停用，不能受理代办", code="site_inactive")
    if service is not None:
        found, name = service.enterprise, service.enterprise_name
        matter = text(data.matter, "matter", "代办事项", MATTER_MAX) or service.matter
        if Errand.objects.filter(record=service, status__in=OPEN).exists():
            raise Conflict("该服务记录已有办理中的代办，请在原代办中继续办理", code="errand_exists")
    else:
        found, name = enterprise(acting_user, data.enterprise_id, data.enterprise_name)
        matter = text(data.matter, "matter", "代办事项", MATTER_MAX, required=True)
    due = day(data.due_on, "due_on", "承诺办结日期")
    if due < timezone.localdate(now):
        raise ValidationFailed("承诺办结日期不能早于今天", code="due_in_past", details={"field": "due_on"})
    errand = Errand.objects.create(
        number=_number(site, now), site=site, officer=acting_user, record=service, enterprise=found,
        enterprise_name=name, matter=matter, opened_at=now, due_on=due,
    )  # fmt: skip
    record(
        "assist.errand_open",
        actor=acting_user,
        obj=errand,
        after={
            "site": site.pk, "record": errand.record_id, "enterprise": errand.enterprise_id,
            "enterprise_name": name, "matter": matter, "due_on": due.isoformat(), "status": errand.status,
        },
    )  # fmt: skip
    return errand


def _lock(user: User, errand_id: Any) -> Errand:
    return kit.lock(visible_errands(user), errand_id)


def _as_officer(user: User, errand_id: Any, expected_version: Any = None) -> Errand:
    errand = _lock(user, errand_id)
    require_officer(user, errand.site_id)
    kit.check_version(errand, expected_version)
    return errand


def _require_open(errand: Errand) -> None:
    if errand.status not in OPEN:
        raise InvalidTransition(
            f"代办已{ErrandStatus(errand.status).label}，不能再记录", code="errand_closed"
        )


def _move(
    user: User, errand: Errand, action: str, fields: dict[str, Any], *, audit: str, **checks: Any
) -> Errand:
    before = {"status": errand.status}
    errand.status = workflow.ERRAND.check(errand.status, action, **checks)
    for name, value in fields.items():
        setattr(errand, name, value)
    kit.save_change(errand, ["status", *fields])
    after = {"status": errand.status, **{k: _plain(v) for k, v in fields.items() if k != "confirmed_by"}}
    record(audit, actor=user, obj=errand, before=before, after=after)
    return errand


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


@durable_action
def do_start_errand(*, acting_user: User, errand_id: Any, expected_version: Any = None) -> Errand:
    errand = _as_officer(acting_user, errand_id, expected_version)
    return _move(acting_user, errand, "start", {}, audit="assist.errand_start")


@durable_action
def do_log_step(*, acting_user: User, errand_id: Any, content: Any, now: dt.datetime) -> ErrandStep:
    """One 办理步骤 line; the 代办 keeps its state."""
    errand = _as_officer(acting_user, errand_id)
    _require_open(errand)
    step = ErrandStep.objects.create(
        errand=errand, text=text(content, "text", "办理情况", NOTE_MAX, required=True), at=now, by=acting_user
    )
    record("assist.errand_step", actor=acting_user, obj=errand, after={"step": step.pk, "text": step.text})
    return step


@durable_action
def do_add_material(
    *, acting_user: User, errand_id: Any, name: Any, count: Any, handed_at: Any, now: dt.datetime
) -> Handover:
    errand = _as_officer(acting_user, errand_id)
    _require_open(errand)
    label = text(name, "name", "材料名称", NAME_MAX, required=True)
    try:
        copies = int(str(count).strip())
    except (TypeError, ValueError):
        copies = 0
    if not 1 <= copies <= 999:
        raise ValidationFailed("份数应为 1–999 的整数", code="invalid_count", details={"field": "count"})
    at = moment(handed_at, "handed_at", "交接时间", now, required=False) or now
    item = Handover.objects.create(errand=errand, name=label, count=copies, handed_at=at)
    record(
        "assist.material_in",
        actor=acting_user,
        obj=errand,
        after={"material": item.pk, "name": label, "count": copies, "handed_at": at.isoformat()},
    )
    return item


@durable_action
def do_return_material(
    *, acting_user: User, errand_id: Any, handover_id: Any, returned_at: Any, now: dt.datetime
) -> Handover:
    errand = _as_officer(acting_user, errand_id)
    item = kit.lock(Handover.objects.filter(errand=errand), handover_id)
    if item.returned_at is not None:
        raise Conflict(
            f"“{item.name}”已于 {timezone.localtime(item.returned_at):%Y-%m-%d %H:%M} 退还",
            code="already_returned",
        )
    at = moment(returned_at, "returned_at", "退还时间", now, required=False) or now
    if at < item.handed_at:
        raise ValidationFailed(
            "退还时间不能早于交接时间", code="return_before_handover", details={"field": "returned_at"}
        )
    item.returned_at = at
    kit.save_change(item, ["returned_at"])
    record(
        "assist.material_out",
        actor=acting_user,
        obj=errand,
        after={"material": item.pk, "name": item.name, "returned_at": at.isoformat()},
    )
    return item


@durable_action
def do_request_confirmation(*, acting_user: User, errand_id: Any, expected_version: Any = None) -> Errand:
    errand = _as_officer(acting_user, errand_id, expected_version)
    return _move(acting_user, errand, "request_confirmation", {}, audit="assist.errand_request")


def _require_materials_back(errand: Errand) -> None:
    out = list(errand.handovers.filter(returned_at__isnull=True).values_list("name", flat=True))
    if out:
        raise InvalidTransition(
            f"尚有材料未退还企业（{'、'.join(out)}），请先登记退还再办结", code="materials_not_returned"
        )


def _not_awaiting(errand: Errand) -> None:
    if errand.status in (ErrandStatus.ACCEPTED, ErrandStatus.IN_PROGRESS):
        raise InvalidTransition(
            "企业尚未确认办结：请先“提请企业确认”，由企业在其页面确认，或登记企业签字的纸质确认",
            code="confirmation_required",
        )


@durable_action
def do_confirm_errand(
    *, acting_user: User, errand_id: Any, note: Any = "", expected_version: Any = None, now: dt.datetime
) -> Errand:
    """The enterprise confirms the 代办 done (办结), on its own page."""
    errand = _lock(acting_user, errand_id)
    require_own_enterprise(acting_user, errand)
    kit.check_version(errand, expected_version)
    _not_awaiting(errand)
    _require_materials_back(errand)
    fields = {
        "confirmation": Confirmation.ONLINE, "confirmed_by": acting_user, "closed_at": now,
        "confirm_note": text(note, "note", "确认意见", NOTE_MAX),
    }  # fmt: skip
    return _move(acting_user, errand, "confirm", fields, audit="assist.errand_confirm")


@durable_action
def do_send_back(
    *, acting_user: User, errand_id: Any, note: Any, expected_version: Any = None, now: dt.datetime
) -> Errand:
    """The enterprise does not confirm: the 代办 goes back to 办理中, with the reason as a step."""
    errand = _lock(acting_user, errand_id)
    require_own_enterprise(acting_user, errand)
    kit.check_version(errand, expected_version)
    reason = text(note, "note", "退回原因", NOTE_MAX, required=True)
    _move(acting_user, errand, "send_back", {}, audit="assist.errand_send_back")
    ErrandStep.objects.create(errand=errand, text=f"企业退回：{reason}", at=now, by=acting_user)
    return errand


@durable_action
def do_close_errand(
    *,
    acting_user: User,
    errand_id: Any,
    paper_signed: bool,
    note: Any,
    expected_version: Any = None,
    now: dt.datetime,
) -> Errand:
    """办结 by the 帮办代办员: only with the enterprise's signed confirmation on paper and a reason
    (why the enterprise did not confirm online); without it the close is refused."""
    errand = _as_officer(acting_user, errand_id, expected_version)
    _not_awaiting(errand)
    if errand.status == ErrandStatus.AWAITING and not paper_signed:
        raise InvalidTransition(
            "企业尚未确认办结：请企业在其页面确认，或登记企业签字的纸质确认并说明原因",
            code="confirmation_required",
        )
    reason = text(note, "note", "纸质确认说明", NOTE_MAX)
    if errand.status == ErrandStatus.AWAITING and not reason:
        raise ValidationFailed(
            "请说明为何以纸质签字确认（如企业无账号、不便上网）",
            code="note_required",
            details={"field": "note"},
        )
    if errand.status == ErrandStatus.AWAITING:
        _require_materials_back(errand)
    fields = {
        "confirmation": Confirmation.PAPER,
        "confirmed_by": None,
        "closed_at": now,
        "confirm_note": reason,
    }
    return _move(acting_user, errand, "close_on_paper", fields, audit="assist.errand_close")


@durable_action
def do_terminate_errand(
    *, acting_user: User, errand_id: Any, reason: Any, expected_version: Any = None, now: dt.datetime
) -> Errand:
    errand = _as_officer(acting_user, errand_id, expected_version)
    why = text(reason, "reason", "终止原因", NOTE_MAX, required=True)
    return _move(
        acting_user,
        errand,
        "terminate",
        {"end_reason": why, "closed_at": now},
        audit="assist.errand_terminate",
    )
