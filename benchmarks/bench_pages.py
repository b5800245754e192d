"""The pages and API reads of the load test's mix, one at a time: server time, statements, and the
time PostgreSQL spends planning them.

Run from the repository root:

    python benchmarks/bench_pages.py [--repeat N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/bench_pages.py

With a PostgreSQL URL the script creates a scratch database `bangban_bench_pages` beside the one
named (dropped afterwards); without one it uses a scratch SQLite file in /tmp. It loads the
calendar and the demo city, then requests each page as the person who uses it (the same people as
`benchmarks/load/locustfile.py`) through Django's test client with the production middleware:
the median and fastest of N requests, the statements of one request, and — on PostgreSQL — the
planning and execution time of those statements (`EXPLAIN (ANALYZE, SUMMARY)`, fastest of three),
so a page whose time goes into planning wide joins shows it (docs/performance.md, "Wide joins").
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import argparse  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

from benchmarks._common import cpu_model, uptime  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_pages.sqlite3")
SCRATCH_DB = "bangban_bench_pages"


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _plan_ms(connection, sql: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Planning and execution time of a read (fastest of three), inside a transaction rolled
    back afterwards; statements that write (an audit event's `WITH … INSERT`) are left out."""
    from django.db import transaction

    best = (0.0, 0.0)
    if WRITES.search(sql):
        return best
    best = (float("inf"), float("inf"))
    with transaction.atomic():
        with connection.cursor() as cursor:
            for _ in range(3):
                cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + sql)
                out = "\n".join(row[0] for row in cursor.fetchall())
                plan = re.search(r"Planning Time: ([\d.]+)", out)
                run = re.search(r"Execution Time: ([\d.]+)", out)
                if plan and run:
                    best = min(best, (float(plan.group(1)), float(run.group(1))))
        transaction.set_rollback(True)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith("postgres")
    if postgres:
        parts = urlsplit(url)
        scratch = urlunsplit(parts._replace(path=f"/{SCRATCH_DB}"))
        _admin(url, f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
        _admin(url, f'CREATE DATABASE "{SCRATCH_DB}"')
        os.environ["DATABASE_URL"] = scratch
    else:
        SQLITE_PATH.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("BANGBAN_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bangban.accounts.models import User
    from bangban.tickets.models import Ticket

    try:
        call_command("migrate", verbosity=0, interactive=False)
        quiet = io.StringIO()
        call_command("load_calendar", verbosity=0, stdout=quiet)
        call_command("load_demo_city", verbosity=0, stdout=quiet)
        handler = User.objects.get(username="chengban_sy")
        unit_case = Ticket.objects.filter(lead_unit_id=handler.unit_id).values_list("pk", flat=True).first()
        pending = Ticket.objects.filter(status="pending_dispatch").values_list("pk", flat=True).first()
        plan = [
            ("chengban_sy", "单位工作台", "/cases/unit/"),
            ("chengban_sy", "诉求页（承办人）", f"/cases/{unit_case}/"),
            ("chengban_sy", "诉求详情 API", f"/api/v1/cases/{unit_case}"),
            ("paidan", "派单台", "/cases/dispatch/"),
            ("paidan", "诉求页（派单员，待派单）", f"/cases/{pending}/"),
            ("yingshangban", "看板 API", "/api/v1/supervision/dashboard"),
            ("yingshangban", "诉求列表 API", "/api/v1/cases?size=50"),
            ("yingshangban", "评价列表 API", "/api/v1/ratings/ratings?size=50"),
            ("yingshangban", "处置分析会材料 API", "/api/v1/supervision/meeting"),
            ("chengban_sy", "导出待办（xlsx）", "/cases/export.xlsx?view=unit"),
        ]
        print(f"{cpu_model()}; {uptime()}")
        print(f"{'PostgreSQL' if postgres else 'SQLite'}, demo city, median / fastest of {args.repeat}")
        print(f"{'page':<28} {'median':>8} {'fastest':>8} {'stmts':>6} {'planning':>9} {'executing':>9}")
        for username, label, path in plan:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(username=username))
            first = client.get(path)
            assert first.status_code == 200, (path, first.status_code)
            with CaptureQueriesContext(connection) as reads:
                client.get(path)
            # A copy: the next request empties the connection's log (Django's reset_queries).
            statements = [query["sql"] for query in reads.captured_queries]
            samples = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                client.get(path)
                samples.append((time.perf_counter() - t0) * 1000)
            planning = executing = 0.0
            if postgres:
                for sql in statements:
                    if sql.lstrip().upper().startswith(("SELECT", "WITH", "(")):
                        p, e = _plan_ms(connection, sql)
                        planning += p
                        executing += e
            db = f"{planning:>7.1f}ms {executing:>7.1f}ms" if postgres else f"{'–':>9} {'–':>9}"
            print(
                f"{label:<24} {statistics.median(samples):>7.1f}ms {min(samples):>7.1f}ms "
                f"{len(statements):>6} {db}"
            )
    finally:
        if postgres:
            connection.close()
            _admin(url, f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
