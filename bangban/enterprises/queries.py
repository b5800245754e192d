"""Reads of the enterprise registry: the list (page, API, export) and the import history."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from bangban.accounts.access import may_see_personal_data, show_id_number, show_phone

from .access import visible_enterprises, visible_import_batches
from .filters import EnterpriseFilter
from .importing import COLUMNS
from .models import Enterprise, ImportBatch, Industry, Scale, Tier

__all__ = [
    "EXPORT_HEADERS",
    "enterprise_list",
    "export_rows",
    "recent_import_batches",
    "visible_enterprises",
]


def enterprise_list(filters: EnterpriseFilter) -> QuerySet[Enterprise]:
    """The filtered, scoped list with its region joined (one query per page, whatever its size)."""
    return filters.apply().select_related("region")


# The export uses the import template's column names, so an exported file (by someone who sees
# phone numbers unmasked) can be corrected and imported again.
EXPORT_HEADERS = [*COLUMNS, "区划代码", "联络员身份证号", "存续"]

_EXPORT_FIELDS = (
    "uscc",
    "name",
    "region__name",
    "industry",
    "scale",
    "tier",
    "legal_representative",
    "address",
    "established",
    "liaison_name",
    "liaison_phone",
    "contact_phone",
    "region__code",
    "liaison_id_number",
    "is_active",
)


def export_rows(user: Any, qs: QuerySet[Enterprise]) -> Iterator[list[Any]]:
    """Rows for the Excel export, streamed from the database in chunks; phone and ID numbers
    masked unless the user's role needs them."""
    industries = {k: str(v)[2:] for k, v in Industry.choices}
    scales = dict(Scale.choices)
    tiers = dict(Tier.choices)
    unmasked = may_see_personal_data(user)
    for row in qs.values_list(*_EXPORT_FIELDS).iterator(chunk_size=2000):
        (
            uscc,
            name,
            region_name,
            industry,
            scale,
            tier,
            legal,
            address,
            established,
            liaison,
            liaison_phone,
            contact_phone,
            region_code,
            id_number,
            active,
        ) = row
        yield [
            uscc,
            name,
            region_name,
            industries.get(industry, industry),
            scales.get(scale, scale),
            tiers.get(tier, tier),
            legal,
            address,
            established.isoformat() if established else "",
            liaison,
            liaison_phone if unmasked else show_phone(user, liaison_phone),
            contact_phone if unmasked else show_phone(user, contact_phone),
            region_code,
            id_number if unmasked else show_id_number(user, id_number),
            "是" if active else "否",
        ]


def recent_import_batches(user: Any, limit: int = 10) -> QuerySet[ImportBatch]:
    return visible_import_batches(user).defer("errors")[:limit]
