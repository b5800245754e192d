"""Throughput of bangban.workdays.arithmetic on the real Chinese calendar.

Run from the repository root:

    python benchmarks/bench_workdays.py [--ops N] [--seed S]

Builds a WorkCalendar from the ``chinese_calendar`` package (every year it
knows, 2004..2026 for chinesecalendar 1.11.0), checks a sample of results
against ``chinese_calendar.is_workday`` day by day, then times deadline
computations and working-day counts in a single process.  Exits with status 1
when add_workdays is slower than --target ops/s (default 200,000).

Then (unless --no-service) the database-backed side, in a scratch SQLite file
(/tmp/bangban_bench_workdays.sqlite3, recreated each run; DATABASE_URL is ignored
so that no real database is touched): loading every package year into the
tables, building the calendar from them, the periodic staleness check, cached
``service.due()`` calls and a year import.
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
import time  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402

import chinese_calendar  # noqa: E402

from bangban.workdays.arithmetic import SHANGHAI, WorkCalendar  # noqa: E402

POOL_SIZE = 50_000
SQLITE_PATH = Path("/tmp/bangban_bench_workdays.sqlite3")


def build_calendar() -> WorkCalendar:
    holidays = list(chinese_calendar.constants.holidays)
    workdays = list(chinese_calendar.constants.workdays)
    years = {d.year for d in holidays} | {d.year for d in workdays}
    return WorkCalendar(holidays, workdays, years)


def reference_due(start: date, n: int) -> date:
    """Day-by-day deadline using chinese_calendar itself (loaded years only)."""
    d = start
    if n == 0:
        if chinese_calendar.is_workday(d):
            return d
        n = 1
    while n:
        d += timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


def check_sample(cal: WorkCalendar, rng: random.Random, first: date, last: date) -> int:
    span = (last - first).days - 120  # keep reference walks inside the known years
    checked = 0
    for _ in range(2_000):
        start = first + timedelta(days=rng.randrange(span))
        n = rng.randrange(0, 60)
        got, provisional = cal.add_workdays_to_date(start, n)
        want = reference_due(start, n)
        if got != want or provisional:
            raise SystemExit(f"mismatch: {start} + {n}: got {got} (provisional={provisional}), want {want}")
        checked += 1
    return checked


def make_instants(rng: random.Random, first: date, last: date, tz) -> list[datetime]:
    """Random receipt instants from first to one year past last (some provisional)."""
    base = datetime(first.year, first.month, first.day, tzinfo=SHANGHAI).astimezone(tz)
    seconds = int((last - first).days + 366) * 86_400
    return [base + timedelta(seconds=rng.randrange(seconds)) for _ in range(POOL_SIZE)]


def timed(label: str, ops: int, fn) -> float:
    t0 = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - t0
    rate = ops / elapsed
    print(f"{label}: {rate:,.0f} ops/s ({ops:,} ops, {elapsed:.2f} s)")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1_000_000, help="operations per timed run")
    parser.add_argument("--seed", type=int, default=20260930)
    parser.add_argument("--target", type=float, default=200_000.0, help="minimum add_workdays ops/s")
    parser.add_argument("--no-service", action="store_true", help="skip the database-backed measurements")
    args = parser.parse_args()
    ops = args.ops
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
    cal = build_calendar()
    build_s = time.perf_counter() - t0
    years = sorted(cal.loaded_years)
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    print(f"python {platform.python_version()} on {platform.machine()}")
    print(f"calendar: years {years[0]}..{years[-1]} ({len(years)} loaded), built in {build_s * 1000:.1f} ms")
    print(
        f"verified: {check_sample(cal, rng, first, last):,} add_workdays_to_date samples vs chinese_calendar"
    )

    utc_pool = make_instants(rng, first, last, UTC)
    sh_pool = [x.astimezone(SHANGHAI) for x in utc_pool]
    ns = [rng.randrange(0, 31) for _ in range(POOL_SIZE)]
    date_pool = [x.date() for x in sh_pool]
    pairs = list(zip(utc_pool, utc_pool[1:] + utc_pool[:1], strict=True))
    rounds, rest = divmod(ops, POOL_SIZE)

    def run_add(pool):
        add = cal.add_workdays
        chunk = list(zip(pool, ns, strict=True))

        def go():
            for _ in range(rounds):
                for received, n in chunk:
                    add(received, n)
            for received, n in chunk[:rest]:
                add(received, n)

        return go

    def run_add_date():
        add = cal.add_workdays_to_date
        chunk = list(zip(date_pool, ns, strict=True))
        for _ in range(rounds):
            for start, n in chunk:
                add(start, n)
        for start, n in chunk[:rest]:
            add(start, n)

    def run_between():
        between = cal.workdays_between
        for _ in range(rounds):
            for a, b in pairs:
                between(a, b)
        for a, b in pairs[:rest]:
            between(a, b)

    provisional = sum(cal.add_workdays(x, n).provisional for x, n in zip(utc_pool, ns, strict=True))
    print(f"inputs: {POOL_SIZE:,} receipt instants, n in 0..30, {provisional / POOL_SIZE:.1%} provisional")

    rate_utc = timed("add_workdays", ops, run_add(utc_pool))
    timed("add_workdays (Asia/Shanghai input)", ops, run_add(sh_pool))
    timed("add_workdays_to_date", ops, run_add_date)
    timed("workdays_between", ops, run_between)

    if not args.no_service:
        bench_service(ops, utc_pool, ns)

    if rate_utc < args.target:
        print(f"FAIL: add_workdays {rate_utc:,.0f} ops/s is below the target {args.target:,.0f} ops/s")
        return 1
    print(f"OK: add_workdays meets the target of {args.target:,.0f} ops/s")
    return 0


def bench_service(ops: int, pool: list[datetime], ns: list[int]) -> None:
    """The calendar as the product uses it: tables, per-process cache, staleness check, import."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from bangban.workdays import service
    from bangban.workdays.actions import do_import_year
    from bangban.workdays.loader import load_package_years

    call_command("migrate", verbosity=0, interactive=False)
    print(f"service: scratch database {SQLITE_PATH}")

    t0 = time.perf_counter()
    loaded = load_package_years()
    print(f"service: load_package_years: {len(loaded)} years in {(time.perf_counter() - t0) * 1000:.0f} ms")
    t0 = time.perf_counter()
    assert load_package_years() == []
    print(f"service: load_package_years again (nothing to do): {(time.perf_counter() - t0) * 1000:.0f} ms")

    service.reset_cache()
    t0 = time.perf_counter()
    service.get_calendar()
    print(f"service: get_calendar cold (read tables + build): {(time.perf_counter() - t0) * 1000:.1f} ms")

    checks = 2_000
    t0 = time.perf_counter()
    for _ in range(checks):
        service.invalidate()
        service.get_calendar()
    per_check = (time.perf_counter() - t0) / checks
    print(
        f"service: staleness check (unchanged): {per_check * 1000:.2f} ms each, at most one per process per "
        f"{service.CHECK_INTERVAL_SECONDS:g} s"
    )

    due = service.due
    chunk = list(zip(pool, ns, strict=True))[: max(1, min(ops, POOL_SIZE))]
    rounds = max(1, ops // len(chunk))
    t0 = time.perf_counter()
    for _ in range(rounds):
        for received, n in chunk:
            due(received, n)
    elapsed = time.perf_counter() - t0
    done = rounds * len(chunk)
    print(f"service.due (cached calendar): {done / elapsed:,.0f} ops/s ({done:,} ops, {elapsed:.2f} s)")

    rows = "日期,类型,名称\n" + "".join(f"2027-10-0{d},节假日,国庆节\n" for d in range(1, 8))
    t0 = time.perf_counter()
    result = do_import_year(
        acting_user=None, year=2027, uploaded_file=SimpleUploadedFile("2027.csv", rows.encode("utf-8"))
    )
    print(
        f"service: do_import_year (csv, {result.holidays} days): {(time.perf_counter() - t0) * 1000:.1f} ms"
    )
    t0 = time.perf_counter()
    service.get_calendar()
    print(f"service: rebuild after the import: {(time.perf_counter() - t0) * 1000:.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
