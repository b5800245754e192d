"""What each role sees first on its home page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import AUDIT_READER_ROLES, ORG_ADMIN_ROLES, Role


def home_panels(user: Any) -> list[dict[str, Any]]:
    from bangban.enterprises.queries import visible_enterprises

    panels: list[dict[str, Any]] = []
    if has_any_role(user, {Role.ENTERPRISE}):
        if user.enterprise_id:
            panels.append(
                {"title": "本企业信息", "text": str(user.enterprise), "url": reverse("enterprises:mine")}
            )
        return panels
    scope = scope_of(user)
    if not scope.empty:
        count = visible_enterprises(user).count()
        panels.append(
            {"title": "企业库", "text": f"可查看企业 {count} 家", "url": reverse("enterprises:list")}
        )
    panels.append(
        {"title": "工作日历", "text": "法定节假日与调休安排、期限计算", "url": reverse("workdays:calendar")}
    )
    if has_any_role(user, ORG_ADMIN_ROLES):
        panels.append(
            {"title": "组织机构", "text": "区划、单位、人员与角色维护", "url": reverse("org:units")}
        )
    if has_any_role(user, AUDIT_READER_ROLES):
        panels.append(
            {"title": "审计日志", "text": "全部变更记录与哈希链校验", "url": reverse("audit:events")}
        )
    return panels
