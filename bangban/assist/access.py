"""Who sees and who acts in 帮办代办 (R2.1, R0.4).

* 营商办 and system administrators manage the sites and their rosters and see everything.
* A staff user on a site's roster (an open `RosterEntry`) is that site's 帮办代办员: records the
  services given there, opens and works its 代办.
* Other staff read within their scope: city-wide roles and city departments every site; a county,
  zone or township unit the sites of its region and below (a county sees its county's sites).
* An enterprise user sees only the 代办 of its own enterprise, to confirm or send it back.
* Anything outside is "not found" (404); visible but not allowed is "forbidden" (403).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.core.errors import NotFound, PermissionDenied

from .models import Errand, RosterEntry, ServiceRecord, Site

MANAGER_ROLES = frozenset({Role.BIZ_OFFICE, Role.ADMIN})
NOT_ON_ROSTER = "只有本站点名册内的帮办代办员可以办理"


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_manager(user: Any) -> bool:
    return _active(user) and has_any_role(user, MANAGER_ROLES)


def is_enterprise(user: Any) -> bool:
    return _active(user) and has_any_role(user, {Role.ENTERPRISE}) and user.enterprise_id is not None


def roster_site_ids(user: Any) -> list[int]:
    """The sites `user` is a 帮办代办员 of now (an open roster entry)."""
    if not _active(user):
        return []
    return list(
        RosterEntry.objects.filter(user_id=user.pk, end_on__isnull=True, site__is_active=True).values_list(
            "site_id", flat=True
        )
    )


def on_roster(user: Any, site_id: int) -> bool:
    return (
        _active(user)
        and RosterEntry.objects.filter(user_id=user.pk, site_id=site_id, end_on__isnull=True).exists()
    )


def _site_q(user: Any) -> Q | None:
    """Which sites `user` sees; None: every site; Q(pk__in=[]) : none."""
    if not _active(user):
        return Q(pk__in=[])
    if is_manager(user):
        return None
    mine = Q(pk__in=roster_site_ids(user))
    if not has_any_role(user, STAFF_ROLES):
        return mine
    scope = scope_of(user)
    if scope.city_wide:
        return None
    if scope.region_path is not None:
        return mine | Q(region__path__startswith=scope.region_path)
    return mine


def is_reader(user: Any) -> bool:
    """Has a 帮办代办 page to read: a manager, a site's 帮办代办员 or staff with a scope."""
    if not _active(user) or is_enterprise(user):
        return False
    q = _site_q(user)
    return q is None or Site.objects.filter(q).exists()


def visible_sites(user: Any) -> QuerySet[Site]:
    q = _site_q(user)
    qs = Site.objects.select_related("region", "unit")
    return qs if q is None else qs.filter(q)


def visible_records(user: Any) -> QuerySet[ServiceRecord]:
    qs = ServiceRecord.objects.select_related("site", "site__region", "officer", "enterprise")
    q = _site_q(user)
    return qs if q is None else qs.filter(site__in=Site.objects.filter(q))


def visible_errands(user: Any) -> QuerySet[Errand]:
    qs = Errand.objects.select_related("site", "site__region", "officer", "enterprise", "record")
    if is_enterprise(user):
        return qs.filter(enterprise_id=user.enterprise_id)
    q = _site_q(user)
    return qs if q is None else qs.filter(site__in=Site.objects.filter(q))


def parse_id(value: Any) -> int:
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if not 0 < pk < 2**31:
        raise NotFound()
    return pk


def access_site(user: Any, site_id: Any) -> Site:
    found = visible_sites(user).filter(pk=parse_id(site_id)).first()
    if found is None:
        raise NotFound()
    return found


def access_record(user: Any, record_id: Any) -> ServiceRecord:
    found = visible_records(user).filter(pk=parse_id(record_id)).first()
    if found is None:
        raise NotFound()
    return found


def access_errand(user: Any, errand_id: Any) -> Errand:
    found = visible_errands(user).filter(pk=parse_id(errand_id)).first()
    if found is None:
        raise NotFound()
    return found


def require_manager(user: Any) -> None:
    if not is_manager(user):
        raise PermissionDenied("只有营商办可以管理帮办代办站点和名册")


def require_officer(user: Any, site_id: int) -> None:
    """`user` acts as a 帮办代办员 of the site (visibility was checked before: 403 here)."""
    if not on_roster(user, site_id):
        raise PermissionDenied(NOT_ON_ROSTER)


def require_own_enterprise(user: Any, errand: Errand) -> None:
    if not is_enterprise(user) or errand.enterprise_id != user.enterprise_id:
        raise PermissionDenied("只有该企业的用户可以确认或退回此代办")
