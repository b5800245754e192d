"""The 问题清单 (R7.1): 转办 of one item (a case taken in and dispatched, through the action), the list
page filtered to 未办结, the monthly list per region and unit and its .xlsx export, over a city's
worth of items.

Run from the repository root:

    python benchmarks/bench_problems.py [--items N] [--transfers N]

In a scratch SQLite file in /tmp (removed afterwards; with DATABASE_URL set, that database is used
instead — give it a scratch one) it creates a city of 10 counties and 200 units, 作风办, 20,000
enterprises and N items of the 问题清单 found over twelve months (a third of them transferred, with
a case each made by bulk_create, half of those cases answered; a tenth closed directly), then
times: `--transfers` 转办 through `do_transfer_problem` (intake, numbering, dispatch with the
working-day deadline, audit); the list page `/conduct/problems/?progress=open`; the monthly page and
its export for the busiest month. The figures and the machine's load (`uptime`) are recorded in
docs/performance.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from benchmarks._common import uptime  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_problems.sqlite3")


def timed(label: str, fn: object, runs: int = 5) -> None:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - t0)
    print(
        f"{label}：中位数 {statistics.median(samples) * 1000:.0f} ms，最快 {min(samples) * 1000:.0f} ms（{runs} 次）"
    )


def bench(items: int, transfers: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    import datetime as dt
    import random

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.conduct.actions import do_transfer_problem
    from bangban.conduct.models import ProblemItem, ProblemSource, ProblemState
    from bangban.enterprises.models import Enterprise
    from bangban.org.models import Region, RegionLevel, Unit, UnitType
    from bangban.tickets.defaults import ensure_defaults
    from bangban.tickets.models import Channel, Ticket
    from bangban.tickets.workflow import Status
    from bangban.workdays.loader import ensure_calendar

    call_command("migrate", verbosity=0, interactive=False)
    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    for role in Role:
        RoleRecord.objects.get_or_create(code=role.value)
    ensure_calendar()
    ensure_defaults()

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
            region=city if i < 20 else counties[i % 10],
            type=UnitType.CITY_DEPARTMENT if i < 20 else UnitType.COUNTY_DEPARTMENT,
        )
        for i in range(200)
    ]
    zuofeng = User.objects.create_user(username="zuofeng", password="x", full_name="作风办", unit=units[0])
    zuofeng.roles.set(RoleRecord.for_codes([Role.CONDUCT_OFFICE]))
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
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", "region_id"))
    now = timezone.now()
    today = timezone.localdate(now)
    sources = list(ProblemSource.values)
    with transaction.atomic():
        cases = []
        rows = []
        for i in range(items):
            found = today - dt.timedelta(days=rng.randrange(365))
            enterprise_id, region_id = enterprises[rng.randrange(len(enterprises))]
            unit = units[rng.randrange(len(units))]
            state = (
                ProblemState.TRANSFERRED
                if i % 3 == 0
                else ProblemState.RESOLVED
                if i % 10 == 1
                else ProblemState.PENDING
            )
            if state == ProblemState.TRANSFERRED:
                at = dt.datetime.combine(found, dt.time(10), tzinfo=timezone.get_current_timezone())
                cases.append(
                    Ticket(
                        number=f"ZF-B-{i:07d}",
                        channel=Channel.CONDUCT,
                        title="作风问题",
                        content="作风问题",
                        region_id=region_id,
                        enterprise_id=enterprise_id,
                        lead_unit=unit,
                        received_at=at,
                        dispatched_at=at,
                        due_at=at + dt.timedelta(days=7),
                        status=Status.REPLIED if i % 2 == 0 else Status.IN_PROGRESS,
                    )
                )
            rows.append(
                ProblemItem(
                    source=sources[i % 4],
                    enterprise_id=enterprise_id,
                    region_id=region_id,
                    text=f"问题{i}",
                    found_on=found,
                    found_by=zuofeng,
                    recorded_at=now,
                    unit=unit,
                    state=state,
                    closed_note="当场整改" if state == ProblemState.RESOLVED else "",
                )
            )
        Ticket.objects.bulk_create(cases, batch_size=2000)
        case_ids = iter(Ticket.objects.order_by("pk").values_list("pk", flat=True))
        for row in rows:
            if row.state == ProblemState.TRANSFERRED:
                row.case_id = next(case_ids)
        ProblemItem.objects.bulk_create(rows, batch_size=2000)
    print(f"{items:,} 条问题（{len(cases):,} 件诉求）：{time.perf_counter() - t0:.1f} s")

    pending = list(
        ProblemItem.objects.filter(state=ProblemState.PENDING).values_list("pk", flat=True)[:transfers]
    )
    runs = []
    for pk in pending:
        t1 = time.perf_counter()
        do_transfer_problem(acting_user=zuofeng, item_id=pk, unit_id=units[5].pk, now=timezone.now())
        runs.append(time.perf_counter() - t1)
    print(f"转办（受理、编号、派单、审计）：{len(runs)} 次，中位数 {statistics.median(runs) * 1000:.1f} ms，"
          f"最快 {min(runs) * 1000:.1f} ms")  # fmt: skip

    client = Client()
    client.force_login(zuofeng)
    month = max(
        ((m, ProblemItem.objects.filter(found_on__year=m.year, found_on__month=m.month).count())
         for m in {today.replace(day=1) - dt.timedelta(days=30 * k) for k in range(12)}),
        key=lambda p: p[1],
    )[0].strftime("%Y-%m")  # fmt: skip

    def get(path: str, **params: str) -> None:
        response = client.get(path, params)
        assert response.status_code == 200, response.status_code
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)

    timed("问题清单第一页（未办结）", lambda: get("/conduct/problems/", progress="open"))
    timed(f"月度问题清单 {month}", lambda: get("/conduct/problems/monthly/", month=month))
    timed(
        f"月度问题清单导出 {month}", lambda: get("/conduct/problems/monthly/export.xlsx", month=month), runs=3
    )
    print(uptime())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--transfers", type=int, default=30)
    args = parser.parse_args()
    print(f"开始：{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}；{uptime()}")
    scratch = not os.environ.get("DATABASE_URL")
    if scratch:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    try:
        bench(args.items, args.transfers)
    finally:
        if scratch:
            for suffix in ("", "-wal", "-shm"):
                Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
