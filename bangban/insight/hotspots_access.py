"""Who may see hotspots (堵点) and act on them — the only place that decides it."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.core.errors import NotFound, PermissionDenied

from .models import HotspotProblem, HotspotRun

# The 堵点 pages are 营商办's work; the 市政府办公室 and administrators may read them.
VIEW_ROLES = frozenset({Role.BIZ_OFFICE, Role.MAYOR_OFFICE, Role.ADMIN})
RUN_ROLES = frozenset({Role.BIZ_OFFICE, Role.ADMIN})
ESCALATE_ROLES = frozenset({Role.BIZ_OFFICE})


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
    return problem
