"""不作为/慢作为 detection (R15.2): store a month's findings and propose 约谈 / 责令检查 / 通报批评 —
once per unit, month and pattern — as automatic accountability records. The figures come from
`supervision.inaction`; this module only writes."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import ValidationFailed
from bangban.core.kit import durable_action
from bangban.org.models import Unit

from .. import access, inaction
from ..models import AccountabilityRecord, InactionFinding, InactionPattern, InactionScan
from ._common import _check_month

RULE = "inaction"


def _handler_names(ids: set[Any]) -> dict[Any, str]:
    return {
        pk: full or username
        for pk, full, username in User.objects.filter(pk__in=ids).values_list("pk", "full_name", "username")
    }


def _reason(
    unit_name: str, year: int, month: int, pattern: str, count: int, total: int, kind_label: str
) -> str:
    label = InactionPattern(pattern).label
    return (
        f"{unit_name}{year}年{month}月主办的{total}件诉求中有{count}件属「{label}」，"
        f"达到不作为、慢作为检测门槛，按规则提议{kind_label}。"
    )


def detect_inaction(year: int, month: int, now: dt.datetime, *, actor: Any = None) -> InactionScan:
    """Recompute the month's findings as of `now` and propose what is not yet proposed. Runs inside
    the caller's transaction (the task or `do_detect_inaction`)."""
    started = time.monotonic()
    figs = inaction.unit_figures(year, month, now)
    names = dict(Unit.objects.filter(pk__in=list(figs)).values_list("pk", "name"))
    handler_ids = {h for f in figs.values() for per in f.handlers.values() for h in per}
    handler_names = _handler_names(handler_ids)
    existing = {(f.unit_id, f.pattern): f for f in InactionFinding.objects.filter(year=year, month=month)}
    proposed = {
        (r.unit_id, (r.figures or {}).get("pattern"))
        for r in AccountabilityRecord.objects.filter(
            year=year, month=month, automatic=True, figures__rule=RULE
        )
    }
    findings = proposals = 0
    seen: set[tuple[int, str]] = set()
    for unit_id, fig in sorted(figs.items()):  # per unit (a few hundred), never per case
        for pattern, count in sorted(fig.counts.items()):
            level = inaction.level_for(pattern, count)
            if not level:
                continue
            kind = inaction.KINDS[level]
            per_handler = sorted(fig.handlers.get(pattern, {}).items(), key=lambda x: (-x[1], x[0]))
            handlers = [
                {"id": h, "name": handler_names.get(h, ""), "cases": n}
                for h, n in per_handler[: inaction.TOP_HANDLERS]
            ]
            finding = existing.get((unit_id, pattern)) or InactionFinding(
                year=year, month=month, unit_id=unit_id, pattern=pattern
            )
            finding.cases, finding.total, finding.level, finding.kind = count, fig.total, level, kind
            finding.handlers, finding.detected_at = handlers, now
            if (unit_id, pattern) not in proposed:
                rec = AccountabilityRecord.objects.create(
                    kind=kind,
                    unit_id=unit_id,
                    year=year,
                    month=month,
                    reason=_reason(
                        names.get(unit_id, ""), year, month, pattern, count, fig.total, kind.label
                    ),
                    figures={
                        "rule": RULE,
                        "pattern": pattern,
                        "cases": count,
                        "total": fig.total,
                        "level": level,
                    },
                    automatic=True,
                    created_at=now,
                )
                record(
                    "supervision.accountability_propose",
                    actor=actor,
                    obj=rec,
                    object_repr=str(rec),
                    after={"unit": unit_id, "rule": RULE, "pattern": pattern, "cases": count},
                )
                finding.record = rec
                proposals += 1
            finding.save()
            seen.add((unit_id, pattern))
            findings += 1
    # A pattern no longer above its threshold (cases reassigned or corrected) is no longer a finding;
    # its proposal, if any, stays for 营商办 to decide.
    for key, old in existing.items():
        if key not in seen:
            old.delete()
    scan, _ = InactionScan.objects.update_or_create(
        year=year,
        month=month,
        defaults={
            "detected_at": timezone.now(),
            "as_of": now,
            "cases": sum(f.total for f in figs.values()),
            "findings": findings,
            "proposals": proposals,
            "seconds": round(time.monotonic() - started, 3),
        },
    )
    return scan


def run_detection(year: int, month: int, now: dt.datetime, *, actor: Any = None) -> InactionScan:
    """The background entry point: one transaction."""
    with transaction.atomic():
        return detect_inaction(year, month, now, actor=actor)


@durable_action
def do_detect_inaction(user: Any, year: Any, month: Any, *, now: dt.datetime | None = None) -> InactionScan:
    """营商办 runs the detection of a month at once (the page queues it instead: see the task)."""
    access.require_manager(user)
    try:
        y, m = _check_month(int(year), int(month))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("年月无效", code="month_invalid") from exc
    return detect_inaction(y, m, now or timezone.now(), actor=user)
