"""The registers a draw reads: the credit tier of an enterprise (set one by one or imported as
lines of 统一社会信用代码 and tier), an inspector's 执法证, and the links that recuse an inspector
from an enterprise."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record, snapshot
from bangban.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.enterprises.access import visible_enterprises
from bangban.enterprises.models import Enterprise
from bangban.enterprises.uscc import USCCError, validate_uscc

from ..access import is_inspector, is_planner, may_keep_links, require_planner
from ..models import CreditRating, CreditTier, Link, LinkKind, Qualification
from ._common import number_id, required, text

MAX_IMPORT_LINES = 20000
# Whose links are kept: the inspectors who are drawn, and the people who run a draw.
LINKABLE_ROLES = [Role.INSPECTOR, Role.UNIT_HEAD, Role.BIZ_OFFICE]


def _tier(value: Any, field: str = "tier") -> str:
    tier = text(value).upper()
    if tier not in CreditTier.values:
        raise ValidationFailed("信用等级应为 A、B、C 或 D", code="invalid_tier", details={"field": field})
    return tier


@durable_action
def do_set_tier(*, acting_user: User, enterprise_id: Any, tier: Any, now: dt.datetime) -> CreditRating:
    require_planner(acting_user)
    value = _tier(tier)
    enterprise = visible_enterprises(acting_user).filter(pk=number_id(enterprise_id) or 0).first()
    if enterprise is None:
        raise NotFound()
    row = CreditRating.objects.select_for_update().filter(enterprise=enterprise).first()
    before = snapshot(row, ["tier"]) if row else None
    if row is None:
        row = CreditRating(enterprise=enterprise, tier=value, updated_by=acting_user, updated_at=now)
        row.save(force_insert=True)
    else:
        row.tier, row.updated_by, row.updated_at = value, acting_user, now
        row.version += 1
        row.save(update_fields=["tier", "updated_by", "updated_at", "version"])
    record("inspections.tier_set", actor=acting_user, obj=row, before=before, after={"tier": value})
    return row


def parse_tier_lines(lines: str) -> list[tuple[str, str]]:
    """`统一社会信用代码 等级` a line (separated by a comma, tab or spaces). Every bad line is named."""
    rows: list[tuple[str, str]] = []
    bad: list[int] = []
    for number, line in enumerate(str(lines or "").splitlines(), start=1):
        parts = [p for p in re.split(r"[\s,，;；]+", line.strip()) if p]
        if not parts:
            continue
        try:
            rows.append((validate_uscc(parts[0]), _tier(parts[1] if len(parts) > 1 else "")))
        except (USCCError, ValidationFailed):
            bad.append(number)
    if bad:
        shown = "、".join(str(n) for n in bad[:10]) + ("…" if len(bad) > 10 else "")
        raise ValidationFailed(
            f"第 {shown} 行格式不正确：每行应为“统一社会信用代码 等级（A/B/C/D）”", code="invalid_tier_line",
            details={"field": "lines", "lines": bad[:100]},
        )  # fmt: skip
    if not rows:
        raise ValidationFailed("请粘贴至少一行信用等级", code="lines_required", details={"field": "lines"})
    if len(rows) > MAX_IMPORT_LINES:
        raise ValidationFailed(
            f"一次最多导入 {MAX_IMPORT_LINES} 行", code="too_many_lines", details={"field": "lines"}
        )
    return rows


@durable_action
def do_import_tiers(*, acting_user: User, lines: str, now: dt.datetime) -> int:
    """Set the tiers of many enterprises at once (all or nothing); returns how many were set."""
    require_planner(acting_user)
    rows = dict(parse_tier_lines(lines))
    found = dict(visible_enterprises(acting_user).filter(uscc__in=list(rows)).values_list("uscc", "pk"))
    missing = sorted(set(rows) - set(found))
    if missing:
        raise ValidationFailed(
            f"{len(missing)} 个统一社会信用代码不在企业库或不在您的管辖范围内：{'、'.join(missing[:5])}",
            code="enterprise_not_found",
            details={"field": "lines", "uscc": missing[:100]},
        )
    CreditRating.objects.bulk_create(
        [
            CreditRating(enterprise_id=found[u], tier=t, updated_by=acting_user, updated_at=now)
            for u, t in rows.items()
        ],
        update_conflicts=True,
        unique_fields=["enterprise"],
        update_fields=["tier", "updated_by", "updated_at"],
        batch_size=2000,
    )
    counts = {t: sum(1 for v in rows.values() if v == t) for t in CreditTier.values}
    record(
        "inspections.tiers_import",
        actor=acting_user,
        object_type="inspections.creditrating",
        object_repr=f"信用等级导入 {len(rows)} 家",
        after={"count": len(rows), "by_tier": counts},
    )
    return len(rows)


def _inspector(acting_user: User, inspector_id: Any) -> User:
    if not (is_planner(acting_user) or is_inspector(acting_user)):
        raise PermissionDenied("只有执法人员本人、单位负责人或营商办可以登记执法资格和回避关联")
    inspector = (
        User.objects.filter(pk=number_id(inspector_id) or 0, is_active=True, roles__code__in=LINKABLE_ROLES)
        .select_related("unit")
        .first()
    )
    if inspector is None:
        raise ValidationFailed(
            "人员不存在，或不是执法人员、单位负责人",
            code="inspector_not_found",
            details={"field": "inspector"},
        )
    if not may_keep_links(acting_user, inspector):
        raise PermissionDenied("只有执法人员本人、所在单位负责人或营商办可以登记")
    return inspector


@durable_action
def do_save_qualification(
    *, acting_user: User, inspector_id: Any, certificate: Any, fields: Any = "", now: dt.datetime
) -> Qualification:
    inspector = _inspector(acting_user, inspector_id)
    number = required(certificate, "certificate", "执法证号", 40)
    row = Qualification.objects.select_for_update().filter(inspector=inspector).first()
    before = snapshot(row, ["certificate", "fields"]) if row else None
    if row is None:
        row = Qualification(inspector=inspector, version=0)
    row.certificate, row.fields = number, text(fields, 200)
    row.updated_by, row.updated_at = acting_user, now
    row.version += 1
    row.save()
    record(
        "inspections.qualification_save",
        actor=acting_user,
        obj=row,
        before=before,
        after={"inspector": inspector.pk, **snapshot(row, ["certificate", "fields"])},
    )
    return row


@durable_action
def do_declare_link(
    *, acting_user: User, inspector_id: Any, enterprise_id: Any, kind: Any, note: Any = "", now: dt.datetime
) -> Link:
    inspector = _inspector(acting_user, inspector_id)
    value = text(kind)
    if value not in LinkKind.values:
        raise ValidationFailed(
            "关联类型应为亲属、曾任职、持股或其他", code="invalid_kind", details={"field": "kind"}
        )
    enterprise = Enterprise.objects.filter(pk=number_id(enterprise_id) or 0).first()
    if enterprise is None:
        raise ValidationFailed("企业不存在", code="enterprise_not_found", details={"field": "enterprise"})
    if Link.objects.select_for_update().filter(inspector=inspector, enterprise=enterprise).exists():
        raise Conflict("已申报过该执法人员与该企业的关联", code="link_exists")
    link = Link.objects.create(
        inspector=inspector, enterprise=enterprise, kind=value, note=text(note, 200), declared_by=acting_user,
        declared_at=now,
    )  # fmt: skip
    record("inspections.link_declare", actor=acting_user, obj=link, after=snapshot(link))
    return link


@durable_action
def do_remove_link(*, acting_user: User, link_id: Any, now: dt.datetime) -> None:
    link = (
        Link.objects.select_for_update()
        .select_related("inspector")
        .filter(pk=number_id(link_id) or 0)
        .first()
    )
    if link is None or not may_keep_links(acting_user, link.inspector):
        raise NotFound()
    before = snapshot(link)
    record("inspections.link_remove", actor=acting_user, obj=link, before=before)
    link.delete()
