"""What each role sees first on its home page: who they are, how far their view reaches, and a
panel for each part of the product they can use (the same rules as the navigation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bangban.accounts.access import Scope, can_manage_accounts, has_any_role, scope_of
from bangban.accounts.models import ApiToken, User
from bangban.accounts.roles import AUDIT_READER_ROLES, Role
from bangban.enterprises.access import visible_enterprises
from bangban.escalation import access as escalation_access
from bangban.escalation.queries import open_orders
from bangban.network.access import is_officer
from bangban.notifications.queries import unread_count
from bangban.org.access import can_view_org
from bangban.org.queries import org_counts
from bangban.ratings.access import FOLLOW_UP_ROLES
from bangban.ratings.queries import follow_up_queue
from bangban.tickets import queries as case_queries
from bangban.tickets.workbench import WorkCount, case_work_counts


def scope_text(user: Any, scope: Scope | None = None) -> str:
    scope = scope or scope_of(user)
    if scope.city_wide:
        return "全市"
    if scope.region_path is not None:
        region = user.unit.region if user.unit_id else None
        return f"{region.name}及其下级区划" if region else "本辖区"
    if scope.enterprise_id is not None:
        return "仅本企业"
    return "无（不能查看业务数据）"


def work_counts(user: Any, now: dt.datetime) -> list[WorkCount]:
    """The workbench: the counts that matter to this user's roles, each linking to the list it
    counts (each count is defined once, by the app that owns the list)."""
    counts = case_work_counts(user, now)
    if has_any_role(user, FOLLOW_UP_ROLES):
        counts.append(
            WorkCount("follow_up", "待回访", follow_up_queue(user).count(), reverse("ratings:follow_ups"))
        )
    if escalation_access.is_staff(user):
        orders = open_orders(user).count()
        url = reverse("escalation:supervision") + "?status=open"
        counts.append(WorkCount("supervision", "督办", orders, url, "danger" if orders else ""))
    return counts


def main_actions(user: Any) -> list[dict[str, str]]:
    """The one or two things this user comes to do, first on the page (a phone shows them before
    anything else). Their names are those of docs/glossary.md, as in the menu and on the pages."""
    actions: list[tuple[str, str, str]] = []
    if has_any_role(user, {Role.ENTERPRISE}):
        actions += [("file", "提交诉求", "tickets:intake_new"), ("mine", "我的诉求", "tickets:mine")]
    if has_any_role(user, {Role.HOTLINE_AGENT}):
        actions.append(("hotline", "登记诉求", "tickets:intake_hotline"))
    if is_officer(user):
        actions += [
            ("visit", "登记联系/走访", "network:contact_create"),
            ("my-enterprises", "我的挂钩企业", "network:mine"),
        ]
    if case_queries.can_use_dispatch_queue(user):
        actions.append(("dispatch", "派单", "tickets:dispatch_queue"))
    if case_queries.can_use_unit_queue(user):
        actions.append(("unit-queue", "待办诉求", "tickets:unit_queue"))
    return [{"key": key, "label": label, "url": reverse(name)} for key, label, name in actions[:2]]


def home_panels(user: Any) -> list[dict[str, Any]]:

    panels: list[dict[str, Any]] = []
    unread = unread_count(user)
    inbox = {
        "key": "inbox",
        "title": "消息",
        "text": f"未读消息 {unread} 条" if unread else "没有未读消息",
        "url": reverse("notifications:inbox"),
    }
    password = {
        "key": "password",
        "title": "修改密码",
        "text": "定期更换密码，保护账号安全",
        "url": reverse("accounts:password"),
    }
    if has_any_role(user, {Role.ENTERPRISE}) and not user.is_superuser:
        if user.enterprise_id:
            panels.append(
                {
                    "key": "enterprise",
                    "title": "本企业信息",
                    "text": str(user.enterprise),
                    "url": reverse("enterprises:mine"),
                }
            )
        return [*panels, inbox, password]

    scope = scope_of(user)
    if not scope.empty:
        count = visible_enterprises(user).count()
        panels.append(
            {
                "key": "enterprises",
                "title": "企业库",
                "text": f"可查看企业 {count} 家（{scope_text(user, scope)}）",
                "url": reverse("enterprises:list"),
            }
        )
    if can_view_org(user):
        counts = org_counts(user)
        panels.append(
            {
                "key": "org",
                "title": "组织机构",
                "text": f"单位 {counts['units']} 个 · 行政区划 {counts['regions']} 个",
                "url": reverse("org:units"),
            }
        )
    panels.append(
        {
            "key": "calendar",
            "title": "工作日历",
            "text": "法定节假日与调休安排、办理期限计算",
            "url": reverse("workdays:calendar"),
        }
    )
    if can_manage_accounts(user):
        now = timezone.now()
        users = User.objects.filter(is_active=True).count()
        locked = User.objects.filter(locked_until__gt=now).count()
        panels.append(
            {
                "key": "users",
                "title": "用户管理",
                "text": f"在用账号 {users} 个" + (f"，{locked} 个被锁定待处理" if locked else ""),
                "url": reverse("accounts:users") + ("?status=locked" if locked else ""),
            }
        )
        tokens = ApiToken.objects.filter(revoked_at__isnull=True).count()
        panels.append(
            {
                "key": "tokens",
                "title": "API 令牌",
                "text": f"未吊销令牌 {tokens} 个，供外部系统对接",
                "url": reverse("accounts:tokens"),
            }
        )
    if has_any_role(user, AUDIT_READER_ROLES):
        panels.append(
            {
                "key": "audit",
                "title": "审计日志",
                "text": "全部变更记录与哈希链校验",
                "url": reverse("audit:events"),
            }
        )
    return [*panels, inbox, password]
