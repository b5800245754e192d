"""Administration of the case system's configuration: the category catalogue (with .xlsx import),
the routing rules and the deadline policies. Administrators change them; dispatchers and 营商办 may
read them. Every change is one audit event.

Category codes are positional ("01" → "0101" → "010101") and assigned by the system: a new
category gets the next free number under its parent, so codes never change once given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.audit.actions import diff, record, snapshot
from bangban.core.errors import Conflict, FileRejected, NotFound, PermissionDenied, ValidationFailed
from bangban.core.xlsx import cell_text, open_xlsx, read_rows
from bangban.org.models import Region, Unit

from .models import Category, Channel, DeadlinePolicy, DispatchClockSettings, RoutingRule, Urgency

__all__ = [
    "CONFIG_ADMIN_ROLES",
    "CONFIG_VIEW_ROLES",
    "CategoryImport",
    "can_manage_config",
    "can_view_config",
    "category_tree",
    "do_create_category",
    "do_create_routing_rule",
    "do_delete_category",
    "do_delete_deadline_policy",
    "do_delete_routing_rule",
    "do_import_categories",
    "do_set_deadline_policy",
    "do_set_dispatch_clock",
    "do_update_category",
    "do_update_routing_rule",
    "parse_category_workbook",
    "require_config_admin",
    "require_config_viewer",
]

CONFIG_ADMIN_ROLES = frozenset({Role.ADMIN})
CONFIG_VIEW_ROLES = frozenset({Role.ADMIN, Role.DISPATCHER, Role.BIZ_OFFICE})

NAME_MAX = 60
MAX_WORKDAYS = 60
MAX_WARN_WORKDAYS = 10
MAX_EXTENSIONS = 5
IMPORT_HEADERS = ("一级分类", "二级分类", "三级分类")
IMPORT_MAX_ROWS = 5000


def can_manage_config(user: Any) -> bool:
    return has_any_role(user, CONFIG_ADMIN_ROLES)


def can_view_config(user: Any) -> bool:
    return has_any_role(user, CONFIG_VIEW_ROLES)


def require_config_viewer(user: Any) -> None:
    if not can_view_config(user):
        raise NotFound()


def require_config_admin(user: Any) -> None:
    if not can_manage_config(user):
        raise PermissionDenied("只有系统管理员可以修改诉求办理配置")


def _invalid(field_name: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"fields": {field_name: message}})


# --- categories -------------------------------------------------------------------------------


def category_tree(*, include_inactive: bool = True) -> list[dict[str, Any]]:
    """The whole catalogue as nested dicts (one query), in display order."""
    qs = Category.objects.order_by("level", "sort", "code")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for c in qs:
        node = {
            "id": c.pk,
            "code": c.code,
            "name": c.name,
            "path": c.path,
            "level": c.level,
            "is_active": c.is_active,
            "children": [],
        }
        nodes[c.pk] = node
        if c.parent_id is None:
            roots.append(node)
        elif c.parent_id in nodes:
            nodes[c.parent_id]["children"].append(node)
    return roots


def _clean_name(name: Any) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise _invalid("name", "name_required", "请填写分类名称")
    if len(text) > NAME_MAX:
        raise _invalid("name", "name_too_long", f"分类名称不能超过 {NAME_MAX} 个字")
    if "/" in text:
        raise _invalid("name", "name_invalid", "分类名称不能包含“/”")
    return text


def _next_code(parent: Category | None, taken: set[str]) -> str:
    prefix = parent.code if parent else ""
    n = 1
    while True:
        code = f"{prefix}{n:02d}" if n < 100 else f"{prefix}{n:03d}"
        if code not in taken:
            return code
        n += 1


def _children_codes(parent: Category | None) -> set[str]:
    prefix = parent.code if parent else ""
    return set(Category.objects.filter(code__startswith=prefix).values_list("code", flat=True))


def _new_category(
    parent: Category | None, name: str, sort: int | None, taken: set[str] | None = None
) -> Category:
    if parent is not None and parent.level >= 3:
        raise _invalid("parent", "category_too_deep", "诉求分类最多三级，不能在三级分类下再建下级")
    if Category.objects.filter(parent=parent, name=name).exists():
        raise _invalid("name", "category_duplicate", f"同一上级下已有名为“{name}”的分类")
    codes = taken if taken is not None else _children_codes(parent)
    code = _next_code(parent, codes)
    codes.add(code)
    if sort is None:
        sort = (
            Category.objects.filter(parent=parent).order_by("-sort").values_list("sort", flat=True).first()
            or 0
        ) + 1
    return Category.objects.create(
        code=code,
        name=name,
        parent=parent,
        level=(parent.level + 1) if parent else 1,
        path=f"{parent.path}/{name}" if parent else name,
        sort=sort,
    )


def do_create_category(
    *, acting_user: Any, name: str, parent_id: int | None = None, sort: int | None = None
) -> Category:
    require_config_admin(acting_user)
    clean = _clean_name(name)
    with transaction.atomic():
        parent = None
        if parent_id:
            parent = Category.objects.select_for_update().filter(pk=parent_id).first()
            if parent is None:
                raise _invalid("parent", "unknown_category", "上级分类不存在")
            if not parent.is_active:
                raise _invalid("parent", "category_inactive", "上级分类已停用，请先启用")
        category = _new_category(parent, clean, sort)
        record("tickets.category_created", actor=acting_user, obj=category, after=snapshot(category))
    return category


def _descendants(category: Category) -> QuerySet[Category]:
    return Category.objects.filter(path__startswith=f"{category.path}/", code__startswith=category.code)


def do_update_category(
    *,
    acting_user: Any,
    category_id: int,
    name: str | None = None,
    sort: int | None = None,
    is_active: bool | None = None,
) -> Category:
    """Rename (the full names of its descendants follow), reorder, deactivate (its descendants
    too: a retired branch cannot be chosen any more; cases keep their category) or reactivate (only
    under an active parent)."""
    require_config_admin(acting_user)
    with transaction.atomic():
        category = Category.objects.select_for_update().filter(pk=category_id).first()
        if category is None:
            raise NotFound()
        before = snapshot(category)
        affected = 0
        if name is not None:
            clean = _clean_name(name)
            if clean != category.name:
                if (
                    Category.objects.filter(parent_id=category.parent_id, name=clean)
                    .exclude(pk=category.pk)
                    .exists()
                ):
                    raise _invalid("name", "category_duplicate", f"同一上级下已有名为“{clean}”的分类")
                old_path = category.path
                category.name = clean
                category.path = f"{category.parent.path}/{clean}" if category.parent else clean
                for child in Category.objects.filter(
                    path__startswith=f"{old_path}/", code__startswith=category.code
                ):
                    child.path = category.path + child.path[len(old_path) :]
                    child.save(update_fields=["path"])
                    affected += 1
        if sort is not None:
            category.sort = max(int(sort), 0)
        if is_active is not None and is_active != category.is_active:
            if is_active and category.parent is not None and not category.parent.is_active:
                raise _invalid("is_active", "category_inactive", "上级分类已停用，请先启用上级分类")
            category.is_active = is_active
            if not is_active:
                affected += _descendants(category).filter(is_active=True).update(is_active=False)
        category.save(update_fields=["name", "path", "sort", "is_active"])
        old, new = diff(before, snapshot(category))
        if new:
            if affected:
                new = {**new, "descendants_changed": affected}
            record("tickets.category_updated", actor=acting_user, obj=category, before=old, after=new)
    return category


def do_delete_category(*, acting_user: Any, category_id: int) -> None:
    """Only a category nobody uses (no sub-categories, cases or routing rules); otherwise deactivate it."""
    require_config_admin(acting_user)
    with transaction.atomic():
        category = Category.objects.select_for_update().filter(pk=category_id).first()
        if category is None:
            raise NotFound()
        if category.children.exists() or category.tickets.exists() or category.routing_rules.exists():
            raise Conflict("该分类已有下级分类、诉求或派单规则，不能删除，可改为停用", code="category_in_use")
        before = snapshot(category)
        category.delete()
        record(
            "tickets.category_deleted",
            actor=acting_user,
            object_type="tickets.category",
            object_id=category_id,
            object_repr=before.get("path", ""),
            before=before,
        )


# --- category import (.xlsx: 一级分类 / 二级分类 / 三级分类) ------------------------------------------


@dataclass
class CategoryImport:
    """What an uploaded catalogue holds: the distinct valid paths (each as 1–3 names), the problems
    of each invalid row, and how many paths are new."""

    paths: list[tuple[str, ...]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    total_rows: int = 0
    new_count: int = 0
    existing_count: int = 0

    @property
    def invalid_rows(self) -> int:
        return len({e["row"] for e in self.errors})


def _import_name(value: Any) -> tuple[str, str | None]:
    text = " ".join(cell_text(value).split())
    if len(text) > NAME_MAX:
        return text, f"名称超过 {NAME_MAX} 个字"
    if "/" in text:
        return text, "名称不能包含“/”"
    return text, None


def _check_rows(rows: Iterable[tuple[int, dict[str, Any]]]) -> CategoryImport:
    result = CategoryImport()
    seen: set[tuple[str, ...]] = set()
    for number, row in rows:
        result.total_rows += 1
        if result.total_rows > IMPORT_MAX_ROWS:
            raise FileRejected(f"文件超过 {IMPORT_MAX_ROWS} 行，请拆分后导入", code="too_many_rows")
        names: list[str] = []
        problems: list[tuple[str, str, str]] = []
        for header in IMPORT_HEADERS:
            name, problem = _import_name(row.get(header))
            names.append(name)
            if problem:
                problems.append((header, name, problem))
        first, second, third = names
        if not first:
            problems.append(("一级分类", "", "一级分类不能为空"))
        if third and not second:
            problems.append(("二级分类", "", "填写了三级分类时，二级分类不能为空"))
        if problems:
            result.errors.extend(
                {"row": number, "column": c, "value": v, "reason": r} for c, v, r in problems
            )
            continue
        path = tuple(n for n in (first, second, third) if n)
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix not in seen:
                seen.add(prefix)
                result.paths.append(prefix)
    existing = set(Category.objects.values_list("path", flat=True))
    result.new_count = sum(1 for p in result.paths if "/".join(p) not in existing)
    result.existing_count = len(result.paths) - result.new_count
    return result


def parse_category_workbook(uploaded_file: Any) -> CategoryImport:
    """Read and check an uploaded .xlsx without writing anything."""
    workbook = open_xlsx(uploaded_file)
    try:
        _headers, rows = read_rows(workbook.worksheets[0], IMPORT_HEADERS[:1], IMPORT_HEADERS[1:])
        return _check_rows(rows)
    finally:
        workbook.close()


def _validated_paths(paths: Iterable[Iterable[str]]) -> Iterator[tuple[str, ...]]:
    for raw in paths:
        path = tuple(" ".join(str(n).split()) for n in raw)
        if not 1 <= len(path) <= 3 or any(not n or len(n) > NAME_MAX or "/" in n for n in path):
            raise ValidationFailed("导入数据无效，请重新上传文件", code="import_invalid")
        yield path


def do_import_categories(*, acting_user: Any, paths: Iterable[Iterable[str]]) -> dict[str, int]:
    """Create every category of `paths` that does not exist yet (matched by full name), parents
    first. Importing the same file again creates nothing. Existing categories are left as they
    are (a deactivated one stays deactivated)."""
    require_config_admin(acting_user)
    wanted = sorted(set(_validated_paths(paths)), key=len)
    created = 0
    with transaction.atomic():
        # One lock for the whole import: two administrators importing at once cannot both create
        # the same category or hand out the same code.
        list(Category.objects.select_for_update().filter(level=1).values_list("pk", flat=True))
        by_path = {c.path: c for c in Category.objects.all()}
        taken = set(Category.objects.values_list("code", flat=True))
        for path in wanted:
            key = "/".join(path)
            if key in by_path:
                continue
            parent = by_path.get("/".join(path[:-1])) if len(path) > 1 else None
            if len(path) > 1 and parent is None:
                continue  # unreachable: parents come first
            category = _new_category(parent, path[-1], None, taken)
            by_path[key] = category
            created += 1
        result = {"created": created, "existing": len(wanted) - created}
        record(
            "tickets.categories_imported",
            actor=acting_user,
            object_type="tickets.category",
            object_repr="诉求分类导入",
            after=result,
        )
    return result


# --- routing rules ----------------------------------------------------------------------------


def _rule_refs(
    category_id: int | None, region_id: int | None, unit_id: int | None
) -> tuple[Category | None, Region | None, Unit]:
    category = None
    if category_id:
        category = Category.objects.filter(pk=category_id).first()
        if category is None:
            raise _invalid("category", "unknown_category", "诉求分类不存在")
    region = None
    if region_id:
        region = Region.objects.filter(pk=region_id).first()
        if region is None:
            raise _invalid("region", "unknown_region", "区划不存在")
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first() if unit_id else None
    if unit is None:
        raise _invalid("unit", "unknown_unit", "请选择启用中的责任单位")
    return category, region, unit


def _check_rule_unique(category: Category | None, region: Region | None, exclude: int | None = None) -> None:
    qs = RoutingRule.objects.filter(
        Q(category__isnull=True) if category is None else Q(category=category),
        Q(region__isnull=True) if region is None else Q(region=region),
    )
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise _invalid("category", "routing_rule_duplicate", "已有相同分类和区划的派单规则，请修改原规则")


def do_create_routing_rule(
    *,
    acting_user: Any,
    unit_id: int,
    category_id: int | None = None,
    region_id: int | None = None,
    priority: int = 0,
    is_active: bool = True,
    note: str = "",
) -> RoutingRule:
    require_config_admin(acting_user)
    with transaction.atomic():
        category, region, unit = _rule_refs(category_id, region_id, unit_id)
        _check_rule_unique(category, region)
        rule = RoutingRule.objects.create(
            category=category,
            region=region,
            unit=unit,
            priority=int(priority or 0),
            is_active=bool(is_active),
            note=(note or "").strip()[:200],
        )
        record("tickets.routing_rule_created", actor=acting_user, obj=rule, after=snapshot(rule))
    return rule


_UNSET: Any = object()


def do_update_routing_rule(
    *,
    acting_user: Any,
    rule_id: int,
    unit_id: Any = _UNSET,
    category_id: Any = _UNSET,
    region_id: Any = _UNSET,
    priority: Any = _UNSET,
    is_active: Any = _UNSET,
    note: Any = _UNSET,
) -> RoutingRule:
    """Change the given fields only (pass None for category/region to mean "any")."""
    require_config_admin(acting_user)
    with transaction.atomic():
        rule = RoutingRule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise NotFound()
        before = snapshot(rule)
        category, region, unit = _rule_refs(
            rule.category_id if category_id is _UNSET else category_id,
            rule.region_id if region_id is _UNSET else region_id,
            rule.unit_id if unit_id is _UNSET else unit_id,
        )
        _check_rule_unique(category, region, exclude=rule.pk)
        rule.category, rule.region, rule.unit = category, region, unit
        if priority is not _UNSET:
            rule.priority = int(priority or 0)
        if is_active is not _UNSET:
            rule.is_active = bool(is_active)
        if note is not _UNSET:
            rule.note = (note or "").strip()[:200]
        rule.save()
        old, new = diff(before, snapshot(rule))
        if new:
            record("tickets.routing_rule_updated", actor=acting_user, obj=rule, before=old, after=new)
    return rule


def do_delete_routing_rule(*, acting_user: Any, rule_id: int) -> None:
    require_config_admin(acting_user)
    with transaction.atomic():
        rule = RoutingRule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise NotFound()
        before = snapshot(rule)
        text = str(rule)[:200]
        rule.delete()
        record(
            "tickets.routing_rule_deleted",
            actor=acting_user,
            object_type="tickets.routingrule",
            object_id=rule_id,
            object_repr=text,
            before=before,
        )


# --- deadline policies ------------------------------------------------------------------------


def _bounded(value: Any, name: str, label: str, upper: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise _invalid(name, "invalid_number", f"{label}应为整数") from exc
    if not 0 <= number <= upper:
        raise _invalid(name, "out_of_range", f"{label}应在 0 到 {upper} 之间")
    return number


def do_set_deadline_policy(
    *,
    acting_user: Any,
    channel: str,
    urgency: str,
    workdays: Any,
    warn_workdays: Any = 1,
    max_extensions: Any = 1,
    note: str | None = None,
) -> DeadlinePolicy:
    """Create or change the policy of one channel × urgency (0 working days = 即办)."""
    require_config_admin(acting_user)
    if channel not in Channel.values:
        raise _invalid("channel", "invalid_channel", "渠道无效")
    if urgency not in Urgency.values:
        raise _invalid("urgency", "invalid_urgency", "紧急程度无效")
    days = _bounded(workdays, "workdays", "办理时限（工作日）", MAX_WORKDAYS)
    warn = _bounded(warn_workdays, "warn_workdays", "临期提醒（工作日）", MAX_WARN_WORKDAYS)
    extensions = _bounded(max_extensions, "max_extensions", "最多延期次数", MAX_EXTENSIONS)
    with transaction.atomic():
        policy = DeadlinePolicy.objects.select_for_update().filter(channel=channel, urgency=urgency).first()
        if policy is None:
            policy = DeadlinePolicy.objects.create(
                channel=channel,
                urgency=urgency,
                workdays=days,
                warn_workdays=warn,
                max_extensions=extensions,
                note=(note or "").strip()[:200],
            )
            record("tickets.deadline_policy_created", actor=acting_user, obj=policy, after=snapshot(policy))
            return policy
        before = snapshot(policy)
        policy.workdays, policy.warn_workdays, policy.max_extensions = days, warn, extensions
        if note is not None:
            policy.note = note.strip()[:200]
        policy.save(update_fields=["workdays", "warn_workdays", "max_extensions", "note"])
        old, new = diff(before, snapshot(policy))
        if new:
            record("tickets.deadline_policy_updated", actor=acting_user, obj=policy, before=old, after=new)
    return policy


def do_delete_deadline_policy(*, acting_user: Any, policy_id: int) -> None:
    """Remove a policy: cases of that channel × urgency can then not be dispatched until one is set
    (`deadline_rule_missing`)."""
    require_config_admin(acting_user)
    with transaction.atomic():
        policy = DeadlinePolicy.objects.select_for_update().filter(pk=policy_id).first()
        if policy is None:
            raise NotFound()
        before = snapshot(policy)
        text = str(policy)
        policy.delete()
        record(
            "tickets.deadline_policy_deleted",
            actor=acting_user,
            object_type="tickets.deadlinepolicy",
            object_id=policy_id,
            object_repr=text,
            before=before,
        )


# --- the dispatch clock (派单时限) ---------------------------------------------------------------

CLOCK_ADMIN_ROLES = frozenset({Role.ADMIN, Role.BIZ_OFFICE})
MAX_DISPATCH_WORKDAYS = 60


def can_manage_dispatch_clock(user: Any) -> bool:
    return has_any_role(user, CLOCK_ADMIN_ROLES)


def _clock_number(value: Any, name: str, label: str, upper: int) -> int:
    if isinstance(value, bool):
        raise _invalid(name, "invalid_number", f"{label}应为整数")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise _invalid(name, "invalid_number", f"{label}应为整数（工作日数）") from exc
    if number < 0:
        raise _invalid(name, "out_of_range", f"{label}不能为负数")
    if number > upper:
        raise _invalid(name, "out_of_range", f"{label}不能超过 {upper} 个工作日")
    return number


def do_set_dispatch_clock(
    *,
    acting_user: Any,
    dispatch_workdays: Any,
    review_workdays: Any,
    warn_workdays: Any = 1,
    expected_version: int | None = None,
) -> DispatchClockSettings:
    """Change the dispatch clock's limits (administrators and 营商办). Every value is checked before
    anything is saved; a change applies to the cases received afterwards (a waiting case keeps the
    limit it got at intake). One audit event."""
    if not can_manage_dispatch_clock(acting_user):
        raise PermissionDenied("只有系统管理员或营商办可以修改派单时限")
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    for name, value, label, upper in (
        ("dispatch_workdays", dispatch_workdays, "派单时限", MAX_DISPATCH_WORKDAYS),
        ("review_workdays", review_workdays, "市长直通车审核时限", MAX_DISPATCH_WORKDAYS),
        ("warn_workdays", warn_workdays, "临期提醒", MAX_WARN_WORKDAYS),
    ):
        try:
            values[name] = _clock_number(value, name, label, upper)
        except ValidationFailed as exc:
            errors[name] = exc.message
    if errors:
        raise ValidationFailed("；".join(errors.values()), code="out_of_range", details={"fields": errors})
    with transaction.atomic():
        DispatchClockSettings.objects.get_or_create(pk=1)
        row = DispatchClockSettings.objects.select_for_update().get(pk=1)
        if expected_version is not None and int(expected_version) != row.version:
            raise Conflict()
        before = snapshot(row, fields=list(values))
        for name, value in values.items():
            setattr(row, name, value)
        old, new = diff(before, snapshot(row, fields=list(values)))
        if not new:
            return row
        row.version += 1
        row.save(update_fields=[*values, "version", "updated_at"])
        record("tickets.dispatch_clock_settings", actor=acting_user, obj=row, before=old, after=new)
    return row
