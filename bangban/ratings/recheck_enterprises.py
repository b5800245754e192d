"""企业满意度回头看 (R14.2): besides the cases' draw (`recheck.py`), a sample of **enterprises** — the
enterprises with at least one case closed in the month (ids ascending) — drawn at random with a
recorded seed by the same rule as the cases' draw (size max(minimum, ceil(n × percent / 100)),
`sorted(random.Random(seed).sample(population, size))`), or chosen by 营商办. Each sampled
enterprise is shown with its satisfaction across its cases in the month (`figures.
enterprise_month_figures`) and asked again; the answer is recorded once, with the figures of that
moment."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import connection

from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.enterprises.models import Enterprise
from bangban.tickets.models import Ticket

from . import access
from .actions import get_settings
from .figures import enterprise_month_figures
from .models import EnterpriseRecheck, EnterpriseRecheckItem, EnterpriseRecheckOutcome, EnterpriseSampleMode
from .recheck import digest, draw_sample, month_bounds, sample_size

MAX_ID = 2**63  # ids and seeds are 64-bit integers in the database


def enterprise_population(year: int, month: int) -> list[int]:
    """The ids of the enterprises with a case closed in the month, ascending (one query)."""
    start, end = month_bounds(year, month)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT enterprise_id FROM {Ticket._meta.db_table} "
            "WHERE closed_at >= %s AND closed_at < %s AND enterprise_id IS NOT NULL ORDER BY enterprise_id",
            [start, end],
        )
        return [r[0] for r in cursor.fetchall()]


def _require(user: Any) -> None:
    if not access.has_any_role(user, access.RECHECK_ROLES):
        raise PermissionDenied("只有营商办、市政府办公室或热线坐席可以开展企业满意度回头看")


def _chosen_ids(values: Iterable[Any]) -> list[int]:
    ids = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 0 < number < MAX_ID:
            raise ValidationFailed(f"企业编号无效：{value}", code="enterprise_invalid")
        ids.append(number)
    return sorted(set(ids))


@durable_action
def do_sample_enterprises(
    *,
    acting_user: Any,
    year: Any,
    month: Any,
    enterprise_ids: Iterable[Any] | None = None,
    seed: Any = None,
    now: dt.datetime,
) -> EnterpriseRecheck:
    """Sample the month's enterprises once: chosen (`enterprise_ids`, each must have a case closed
    in the month) or at random (`seed` recorded, given or generated)."""
    _require(acting_user)
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        raise ValidationFailed("年月无效", code="month_invalid") from None
    start, _end = month_bounds(year, month)
    if start > now:
        raise ValidationFailed("不能抽取尚未开始的月份", code="month_in_future")
    if EnterpriseRecheck.objects.select_for_update().filter(year=year, month=month).exists():
        raise Conflict(
            f"{year}年{month}月已开展企业满意度回头看，不能重复抽取", code="enterprise_recheck_exists"
        )
    population = enterprise_population(year, month)
    conf = get_settings()
    chosen = _chosen_ids(enterprise_ids or [])
    fields: dict[str, Any]
    if chosen:
        outside = sorted(set(chosen) - set(population))
        if outside:
            names = "、".join(Enterprise.objects.filter(pk__in=outside).values_list("name", flat=True)[:10])
            raise ValidationFailed(
                f"{names or '所选企业'}在{year}年{month}月没有办结的诉求，不能纳入企业满意度回头看",
                code="enterprise_not_in_population",
            )
        fields = {"mode": EnterpriseSampleMode.CHOSEN, "enterprise_ids": chosen}
    else:
        try:
            seed = secrets.randbits(62) if seed in (None, "") else int(seed)
        except (TypeError, ValueError):
            seed = MAX_ID
        if not -MAX_ID <= seed < MAX_ID:
            raise ValidationFailed("随机种子应为 64 位整数", code="seed_invalid")
        size = sample_size(len(population), conf.recheck_percent, conf.recheck_minimum)
        fields = {
            "mode": EnterpriseSampleMode.RANDOM, "seed": seed, "percent": conf.recheck_percent,
            "minimum": conf.recheck_minimum, "enterprise_ids": draw_sample(population, seed, size),
        }  # fmt: skip
    sample = EnterpriseRecheck.objects.create(
        year=year, month=month, population_count=len(population), population_digest=digest(population),
        drawn_at=now, drawn_by=acting_user, **fields,
    )  # fmt: skip
    record(
        "ratings.enterprise_recheck_draw",
        actor=acting_user,
        obj=sample,
        after={
            "mode": sample.mode, "seed": sample.seed, "population_count": len(population),
            "population_digest": sample.population_digest, "enterprises": sample.enterprise_ids,
        },
    )  # fmt: skip
    return sample


def rederive(sample: EnterpriseRecheck) -> bool:
    """Whether the seed and today's population give the stored sample again (random draws)."""
    if sample.mode != EnterpriseSampleMode.RANDOM or sample.seed is None:
        return False
    population = enterprise_population(sample.year, sample.month)
    size = sample_size(len(population), sample.percent or 0, sample.minimum or 0)
    return digest(population) == sample.population_digest and draw_sample(
        population, sample.seed, size
    ) == list(sample.enterprise_ids)


@durable_action
def do_record_enterprise_outcome(
    *, acting_user: Any, recheck_id: Any, enterprise_id: Any, outcome: Any, note: Any = "", now: dt.datetime
) -> EnterpriseRecheckItem:
    _require(acting_user)
    sample = kit.lock(EnterpriseRecheck, recheck_id)
    try:
        enterprise = int(enterprise_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if enterprise not in sample.enterprise_ids:
        raise NotFound("该企业不在本次回头看样本中", code="not_in_sample")
    if outcome not in EnterpriseRecheckOutcome.values:
        raise ValidationFailed("回头看结果应为：满意、不满意或无法联系", code="outcome_invalid")
    text = str(note or "").strip()
    if len(text) > 500:
        raise ValidationFailed("回访情况不能超过 500 字", code="too_long")
    if outcome == EnterpriseRecheckOutcome.DISSATISFIED and not text:
        raise ValidationFailed("企业不满意须写明情况", code="note_required")
    done = EnterpriseRecheckItem.objects.filter(recheck=sample, enterprise_id=enterprise).first()
    if done is not None:
        raise InvalidTransition(
            f"该企业的回头看结果已登记为“{done.get_outcome_display()}”", code="outcome_recorded"
        )
    figures = enterprise_month_figures([enterprise], sample.year, sample.month)[enterprise]
    item = EnterpriseRecheckItem.objects.create(
        recheck=sample, enterprise_id=enterprise, outcome=outcome, note=text, figures=figures,
        checked_by=acting_user, checked_at=now,
    )  # fmt: skip
    record(
        "ratings.enterprise_recheck_outcome",
        actor=acting_user,
        obj=sample,
        after={"enterprise": enterprise, "outcome": outcome, "note": text, "figures": figures},
    )
    return item


def sample_rows(sample: EnterpriseRecheck, ids: list[int]) -> list[dict[str, Any]]:
    """The sampled enterprises `ids` with their figures now and their recorded result."""
    names = {e.pk: e for e in Enterprise.objects.filter(pk__in=ids)}
    figures = enterprise_month_figures(ids, sample.year, sample.month)
    done = {i.enterprise_id: i for i in sample.items.filter(enterprise_id__in=ids)}
    return [
        {"enterprise_id": i, "enterprise": names.get(i), "figures": figures[i], "item": done.get(i)}
        for i in ids
    ]
