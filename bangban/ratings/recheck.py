"""回头看 (R6.3, R14.2): a monthly, seeded, re-derivable random sample of the cases closed in the
previous month, re-surveyed case by case; a case found not really solved (办结不实) is reopened and
counted against its unit.

The draw is deterministic given (population, seed, size): the population is the ids of the cases
whose `closed_at` falls in the month (Asia/Shanghai), sorted ascending; the size is
max(minimum, ceil(n × percent / 100)), capped at n; the sample is
`sorted(random.Random(seed).sample(population, size))`. The draw stores the seed, the population
(compressed) with its SHA-256 and the sample, so anyone can recompute it (`rederive`).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import hashlib
import itertools
import math
import random
import secrets
import zlib
from array import array
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from bangban.tickets.actions import do_reopen_after_recheck
from bangban.tickets.models import Ticket
from bangban.tickets.public import case_status
from bangban.tickets.workflow import Status
from bangban.workdays.arithmetic import SHANGHAI

from . import access
from .actions import get_settings
from .models import RecheckDraw, RecheckItem, RecheckOutcome


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    if not (2000 <= int(year) <= 2100 and 1 <= int(month) <= 12):
        raise ValidationFailed("年月无效", code="month_invalid")
    start = dt.datetime(year, month, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def previous_month(now: dt.datetime) -> tuple[int, int]:
    local = timezone.localtime(now, SHANGHAI)
    first = local.date().replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def population(year: int, month: int) -> tuple[list[int], list[int | None]]:
    """Ids of the cases closed in the month, ascending, with each case's responsible unit (its lead
    unit, else the unit that received it): one query returning two integers per case."""

    start, end = month_bounds(year, month)
    table = Ticket._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, COALESCE(lead_unit_id, intake_unit_id) FROM {table} "
            "WHERE closed_at >= %s AND closed_at < %s ORDER BY id",
            [start, end],
        )
        rows = cursor.fetchall()
    return [r[0] for r in rows], [r[1] for r in rows]


def population_ids(year: int, month: int) -> list[int]:
    return population(year, month)[0]


def digest(ids: list[int]) -> str:
    return hashlib.sha256(array("q", ids).tobytes()).hexdigest()


def pack(ids: list[int]) -> bytes:
    deltas = array("q", (b - a for a, b in zip([0, *ids], ids, strict=False)))
    return zlib.compress(deltas.tobytes(), 6)


def unpack(blob: bytes) -> list[int]:
    deltas = array("q")
    deltas.frombytes(zlib.decompress(bytes(blob)))
    return list(itertools.accumulate(deltas))


def sample_size(n: int, percent: int, minimum: int) -> int:
    return min(n, max(minimum, math.ceil(n * percent / 100)))


def sample_positions(n: int, seed: int, size: int) -> list[int]:
    """Positions in the sorted population, ascending. `random.sample` picks by position, so this
    is exactly `sorted(random.Random(seed).sample(population, size))` mapped to positions."""
    return sorted(random.Random(seed).sample(range(n), size))


def draw_sample(ids: list[int], seed: int, size: int) -> list[int]:
    return [ids[i] for i in sample_positions(len(ids), seed, size)]


def do_draw(
    *,
    acting_user: User | None,
    year: int,
    month: int,
    seed: int | None = None,
    now: dt.datetime | None = None,
) -> RecheckDraw:
    """Draw the month's sample once (a second draw for the same month → `draw_exists`)."""
    now = now or timezone.now()
    if acting_user is not None and not access.has_any_role(acting_user, access.RECHECK_ROLES):
        raise PermissionDenied("只有营商办、市政府办公室或热线坐席可以抽取回头看样本")
    year, month = int(year), int(month)
    start, _end = month_bounds(year, month)
    if start > now:
        raise ValidationFailed("不能抽取尚未开始的月份", code="month_in_future")
    if RecheckDraw.objects.filter(year=year, month=month).exists():
        raise Conflict(f"{year}年{month}月已抽样，不能重复抽取", code="draw_exists")
    conf = get_settings()
    seed = secrets.randbits(62) if seed is None else int(seed)
    ids, units = population(year, month)
    positions = sample_positions(
        len(ids), seed, sample_size(len(ids), conf.recheck_percent, conf.recheck_minimum)
    )
    sample = [ids[i] for i in positions]
    sample_units = [units[i] for i in positions]
    try:
        with transaction.atomic():
            draw = RecheckDraw.objects.create(
                year=year,
                month=month,
                seed=seed,
                percent=conf.recheck_percent,
                minimum=conf.recheck_minimum,
                population_count=len(ids),
                population_digest=digest(ids),
                population_blob=pack(ids),
                sample_ids=sample,
                sample_units=sample_units,
                drawn_at=now,
                drawn_by=acting_user if getattr(acting_user, "pk", None) else None,
            )
            record(
                "ratings.recheck_draw",
                actor=acting_user,
                obj=draw,
                after={
                    "seed": seed,
                    "percent": draw.percent,
                    "minimum": draw.minimum,
                    "population_count": len(ids),
                    "population_digest": draw.population_digest,
                    "sample_count": len(sample),
                    "sample_digest": digest(sample),
                },
            )
    except IntegrityError:
        raise Conflict(f"{year}年{month}月已抽样，不能重复抽取", code="draw_exists") from None
    return draw


def in_sample(draw: RecheckDraw, ticket_id: int) -> int | None:
    """The position of the case in the draw's (sorted) sample, or None."""
    ids = draw.sample_ids
    index = bisect.bisect_left(ids, ticket_id)
    return index if index < len(ids) and ids[index] == ticket_id else None


@dataclass
class Rederivation:
    stored_population_ok: bool  # the stored population matches its digest
    sample_ok: bool  # seed + stored population reproduce the stored sample
    current_population_count: int
    current_population_same: bool  # today's query gives the same population
    lines: list[str]

    @property
    def ok(self) -> bool:
        return self.stored_population_ok and self.sample_ok


def rederive(draw: RecheckDraw) -> Rederivation:
    stored = unpack(draw.population_blob)
    stored_ok = len(stored) == draw.population_count and digest(stored) == draw.population_digest
    again = draw_sample(stored, draw.seed, sample_size(len(stored), draw.percent, draw.minimum))
    sample_ok = again == list(draw.sample_ids)
    current = population_ids(draw.year, draw.month)
    same = digest(current) == draw.population_digest
    lines = [
        f"存档总体 {len(stored)} 件，摘要{'一致' if stored_ok else '不一致'}",
        f"以种子 {draw.seed} 重新抽取 {len(again)} 件，与存档样本{'一致' if sample_ok else '不一致'}",
        f"当前数据库中该月办结 {len(current)} 件，与抽样时的总体{'相同' if same else '不同（此后有诉求重办后再次办结）'}",
    ]
    return Rederivation(stored_ok, sample_ok, len(current), same, lines)


def do_record_outcome(
    *,
    acting_user: User,
    draw_id: Any,
    ticket_id: Any,
    outcome: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> RecheckItem:
    """The re-survey result of one sampled case, once; 办结不实 reopens the case (counted against its
    unit)."""

    now = now or timezone.now()
    if not access.has_any_role(acting_user, access.RECHECK_ROLES):
        raise PermissionDenied("只有营商办、市政府办公室或热线坐席可以登记回头看结果")
    if outcome not in RecheckOutcome.values or outcome == RecheckOutcome.PENDING:
        raise ValidationFailed("复核结果无效：办结属实、办结不实或无法联系", code="outcome_invalid")
    note = str(note or "").strip()[:500]
    if outcome == RecheckOutcome.NOT_SOLVED and not note:
        raise ValidationFailed("办结不实须写明情况", code="note_required")
    try:
        with transaction.atomic(durable=True):
            try:
                draw = RecheckDraw.objects.select_for_update().get(pk=int(draw_id))
                ticket_pk = int(ticket_id)
            except (RecheckDraw.DoesNotExist, TypeError, ValueError):
                raise NotFound() from None
            position = in_sample(draw, ticket_pk)
            if position is None:
                raise NotFound("该诉求不在本月回头看样本中", code="not_in_sample")
            done = RecheckItem.objects.filter(draw=draw, ticket_id=ticket_pk).first()
            if done is not None:
                raise InvalidTransition(
                    f"该诉求的回头看结果已登记为“{RecheckOutcome(done.outcome).label}”",
                    code="outcome_recorded",
                )
            units = draw.sample_units
            item = RecheckItem.objects.create(
                draw=draw,
                ticket_id=ticket_pk,
                unit_id=units[position] if position < len(units) else None,
                outcome=outcome,
                note=note,
                checked_by=acting_user,
                checked_at=now,
            )
            reopened = False
            if outcome == RecheckOutcome.NOT_SOLVED and case_status(ticket_pk) == Status.CLOSED:
                # Reopened, or kept closed and flagged for 督办 at the reopen limit (tickets' rule).
                ticket = do_reopen_after_recheck.inner(
                    acting_user=acting_user, ticket_id=ticket_pk, note=note, now=now
                )
                reopened = ticket.status != Status.CLOSED
            record(
                "ratings.recheck_outcome",
                actor=acting_user,
                obj=draw,
                after={
                    "ticket": ticket_pk,
                    "unit": item.unit_id,
                    "outcome": outcome,
                    "note": note,
                    "reopened": reopened,
                },
            )
    except IntegrityError:
        raise InvalidTransition("该诉求的回头看结果已登记", code="outcome_recorded") from None
    return item


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
