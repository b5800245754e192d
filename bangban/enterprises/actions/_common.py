"""What the registry's actions share: field errors, cleaning a create or edit, the one-holder-per-USCC
rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from bangban.core.errors import ApplicationError, ValidationFailed
from bangban.org.models import Region

from ..access import (
    region_in_scope,
    visible_enterprises,
)
from ..importing import CITY_LEVEL_MESSAGE
from ..models import Enterprise
from ..validation import FIELD_LABELS, FieldError, clean_fields

_FIELD_PRIORITY = ["uscc", *[f for f in FIELD_LABELS if f != "uscc"]]


class EnterpriseInvalid(ValidationFailed):
    """Field problems of a create or edit: `code`/`message` are the first problem's, `details`
    lists each field's. The USCC errors keep their codes (uscc_empty, uscc_length, …)."""

    def __init__(self, errors: Mapping[str, FieldError]) -> None:
        ordered = sorted(errors.items(), key=lambda kv: _FIELD_PRIORITY.index(kv[0]))
        first = ordered[0][1]
        self.field_errors = dict(ordered)
        super().__init__(
            first.message,
            code=first.code,
            details=[{"field": name, "code": e.code, "message": e.message} for name, e in ordered],
        )


class BatchClosed(ApplicationError):
    """The batch was already imported or cancelled: its state, not the request, is the problem."""

    status = 409


def duplicate_uscc_error(user: Any, existing: Enterprise) -> ApplicationError:
    """Naming the holder helps whoever may see it; for anyone else it stays anonymous."""
    if visible_enterprises(user).filter(pk=existing.pk).exists():
        holder = existing.name
    else:
        holder = "其他区划的企业（您无权查看）"
    return ValidationFailed(
        f"该统一社会信用代码已登记：{holder}", code="uscc_duplicate", details=[{"field": "uscc"}]
    )


def local_today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def resolve_region(user: Any, value: Any) -> Region:
    """A Region (from a form), an id or a region code (from the API) → a region in the editor's scope."""
    region: Region | None
    if isinstance(value, Region):
        region = value
    else:
        text = str(value or "").strip()
        if not text:
            raise FieldError("region_required", "所属区划不能为空")
        region = Region.objects.filter(code=text).first()
        if region is None and text.isdigit() and len(text) < 6:
            region = Region.objects.filter(pk=int(text)).first()
    if region is None or not region.is_active:
        raise FieldError("region_not_found", "未找到该区划")
    if not region_in_scope(user, region.path):
        raise FieldError("region_out_of_scope", f"区划“{region.name}”不在您的管辖范围内")
    if region.parent_id is None:
        raise FieldError("region_too_broad", CITY_LEVEL_MESSAGE)
    return region


def clean_input(
    user: Any, data: Mapping[str, Any], *, required: bool, now: dt.datetime | None
) -> dict[str, Any]:
    cleaned, errors = clean_fields(data, today=local_today(now), required=required)
    if "region" in data or required:
        try:
            cleaned["region"] = resolve_region(user, data.get("region"))
        except FieldError as exc:
            errors["region"] = exc
    if errors:
        raise EnterpriseInvalid(errors)
    return cleaned


def check_unique(user: Any, uscc: str, exclude_pk: int | None = None) -> None:
    qs = Enterprise.objects.filter(uscc=uscc)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    existing = qs.first()
    if existing is not None:
        raise duplicate_uscc_error(user, existing)
