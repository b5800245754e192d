"""Re-derive the hash chain and name the first broken link.

Verification reads events in `seq` order in keyset-paged chunks straight from the database cursor
and hashes each row's canonical content exactly as `event_hash` does, but without the ORM's
per-row conversions (a million events must verify in well under 30 seconds). The chain head is
read first, so events appended while the check runs are left for the next run instead of being
mistaken for a damaged tail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.utils.dateparse import parse_datetime

from .actions import GENESIS_HASH, audit_key, format_at
from .models import AuditEvent, ChainHead


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    # The first event hashed with the audit key (HMAC-SHA256); events before it use the legacy
    # plain SHA-256 scheme. None: no keyed event (yet).
    keyed_from: int | None = None
    head_hash: str = GENESIS_HASH

    @property
    def message(self) -> str:
        if self.ok:
            return f"审计链完整：共 {self.checked} 个事件"
        return f"审计链在第 {self.broken_seq} 号事件处断裂：{self.reason}"


FIELDS = (
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
)

_dumps = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
_loads = json.loads
_sha256 = hashlib.sha256
_hmac = hmac.digest


def keyed_from_setting() -> int | None:
    """`BANGBAN_AUDIT_KEYED_FROM`: the sequence number from which every event must be keyed (the
    cut-over printed by `verify_audit_chain` after the upgrade). Pinning it outside the database
    stops a database owner from passing off rewritten recent events as legacy ones."""
    value = getattr(settings, "BANGBAN_AUDIT_KEYED_FROM", None)
    return int(value) if value else None


def _at_text(value: Any) -> str:
    """`format_at` of a raw `at` column value: SQLite gives Django's UTC text, PostgreSQL an aware
    datetime (the connection runs in UTC)."""
    if isinstance(value, str):
        if len(value) == 27 and value[-1] == "Z":
            return value
        if len(value) == 26 and value[10] == " ":
            return value[:10] + "T" + value[11:] + "Z"
        if len(value) == 19 and value[10] == " ":
            return value[:10] + "T" + value[11:] + ".000000Z"
        parsed = parse_datetime(value)
        if parsed is None:
            return value
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return format_at(parsed)
    offset = value.utcoffset()
    if offset is None:  # a naive value is UTC (Django's storage convention with USE_TZ)
        return value.isoformat(timespec="microseconds") + "Z"
    if not offset:
        return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    return format_at(value)


def _json_value(value: Any) -> Any:
    if value is None or not isinstance(value, str | bytes):
        return value
    return _loads(value)


def _rows(
    after_seq: int, upto: int | None, chunk_size: int, using: str | None = None
) -> Iterator[list[tuple[Any, ...]]]:
    db = using or router.db_for_read(AuditEvent)
    connection = connections[db]
    qn = connection.ops.quote_name
    table = qn(AuditEvent._meta.db_table)
    columns = [qn(name) for name in FIELDS]  # every field's column is its name
    if connection.vendor == "sqlite":
        # Read the stored text as is: slicing it is cheaper than the driver's datetime converter.
        columns[1] = f"{columns[1]} || ''"
    elif connection.vendor == "postgresql":
        # Let the server format the time exactly as `format_at` does.
        columns[1] = f"""to_char({columns[1]} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
    column_list = ", ".join(columns)
    bound = f" AND {qn('seq')} <= %s" if upto is not None else ""
    sql = f"SELECT {column_list} FROM {table} WHERE {qn('seq')} > %s{bound} ORDER BY {qn('seq')} LIMIT %s"
    last = after_seq
    with connection.cursor() as cursor:
        while True:
            params: list[Any] = [last, upto, chunk_size] if upto is not None else [last, chunk_size]
            cursor.execute(sql, params)
            chunk = cursor.fetchall()
            if not chunk:
                return
            yield chunk
            if len(chunk) < chunk_size:
                return
            last = chunk[-1][0]


def verify_chain(
    chunk_size: int = 20000,
    progress: Callable[[int, int], None] | None = None,
    using: str | None = None,
) -> VerifyResult:
    """Check every event up to the chain head. `progress(checked, total)` is called after each
    chunk (for the auditor page's progress bar). `using`: another database alias, e.g. the scratch
    copy a restore drill verifies (bangban/shell/backup)."""
    head = ChainHead.objects.db_manager(using).filter(pk=1).values_list("last_seq", "last_hash").first()
    upto = head[0] if head is not None else None
    total = upto if upto is not None else AuditEvent.objects.db_manager(using).count()
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    dumps, sha256, at_text, loads, mac = _dumps, _sha256, _at_text, _loads, _hmac
    key = audit_key()
    keyed_from: int | None = None
    must_be_keyed_from = keyed_from_setting()
    for chunk in _rows(0, upto, chunk_size, using):
        for row in chunk:
            (seq, at, actor_id, actor_name, action, object_type, object_id, object_repr) = row[:8]
            before, after, ip, source, prev_hash, stored = row[8:]
            if seq != expected_seq:
                return VerifyResult(
                    False, checked, expected_seq, f"缺少序号 {expected_seq} 的事件（可能被删除）", keyed_from
                )
            if prev_hash != expected_prev:
                return VerifyResult(
                    False, checked, seq, "前序哈希不一致（前一事件被改动、删除或顺序被调整）", keyed_from
                )
            content = dumps(
                [
                    seq,
                    at_text(at),
                    actor_id,
                    actor_name,
                    action,
                    object_type,
                    object_id,
                    object_repr,
                    loads(before) if before.__class__ is str else _json_value(before),
                    loads(after) if after.__class__ is str else _json_value(after),
                    None if ip is None else str(ip),
                    source,
                    prev_hash,
                ]
            )
            data = content.encode()
            if key is not None and mac(key, data, "sha256").hex() == stored:
                if keyed_from is None:
                    keyed_from = seq
            elif sha256(data).hexdigest() == stored:
                if keyed_from is not None or (must_be_keyed_from is not None and seq >= must_be_keyed_from):
                    return VerifyResult(
                        False,
                        checked,
                        seq,
                        "事件未以审计密钥签名（在启用密钥之后出现普通 SHA-256 哈希：事件被改写并重算哈希）",
                        keyed_from,
                    )
            else:
                return VerifyResult(False, checked, seq, "事件内容与其哈希不符（事件被改动）", keyed_from)
            expected_prev = stored
            expected_seq += 1
            checked += 1
        if progress is not None:
            progress(checked, total)
    if head is None:
        if checked:
            return VerifyResult(False, checked, checked, "链头记录缺失（链头被删除或改动）")
        return VerifyResult(True, 0)
    if head[0] != checked:
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"链头记录到序号 {head[0]}，但只找到 {checked} 个事件（末尾事件被删除）",
        )
    if head[1] != expected_prev:
        return VerifyResult(False, checked, checked, "链头哈希与最后一个事件不符（末尾事件被改动或替换）")
    return VerifyResult(True, checked, keyed_from=keyed_from, head_hash=expected_prev)
