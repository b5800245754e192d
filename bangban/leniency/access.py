"""Who sees and does what in the leniency registers (R0.4 applied to R9.2).

* 司法局执法监督 (and the system administrator) keep the 免罚轻罚清单 (import, export) and review
  every decision of the city.
* An inspector (执法人员) of a unit runs the decision aid and records decisions for his or her
  unit, and sees that unit's decisions; a unit head (单位负责人) sees the unit's decisions.
* 营商办 and 审计员 read every decision and the monthly figures, and change nothing.
* The catalogue in force is shown to every member of staff.
A decision outside one's scope is "not found" (404), never "forbidden".
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.core.errors import NotFound, PermissionDenied

from .models import Decision

KEEPER_ROLES = frozenset({Role.LEGAL_OVERSIGHT, Role.ADMIN})
READER_ROLES = KEEPER_ROLES | frozenset({Role.BIZ_OFFICE, Role.AUDITOR})
UNIT_ROLES = frozenset({Role.INSPECTOR, Role.UNIT_HEAD})


def is_keeper(user: Any) -> bool:
    """司法局: keeps the catalogue and reviews decisions."""
    return has_any_role(user, KEEPER_ROLES) and not scope_of(user).empty


def is_reader(user: Any) -> bool:
    """Reads every decision and the figures of the city."""
    return has_any_role(user, READER_ROLES) and not scope_of(user).empty


def is_inspector(user: Any) -> bool:
    return has_any_role(user, {Role.INSPECTOR}) and getattr(user, "unit_id", None) is not None


def is_unit_reader(user: Any) -> bool:
    return has_any_role(user, UNIT_ROLES) and getattr(user, "unit_id", None) is not None


def is_staff_member(user: Any) -> bool:
    """Anyone working inside government (reads the catalogue)."""
    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    roles = user.role_codes()
    return bool(roles & STAFF_ROLES) and Role.ENTERPRISE not in roles


def sees_decisions(user: Any) -> bool:
    return is_reader(user) or is_unit_reader(user)


def require_keeper(user: Any) -> None:
    if not is_keeper(user):
        raise PermissionDenied("只有司法局执法监督人员可以维护免罚轻罚清单和审查决定")


def require_inspector(user: Any) -> None:
    if not is_inspector(user):
        raise PermissionDenied("只有执法人员可以使用首违不罚辅助决定")


def own_unit_id(user: Any) -> int:
    """The unit an inspector decides for."""
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None:
        raise PermissionDenied("该账号未关联单位，不能记录执法决定")
    return int(unit_id)


def visible_decisions(user: Any) -> QuerySet[Decision]:
    qs = Decision.objects.all()
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return qs.none()
    if is_reader(user):
        return qs
    if is_unit_reader(user):
        return qs.filter(unit_id=user.unit_id)
    return qs.none()


def access_decision(user: Any, decision_id: Any, action: str = "view") -> Decision:
    """The decision if `user` may `action` it ("view" or "review"). Missing and out of scope raise
    NotFound; visible but not allowed, PermissionDenied."""
    try:
        pk = int(str(decision_id).strip())
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = (
        visible_decisions(user)
        .select_related("enterprise", "item", "item__unit", "unit", "decided_by", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    if action == "review":
        require_keeper(user)
    return found
