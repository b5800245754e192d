"""Who sees and does what in 局长跑现场 (R0.4 applied to R2.5).

* A unit head (单位负责人) books, records and manages his own unit's runs: makes rectification
  items of the problems found, turns a problem into a case, verifies items and closes runs.
* A unit head whose unit owns a rectification item of another unit's run sees that run and
  reports the item done (整改完成); he changes nothing else of it.
* 营商办 (and the auditor and the administrator) read every unit's runs and the yearly list.
Anything outside one's scope is "not found" (404), never "forbidden".
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.core import kit
from bangban.core.errors import NotFound, PermissionDenied

from .models import Item, Run

READER_ROLES = frozenset({Role.BIZ_OFFICE, Role.AUDITOR, Role.ADMIN})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_head(user: Any) -> bool:
    """A unit head with a unit: runs for that unit."""
    return (
        _active(user) and has_any_role(user, {Role.UNIT_HEAD}) and getattr(user, "unit_id", None) is not None
    )


def is_reader(user: Any) -> bool:
    """Reads every unit's runs and the yearly list (营商办, auditor, administrator)."""
    return _active(user) and has_any_role(user, READER_ROLES)


def sees_runs(user: Any) -> bool:
    return is_reader(user) or is_head(user)


def require_head(user: Any) -> int:
    if not is_head(user):
        raise PermissionDenied("只有单位负责人可以预约和记录跑现场")
    return int(user.unit_id)


def visible_runs(user: Any) -> QuerySet[Run]:
    qs = Run.objects.all()
    if is_reader(user):
        return qs
    if is_head(user):
        own = Q(unit_id=user.unit_id) | Q(
            pk__in=Item.objects.filter(owner_unit_id=user.unit_id).values("run_id")
        )
        return qs.filter(own)
    return qs.none()


def visible_items(user: Any) -> QuerySet[Item]:
    return Item.objects.filter(run__in=visible_runs(user))


def access_run(user: Any, run_id: Any) -> Run:
    """The run if `user` may see it; missing and out of scope raise NotFound."""
    try:
        pk = int(str(run_id).strip())
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = visible_runs(user).select_related("unit", "runner").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def manages(user: Any, run: Run) -> bool:
    """The head of the run's unit."""
    return is_head(user) and run.unit_id == user.unit_id


def lock_own_run(user: Any, run_id: Any) -> Run:
    """The run, locked, for a change by the head of its unit: out of scope → 404, visible but
    another unit's run → 403."""
    run = kit.lock(visible_runs(user), run_id)
    if not manages(user, run):
        raise PermissionDenied("只有本单位负责人可以办理该跑现场记录")
    return run


def may_report(user: Any, item: Item) -> bool:
    """The head of the run's unit or of the owner unit reports an item done."""
    return is_head(user) and user.unit_id in (item.run.unit_id, item.owner_unit_id)
