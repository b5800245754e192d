"""作风办 publishes a version of the 负面清单 (R7.2): all its items at once, in force from a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max
from django.utils import timezone

from bangban.audit.actions import record
from bangban.core.errors import ValidationFailed
from bangban.core.inputs import parse_date
from bangban.core.kit import durable_action

from ..access import require_manager
from ..models import NegativeListItem, NegativeListVersion
from ._common import _required, _text

MAX_ITEMS = 100


def _items(raw: Any) -> list[dict[str, str]]:
    rows = list(raw or [])
    if not rows:
        raise ValidationFailed("负面清单至少要有一项", code="items_required", details={"field": "items"})
    if len(rows) > MAX_ITEMS:
        raise ValidationFailed(
            f"负面清单最多 {MAX_ITEMS} 项", code="too_many_items", details={"field": "items"}
        )
    items: list[dict[str, str]] = []
    seen: set[str] = set()
    for position, row in enumerate(rows, start=1):
        data = row if isinstance(row, dict) else {"title": row}
        title = _text(data.get("title"))
        if not title:
            raise ValidationFailed(
                f"第 {position} 项缺少事项名称", code="item_title_required", details={"field": "items"}
            )
        code = _text(data.get("code")) or f"{position:02d}"
        if code in seen:
            raise ValidationFailed(
                f"事项编号“{code[:20]}”重复", code="duplicate_item_code", details={"field": "items"}
            )
        seen.add(code)
        items.append(
            {"code": code[:20], "title": title[:120], "description": _text(data.get("description"))[:2000]}
        )
    return items


@durable_action
def do_publish_negative_list(
    *,
    acting_user: Any,
    title: str,
    effective_from: Any,
    items: list[Any],
    note: str = "",
    now: dt.datetime,
) -> NegativeListVersion:
    """A new version, in force from `effective_from` (today or later, after the latest version's
    date); the versions before it stay as history, and entries keep citing their items."""
    require_manager(acting_user)
    name = _required(title, "title", "请填写清单名称", 120)
    start = parse_date(effective_from, "effective_from", "生效日期")
    today = timezone.localdate(now)
    if start < today:
        raise ValidationFailed(
            "生效日期不能早于今天：已施行的清单不能追溯修改", code="effective_in_past",
            details={"field": "effective_from"},
        )  # fmt: skip
    rows = _items(items)
    # The versions are numbered and dated in one order: lock the newest while adding the next.
    latest = NegativeListVersion.objects.select_for_update().order_by("-number").first()
    if latest is not None and start <= latest.effective_from:
        raise ValidationFailed(
            f"生效日期须晚于现行第 {latest.number} 版的生效日期（{latest.effective_from:%Y-%m-%d}）",
            code="effective_not_after_latest",
            details={"field": "effective_from"},
        )
    number = (NegativeListVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    version = NegativeListVersion.objects.create(
        number=number,
        title=name,
        effective_from=start,
        note=_text(note, 2000),
        published_by=acting_user,
        published_at=now,
    )
    NegativeListItem.objects.bulk_create(
        NegativeListItem(list_version=version, position=i, **row) for i, row in enumerate(rows, start=1)
    )
    record(
        "conduct.negative_list_publish",
        actor=acting_user,
        obj=version,
        after={"number": number, "effective_from": start.isoformat(), "items": [r["code"] for r in rows]},
    )
    return version
