"""Audit log: how fast the hash chain verifies (R0.5), and how fast events are appended.

Run from the repository root:

    python benchmarks/bench_audit.py [--events N] [--target-seconds S]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangban python benchmarks/bench_audit.py

Builds a chain of N events (default 1,000,000) in a scratch database — a SQLite file in /tmp, and,
when DATABASE_URL names a PostgreSQL server, a database `<name>_bench_audit` created on that
server and dropped afterwards — computing each hash with `bangban.audit.actions.event_hash` and
inserting in bulk. Then it times `verify_chain()` over the whole chain and the `record()` path
for a few thousand single appends. Exits with status 1 when verification is slower than
--target-seconds (default 30) on any database.
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

SQLITE_PATH = Path("/tmp/bangban_bench_audit.sqlite3")
ACTIONS = ["ticket.create", "ticket.dispatch", "ticket.accept", "ticket.reply", "enterprise.update"]
STATUSES = ["待派单", "已派单", "办理中", "已答复", "已办结"]


def run_one(events: int, label: str) -> float:
    """Runs inside a child process whose DATABASE_URL points at an empty scratch database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    import datetime as dt
    import json

    from django.core.management import call_command
    from django.db import connection, transaction

    from bangban.audit.actions import GENESIS_HASH, event_hash, normalise, record
    from bangban.audit.models import ChainHead
    from bangban.audit.verify import verify_chain

    call_command("migrate", verbosity=0, interactive=False)
    print(f"[{label}] 数据库：{connection.vendor} {connection.settings_dict['NAME']}")

    start_at = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
    columns = [
        "seq",
        "at",
        "actor_id",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "ip",
        "source",
        "prev_hash",
        "hash",
    ]
    sqlite = connection.vendor == "sqlite"

    def write(rows: list[tuple]) -> None:
        # Straight to the driver, stored exactly as the ORM stores them (UTC text and json.dumps
        # on SQLite; COPY on PostgreSQL): the ORM's per-field preparation would dominate the run.
        with transaction.atomic(), connection.cursor() as cursor:
            if sqlite:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO audit_auditevent ({', '.join(columns)}) VALUES ({marks})", rows
                )
            else:
                with cursor.cursor.copy(f"COPY audit_auditevent ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)

    def stored_json(value: object) -> str | None:
        return None if value is None else json.dumps(value)

    prev = GENESIS_HASH
    rows: list[tuple] = []
    t0 = time.perf_counter()
    for seq in range(1, events + 1):
        i = seq % 5
        fields = {
            "at": start_at + dt.timedelta(seconds=seq * 3, microseconds=seq % 1000),
            "actor_id": 1000 + seq % 50,
            "actor_name": f"承办人{seq % 50:02d}",
            "action": ACTIONS[i],
            "object_type": "tickets.ticket",
            "object_id": str(seq // 5),
            "object_repr": f"诉求 SQ2026{seq // 5:07d} 企业用电报装进度咨询",
            "before": normalise({"status": STATUSES[i - 1], "version": seq // 5}) if i else None,
            "after": normalise({"status": STATUSES[i], "version": seq // 5 + 1, "note": "已电话联系企业"}),
            "ip": f"10.{seq % 7}.{seq % 251}.{seq % 249 + 1}",
            "source": "web",
        }
        digest = event_hash(seq=seq, prev_hash=prev, **fields)
        at = str(fields["at"].replace(tzinfo=None)) if sqlite else fields["at"]
        rows.append(
            (
                seq,
                at,
                fields["actor_id"],
                fields["actor_name"],
                fields["action"],
                fields["object_type"],
                fields["object_id"],
                fields["object_repr"],
                stored_json(fields["before"]),
                stored_json(fields["after"]),
                fields["ip"],
                fields["source"],
                prev,
                digest,
            )
        )
        prev = digest
        if len(rows) >= 10000:
            write(rows)
            rows = []
    if rows:
        write(rows)
    with transaction.atomic():
        ChainHead.objects.update_or_create(pk=1, defaults={"last_seq": events, "last_hash": prev})
    insert_seconds = time.perf_counter() - t0
    print(f"[{label}] 写入 {events} 个事件（Python 计算哈希链 + 批量插入）：{insert_seconds:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE audit_auditevent")

    t0 = time.perf_counter()
    result = verify_chain()
    verify_seconds = time.perf_counter() - t0
    print(
        f"[{label}] verify_chain：{result.message}，用时 {verify_seconds:.2f} s "
        f"（{result.checked / verify_seconds:,.0f} 个/秒）"
    )
    if not result.ok or result.checked != events:
        print(f"[{label}] 错误：校验结果不符合预期")
        return float("inf")

    appends = 2000
    t0 = time.perf_counter()
    for n in range(appends):
        with transaction.atomic():
            record("bench.append", object_type="bench.row", object_id=n, after={"n": n})
    append_seconds = time.perf_counter() - t0
    print(
        f"[{label}] record() 逐条追加 {appends} 个事件（每个一个事务）：{append_seconds:.2f} s "
        f"（{appends / append_seconds:,.0f} 个/秒）"
    )
    check = verify_chain()
    print(f"[{label}] 追加后再次校验：{check.message}")
    return verify_seconds if check.ok else float("inf")


def pg_admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "bangban"
    scratch = f"{name}_bench_audit"
    return urlunsplit(parts._replace(path="/postgres")), scratch


def child(events: int, label: str, database_url: str) -> float:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.test")
    proc = subprocess.run(
        [sys.executable, __file__, "--child", label, "--events", str(events)],
        env=env,
        capture_output=True,
        text=True,
    )
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        sys.stdout.write(proc.stderr)
        return float("inf")
    for line in proc.stdout.splitlines():
        if line.startswith("VERIFY_SECONDS="):
            return float(line.split("=", 1)[1])
    return float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--target-seconds", type=float, default=30.0)
    parser.add_argument("--child", default="")
    args = parser.parse_args()

    if args.child:
        seconds = run_one(args.events, args.child)
        print(f"VERIFY_SECONDS={seconds}")
        return 0

    print(f"CPU：{cpu_model()}，{os.cpu_count()} 核；Python {platform.python_version()}")
    results: dict[str, float] = {}

    SQLITE_PATH.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    results["sqlite"] = child(args.events, "sqlite", f"sqlite:///{SQLITE_PATH}")
    SQLITE_PATH.unlink(missing_ok=True)

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        admin_url, scratch = pg_admin_url(url)
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            conn.execute(f'CREATE DATABASE "{scratch}"')
        try:
            results["postgresql"] = child(
                args.events, "postgresql", urlunsplit(urlsplit(url)._replace(path=f"/{scratch}"))
            )
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

    failed = False
    for name, seconds in results.items():
        verdict = "达标" if seconds <= args.target_seconds else "未达标"
        print(
            f"结论 {name}：校验 {args.events} 个事件用时 {seconds:.2f} s（目标 ≤ {args.target_seconds:.0f} s）{verdict}"
        )
        failed = failed or seconds > args.target_seconds
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
