"""Organisation and accounts: the demo-city loader, and the directory and account pages at a size
beyond a real city (R0.1, R0.4).

Run from the repository root:

    python benchmarks/bench_org.py [--units N] [--users N] [--villages N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban python benchmarks/bench_org.py

Works in a scratch database — a SQLite file in /tmp, and, when DATABASE_URL names a PostgreSQL
server, a database `<name>_bench_org` created on that server and dropped afterwards. It times
`load_demo_city()` (first run and the idempotent second run), then grows the directory to N units
and N users and times the list pages, the API and a subtree move, each as the median of several
requests through Django's test client (no network).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

from benchmarks._common import cpu_model  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_org.sqlite3")


def median_ms(fn, repeat: int = 15) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def run_one(units: int, users: int, villages: int, label: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from bangban.accounts.models import RoleRecord, User
    from bangban.core import demo
    from bangban.org.actions import do_update_region
    from bangban.org.models import Region, Unit

    call_command("migrate", verbosity=0, interactive=False)
    print(f"[{label}] 数据库：{connection.vendor} {connection.settings_dict['NAME']}")

    t0 = time.perf_counter()
    demo.load_demo_city()
    print(f"[{label}] load_demo_city 首次载入（含工作日历）：{time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    demo.load_demo_city()
    print(f"[{label}] load_demo_city 再次执行（无改动）：{time.perf_counter() - t0:.2f} s")

    townships = list(Region.objects.filter(level="township"))
    with transaction.atomic():
        Unit.objects.bulk_create(
            [
                Unit(
                    code=f"bench-{n}",
                    name=f"测试单位{n:05d}",
                    short_name=f"测试{n}",
                    type="township" if n % 2 else "service_site",
                    site_level="" if n % 2 else "township",
                    region=townships[n % len(townships)],
                )
                for n in range(units)
            ],
            batch_size=1000,
        )
        unit_ids = list(Unit.objects.values_list("pk", flat=True))
        password = User(username="x")
        password.set_password("Bench-pass-2024")
        User.objects.bulk_create(
            [
                User(
                    username=f"bench{n:06d}",
                    full_name=f"测试人员{n}",
                    unit_id=unit_ids[n % len(unit_ids)],
                    phone=f"139{n:08d}",
                    password=password.password,
                )
                for n in range(users)
            ],
            batch_size=2000,
        )
        handler = RoleRecord.objects.get(code="handler")
        through = User.roles.through
        through.objects.bulk_create(
            [
                through(user_id=pk, rolerecord_id=handler.pk)
                for pk in User.objects.filter(username__startswith="bench").values_list("pk", flat=True)
            ],
            batch_size=5000,
        )
        moving = Region.objects.get(code="321322001")
        Region.objects.bulk_create(
            [
                Region(
                    code=f"321322001{n + 100:03d}",
                    name=f"测试村{n}",
                    level="village",
                    parent=moving,
                    path=f"{moving.path}321322001{n + 100:03d}/",
                    official_code=False,
                )
                for n in range(villages)
            ]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"[{label}] 规模：单位 {Unit.objects.count()} 个，账号 {User.objects.count()} 个，"
        f"区划 {Region.objects.count()} 个"
    )

    admin = User.objects.get(username="admin")
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    staff = Client(HTTP_HOST="localhost")
    staff.force_login(User.objects.get(username="chengban_sy"))

    def get(c: Client, url: str, **params: str) -> None:
        response = c.get(url, params)
        assert response.status_code == 200, (url, response.status_code)

    figures = [
        ("单位列表首页（管理员）", lambda: get(client, "/org/units/")),
        ("单位列表 按名称搜索", lambda: get(staff, "/org/units/", q="测试单位0001")),
        (
            "单位列表 按县区筛选（含下级）第 10 页",
            lambda: get(staff, "/org/units/", region="321322", page="10"),
        ),
        ("单位详情（含人员分页）", lambda: get(staff, f"/org/units/{unit_ids[0]}/")),
        ("区划列表首页", lambda: get(staff, "/org/regions/")),
        ("用户列表首页", lambda: get(client, "/accounts/users/")),
        ("用户列表 按姓名搜索", lambda: get(client, "/accounts/users/", q="测试人员1234")),
        (
            "用户列表 按角色+单位筛选",
            lambda: get(client, "/accounts/users/", role="handler", unit=str(unit_ids[5])),
        ),
        ("API /org/units?region=321322", lambda: get(staff, "/api/v1/org/units", region="321322")),
        ("API /org/regions?level=township", lambda: get(staff, "/api/v1/org/regions", level="township")),
        ("首页（承办人）", lambda: get(staff, "/")),
    ]
    for name, fn in figures:
        print(f"[{label}] {name}：{median_ms(fn):.1f} ms（中位数）")

    new_parent = Region.objects.get(code="321371")
    t0 = time.perf_counter()
    do_update_region(acting_user=admin, region_id=moving.pk, changes={"parent": new_parent})
    moved = Region.objects.filter(path__startswith="/321300/321371/321322001/").count()
    print(
        f"[{label}] 乡镇改挂上级（重写 {moved} 个区划的层级路径）：{(time.perf_counter() - t0) * 1000:.1f} ms"
    )


def child(label: str, database_url: str, args: argparse.Namespace) -> bool:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.test")
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            label,
            "--units",
            str(args.units),
            "--users",
            str(args.users),
            "--villages",
            str(args.villages),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        sys.stdout.write(proc.stderr)
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--users", type=int, default=20000)
    parser.add_argument("--villages", type=int, default=800, help="最多 899（村代码 3 位顺序号）")
    parser.add_argument("--child", default="")
    args = parser.parse_args()

    args.villages = min(args.villages, 899)
    if args.child:
        run_one(args.units, args.users, args.villages, args.child)
        return 0

    print(f"CPU：{cpu_model()}，{os.cpu_count()} 核；Python {platform.python_version()}")
    ok = True
    for suffix in ("", "-wal", "-shm"):
        Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    ok = child("sqlite", f"sqlite:///{SQLITE_PATH}", args) and ok
    for suffix in ("", "-wal", "-shm"):
        Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        scratch = f"{parts.path.lstrip('/') or 'bangban'}_bench_org"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            conn.execute(f'CREATE DATABASE "{scratch}"')
        try:
            ok = child("postgresql", urlunsplit(parts._replace(path=f"/{scratch}")), args) and ok
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
