"""Header entries of outreach (`OutreachConfig.nav`): label, url name, who may see it, its place in the
header and the area menu it is grouped under."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.core.plugins import NavItem

from .access import PROJECT_ROLES, can_see_overview, is_association_user, is_enterprise_user


def _staff(user: Any) -> bool:

    return has_any_role(user, STAFF_ROLES)


def _projects(user: Any) -> bool:

    return has_any_role(user, PROJECT_ROLES) or can_see_overview(user)


def _enterprise(user: Any) -> bool:

    return is_enterprise_user(user)


def _association(user: Any) -> bool:

    return is_association_user(user)


# 营商办's bar is shared by every app: the 议事厅 page links on to supervisors' reports, talks and
# symposia, so outreach adds at most three entries for any one role.
def _unit_staff(user: Any) -> bool:
    """Handlers and heads of a unit: the units' view of project-problem coordinations (R1.3)."""
    return has_any_role(user, {Role.HANDLER, Role.UNIT_HEAD}) and bool(getattr(user, "unit_id", None))


NAV: list[NavItem] = [
    NavItem("招商项目", "outreach:project_list", _projects, order=130, menu="帮办服务"),
    NavItem("项目协调", "outreach:coordination_list", _unit_staff, order=133, menu="帮办服务"),
    NavItem("惠企政策", "outreach:policy_list", _staff, order=131, menu="帮办服务"),
    NavItem("惠企政策", "outreach:my_policies", _enterprise, order=132, menu="帮办服务"),
    NavItem(
        "政企沟通",
        "outreach:opinion_list",
        lambda u: has_any_role(u, {Role.BIZ_OFFICE, Role.ADMIN, Role.UNIT_HEAD}),
        order=133,
        menu="帮办服务",
    ),
    NavItem(
        "反映问题",
        "outreach:report_list",
        lambda u: has_any_role(u, {Role.VOLUNTEER_SUPERVISOR}),
        order=134,
        menu="帮办服务",
    ),
    NavItem("议事厅", "outreach:opinion_list", _association, order=135, menu="帮办服务"),
    NavItem("企业家座谈会", "outreach:symposium_list", _enterprise, order=136, menu="帮办服务"),
]
