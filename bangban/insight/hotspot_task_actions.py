"""类案督办: a hotspot (堵点) turned into one systemic task, answered once, the answer given to every
linked case.

营商办 turns a problem into one task for one responsible unit, linking the problem's cases that are
dispatched and not finished (conduct complaints excluded, as for 督办). A member of that unit records
one answer — the systemic fix and the measures taken; a head (单位负责人) of the unit approves it or
returns it with a comment. On approval the answer becomes the reply of each linked case that is still
办理中, through the case system's own action (`tickets.actions.do_shared_reply`: one lifecycle move
and one timeline/audit entry per case), so that each case is followed up and rated by its enterprise
on its own. A linked case closed or answered meanwhile is left alone; one that cannot take a reply
now (待签收, 已挂起, 答复待审核, returned to the dispatcher) is reported on the task and on its own
timeline, never skipped silently. The task writes one audit event per step.

Why here and not in escalation: docs/text-intelligence.md (转为类案督办).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import Conflict, ValidationFailed
from bangban.notifications.actions import notify_user
from bangban.org.models import Unit
from bangban.tickets.actions import SharedAnswer, do_shared_reply
from bangban.tickets.events import add_event
from bangban.tickets.models import Channel, ReplyResult
from bangban.tickets.notifications import unit_heads, unit_members
from bangban.tickets.public import cases_in, lock_case
from bangban.tickets.workflow import OPEN_STATUSES, Action, Status, allowed_actions
from bangban.workdays.service import due

from . import hotspots_access as access
from .models import HotspotCase, HotspotProblem, HotspotTask, HotspotTaskCase, TaskCaseOutcome, TaskStatus
from .workflow import TASK

DEFAULT_WORKDAYS = 10
MAX_WORKDAYS = 60
MAX_REQUIREMENT = 800
MAX_ANSWER = 3000
MAX_MEASURES = 1500
MAX_COMMENT = 500
# The largest id a database key holds; a larger number names no unit (and must not reach SQL).
_MAX_ID = 2**31 - 1

ACTION_LABELS = {
    "insight.hotspot_task_created": "堵点转类案督办",
    "insight.hotspot_task_answered": "提交类案统一答复",
    "insight.hotspot_task_returned": "退回类案统一答复",
    "insight.hotspot_task_approved": "类案统一答复审核通过",
}
# The timeline entries this flow writes on a linked case (besides the case system's 类案统一答复).
EVENT_LABELS = {
    "hotspot_task_linked": "纳入类案督办",
    "hotspot_task_not_replied": "类案统一答复未能写入",
}


def link_of(task: HotspotTask) -> str:
    return f"/insight/hotspots/tasks/{task.pk}/"


def source_of(task: HotspotTask) -> str:
    """How messages and the reply's review note name the task."""
    return f"类案督办（{task.unit.name}）"


def eligible_case_ids(problem: HotspotProblem) -> list[int]:
    """The problem's cases a task links: dispatched (a lead unit) and not finished; never a conduct
    complaint (作风直通车, left to 作风办 and never shown)."""
    ids = HotspotCase.objects.filter(problem=problem).values_list("ticket_id", flat=True)
    return list(
        cases_in(ids)
        .filter(status__in=sorted(OPEN_STATUSES), lead_unit__isnull=False)
        .exclude(channel=Channel.CONDUCT)
        .order_by("id")
        .values_list("id", flat=True)
    )


def busy_case_ids(ids: list[int]) -> set[int]:
    """Those of `ids` already linked, still waiting, to another 类案督办 that is not yet answered:
    a case gets one systemic answer at a time (each day's run finds the same problem again)."""
    return set(
        HotspotTaskCase.objects.filter(ticket_id__in=ids, outcome=TaskCaseOutcome.PENDING)
        .exclude(task__status=TaskStatus.DONE)
        .values_list("ticket_id", flat=True)
    )


def suggested_unit(problem: HotspotProblem) -> Unit | None:
    """The unit that leads most of the cases a task would link (ties: the smaller id), the default of
    the form's unit picker."""
    candidates = eligible_case_ids(problem)
    busy = busy_case_ids(candidates)
    leads = Counter(cases_in([i for i in candidates if i not in busy]).values_list("lead_unit_id", flat=True))
    if not leads:
        return None
    unit_id = min(leads, key=lambda u: (-leads[u], u))
    return Unit.objects.filter(pk=unit_id, is_active=True).first()


def _text(value: Any, *, limit: int, code: str, message: str, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(message, code=code)
    if len(text) > limit:
        raise ValidationFailed(f"内容过长，最多 {limit} 字", code="too_long")
    return text


def _result(value: Any) -> str:
    """The 办理结果 of the one answer: 已解决, 部分解决 or 解释说明."""
    result = str(value or "").strip()
    if not result:
        raise ValidationFailed(
            "请选择办理结果（已解决、部分解决或解释说明）",
            code="result_required",
            details={"field": "result"},
        )
    if result not in ReplyResult.values:
        raise ValidationFailed(
            "办理结果无效，应为已解决、部分解决或解释说明", code="result_invalid", details={"field": "result"}
        )
    return result


def _unit(value: Any) -> Unit:
    if value in (None, ""):
        raise ValidationFailed("请选择责任单位", code="unit_required")
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        pk = 0
    unit = Unit.objects.filter(pk=pk, is_active=True).first() if 1 <= pk <= _MAX_ID else None
    if unit is None:
        raise ValidationFailed("责任单位不存在或已停用", code="unit_invalid")
    return unit


def _workdays(value: Any) -> int:
    if value in (None, ""):
        return DEFAULT_WORKDAYS
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= MAX_WORKDAYS:
        raise ValidationFailed(f"答复时限应为 1–{MAX_WORKDAYS} 个工作日", code="invalid_workdays")
    return n


def _tell(users: list[Any], actor: Any, subject: str, body: str, link: str, key: str) -> None:
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or user.pk == getattr(actor, "pk", None) or not user.is_active:
            continue
        seen.add(user.pk)
        notify_user(user, subject, body, link=link, dedupe_key_prefix=key)


@kit.durable_action
def do_create_task(
    *,
    acting_user: Any,
    problem_id: Any,
    requirement: str,
    unit_id: Any,
    now: dt.datetime,
    workdays: Any = None,
    version: Any = None,
) -> HotspotTask:
    """营商办 turns a problem into one 类案督办 for `unit_id`, due in `workdays` working days, linking
    the problem's open, dispatched cases (not conduct complaints, not cases already waiting for
    another 类案督办's answer). Each linked case's timeline records it (internal entry)."""
    problem = access.access_problem(acting_user, problem_id, "task")
    problem = kit.lock(HotspotProblem, problem.pk)
    kit.check_version(problem, version)
    if HotspotTask.objects.filter(problem=problem).exists():
        raise Conflict("该堵点已转为类案督办", code="task_exists")
    text = _text(requirement, limit=MAX_REQUIREMENT, code="content_required", message="请填写督办要求")
    unit = _unit(unit_id)
    n = _workdays(workdays)
    candidates = eligible_case_ids(problem)
    busy = busy_case_ids(candidates)
    ids = [i for i in candidates if i not in busy]
    if not ids:
        raise ValidationFailed(
            "该堵点没有已派单且未办结、尚未纳入其他类案督办的诉求，无需转为类案督办", code="no_open_cases"
        )
    task = HotspotTask.objects.create(
        problem=problem, unit=unit, requirement=text, workdays=n, due_at=due(now, n).at,
        created_by=acting_user, created_at=now,
    )  # fmt: skip
    cases = list(cases_in(ids).order_by("id"))
    HotspotTaskCase.objects.bulk_create(
        [HotspotTaskCase(task=task, ticket_id=c.pk, linked_status=c.status) for c in cases]
    )
    for case in cases:
        add_event(
            case,
            "hotspot_task_linked",
            actor=acting_user,
            note=f"纳入类案督办「{problem.label}」，由{unit.name}统一答复（{n} 个工作日内）：{text[:300]}",
            data={"task_id": task.pk},
            audit_after={"task": task.pk, "unit": unit.pk},
            now=now,
        )
    kit.save_change(problem, [])
    record(
        "insight.hotspot_task_created",
        actor=acting_user,
        obj=task,
        after={
            "problem": problem.pk, "unit": unit.pk, "workdays": n, "due_at": task.due_at, "cases": ids,
            "already_in_other_tasks": sorted(busy), "requirement": text[:200],
        },
    )  # fmt: skip
    _tell(unit_members(unit.pk), acting_user, f"类案督办：请于 {n} 个工作日内统一答复",
          f"{problem.label}（{len(ids)} 件诉求）：{text[:200]}", link_of(task), f"hotspot_task:{task.pk}")  # fmt: skip
    return task


@kit.durable_action
def do_answer_task(
    *,
    acting_user: Any,
    task_id: Any,
    answer: str,
    measures: str,
    now: dt.datetime,
    version: Any = None,
    result: str = "",
) -> HotspotTask:
    """A member of the responsible unit records the one answer: the systemic fix, the measures
    taken and the 办理结果 (`ReplyResult`, required) each linked case's reply will carry. It waits
    for a head of the unit."""
    task = access.access_task(acting_user, task_id, for_update=True)
    kit.check_version(task, version)
    access.require_member(acting_user, task)
    target = TASK.check(task.status, "answer")
    task.answer = _text(answer, limit=MAX_ANSWER, code="answer_required", message="请填写统一答复")
    task.measures = _text(
        measures, limit=MAX_MEASURES, code="measures_required", message="请填写已采取的整改措施"
    )
    task.result = _result(result)
    before = {"status": task.status}
    task.status, task.answered_by, task.answered_at = target, acting_user, now
    kit.save_change(task, ["answer", "measures", "result", "status", "answered_by", "answered_at"])
    record("insight.hotspot_task_answered", actor=acting_user, obj=task, before=before,
           after={"status": task.status, "answer": task.answer[:200], "measures": task.measures[:200],
                  "result": task.result})  # fmt: skip
    _tell(unit_heads(task.unit_id), acting_user, "类案督办统一答复待审核",
          f"{task.problem.label}：{task.answer[:200]}", link_of(task),
          f"hotspot_task:{task.pk}:answered:{task.version}")  # fmt: skip
    return task


@kit.durable_action
def do_return_task(
    *, acting_user: Any, task_id: Any, comment: str, now: dt.datetime, version: Any = None
) -> HotspotTask:
    """A head of the responsible unit sends the answer back with a comment; the unit answers again."""
    task = access.access_task(acting_user, task_id, for_update=True)
    kit.check_version(task, version)
    access.require_head(acting_user, task)
    target = TASK.check(task.status, "return")
    text = _text(comment, limit=MAX_COMMENT, code="comment_required", message="退回答复必须填写意见")
    before = {"status": task.status}
    task.status, task.review_comment, task.reviewed_by, task.reviewed_at = target, text, acting_user, now
    kit.save_change(task, ["status", "review_comment", "reviewed_by", "reviewed_at"])
    record("insight.hotspot_task_returned", actor=acting_user, obj=task, before=before,
           after={"status": task.status, "comment": text})  # fmt: skip
    _tell([task.answered_by], acting_user, "类案督办统一答复被退回", f"{task.problem.label}：{text}",
          link_of(task), f"hotspot_task:{task.pk}:returned:{task.version}")  # fmt: skip
    return task


def reply_text(task: HotspotTask) -> str:
    """What each linked case's enterprise reads as its reply."""
    return f"{task.answer}\n\n已采取的整改措施：{task.measures}\n\n（同类问题统一答复）"


def refusal_reason(status: str) -> str:
    why = {
        Status.DISPATCHED: "主办单位尚未签收",
        Status.SUSPENDED: "诉求已挂起",
        Status.REPLY_REVIEW: "主办单位已有答复待审核",
        Status.PENDING_DISPATCH: "诉求已退回派单员，尚无主办单位",
    }.get(Status(status), "")
    return f"诉求当前为“{Status(status).label}”{'（' + why + '）' if why else ''}，不能写入统一答复，请主办单位按常规答复"


@kit.durable_action
def do_approve_task(
    *, acting_user: Any, task_id: Any, now: dt.datetime, comment: str = "", version: Any = None
) -> HotspotTask:
    """A head of the responsible unit approves the answer: it becomes the reply of each linked case
    still 办理中 (`tickets.actions.do_shared_reply`, one lifecycle move and one timeline/audit entry
    per case); a case closed or answered meanwhile is left alone; one in another open status is
    reported (on the task and, internally, on its timeline). One audit event for the task."""
    task = access.access_task(acting_user, task_id, for_update=True)
    kit.check_version(task, version)
    access.require_head(acting_user, task)
    target = TASK.check(task.status, "approve")
    note = _text(comment, limit=MAX_COMMENT, code="comment_invalid", message="", required=False)
    answer = SharedAnswer(
        flow="hotspot_task", ref=task.pk, source=source_of(task), drafted_by=task.answered_by,
        drafted_at=task.answered_at, result=task.result,
    )  # fmt: skip
    content = reply_text(task)
    outcome: dict[str, list[int]] = {str(o): [] for o in TaskCaseOutcome if o != TaskCaseOutcome.PENDING}
    # Cases in id order: two approvals of overlapping tasks lock them in the same order.
    for link in task.cases.filter(outcome=TaskCaseOutcome.PENDING).order_by("ticket_id"):
        ticket = lock_case(link.ticket_id)
        if ticket is None:  # pragma: no cover - a linked case is never deleted (the link would go too)
            continue
        status = Status(ticket.status)
        if status not in OPEN_STATUSES:
            link.outcome = TaskCaseOutcome.LEFT
            link.note = f"诉求已为“{status.label}”，未改动"
        elif Action.SHARED_REPLY not in allowed_actions(status):
            link.outcome = TaskCaseOutcome.REFUSED
            link.note = refusal_reason(status)
            add_event(ticket, "hotspot_task_not_replied", actor=acting_user,
                      note=f"类案督办「{task.problem.label}」的统一答复未能写入：{link.note}",
                      data={"task_id": task.pk}, now=now)  # fmt: skip
        else:
            ticket = do_shared_reply.inner(
                acting_user=acting_user, ticket_id=ticket.pk, content=content, answer=answer, now=now
            )
            link.outcome = TaskCaseOutcome.REPLIED
            link.note = ""
        link.settled_status, link.settled_at = ticket.status, now
        link.save(update_fields=["outcome", "note", "settled_status", "settled_at"])
        outcome[link.outcome].append(link.ticket_id)
    before = {"status": task.status}
    task.status, task.review_comment, task.reviewed_by, task.reviewed_at = target, note, acting_user, now
    kit.save_change(task, ["status", "review_comment", "reviewed_by", "reviewed_at"])
    record("insight.hotspot_task_approved", actor=acting_user, obj=task, before=before,
           after={"status": task.status, **outcome})  # fmt: skip
    summary = (
        f"已统一答复 {len(outcome[TaskCaseOutcome.REPLIED])} 件，已办结或已答复未改动 "
        f"{len(outcome[TaskCaseOutcome.LEFT])} 件，未能写入 {len(outcome[TaskCaseOutcome.REFUSED])} 件"
    )
    _tell([task.created_by, task.answered_by], acting_user, "类案督办统一答复已审核通过",
          f"{task.problem.label}：{summary}", link_of(task), f"hotspot_task:{task.pk}:approved")  # fmt: skip
    return task


def approval_summary(task: HotspotTask) -> dict[str, int]:
    """How many linked cases each outcome holds."""
    counts = Counter(task.cases.values_list("outcome", flat=True))
    return {str(o): counts.get(str(o), 0) for o in TaskCaseOutcome}
