"""Automatic escalation sweep over 100,000 open cases, 10,000 of them due to escalate (issue 4:
target ≤ 10 s, no case escalated twice).

Run from the repository root:

    python benchmarks/bench_escalation.py [--cases N] [--due 0.10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban python benchmarks/bench_escalation.py

In a scratch database (a SQLite file in /tmp; with DATABASE_URL, also a database
`<name>_escalation_bench` created on that PostgreSQL server and dropped afterwards) it bulk-inserts
N open cases over 40 units; `due` of them are past their handling deadline (tier 1 → 专题会办),
2 % are suspended and past due (skipped), the rest are on time. It then:

1. times one sweep by one worker (steps, escalation rows, timeline entries, one audit entry per
   batch, summaries to 营商办 and the units' heads) and checks every due case went up once;
2. removes what the sweep wrote and runs two workers at the same instant in two processes
   (PostgreSQL; on SQLite, which has one writer, one worker again), timing the pair, and checks
   again that each case has exactly one step, one escalation row and one timeline entry;
3. runs a further sweep, which must find nothing.
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

SQLITE_PATH = Path("/tmp/bangban_bench_escalation.sqlite3")
NOW = "2026-10-20T10:00:00+08:00"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.conf import settings

    django.setup()
    # As in production: message delivery is enqueued as a task row, not run inline.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def setup(cases: int, due_share: float, label: str) -> None:
    _django()
    import datetime as dt
    import random

    from django.core.management import call_command
    from django.db import connection

    from bangban.accounts.models import RoleRecord, User
    from bangban.accounts.roles import Role
    from bangban.org.models import Region, RegionLevel, Unit, UnitType
    from bangban.tickets.models import Ticket
    from bangban.tickets.workflow import DeadlineState, Status

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
    units = [
        Unit.objects.create(
            code=f"u{i:03d}",
            name=f"单位{i:03d}",
            type=UnitType.CITY_DEPARTMENT if i < 10 else UnitType.COUNTY_GOVERNMENT,
            region=city if i < 10 else counties[i % 10],
        )
        for i in range(40)
    ]
    for u in units:
        head = User.objects.create(username=f"head{u.pk}", full_name=f"负责人{u.pk}", unit=u)
        head.roles.add(roles[Role.UNIT_HEAD])
    for i in range(3):
        biz = User.objects.create(username=f"biz{i}", full_name=f"营商办{i}", unit=units[0])
        biz.roles.add(roles[Role.BIZ_OFFICE])

    now = dt.datetime.fromisoformat(NOW)
    rng = random.Random(20261020)
    due_count = int(cases * due_share)
    rows = []
    t0 = time.perf_counter()
    for i in range(cases):
        unit = units[i % len(units)]
        if i < due_count:
            due = now - dt.timedelta(hours=rng.randint(1, 300))
            status = rng.choice([Status.IN_PROGRESS] * 6 + [Status.DISPATCHED, Status.REPLY_REVIEW])
        elif rng.random() < 0.02:
            due, status = now - dt.timedelta(days=3), Status.SUSPENDED
        else:
            due = now + dt.timedelta(days=rng.randint(1, 30))
            status = rng.choice([Status.IN_PROGRESS] * 6 + [Status.DISPATCHED, Status.REPLY_REVIEW])
        rows.append(
            Ticket(
                number=f"BE-{i:08d}",
                channel="portal",
                title=f"基准诉求{i}",
                content="内容",
                status=status,
                received_at=now - dt.timedelta(days=20),
                dispatched_at=now - dt.timedelta(days=20),
                deadline_start=now - dt.timedelta(days=20),
                workdays_allowed=5,
                due_at=due,
                warn_at=due - dt.timedelta(days=1),
                deadline_state=DeadlineState.NORMAL,
                lead_unit=unit,
                region=unit.region,
            )
        )
    rng.shuffle(rows)
    Ticket.objects.bulk_create(rows, batch_size=2000)
    print(
        f"[{label}] 写入 {cases:,} 件未办结诉求（其中 {due_count:,} 件超期待升级）：{time.perf_counter() - t0:.1f} s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def sweep(label: str) -> None:
    _django()
    import datetime as dt

    from django.urls import reverse

    from bangban.escalation.sweep import sweep_escalations

    reverse("tickets:detail", args=[1])  # a worker has its URL configuration loaded
    t0 = time.perf_counter()
    result = sweep_escalations(dt.datetime.fromisoformat(NOW))
    seconds = time.perf_counter() - t0
    print(f"[{label}] 巡检进程 {os.getpid()}：{seconds:.2f} s — {result}")
    print(f"SWEEP {seconds:.3f} {result['escalated']}")


def verify(expected: int, label: str, reset: bool) -> None:
    _django()
    from django.db.models import Count

    from bangban.audit.models import AuditEvent
    from bangban.escalation.models import CaseEscalation, EscalationStep
    from bangban.notifications.models import OutboxMessage
    from bangban.tickets.models import TicketEvent

    steps = EscalationStep.objects.count()
    twice = EscalationStep.objects.values("ticket_id").annotate(n=Count("id")).filter(n__gt=1).count()
    rows = CaseEscalation.objects.filter(level=2).count()
    events = TicketEvent.objects.filter(kind="escalate").count()
    event_twice = (
        TicketEvent.objects.filter(kind="escalate")
        .values("ticket_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    suspended = EscalationStep.objects.filter(ticket__status="suspended").count()
    print(
        f"[{label}] 核对：升级记录 {steps:,}（应为 {expected:,}），重复升级的诉求 {twice}，层级记录 {rows:,}，"
        f"时间线 {events:,}（重复 {event_twice}），被误升级的挂起诉求 {suspended}，"
        f"审计 {AuditEvent.objects.filter(action='escalation.sweep').count()} 条，消息 {OutboxMessage.objects.count():,} 条"
    )
    ok = steps == expected and twice == 0 and rows == expected and events == expected and event_twice == 0
    ok = ok and suspended == 0
    print(f"VERIFY {'ok' if ok else 'FAILED'}")
    if reset:
        TicketEvent.objects.filter(kind="escalate").delete()
        CaseEscalation.objects.all().delete()
        EscalationStep.objects.all().delete()
        OutboxMessage.objects.all().delete()


def _call(url: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.test")
    return subprocess.Popen(
        [sys.executable, __file__, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait(proc: subprocess.Popen) -> str:
    out, err = proc.communicate()
    sys.stdout.write(out)
    if proc.returncode != 0:
        sys.stdout.write(err)
        raise SystemExit(1)
    return out


def _seconds(out: str) -> tuple[float, int]:
    line = next(x for x in out.splitlines() if x.startswith("SWEEP "))
    _tag, seconds, escalated = line.split()
    return float(seconds), int(escalated)


def run(cases: int, due_share: float, label: str, url: str, workers: int) -> None:
    expected = int(cases * due_share)
    _wait(_call(url, "--setup", "--cases", str(cases), "--due", str(due_share), "--label", label))
    seconds, escalated = _seconds(_wait(_call(url, "--sweep", "--label", label)))
    out = _wait(_call(url, "--verify", str(expected), "--reset", "--label", label))
    print(f"RESULT {label} one_worker={seconds:.3f}s escalated={escalated} {out.splitlines()[-1]}")
    if workers >= 1:
        t0 = time.perf_counter()
        procs = [_call(url, "--sweep", "--label", f"{label}#{k + 1}") for k in range(workers)]
        outs = [_wait(p) for p in procs]
        wall = time.perf_counter() - t0
        parts = [_seconds(o) for o in outs]
        out = _wait(_call(url, "--verify", str(expected), "--label", label))
        print(
            f"RESULT {label} {workers}_workers: 各进程 {', '.join(f'{s:.2f}s/{n}件' for s, n in parts)}；"
            f"合计升级 {sum(n for _s, n in parts):,} 件；含进程启动的总时长 {wall:.2f}s；{out.splitlines()[-1]}"
        )
    seconds, escalated = _seconds(_wait(_call(url, "--sweep", "--label", f"{label} 再次巡检")))
    print(f"RESULT {label} again={seconds * 1000:.0f}ms escalated={escalated}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--due", type=float, default=0.10)
    parser.add_argument("--label", default="")
    parser.add_argument("--setup", action="store_true")
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--verify", type=int, default=None)
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if args.setup:
        setup(args.cases, args.due, args.label)
        return 0
    if args.sweep:
        sweep(args.label)
        return 0
    if args.verify is not None:
        verify(args.verify, args.label, args.reset)
        return 0

    print(f"CPU：{cpu_model()}，{os.cpu_count()} 核；Python {platform.python_version()}")
    if not args.skip_sqlite:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        try:
            run(args.cases, args.due, "sqlite", f"sqlite:///{SQLITE_PATH}", workers=1)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        scratch = f"{parts.path.lstrip('/') or 'bangban'}_escalation_bench"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        scratch_url = urlunsplit(parts._replace(path=f"/{scratch}"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{scratch}"')
        try:
            run(args.cases, args.due, "postgresql", scratch_url, workers=2)
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
