"""不作为/慢作为 detection (R15.2) over a month of 1,000,000 cases and 300 units: target ≤ 10 s, run
in the background (the task `supervision.detect_inaction`).

Run from the repository root:

    python benchmarks/bench_inaction.py [--cases N] [--units 300] [--sqlite-cases N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban python benchmarks/bench_inaction.py

In a scratch database (a SQLite file in /tmp with `--sqlite-cases` cases; with DATABASE_URL, also a
database `<name>_inaction_bench` on that PostgreSQL server, dropped afterwards) it inserts the cases
of one month with the set-based insert of `bench_supervision.py` (20 % overdue at some time, 4 %
repeated requests), then by UPDATE … / INSERT … SELECT: one handler of 600 per case, one of 2,000
enterprises and 20 categories per case, one case in 30 reopened, one in 50 escalated. It then
times `actions.run_detection` (the task's body: the aggregation, the findings and the proposals)
three times: the first run proposes, the next ones only update the findings (idempotent).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
for path in (REPO_ROOT, REPO_ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

from bench_supervision import MONTH, YEAR, _insert_cases, cpu_model  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_inaction.sqlite3")
HANDLERS, ENTERPRISES, CATEGORIES = 600, 2000, 20


def _enrich(units: list[tuple[int, int]]) -> None:
    """Handlers, enterprises, categories, 重办 and escalations, set-based."""
    import datetime as dt

    from django.db import connection

    from bangban.accounts.models import User
    from bangban.enterprises.models import Enterprise, Industry, Scale, Tier
    from bangban.tickets.models import Category

    region = units[0][1]
    User.objects.bulk_create(
        [
            User(username=f"bench-h{i:04d}", full_name=f"承办人{i:04d}", unit_id=units[i % len(units)][0])
            for i in range(HANDLERS)
        ]
    )
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=f"91321322MA{i:07d}X"[:18], name=f"基准企业{i:05d}", region_id=region,
                industry=Industry.C, scale=Scale.SMALL, tier=Tier.GENERAL,
            )
            for i in range(ENTERPRISES)
        ]
    )  # fmt: skip
    Category.objects.bulk_create(
        [Category(code=f"B{i:03d}", name=f"分类{i}", path=f"分类{i}") for i in range(CATEGORIES)]
    )
    first_user = (
        User.objects.filter(username__startswith="bench-h").order_by("pk").values_list("pk", flat=True)[0]
    )
    first_ent = Enterprise.objects.order_by("pk").values_list("pk", flat=True)[0]
    first_cat = Category.objects.order_by("pk").values_list("pk", flat=True)[0]
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE tickets_ticket SET handler_id = {first_user} + id % {HANDLERS}, "
            f"enterprise_id = {first_ent} + (id * 13) % {ENTERPRISES}, category_id = {first_cat} + id % {CATEGORIES}, "
            "reopen_count = CASE WHEN id % 30 = 0 THEN 1 ELSE 0 END"
        )
        at = "t.received_at + interval '2 days'" if pg else "datetime(t.received_at, '+2 days')"
        cursor.execute(
            "INSERT INTO escalation_escalationstep (ticket_id, from_level, to_level, tier_name, kind, reason, "
            f"actor_name, at) SELECT t.id, 1, 2, '县区', 'auto', '超时', '系统', {at} FROM tickets_ticket t "
            "WHERE t.id % 50 = 0"
        )
        if pg:
            cursor.execute("ANALYZE tickets_ticket")
            cursor.execute("ANALYZE escalation_escalationstep")
    del dt


def step(cases: int, n_units: int, label: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bangban.accounts.models import RoleRecord
    from bangban.accounts.roles import Role
    from bangban.org.models import Region, RegionLevel, Unit, UnitType
    from bangban.supervision import actions
    from bangban.supervision.models import AccountabilityRecord, InactionFinding
    from bangban.tickets.models import Ticket
    from bangban.workdays.arithmetic import SHANGHAI

    call_command("migrate", verbosity=0, interactive=False)
    print(f"[{label}] 数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    for role in Role:
        RoleRecord.objects.get_or_create(code=role.value)
    city = Region(code="321300", name="宿迁市", level=RegionLevel.CITY)
    city.path = city.compute_path()
    city.save()
    county = Region(code="321322", name="沭阳县", level=RegionLevel.COUNTY, parent=city)
    county.path = county.compute_path()
    county.save()
    Unit.objects.bulk_create(
        [
            Unit(code=f"bench-{i:03d}", name=f"基准单位{i:03d}", type=UnitType.CITY_DEPARTMENT, region=county)
            for i in range(n_units)
        ]
    )
    units = list(Unit.objects.order_by("pk").values_list("pk", "region_id"))
    started = time.perf_counter()
    _insert_cases(cases, units, 1)
    _enrich(units)
    print(
        f"[{label}] 数据：诉求 {Ticket.objects.count():,} 件，单位 {len(units)} 个；写入用时 {time.perf_counter() - started:.1f} s"
    )
    now = dt.datetime(YEAR, MONTH + 1, 18, tzinfo=SHANGHAI)
    timings = []
    for i in range(3):
        t0 = time.perf_counter()
        scan = actions.run_detection(YEAR, MONTH, now)
        timings.append(time.perf_counter() - t0)
        print(
            f"[{label}] 第 {i + 1} 次检测：{timings[-1]:.3f} s；发现 {scan.findings} 项，新提议 {scan.proposals} 条，"
            f"当月诉求 {scan.cases:,} 件"
        )
    print(
        f"[{label}] 发现 {InactionFinding.objects.count()} 项，提议 {AccountabilityRecord.objects.count()} 条；"
        f"检测：首次 {timings[0]:.3f} s，再次最好 {min(timings[1:]):.3f} s"
    )
    print(f"RESULT {label} first={timings[0]:.3f} again={min(timings[1:]):.3f} target=10")


def run(cases: int, units: int, label: str, url: str) -> None:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.test")
    args = [
        sys.executable,
        __file__,
        "--step",
        "--cases",
        str(cases),
        "--units",
        str(units),
        "--label",
        label,
    ]
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        sys.stdout.write(proc.stderr)
        raise SystemExit(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--sqlite-cases", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--step", action="store_true")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    if args.step:
        step(args.cases, args.units, args.label)
        return 0
    print(f"CPU：{cpu_model()}，{os.cpu_count()} 核；Python {platform.python_version()}")
    print(f"负载：{Path('/proc/loadavg').read_text().strip() if Path('/proc/loadavg').exists() else '未知'}")
    if args.sqlite_cases:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        try:
            run(args.sqlite_cases, args.units, "sqlite", f"sqlite:///{SQLITE_PATH}")
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        scratch = f"{parts.path.lstrip('/') or 'bangban'}_inaction_bench"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        scratch_url = urlunsplit(parts._replace(path=f"/{scratch}"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{scratch}"')
        try:
            run(args.cases, args.units, "postgresql", scratch_url)
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
