"""Ratings (issue 5): rating intake from counter devices through the API (target ≥ 500 ratings/s on
PostgreSQL) and the monthly 回头看 draw over 1,000,000 closed cases (target ≤ 2 s).

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban_ratings python benchmarks/bench_ratings.py
    python benchmarks/bench_ratings.py            # SQLite only (a scratch file in /tmp)
    options: --ratings N (default 3000), --closed N (default 1,000,000)

In a scratch database (`<name>_bench` created on that PostgreSQL server and dropped afterwards; a
SQLite file in /tmp without DATABASE_URL) it creates a county service site with 8 windows and a
device, then measures through Django's test client (URL routing, the device key, JSON parsing,
validation, the rating row, its audit event and the response included):

1. `POST /api/v1/ratings/device/ratings`, one rating per request, one client (1 in 50 ratings is
   不满意 and opens a rectification with its notification);
2. the same with two client processes at once (PostgreSQL, 2 cores);
3. `POST /api/v1/ratings/device/ratings/batch`, 100 ratings per request (a device uploading what it
   buffered offline);
then it inserts N closed cases of one month (one INSERT … SELECT) and times `recheck.do_draw`
(population query, seeded sample, stored population and sample, the sampled items, the audit
event) and `recheck.rederive`.

Device ratings are measured with the product's defaults: each device rating's transaction commits
synchronously (waits for the write-ahead log to reach the disk). To measure the optional
asynchronous commit (`synchronous_commit = off` for device ratings, see docs/ratings.md), run with
`BANGBAN_DEVICE_ASYNC_COMMIT=true` in the environment; the mode in use is printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

from benchmarks._common import cpu_model  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_ratings.sqlite3")
WINDOWS = 8


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.conf import settings

    # As in production: notification delivery is enqueued as a task row, not run inline.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    django.setup()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def seed() -> None:
    from django.core.management import call_command

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.org.models import Region, Unit
    from bangban.ratings import actions

    call_command("migrate", verbosity=0, interactive=False)
    city = Region(code="321300", name="宿迁市", level="city")
    city.path = city.compute_path()
    city.save()
    county = Region(code="321322", name="沭阳县", level="county", parent=city)
    county.path = county.compute_path()
    county.save()
    office_unit = Unit.objects.create(code="biz", name="宿迁市营商办", type="city_department", region=city)
    site = Unit.objects.create(
        code="site-shuyang",
        name="沭阳县政务服务中心",
        type="service_site",
        site_level="county",
        region=county,
    )
    office = User.objects.create_user(username="office", password="x", unit=office_unit)
    office.roles.set(RoleRecord.for_codes([Role.BIZ_OFFICE]))
    head = User.objects.create_user(username="site_head", password="x", unit=site)
    head.roles.set(RoleRecord.for_codes([Role.UNIT_HEAD]))
    for i in range(WINDOWS):
        actions.do_create_window(acting_user=office, site_id=site.pk, code=f"A{i:02d}", name=f"综合窗口{i}")


def device_key() -> str:
    from bangban.accounts.models import User
    from bangban.org.models import Unit
    from bangban.ratings import actions

    office = User.objects.get(username="office")
    site = Unit.objects.get(code="site-shuyang")
    _device, raw = actions.do_create_device(acting_user=office, site_id=site.pk, name=f"评价器-{os.getpid()}")
    return raw


def body(i: int) -> dict:
    return {
        "window": f"A{i % WINDOWS:02d}",
        "level": 4 if i % 50 == 49 else 1 + i % 3,
        "scores": {"attitude": 1 + i % 2},
        "event_ref": f"E{os.getpid()}-{i}",
        "comment": "排队时间长" if i % 50 == 49 else "",
    }


def rate(label: str, count: int, seconds: float, unit: str = "条") -> float:
    per_second = count / seconds
    print(
        f"{label}：{count:,} {unit}，{seconds:.2f} s，{per_second:,.0f} {unit}/秒（{1000 * seconds / count:.2f} ms/{unit}）"
    )
    return per_second


def post_many(count: int, offset: int) -> float:
    from django.test import Client

    raw = device_key()
    client = Client(headers={"X-Device-Key": raw})
    for i in range(20):  # warm-up: imports, key and window caches
        client.post("/api/v1/ratings/device/ratings", json.dumps(body(10_000_000 + offset + i)),
                    content_type="application/json")  # fmt: skip
    t0 = time.perf_counter()
    for i in range(count):
        response = client.post(
            "/api/v1/ratings/device/ratings", json.dumps(body(offset + i)), content_type="application/json"
        )
        if response.status_code != 201:
            raise SystemExit(f"评价上报失败：{response.status_code} {response.content[:300]!r}")
    return time.perf_counter() - t0


def run_main(ratings: int, closed: int, label: str) -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bangban.ratings.models import Rating, Rectification

    seed()
    print(f"[{label}] 数据库：{connection.vendor}")
    from bangban.ratings.actions import device_async_commit

    mode = "异步提交（BANGBAN_DEVICE_ASYNC_COMMIT=true）" if device_async_commit() else "同步提交（默认）"
    print(f"[{label}] 评价器评价的提交方式：{mode}")
    raw = device_key()
    client = Client(headers={"X-Device-Key": raw})
    client.post(
        "/api/v1/ratings/device/ratings", json.dumps(body(99_999_999)), content_type="application/json"
    )
    with CaptureQueriesContext(connection) as ctx:
        client.post(
            "/api/v1/ratings/device/ratings", json.dumps(body(99_999_998)), content_type="application/json"
        )
    print(f"[{label}] 每条评价（好评）的 SQL 语句数：{len(ctx.captured_queries)}（含事务控制）")

    rate(
        f"[{label}] 评价器上报 POST /api/v1/ratings/device/ratings（单客户端）",
        ratings,
        post_many(ratings, 0),
    )

    batches = max(ratings // 100, 1)
    t0 = time.perf_counter()
    for b in range(batches):
        payload = {"ratings": [body(50_000_000 + b * 100 + i) for i in range(100)]}
        response = client.post(
            "/api/v1/ratings/device/ratings/batch", json.dumps(payload), content_type="application/json"
        )
        if response.status_code != 200 or response.json()["rejected"]:
            raise SystemExit(f"批量上报失败：{response.status_code} {response.content[:300]!r}")
    rate(f"[{label}] 评价器批量上报（每批 100 条）", batches * 100, time.perf_counter() - t0)
    print(f"[{label}] 评价共 {Rating.objects.count():,} 条，差评整改 {Rectification.objects.count():,} 件")
    draw_bench(closed, label)


def draw_bench(closed: int, label: str) -> None:
    import datetime as dt

    from django.db import connection

    from bangban.accounts.models import User
    from bangban.org.models import Region, Unit
    from bangban.ratings import recheck
    from bangban.tickets.models import Ticket
    from bangban.workdays.arithmetic import SHANGHAI

    closed_at = dt.datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI)
    unit = Unit.objects.exclude(type="service_site").first()
    template = Ticket.objects.create(
        number="TPL-0", channel="portal", intake_mode="online", type="help", urgency="general",
        title="回头看样例诉求", content="企业反映的问题。", region=Region.objects.get(code="321322"),
        received_at=closed_at - dt.timedelta(days=10), status="closed", closed_at=closed_at, lead_unit=unit,
    )  # fmt: skip
    columns = [f.column for f in Ticket._meta.concrete_fields if f.column not in ("id",)]
    chosen = [
        "'B' || CAST(g.x AS TEXT)" if c == "number" else ("NULL" if c == "idempotency_key" else f"t.{c}")
        for c in columns
    ]
    table = Ticket._meta.db_table
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        series = (
            "generate_series(1, %s) g(x)"
            if connection.vendor == "postgresql"
            else "(WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < %s) SELECT x FROM r) g"
        )
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(chosen)} FROM {table} t, {series} "
            "WHERE t.id = %s",
            [closed - 1, template.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")
    print(f"[{label}] 写入 {closed:,} 件已办结诉求：{time.perf_counter() - t0:.1f} s")
    office = User.objects.get(username="office")
    t0 = time.perf_counter()
    draw = recheck.do_draw(
        acting_user=office, year=2026, month=10, seed=20261101, now=closed_at + dt.timedelta(days=20)
    )
    elapsed = time.perf_counter() - t0
    print(
        f"[{label}] 回头看抽样 do_draw：总体 {draw.population_count:,} 件，抽取 {len(draw.sample_ids):,} 件，"
        f"{elapsed:.2f} s（目标 ≤ 2 s）"
    )
    t0 = time.perf_counter()
    check = recheck.rederive(draw)
    print(
        f"[{label}] 重新推导核对 rederive：{'一致' if check.ok and check.current_population_same else '不一致'}，{time.perf_counter() - t0:.2f} s"
    )


def run_client(count: int, offset: int) -> None:
    setup_django()
    print(f"ELAPSED={post_many(count, offset):.4f}")


def run(args: list[str], database_url: str) -> str:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.test")
    proc = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout + proc.stderr)
        raise SystemExit(1)
    return proc.stdout


def parallel(count: int, url: str, processes: int) -> None:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.test")
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--step",
                "client",
                "--ratings",
                str(count),
                "--offset",
                str(100_000_000 * (n + 1)),
            ],
            env=env,
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
    total = count * processes
    print(
        f"[postgresql] 评价器上报，{processes} 个客户端进程并发：{total:,} 条，最慢进程 {slowest:.2f} s，{total / slowest:,.0f} 条/秒"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--ratings", type=int, default=3000)
    parser.add_argument("--closed", type=int, default=1_000_000)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--step", default="")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    if args.step == "main":
        run_main(args.ratings, args.closed, args.label)
        return 0
    if args.step == "client":
        run_client(args.ratings, args.offset)
        return 0
    print(
        f"CPU：{cpu_model()}，{os.cpu_count()} 核；Python {platform.python_version()}；负载 {os.getloadavg()[0]:.2f}"
    )
    common = ["--ratings", str(args.ratings), "--closed", str(args.closed)]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        scratch = f"{parts.path.lstrip('/') or 'bangban'}_bench"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        scratch_url = urlunsplit(parts._replace(path=f"/{scratch}"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{scratch}"')
        try:
            print(run(["--step", "main", "--label", "postgresql", *common], scratch_url), end="")
            parallel(args.ratings // 2, scratch_url, processes=2)
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        try:
            print(run(["--step", "main", "--label", "sqlite", *common], f"sqlite:///{SQLITE_PATH}"), end="")
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    print(f"负载（结束时）：{os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
