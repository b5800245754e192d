"""Demo data of 帮办代办 for `load_demo_city` (idempotent): sites at each level (市 and 市民中心专区,
宿城区 and 沭阳县, a township and a village of each), a fixed 帮办代办员 for each (`bangdai_*`,
the demo password, a staff account of the site's service unit), services of every type over this
month and the last, one rated through its QR link, and at the city's site one 代办 in each
state — the one awaiting confirmation belongs to the demo enterprise (`qiye`), who can confirm it.
Made through the actions (`.inner`, inside the demo city's transaction), so everything is audited.
Times count back from the `now` passed in; nothing reads today's date."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bangban.accounts.demo_accounts import DEMO_PASSWORD
from bangban.accounts.models import RoleRecord, User
from bangban.accounts.roles import Role
from bangban.enterprises.models import Enterprise
from bangban.org.models import Region, SiteLevel, Unit, UnitType
from bangban.ratings.actions import RatingInput

from . import actions
from .models import ErrandStatus, ServiceType, Site

# (region code, level, site name, officer username, officer name); the first city site sits in the
# city's 政务服务中心, the second (市民中心企业服务专区) has no unit of its own.
SITES = [
    ("321300", SiteLevel.CITY, "市政务服务中心帮办代办专区", "bangdai_city", "顾晓岚"),
    ("321300", SiteLevel.CITY, "市民中心企业服务专区", "bangdai_city2", "蒋文博"),
    ("321302", SiteLevel.COUNTY, "宿城区政务服务中心帮办代办窗口", "bangdai_sc", "周雨桐"),
    ("321322", SiteLevel.COUNTY, "沭阳县政务服务中心帮办代办窗口", "bangdai_sy", "孙立新"),
    ("321302001", SiteLevel.TOWNSHIP, "宿城区{region}便民服务中心帮办点", "bangdai_sc_town", "钱晓峰"),
    ("321322001", SiteLevel.TOWNSHIP, "沭阳县{region}便民服务中心帮办点", "bangdai_sy_town", "吴海燕"),
    ("321302001001", SiteLevel.VILLAGE, "宿城区{region}帮办代办点", "bangdai_sc_village", "郑春梅"),
    ("321322001001", SiteLevel.VILLAGE, "沭阳县{region}帮办代办点", "bangdai_sy_village", "王振华"),
]
NO_UNIT = "市民中心企业服务专区"
MATTERS = [
    (ServiceType.CONSULT, "食品经营许可办理条件咨询"),
    (ServiceType.GUIDE, "企业开办一窗通导办"),
    (ServiceType.ACCOMPANY, "工程建设项目施工许可全程帮办"),
    (ServiceType.PROXY, "营业执照变更登记免费代办"),
    (ServiceType.CONSULT, "留抵退税政策咨询"),
]


def _officer(username: str, full_name: str, unit: Unit) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username, full_name=full_name, unit=unit, title="帮办代办员",
            password=make_password(DEMO_PASSWORD),
        )  # fmt: skip
        user.roles.set(RoleRecord.for_codes([Role.HANDLER]))
    return user


def _site_unit(region: Region) -> Unit | None:
    return (
        Unit.objects.filter(region=region, type=UnitType.SERVICE_SITE, is_active=True)
        .order_by("code")
        .first()
    )


def load_demo(now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return []
    if Site.objects.exists():
        return ["帮办代办：示范站点已存在，本次未做改动"]
    today = timezone.localdate(now)
    enterprises = list(Enterprise.objects.filter(is_active=True).order_by("uscc")[:12])
    company = User.objects.filter(username="qiye").select_related("enterprise").first()
    sites: list[tuple[Site, User]] = []
    for code, level, name, username, full_name in SITES:
        region = Region.objects.filter(code=code).first()
        unit = _site_unit(region) if region is not None else None
        if region is None or unit is None:
            continue
        site = actions.do_create_site.inner(
            acting_user=admin,
            data=actions.SiteInput(
                name=name.format(region=region.name),
                level=level,
                region=code,
                unit_id=None if name == NO_UNIT else unit.pk,
            ),
            now=now,
        )
        officer = _officer(username, full_name, unit)
        actions.do_add_to_roster.inner(
            acting_user=admin,
            site_id=site.pk,
            user_id=officer.pk,
            start_on=today - dt.timedelta(days=90),
            now=now,
        )
        sites.append((site, officer))
    nearby = {
        site.pk: list(
            Enterprise.objects.filter(is_active=True, region__path__startswith=site.region.path).order_by(
                "uscc"
            )[:6]
        )
        for site, _officer in sites
    }
    records = 0
    for n, (site, officer) in enumerate(sites):
        # Services on working hours of earlier days: this month and the last.
        for k, (kind, matter) in enumerate(MATTERS[: 3 + n % 3]):
            start = timezone.localtime(now).replace(hour=9, minute=0, second=0, microsecond=0) - dt.timedelta(
                days=2 + 9 * k + n
            )
            local = nearby.get(site.pk, [])
            enterprise = local[(n + k) % len(local)] if local and k % 4 != 3 else None
            service = actions.do_record_service.inner(
                acting_user=officer,
                data=actions.RecordInput(
                    site_id=site.pk, service_type=kind, enterprise_id=enterprise.pk if enterprise else None,
                    enterprise_name="" if enterprise else "宿迁市新禾农业科技有限公司（筹）", matter=matter,
                    started_at=start, ended_at=start + dt.timedelta(minutes=15 + 20 * k), outcome="done",
                ),
                now=now,
            )  # fmt: skip
            records += 1
            if k == 0:
                actions.do_rate_record.inner(
                    acting_user=None, rating_key=service.rating_key, now=now,
                    data=RatingInput(level=1 + (n % 3), comment="帮办人员耐心细致"),
                )  # fmt: skip
    errands = _errands(sites, company, enterprises, now)
    return [f"帮办代办：{len(sites)} 个站点（四级），{records} 条服务记录，{errands} 件代办（各状态各一）"]


def _errands(
    sites: list[tuple[Site, User]], company: User | None, enterprises: list[Enterprise], now: dt.datetime
) -> int:
    city = next(((s, o) for s, o in sites if s.unit_id is not None and s.level == SiteLevel.CITY), None)
    if city is None or not enterprises:
        return 0
    site, officer = city
    own = (company.enterprise if company is not None else None) or enterprises[0]
    today = timezone.localdate(now)
    plan = [
        (ErrandStatus.ACCEPTED, enterprises[1 % len(enterprises)], "排污许可证申领代办"),
        (ErrandStatus.IN_PROGRESS, enterprises[2 % len(enterprises)], "建设工程规划许可证代办"),
        (ErrandStatus.AWAITING, own, "食品生产许可证变更代办"),
        (ErrandStatus.DONE, own, "道路运输经营许可证代办"),
        (ErrandStatus.TERMINATED, enterprises[3 % len(enterprises)], "城镇污水排入排水管网许可代办"),
    ]
    for index, (target, enterprise, matter) in enumerate(plan):
        opened = now - dt.timedelta(days=6 - index)
        errand = actions.do_open_errand.inner(
            acting_user=officer,
            data=actions.ErrandInput(site_id=site.pk, enterprise_id=enterprise.pk, matter=matter,
                                     due_on=today + dt.timedelta(days=5)),
            now=opened,
        )  # fmt: skip
        if target == ErrandStatus.ACCEPTED:
            continue
        if target == ErrandStatus.TERMINATED:
            actions.do_terminate_errand.inner(
                acting_user=officer, errand_id=errand.pk, reason="企业决定暂缓项目，申请撤回代办", now=now
            )
            continue
        actions.do_start_errand.inner(acting_user=officer, errand_id=errand.pk)
        item = actions.do_add_material.inner(
            acting_user=officer,
            errand_id=errand.pk,
            name="营业执照复印件（加盖公章）",
            count=2,
            handed_at=opened,
            now=now,
        )
        actions.do_log_step.inner(
            acting_user=officer, errand_id=errand.pk, content="材料已审核齐全，已向审批部门提交申请", now=now
        )
        if target == ErrandStatus.IN_PROGRESS:
            continue
        actions.do_return_material.inner(
            acting_user=officer, errand_id=errand.pk, handover_id=item.pk, returned_at=now, now=now
        )
        actions.do_request_confirmation.inner(acting_user=officer, errand_id=errand.pk)
        if target == ErrandStatus.DONE:
            if company is not None and company.enterprise_id == enterprise.pk:
                actions.do_confirm_errand.inner(
                    acting_user=company, errand_id=errand.pk, note="证照已收到", now=now
                )
            else:
                actions.do_close_errand.inner(
                    acting_user=officer,
                    errand_id=errand.pk,
                    paper_signed=True,
                    note="企业无平台账号，纸质签收",
                    now=now,
                )
    return len(plan)
