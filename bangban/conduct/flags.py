"""The flags to 作风办 (R7.2), computed for one month with set-based statements — one
`INSERT … SELECT` per rule, so a month of a million entries takes seconds, not a loop per row.

The rules (settings from `ConductSettings`):
* `improper` — an entry the enterprise reported as improper;
* `unregistered` — each report of an unregistered entry;
* `quiet_period` — a routine inspection (检查) on a day of the enterprise quiet period (days
  `quiet_first_day`–`quiet_last_day` of the month; 执法 on a complaint is not routine);
* `too_frequent` — an enterprise entered more than `max_entries_per_month` times in the month: one
  flag for the enterprise and month, on the entry that went over the limit (the (N+1)th in time
  order), with the month's number of entries;
* `no_task_number` — an inspection or enforcement entry without a task number;
* `unknown_task_number` — a routine inspection (检查) whose task number is not a joint visit of that
  enterprise in an announced 双随机 plan (`inspections.queries.announced_tasks`).

A run brings the month's flags up to date at `now`, so a changed setting or a later answer of the
enterprise shows at the next run. The first computation of a month inserts what each rule finds;
a recomputation runs each rule once into a temporary table, deletes the flags it no longer finds
and inserts those it finds for the first time (`computed_at` is when a flag was first raised): a
flag found again is left as it is, so a recomputation writes only what changed. The background job
(`jobs.py`) runs it every hour for the current month and, in the first days of a month, the month
before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Cast

from bangban.core.kit import durable_action, require_transaction
from bangban.inspections.queries import announced_tasks

from .models import INSPECTION_PURPOSE_LIST, Entry, Flag, FlagKind, Purpose, Response, UnregisteredReport
from .queries import current_settings, month_bounds
from .rules import Month, quiet_days

# SQLite while the flags are computed (`_sqlite_reads_mapped`): the map's size is an address range,
# filled from the operating system's file cache; the page cache is memory of this process.
SQLITE_MMAP_BYTES = 1 << 30
SQLITE_CACHE_KIB = 64 * 1024

FLAG_COLUMNS = (
    "kind",
    "month",
    "enterprise_id",
    "unit_id",
    "entry_id",
    "report_id",
    "occurred_at",
    "entries_in_month",
    "computed_at",
)


# How a rule's flag is told apart from the others of its kind in the month: the entry, the report,
# or — one per enterprise — the enterprise with the entry that went over the limit and the count.
ENTRY_KEY = ("entry_id",)
REPORT_KEY = ("report_id",)
TOO_FREQUENT_KEY = ("enterprise_id", "entry_id", "entries_in_month")

Rows = tuple[str, list[Any]]  # a SELECT of flag rows (in FLAG_COLUMNS order) and its parameters


def _apply(kind: str, month: dt.date, rows: Rows, key: tuple[str, ...]) -> int:
    """Bring the month's flags of `kind` to the rows the rule selects: the rule runs once into a
    temporary table, then the flags it no longer finds are deleted and those not there yet
    inserted (set-based). Returns how many flags of `kind` the month has now."""
    qn = connection.ops.quote_name
    table = qn(Flag._meta.db_table)
    columns = ", ".join(qn(c) for c in FLAG_COLUMNS)
    select_sql, params = rows
    keys = ", ".join(qn(c) for c in key)
    this_month = [kind, connection.ops.adapt_datefield_value(month)]
    existing = Flag.objects.filter(kind=kind, month=month).exists()
    with connection.cursor() as cursor:
        if not existing:  # the month's first computation of this kind: nothing to compare with
            if connection.vendor == "sqlite":
                # In the order of the entries: the flags' entry index grows at its end instead of
                # in a quarter of a million random places (SQLite's page cache is small).
                select_sql = f"SELECT * FROM ({select_sql}) AS n ORDER BY 5"
            cursor.execute(f"INSERT INTO {table} ({columns}) {select_sql}", params)
            return max(cursor.rowcount, 0)
        found = "conduct_found_flags"
        cursor.execute(f"DROP TABLE IF EXISTS {found}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {found} AS WITH n ({columns}) AS ({select_sql}) SELECT * FROM n", params
        )
        cursor.execute(
            f"DELETE FROM {table} WHERE kind = %s AND month = %s AND ({keys}) NOT IN (SELECT {keys} FROM {found})",
            this_month,
        )
        # Both comparisons are sets read once (not a probe per row), and the keys are never null
        # for their kind — a null in a NOT IN list would make it match nothing.
        present = " AND ".join(f"{qn(c)} IS NOT NULL" for c in key)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {found} WHERE ({keys}) NOT IN"
            f" (SELECT {keys} FROM {table} WHERE kind = %s AND month = %s AND {present})",
            this_month,
        )
        cursor.execute(f"DROP TABLE {found}")
    return Flag.objects.filter(kind=kind, month=month).count()


def _entry_rule(kind: str, entries: models.QuerySet[Entry], month: dt.date, now: dt.datetime) -> Rows:
    rows = (
        entries.order_by()
        .annotate(
            f_kind=Value(kind, output_field=models.CharField()),
            f_month=Value(month, output_field=models.DateField()),
            f_report=Cast(Value(None), output_field=models.IntegerField()),
            f_zero=Value(0, output_field=models.IntegerField()),
            f_now=Value(now, output_field=models.DateTimeField()),
        )
        .values_list(
            "f_kind", "f_month", "enterprise_id", "unit_id", "pk", "f_report", "entered_at", "f_zero", "f_now"
        )
    )
    sql, params = rows.query.sql_with_params()
    return sql, list(params)


def _too_frequent(start: dt.datetime, end: dt.datetime, limit: int, month: dt.date, now: dt.datetime) -> Rows:
    """One flag per enterprise over the limit: the month's entries are grouped by enterprise on the
    (enterprise, entered_at) index, and the entry that went over the limit is found by one index
    seek per enterprise over it (no sort of the whole month)."""
    ops = connection.ops
    entry = ops.quote_name(Entry._meta.db_table)
    sql = (
        "SELECT %s, %s, x.enterprise_id, x.unit_id, x.id, CAST(NULL AS integer), x.entered_at, g.total, %s FROM ("
        " SELECT e.enterprise_id, COUNT(*) AS total,"
        f" (SELECT y.id FROM {entry} y WHERE y.enterprise_id = e.enterprise_id"
        "   AND y.entered_at >= %s AND y.entered_at < %s ORDER BY y.entered_at, y.id LIMIT 1 OFFSET %s) AS over_id"
        f" FROM {entry} e WHERE e.entered_at >= %s AND e.entered_at < %s"
        " GROUP BY e.enterprise_id HAVING COUNT(*) > %s"
        f") g JOIN {entry} x ON x.id = g.over_id"
    )
    start_value, end_value = ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)
    params = [
        FlagKind.TOO_FREQUENT.value,
        ops.adapt_datefield_value(month),
        ops.adapt_datetimefield_value(now),
        start_value,
        end_value,
        limit,
        start_value,
        end_value,
        limit,
    ]
    return sql, params


def _unregistered(month: Month, now: dt.datetime) -> Rows:
    rows = (
        UnregisteredReport.objects.filter(
            occurred_on__gte=month.first_day, occurred_on__lt=month.next().first_day
        )
        .order_by()
        .annotate(
            f_kind=Value(FlagKind.UNREGISTERED.value, output_field=models.CharField()),
            f_month=Value(month.first_day, output_field=models.DateField()),
            f_unit=Cast(Value(None), output_field=models.IntegerField()),
            f_entry=Cast(Value(None), output_field=models.IntegerField()),
            f_zero=Value(0, output_field=models.IntegerField()),
            f_now=Value(now, output_field=models.DateTimeField()),
        )
        .values_list(
            "f_kind", "f_month", "enterprise_id", "f_unit", "f_entry", "pk", "reported_at", "f_zero", "f_now"
        )
    )
    sql, params = rows.query.sql_with_params()
    return sql, list(params)


def _union(parts: Iterable[Rows]) -> Rows:
    selects = list(parts)
    return " UNION ALL ".join(sql for sql, _ in selects), [p for _, params in selects for p in params]


@durable_action
def compute_flags(month: Month, *, now: dt.datetime) -> dict[str, int]:
    """Bring the flags of `month` up to what the rules find at `now`, in one transaction; the count
    per kind. (The demo loader, already in a transaction, calls `compute_flags.inner`.)"""
    require_transaction()
    settings = current_settings()
    start, end = month_bounds(month)
    first, last = quiet_days(month, settings.quiet_first_day, settings.quiet_last_day)
    quiet_start = start + dt.timedelta(days=first - 1)
    quiet_end = start + dt.timedelta(days=last)
    entries = Entry.objects.filter(entered_at__gte=start, entered_at__lt=end)
    day = month.first_day
    inspections = entries.filter(purpose=Purpose.INSPECTION)
    planned = announced_tasks().filter(
        task_number=OuterRef("task_number"), enterprise_id=OuterRef("enterprise_id")
    )
    # Every kind is listed here; the month's flags of any other kind are removed (first).
    rules: dict[str, tuple[Rows, tuple[str, ...]]] = {
        FlagKind.IMPROPER: (
            _entry_rule(FlagKind.IMPROPER, entries.filter(response=Response.REPORTED), day, now),
            ENTRY_KEY,
        ),
        FlagKind.QUIET_PERIOD: (
            _entry_rule(
                FlagKind.QUIET_PERIOD,
                inspections.filter(entered_at__gte=quiet_start, entered_at__lt=quiet_end),
                day,
                now,
            ),
            ENTRY_KEY,
        ),
        # One SELECT per purpose, each on its partial index.
        FlagKind.NO_TASK_NUMBER: (
            _union(
                _entry_rule(FlagKind.NO_TASK_NUMBER, entries.filter(task_number="", purpose=p), day, now)
                for p in INSPECTION_PURPOSE_LIST
            ),
            ENTRY_KEY,
        ),
        FlagKind.UNKNOWN_TASK_NUMBER: (
            _entry_rule(
                FlagKind.UNKNOWN_TASK_NUMBER,
                inspections.exclude(task_number="").exclude(Exists(planned)),
                day,
                now,
            ),
            ENTRY_KEY,
        ),
        FlagKind.TOO_FREQUENT: (
            _too_frequent(start, end, settings.max_entries_per_month, day, now),
            TOO_FREQUENT_KEY,
        ),
        FlagKind.UNREGISTERED: (_unregistered(month, now), REPORT_KEY),
    }
    with _sqlite_reads_mapped():
        # First (on a month without flags yet, it finds nothing to read).
        _drop_other_kinds(day, [str(kind) for kind in rules])
        return {str(kind): _apply(kind, day, rows, key) for kind, (rows, key) in rules.items()}


@contextmanager
def _sqlite_reads_mapped() -> Iterator[None]:
    """SQLite reads the month's entries through a memory map, with a larger page cache, while the
    rules run: each rule looks up a quarter of a million rows of a table of a million in index order,
    and page by page through read calls into a 2 MB cache, seconds of a first computation. The
    connection's settings are put back afterwards. Nothing to do on PostgreSQL."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        # An in-memory database (the tests') has no memory map: its pragma answers no row.
        cursor.execute("PRAGMA mmap_size")
        row = cursor.fetchone()
        mmap_size = int(row[0]) if row else None
        cursor.execute("PRAGMA cache_size")
        row = cursor.fetchone()
        cache_size = int(row[0]) if row else None
        if mmap_size is not None:
            cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        if cache_size is not None:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if mmap_size is not None:
                cursor.execute(f"PRAGMA mmap_size = {mmap_size}")
            if cache_size is not None:
                cursor.execute(f"PRAGMA cache_size = {cache_size}")


def _drop_other_kinds(month: dt.date, computed: list[str]) -> int:
    """The month's flags of a kind no rule computes any more (a rule retired from the code, or a
    kind renamed) are removed: a run leaves exactly what the rules find. Returns how many."""
    qn = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(computed))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {qn(Flag._meta.db_table)} WHERE month = %s AND kind NOT IN ({marks})",
            [connection.ops.adapt_datefield_value(month), *computed],
        )
        return max(cursor.rowcount, 0)
