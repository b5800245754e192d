"""Header navigation entries of outreach: (label, url name, predicate on the user), and the labels
shown under the 「系统管理」 menu."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role


def _staff(user: Any) -> bool:
    from bangban.accounts.roles import STAFF_ROLES

    return has_any_role(user, STAFF_ROLES)


def _projects(user: Any) -> bool:
    from .access import PROJECT_ROLES, can_see_overview

    return has_any_role(user, PROJECT_ROLES) or can_see_overview(user)


def _enterprise(user: Any) -> bool:
    from .access import is_enterprise_user

    return is_enterprise_user(user)


def _association(user: Any) -> bool:
    from .access import is_association_user

    return is_association_user(user)


# 营商办's bar is shared by every app: the 议事厅 page links on to supervisors' reports, talks and
# symposia, so outreach adds at most three entries for any one role.
NAV_ITEMS: list[tuple[str, str, Any]] = [
    ("招商项目", "outreach:project_list", _projects),
    ("惠企政策", "outreach:policy_list", _staff),
    ("惠企政策", "outreach:my_policies", _enterprise),
    (
        "政企沟通",
        "outreach:opinion_list",
        lambda u: has_any_role(u, {Role.BIZ_OFFICE, Role.ADMIN, Role.UNIT_HEAD}),
    ),
    ("反映问题", "outreach:report_list", lambda u: has_any_role(u, {Role.VOLUNTEER_SUPERVISOR})),
    ("议事厅", "outreach:opinion_list", _association),
    ("企业家座谈会", "outreach:symposium_list", _enterprise),
]
ADMIN_MENU: frozenset[str] = frozenset()
