"""Which unit a case should go to: the routing rule table (诉求分类 × 区划 → 责任单位).

A rule matches a case when its category is the case's category or one of its ancestors (or the
rule has no category: "any category"), and its region is the case's region or one of its ancestors
(or none: "anywhere"). Among the active rules that match, whose unit is active, the most specific
wins:

1. the deeper category (an exact third-level category beats its second level, which beats its
   first level, which beats "any category");
2. then the deeper region (a township beats its county, which beats the city, which beats "anywhere");
3. then the higher `priority`; then the older rule (lower id), so the answer is stable.

Category specificity comes first on purpose: "what the problem is" decides which department is
responsible; the region then picks that department's local office. The dispatcher confirms or
changes the suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core import rawsql

from .config_cache import RuleRow
from .models import Category, Channel, RoutingRule

__all__ = [
    "RuleKey",
    "category_chain",
    "first_response_unit_id",
    "pick_rule",
    "region_chain",
    "suggest_rule",
    "suggest_unit",
    "suggest_unit_id",
]


@dataclass(frozen=True)
class RuleKey:
    """What the ranking needs to know about a rule (pure data, for `pick_rule`)."""

    id: int
    category_id: int | None
    region_id: int | None
    priority: int


def pick_rule(
    rules: Iterable[RuleKey], category_ids: Sequence[int], region_ids: Sequence[int]
) -> RuleKey | None:
    """The most specific of `rules` for a case. `category_ids` and `region_ids` list the case's
    category and region from the most general (first) to the most specific (last)."""
    category_depth = {pk: depth for depth, pk in enumerate(category_ids, start=1)}
    region_depth = {pk: depth for depth, pk in enumerate(region_ids, start=1)}
    best: tuple[int, int, int, int] | None = None
    chosen: RuleKey | None = None
    for rule in rules:
        if rule.category_id is None:
            c = 0
        elif rule.category_id in category_depth:
            c = category_depth[rule.category_id]
        else:
            continue
        if rule.region_id is None:
            r = 0
        elif rule.region_id in region_depth:
            r = region_depth[rule.region_id]
        else:
            continue
        key = (c, r, rule.priority, -rule.id)
        if best is None or key > best:
            best, chosen = key, rule
    return chosen


def category_chain(category: Category | None) -> list[int]:
    """Ids from the first level down to `category` (load it with select_related("parent__parent")
    to avoid queries)."""
    chain: list[int] = []
    node = category
    while node is not None and len(chain) < 5:
        chain.append(node.pk)
        node = node.parent if node.parent_id else None
    return list(reversed(chain))


def region_chain(region: Any) -> list[str]:
    """Region codes from the city down to `region`, read from its materialised path."""
    if region is None:
        return []
    return [code for code in (region.path or "").split("/") if code]


def _match(
    category: Category | None, region: Any, rules: Sequence[RuleRow] | None = None
) -> tuple[int, int] | None:
    """(rule id, unit id) of the winning active rule: from `rules` (every active rule of an active
    unit, `config_cache`) without a query, else in one query without model instances."""
    categories = category_chain(category)
    regions = region_chain(region)
    rows: list[RuleRow]
    if rules is not None:
        wanted_categories, wanted_regions = set(categories), set(regions)
        rows = [
            row
            for row in rules
            if (row[1] is None or row[1] in wanted_categories)
            and (row[2] is None or row[4] in wanted_regions)
        ]
    else:
        condition = Q(category__isnull=True)
        if categories:
            condition |= Q(category_id__in=categories)
        region_condition = Q(region__isnull=True)
        if regions:
            region_condition |= Q(region__code__in=regions)
        rows = list(
            RoutingRule.objects.filter(condition, region_condition, is_active=True, unit__is_active=True)
            .order_by()
            .values_list("pk", "category_id", "region_id", "priority", "region__code", "unit_id")
        )
    if not rows:
        return None
    ids_by_code = {code: region_id for _pk, _c, region_id, _p, code, _u in rows if region_id and code}
    picked = pick_rule(
        [RuleKey(pk, c, r, p) for pk, c, r, p, _code, _u in rows],
        categories,
        _region_ids_with_gaps(regions, ids_by_code),
    )
    if picked is None:
        return None
    return picked.id, next(unit_id for pk, *_rest, unit_id in rows if pk == picked.id)


def suggest_rule(category: Category | None, region: Any) -> RoutingRule | None:
    """The winning active rule (with its unit loaded), or None when nothing matches."""
    match = _match(category, region)
    if match is None:
        return None
    return RoutingRule.objects.select_related("unit", "category", "region").get(pk=match[0])


def _region_ids_with_gaps(codes: list[str], ids_by_code: dict[str, int]) -> list[int]:
    """Region ids in path order; an ancestor without a rule gets a placeholder (-depth) so that the
    depth of the others is counted from the city."""
    return [ids_by_code.get(code, -index) for index, code in enumerate(codes, start=1)]


def suggest_unit_id(
    category: Category | None, region: Any, rules: Sequence[RuleRow] | None = None
) -> int | None:
    """The id of the unit the winning rule names — what intake stores (one query, or none with
    the cached `rules` of `config_cache`)."""
    match = _match(category, region, rules)
    return match[1] if match is not None else None


def suggest_unit(category: Category | None, region: Any) -> Any:
    """The unit the most specific matching rule names, or None."""
    rule = suggest_rule(category, region)
    return rule.unit if rule is not None else None


# The channels whose cases are collected centrally and dispatched: their intake unit (the
# 12345 centre, 市政府办公室 …) is not the unit that leads them.
_COLLECTED_CHANNELS = frozenset({Channel.MAYOR, Channel.HOTLINE, Channel.PORTAL, Channel.CONDUCT})


def first_response_unit_id(channel: str, intake_unit_id: int | None) -> int | None:
    """R12.1 首问负责: the unit that received the case leads it by default — its intake unit, when
    that unit handles cases (it has an active 承办人 or 单位负责人) and the channel is not one that
    collects cases centrally (12345, the enterprise portal, the mayor's channel, 作风办). None:
    the routing rule decides."""
    if not intake_unit_id or channel in _COLLECTED_CHANNELS:
        return None
    return intake_unit_id if _unit_handles_cases(intake_unit_id) else None


def _unit_handles_cases(unit_id: int) -> bool:
    """The unit has an active 承办人 or 单位负责人 (one plain statement: intake's hot path)."""
    roles = User._meta.get_field("roles")
    through = User.roles.through._meta.db_table
    sql = (
        f'SELECT 1 FROM {rawsql.table(User)} "u" INNER JOIN "{through}" "r" '
        f'ON "r"."{roles.m2m_column_name()}" = "u"."id" '  # type: ignore[attr-defined]
        f'WHERE "u"."is_active" AND "u"."unit_id" = %s AND "r"."{roles.m2m_reverse_name()}" IN (%s, %s) '  # type: ignore[attr-defined]
        "LIMIT 1"
    )
    return bool(rawsql.fetch(User, sql, [unit_id, Role.HANDLER, Role.UNIT_HEAD]))
