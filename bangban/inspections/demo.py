"""Demo data of 双随机、一公开 for `load_demo_city` (idempotent).

市市场监管局 (where the demo inspector `zhifa` works) and 市应急管理局 each get three inspectors
with a 执法证; a few enterprises are rated A, C or D; two links are declared (one for `zhifa`).
营商办 (`yingshangban`) makes a joint plan led by 市市场监管局 with 市应急管理局 joining, draws it
and announces the draw; a few teams have recorded results and part of them are published. Made
through the actions, so every record is audited like real work."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bangban.accounts.models import RoleRecord, User
from bangban.accounts.roles import Role
from bangban.enterprises.models import Enterprise
from bangban.org.models import Unit

from . import actions
from .models import LinkKind, Plan, Result, Visit

UNITS = {
    "city-samr": ("市场监管", ["zhifa", "zhifa_jg2", "zhifa_jg3"]),
    "city-emergency": ("应急", ["zhifa_yj1", "zhifa_yj2", "zhifa_yj3"]),
}
NAMES = {
    "zhifa_jg2": "周海燕",
    "zhifa_jg3": "陈立伟",
    "zhifa_yj1": "刘文斌",
    "zhifa_yj2": "郑丽娟",
    "zhifa_yj3": "许志强",
}


def _inspectors(units: dict[str, Unit]) -> list[User]:
    role = RoleRecord.for_codes([Role.INSPECTOR])
    out = []
    password = make_password(None)  # no sign-in: only `zhifa` is a demo account
    for code, (_field, usernames) in UNITS.items():
        for username in usernames:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(
                    username=username, full_name=NAMES[username], unit=units[code], password=password,
                    title="执法人员",
                )  # fmt: skip
                user.roles.set(role)
            out.append(user)
    return out


def load_demo(now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    manager = User.objects.filter(username="yingshangban").first()
    units = {u.code: u for u in Unit.objects.filter(code__in=list(UNITS))}
    if manager is None or len(units) < len(UNITS) or not User.objects.filter(username="zhifa").exists():
        return []
    if Plan.objects.exists():
        return ["双随机抽查：已有抽查计划，本次未做改动"]
    inspectors = _inspectors(units)
    for index, inspector in enumerate(inspectors, start=1):
        actions.do_save_qualification.inner(
            acting_user=manager, inspector_id=inspector.pk, certificate=f"苏执 3213{index:06d}",
            fields="食品安全、特种设备" if inspector.unit_id == units["city-samr"].pk else "安全生产、危险化学品", now=now,
        )  # fmt: skip
    enterprises = list(Enterprise.objects.filter(is_active=True).order_by("pk").values_list("pk", "uscc"))
    tiers = "AAAACCCD"
    lines = "\n".join(f"{uscc} {tiers[i % len(tiers)]}" for i, (_pk, uscc) in enumerate(enterprises[:40]))
    actions.do_import_tiers.inner(acting_user=manager, lines=lines, now=now)
    for inspector, (pk, _uscc), kind in (
        (inspectors[0], enterprises[0], LinkKind.RELATIVE),
        (inspectors[3], enterprises[1], LinkKind.FORMER),
    ):
        actions.do_declare_link.inner(
            acting_user=manager, inspector_id=inspector.pk, enterprise_id=pk, kind=kind,
            note="配偶任该企业财务负责人" if kind == LinkKind.RELATIVE else "2023 年前在该企业任安全员", now=now,
        )  # fmt: skip
    today = timezone.localdate(now)
    plan = actions.do_create_plan.inner(
        acting_user=manager,
        data=actions.PlanInput(
            title=f"{today.year} 年食品生产和安全生产联合双随机抽查",
            lead_unit_id=units["city-samr"].pk,
            items="食品生产许可条件、生产记录、原料进货查验",
            joining=[{"unit_id": units["city-emergency"].pk, "items": "安全生产责任制落实、危险作业管理"}],
            ratios={"A": "2", "B": "5", "C": "20", "D": "50"},
            team_size=2,
            starts_on=today - dt.timedelta(days=40),
            ends_on=today + dt.timedelta(days=10),
        ),
        now=now - dt.timedelta(days=45),
    )
    actions.do_draw_plan.inner(acting_user=manager, plan_id=plan.pk, now=now - dt.timedelta(days=44))
    actions.do_announce_draw.inner(acting_user=manager, plan_id=plan.pk, now=now - dt.timedelta(days=43))
    visits = list(Visit.objects.filter(plan=plan).order_by("task_number")[:6])
    outcomes = [
        Result.NO_ISSUE,
        Result.RECTIFY,
        Result.NO_ISSUE,
        Result.CASE,
        Result.NO_ISSUE,
        Result.RECTIFY,
    ]
    for i, (visit, outcome) in enumerate(zip(visits, outcomes, strict=False)):
        actions.do_record_result.inner(
            acting_user=manager, visit_id=visit.pk, result=outcome, visited_on=today - dt.timedelta(days=38 - 6 * i),
            note="" if outcome == Result.NO_ISSUE else "原料进货查验记录不全，责令十日内整改", now=now,
        )  # fmt: skip
        if i == 2:
            published = actions.do_publish_results.inner(acting_user=manager, plan_id=plan.pk, now=now)
    plan.refresh_from_db()
    return [
        f"双随机抽查：计划 {plan.number}，{plan.target_count} 家企业中抽取 {plan.visits.count()} 家，"
        f"随机种子 {plan.seed}；已公开检查结果 {published} 条"
    ]
