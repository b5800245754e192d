"""The 入企登记簿 (R7.2): a gate scan to a registered entry (target ≤ 100 ms server time) and the
flags of a month of 1,000,000 entries (target ≤ 5 s).

Run from the repository root:

    python benchmarks/bench_entry_register.py [--entries N] [--scans N]

In a scratch SQLite file in /tmp (removed afterwards; with DATABASE_URL set, that database is used
instead — give it a scratch one) it creates a city of 10 counties, 200 units, 2,000 officials and
20,000 enterprises, then:

1. Gate scan → registered entry: an official opens the gate page of an enterprise (the link of its
   printed QR code) and posts the form, through the whole Django stack (middleware, session, the
   signed token, validation, the row and its audit event) — the time of the POST, per scan, each
   into another enterprise.
2. Flags of a month: N entries of one month — a base of `--base` entries made with bulk_create
   (a quarter inspections, a tenth of those without a task number, 2 % reported as improper, the
   times spread over the month), copied with one `INSERT … SELECT` per copy onto other
   enterprises until N (`--base N` makes them all with bulk_create, which on a busy 2-core machine
   takes about 20 minutes for a million) — then `flags.compute_flags` for that month, set-based
   statements per rule; timed four times: the first computation (the month has no flags yet), then
   three recomputations (each deletes and inserts only what changed — here nothing).

The figures and the machine's load (`uptime`) are recorded in docs/conduct-and-enforcement.md.
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

SQLITE_PATH = Path("/tmp/bangban_bench_conduct.sqlite3")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "(uptime unavailable)"


def bench(entries: int, scans: int, base: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host name is allowed
    import datetime as dt
    import random

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.conduct.flags import compute_flags
    from bangban.conduct.models import Entry, Flag, Purpose, Response
    from bangban.conduct.rules import Month, gate_token
    from bangban.enterprises.models import Enterprise
    from bangban.org.models import Region, RegionLevel, Unit, UnitType

    call_command("migrate", verbosity=0, interactive=False)
    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    for role in Role:
        RoleRecord.objects.get_or_create(code=role.value)

    def region(code: str, name: str, level: str, parent: Region | None) -> Region:
        r = Region(code=code, name=name, level=level, parent=parent)
        r.path = r.compute_path()
        r.save()
        return r

    rng = random.Random(20261207)
    t0 = time.perf_counter()
    city = region("321300", "宿迁市", RegionLevel.CITY, None)
    counties = [region(f"3213{20 + i:02d}", f"县区{i}", RegionLevel.COUNTY, city) for i in range(10)]
    units = [
        Unit.objects.create(
            code=f"u{i:03d}",
            name=f"单位{i:03d}",
            type=UnitType.CITY_DEPARTMENT if i < 20 else UnitType.COUNTY_DEPARTMENT,
            region=city if i < 20 else counties[i % 10],
        )
        for i in range(200)
    ]
    officials = User.objects.bulk_create(
        [User(username=f"z{i:05d}", full_name=f"执法员{i:05d}", unit=units[i % 20]) for i in range(2000)],
        batch_size=2000,
    )
    official_ids = list(
        User.objects.filter(username__startswith="z").order_by("pk").values_list("pk", "unit_id")
    )
    through = User.roles.through
    through.objects.bulk_create(
        [through(user_id=pk, rolerecord_id=Role.INSPECTOR) for pk, _ in official_ids], batch_size=5000
    )
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=f"91321300MA{i:08d}",
                name=f"基准企业{i:06d}",
                region=counties[i % 10],
                industry="C",
                scale="small",
                tier="general",
            )
            for i in range(20_000)
        ],
        batch_size=2000,
    )
    enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    print(f"区划、200 个单位、{len(officials):,} 名执法人员、20,000 家企业：{time.perf_counter() - t0:.1f} s")

    # 1. Gate scan → registered entry (a city-level official: the gate code admits him anywhere).
    official = User.objects.get(pk=official_ids[0][0])
    client = Client()
    client.force_login(official)
    now = timezone.now()
    runs = []
    for k in range(scans):
        enterprise_id = enterprise_ids[k]
        path = f"/conduct/g/{enterprise_id}/{gate_token(enterprise_id, now)}/"
        page = client.get(path)
        assert page.status_code == 200, page.status_code
        t1 = time.perf_counter()
        response = client.post(
            path,
            {
                "purpose": "inspection",
                "description": "安全生产检查",
                "legal_basis": "《安全生产法》",
                "task_number": f"T{k}",
            },
        )
        runs.append(time.perf_counter() - t1)
        assert response.status_code == 302, response.content[:300]
    scan_median = statistics.median(runs)
    print(
        f"扫码登记（POST，含中间件、会话、签名校验、写入与审计）：{scans} 次，中位数 {scan_median * 1000:.1f} ms，"
        f"p90 {sorted(runs)[int(len(runs) * 0.9)] * 1000:.1f} ms，最快 {min(runs) * 1000:.1f} ms"
    )

    # 2. A month of N entries, then its flags.
    Entry.objects.all().delete()
    month = Month(2026, 10)
    start = dt.datetime(2026, 10, 1, tzinfo=timezone.get_current_timezone())
    seconds = 31 * 24 * 3600
    t0 = time.perf_counter()
    batch: list[Entry] = []
    made = 0
    heavy = set(rng.sample(enterprise_ids, 500))  # enterprises visited far more often
    base = min(base, entries)
    with transaction.atomic():
        for i in range(base):
            official_id, unit_id = official_ids[i % len(official_ids)]
            enterprise_id = (
                rng.choice(list(heavy)) if i % 20 == 0 else enterprise_ids[rng.randrange(len(enterprise_ids))]
            )
            at = start + dt.timedelta(seconds=rng.randrange(seconds))
            purpose = (Purpose.INSPECTION, Purpose.RESEARCH, Purpose.VISIT, Purpose.ENFORCEMENT)[i % 4]
            inspection = purpose in (Purpose.INSPECTION, Purpose.ENFORCEMENT)
            batch.append(
                Entry(
                    enterprise_id=enterprise_id,
                    official_id=official_id,
                    unit_id=unit_id,
                    purpose=purpose,
                    description="入企",
                    legal_basis="依据" if inspection else "",
                    task_number="" if inspection and i % 10 == 3 else ("T" if inspection else ""),
                    entered_at=at,
                    registered_at=at,
                    presence="left",
                    response=Response.REPORTED if i % 50 == 0 else Response.CONFIRMED,
                )
            )
            if len(batch) >= 20_000:
                Entry.objects.bulk_create(batch, batch_size=2000)
                made += len(batch)
                batch = []
        Entry.objects.bulk_create(batch, batch_size=2000)
        made += len(batch)
    print(f"{made:,} 条入企登记（{month.label}，bulk_create）：{time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    table = connection.ops.quote_name(Entry._meta.db_table)
    columns = [f.column for f in Entry._meta.concrete_fields if f.column not in ("id", "enterprise_id")]
    lo, count = min(enterprise_ids), len(enterprise_ids)
    copy = 1
    with transaction.atomic(), connection.cursor() as cursor:
        while made < entries:
            take = min(base, entries - made)
            cursor.execute(
                f"INSERT INTO {table} (enterprise_id, {', '.join(columns)}) "
                f"SELECT ((enterprise_id - %s + %s) %% %s) + %s, {', '.join(columns)} FROM {table} "
                f"WHERE id IN (SELECT id FROM {table} ORDER BY id LIMIT %s)",
                [lo, copy * 7919, count, lo, take],
            )
            made += take
            copy += 1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"复制到 {made:,} 条（INSERT … SELECT，换企业）：{time.perf_counter() - t0:.1f} s")

    # The time of each rule (its delete and insert) of every run, to see which rule costs what.
    from bangban.conduct import flags as flags_module

    real_apply = flags_module._apply
    rule_times: dict[str, float] = {}

    def timed_apply(kind: str, *args: object) -> int:
        t = time.perf_counter()
        rows = real_apply(kind, *args)  # type: ignore[arg-type]
        rule_times[str(kind)] = time.perf_counter() - t
        return rows

    flags_module._apply = timed_apply  # type: ignore[assignment]
    flag_runs = []
    counts: dict[str, int] = {}
    for run in range(4):
        rule_times.clear()
        t1 = time.perf_counter()
        counts = compute_flags(month, now=timezone.now())
        flag_runs.append(time.perf_counter() - t1)
        label = "首次计算（当月尚无预警）" if run == 0 else f"第 {run + 1} 次（重新计算）"
        print(
            f"{label}：{flag_runs[-1]:.2f} s；"
            + "，".join(f"{k} {t:.2f} s" for k, t in rule_times.items())
            + f"；其余 {flag_runs[-1] - sum(rule_times.values()):.2f} s"
        )
    recomputations = flag_runs[1:]
    print(
        f"计算一个月的作风预警：首次 {flag_runs[0]:.2f} s，重新计算中位数 {statistics.median(recomputations):.2f} s，"
        f"最快 {min(recomputations):.2f} s；预警 {Flag.objects.count():,} 条 {counts}"
    )
    print(
        f"RESULT scan_ms={scan_median * 1000:.1f} flags_first_s={flag_runs[0]:.2f}"
        f" flags_recompute_s={statistics.median(recomputations):.2f} entries={made}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--scans", type=int, default=100)
    parser.add_argument("--base", type=int, default=100_000, help="用 bulk_create 生成的条数，其余复制")
    args = parser.parse_args()
    print(f"CPU：{cpu_model()}，{os.cpu_count()} 核；Python {platform.python_version()}")
    print(f"开始：{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}；{uptime()}")
    scratch = not os.environ.get("DATABASE_URL")
    if scratch:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    try:
        bench(args.entries, args.scans, args.base)
    finally:
        if scratch:
            for suffix in ("", "-wal", "-shm"):
                Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    print(f"结束：{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}；{uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
