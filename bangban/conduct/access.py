"""Who sees and does what in the conduct registers (R0.4 applied to R7.2).

* 作风办 (and the system administrator) maintain the 负面清单 and the settings, and see every entry,
  flag and monthly figure of the city.
* The supervising roles (营商办, 审计员) read the same, within their scope, and change nothing.
* An official — anyone holding a staff role in a unit — registers his or her entries into
  enterprises, and sees the entries of his or her own unit; only that unit records the time out.
* An enterprise user sees every entry into his or her enterprise, confirms it or reports it as
  improper, reports unregistered entries and prints the enterprise's gate QR code.
* The 负面清单 is shown to everyone who is signed in.
A record outside one's scope is "not found" (404), never "forbidden".
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bangban.accounts.access import enterprise_scope_q, has_any_role, scope_of
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.core.errors import NotFound, PermissionDenied

from .models import Designation, Entry, Flag, ProblemItem, UnregisteredReport

MANAGER_ROLES = frozenset({Role.CONDUCT_OFFICE, Role.ADMIN})
OVERSIGHT_ROLES = MANAGER_ROLES | frozenset({Role.BIZ_OFFICE, Role.AUDITOR})


def is_manager(user: Any) -> bool:
    return has_any_role(user, MANAGER_ROLES) and not scope_of(user).empty


def is_overseer(user: Any) -> bool:
    return has_any_role(user, OVERSIGHT_ROLES) and not scope_of(user).empty


def is_enterprise_user(user: Any) -> bool:
    return has_any_role(user, {Role.ENTERPRISE}) and getattr(user, "enterprise_id", None) is not None


def is_official(user: Any) -> bool:
    """A member of staff of a unit: may register entries into enterprises."""
    return (
        has_any_role(user, STAFF_ROLES)
        and getattr(user, "unit_id", None) is not None
        and not is_enterprise_user(user)
    )


def can_read(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def require_manager(user: Any) -> None:
    if not is_manager(user):
        raise PermissionDenied("只有作风办可以维护负面清单和作风建设设置")


def require_official(user: Any) -> None:
    if not is_official(user):
        raise PermissionDenied("只有单位工作人员可以登记入企")


def require_enterprise_user(user: Any) -> None:
    if not is_enterprise_user(user):
        raise PermissionDenied("只有企业用户可以执行此操作")


def visible_entries(user: Any) -> QuerySet[Entry]:
    qs = Entry.objects.all()
    if not can_read(user):
        return qs.none()
    if is_overseer(user):
        scoped = enterprise_scope_q(user)
        if scoped is not None:
            return qs.filter(scoped) if scoped else qs
    if is_enterprise_user(user):
        return qs.filter(enterprise_id=user.enterprise_id)
    if is_official(user):
        return qs.filter(Q(unit_id=user.unit_id) | Q(official_id=user.pk))
    return qs.none()


def access_entry(user: Any, entry_id: int | str, action: str = "view") -> Entry:
    """The entry if `user` may `action` it: "view", "leave" (the registering unit) or "respond"
    (the enterprise). Missing and out-of-scope raise NotFound; visible but not allowed, PermissionDenied."""
    try:
        pk = int(entry_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    entry = (
        visible_entries(user)
        .select_related("enterprise", "official", "unit", "breached_item", "breached_item__list_version")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise NotFound()
    if action == "leave" and not may_leave(user, entry):
        raise PermissionDenied("只有登记单位的工作人员可以记录离开时间")
    if action == "respond" and not may_respond(user, entry):
        raise PermissionDenied("只有被入企的企业可以确认或反映入企情况")
    return entry


def may_leave(user: Any, entry: Entry) -> bool:
    return is_official(user) and (entry.official_id == user.pk or entry.unit_id == user.unit_id)


def may_respond(user: Any, entry: Entry) -> bool:
    return is_enterprise_user(user) and entry.enterprise_id == user.enterprise_id


def visible_reports(user: Any) -> QuerySet[UnregisteredReport]:
    qs = UnregisteredReport.objects.all()
    if is_overseer(user):
        scoped = enterprise_scope_q(user)
        if scoped is not None:
            return qs.filter(scoped) if scoped else qs
    if is_enterprise_user(user):
        return qs.filter(enterprise_id=user.enterprise_id)
    return qs.none()


def visible_flags(user: Any) -> QuerySet[Flag]:
    """Flags are 作风办's working list; the supervising roles read them in their scope."""
    if not is_overseer(user):
        return Flag.objects.none()
    scoped = enterprise_scope_q(user)
    if scoped is None:
        return Flag.objects.none()
    return Flag.objects.filter(scoped) if scoped else Flag.objects.all()


# --- 直通车企业、观察点 and the 问题清单 (R7.1) ------------------------------------------------------
# 作风办 designates enterprises and keeps the 问题清单; the supervising roles read both in their scope;
# an enterprise user sees its own enterprise's designations (and the channel to use), never the list.


def visible_designations(user: Any) -> QuerySet[Designation]:
    qs = Designation.objects.all()
    if is_overseer(user):
        scoped = enterprise_scope_q(user)
        if scoped is not None:
            return qs.filter(scoped) if scoped else qs
    if is_enterprise_user(user):
        return qs.filter(enterprise_id=user.enterprise_id)
    return qs.none()


def visible_problems(user: Any) -> QuerySet[ProblemItem]:
    """The 问题清单 in the user's scope: a county's supervisors read the items of their region."""
    if not is_overseer(user):
        return ProblemItem.objects.none()
    scope = scope_of(user)
    if scope.city_wide:
        return ProblemItem.objects.all()
    if scope.region_path is not None:
        return ProblemItem.objects.filter(region__path__startswith=scope.region_path)
    return ProblemItem.objects.none()
