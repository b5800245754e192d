"""双随机 draw (R9.1): 500,000 enterprises and 5,000 inspectors with recusal — target ≤ 2 s.

Run from the repository root:

    python benchmarks/bench_inspections_draw.py [--enterprises N] [--inspectors N] [--links N] [--no-db]

1. The draw itself (`inspections.draw.run`, the pure function the action and 复核 call): N
   enterprises split into credit tiers (10 % A, 75 % B, 10 % C, 5 % D) sampled at 1 / 3 / 10 / 30 %,
   5 units of N/5 inspectors each joining one plan (one joint visit per drawn enterprise, a team of
   two from every unit), `--links` declared links (half of them on drawn-heavy D enterprises);
   median of 5 runs, and the snapshot's encoding (JSON + zlib + SHA-256).
2. Unless `--no-db`: the whole action `do_draw_plan` in a scratch SQLite file in /tmp (removed
   afterwards; with DATABASE_URL set, that database is used — give it a scratch one): reading the
   registry, the tiers, the qualified inspectors and the links, the draw, the snapshot, writing the
   visits and their teams (set-based INSERTs) and the audit event; then 复核 (`verify_draw`).

The figures and the machine's load (`uptime`) are recorded in docs/performance.md.
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
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_inspections.sqlite3")
RATIOS = {"A": 100, "B": 300, "C": 1000, "D": 3000}
UNITS = 5


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


def tier_of(i: int) -> str:
    k = i % 20
    return "A" if k < 2 else "C" if k < 4 else "D" if k == 4 else "B"


def pure(enterprises: int, inspectors: int, links: int) -> None:
    from bangban.inspections import draw

    rng = random.Random(20261207)
    ids = list(range(1, enterprises + 1))
    targets: dict[str, list[int]] = {t: [] for t in draw.TIER_ORDER}
    for pk in ids:
        targets[tier_of(pk)].append(pk)
    per_unit = inspectors // UNITS
    pool_inspectors = {u: list(range(u * 100_000, u * 100_000 + per_unit)) for u in range(1, UNITS + 1)}
    every = [i for ids_ in pool_inspectors.values() for i in ids_]
    pairs = {(rng.choice(targets["D"]), rng.choice(every)) for _ in range(links // 2)}
    pairs |= {(rng.choice(ids), rng.choice(every)) for _ in range(links - len(pairs))}
    pool = draw.Pool(targets=targets, inspectors=pool_inspectors, links=sorted(pairs))
    runs = []
    outcome = None
    for k in range(5):
        t0 = time.perf_counter()
        outcome = draw.run(pool, RATIOS, 2, f"bench-{k}")
        runs.append(time.perf_counter() - t0)
    assert outcome is not None
    t0 = time.perf_counter()
    data, _digest = draw.encode(pool)
    encoded = time.perf_counter() - t0
    print(
        f"纯抽取：{enterprises:,} 家企业、{inspectors:,} 名执法人员（{UNITS} 个单位）、{len(pairs):,} 条回避关联 → "
        f"{len(outcome.visits):,} 次联合检查、回避 {outcome.recusals:,} 人次；"
        f"5 次中位数 {statistics.median(runs):.3f} s，最快 {min(runs):.3f} s，最慢 {max(runs):.3f} s"
    )
    print(f"名录快照编码（JSON + zlib + SHA-256）：{encoded:.3f} s，{len(data) / 1e6:.1f} MB")


def with_db(enterprises: int, inspectors: int, links: int, draws: int = 5) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.enterprises.models import Enterprise
    from bangban.inspections import draw
    from bangban.inspections.actions import PlanInput, do_create_plan, do_draw_plan
    from bangban.inspections.actions.plans import _clear_visits, _write_visits
    from bangban.inspections.models import CreditRating, Link, Qualification
    from bangban.inspections.queries import build_pool, ratios_of
    from bangban.inspections.verify import verify_draw
    from bangban.org.models import Region, RegionLevel, Unit, UnitType
    from bangban.workdays.loader import ensure_calendar

    call_command("migrate", verbosity=0, interactive=False)
    ensure_calendar()
    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    for role in Role:
        RoleRecord.objects.get_or_create(code=role.value)
    rng = random.Random(20261207)
    t0 = time.perf_counter()
    city = Region(code="321300", name="宿迁市", level=RegionLevel.CITY)
    city.path = city.compute_path()
    city.save()
    units = [
        Unit.objects.create(code=f"u{i}", name=f"执法单位{i}", type=UnitType.CITY_DEPARTMENT, region=city)
        for i in range(UNITS)
    ]
    admin = User.objects.create(username="bench_admin", full_name="管理员", unit=units[0])
    admin.roles.set(RoleRecord.for_codes([Role.ADMIN]))
    with transaction.atomic():
        for start in range(0, enterprises, 10_000):
            Enterprise.objects.bulk_create(
                [
                    Enterprise(
                        uscc=f"91321300MA{i:08d}",
                        name=f"基准企业{i:06d}",
                        region=city,
                        industry="C",
                        scale="small",
                        tier="general",
                    )
                    for i in range(start, min(start + 10_000, enterprises))
                ]
            )
        ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
        CreditRating.objects.bulk_create(
            [
                CreditRating(enterprise_id=pk, tier=tier_of(n), updated_by=admin, updated_at=timezone.now())
                for n, pk in enumerate(ids)
                if tier_of(n) != "B"
            ],
            batch_size=10_000,
        )
        User.objects.bulk_create(
            [
                User(username=f"zf{i:05d}", full_name=f"执法员{i:05d}", unit=units[i % UNITS])
                for i in range(inspectors)
            ],
            batch_size=5000,
        )
        people = list(User.objects.filter(username__startswith="zf").values_list("pk", flat=True))
        through = User.roles.through
        through.objects.bulk_create(
            [through(user_id=pk, rolerecord_id=Role.INSPECTOR) for pk in people], batch_size=5000
        )
        Qualification.objects.bulk_create(
            [
                Qualification(
                    inspector_id=pk, certificate=f"Z{pk}", updated_by=admin, updated_at=timezone.now()
                )
                for pk in people
            ],
            batch_size=5000,
        )
        pairs = {(rng.choice(ids), rng.choice(people)) for _ in range(links)}
        Link.objects.bulk_create(
            [
                Link(
                    enterprise_id=e,
                    inspector_id=i,
                    kind="other",
                    declared_by=admin,
                    declared_at=timezone.now(),
                )
                for e, i in pairs
            ],
            batch_size=5000,
        )
    print(
        f"准备 {enterprises:,} 家企业、{inspectors:,} 名执法人员、{len(pairs):,} 条关联：{time.perf_counter() - t0:.1f} s"
    )
    today = timezone.localdate()
    plan = do_create_plan(
        acting_user=admin,
        data=PlanInput(
            title="基准联合抽查", lead_unit_id=units[0].pk, items="基准检查事项",
            joining=[{"unit_id": u.pk, "items": ""} for u in units[1:]],
            ratios={t: str(v / 100) for t, v in RATIOS.items()}, team_size=2, starts_on=today, ends_on=today,
        ),
        now=timezone.now(),
    )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the registry just written: its statistics and visibility map
            cursor.execute("VACUUM ANALYZE")
    print(f"抽取前：{uptime()}")
    runs = []
    for _ in range(draws):
        t0 = time.perf_counter()
        do_draw_plan(acting_user=admin, plan_id=plan.pk, now=timezone.now())
        runs.append(time.perf_counter() - t0)
    print(f"抽取后：{uptime()}")
    plan.refresh_from_db()
    t0 = time.perf_counter()
    check = verify_draw(plan)
    verified = time.perf_counter() - t0
    print(
        f"完整抽取动作 do_draw_plan（读名录、抽取、快照、写入 {plan.visits.count():,} 次检查及检查组、审计）："
        f"{len(runs)} 次中位数 {statistics.median(runs):.2f} s，最快 {min(runs):.2f} s，各次 "
        + " / ".join(f"{r:.2f}" for r in runs)
        + "（第 2 次起为公示前重新抽取，含删除上一次结果）"
    )
    print(f"复核 verify_draw：{verified:.2f} s，一致：{check.matches}")

    # Where the action's time goes: its steps one by one, in a transaction rolled back.
    phases: dict[str, float] = {}
    with transaction.atomic():
        t0 = time.perf_counter()
        pool = build_pool(plan)
        phases["读名录（企业、信用等级、执法人员、关联）"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        outcome = draw.run(pool, ratios_of(plan), plan.team_size, "phases")
        phases["抽取 draw.run"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        draw.encode(pool)
        phases["快照编码"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        _clear_visits(plan)
        phases["删除上一次抽取结果"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        _write_visits(plan, outcome)
        phases["写入检查任务及检查组"] = time.perf_counter() - t0
        transaction.set_rollback(True)
    print("分步：" + "；".join(f"{k} {v:.2f} s" for k, v in phases.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=500_000)
    parser.add_argument("--inspectors", type=int, default=5_000)
    parser.add_argument("--links", type=int, default=20_000)
    parser.add_argument("--draws", type=int, default=5, help="完整抽取动作的次数")
    parser.add_argument("--no-db", action="store_true")
    args = parser.parse_args()
    print(f"机器：{cpu_model()}，{os.cpu_count()} 核，Python {platform.python_version()}")
    print(f"开始：{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}；{uptime()}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    scratch = not os.environ.get("DATABASE_URL")
    if scratch:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    pure(args.enterprises, args.inspectors, args.links)
    if not args.no_db:
        try:
            with_db(args.enterprises, args.inspectors, args.links, args.draws)
        finally:
            if scratch:
                for suffix in ("", "-wal", "-shm"):
                    Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    print(f"结束：{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}；{uptime()}")


if __name__ == "__main__":
    main()
