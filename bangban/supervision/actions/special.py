"""专项督查 (R14.1): 营商办 opens an inspection (立项), chooses its list from the mayor-channel cases
and the matters decided at government meetings, starts it (督查中), records a finding per item and
closes it (已办结), which stores the report. Only those two kinds of matter can be taken in: any
other case is refused with `special_out_of_scope`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import InvalidTransition, NotFound, ValidationFailed
from bangban.core.kit import durable_action
from bangban.tickets.public import cases_numbered

from .. import access, sources, special, workflow
from ..models import SpecialInspection, SpecialInspectionItem, SpecialItemKind, SpecialStatus, SpecialVerdict

SCOPE_RULE = "专项督查只督查投诉至市长的诉求（市长直通车）和市政府会议议定的事项"


def _snapshot(inspection: SpecialInspection) -> dict[str, Any]:
    return {"title": inspection.title, "status": inspection.status}


def _locked(user: Any, inspection_id: Any) -> SpecialInspection:
    access.access_special(user, inspection_id)
    return kit.lock(SpecialInspection, inspection_id)


def _title(title: Any) -> str:
    text = str(title or "").strip()
    if not text or len(text) > 120:
        raise ValidationFailed(
            "请填写督查名称（不超过 120 字）",
            code="title_invalid",
            details={"fields": {"title": "请填写督查名称"}},
        )
    return text


@durable_action
def do_create_special(user: Any, *, title: Any, basis: Any = "", now: dt.datetime) -> SpecialInspection:
    access.require_manager(user)
    basis_text = str(basis or "").strip()
    if len(basis_text) > 1000:
        raise ValidationFailed("督查依据与要求不能超过 1000 字", code="basis_invalid")
    inspection = SpecialInspection.objects.create(
        title=_title(title), basis=basis_text, created_by=user, created_at=now
    )
    record(
        "supervision.special_create", actor=user, obj=inspection, object_repr=inspection.title,
        after=_snapshot(inspection),
    )  # fmt: skip
    return inspection


def split_numbers(text: Any) -> list[str]:
    """Case numbers from a text field: separated by spaces, commas, 、 or new lines."""
    return [n for n in re.split(r"[\s,，、;；]+", str(text or "")) if n]


def _task_ids(values: Iterable[Any]) -> list[int]:
    ids = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 0 < number < 2**31:
            raise ValidationFailed(f"会议议定事项编号无效：{value}", code="special_out_of_scope")
        ids.append(number)
    return ids


@durable_action
def do_add_special_items(
    user: Any,
    inspection_id: Any,
    *,
    case_numbers: Iterable[str] = (),
    task_ids: Iterable[Any] = (),
    version: Any = None,
    now: dt.datetime,
) -> list[SpecialInspectionItem]:
    """Take mayor-channel cases (by number) and meeting decisions (by id) into the list. Everything
    or nothing: one case or decision outside the scope refuses the whole request."""
    inspection = _locked(user, inspection_id)
    kit.check_version(inspection, version)
    workflow.SPECIAL.check(
        inspection.status, "edit_items", message="督查已启动，不能再调整督查清单", code="special_not_planned"
    )
    numbers = list(dict.fromkeys(str(n).strip() for n in case_numbers if str(n).strip()))
    tasks = list(dict.fromkeys(_task_ids(task_ids)))
    if not numbers and not tasks:
        raise ValidationFailed("请选择要纳入督查的市长直通车诉求或会议议定事项", code="special_items_empty")
    cases = {c.number: c for c in cases_numbered(numbers).select_related("lead_unit")}
    unknown = [n for n in numbers if n not in cases]
    if unknown:
        raise ValidationFailed(f"诉求编号不存在：{'、'.join(unknown[:10])}", code="case_not_found")
    mayor = sources.mayor_case_ids([c.pk for c in cases.values()]).data
    outside = [n for n, c in cases.items() if c.pk not in mayor]
    if outside:
        raise ValidationFailed(
            f"诉求 {'、'.join(outside[:10])} 不是市长直通车诉求，不能纳入专项督查（{SCOPE_RULE}）",
            code="special_out_of_scope",
        )
    rows = {t["id"]: t for t in sources.meeting_tasks(tasks).data} if tasks else {}
    missing = [t for t in tasks if t not in rows]
    if missing:
        raise ValidationFailed(
            f"会议议定事项 {'、'.join(str(t) for t in missing[:10])} 不存在，不能纳入专项督查（{SCOPE_RULE}）",
            code="special_out_of_scope",
        )
    have_cases = set(inspection.items.filter(ticket__isnull=False).values_list("ticket_id", flat=True))
    have_tasks = set(inspection.items.filter(task_ref__isnull=False).values_list("task_ref", flat=True))
    added = [
        SpecialInspectionItem(
            inspection=inspection, kind=SpecialItemKind.MAYOR, ticket=c, title=c.title[:500],
            unit=c.lead_unit, due_at=c.due_at, added_at=now,
        )
        for c in cases.values()
        if c.pk not in have_cases
    ] + [
        SpecialInspectionItem(
            inspection=inspection, kind=SpecialItemKind.MEETING, task_ref=t["id"],
            title=f"{t['meeting']}：{t['content']}"[:500], unit_id=t["unit_id"], due_at=t["due_at"], added_at=now,
        )
        for t in rows.values()
        if t["id"] not in have_tasks
    ]  # fmt: skip
    SpecialInspectionItem.objects.bulk_create(added)
    kit.save_change(inspection, [])
    record(
        "supervision.special_items", actor=user, obj=inspection, object_repr=inspection.title,
        after={"cases": [c.number for c in cases.values() if c.pk not in have_cases],
               "tasks": [t for t in rows if t not in have_tasks]},
    )  # fmt: skip
    return added


@durable_action
def do_remove_special_item(user: Any, inspection_id: Any, item_id: Any, *, version: Any = None) -> None:
    inspection = _locked(user, inspection_id)
    kit.check_version(inspection, version)
    workflow.SPECIAL.check(
        inspection.status, "edit_items", message="督查已启动，不能再调整督查清单", code="special_not_planned"
    )
    item = _item(inspection, item_id)
    before = {"item": item.pk, "title": item.title}
    item.delete()
    kit.save_change(inspection, [])
    record(
        "supervision.special_item_remove",
        actor=user,
        obj=inspection,
        object_repr=inspection.title,
        before=before,
    )


def _item(inspection: SpecialInspection, item_id: Any) -> SpecialInspectionItem:
    try:
        return inspection.items.get(pk=int(item_id))
    except (TypeError, ValueError, SpecialInspectionItem.DoesNotExist):
        raise NotFound("督查清单中没有该事项", code="special_item_not_found") from None


@durable_action
def do_start_special(
    user: Any, inspection_id: Any, *, version: Any = None, now: dt.datetime
) -> SpecialInspection:
    inspection = _locked(user, inspection_id)
    kit.check_version(inspection, version)
    before = _snapshot(inspection)
    status = workflow.SPECIAL.check(inspection.status, "start", code="special_not_planned")
    if not inspection.items.exists():
        raise ValidationFailed("督查清单为空：请先纳入督查事项再启动", code="special_items_empty")
    inspection.status, inspection.started_at = status, now
    kit.save_change(inspection, ["status", "started_at"])
    record(
        "supervision.special_start", actor=user, obj=inspection, object_repr=inspection.title,
        before=before, after=_snapshot(inspection),
    )  # fmt: skip
    return inspection


@durable_action
def do_check_special_item(
    user: Any,
    inspection_id: Any,
    item_id: Any,
    *,
    verdict: Any,
    finding: Any = "",
    version: Any = None,
    now: dt.datetime,
) -> SpecialInspectionItem:
    """The inspector's conclusion on one item (它可以改判，直到办结)."""
    inspection = _locked(user, inspection_id)
    kit.check_version(inspection, version)
    workflow.SPECIAL.check(
        inspection.status, "check", message="督查未在进行中，不能登记督查结论", code="special_not_active"
    )
    item = _item(inspection, item_id)
    if verdict not in SpecialVerdict.values or verdict == SpecialVerdict.PENDING:
        raise ValidationFailed("督查结论应为：已落实、推进滞后或未落实", code="verdict_invalid")
    text = str(finding or "").strip()
    if len(text) > 1000:
        raise ValidationFailed("督查意见不能超过 1000 字", code="finding_invalid")
    if verdict != SpecialVerdict.DONE and not text:
        raise ValidationFailed(
            "推进滞后或未落实的事项须写明督查意见", code="finding_required",
            details={"fields": {"finding": "请写明督查意见"}},
        )  # fmt: skip
    before = {"item": item.pk, "verdict": item.verdict, "finding": item.finding}
    item.verdict, item.finding, item.checked_by, item.checked_at = verdict, text, user, now
    item.save(update_fields=["verdict", "finding", "checked_by", "checked_at"])
    kit.save_change(inspection, [])
    record(
        "supervision.special_check", actor=user, obj=inspection, object_repr=inspection.title,
        before=before, after={"item": item.pk, "verdict": item.verdict, "finding": item.finding},
    )  # fmt: skip
    return item


@durable_action
def do_close_special(
    user: Any, inspection_id: Any, *, version: Any = None, now: dt.datetime
) -> SpecialInspection:
    """Close the inspection once every item has a conclusion; the report is built and stored."""
    inspection = _locked(user, inspection_id)
    kit.check_version(inspection, version)
    before = _snapshot(inspection)
    status = workflow.SPECIAL.check(inspection.status, "close", code="special_not_active")
    pending = inspection.items.filter(verdict=SpecialVerdict.PENDING).count()
    if pending:
        raise InvalidTransition(f"还有{pending}项未登记督查结论，不能办结", code="special_items_pending")
    inspection.report = special.build_report(inspection, now)
    inspection.status, inspection.closed_at, inspection.closed_by = status, now, user
    kit.save_change(inspection, ["status", "closed_at", "closed_by", "report"])
    record(
        "supervision.special_close", actor=user, obj=inspection, object_repr=inspection.title,
        before=before, after={**_snapshot(inspection), "totals": inspection.report["totals"]},
    )  # fmt: skip
    return inspection


__all__ = [
    "SCOPE_RULE",
    "SpecialStatus",
    "do_add_special_items",
    "do_check_special_item",
    "do_close_special",
    "do_create_special",
    "do_remove_special_item",
    "do_start_special",
    "split_numbers",
]
