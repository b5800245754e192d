"""Reads for the organisation pages and API: lists with their relations joined. Counts shown next
to each row are computed in SQL for the rows of the current page only (`with_*_counts`): counting
for the whole table before paging would aggregate every unit and every account on each request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from bangban.accounts.models import User
from bangban.accounts.roles import RANK_ORDER

from .access import visible_regions, visible_units
from .filters import RegionFilter, UnitFilter
from .models import Region, Unit, UnitType


def region_list(user: Any, filters: RegionFilter) -> QuerySet[Region]:
    return filters.apply(visible_regions(user)).select_related("parent").order_by("path")


def with_region_counts(regions: Iterable[Region]) -> list[Region]:
    """Sets `unit_count` (units in use) and `child_count` on each region of a page."""
    rows = list(regions)
    ids = [r.pk for r in rows]
    units = dict(
        Unit.objects.filter(region_id__in=ids, is_active=True)
        .values("region_id")
        .annotate(n=Count("id"))
        .values_list("region_id", "n")
    )
    children = dict(
        Region.objects.filter(parent_id__in=ids)
        .values("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    for region in rows:
        region.unit_count = units.get(region.pk, 0)  # type: ignore[attr-defined]
        region.child_count = children.get(region.pk, 0)  # type: ignore[attr-defined]
    return rows


# Within a region: the government first, then townships, departments and service sites.
TYPE_ORDER = [
    UnitType.COUNTY_GOVERNMENT,
    UnitType.ZONE_COMMITTEE,
    UnitType.TOWNSHIP,
    UnitType.CITY_DEPARTMENT,
    UnitType.COUNTY_DEPARTMENT,
    UnitType.SERVICE_SITE,
]


def type_ordering() -> Case:
    return Case(
        *[When(type=t.value, then=Value(i)) for i, t in enumerate(TYPE_ORDER)],
        default=Value(len(TYPE_ORDER)),
        output_field=IntegerField(),
    )


def unit_list(user: Any, filters: UnitFilter) -> QuerySet[Unit]:
    """Units in tree order of their regions; the root unit (市政府) first."""
    return (
        filters.apply(visible_units(user))
        .select_related("region", "parent")
        .annotate(
            type_position=type_ordering(),
            has_parent=Case(
                When(parent__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .order_by("region__path", "has_parent", "type_position", "name")
    )


def rank_ordering() -> Case:
    """Higher 职级 first; staff without a rank last."""
    return Case(
        *[When(rank=rank.value, then=Value(position)) for rank, position in RANK_ORDER.items()],
        default=Value(-2),
        output_field=IntegerField(),
    )


def with_staff_counts(units: Iterable[Unit]) -> list[Unit]:
    """Sets `staff_count` (accounts in use) on each unit of a page."""

    rows = list(units)
    counts = dict(
        User.objects.filter(unit_id__in=[u.pk for u in rows], is_active=True)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    for unit in rows:
        unit.staff_count = counts.get(unit.pk, 0)  # type: ignore[attr-defined]
    return rows


def unit_staff(unit: Unit) -> QuerySet[Any]:
    return (
        unit.staff.filter(is_active=True)
        .prefetch_related("roles")
        .annotate(rank_position=rank_ordering())
        .order_by("-rank_position", "full_name", "username")
    )


def unit_children(user: Any, unit: Unit) -> QuerySet[Unit]:
    return visible_units(user).filter(parent=unit).select_related("region").order_by("type", "name")


def region_choices(active_only: bool = True, parents_only: bool = False) -> QuerySet[Region]:
    """Regions for a select, in tree order. `parents_only` leaves out villages, which have no
    sub-regions, so that the parent select stays short."""
    qs = Region.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    if parents_only:
        qs = qs.exclude(level="village")
    return qs.order_by("path")


def unit_choices(active_only: bool = True) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("region")
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("region__path", "type", "name")


def org_counts(user: Any) -> dict[str, int]:
    return {"units": visible_units(user).count(), "regions": visible_regions(user).count()}


def picked_units(values: Iterable[Any]) -> list[tuple[int, str]]:
    """(id, name) of the units whose ids are in `values` (form values: strings, possibly empty or
    not numbers, which are left out), for the unit picker's chips (core/_unit_picker.html)."""
    ids = [int(v) for v in values if str(v).strip().isdigit()]
    names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [(pk, names[pk]) for pk in dict.fromkeys(ids) if pk in names]
