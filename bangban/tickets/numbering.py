"""Readable case numbers: `<channel prefix>-<yyyymmdd>-<sequence>`, e.g. `RX-20261127-0001`.

The date is the day of receipt in Asia/Shanghai; the sequence restarts every day for every channel
and has at least four digits (the 10,000th case of a day simply gets five).

Unique with any number of web processes: the sequence comes from one atomic upsert on
`NumberCounter` (`INSERT … ON CONFLICT (key) DO UPDATE SET last = last + 1 RETURNING last`, which
SQLite ≥ 3.35 and PostgreSQL both run as a single statement). Called inside the intake
transaction, the counter row stays locked until that transaction ends, so two concurrent intakes
can never read the same value; a rolled-back intake leaves a gap, never a duplicate. Intake takes
the number after all its reads, right before its writes, so the lock covers only the writes and the
commit; a batch takes all its numbers in one statement (`next_numbers`).
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection

from bangban.workdays.arithmetic import SHANGHAI

from .models import CHANNEL_PREFIX, Channel, NumberCounter

__all__ = ["as_case_number", "counter_key", "format_number", "next_number", "next_numbers"]

_PREFIXES = "|".join(sorted(CHANNEL_PREFIX.values()))
_NUMBER = re.compile(rf"^({_PREFIXES})-\d{{8}}-\d{{4,}}$")


def as_case_number(text: str) -> str | None:
    """`text` as a whole case number (`rx-20261127-0001` → `RX-20261127-0001`), or None when it is
    not one. Search uses it to answer a typed number from the unique index instead of scanning
    every case's number and title (docs/data-growth.md)."""
    candidate = text.strip().upper()
    return candidate if _NUMBER.match(candidate) else None


def counter_key(channel: str, now: dt.datetime) -> str:
    """`RX20261127`: one counter per channel and day of receipt (Asia/Shanghai)."""
    day = now.astimezone(SHANGHAI).strftime("%Y%m%d")
    return f"{CHANNEL_PREFIX[Channel(channel)]}{day}"


def format_number(channel: str, now: dt.datetime, seq: int) -> str:
    day = now.astimezone(SHANGHAI).strftime("%Y%m%d")
    return f"{CHANNEL_PREFIX[Channel(channel)]}-{day}-{seq:04d}"


def next_number(channel: str, now: dt.datetime) -> str:
    """The next case number for `channel` on the day of `now`. Call inside a transaction."""
    return next_numbers(channel, now, 1)[0]


def next_numbers(channel: str, now: dt.datetime, count: int) -> list[str]:
    """The next `count` consecutive case numbers for `channel` on the day of `now`, taken in one
    statement. Call inside a transaction."""
    q = connection.ops.quote_name
    table, key, last = q(NumberCounter._meta.db_table), q("key"), q("last")
    sql = (
        f"INSERT INTO {table} ({key}, {last}) VALUES (%s, %s) "
        f"ON CONFLICT ({key}) DO UPDATE SET {last} = {table}.{last} + %s RETURNING {last}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [counter_key(channel, now), count, count])
        row = cursor.fetchone()
    end = int(row[0])
    return [format_number(channel, now, seq) for seq in range(end - count + 1, end + 1)]
