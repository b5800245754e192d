"""The small named cast every test can use: two counties of the city, a unit in each, and one user
per role that matters for access. Tests read like the rules: `handler_shuyang` may not see an
enterprise of `siyang`."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from bangban.accounts.models import RoleRecord, User
from bangban.accounts.roles import Role
from bangban.enterprises.models import Enterprise, Industry, Scale, Tier
from bangban.enterprises.uscc import make_uscc
from bangban.org.models import Region, RegionLevel, Unit, UnitType
from bangban.workdays.loader import ensure_calendar
from bangban.workdays.service import reset_cache

PASSWORD = "Test-pass-2024!"

# The clock of tests that load the demo city or otherwise depend on "today": a Wednesday in the
# middle of a month (before the 25th, when last month's ledgers are not yet due).
DEMO_NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def reply_fields(at: dt.datetime | None = None, **overrides: Any) -> dict[str, Any]:
    """The structured reply's required fields besides the text (`do_submit_reply`): a result and a
    contact record made `at` (default: now — not before the case was received, not after the
    action's `now`)."""
    from django.utils import timezone

    return {
        "result": "resolved",
        "contact_method": "phone",
        "contacted_at": at or timezone.now(),
        "contact_person": "张经理",
        **overrides,
    }


def reply_form_fields(at: dt.datetime | None = None, **overrides: str) -> dict[str, str]:
    """The same, as the case page's form and the API post them (the time to the minute, local)."""
    from django.utils import timezone

    return {
        "result": "resolved",
        "contact_method": "phone",
        "contacted_at": timezone.localtime(at or timezone.now()).strftime("%Y-%m-%dT%H:%M"),
        "contact_person": "张经理",
        **overrides,
    }


def make_region(code: str, name: str, level: str, parent: Region | None = None) -> Region:
    region = Region(code=code, name=name, level=level, parent=parent)
    region.path = region.compute_path()
    region.save()
    return region


def make_user(username: str, *roles: str, unit: Unit | None = None, **fields: Any) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, unit=unit, full_name=fields.pop("full_name", username), **fields
    )
    # Role rows are seeded by a migration; a transactional test (live server) flushes them.
    user.roles.set(RoleRecord.for_codes(roles))
    return user


def make_enterprise(name: str, region: Region, county_code: str, serial: int, **fields: Any) -> Enterprise:
    uscc = make_uscc(f"91{county_code}MA{serial:07d}"[:17])
    return Enterprise.objects.create(
        uscc=uscc,
        name=name,
        region=region,
        industry=fields.pop("industry", Industry.C),
        scale=fields.pop("scale", Scale.SMALL),
        tier=fields.pop("tier", Tier.GENERAL),
        **fields,
    )


class World:
    """Attributes are set by the `world` fixture."""

    city: Region
    shuyang: Region
    siyang: Region
    shucheng: Region  # a township of 沭阳县
    biz_office_unit: Unit
    approval_bureau: Unit
    shuyang_gov: Unit
    siyang_gov: Unit
    admin: User
    biz_office: User
    auditor: User
    handler_shuyang: User
    handler_siyang: User
    city_handler: User
    enterprise_user: User
    ent_shuyang: Enterprise
    ent_siyang: Enterprise


# The database task queue, as production runs it (`override_settings(TASKS=DB_TASKS)`), and a
# worker that runs what is queued in the test's own thread.
DB_TASKS = {"default": {"BACKEND": "bangban.core.taskqueue.DatabaseBackend", "QUEUES": ["default"]}}


def queue_worker(worker_id: str = "test-worker", *, interval: float = 0, batch: bool = True) -> Any:
    """A `ResilientWorker` of the default queue that starts at once and never stops by itself."""
    from bangban.core.worker import ResilientWorker

    return ResilientWorker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def run_queued(task_path: str) -> list[Any]:
    """Claim and run every ready task row of `task_path`, as a worker would; the rows, refreshed."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    worker = queue_worker()
    rows = list(DBTaskResult.objects.filter(task_path=task_path, status=TaskResultStatus.READY))
    for row in rows:
        row.claim(worker.worker_id)
        worker.run_task(row)
        row.refresh_from_db()
    return rows


@pytest.fixture
def workday_calendar(db: Any) -> list[int]:
    """The working-day calendar set up as on an installed system (every year of the chinese_calendar
    package): reading the calendar never loads it, so a test that needs the official holidays asks
    for it, directly or through `world`."""
    return ensure_calendar()


@pytest.fixture
def world(db: Any, workday_calendar: list[int]) -> World:
    w = World()
    w.city = make_region("321300", "宿迁市", RegionLevel.CITY)
    w.shuyang = make_region("321322", "沭阳县", RegionLevel.COUNTY, w.city)
    w.siyang = make_region("321323", "泗阳县", RegionLevel.COUNTY, w.city)
    w.shucheng = make_region("321322001", "沭城街道", RegionLevel.TOWNSHIP, w.shuyang)
    w.biz_office_unit = Unit.objects.create(
        code="yingshangban",
        name="宿迁市优化营商环境办公室",
        short_name="市营商办",
        type=UnitType.CITY_DEPARTMENT,
        region=w.city,
    )
    w.approval_bureau = Unit.objects.create(
        code="xingzhengshenpi",
        name="宿迁市行政审批局",
        short_name="市行政审批局",
        type=UnitType.CITY_DEPARTMENT,
        region=w.city,
    )
    w.shuyang_gov = Unit.objects.create(
        code="shuyang-gov",
        name="沭阳县人民政府",
        short_name="沭阳县政府",
        type=UnitType.COUNTY_GOVERNMENT,
        region=w.shuyang,
    )
    w.siyang_gov = Unit.objects.create(
        code="siyang-gov",
        name="泗阳县人民政府",
        short_name="泗阳县政府",
        type=UnitType.COUNTY_GOVERNMENT,
        region=w.siyang,
    )
    w.admin = make_user("admin", Role.ADMIN, unit=w.biz_office_unit, full_name="系统管理员")
    w.biz_office = make_user(
        "yingshangban", Role.BIZ_OFFICE, unit=w.biz_office_unit, full_name="营商办王科长"
    )
    w.auditor = make_user("auditor", Role.AUDITOR, unit=w.biz_office_unit, full_name="审计员")
    w.handler_shuyang = make_user("handler_sy", Role.HANDLER, unit=w.shuyang_gov, full_name="沭阳承办人")
    w.handler_siyang = make_user("handler_sq", Role.HANDLER, unit=w.siyang_gov, full_name="泗阳承办人")
    w.city_handler = make_user("handler_city", Role.HANDLER, unit=w.approval_bureau, full_name="审批局承办人")
    w.ent_shuyang = make_enterprise(
        "沭阳示例纺织有限公司", w.shucheng, "321322", 1, liaison_name="张三", liaison_phone="13812345678"
    )
    w.ent_siyang = make_enterprise(
        "泗阳示例食品有限公司", w.siyang, "321323", 2, liaison_name="李四", liaison_phone="13987654321"
    )
    w.enterprise_user = make_user(
        "ent_sy", Role.ENTERPRISE, enterprise=w.ent_shuyang, full_name="沭阳企业用户"
    )
    return w


@pytest.fixture
def login(client: Client) -> Any:
    """`login(user)` returns a Django test client logged in as that user."""

    def _login(user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return _login


@pytest.fixture(autouse=True)
def _fresh_workday_calendar() -> Iterator[None]:
    """The working-day calendar is cached per process; each test starts from its own database."""
    reset_cache()
    yield
    reset_cache()


@pytest.fixture
def demo_clock() -> Iterator[dt.datetime]:
    """Moves the clock to `DEMO_NOW` (it keeps ticking from there) and gives it to the test, so a
    test of the demo city or of a date-sensitive page sees the same day whenever it runs."""
    with time_machine.travel(DEMO_NOW, tick=True):
        yield DEMO_NOW


@pytest.fixture(autouse=True, scope="session")
def _suite_clock() -> Iterator[None]:
    """`BANGBAN_TEST_NOW=2026-12-31T23:50+08:00 make test` runs the whole suite with the clock moved
    to that moment (still ticking), to find tests and code that depend on the day they run."""
    value = os.environ.get("BANGBAN_TEST_NOW")
    if not value:
        yield
        return
    with time_machine.travel(dt.datetime.fromisoformat(value), tick=True):
        yield
