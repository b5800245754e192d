"""The case system's default configuration: deadline policies, the category catalogue and the demo
routing rules. `ensure_defaults()` creates whatever is missing and never changes a row that exists,
so an administrator's edits survive any number of runs (it is called by `load_demo_city`).

Default deadline policies (requirements.md, "Cross-cutting numbers"; 宿政办发〔2024〕15号):
- 办不成事 window: 紧急 0, 一般 0 (即知即办: the same working day), 复杂 5 working days (R2.2);
- mayor channel: 紧急 2, 一般 5, 复杂 15 (R8.3);
- 12345 hotline work orders: 5 for every urgency (no rule given);
- every other channel: 紧急 2, 一般 5, 复杂 15.
All with a 临期 warning 1 working day before and one extension at most.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from bangban.audit.actions import record
from bangban.org.models import Region, Unit

from .default_catalogue import DEMO_ROUTING_RULES, iter_catalogue
from .models import Category, Channel, DeadlinePolicy, RoutingRule, Urgency

__all__ = ["DEFAULT_DEADLINES", "DefaultsResult", "ensure_defaults"]

_SOURCE = "宿政办发〔2024〕15号"
# channel → (urgent, general, complex, basis)
_SPECIAL: dict[str, tuple[int, int, int, str]] = {
    Channel.WINDOW: (0, 0, 5, f"{_SOURCE} 制度二：简单问题即知即办，复杂问题5个工作日内答复"),
    Channel.MAYOR: (2, 5, 15, f"{_SOURCE} 制度八：清晰紧急2个、一般5个、复杂或多部门15个工作日"),
    Channel.HOTLINE: (5, 5, 5, "12345 工单默认办理时限（制度未作规定）"),
}
_OTHER = (2, 5, 15, "默认办理时限：紧急2个、一般5个、复杂15个工作日")


def _default_deadlines() -> dict[tuple[str, str], tuple[int, str]]:
    table: dict[tuple[str, str], tuple[int, str]] = {}
    for channel in Channel:
        urgent, general, complex_, note = _SPECIAL.get(channel, _OTHER)
        table[(channel.value, Urgency.URGENT.value)] = (urgent, note)
        table[(channel.value, Urgency.GENERAL.value)] = (general, note)
        table[(channel.value, Urgency.COMPLEX.value)] = (complex_, note)
    return table


DEFAULT_DEADLINES = _default_deadlines()
DEFAULT_WARN_WORKDAYS = 1
DEFAULT_MAX_EXTENSIONS = 1


@dataclass
class DefaultsResult:
    policies: int = 0
    categories: int = 0
    routing_rules: int = 0
    skipped_rules: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(self.policies or self.categories or self.routing_rules)

    def summary(self) -> str:
        text = (
            f"诉求办理默认配置：新建办理时限规则 {self.policies} 条、诉求分类 {self.categories} 个、"
            f"派单规则 {self.routing_rules} 条"
        )
        if self.skipped_rules:
            text += f"（{len(self.skipped_rules)} 条派单规则因单位或区划不存在而跳过）"
        return text


def _ensure_policies() -> int:
    existing = set(DeadlinePolicy.objects.values_list("channel", "urgency"))
    missing = [
        DeadlinePolicy(
            channel=channel,
            urgency=urgency,
            workdays=workdays,
            warn_workdays=DEFAULT_WARN_WORKDAYS,
            max_extensions=DEFAULT_MAX_EXTENSIONS,
            note=note[:200],
        )
        for (channel, urgency), (workdays, note) in DEFAULT_DEADLINES.items()
        if (channel, urgency) not in existing
    ]
    DeadlinePolicy.objects.bulk_create(missing)
    return len(missing)


def _ensure_categories() -> int:
    """One bulk insert per level (parents first), skipping codes and names already present."""
    by_code = {c.code: c for c in Category.objects.all()}
    names = {(c.parent_id, c.name) for c in by_code.values()}
    entries = list(enumerate(iter_catalogue(), start=1))
    created = 0
    for level in (1, 2, 3):
        batch: list[Category] = []
        for sort, (code, name, parent_code, entry_level) in entries:
            if entry_level != level or code in by_code:
                continue
            parent = by_code.get(parent_code) if parent_code else None
            if parent_code and parent is None:
                continue  # the parent's code was taken by something else: leave this branch alone
            parent_id = parent.pk if parent else None
            if (parent_id, name) in names:
                continue  # an administrator already has this category under another code
            names.add((parent_id, name))
            batch.append(
                Category(
                    code=code,
                    name=name,
                    parent=parent,
                    level=level,
                    path=f"{parent.path}/{name}" if parent else name,
                    sort=sort,
                )
            )
        for category in Category.objects.bulk_create(batch):
            by_code[category.code] = category
        created += len(batch)
    return created


def _ensure_routing_rules(result: DefaultsResult) -> int:
    paths = [p for p, *_ in DEMO_ROUTING_RULES if p]
    categories = {c.path: c for c in Category.objects.filter(path__in=paths)}
    units = {
        u.code: u for u in Unit.objects.filter(code__in=[r[2] for r in DEMO_ROUTING_RULES], is_active=True)
    }
    regions = {r.code: r for r in Region.objects.filter(code__in=[r[1] for r in DEMO_ROUTING_RULES if r[1]])}
    existing: set[tuple[int | None, int | None]] = set(
        RoutingRule.objects.values_list("category_id", "region_id")
    )
    created = 0
    for path, region_code, unit_code, note in DEMO_ROUTING_RULES:
        category = categories.get(path) if path else None
        region = regions.get(region_code) if region_code else None
        unit = units.get(unit_code)
        if (path and category is None) or (region_code and region is None) or unit is None:
            result.skipped_rules.append(f"{path or '任意分类'} × {region_code or '任意区划'} → {unit_code}")
            continue
        key = (category.pk if category else None, region.pk if region else None)
        if key in existing:
            continue
        RoutingRule.objects.create(category=category, region=region, unit=unit, note=note)
        existing.add(key)
        created += 1
    return created


def ensure_defaults() -> DefaultsResult:
    """Create the missing default policies, categories and routing rules (idempotent)."""
    result = DefaultsResult()
    with transaction.atomic():
        result.policies = _ensure_policies()
        result.categories = _ensure_categories()
        result.routing_rules = _ensure_routing_rules(result)
        if result.created_anything:
            record(
                "tickets.defaults_loaded",
                actor=None,
                object_type="tickets.defaults",
                object_repr="诉求办理默认配置",
                after={
                    "policies": result.policies,
                    "categories": result.categories,
                    "routing_rules": result.routing_rules,
                },
            )
    return result
