"""Reads of the conduct registers: the 负面清单 in force, entries and flags for a user's lists, and the
monthly figures per unit. Lists are scoped by `access`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bangban.core.errors import ValidationFailed
from bangban.org.models import Unit

from . import access
from .models import (
    INSPECTION_PURPOSES,
    ConductSettings,
    Entry,
    Flag,
    FlagKind,
    NegativeListItem,
    NegativeListVersion,
    Presence,
    Purpose,
    Response,
)
from .rules import Month


def current_settings() -> ConductSettings:
    """The settings row, or the defaults when none was saved yet (reading never writes)."""
    return ConductSettings.objects.order_by("pk").first() or ConductSettings()


# --- 负面清单 ---------------------------------------------------------------------------------------


def list_in_force(on: dt.date) -> NegativeListVersion | None:
    """The version in force on `on`: the latest whose date has come."""
    return (
        NegativeListVersion.objects.filter(effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .first()
    )


def list_versions() -> QuerySet[NegativeListVersion]:
    return NegativeListVersion.objects.select_related("published_by").annotate(item_count=Count("items"))


def items_of(version: NegativeListVersion | None) -> list[NegativeListItem]:
    if version is None:
        return []
    return list(version.items.order_by("position", "pk"))


def citable_versions(on: dt.date, today: dt.date | None = None) -> list[NegativeListVersion]:
    """The versions whose items a record of the day `on` may cite: the one in force that day and,
    answered later (`today`), the one in force now — an entry made before the first list was
    published can still be reported under the list the enterprise reads today."""
    found = [v for v in (list_in_force(on), list_in_force(today) if today else None) if v is not None]
    return list({v.pk: v for v in found}.values())


def citable_item(item_id: Any, *, on: dt.date, today: dt.date | None = None) -> NegativeListItem:
    """A 负面清单 item a record may cite (see `citable_versions`). Entries and reports of unregistered
    entries cite through here, and so should any later channel that records a conduct complaint
    (R7.3): `item_required` for no item, `item_not_found` for one of no such version."""
    try:
        pk = int(str(item_id).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            "请选择违反的负面清单事项", code="item_required", details={"field": "item"}
        ) from exc
    versions = citable_versions(on, today)
    item = (
        NegativeListItem.objects.select_related("list_version")
        .filter(pk=pk, list_version__in=versions)
        .first()
    )
    if item is None:
        raise ValidationFailed(
            "所选事项不在当时施行的负面清单中", code="item_not_found", details={"field": "item"}
        )
    return item


def citable_items(on: dt.date, today: dt.date | None = None) -> list[NegativeListItem]:
    versions = citable_versions(on, today)
    return items_of(versions[-1]) if versions else []


# --- entries ----------------------------------------------------------------------------------------


def month_bounds(month: Month) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(month.first_day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(month.next().first_day, dt.time.min, tzinfo=tz)
    return start, end


def month_param(params: dict[str, Any]) -> Month | None:
    text = str(params.get("month") or "").strip()
    if not text:
        return None
    month = Month.parse(text)
    if month is None:
        raise ValidationFailed(
            "月份格式不正确，应为 2026-11", code="invalid_month", details={"field": "month"}
        )
    return month


def entry_list(user: Any, params: dict[str, Any]) -> QuerySet[Entry]:
    qs = access.visible_entries(user).select_related("enterprise", "official", "unit", "breached_item")
    month = month_param(params)
    if month is not None:
        start, end = month_bounds(month)
        qs = qs.filter(entered_at__gte=start, entered_at__lt=end)
    purpose = str(params.get("purpose") or "").strip()
    if purpose:
        if purpose not in Purpose.values:
            raise ValidationFailed("入企事由无效", code="invalid_purpose", details={"field": "purpose"})
        qs = qs.filter(purpose=purpose)
    response = str(params.get("response") or "").strip()
    if response:
        if response not in Response.values:
            raise ValidationFailed("企业确认状态无效", code="invalid_response", details={"field": "response"})
        qs = qs.filter(response=response)
    if str(params.get("on_site") or "") == "1":
        qs = qs.filter(presence=Presence.ON_SITE)
    enterprise = str(params.get("enterprise") or "").strip()
    if enterprise.isdigit():
        qs = qs.filter(enterprise_id=int(enterprise))
    q = str(params.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(
            Q(enterprise__name__contains=q) | Q(official__full_name__contains=q) | Q(unit__name__contains=q)
        )
    return qs.order_by("-entered_at", "-pk")


def flags_of_entry(entry: Entry) -> list[Flag]:
    """The entry's flags of the last run (from the list's prefetch when there is one)."""
    return sorted(entry.flags.all(), key=lambda f: f.kind)


def flag_list(user: Any, params: dict[str, Any]) -> QuerySet[Flag]:
    qs = access.visible_flags(user).select_related("enterprise", "unit", "entry", "entry__official", "report")
    month = month_param(params)
    if month is not None:
        qs = qs.filter(month=month.first_day)
    kind = str(params.get("kind") or "").strip()
    if kind:
        if kind not in FlagKind.values:
            raise ValidationFailed("预警类型无效", code="invalid_kind", details={"field": "kind"})
        qs = qs.filter(kind=kind)
    unit = str(params.get("unit") or "").strip()
    if unit.isdigit():
        qs = qs.filter(unit_id=int(unit))
    q = str(params.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(enterprise__name__contains=q) | Q(unit__name__contains=q))
    return qs.order_by("-occurred_at", "-pk")


# --- monthly figures per unit ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnitFigures:
    unit: Unit
    entries: int
    inspections: int
    flags: int
    reported: int


def unit_figures(user: Any, month: Month) -> list[UnitFigures]:
    """Per unit that entered an enterprise in `month` (within the user's scope): entries,
    inspections (检查 and 执法), flags and entries the enterprise reported as improper."""
    start, end = month_bounds(month)
    entries = (
        access.visible_entries(user)
        .filter(entered_at__gte=start, entered_at__lt=end)
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            inspections=Count("pk", filter=Q(purpose__in=INSPECTION_PURPOSES)),
            reported=Count("pk", filter=Q(response=Response.REPORTED)),
        )
    )
    flags = dict(
        access.visible_flags(user)
        .filter(month=month.first_day, unit_id__isnull=False)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    rows = {r["unit_id"]: r for r in entries}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=set(rows) | set(flags))}
    out = [
        UnitFigures(
            unit=units[pk],
            entries=rows.get(pk, {}).get("n", 0),
            inspections=rows.get(pk, {}).get("inspections", 0),
            flags=flags.get(pk, 0),
            reported=rows.get(pk, {}).get("reported", 0),
        )
        for pk in units
    ]
    return sorted(out, key=lambda f: (-f.flags, -f.entries, f.unit.name))
