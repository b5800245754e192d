"""Compliance matrix of a quarter (issue 6: 50,000 enterprises, 5,000 officers, 1,000,000 contacts,
target ≤ 2 s on PostgreSQL).

Run from the repository root:

    python benchmarks/bench_network.py [--enterprises N] [--officers N] [--contacts N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban_network python benchmarks/bench_network.py

In a scratch database (a SQLite file in /tmp; with DATABASE_URL, also a database
`<name>_bench` created on that PostgreSQL server and dropped afterwards) it loads N enterprises over
10 counties and their townships, the officers (10 enterprises each), one current assignment per
enterprise, and the contacts of one quarter (COPY on PostgreSQL, batched inserts on SQLite); about
one officer in ten misses a month or the quarter's visit. It then times, as a city-wide overseer
sees them:

1. the matrix per officer (every officer's row, as the page and the export build it);
2. the matrix per county/zone (with the number of officers behind in each);
3. the matrix as a county's unit head sees it (one county);
4. one officer's enterprises (the officer's phone page);
5. the officers behind per county/zone, city-wide, that the lead units' reminders are built from
   (`queries.gaps_by_area`, once per month and quarter).
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

SQLITE_PATH = Path("/tmp/bangban_bench_network.sqlite3")


def timed(label: str, fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    runs = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    size = len(result) if hasattr(result, "__len__") else result
    print(
        f"[{LABEL}] {label}：首次 {runs[0] * 1000:.0f} ms，中位数 {statistics.median(runs) * 1000:.0f} ms，"
        f"最快 {min(runs) * 1000:.0f} ms（{size} 行）"
    )
    return statistics.median(runs)


LABEL = ""


def step(enterprises: int, officers: int, contacts: int, label: str) -> None:
    global LABEL
    LABEL = label
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    import datetime as dt
    import random

    from django.core.management import call_command
    from django.db import connection, transaction

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Rank, Role
    from bangban.enterprises.models import Enterprise, Tier
    from bangban.network import queries
    from bangban.network.models import Assignment, Contact
    from bangban.network.rules import Quarter
    from bangban.org.models import Region, RegionLevel, Unit, UnitType

    call_command("migrate", verbosity=0, interactive=False)
    print(f"[{label}] 数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    for role in Role:
        RoleRecord.objects.get_or_create(code=role.value)
    roles = {r.code: r for r in RoleRecord.objects.all()}

    def region(code: str, name: str, level: str, parent: Region | None) -> Region:
        r = Region(code=code, name=name, level=level, parent=parent)
        r.path = r.compute_path()
        r.save()
        return r

    rng = random.Random(20261127)
    t0 = time.perf_counter()
    city = region("321300", "宿迁市", RegionLevel.CITY, None)
    counties = [region(f"3213{20 + i:02d}", f"县区{i}", RegionLevel.COUNTY, city) for i in range(10)]
    towns = [
        region(f"{c.code}{k:03d}", f"{c.name}镇{k}", RegionLevel.TOWNSHIP, c)
        for c in counties
        for k in range(1, 9)
    ]
    city_unit = Unit.objects.create(
        code="city-miit", name="市工信局", type=UnitType.CITY_DEPARTMENT, region=city
    )
    county_units = [
        Unit.objects.create(
            code=f"miit-{c.code}", name=f"{c.name}工信局", type=UnitType.COUNTY_DEPARTMENT, region=c
        )
        for c in counties
    ]
    overseer = User.objects.create(username="yingshangban", full_name="营商办", unit=city_unit)
    overseer.roles.add(roles[Role.BIZ_OFFICE])
    county_head = User.objects.create(username="head0", full_name="县区0负责人", unit=county_units[0])
    county_head.roles.add(roles[Role.UNIT_HEAD])

    # Officers: the first 5 % city-level (副处级), the rest county staff (副科级).
    city_officers = max(1, officers // 20)
    people = [
        User(
            username=f"o{i:05d}",
            full_name=f"专员{i:05d}",
            unit=city_unit if i < city_officers else county_units[i % 10],
            rank=Rank.FU_CHU if i < city_officers else Rank.FU_KE,
        )
        for i in range(officers)
    ]
    User.objects.bulk_create(people, batch_size=2000)
    officer_ids = list(
        User.objects.filter(username__startswith="o").order_by("username").values_list("pk", flat=True)
    )
    through = User.roles.through
    through.objects.bulk_create(
        [through(user_id=pk, rolerecord_id=Role.SERVICE_OFFICER) for pk in officer_ids], batch_size=5000
    )
    # Enterprises: officer k serves enterprises k, k + officers, … (10 each), in the officer's county.
    rows = []
    for i in range(enterprises):
        officer_index = i % officers
        county = officer_index % 10
        tier = (
            Tier.CITY_TOP100
            if officer_index < city_officers
            else (Tier.COUNTY_KEY if i % 7 == 0 else Tier.GENERAL)
        )
        rows.append(
            Enterprise(
                uscc=f"91321300MA{i:08d}",
                name=f"基准企业{i:06d}",
                region=towns[county * 8 + i % 8],
                industry="C",
                scale="small",
                tier=tier,
            )
        )
    Enterprise.objects.bulk_create(rows, batch_size=2000)
    enterprise_ids = list(Enterprise.objects.order_by("uscc").values_list("pk", flat=True))
    print(
        f"[{label}] 区划、单位、{officers:,} 名专员、{enterprises:,} 家企业：{time.perf_counter() - t0:.1f} s"
    )

    today = dt.date.today()
    quarter = Quarter.of(today).previous()
    t0 = time.perf_counter()
    assignments = [
        Assignment(
            officer_id=officer_ids[i % officers],
            enterprise_id=enterprise_ids[i],
            started_on=quarter.start - dt.timedelta(days=30),
            created_by_id=overseer.pk,
        )
        for i in range(enterprises)
    ]
    Assignment.objects.bulk_create(assignments, batch_size=5000)
    print(f"[{label}] {enterprises:,} 条挂钩安排：{time.perf_counter() - t0:.1f} s")

    # Contacts of the quarter: per assignment, distinct days; one officer in ten is behind.
    per_assignment = max(1, contacts // enterprises)
    days = [quarter.start + dt.timedelta(days=d) for d in range((quarter.end - quarter.start).days + 1)]
    late_month = [d for d in days if d.month != quarter.months[2][0].month]
    t0 = time.perf_counter()
    now = dt.datetime.now(dt.UTC)

    def contact_rows():  # type: ignore[no-untyped-def]
        for i in range(enterprises):
            officer_index = i % officers
            officer_id = officer_ids[officer_index]
            behind = officer_index % 10 == 9
            pool = late_month if behind and i % 2 == 0 else days
            chosen = rng.sample(pool, min(per_assignment, len(pool)))
            for k, day in enumerate(chosen):
                if k == 0 and not (behind and i % 2 == 1):
                    kind = "visit"
                else:
                    kind = ("phone", "wechat", "online")[k % 3]
                yield (officer_id, enterprise_ids[i], kind, day, "联系企业", now)

    total = 0
    if connection.vendor == "postgresql":
        columns = (
            "officer_id, enterprise_id, kind, contact_on, summary, created_at, raised, is_leader_visit, leader_name, "
            "leader_title, policies_delivered, services_delivered, verification, verification_channel, "
            "verification_note, version"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY network_contact ({columns}) FROM STDIN") as copy:
                for row in contact_rows():
                    copy.write_row((*row, "", False, "", "", "", "", "not_required", "", "", 1))
                    total += 1
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        batch: list[Contact] = []
        with transaction.atomic():
            for officer_id, enterprise_id, kind, day, summary, _ in contact_rows():
                batch.append(
                    Contact(
                        officer_id=officer_id,
                        enterprise_id=enterprise_id,
                        kind=kind,
                        contact_on=day,
                        summary=summary,
                    )
                )
                if len(batch) >= 20000:
                    Contact.objects.bulk_create(batch, batch_size=2000)
                    total += len(batch)
                    batch = []
            Contact.objects.bulk_create(batch, batch_size=2000)
            total += len(batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"[{label}] {total:,} 条联系走访（{quarter.label}）：{time.perf_counter() - t0:.1f} s")

    period = queries.period_for(quarter, today)
    if connection.vendor == "postgresql" and os.environ.get("BENCH_EXPLAIN"):
        inner, args = queries._inner_sql(period, "", [])
        sql = f"SELECT t.officer_id, {queries._sums(period)} FROM ({inner}) t GROUP BY t.officer_id"
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, args)
            print("\n".join(f"    {line[0]}" for line in cursor.fetchall()))
    by_officer = timed("按专员矩阵（全市）", lambda: queries.compliance_by_officer(overseer, period))
    rows_o = queries.compliance_by_officer(overseer, period)
    behind = sum(1 for r in rows_o if not r.tally.up_to_date)
    print(f"[{label}] 核对：{len(rows_o):,} 名专员，其中落后 {behind:,} 名")
    by_region = timed("按县区矩阵（全市）", lambda: queries.compliance_by_region(overseer, period))
    county = timed("按专员矩阵（一个县区）", lambda: queries.compliance_by_officer(county_head, period))
    officer = User.objects.get(pk=officer_ids[-1])
    one = timed(
        "一名专员的挂钩企业", lambda: queries.compliance_enterprises(officer, period, officer_id=officer.pk)
    )
    gaps = timed("牵头单位提醒：各县区落后专员（全市）", lambda: queries.gaps_by_area(period))
    print(
        f"RESULT {label} by_officer={by_officer:.3f} by_region={by_region:.3f} county={county:.3f} "
        f"officer={one:.3f} lead_gaps={gaps:.3f}"
    )


def run(enterprises: int, officers: int, contacts: int, label: str, url: str) -> str:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.test")
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--step",
            "--enterprises",
            str(enterprises),
            "--officers",
            str(officers),
            "--contacts",
            str(contacts),
            "--label",
            label,
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        sys.stdout.write(proc.stderr)
        raise SystemExit(1)
    return proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--officers", type=int, default=5_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--skip-sqlite", action="store_true", help="只在 PostgreSQL 上运行")
    parser.add_argument("--step", action="store_true")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    if args.step:
        step(args.enterprises, args.officers, args.contacts, args.label)
        return 0

    print(f"CPU：{cpu_model()}，{os.cpu_count()} 核；Python {platform.python_version()}")
    if not args.skip_sqlite:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        try:
            run(args.enterprises, args.officers, args.contacts, "sqlite", f"sqlite:///{SQLITE_PATH}")
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)

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
            run(args.enterprises, args.officers, args.contacts, "postgresql", scratch_url)
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
