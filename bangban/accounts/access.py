"""Who a user is, in terms every app's access module uses: city-wide or bound to a region subtree,
or bound to one enterprise. Pure of views; apps build their `visible_*` / `access_*` on this."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from bangban.core.errors import NotFound, PermissionDenied

from .models import ApiToken, User
from .roles import ACCOUNT_ADMIN_ROLES, CITY_WIDE_ROLES, PERSONAL_DATA_ROLES, STAFF_ROLES, Role

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import ApiToken, User


@dataclass(frozen=True)
class Scope:
    """`city_wide`: sees the whole city. Otherwise `region_path` (a region subtree) or
    `enterprise_id` (an enterprise user). A scope with none of them sees nothing."""

    city_wide: bool = False
    region_path: str | None = None
    enterprise_id: int | None = None

    @property
    def empty(self) -> bool:
        return not self.city_wide and self.region_path is None and self.enterprise_id is None


def scope_of(user: Any) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_bangban_scope", None)
    if cached is not None:
        return cached
    roles = user.role_codes()
    if user.is_superuser or roles & CITY_WIDE_ROLES:
        scope = Scope(city_wide=True)
    elif Role.ENTERPRISE in roles:
        scope = Scope(enterprise_id=user.enterprise_id)
    elif user.unit_id is not None and roles & STAFF_ROLES:
        # A unit gives a scope only to someone who holds a staff role there: an account without
        # roles, or a volunteer supervisor registered under a unit, sees no registers.
        region = user.unit.region
        # A unit of the city itself (a 市级部门) serves the whole city; a county, zone or township
        # unit serves its own region and everything below it.
        scope = Scope(city_wide=True) if region.parent_id is None else Scope(region_path=region.path)
    else:
        scope = Scope()
    user._bangban_scope = scope
    return scope


def require_role(user: Any, roles: frozenset[str] | set[str], message: str | None = None) -> None:
    if getattr(user, "is_superuser", False):
        return
    if not getattr(user, "is_authenticated", False) or not (user.role_codes() & set(roles)):
        raise PermissionDenied(message)


def has_any_role(user: Any, roles: frozenset[str] | set[str]) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.role_codes() & set(roles))


def may_see_personal_data(user: Any) -> bool:
    return has_any_role(user, PERSONAL_DATA_ROLES)


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_id_number(value: str) -> str:
    """Keep the first 6 (region) and last 4 characters of a national ID number."""
    if not value:
        return ""
    value = value.strip()
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def show_phone(user: Any, value: str) -> str:
    return value if may_see_personal_data(user) else mask_phone(value)


def show_id_number(user: Any, value: str) -> str:
    return value if may_see_personal_data(user) else mask_id_number(value)


# --- accounts and API tokens: managed by administrators only -------------------------------------


def can_manage_accounts(user: Any) -> bool:
    return has_any_role(user, ACCOUNT_ADMIN_ROLES)


def require_account_admin(user: Any) -> None:
    """Account pages do not exist for anyone else (404, not 403: nothing to learn from outside)."""
    if not can_manage_accounts(user):
        raise NotFound()


def visible_users(user: Any) -> QuerySet[User]:

    if not can_manage_accounts(user):
        return User.objects.none()
    return User.objects.all()


def access_user(user: Any, user_id: int | str, action: str = "view") -> User:
    try:
        pk = int(user_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = visible_users(user).select_related("unit", "unit__region", "enterprise").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def visible_tokens(user: Any) -> QuerySet[ApiToken]:

    if not can_manage_accounts(user):
        return ApiToken.objects.none()
    return ApiToken.objects.all()


def access_token(user: Any, token_id: int | str, action: str = "view") -> ApiToken:
    try:
        pk = int(token_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = visible_tokens(user).select_related("user").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def own_enterprise_id(user: User) -> int:
    """The enterprise an enterprise user acts for; a user tied to no enterprise may not act as one."""
    if user.enterprise_id is None:
        raise PermissionDenied("该账号未关联企业，不能以企业身份操作")
    return user.enterprise_id


def unit_name(user: User) -> str:
    """The name of the unit a staff user acts for (「—」 for an account without one), for messages."""
    return user.unit.name if user.unit is not None else "—"


def enterprise_scope_q(user: Any, prefix: str = "enterprise__") -> Q | None:
    """A filter on the enterprise of a row for the user's scope; None: nothing is visible."""
    scope = scope_of(user)
    if scope.city_wide:
        return Q()
    if scope.enterprise_id is not None:
        return Q(**{f"{prefix}id": scope.enterprise_id})
    if scope.region_path is not None:
        return Q(**{f"{prefix}region__path__startswith": scope.region_path})
    return None
