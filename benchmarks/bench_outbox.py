"""Outbox throughput (R0.6): queueing messages and sweeping them through a backend.

Run from the repository root:

    python benchmarks/bench_outbox.py [--messages N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban python benchmarks/bench_outbox.py

In a scratch database (a SQLite file in /tmp; with DATABASE_URL, also a database
`<name>_bench_outbox` created on that PostgreSQL server and dropped afterwards) it queues N SMS
messages with `notify()` (one transaction per 100, as a busy action would), then times the sweep
(`deliver_due`: claim with a lease, send through the in-memory backend, mark sent) in one worker,
and on PostgreSQL again with two worker processes sweeping at once, checking that every message
was sent exactly once.
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

SQLITE_PATH = Path("/tmp/bangban_bench_outbox.sqlite3")
BACKENDS = {
    "sms": "bangban.notifications.backends.MemoryBackend",
    "email": "bangban.notifications.backends.MemoryBackend",
    "inapp": "bangban.notifications.backends.InAppBackend",
}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.conf import settings

    django.setup()
    settings.NOTIFICATION_BACKENDS = BACKENDS


def queue(messages: int, label: str) -> None:
    setup_django()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from bangban.notifications.actions import notify

    call_command("migrate", verbosity=0, interactive=False)
    print(f"[{label}] 数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    # Due in the past; the on-commit delivery tasks are not run here, the sweep sends everything.
    due = timezone.now() - dt.timedelta(minutes=1)
    t0 = time.perf_counter()
    for start in range(0, messages, 100):
        with transaction.atomic():
            for i in range(start, min(start + 100, messages)):
                notify(
                    channel="sms",
                    subject="诉求办理提醒",
                    body=f"您有一件诉求（SQ2026{i:07d}）将于明日到期，请及时办理。",
                    address=f"138{i:08d}",
                    dedupe_key=f"bench:{i}",
                    now=due,
                )
            # The benchmark measures the sweep: drop the per-message on-commit tasks.
            connection.run_on_commit = []
    seconds = time.perf_counter() - t0
    print(f"[{label}] notify() 写入 {messages} 条消息：{seconds:.2f} s（{messages / seconds:,.0f} 条/秒）")


def sweep(label: str) -> None:
    setup_django()
    from django.utils import timezone

    from bangban.notifications import backends
    from bangban.notifications.delivery import deliver_due

    t0 = time.perf_counter()
    result = deliver_due(timezone.now(), limit=200, max_batches=10_000)
    seconds = time.perf_counter() - t0
    ids = sorted(m.pk for m in backends.sent)
    print(f"SENT_IDS={','.join(map(str, ids))}")
    print(
        f"[{label}] 发送 {result.total} 条：{seconds:.2f} s（{result.total / max(seconds, 1e-9):,.0f} 条/秒）"
    )


def check(messages: int, label: str) -> None:
    setup_django()
    from bangban.notifications.models import OutboxMessage, OutboxStatus

    sent = OutboxMessage.objects.filter(status=OutboxStatus.SENT).count()
    print(f"[{label}] 已发送 {sent} / {messages}")


def run(args: list[str], database_url: str) -> str:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.test")
    proc = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout + proc.stderr)
        raise SystemExit(1)
    return proc.stdout


def show(output: str) -> list[int]:
    ids: list[int] = []
    for line in output.splitlines():
        if line.startswith("SENT_IDS="):
            ids.extend(int(x) for x in line.split("=", 1)[1].split(",") if x)
        else:
            print(line)
    return ids


def bench(messages: int, label: str, url: str, workers: int) -> bool:
    show(run(["--step", "queue", "--label", label, "--messages", str(messages)], url))
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.test")
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--step", "sweep", "--label", f"{label} 进程{n + 1}"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(workers)
    ]
    ids: list[int] = []
    for proc in procs:
        out, _ = proc.communicate()
        ids.extend(show(out))
    seconds = time.perf_counter() - t0
    once = len(ids) == len(set(ids)) == messages
    print(
        f"[{label}] {workers} 个发送进程合计：{len(ids)} 条，{seconds:.2f} s"
        f"（{len(ids) / seconds:,.0f} 条/秒，含进程启动），每条恰好发送一次：{'是' if once else '否'}"
    )
    show(run(["--step", "check", "--label", label, "--messages", str(messages)], url))
    return once


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--step", default="")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    if args.step == "queue":
        queue(args.messages, args.label)
        return 0
    if args.step == "sweep":
        sweep(args.label)
        return 0
    if args.step == "check":
        check(args.messages, args.label)
        return 0

    print(
        f"CPU：{platform.processor() or platform.machine()}，{os.cpu_count()} 核；Python {platform.python_version()}"
    )
    ok = True
    for suffix in ("", "-wal", "-shm"):
        Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    ok &= bench(args.messages, "sqlite", f"sqlite:///{SQLITE_PATH}", workers=1)
    for suffix in ("", "-wal", "-shm"):
        Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        scratch = f"{parts.path.lstrip('/') or 'bangban'}_bench_outbox"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        scratch_url = urlunsplit(parts._replace(path=f"/{scratch}"))
        for workers in (1, 2):
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{scratch}"')
            try:
                ok &= bench(args.messages, f"postgresql×{workers}", scratch_url, workers=workers)
            finally:
                with psycopg.connect(admin_url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
