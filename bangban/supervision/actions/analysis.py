"""分析研判 (R10) and the monthly 处置分析会 (R11.2).

A unit's staff record the 研判 of their own unit's cases (draft → submitted). 营商办 schedules the
处置分析会 of month M from the ledgers of month M − 1, which were due on the 25th of M: the meeting
is refused while those ledgers are missing. The meeting itself — attendees, minutes, held, decided
tasks with working-day deadlines — is an escalation meeting of type 营商环境问题处置分析会, created
here through `escalation.actions.do_create_meeting.inner` with this action's one audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import Conflict, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.escalation.actions import do_create_meeting
from bangban.escalation.models import MeetingType
from bangban.insight.models_hotspots import HotspotProblem
from bangban.tickets.models import Category
from bangban.tickets.public import cases_numbered
from bangban.workdays.arithmetic import SHANGHAI

from .. import access, figures, workflow
from ..models import AnalysisMeeting, CaseAnalysis, CaseAnalysisStatus, Ledger, LedgerStatus
from ._common import _check_month

MAX_TEXT = 5000
MAX_CASES = 500


def _text(data: dict[str, Any], name: str, label: str, *, max_length: int = MAX_TEXT) -> str:
    value = str(data.get(name) or "").strip()
    if not value:
        raise ValidationFailed(f"请填写{label}", code=f"analysis_{name}_required")
    if len(value) > max_length:
        raise ValidationFailed(f"{label}过长，最多 {max_length} 字", code="analysis_too_long")
    return value


def _date(value: Any, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed(
            f"请填写有效的{label}（如 2026-11-01）", code="analysis_period_invalid"
        ) from None


def _ids(values: Iterable[Any] | str | None) -> list[int]:
    if isinstance(values, str):
        values = values.replace("，", ",").split(",")
    out = []
    for v in values or ():
        if str(v).strip():
            try:
                out.append(int(str(v).strip()))
            except ValueError:
                raise ValidationFailed("编号无效", code="analysis_reference_invalid") from None
    return list(dict.fromkeys(out))


def _numbers(values: Iterable[Any] | str | None) -> list[str]:
    if isinstance(values, str):
        values = values.replace("，", ",").replace("\n", ",").split(",")
    return list(dict.fromkeys(str(v).strip() for v in values or () if str(v).strip()))


def _clean(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """The 研判's fields, checked: the period, and every case one the unit led."""
    unit_id = user.unit_id
    assert unit_id is not None  # the callers checked `can_record_analysis`
    title = _text(data, "title", "研判主题", max_length=120)
    start = _date(data.get("period_start"), "研判期间起")
    end = _date(data.get("period_end"), "研判期间止")
    if end < start:
        raise ValidationFailed("研判期间止不能早于期间起", code="analysis_period_invalid")
    if (end - start).days > 366:
        raise ValidationFailed("研判期间最长一年", code="analysis_period_invalid")
    numbers = _numbers(data.get("case_numbers"))
    if len(numbers) > MAX_CASES:
        raise ValidationFailed(f"一次研判最多关联 {MAX_CASES} 件诉求", code="analysis_too_many_cases")
    cases = list(cases_numbered(numbers).only("pk", "number", "lead_unit_id"))
    found = {t.number: t for t in cases}
    for number in numbers:
        t = found.get(number)
        if t is None or t.lead_unit_id != user.unit_id:
            raise ValidationFailed(
                f"诉求 {number} 不存在或不是本单位主办的诉求，只能研判本单位的诉求",
                code="analysis_case_not_own",
            )
    category_ids = _ids(data.get("category_ids"))
    categories = list(Category.objects.filter(pk__in=category_ids))
    if len(categories) != len(category_ids):
        raise ValidationFailed("所选诉求分类不存在", code="analysis_category_invalid")
    hotspot_ids = _ids(data.get("hotspot_ids"))
    hotspots = list(HotspotProblem.objects.filter(pk__in=hotspot_ids))
    if len(hotspots) != len(hotspot_ids):
        raise ValidationFailed("所选堵点不存在", code="analysis_hotspot_invalid")
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=SHANGHAI)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)
    return {
        "title": title,
        "period_start": start,
        "period_end": end,
        "findings": _text(data, "findings", "主要问题与研判结论"),
        "causes": _text(data, "causes", "原因分析"),
        "measures": _text(data, "measures", "应对措施"),
        "case_count": figures.unit_cases_between(unit_id, lo, hi),
        "_cases": cases,
        "_categories": categories,
        "_hotspots": hotspots,
    }


def _links(obj: CaseAnalysis, values: dict[str, Any]) -> dict[str, Any]:
    obj.cases.set(values["_cases"])
    obj.categories.set(values["_categories"])
    obj.hotspots.set(values["_hotspots"])
    return {
        "cases": [t.number for t in values["_cases"]],
        "categories": [c.pk for c in values["_categories"]],
        "hotspots": [h.pk for h in values["_hotspots"]],
    }


FIELDS = ["title", "period_start", "period_end", "findings", "causes", "measures", "case_count"]


@durable_action
def do_create_analysis(
    *, acting_user: User, data: dict[str, Any], submit: bool = False, now: dt.datetime | None = None
) -> CaseAnalysis:
    """A unit's 研判 of its own cases, saved as a draft or submitted at once."""
    now = now or timezone.now()
    if not access.can_record_analysis(acting_user):
        raise PermissionDenied("只有单位承办人或负责人可以登记本单位的分析研判", code="analysis_not_allowed")
    values = _clean(acting_user, data)
    status: str = CaseAnalysisStatus.DRAFT
    if submit:
        status = workflow.ANALYSIS.check(status, "submit")
    obj = CaseAnalysis.objects.create(
        unit_id=int(acting_user.unit_id or 0),
        created_by=acting_user,
        created_at=now,
        status=status,
        submitted_at=now if submit else None,
        **{k: v for k, v in values.items() if not k.startswith("_")},
    )
    links = _links(obj, values)
    record(
        "supervision.analysis_submit" if submit else "supervision.analysis_create",
        actor=acting_user,
        obj=obj,
        after={**snapshot(obj, fields=[*FIELDS, "status", "unit"]), **links},
    )
    return obj


@durable_action
def do_update_analysis(
    *,
    acting_user: User,
    analysis_id: Any,
    data: dict[str, Any],
    version: Any,
    submit: bool = False,
    now: dt.datetime | None = None,
) -> CaseAnalysis:
    """Edit a draft 研判 (and submit it with `submit`)."""
    now = now or timezone.now()
    obj = access.access_analysis(acting_user, analysis_id, "edit")
    obj = kit.lock(CaseAnalysis, obj.pk)
    kit.check_version(obj, version, what="分析研判")
    workflow.ANALYSIS.check(
        obj.status, "edit", message="已提交的分析研判不能再修改", code="analysis_submitted"
    )
    values = _clean(acting_user, data)
    before = snapshot(obj, fields=[*FIELDS, "status"])
    for name in FIELDS:
        setattr(obj, name, values[name])
    changed = list(FIELDS)
    if submit:
        obj.status = workflow.ANALYSIS.check(obj.status, "submit")
        obj.submitted_at = now
        changed += ["status", "submitted_at"]
    kit.save_change(obj, changed)
    links = _links(obj, values)
    record(
        "supervision.analysis_submit" if submit else "supervision.analysis_edit",
        actor=acting_user,
        obj=obj,
        before=before,
        after={**snapshot(obj, fields=[*FIELDS, "status"]), **links},
    )
    return obj


# --- 处置分析会 ---------------------------------------------------------------------------------------


def ledger_period(year: int, month: int) -> tuple[int, int]:
    """The 处置分析会 of month M draws on the ledgers of M − 1 (due on the 25th of M)."""
    return figures.previous_month(year, month)


def missing_ledgers(year: int, month: int) -> tuple[list[Ledger], list[Ledger]]:
    """(every ledger of the meeting's period, those still not submitted)."""
    ly, lm = ledger_period(year, month)
    rows = list(Ledger.objects.filter(year=ly, month=lm).select_related("unit").order_by("unit__name"))
    return rows, [x for x in rows if x.status != LedgerStatus.SUBMITTED]


def ledgers_refusal(year: int, month: int, on: dt.date) -> ValidationFailed | Conflict | None:
    """Why the 处置分析会 of (year, month) cannot be held on `on` for want of ledgers, or None."""
    ly, lm = ledger_period(year, month)
    rows, pending = missing_ledgers(year, month)
    due_dates = {x.due_date for x in rows}
    due = min(due_dates) if due_dates else None
    if due is not None and on < due:
        return ValidationFailed(
            f"处置分析会须在{ly}年{lm}月台账报送截止日（{due.month}月{due.day}日）之后召开",
            code="analysis_before_ledger_due",
        )
    if not rows:
        return Conflict(
            f"{ly}年{lm}月的月度台账尚未生成，缺少台账不能安排{year}年{month}月处置分析会；请先生成台账并督促各单位报送",
            code="analysis_ledgers_missing",
        )
    if pending:
        names = "、".join(x.unit.short_name or x.unit.name for x in pending[:5])
        more = f"等 {len(pending)} 个单位" if len(pending) > 5 else ""
        return Conflict(
            f"{ly}年{lm}月台账尚有 {len(pending)} 份未报送（{names}{more}），缺少台账不能安排"
            f"{year}年{month}月处置分析会；请督促报送后再安排",
            code="analysis_ledgers_missing",
        )
    return None


@durable_action
def do_schedule_analysis_meeting(
    *,
    acting_user: User,
    year: int,
    month: int,
    held_at: dt.datetime | None,
    chair_id: Any,
    place: str = "",
    unit_ids: Iterable[Any] = (),
    participant_ids: Iterable[Any] = (),
    now: dt.datetime | None = None,
) -> AnalysisMeeting:
    """营商办 schedules the month's 处置分析会 on the day it is held: refused when that month already
    has one, when the day is outside the month or before the ledgers were due, and while the
    ledgers of the month before are missing. The attending units default to the ledgers' units."""
    now = now or timezone.now()
    access.require_manager(acting_user)
    year, month = _check_month(year, month)
    if held_at is None:
        raise ValidationFailed("请填写会议时间", code="held_at_required")
    day = timezone.localtime(held_at, SHANGHAI).date()
    if (day.year, day.month) != (year, month):
        raise ValidationFailed(f"会议时间须在{year}年{month}月内", code="analysis_month_mismatch")
    if AnalysisMeeting.objects.filter(year=year, month=month).exists():
        raise Conflict(f"{year}年{month}月处置分析会已安排", code="analysis_meeting_exists")
    refusal = ledgers_refusal(year, month, day)
    if refusal is not None:
        raise refusal
    ledgers, _ = missing_ledgers(year, month)
    ly, lm = ledger_period(year, month)
    units = list(unit_ids or ()) or list(dict.fromkeys(x.unit_id for x in ledgers))
    meeting = do_create_meeting.inner(
        acting_user=acting_user,
        type=MeetingType.ANALYSIS,
        title=f"{year}年{month}月营商环境问题处置分析会",
        held_at=held_at,
        chair_id=chair_id,
        place=place,
        unit_ids=units,
        participant_ids=participant_ids,
        now=now,
        audit_action="supervision.analysis_meeting_schedule",
        audit_extra={"month": f"{year}-{month:02d}", "ledgers": [x.pk for x in ledgers]},
    )
    row = AnalysisMeeting.objects.create(
        year=year,
        month=month,
        meeting=meeting,
        ledger_year=ly,
        ledger_month=lm,
        scheduled_by=acting_user,
        scheduled_at=now,
    )
    row.ledgers.set(ledgers)
    return row
