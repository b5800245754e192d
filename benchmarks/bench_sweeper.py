"""Deadline sweeper over 100,000 open cases (issue 3: target ≤ 5 s).

Run from the repository root:

    python benchmarks/bench_sweeper.py [--cases N] [--crossing 0.10] [--waiting 0.05]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban python benchmarks/bench_sweeper.py

In a scratch database (a SQLite file in /tmp; with DATABASE_URL, also a database
`<name>_bench_sweeper` created on that PostgreSQL server and dropped afterwards) it bulk-inserts N
open cases spread over 40 units, 200 handlers and 11 dispatchers. About `crossing` of them have
crossed a threshold: half are 临期 (warning), half 超期 (overdue), and 2 % of all cases are
suspended and past due (to be skipped). A share `waiting` of the cases (5 %) still waits for its
first dispatch (待派单, a mayor-channel case every tenth) with a running dispatch clock, the same
`crossing` share of them past its warning or due time; every other case carries the settled
dispatch clock of its first dispatch, as every case received since the clock exists does. It
then times:

1. the first sweep: state updates, alerts, timeline entries, one audit entry per batch and the
   in-app messages to the handler, the unit's heads and the dispatchers — the units' deadlines
   and the dispatch clock (whose share of the time is printed apart);
2. a second sweep at the same instant, which finds nothing new.

Delivery of the queued messages is not part of the sweep (the outbox worker sends them; see
bench_outbox.py): the sweep enqueues one delivery task per batch, as in production.
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
import subprocess  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

from benchmarks._common import cpu_model  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_sweeper.sqlite3")


def step(cases: int, crossing: float, label: str, waiting: float = 0.05) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.conf import settings

    django.setup()
    # As in production: the delivery sweep is enqueued as a task row (sent later by a worker),
    # not run inline as the test settings' immediate backend would.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    import datetime as dt
    import random

    from django.core.management import call_command
    from django.db import connection

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.audit.models import AuditEvent
    from bangban.notifications.models import OutboxMessage
    from bangban.org.models import Region, RegionLevel, Unit, UnitType
    from bangban.tickets.models import DeadlineAlert, DispatchAlert, Ticket, TicketEvent
    from bangban.tickets.sweeper import sweep_deadlines, sweep_dispatch_clock
    from bangban.tickets.workflow import DeadlineState, Status
    from bangban.workdays.arithmetic import SHANGHAI

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

    city = region("321300", "宿迁市", RegionLevel.CITY, None)
    counties = [region(f"3213{20 + i:02d}", f"县区{i}", RegionLevel.COUNTY, city) for i in range(10)]
    units = []
    for i in range(40):
        where = city if i < 10 else counties[i % 10]
        units.append(
            Unit.objects.create(
                code=f"u{i:03d}",
                name=f"单位{i:03d}",
                type=UnitType.CITY_DEPARTMENT if where is city else UnitType.COUNTY_GOVERNMENT,
                region=where,
            )
        )

    def user(name: str, role: str, unit: Unit) -> User:
        u = User.objects.create(username=name, full_name=name, unit=unit)
        u.roles.add(roles[role])
        return u

    handlers = {u.pk: [user(f"h{u.pk}_{k}", Role.HANDLER, u) for k in range(5)] for u in units}
    for u in units:
        user(f"head{u.pk}", Role.UNIT_HEAD, u)
    user("dispatcher_city", Role.DISPATCHER, units[0])
    for i, county in enumerate(counties):
        user(f"dispatcher_{i}", Role.DISPATCHER, next(u for u in units if u.region_id == county.pk))
    for i in range(3):
        user(f"mayor_office_{i}", Role.MAYOR_OFFICE, units[0])

    now = dt.datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI)
    rng = random.Random(20261020)
    half = crossing / 2
    rows = []
    t0 = time.perf_counter()
    received = now - dt.timedelta(days=10)
    for i in range(cases):
        unit = units[i % len(units)]
        if rng.random() < waiting:
            # Waiting for the first dispatch: only the dispatch clock runs.
            roll = rng.random()
            if roll < half:
                clock_due = now - dt.timedelta(hours=rng.randint(1, 72))
            elif roll < crossing:
                clock_due = now + dt.timedelta(hours=rng.randint(1, 20))
            else:
                clock_due = now + dt.timedelta(days=rng.randint(2, 5))
            mayor = i % 10 == 0
            rows.append(
                Ticket(
                    number=f"BM-{i:08d}",
                    channel="mayor" if mayor else "portal",
                    title=f"基准诉求{i}",
                    content="内容",
                    status=Status.PENDING_DISPATCH,
                    received_at=clock_due - dt.timedelta(days=2),
                    region=unit.region,
                    dispatch_clock="review" if mayor else "dispatch",
                    dispatch_workdays=3 if mayor else 1,
                    dispatch_due_at=clock_due,
                    dispatch_warn_at=clock_due - dt.timedelta(days=1),
                    dispatch_state=DeadlineState.NORMAL,
                )
            )
            continue
        roll = rng.random()
        if roll < half:  # overdue
            due = now - dt.timedelta(hours=rng.randint(1, 200))
        elif roll < crossing:  # warning
            due = now + dt.timedelta(hours=rng.randint(1, 20))
        else:
            due = now + dt.timedelta(days=rng.randint(2, 30))
        warn = due - dt.timedelta(days=1)
        status = rng.choice([Status.IN_PROGRESS] * 6 + [Status.DISPATCHED, Status.REPLY_REVIEW])
        if rng.random() < 0.02:
            status, due, warn = Status.SUSPENDED, now - dt.timedelta(days=3), now - dt.timedelta(days=4)
        rows.append(
            Ticket(
                number=f"BM-{i:08d}",
                channel="portal",
                title=f"基准诉求{i}",
                content="内容",
                status=status,
                received_at=received,
                dispatched_at=now - dt.timedelta(days=10),
                dispatch_clock="dispatch",
                dispatch_workdays=1,
                dispatch_due_at=received + dt.timedelta(days=1),
                dispatch_warn_at=received,
                dispatch_state=DeadlineState.NORMAL,
                dispatch_settled_at=received + dt.timedelta(hours=rng.randint(1, 48)),
                deadline_start=now - dt.timedelta(days=10),
                workdays_allowed=5,
                due_at=due,
                warn_at=warn,
                deadline_state=DeadlineState.NORMAL,
                lead_unit=unit,
                handler=None if status == Status.DISPATCHED else rng.choice(handlers[unit.pk]),
                region=unit.region,
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=2000)
    print(f"[{label}] 写入 {cases:,} 件未办结诉求：{time.perf_counter() - t0:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # A worker process has loaded the URL configuration (message links) after its first task;
    # load it here so the sweep is timed as it runs every five minutes.
    from django.urls import reverse

    t0 = time.perf_counter()
    reverse("tickets:detail", args=[1])
    print(f"[{label}] 进程首次加载URL配置（一次性）：{time.perf_counter() - t0:.2f} s")

    audit_before = AuditEvent.objects.count()
    t0 = time.perf_counter()
    first = sweep_deadlines(now)
    seconds = time.perf_counter() - t0
    print(
        f"[{label}] 第一次巡检：{seconds:.2f} s — 临期 {first['warning']:,}、超期 {first['overdue']:,}、"
        f"派单临期 {first['dispatch_warning']:,}、派单超期 {first['dispatch_overdue']:,}、"
        f"提醒记录 {first['alerts']:,}、站内消息 {first['notifications']:,}、批次 {first['batches']}"
    )
    t0 = time.perf_counter()
    second = sweep_deadlines(now)
    seconds2 = time.perf_counter() - t0
    print(f"[{label}] 第二次巡检（无新增）：{seconds2 * 1000:.0f} ms — {second}")
    # The dispatch clock's share: the same marking again an hour later (new crossings only).
    later = now + dt.timedelta(hours=1)
    t0 = time.perf_counter()
    clock = sweep_dispatch_clock(later)
    clock_seconds = time.perf_counter() - t0
    print(f"[{label}] 一小时后派单计时巡检：{clock_seconds * 1000:.0f} ms — {clock}")
    t0 = time.perf_counter()
    sweep_dispatch_clock(later)
    clock_idle = time.perf_counter() - t0
    print(f"[{label}] 派单计时巡检（无新增）：{clock_idle * 1000:.0f} ms")
    suspended_marked = Ticket.objects.filter(status=Status.SUSPENDED).exclude(deadline_state="normal").count()
    print(
        f"[{label}] 核对：派单计时提醒 {DispatchAlert.objects.count():,} 条，时间线 "
        f"{TicketEvent.objects.filter(kind__startswith='dispatch_').count():,} 条"
    )
    print(
        f"[{label}] 核对：提醒 {DeadlineAlert.objects.count():,} 条，时间线 "
        f"{TicketEvent.objects.filter(kind__in=['warning', 'overdue']).count():,} 条，"
        f"消息 {OutboxMessage.objects.count():,} 条，审计 {AuditEvent.objects.count() - audit_before} 条，"
        f"被误标的挂起诉求 {suspended_marked} 件"
    )
    print(
        f"RESULT {label} first={seconds:.3f} second={seconds2:.3f} "
        f"dispatch_clock={clock_seconds:.3f} dispatch_clock_idle={clock_idle:.3f}"
    )


def run(cases: int, crossing: float, label: str, url: str, waiting: float = 0.05) -> str:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.test")
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--step",
            "--cases",
            str(cases),
            "--crossing",
            str(crossing),
            "--waiting",
            str(waiting),
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--crossing", type=float, default=0.10)
    parser.add_argument("--waiting", type=float, default=0.05)
    parser.add_argument("--step", action="store_true")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    if args.step:
        step(args.cases, args.crossing, args.label, args.waiting)
        return 0

    print(f"CPU：{cpu_model()}，{os.cpu_count()} 核；Python {platform.python_version()}")
    for suffix in ("", "-wal", "-shm"):
        Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    try:
        run(args.cases, args.crossing, "sqlite", f"sqlite:///{SQLITE_PATH}", args.waiting)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        scratch = f"{parts.path.lstrip('/') or 'bangban'}_bench_sweeper"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        scratch_url = urlunsplit(parts._replace(path=f"/{scratch}"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{scratch}"')
        try:
            run(args.cases, args.crossing, "postgresql", scratch_url, args.waiting)
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
