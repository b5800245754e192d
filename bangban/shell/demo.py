"""Loads the demo city: Suqian's regions and units, 320 fictional enterprises (100 of them 市工业百强)
and one account per role, then every app's own demo records (`AppConfig.demo`): the working-day
calendar, the case system's defaults and cases, and the records of each feature app.

Safe to run any number of times: rows are matched by their natural key (region code, unit code,
USCC, username) and only missing ones are created. Rows that already exist are left exactly as
they are, so whatever someone changed while trying the product survives the next `make run`.
All of it happens in one transaction and leaves one audit event, `demo.loaded`, with the counts.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from bangban.accounts.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, FIRST_CITY_TOP100, demo_account_lines
from bangban.accounts.idcard import make_id_number
from bangban.accounts.models import RoleRecord, User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.core.plugins import plugins
from bangban.enterprises.demo_data import generate_enterprises
from bangban.enterprises.models import Enterprise, Tier
from bangban.org import demo_data
from bangban.org.models import Region, Unit

ENTERPRISE_COUNT = 320
log = logging.getLogger(__name__)


def _load_regions() -> tuple[dict[str, Region], int]:
    existing = {r.code: r for r in Region.objects.filter(code__in=[d["code"] for d in demo_data.REGIONS])}
    created = 0
    # REGIONS lists parents before children.
    for data in demo_data.REGIONS:
        if data["code"] in existing:
            continue
        region = Region(
            code=data["code"],
            name=data["name"],
            level=data["level"],
            parent=existing[data["parent"]] if data["parent"] else None,
            official_code=data["official_code"],
        )
        region.path = region.compute_path()
        region.save()
        existing[region.code] = region
        created += 1
    return existing, created


def _load_units(regions: dict[str, Region]) -> tuple[dict[str, Unit], int]:
    existing = {u.code: u for u in Unit.objects.filter(code__in=[d["code"] for d in demo_data.UNITS])}
    created = 0
    pending = [d for d in demo_data.UNITS if d["code"] not in existing]
    while pending:
        progressed = False
        for data in list(pending):
            if data["parent"] and data["parent"] not in existing:
                continue
            unit = Unit.objects.create(
                code=data["code"],
                name=data["name"],
                short_name=data["short_name"],
                type=data["type"],
                site_level=data["site_level"] or "",  # the model stores "no site level" as ""
                region=regions[data["region"]],
                parent=existing[data["parent"]] if data["parent"] else None,
                duties=data["duties"],
            )
            existing[unit.code] = unit
            pending.remove(data)
            created += 1
            progressed = True
        if not progressed:
            raise RuntimeError(f"演示单位的上级单位缺失：{[d['code'] for d in pending]}")
    return existing, created


def _load_enterprises(regions: dict[str, Region]) -> tuple[list[dict[str, Any]], int]:
    generated = generate_enterprises(ENTERPRISE_COUNT)
    fields = {f.name for f in Enterprise._meta.concrete_fields} - {"id", "region"}
    present = set(
        Enterprise.objects.filter(uscc__in=[e["uscc"] for e in generated]).values_list("uscc", flat=True)
    )
    missing = [
        Enterprise(region=regions[e["region"]], **{k: v for k, v in e.items() if k in fields})
        for e in generated
        if e["uscc"] not in present
    ]
    Enterprise.objects.bulk_create(missing, batch_size=200)
    return generated, len(missing)


def _demo_phone(index: int) -> str:
    return f"1390527{index:04d}"


def _demo_id_number(index: int) -> str:
    birth = dt.date(1970 + index, 1 + index % 12, 1 + index % 27)
    return make_id_number(f"321302{birth:%Y%m%d}{100 + index * 7:03d}")


def _load_accounts(units: dict[str, Unit], generated: list[dict[str, Any]]) -> int:
    top100 = next(e["uscc"] for e in generated if e["tier"] == Tier.CITY_TOP100)
    present = set(
        User.objects.filter(username__in=[a["username"] for a in DEMO_ACCOUNTS]).values_list(
            "username", flat=True
        )
    )
    roles = {r.code: r for r in RoleRecord.for_codes(Role)}
    # One hash for all: the accounts share one published demo password, and hashing it once keeps
    # `make run` quick with Argon2.
    hashed = make_password(DEMO_PASSWORD)
    created = 0
    for index, account in enumerate(DEMO_ACCOUNTS, start=1):
        if account["username"] in present:
            continue
        enterprise = None
        if account.get("enterprise") == FIRST_CITY_TOP100:
            enterprise = Enterprise.objects.get(uscc=top100)
        user = User(
            username=account["username"],
            full_name=account["full_name"],
            unit=units[account["unit"]] if account["unit"] else None,
            rank=account["rank"],
            title=account["title"],
            enterprise=enterprise,
            phone=_demo_phone(index),
            id_number=_demo_id_number(index),
        )
        user.password = hashed
        user.save()
        user.roles.set([roles[code] for code in account["roles"]])
        created += 1
    return created


def _load_app_demos(now: dt.datetime) -> list[str]:
    """Each app's demo records (its `AppConfig.demo`, `bangban.core.plugins`), in the order of
    INSTALLED_APPS: the calendar, the case system's defaults and cases, then the feature apps, each
    building on the records of those before it. Each app's records are one transaction: an app's
    demo is loaded whole or not at all, and its actions run as they do inside a request."""
    lines: list[str] = []
    for _config, load in plugins("demo"):
        with transaction.atomic():
            lines += load(now)
    return lines


def load_demo_city(now: dt.datetime | None = None) -> list[str]:
    """Load the demo city; `now` is its clock (the present by default). Every dated demo record —
    cases, ratings, ledgers, rankings — is placed relative to it, so the demo looks the same on
    any day it is loaded."""
    now = now or timezone.now()
    with transaction.atomic():
        regions, new_regions = _load_regions()
        units, new_units = _load_units(regions)
        generated, new_enterprises = _load_enterprises(regions)
        new_accounts = _load_accounts(units, generated)
        created = {
            "regions": new_regions,
            "units": new_units,
            "enterprises": new_enterprises,
            "accounts": new_accounts,
        }
        record(
            "demo.loaded",
            actor=None,
            object_type="core.demo",
            object_repr="示范城市（宿迁市）",
            after=created,
        )
    app_lines = _load_app_demos(now)

    demo_usernames = [a["username"] for a in DEMO_ACCOUNTS]
    totals = (
        f"区划 {Region.objects.count()} 个，单位 {Unit.objects.count()} 个，"
        f"企业 {Enterprise.objects.count()} 家（市工业百强 {Enterprise.objects.filter(tier=Tier.CITY_TOP100).count()} 家），"
        f"示范账号 {User.objects.filter(username__in=demo_usernames).count()} 个"
    )
    if any(created.values()):
        news = f"本次新建：区划 {new_regions}、单位 {new_units}、企业 {new_enterprises}、账号 {new_accounts}"
    else:
        news = "示范数据已存在，本次未做改动"
    roles_without_account = sorted(set(Role.values) - {code for a in DEMO_ACCOUNTS for code in a["roles"]})
    lines = ["示范城市：宿迁市", totals, news, *app_lines]
    if roles_without_account:
        lines.append(f"注意：以下角色没有示范账号：{', '.join(roles_without_account)}")
    lines.append("示范账号（密码相同）：")
    lines.extend(f"  {line}" for line in demo_account_lines())
    return lines
