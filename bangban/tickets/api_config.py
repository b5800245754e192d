"""`/api/v1/cases/settings/…`: the category catalogue, the routing rules, the deadline policies and
the unit suggestion.

Reading the catalogue: every signed-in caller (it is what a case is filed under). Reading the
routing rules and deadline policies: administrators, dispatchers and 营商办. Changing anything:
administrators (403 `permission_denied` otherwise); every change is audited.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Query, Schema, Status
from ninja.files import UploadedFile

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import STAFF_ROLES
from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict, FileRejected, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.xlsx import UPLOAD_REFUSALS
from bangban.org.models import Region, Unit

from . import config_actions as cfg
from .dispatch_clock import current_settings
from .models import Category, DeadlinePolicy, RoutingRule
from .routing import suggest_rule

router = Router(tags=["诉求办理配置"])

CATEGORY_ERRORS = [
    "category_duplicate", "category_too_deep", "name_required", "name_invalid", "too_long", "validation_error",
]  # fmt: skip
RULE_ERRORS = [
    "routing_rule_duplicate",
    "unknown_unit",
    "unknown_category",
    "unknown_region",
    "validation_error",
]
POLICY_ERRORS = ["out_of_range", "invalid_channel", "urgency_invalid", "too_long", "validation_error"]


# --- categories -------------------------------------------------------------------------------


class CategoryNode(Schema):
    id: int = Field(description="分类ID")
    code: str = Field(description="分类编码（01 / 0101 / 010101）")
    name: str = Field(description="名称")
    path: str = Field(description="完整名称（一级/二级/三级）")
    level: int = Field(description="层级 1–3")
    is_active: bool = Field(description="是否启用")
    children: list[CategoryNode] = Field(description="下级分类")


CategoryNode.model_rebuild()


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    path: str
    level: int
    parent_code: str | None
    sort: int
    is_active: bool


class CategoryIn(Schema):
    name: str = Field(description="名称（60字以内，不含“/”）")
    parent: str | None = Field(None, description="上级分类编码；不填为一级分类")
    sort: int | None = Field(None, description="排序号；不填排在同级最后")


class CategoryPatch(Schema):
    name: str | None = Field(None, description="新名称（下级分类的完整名称随之更新）")
    sort: int | None = Field(None, description="排序号")
    is_active: bool | None = Field(None, description="false 停用（下级一并停用），true 启用")


class ImportRowError(Schema):
    row: int = Field(description="Excel 行号")
    column: str = Field(description="列")
    value: str = Field(description="单元格内容")
    reason: str = Field(description="原因")


class RoutingImportOut(Schema):
    dry_run: bool = Field(description="true 仅校验，未写入")
    total_rows: int = Field(description="数据行数")
    invalid_rows: int = Field(description="有误行数（不导入）")
    new_count: int = Field(description="将新建（或已新建）的分类数")
    existing_count: int = Field(description="已存在的分类数")
    errors: list[ImportRowError] = Field(description="各行问题")


def _category_out(c: Category) -> dict[str, Any]:
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "path": c.path,
        "level": c.level,
        "parent_code": c.parent.code if c.parent_id and c.parent else None,
        "sort": c.sort,
        "is_active": c.is_active,
    }


def _category_by_code(code: str) -> Category:
    found = Category.objects.select_related("parent").filter(code=code).first()
    if found is None:
        raise NotFound("诉求分类不存在")
    return found


@router.get(
    "/categories",
    response=answers(list[CategoryNode]),
    summary="诉求分类目录（树）",
    description="include_inactive=true 时含已停用的分类（仅配置查看角色）。",
)
def list_categories(request: HttpRequest, include_inactive: bool = False) -> Any:
    return cfg.category_tree(include_inactive=include_inactive and cfg.can_view_config(request.user))


@router.post(
    "/categories",
    response=answers({201: CategoryOut}, CATEGORY_ERRORS),
    summary="新增诉求分类",
    description="编码由系统按上级分配。重名返回 400 category_duplicate；三级以下返回 category_too_deep。",
)
def create_category(request: AuthedHttpRequest, payload: CategoryIn) -> Any:
    parent_id = _category_by_code(payload.parent).pk if payload.parent else None
    category = cfg.do_create_category(
        acting_user=request.user, name=payload.name, parent_id=parent_id, sort=payload.sort
    )
    return Status(201, _category_out(_category_by_code(category.code)))


@router.post(
    "/categories/import",
    response=answers(RoutingImportOut, FileRejected, UPLOAD_REFUSALS, "import_invalid"),
    summary="从 Excel 导入诉求分类",
    description="multipart/form-data，字段 file：.xlsx，表头“一级分类、二级分类、三级分类”。按完整名称匹配，"
    "已存在的不变，重复导入不会重复新建；有误的行不导入并逐行说明。dry_run=true 只校验。",
)
def import_categories(request: AuthedHttpRequest, file: File[UploadedFile], dry_run: bool = False) -> Any:
    cfg.require_config_admin(request.user)
    checked = cfg.parse_category_workbook(file)
    new_count = checked.new_count
    if not dry_run:
        result = cfg.do_import_categories(acting_user=request.user, paths=checked.paths)
        new_count = result["created"]
    return {
        "dry_run": dry_run,
        "total_rows": checked.total_rows,
        "invalid_rows": checked.invalid_rows,
        "new_count": new_count,
        "existing_count": checked.existing_count,
        "errors": checked.errors,
    }


@router.patch(
    "/categories/{code}",
    response=answers(CategoryOut, CATEGORY_ERRORS),
    summary="修改、停用或启用诉求分类",
)
def update_category(request: AuthedHttpRequest, code: str, payload: CategoryPatch) -> Any:
    category = _category_by_code(code)
    changes = payload.dict(exclude_unset=True)
    cfg.do_update_category(acting_user=request.user, category_id=category.pk, **changes)
    return _category_out(_category_by_code(code))


@router.delete(
    "/categories/{code}",
    response=answers({204: None}, (409, "category_in_use")),
    summary="删除诉求分类",
    description="只能删除没有下级、诉求和派单规则的分类，否则返回 409 category_in_use（请改为停用）。",
)
def delete_category(request: AuthedHttpRequest, code: str) -> Any:
    cfg.require_config_admin(request.user)
    cfg.do_delete_category(acting_user=request.user, category_id=_category_by_code(code).pk)
    return Status(204, None)


# --- routing rules ----------------------------------------------------------------------------


class RoutingRuleOut(Schema):
    id: int
    category_code: str | None = Field(description="分类编码；空为任意分类")
    category_path: str | None
    region_code: str | None = Field(description="区划代码；空为任意区划")
    region_name: str | None
    unit_code: str = Field(description="责任单位编码")
    unit_name: str
    priority: int = Field(description="优先级（同等具体程度时大者优先）")
    is_active: bool
    note: str


class RoutingRuleIn(Schema):
    unit: str = Field(description="责任单位编码")
    category: str | None = Field(None, description="分类编码；不填为任意分类")
    region: str | None = Field(None, description="区划代码；不填为任意区划")
    priority: int = 0
    is_active: bool = True
    note: str = ""


class RoutingRulePatch(Schema):
    unit: str | None = None
    category: str | None = Field(None, description="分类编码；传空字符串表示任意分类")
    region: str | None = Field(None, description="区划代码；传空字符串表示任意区划")
    priority: int | None = None
    is_active: bool | None = None
    note: str | None = None


class RoutingRuleQuery(Schema):
    category: str | None = Field(None, description="分类编码（含其下级）")
    region: str | None = Field(None, description="区划代码")
    unit: str | None = Field(None, description="责任单位编码")


def _rule_out(r: RoutingRule) -> dict[str, Any]:
    return {
        "id": r.pk,
        "category_code": r.category.code if r.category else None,
        "category_path": r.category.path if r.category else None,
        "region_code": r.region.code if r.region else None,
        "region_name": r.region.name if r.region else None,
        "unit_code": r.unit.code,
        "unit_name": r.unit.name,
        "priority": r.priority,
        "is_active": r.is_active,
        "note": r.note,
    }


def routing_rules(params: dict[str, Any]) -> Any:
    """The rule list filtered by category code (and below), region code and unit code — shared by
    the settings page and the API."""
    qs = RoutingRule.objects.select_related("category", "region", "unit").order_by(
        "category__code", "region__path", "-priority", "id"
    )
    if params.get("category"):
        qs = qs.filter(category__code__startswith=params["category"])
    if params.get("region"):
        qs = qs.filter(region__code=params["region"])
    if params.get("unit"):
        qs = qs.filter(unit__code=params["unit"])
    return qs


def _ref_id(model: Any, field: str, value: str | None, label: str) -> int | None:
    if not value:
        return None
    found = model.objects.filter(**{field: value}).values_list("pk", flat=True).first()
    if found is None:
        message = f"{label}“{value}”不存在"
        raise ValidationFailed(
            message, code=f"unknown_{model._meta.model_name}", details={"fields": {label: message}}
        )
    return int(found)


@router.get(
    "/routing-rules",
    response=answers(list[RoutingRuleOut]),
    summary="派单规则列表",
)
def list_routing_rules(request: HttpRequest, query: Query[RoutingRuleQuery]) -> Any:
    cfg.require_config_viewer(request.user)
    return [_rule_out(r) for r in routing_rules(query.dict(exclude_none=True))]


@router.post(
    "/routing-rules",
    response=answers({201: RoutingRuleOut}, RULE_ERRORS),
    summary="新增派单规则",
    description="同一分类×区划只能有一条规则（400 routing_rule_duplicate）。",
)
def create_routing_rule(request: AuthedHttpRequest, payload: RoutingRuleIn) -> Any:
    cfg.require_config_admin(request.user)
    rule = cfg.do_create_routing_rule(
        acting_user=request.user,
        unit_id=_ref_id(Unit, "code", payload.unit, "单位") or 0,
        category_id=_ref_id(Category, "code", payload.category, "分类"),
        region_id=_ref_id(Region, "code", payload.region, "区划"),
        priority=payload.priority,
        is_active=payload.is_active,
        note=payload.note,
    )
    return Status(201, _rule_out(routing_rules({}).get(pk=rule.pk)))


@router.patch(
    "/routing-rules/{int:rule_id}",
    response=answers(RoutingRuleOut, RULE_ERRORS),
    summary="修改派单规则",
)
def update_routing_rule(request: AuthedHttpRequest, rule_id: int, payload: RoutingRulePatch) -> Any:
    cfg.require_config_admin(request.user)
    changes = payload.dict(exclude_unset=True)
    kwargs: dict[str, Any] = {}
    if "unit" in changes:
        kwargs["unit_id"] = _ref_id(Unit, "code", changes["unit"], "单位") or 0
    if "category" in changes:
        kwargs["category_id"] = _ref_id(Category, "code", changes["category"], "分类")
    if "region" in changes:
        kwargs["region_id"] = _ref_id(Region, "code", changes["region"], "区划")
    for name in ("priority", "is_active", "note"):
        if name in changes and changes[name] is not None:
            kwargs[name] = changes[name]
    cfg.do_update_routing_rule(acting_user=request.user, rule_id=rule_id, **kwargs)
    return _rule_out(routing_rules({}).get(pk=rule_id))


@router.delete(
    "/routing-rules/{int:rule_id}",
    response=answers({204: None}),
    summary="删除派单规则",
)
def delete_routing_rule(request: AuthedHttpRequest, rule_id: int) -> Any:
    cfg.do_delete_routing_rule(acting_user=request.user, rule_id=rule_id)
    return Status(204, None)


class SuggestOut(Schema):
    unit_code: str | None = Field(description="建议的责任单位编码；没有匹配的规则时为空")
    unit_name: str | None
    rule_id: int | None = Field(description="命中的规则")


@router.get(
    "/suggest-unit",
    response=answers(SuggestOut, "unknown_category", "unknown_region"),
    summary="按分类和区划建议责任单位",
    description="最具体的启用规则胜出：分类越细越优先，其次区划越细越优先，再按优先级。",
)
def suggest(request: HttpRequest, category: str = "", region: str = "") -> Any:
    if not has_any_role(request.user, STAFF_ROLES):
        raise NotFound()
    cat = (
        Category.objects.select_related("parent__parent").filter(code=category).first() if category else None
    )
    if category and cat is None:
        raise ValidationFailed(f"诉求分类“{category}”不存在", code="unknown_category")
    reg = Region.objects.filter(code=region).first() if region else None
    if region and reg is None:
        raise ValidationFailed(f"区划“{region}”不存在", code="unknown_region")
    rule = suggest_rule(cat, reg)
    if rule is None:
        return {"unit_code": None, "unit_name": None, "rule_id": None}
    return {"unit_code": rule.unit.code, "unit_name": rule.unit.name, "rule_id": rule.pk}


# --- deadline policies ------------------------------------------------------------------------


class DeadlinePolicyOut(Schema):
    id: int
    channel: str = Field(description="渠道代码")
    channel_label: str
    urgency: str = Field(description="urgent / general / complex")
    urgency_label: str
    workdays: int = Field(description="办理时限（工作日），0 为即办")
    warn_workdays: int = Field(description="提前几个工作日临期提醒")
    max_extensions: int = Field(description="最多延期次数")
    note: str


class DeadlinePolicyIn(Schema):
    channel: str
    urgency: str
    workdays: int = Field(description="0–60")
    warn_workdays: int = Field(1, description="0–10")
    max_extensions: int = Field(1, description="0–5")
    note: str | None = None


class DeadlinePolicyPatch(Schema):
    workdays: int | None = None
    warn_workdays: int | None = None
    max_extensions: int | None = None
    note: str | None = None


def _policy_out(p: DeadlinePolicy) -> dict[str, Any]:
    return {
        "id": p.pk,
        "channel": p.channel,
        "channel_label": p.get_channel_display(),
        "urgency": p.urgency,
        "urgency_label": p.get_urgency_display(),
        "workdays": p.workdays,
        "warn_workdays": p.warn_workdays,
        "max_extensions": p.max_extensions,
        "note": p.note,
    }


@router.get("/deadline-policies", response=answers(list[DeadlinePolicyOut]), summary="办理时限规则")
def list_deadline_policies(request: HttpRequest) -> Any:
    cfg.require_config_viewer(request.user)
    return [_policy_out(p) for p in DeadlinePolicy.objects.all()]


@router.post(
    "/deadline-policies",
    response=answers(DeadlinePolicyOut, POLICY_ERRORS),
    summary="设置办理时限规则（渠道×紧急程度，有则修改）",
)
def set_deadline_policy(request: AuthedHttpRequest, payload: DeadlinePolicyIn) -> Any:
    policy = cfg.do_set_deadline_policy(acting_user=request.user, **payload.dict())
    return _policy_out(policy)


@router.patch(
    "/deadline-policies/{int:policy_id}",
    response=answers(DeadlinePolicyOut, POLICY_ERRORS),
    summary="修改办理时限规则",
)
def update_deadline_policy(request: AuthedHttpRequest, policy_id: int, payload: DeadlinePolicyPatch) -> Any:
    cfg.require_config_admin(request.user)
    policy = DeadlinePolicy.objects.filter(pk=policy_id).first()
    if policy is None:
        raise NotFound()
    changes = payload.dict(exclude_unset=True)
    policy = cfg.do_set_deadline_policy(
        acting_user=request.user,
        channel=policy.channel,
        urgency=policy.urgency,
        workdays=changes.get("workdays", policy.workdays),
        warn_workdays=changes.get("warn_workdays", policy.warn_workdays),
        max_extensions=changes.get("max_extensions", policy.max_extensions),
        note=changes.get("note"),
    )
    return _policy_out(policy)


@router.delete(
    "/deadline-policies/{int:policy_id}",
    response=answers({204: None}),
    summary="删除办理时限规则",
    description="删除后该渠道×紧急程度的诉求在派单时返回 deadline_rule_missing，直至重新设置。",
)
def delete_deadline_policy(request: AuthedHttpRequest, policy_id: int) -> Any:
    cfg.do_delete_deadline_policy(acting_user=request.user, policy_id=policy_id)
    return Status(204, None)


# --- the dispatch clock (派单时限) ---------------------------------------------------------------


class DispatchClockSettingsOut(Schema):
    dispatch_workdays: int = Field(description="派单时限：受理后几个工作日内派单（受理当日不计，0 为当日）")
    review_workdays: int = Field(description="市长直通车审核时限：受理后几个工作日内完成审核签批并交办")
    warn_workdays: int = Field(description="提前几个工作日临期提醒")
    version: int = Field(description="版本号；修改时原样提交，他人已修改时返回 409 conflict")
    can_edit: bool = Field(description="当前用户能否修改（系统管理员、营商办）")


class DispatchClockSettingsIn(Schema):
    dispatch_workdays: int = Field(description="0–60 个工作日")
    review_workdays: int = Field(description="0–60 个工作日")
    warn_workdays: int = Field(1, description="0–10 个工作日")
    version: int | None = Field(None, description="读取时的版本号（可选）")


def _clock_out(row: Any, user: Any) -> dict[str, Any]:
    return {
        "dispatch_workdays": row.dispatch_workdays,
        "review_workdays": row.review_workdays,
        "warn_workdays": row.warn_workdays,
        "version": row.version,
        "can_edit": cfg.can_manage_dispatch_clock(user),
    }


@router.get(
    "/dispatch-clock",
    response=answers(DispatchClockSettingsOut),
    summary="派单时限设置",
    description="待派单诉求（受理至首次派单）和市长直通车诉求（受理至审核签批后交办）的时限，按工作日计算。"
    "修改只对此后受理的诉求生效。",
)
def get_dispatch_clock(request: HttpRequest) -> Any:
    if not (cfg.can_view_config(request.user) or cfg.can_manage_dispatch_clock(request.user)):
        raise NotFound()
    return _clock_out(current_settings(), request.user)


@router.put(
    "/dispatch-clock",
    response=answers(DispatchClockSettingsOut, "out_of_range", Conflict),
    summary="修改派单时限",
    description="系统管理员或营商办。数值超出范围（负数或超过 60 个工作日）返回 400 out_of_range，不保存任何改动。",
)
def set_dispatch_clock(request: AuthedHttpRequest, payload: DispatchClockSettingsIn) -> Any:
    row = cfg.do_set_dispatch_clock(
        acting_user=request.user,
        dispatch_workdays=payload.dispatch_workdays,
        review_workdays=payload.review_workdays,
        warn_workdays=payload.warn_workdays,
        expected_version=payload.version,
    )
    return _clock_out(row, request.user)
