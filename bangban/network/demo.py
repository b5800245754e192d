"""Demo data of network for `load_demo_city` (idempotent).

The city-level officer `bangban` (副处级, 市工信局) serves three 市工业百强 enterprises — among them
the demo enterprise account's (`qiye`, named its 工作联络员) — and keeps up with contacts and
visits; a county officer `bangban_sy` (副科级, 沭阳县工信局) serves key and ordinary enterprises of
沭阳县 and is behind, so the compliance matrix shows both. Made through the actions, so every
record is audited like real work."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bangban.accounts.demo_accounts import DEMO_PASSWORD
from bangban.accounts.models import RoleRecord, User
from bangban.accounts.roles import Rank, Role
from bangban.enterprises.models import Enterprise, Tier
from bangban.org.models import Unit

from . import actions
from .help_demo import load_help_demo
from .models import Assignment, ContactKind, Liaison
from .rules import Quarter

COUNTY_OFFICER = {
    "username": "bangban_sy",
    "full_name": "陆晓东",
    "unit": "shuyang-miit",
    "rank": Rank.FU_KE,
    "title": "企业服务科科长（驻厂员）",
    "phone": "13905270088",
}


def _county_officer() -> User | None:
    unit = Unit.objects.filter(code=COUNTY_OFFICER["unit"]).select_related("region").first()
    if unit is None:
        return None
    officer = User.objects.filter(username=COUNTY_OFFICER["username"]).first()
    if officer is None:
        officer = User.objects.create(
            username=COUNTY_OFFICER["username"],
            full_name=COUNTY_OFFICER["full_name"],
            unit=unit,
            rank=COUNTY_OFFICER["rank"],
            title=COUNTY_OFFICER["title"],
            phone=COUNTY_OFFICER["phone"],
            password=make_password(DEMO_PASSWORD),
        )
        officer.roles.set(RoleRecord.for_codes([Role.SERVICE_OFFICER]))
    return officer


def load_demo(now: dt.datetime | None = None) -> list[str]:
    """Create the demo records if missing; return lines for the console report."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "bangban", "qiye", "fenguan"])}
    if not {"admin", "bangban", "qiye"} <= users.keys():
        return []
    officer, admin, company = users["bangban"], users["admin"], users["qiye"]
    if Assignment.objects.filter(officer=officer).exists():
        return ["帮办服务网络：示范挂钩安排已存在，本次未做改动"]
    county_officer = _county_officer()
    quarter = Quarter.of(today)
    start = quarter.previous().start

    top100 = list(
        Enterprise.objects.filter(tier=Tier.CITY_TOP100, is_active=True)
        .exclude(pk=company.enterprise_id or 0)
        .order_by("uscc")[:2]
    )
    own = Enterprise.objects.filter(pk=company.enterprise_id or 0).first()
    city_served = ([own] if own is not None else []) + top100
    for enterprise in city_served:
        actions.do_assign.inner(
            acting_user=admin, enterprise_id=enterprise.pk, officer_id=officer.pk, started_on=start, now=now
        )
    mobile = (company.phone or (own.liaison_phone if own is not None else "")).strip()
    if own is not None and mobile and not Liaison.objects.filter(enterprise=own).exists():
        actions.do_name_liaison.inner(acting_user=company, user_id=company.pk, phone=mobile)

    county_served: list[Enterprise] = []
    if county_officer is not None:
        path = county_officer.unit.region.path if county_officer.unit else ""
        local = Enterprise.objects.filter(region__path__startswith=path, is_active=True).order_by("uscc")
        county_served = list(local.filter(tier=Tier.COUNTY_KEY)[:2]) + list(
            local.filter(tier=Tier.GENERAL)[:2]
        )
        for enterprise in county_served:
            actions.do_assign.inner(
                acting_user=admin,
                enterprise_id=enterprise.pk,
                officer_id=county_officer.pk,
                started_on=start,
                now=now,
            )

    def log(
        who: User, enterprise: Enterprise, kind: str, day: dt.date, summary: str, raised: str = ""
    ) -> None:
        if day > today:
            return
        actions.do_log_contact(
            acting_user=who,
            data=actions.ContactInput(
                enterprise_id=enterprise.pk,
                kind=kind,
                contact_on=day,
                summary=summary,
                raised=raised,
                raise_case=bool(raised),
            ),
            now=now,
        )

    contacts = 0
    # The city officer: a contact in every month so far and a visit in each quarter.
    for q in (quarter.previous(), quarter):
        for index, (first, _last) in enumerate(q.months):
            day = min(first + dt.timedelta(days=4), today)
            if first > today:
                break
            for enterprise in city_served:
                kind = ContactKind.VISIT if index == 0 else ContactKind.PHONE
                raised = ""
                if kind == ContactKind.VISIT and enterprise == own and q == quarter:
                    raised = "新建厂房的施工许可审批进度较慢，希望协调住建部门加快办理。"
                log(officer, enterprise, kind, day, "了解生产经营情况，宣讲稳岗补贴和技改政策。", raised)
                contacts += 1
    # The county officer: only phone calls last month, no visit this quarter — behind.
    if county_officer is not None and county_served:
        first, _ = quarter.months[0]
        for enterprise in county_served[:2]:
            log(
                county_officer,
                enterprise,
                ContactKind.PHONE,
                first + dt.timedelta(days=2),
                "电话了解订单和用工情况。",
            )
            contacts += 1
    # A leader's visit with the policies and services delivered (R4.1).
    if "fenguan" in users and top100:
        actions.do_log_leader_visit(
            acting_user=users["fenguan"],
            data=actions.ContactInput(
                enterprise_id=top100[0].pk,
                contact_on=today - dt.timedelta(days=1),
                summary="分管市长带队走访，召开现场办公会。",
                leader_name=users["fenguan"].display_name,
                leader_title="副市长",
                policies_delivered="《宿迁市支持制造业智能化改造若干政策》宣讲，兑现技改补助申报指导。",
                services_delivered="现场协调电力增容和职工子女入学事项。",
            ),
            now=now,
        )
    return [
        *load_help_demo(now),
        f"帮办服务网络：挂钩安排 {Assignment.objects.count()} 条（含县区驻厂员 {COUNTY_OFFICER['username']}），"
        f"联系走访 {contacts} 次",
    ]
