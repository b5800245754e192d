"""The 问题清单 (R7.1): 作风办 records a problem found by a 座谈会, a 明察暗访 or an 电话回访, transfers it
to a unit as a case (转办: the case is taken in on the 作风直通车 channel and dispatched to the unit
at once, with the channel's working-day deadline), or closes it directly when it was solved on the
spot. A transferred item's progress is its case's (`queries.problem_progress`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import ValidationFailed
from bangban.core.inputs import parse_date
from bangban.core.kit import check_version, durable_action, lock, save_change
from bangban.org.models import Region, Unit
from bangban.tickets.actions import do_dispatch
from bangban.tickets.guards import ReviewSignOff
from bangban.tickets.intake import API_POLICIES, IntakeInput, do_intake
from bangban.tickets.models import Channel, IntakeMode, TicketType, Urgency

from ..access import require_manager, visible_problems
from ..models import ProblemItem, ProblemSource
from ..queries import citable_item
from ..workflow import PROBLEM
from ._common import _required, _text
from .ztc import _enterprise

FOUND_WINDOW = dt.timedelta(days=366)
# The flow named to `do_dispatch(authorised_by=...)`: 作风办 routes the cases it creates itself
# (the guard registered in `apps.py` clears exactly those, for 作风办 only).
TRANSFER_FLOW = "conduct_problem"
# The intake mode of the case made from an item, by where the problem was found.
INTAKE_MODE = {
    ProblemSource.SYMPOSIUM: IntakeMode.VISIT,
    ProblemSource.COVERT: IntakeMode.VISIT,
    ProblemSource.CALLBACK: IntakeMode.PHONE,
    ProblemSource.OTHER: IntakeMode.ONLINE,
}
# Sources whose problems always concern one enterprise (a 明察暗访 may be of a window, not a firm).
ENTERPRISE_SOURCES = frozenset({ProblemSource.SYMPOSIUM, ProblemSource.CALLBACK})
POLICY = replace(API_POLICIES[Channel.CONDUCT], name="conduct_problem")


@dataclass
class ProblemInput:
    source: str = ""
    source_ref: str = ""
    enterprise_id: Any = None
    region_code: str = ""
    text: str = ""
    found_on: Any = None
    item_id: Any = None
    unit_id: Any = None


def _unit(unit_id: Any, *, required: bool) -> Unit | None:
    if not _text(unit_id):
        if required:
            raise ValidationFailed("请选择责任单位", code="unit_required", details={"field": "unit"})
        return None
    try:
        pk = int(str(unit_id).strip())
    except ValueError:
        pk = 0
    unit = Unit.objects.filter(pk=pk, is_active=True).first()
    if unit is None:
        raise ValidationFailed("所选责任单位不存在或已停用", code="unit_not_found", details={"field": "unit"})
    return unit


@durable_action
def do_record_problem(*, acting_user: User, data: ProblemInput, now: dt.datetime) -> ProblemItem:
    """A new 待转办 item. The enterprise is required for a 座谈会 or 电话回访 problem; without one the
    region must be named."""
    require_manager(acting_user)
    if data.source not in ProblemSource.values:
        raise ValidationFailed("请选择问题来源", code="invalid_source", details={"field": "source"})
    text = _required(data.text, "text", "请填写问题描述", 2000)
    day = parse_date(data.found_on, "found_on", "发现日期")
    today = timezone.localdate(now)
    if day > today:
        raise ValidationFailed("发现日期不能晚于今天", code="found_in_future", details={"field": "found_on"})
    if day < today - FOUND_WINDOW:
        raise ValidationFailed(
            "只能登记一年以内发现的问题", code="found_too_long_ago", details={"field": "found_on"}
        )
    enterprise = _enterprise(data.enterprise_id) if _text(data.enterprise_id) else None
    if enterprise is None and data.source in ENTERPRISE_SOURCES:
        raise ValidationFailed(
            "座谈会、电话回访发现的问题须选择企业",
            code="enterprise_required",
            details={"field": "enterprise"},
        )
    if enterprise is not None:
        region = enterprise.region
    else:
        code = _text(data.region_code)
        found = Region.objects.filter(code=code, is_active=True).first() if code else None
        if found is None:
            raise ValidationFailed("请选择问题所在地区", code="region_required", details={"field": "region"})
        region = found
    cited = citable_item(data.item_id, on=day, today=today) if _text(data.item_id) else None
    item = ProblemItem.objects.create(
        source=data.source,
        source_ref=_text(data.source_ref, 200),
        enterprise=enterprise,
        region=region,
        text=text,
        found_on=day,
        found_by=acting_user,
        recorded_at=now,
        cited_item=cited,
        unit=_unit(data.unit_id, required=False),
    )
    record(
        "conduct.problem_record",
        actor=acting_user,
        obj=item,
        after={
            "source": item.source,
            "region": region.code,
            "enterprise": item.enterprise_id,
            "found_on": str(day),
        },
    )
    return item


def _case_input(item: ProblemItem) -> IntakeInput:
    label = ProblemSource(item.source).label
    head = item.text.replace("\n", " ")
    title = f"【{label}】{head[:40]}" + ("…" if len(head) > 40 else "")
    lines = [item.text, "", f"问题来源：{label}" + (f"（{item.source_ref}）" if item.source_ref else "")]
    lines.append(f"发现日期：{item.found_on:%Y-%m-%d}")
    if item.cited_item_id and item.cited_item:
        lines.append(f"涉及负面清单事项：{item.cited_item.code} {item.cited_item.title}")
    return IntakeInput(
        title=title,
        content="\n".join(lines)[:5000],
        type=TicketType.COMPLAINT,
        enterprise_id=item.enterprise_id,
        region_code=item.region.code,
    )


@durable_action
def do_transfer_problem(
    *,
    acting_user: User,
    item_id: Any,
    unit_id: Any = None,
    urgency: str = Urgency.GENERAL,
    note: str = "",
    version: Any = None,
    now: dt.datetime,
) -> ProblemItem:
    """转办: a case is taken in (作风直通车) and dispatched to the unit as lead unit; the item links it."""
    require_manager(acting_user)
    item = lock(visible_problems(acting_user).select_related("region", "cited_item"), item_id)
    check_version(item, version, what="问题")
    target = PROBLEM.check(
        item.state, "transfer", message="该问题已转办或已办结，不能再转办", code="already_handled"
    )
    unit = _unit(unit_id if _text(unit_id) else item.unit_id, required=True)
    assert unit is not None
    if urgency not in Urgency.values:
        raise ValidationFailed("请选择办理时限类别", code="invalid_urgency", details={"field": "urgency"})
    result = do_intake(
        POLICY, acting_user, _case_input(item), now=now, intake_mode=INTAKE_MODE[ProblemSource(item.source)]
    )
    case = do_dispatch.inner(
        acting_user=acting_user,
        ticket_id=result.ticket.pk,
        lead_unit_id=unit.pk,
        urgency=urgency,
        note=_text(note, 500) or "作风办问题清单转办",
        now=now,
        authorised_by=ReviewSignOff(TRANSFER_FLOW, result.ticket.pk),
    )
    item.state = target
    item.unit = unit
    item.case = case
    item.transferred_at = now
    save_change(item, ["state", "unit", "case", "transferred_at"])
    record(
        "conduct.problem_transfer",
        actor=acting_user,
        obj=item,
        before={"state": "pending"},
        after={"state": target, "unit": unit.pk, "case": case.number},
    )
    return item


@durable_action
def do_resolve_problem(
    *, acting_user: User, item_id: Any, note: str, version: Any = None, now: dt.datetime
) -> ProblemItem:
    """直接办结: a problem solved on the spot needs no case; the note says how."""
    require_manager(acting_user)
    item = lock(visible_problems(acting_user), item_id)
    check_version(item, version, what="问题")
    target = PROBLEM.check(
        item.state, "resolve", message="该问题已转办或已办结，不能直接办结", code="already_handled"
    )
    text = _required(note, "note", "请填写办结说明", 1000)
    item.state = target
    item.closed_note = text
    item.closed_at = now
    save_change(item, ["state", "closed_note", "closed_at"])
    record(
        "conduct.problem_resolve",
        actor=acting_user,
        obj=item,
        before={"state": "pending"},
        after={"state": target, "note": text},
    )
    return item
