"""Who may see hotspots (堵点) and their 类案督办 and act on them — the only place that decides it.

- 堵点 pages: 营商办, 市政府办公室, administrators read them; 营商办 and administrators run an analysis;
  营商办 turns a problem into 督办 or into a 类案督办.
- 类案督办: 营商办, 市政府办公室 and administrators read every one; the members (承办人, 单位负责人)
  of its responsible unit read their unit's. A member answers; a head (单位负责人) of that unit
  approves or returns the answer. Anyone else gets 404 for a task, as for a case outside their view.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.core import kit
from bangban.core.errors import NotFound, PermissionDenied

from .models import HotspotProblem, HotspotRun, HotspotTask

# The 堵点 pages are 营商办's work; the 市政府办公室 and administrators may read them.
VIEW_ROLES = frozenset({Role.BIZ_OFFICE, Role.MAYOR_OFFICE, Role.ADMIN})
RUN_ROLES = frozenset({Role.BIZ_OFFICE, Role.ADMIN})
ESCALATE_ROLES = frozenset({Role.BIZ_OFFICE})
# The roles of a unit that answer a 类案督办 (members) and approve its answer (heads).
UNIT_ROLES = frozenset({Role.HANDLER, Role.UNIT_HEAD})
HEAD_ROLES = frozenset({Role.UNIT_HEAD})


def can_view(user: Any) -> bool:
    return has_any_role(user, VIEW_ROLES)


def can_run(user: Any) -> bool:
    return has_any_role(user, RUN_ROLES)


def can_escalate(user: Any) -> bool:
    return has_any_role(user, ESCALATE_ROLES)


def require_view(user: Any) -> None:
    if not can_view(user):
        raise PermissionDenied(
            "只有营商办、市政府办公室或系统管理员可以查看堵点分析", code="hotspots_forbidden"
        )


def access_run(user: Any, run_id: Any) -> HotspotRun:
    require_view(user)
    try:
        return HotspotRun.objects.get(pk=int(run_id))
    except (TypeError, ValueError, HotspotRun.DoesNotExist):
        raise NotFound("堵点分析不存在", code="not_found") from None


def access_problem(user: Any, problem_id: Any, action: str = "view") -> HotspotProblem:
    require_view(user)
    try:
        problem = HotspotProblem.objects.select_related("run", "representative").get(pk=int(problem_id))
    except (TypeError, ValueError, HotspotProblem.DoesNotExist):
        raise NotFound("堵点不存在", code="not_found") from None
    if action == "escalate" and not can_escalate(user):
        raise PermissionDenied("只有营商办可以将堵点转为督办", code="escalate_forbidden")
    if action == "task" and not can_escalate(user):
        raise PermissionDenied("只有营商办可以将堵点转为类案督办", code="task_forbidden")
    return problem


# --- 类案督办 --------------------------------------------------------------------------------------


def unit_member(user: Any, unit_id: int | None) -> bool:
    """A 承办人 or 单位负责人 of that unit."""
    return bool(unit_id and getattr(user, "unit_id", None) == unit_id and has_any_role(user, UNIT_ROLES))


def unit_head(user: Any, unit_id: int | None) -> bool:
    return bool(unit_id and getattr(user, "unit_id", None) == unit_id and has_any_role(user, HEAD_ROLES))


def can_list_tasks(user: Any) -> bool:
    """Who has a list of 类案督办: the readers of the 堵点 pages, and the members of any unit."""
    return can_view(user) or (bool(getattr(user, "unit_id", None)) and has_any_role(user, UNIT_ROLES))


def visible_tasks(user: Any) -> QuerySet[HotspotTask]:
    qs = HotspotTask.objects.all()
    if can_view(user):
        return qs
    if getattr(user, "unit_id", None) and has_any_role(user, UNIT_ROLES):
        return qs.filter(unit_id=user.unit_id)
    return qs.none()


def require_task_list(user: Any) -> None:
    if not can_list_tasks(user):
        raise PermissionDenied(
            "只有营商办、市政府办公室、系统管理员或承办单位可以查看类案督办", code="tasks_forbidden"
        )


def access_task(user: Any, task_id: Any, *, for_update: bool = False) -> HotspotTask:
    """The task, if the user may see it (404 otherwise); locked for the caller's transaction when
    `for_update` (only the task's row)."""
    qs = visible_tasks(user).select_related("problem", "unit")
    if for_update:
        return kit.lock(qs, task_id)
    try:
        return qs.get(pk=int(task_id))
    except (TypeError, ValueError, HotspotTask.DoesNotExist):
        raise NotFound("类案督办不存在", code="not_found") from None


def require_member(user: Any, task: HotspotTask) -> None:
    if not unit_member(user, task.unit_id):
        raise PermissionDenied(f"该类案督办应由{task.unit.name}答复，您所在单位不能答复", code="wrong_unit")


def require_head(user: Any, task: HotspotTask) -> None:
    if not unit_head(user, task.unit_id):
        raise PermissionDenied(
            f"只有{task.unit.name}的单位负责人可以审核类案督办的统一答复", code="head_required"
        )
