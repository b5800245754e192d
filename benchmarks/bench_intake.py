"""Case intake throughput (issue 3): filing cases with numbering, routing, repeated-complaint
detection, the timeline/audit event and the dispatchers' notifications, against a bare INSERT of
the same case row.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban python benchmarks/bench_intake.py [--cases N]
    python benchmarks/bench_intake.py            # SQLite only (a scratch file in /tmp)

In a scratch database (a database `<name>_bench_intake` created on that PostgreSQL server and
dropped afterwards; a SQLite file in /tmp without DATABASE_URL) it loads the default configuration
(27 deadline policies, 192 categories), a city with two counties, 12 units with routing rules,
2,000 enterprises and 3 dispatchers, then measures, one case per transaction, one client:

1. `do_intake_api()` called directly (the action);
2. `POST /api/v1/cases` through Django's test client with a Bearer token and an Idempotency-Key
   (URL routing, authentication, JSON parsing and the response included), then the same number
   of cases through `POST /api/v1/cases/batch` in batches of 100, each case with its own key;
3. the bare `Ticket.objects.create(...)` of the same row (no numbering, routing, audit or
   notification), and the ratio;
4. intake followed by the dispatch (`actions.do_dispatch`: lead unit, deadline from the policy);
and on PostgreSQL both API paths again with two client processes at once (2 cores).

Notifications go to the outbox in the intake transaction and their delivery is enqueued in the
database task queue when it commits (`django_tasks_db`, as in production); delivery itself is the
workers' job (see bench_outbox.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_intake.sqlite3")
ENTERPRISES = 2000
BATCH = 100  # cases per request of the batch endpoint
# (title, category code, what happened) — combined with a place, a duration, an impact and a
# request below, so that an enterprise's cases differ as real ones do; every 10th case repeats
# an earlier case of the same enterprise (重复反映).
PROBLEMS = [
    ("用电报装迟迟未接电", "020201", "新厂区用电报装申请提交后供电公司一直没有安排接电"),
    ("施工许可办理超时", "080101", "建筑工程施工许可申请超过承诺时限仍未办结"),
    ("稳岗补贴未到账", "040302", "申请的稳岗补贴经审核通过后迟迟没有拨付"),
    ("厂区道路破损", "120101", "厂区门前市政道路塌陷积水，大货车无法通行"),
    ("多头重复检查", "070101", "多个部门就同一事项先后上门检查并要求重复提交材料"),
    ("出口退税办理慢", "090202", "出口退税申报后退税款长期未到账"),
    ("招工难", "040101", "熟练技术工人招不到，岗位空缺影响订单交付"),
    ("用地指标未落实", "020101", "签约项目的建设用地指标一直没有落实"),
    ("贷款续贷困难", "030102", "流动资金贷款到期后银行要求先还后贷"),
    ("电子税务局故障", "090103", "电子税务局申报时反复报错无法提交"),
]
PLACES = ["新建二期厂房", "一号仓库", "研发中心", "老厂区", "物流园分拨点", "门市部", "食堂", "东门"]
DURATIONS = ["已有两周", "已近一个月", "拖了三个多月", "从年初开始", "本季度以来"]
IMPACTS = [
    "导致生产线停工",
    "订单交付延期",
    "员工工资发放紧张",
    "被客户索赔违约金",
    "新设备无法调试",
    "年度投资计划受阻",
    "原材料积压",
    "安全隐患增加",
]
REQUESTS = ["恳请协调解决", "希望明确办理时限", "请给予书面答复", "请派人到现场查看", "请尽快处理"]


def setup_django(inline_delivery: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.conf import settings

    if not inline_delivery:
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    django.setup()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def seed() -> None:
    from django.core.management import call_command

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.enterprises.models import Enterprise, Industry, Scale
    from bangban.enterprises.uscc import make_uscc
    from bangban.org.models import Region, Unit, UnitType
    from bangban.tickets.defaults import ensure_defaults
    from bangban.tickets.models import Category, RoutingRule

    call_command("migrate", verbosity=0, interactive=False)

    def region(code: str, name: str, level: str, parent: Region | None) -> Region:
        r = Region(code=code, name=name, level=level, parent=parent)
        r.path = r.compute_path()
        r.save()
        return r

    city = region("321300", "宿迁市", "city", None)
    counties = [region("321322", "沭阳县", "county", city), region("321323", "泗阳县", "county", city)]
    towns = [region(f"{c.code}00{i}", f"{c.name}第{i}镇", "township", c) for c in counties for i in (1, 2)]
    units: dict[str, Unit] = {}
    for code, name in [
        ("city-approval", "宿迁市行政审批局"),
        ("city-power", "宿迁供电公司"),
        ("city-hrss", "宿迁市人社局"),
        ("city-housing", "宿迁市住建局"),
        ("city-justice", "宿迁市司法局"),
        ("city-tax", "宿迁市税务局"),
        ("city-transport", "宿迁市交通运输局"),
        ("city-governance", "宿迁市市域社会治理现代化指挥中心"),
        ("city-business-env", "宿迁市营商办"),
    ]:
        units[code] = Unit.objects.create(
            code=code, name=name, short_name=name, type=UnitType.CITY_DEPARTMENT, region=city
        )
    for county, slug in zip(counties, ("shuyang", "siyang"), strict=True):
        units[f"{slug}-gov"] = Unit.objects.create(
            code=f"{slug}-gov",
            name=f"{county.name}人民政府",
            short_name=county.name,
            type=UnitType.COUNTY_GOVERNMENT,
            region=county,
        )
    units["shuyang-approval"] = Unit.objects.create(
        code="shuyang-approval",
        name="沭阳县行政审批局",
        short_name="沭阳县行政审批局",
        type=UnitType.COUNTY_DEPARTMENT,
        region=counties[0],
    )
    ensure_defaults()  # policies, categories and the demo rules whose units exist here
    RoutingRule.objects.get_or_create(
        category=Category.objects.get(code="0801"),
        region=counties[0],
        defaults={"unit": units["shuyang-approval"]},
    )
    roles = {r.code: r for r in RoleRecord.objects.all()}

    def user(username: str, role: str, unit: Unit) -> User:
        u = User.objects.create_user(username=username, password="x", unit=unit, full_name=username)
        u.roles.set([roles[role]])
        return u

    user("dispatcher_city", Role.DISPATCHER, units["city-governance"])
    user("dispatcher_sy", Role.DISPATCHER, units["shuyang-gov"])
    user("dispatcher_sq", Role.DISPATCHER, units["siyang-gov"])
    user("integration", Role.BIZ_OFFICE, units["city-business-env"])
    Enterprise.objects.bulk_create(
        Enterprise(
            uscc=make_uscc(f"91{towns[i % 4].code[:6]}MA{i:07d}"[:17]),
            name=f"测试企业{i:03d}有限公司",
            region=towns[i % 4],
            industry=Industry.C,
            scale=Scale.SMALL,
        )
        for i in range(ENTERPRISES)
    )


def payload(i: int, enterprise_ids: list[int]) -> dict[str, Any]:
    source = i - ENTERPRISES if i % 10 == 9 and i >= ENTERPRISES else i  # a repeat
    h = (source * 2654435761 + 12345) % 2**32  # a fixed pseudo-random choice per source case
    title, category, what = PROBLEMS[h % len(PROBLEMS)]
    content = (
        f"我公司{PLACES[h // 10 % len(PLACES)]}{what}，{DURATIONS[h // 100 % len(DURATIONS)]}，"
        f"{IMPACTS[h // 1000 % len(IMPACTS)]}，{REQUESTS[h // 10000 % len(REQUESTS)]}。"
    )
    if source != i:
        content = "再次反映：" + content
    return {
        "title": title,
        "content": content,
        "category": category,
        "enterprise_id": enterprise_ids[i % len(enterprise_ids)],
        "contact_name": "联系人",
        "contact_phone": f"139{i:08d}",
    }


def rate(label: str, count: int, seconds: float) -> float:
    per_second = count / seconds
    print(
        f"{label}：{count} 件，{seconds:.2f} s，{per_second:,.0f} 件/秒（{1000 * seconds / count:.2f} ms/件）"
    )
    return per_second


def run_main(count: int, label: str, inline_delivery: bool) -> None:
    setup_django(inline_delivery)
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bangban.accounts.actions import do_create_token
    from bangban.accounts.models import User
    from bangban.enterprises.models import Enterprise
    from bangban.org.models import Unit
    from bangban.tickets.actions import do_dispatch
    from bangban.tickets.intake import IntakeInput, do_intake_api
    from bangban.tickets.models import Category, Ticket

    seed()
    print(
        f"[{label}] 数据库：{connection.vendor}；通知投递：{'请求内同步投递' if inline_delivery else '数据库任务队列'}"
    )
    integration = User.objects.get(username="integration")
    dispatcher = User.objects.get(username="dispatcher_city")
    enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    shuyang_gov = Unit.objects.get(code="shuyang-gov")

    def data(i: int) -> IntakeInput:
        p = payload(i, enterprise_ids)
        return IntakeInput(
            title=p["title"],
            content=p["content"],
            category_code=p["category"],
            enterprise_id=p["enterprise_id"],
            contact_name=p["contact_name"],
            contact_phone=p["contact_phone"],
        )

    # Warm up (first queries, caches, the calendar).
    for i in range(30):
        do_intake_api(acting_user=integration, data=data(10_000_000 + i), idempotency_key=f"warm-{i}")

    sample = data(20_000_000)
    sample.title, sample.content = (
        "统计语句数的样例诉求",
        "仅用于统计一次登记执行的语句数，内容与其他诉求都不相近。",
    )
    with CaptureQueriesContext(connection) as ctx:
        do_intake_api(acting_user=integration, data=sample, idempotency_key="count-queries")
    print(
        f"[{label}] 每件登记（非重复反映，通知 2 名派单员）的 SQL 语句数：{len(ctx.captured_queries)}"
        "（含事务控制和提交后的 1 条投递任务）"
    )
    if os.environ.get("BENCH_SHOW_SQL"):
        for n, q in enumerate(ctx.captured_queries, 1):
            print(f"  {n:2d}. {q['sql'][:160]}")
    with CaptureQueriesContext(connection) as ctx:
        ticket = do_intake_api(
            acting_user=integration, data=data(20_000_001), idempotency_key="count-d"
        ).ticket
        do_dispatch(acting_user=dispatcher, ticket_id=ticket.pk, lead_unit_id=shuyang_gov.pk)
    print(f"[{label}] 登记 + 派单的 SQL 语句数：{len(ctx.captured_queries)}")
    if os.environ.get("BENCH_SHOW_SQL"):
        for n, q in enumerate(ctx.captured_queries, 1):
            print(f"  {n:2d}. {q['sql'][:160]}")
    reset_queries()

    t0 = time.perf_counter()
    for i in range(count):
        do_intake_api(acting_user=integration, data=data(i), idempotency_key=f"action-{i}")
    action_rate = rate(f"[{label}] 登记动作 do_intake_api", count, time.perf_counter() - t0)

    _token, raw = do_create_token(acting_user=None, user_id=integration.pk, name="bench")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    t0 = time.perf_counter()
    for i in range(count):
        response = client.post(
            "/api/v1/cases",
            payload(count + i, enterprise_ids),
            content_type="application/json",
            headers={"Idempotency-Key": f"api-{i}"},
        )
        if response.status_code != 201:
            raise SystemExit(f"API 登记失败：{response.status_code} {response.content[:300]!r}")
    api_rate = rate(f"[{label}] 接口 POST /api/v1/cases", count, time.perf_counter() - t0)

    batch_rate = rate(
        f"[{label}] 接口 POST /api/v1/cases/batch（每批 {BATCH} 件）",
        count,
        post_batches(client, count, 4 * count, enterprise_ids, "batch"),
    )

    category = Category.objects.get(code="020201")
    region = Enterprise.objects.get(pk=enterprise_ids[0]).region
    suggested = Unit.objects.get(code="city-power")
    from django.utils import timezone

    t0 = time.perf_counter()
    for i in range(count):
        p = payload(i, enterprise_ids)
        Ticket.objects.create(
            number=f"BARE-{i:08d}",
            channel="api",
            intake_mode="system",
            type="help",
            urgency="general",
            category=category,
            title=p["title"],
            content=p["content"],
            enterprise_id=p["enterprise_id"],
            region=region,
            contact_name=p["contact_name"],
            contact_phone=p["contact_phone"],
            created_by=integration,
            suggested_unit=suggested,
            received_at=timezone.now(),
            idempotency_key=f"bare-{i}",
            content_hash="0" * 64,
        )
    bare_rate = rate(f"[{label}] 单行 INSERT（Ticket.objects.create）", count, time.perf_counter() - t0)
    print(
        f"[{label}] 比值：登记动作为单行 INSERT 的 1/{bare_rate / action_rate:.1f}，接口为 1/{bare_rate / api_rate:.1f}，"
        f"批量接口为 1/{bare_rate / batch_rate:.1f}"
    )

    dispatch_count = max(count // 2, 1)
    t0 = time.perf_counter()
    for i in range(dispatch_count):
        ticket = do_intake_api(
            acting_user=integration, data=data(3 * count + i), idempotency_key=f"disp-{i}"
        ).ticket
        do_dispatch(acting_user=dispatcher, ticket_id=ticket.pk, lead_unit_id=shuyang_gov.pk)
    rate(f"[{label}] 登记 + 派单（含办理期限）", dispatch_count, time.perf_counter() - t0)

    repeats = Ticket.objects.filter(is_repeat=True).count()
    total = Ticket.objects.exclude(number__startswith="BARE-").count()
    print(
        f"[{label}] 共登记 {total} 件，其中识别为重复反映 {repeats} 件；编号唯一：{Ticket.objects.values('number').distinct().count() == Ticket.objects.count()}"
    )


def post_batches(client: Any, count: int, offset: int, enterprise_ids: list[int], prefix: str) -> float:
    """Post `count` cases in batches of `BATCH` with an idempotency key each; the seconds taken."""
    t0 = time.perf_counter()
    for start in range(0, count, BATCH):
        cases = [
            {**payload(offset + i, enterprise_ids), "idempotency_key": f"{prefix}-{offset + i}"}
            for i in range(start, min(start + BATCH, count))
        ]
        response = client.post("/api/v1/cases/batch", {"cases": cases}, content_type="application/json")
        if response.status_code != 200 or response.json()["created"] != len(cases):
            raise SystemExit(f"批量登记失败：{response.status_code} {response.content[:300]!r}")
    return time.perf_counter() - t0


def run_client(count: int, offset: int, label: str) -> None:
    setup_django()
    from django.test import Client

    from bangban.accounts.actions import do_create_token
    from bangban.accounts.models import User
    from bangban.enterprises.models import Enterprise

    integration = User.objects.get(username="integration")
    enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    # Tokens are made before the clients start (`parallel`): making one locks the account, which
    # the other client's intakes reference.
    raw = os.environ.get("BENCH_TOKEN") or ""
    if not raw:
        _token, raw = do_create_token(acting_user=None, user_id=integration.pk, name=f"bench-{offset}")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    if label == "batch":
        print(f"ELAPSED={post_batches(client, count, offset, enterprise_ids, 'par-batch'):.4f}")
        return
    t0 = time.perf_counter()
    for i in range(count):
        response = client.post(
            "/api/v1/cases",
            payload(offset + i, enterprise_ids),
            content_type="application/json",
            headers={"Idempotency-Key": f"par-{offset + i}"},
        )
        if response.status_code != 201:
            raise SystemExit(f"API 登记失败：{response.status_code}")
    print(f"ELAPSED={time.perf_counter() - t0:.4f}")


def run(args: list[str], database_url: str) -> str:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.test")
    proc = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout + proc.stderr)
        raise SystemExit(1)
    return proc.stdout


def parallel(count: int, url: str, processes: int, mode: str = "single") -> None:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.test")
    tokens = [
        line.split("=", 1)[1]
        for line in run(["--step", "tokens", "--cases", str(processes)], url).splitlines()
        if line.startswith("TOKEN=")
    ]
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--step",
                "client",
                "--cases",
                str(count),
                "--offset",
                str(10_000_000 * (n + 5) + (1_000_000 if mode == "batch" else 0)),
                "--label",
                mode,
            ],
            env={**env, "BENCH_TOKEN": tokens[n]},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    slowest = 0.0
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode != 0:
            sys.stdout.write(out + err)
            raise SystemExit(1)
        slowest = max(slowest, float(out.strip().rsplit("ELAPSED=", 1)[1]))
    wall = time.perf_counter() - t0
    total = count * processes
    what = f"批量接口（每批 {BATCH} 件）" if mode == "batch" else "接口"
    print(
        f"[postgresql] {what} {processes} 个客户端进程并发：{total} 件，最慢进程 {slowest:.2f} s，"
        f"{total / slowest:,.0f} 件/秒（含进程启动的总耗时 {wall:.2f} s）"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--step", default="")
    parser.add_argument("--label", default="")
    parser.add_argument("--inline-delivery", action="store_true", help="在登记请求内同步投递站内消息")
    args = parser.parse_args()
    if args.step == "main":
        run_main(args.cases, args.label, args.inline_delivery)
        return 0
    if args.step == "tokens":
        setup_django()
        from bangban.accounts.actions import do_create_token
        from bangban.accounts.models import User

        integration = User.objects.get(username="integration")
        for n in range(args.cases):
            print(
                f"TOKEN={do_create_token(acting_user=None, user_id=integration.pk, name=f'bench-par-{n}')[1]}"
            )
        return 0
    if args.step == "client":
        run_client(args.cases, args.offset, args.label)
        return 0

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    print(f"CPU：{cpu}，{os.cpu_count()} 核；Python {platform.python_version()}")
    extra = ["--inline-delivery"] if args.inline_delivery else []
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        scratch = f"{parts.path.lstrip('/') or 'bangban'}_bench_intake"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        scratch_url = urlunsplit(parts._replace(path=f"/{scratch}"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{scratch}"')
        try:
            print(
                run(
                    ["--step", "main", "--label", "postgresql", "--cases", str(args.cases), *extra],
                    scratch_url,
                ),
                end="",
            )
            parallel(args.cases // 2, scratch_url, processes=2)
            parallel(args.cases, scratch_url, processes=2, mode="batch")
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        try:
            print(
                run(
                    ["--step", "main", "--label", "sqlite", "--cases", str(args.cases), *extra],
                    f"sqlite:///{SQLITE_PATH}",
                ),
                end="",
            )
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
