"""Officer figures of a month for the monthly 通报 (R3, R4, R15: 5,000 officers, 50,000
enterprises, target ≤ 2 s).

Run from the repository root:

    python benchmarks/bench_officer_figures.py [--enterprises N] [--officers N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban_officer python benchmarks/bench_officer_figures.py

In a scratch database (a SQLite file in /tmp; with DATABASE_URL, also a database
`<name>_bench` created on that PostgreSQL server and dropped afterwards) it loads N enterprises over
10 counties and their townships, the officers (10 enterprises each, in 11 units), one assignment
per enterprise (one in twenty ended mid-month and handed over), and with `bulk_create` the contacts
of the ranked month (September 2026, which closes a quarter, so the visits count) and of the month
before: about one officer in ten misses both months, one in twenty the visit; the visits are
confirmed, disputed or pending, and half the enterprises rate their officer. It then times:

1. `network.figures.officer_month_figures` — every officer's and unit's figures of the month, the
   units' 帮办履职率 ranking and the officers far behind (what the ranking keeps and the 通报 prints);
2. `supervision.sources.officer_figures` (the same, as supervision reads it);
3. the 「帮办专员履职」 section of the 督查 通报 built from those figures.
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

SQLITE_PATH = Path("/tmp/bangban_bench_officer_figures.sqlite3")


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
    from bangban.network.figures import officer_month_figures
    from bangban.network.models import Assignment, Contact, OfficerRating, Verification
    from bangban.org.models import Region, RegionLevel, Unit, UnitType
    from bangban.supervision import sources
    from bangban.supervision.notices import officer_section

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

    rng = random.Random(20261207)
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
    rows = []
    for i in range(enterprises):
        officer_index = i % officers
        tier = (
            Tier.CITY_TOP100
            if officer_index < city_officers
            else (Tier.COUNTY_KEY if i % 7 == 0 else Tier.GENERAL)
        )
        rows.append(
            Enterprise(
                uscc=f"91321300MA{i:08d}",
                name=f"基准企业{i:06d}",
                region=towns[(officer_index % 10) * 8 + i % 8],
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

    year, month = 2026, 9
    prev_start, month_start = dt.date(2026, 8, 1), dt.date(2026, 9, 1)
    handover = dt.date(2026, 9, 15)
    t0 = time.perf_counter()
    assignments = []
    for i in range(enterprises):
        officer_id = officer_ids[i % officers]
        if i % 20 == 19:  # handed over mid-month to the next officer
            assignments.append(Assignment(officer_id=officer_id, enterprise_id=enterprise_ids[i],
                                          started_on=dt.date(2026, 6, 1), ended_on=handover,
                                          created_by_id=overseer.pk))  # fmt: skip
            officer_id = officer_ids[(i + 1) % officers]
            start = handover
        else:
            start = dt.date(2026, 6, 1)
        assignments.append(Assignment(officer_id=officer_id, enterprise_id=enterprise_ids[i], started_on=start,
                                      created_by_id=overseer.pk))  # fmt: skip
    Assignment.objects.bulk_create(assignments, batch_size=5000)
    print(f"[{label}] {len(assignments):,} 条挂钩安排：{time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    states = [Verification.CONFIRMED] * 8 + [Verification.DISPUTED, Verification.PENDING]
    aug = [prev_start + dt.timedelta(days=d) for d in range(31)]
    sep = [month_start + dt.timedelta(days=d) for d in range(30)]
    batch: list[Contact] = []
    ratings: list[OfficerRating] = []
    total = 0
    with transaction.atomic():
        for i in range(enterprises):
            officer_index = i % officers
            officer_id = officer_ids[officer_index]
            slack = officer_index % 10 == 9  # misses August and September
            no_visit = officer_index % 20 == 3
            if not (slack and (i // officers) % 2 == 0):
                batch.append(Contact(officer_id=officer_id, enterprise_id=enterprise_ids[i], kind="phone",
                                     contact_on=rng.choice(aug), summary="联系企业"))  # fmt: skip
                if i % 20 != 19:
                    kind = "phone" if no_visit else "visit"
                    batch.append(Contact(officer_id=officer_id, enterprise_id=enterprise_ids[i], kind=kind,
                                         contact_on=rng.choice(sep[:14]), summary="联系企业",
                                         verification=rng.choice(states) if kind == "visit" else
                                         Verification.NOT_REQUIRED))  # fmt: skip
            if i % 2 == 0:
                ratings.append(OfficerRating(enterprise_id=enterprise_ids[i], officer_id=officer_id,
                                             month="2026-09", level=rng.choice((1, 2, 2, 3, 4)),
                                             rated_by_id=overseer.pk))  # fmt: skip
            if len(batch) >= 20000:
                Contact.objects.bulk_create(batch, batch_size=2000)
                total += len(batch)
                batch = []
        Contact.objects.bulk_create(batch, batch_size=2000)
        total += len(batch)
        OfficerRating.objects.bulk_create(ratings, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"[{label}] {total:,} 条联系走访（2026年8—9月）、{len(ratings):,} 条评价：{time.perf_counter() - t0:.1f} s"
    )

    figures = timed("月度专员指标（network.figures）", lambda: officer_month_figures(year, month)["units"])
    data = officer_month_figures(year, month)
    t = data["totals"]
    print(
        f"[{label}] 核对：{t['officers']:,} 名专员，应联系 {t['contacts_due']:,}、已联系 {t['contacts_done']:,}，"
        f"应走访 {t['visits_due']:,}、已走访 {t['visits_done']:,}，严重滞后 {t['officers_far_behind']:,} 名，"
        f"帮办履职率 {t['duty_rate']}%"
    )
    via_sources = timed(
        "经 supervision.sources 读取", lambda: sources.officer_figures(year, month).data["units"]
    )
    kept = sources.officer_figures(year, month).data
    section = timed(
        "通报「帮办专员履职」一节（由保存的指标生成）", lambda: officer_section(year, month, kept)[0]
    )
    print(f"RESULT {label} figures={figures:.3f} sources={via_sources:.3f} section={section:.3f}")


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
    parser.add_argument("--contacts", type=int, default=0, help=argparse.SUPPRESS)
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
