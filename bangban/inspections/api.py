"""`/api/v1/inspections`: 双随机、一公开 — plans, the draw (seed recorded, 复核, 公示), the visits and
their results, the public results, and the registers (credit tiers, qualifications, declared
links). The same actions and scope as the pages. Out of scope → 404 `not_found`; a broken rule →
400 with the rule's code (e.g. `items_required`, `invalid_ratio`); a draw after 公示 → 409
`draw_published`; a drawer linked to a drawn-from enterprise → 409 `drawer_recused`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from . import actions, queries
from .access import access_plan, access_visit, can_read, is_inspector, visible_visits
from .draw import TIER_ORDER
from .models import Plan, Visit
from .verify import verify_draw

router = Router(tags=["双随机、一公开"])

PLAN_ERRORS = [
    *("title_required", "title_too_long", "items_required", "items_too_long", "lead_unit_required",
      "unit_not_found", "duplicate_unit", "units_required", "too_many_units", "region_not_found",
      "invalid_industry", "invalid_ratio", "ratios_all_zero", "invalid_team_size", "team_size_too_small",
      "starts_on_required", "invalid_starts_on", "ends_on_required", "invalid_ends_on", "period_reversed",
      "period_too_long", "starts_on_out_of_range"),
]  # fmt: skip
DRAW_ERRORS = [
    *("no_targets", "not_enough_inspectors", "team_unavailable"),
    Conflict,
    (409, "draw_published"),
    (409, "drawer_recused"),
]
RESULT_ERRORS = [
    *("result_required", "invalid_result", "note_required", "note_too_long", "visited_on_required",
      "invalid_visited_on", "visited_in_future", "visited_outside_period"),
    Conflict,
    (409, "draw_not_announced"),
    (409, "result_published"),
]  # fmt: skip


class InspectionUnitIn(Schema):
    unit_id: int = Field(description="参加单位ID")
    items: str = Field("", description="该单位的检查事项（不填为共同检查事项）")


class InspectionPlanIn(Schema):
    title: str = Field(description="计划名称")
    lead_unit_id: int | None = Field(None, description="牵头单位ID（营商办、管理员必填；单位负责人为本单位）")
    items: str = Field(description="牵头单位的检查事项")
    units: list[InspectionUnitIn] = Field(description="参加单位（至少一个，不含牵头单位）")
    region: str = Field("", description="抽查区域的行政区划代码（不填为全市）")
    industry: str = Field("", description="行业门类（不填为全部）")
    ratio_a: float = Field(description="A 级企业抽查比例（%，0–100）")
    ratio_b: float = Field(description="B 级企业抽查比例（%，0–100；未设置等级的企业为 B 级）")
    ratio_c: float = Field(description="C 级企业抽查比例（%，0–100）")
    ratio_d: float = Field(description="D 级企业抽查比例（%，0–100）")
    team_size: int = Field(2, description="每个单位每组执法人员数（2–10）")
    starts_on: dt.date = Field(description="检查开始日期")
    ends_on: dt.date = Field(description="检查截止日期")


class InspectionPlanUnitOut(Schema):
    unit_id: int
    unit_name: str
    items: str


class InspectionPlanOut(Schema):
    id: int = Field(description="计划ID")
    number: str = Field(description="计划编号，如 SSJ-2026-0001")
    title: str
    lead_unit_id: int
    lead_unit_name: str
    units: list[InspectionPlanUnitOut] = Field(description="参加单位（含牵头单位）及检查事项")
    region: str = Field(description="抽查区域代码（空为全市）")
    industry: str
    ratios: dict[str, float] = Field(description="各信用等级抽查比例（%）")
    team_size: int
    starts_on: dt.date
    ends_on: dt.date
    status: str = Field(
        description="draft 草拟 / drawn 已抽取 / announced 已公示抽取结果 / closed 已公开检查结果"
    )
    seed: str = Field(description="随机种子（抽取后）")
    snapshot_digest: str = Field(description="名录快照 SHA-256")
    target_count: int
    inspector_count: int
    recused_count: int = Field(description="因回避跳过的人次")
    visit_count: int
    drawn_at: dt.datetime | None
    announced_at: dt.datetime | None
    version: int = Field(description="版本号；抽取、公示时原样提交")


class InspectionPlanQuery(PageQuery):
    status: str | None = Field(None, description="状态")
    q: str | None = Field(None, description="名称、编号或牵头单位包含的文字")


class InspectionVersionIn(Schema):
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class InspectionMemberOut(Schema):
    unit_id: int
    unit_name: str
    inspector_id: int
    inspector_name: str


class InspectionVisitOut(Schema):
    id: int = Field(description="检查任务ID")
    task_number: str = Field(description="任务编号（入企登记时填写）")
    plan_id: int
    plan_number: str
    enterprise_id: int
    enterprise_name: str
    tier: str = Field(description="信用等级")
    team: list[InspectionMemberOut] = Field(description="检查组（每个参加单位一组）")
    result: str = Field(description="pending 待检查 / no_issue 未发现问题 / rectify 责令整改 / case 立案查处")
    note: str
    visited_on: dt.date | None
    state: str = Field(description="pending 待录入 / recorded 已录入 / published 已公开")
    publish_due: dt.date = Field(description="结果公开期限（检查后 20 个工作日）")
    overdue: bool = Field(description="是否已逾期未公开")
    published_at: dt.datetime | None
    version: int


class InspectionVisitQuery(PageQuery):
    result: str | None = Field(None, description="检查结果")
    state: str | None = Field(None, description="公开状态")
    q: str | None = Field(None, description="企业名称或任务编号包含的文字")


class InspectionVisitListQuery(InspectionVisitQuery):
    plan: int | None = Field(None, description="计划ID")


class InspectionResultIn(Schema):
    result: str = Field(description="no_issue 未发现问题 / rectify 责令整改 / case 立案查处")
    note: str = Field("", description="发现的问题及处理（责令整改、立案查处必填）")
    visited_on: dt.date = Field(description="检查日期（计划检查期限内，不晚于今天）")
    version: int | None = Field(None, description="读取时的版本号（可选）")


class InspectionVerifyOut(Schema):
    matches: bool = Field(description="按种子和快照重新计算的结果与保存的是否一致")
    digest_matches: bool
    recomputed: int
    stored: int
    differing: list[str]


class InspectionCountOut(Schema):
    count: int


class InspectionTierIn(Schema):
    tier: str = Field(description="A / B / C / D")


class InspectionTierOut(Schema):
    enterprise_id: int
    tier: str


class InspectionTierImportIn(Schema):
    lines: str = Field(description="每行“统一社会信用代码 等级”")


class InspectionQualificationIn(Schema):
    inspector_id: int
    certificate: str = Field(description="执法证号")
    fields: str = Field("", description="检查领域")


class InspectionQualificationOut(Schema):
    inspector_id: int
    certificate: str
    fields: str


class InspectionLinkIn(Schema):
    inspector_id: int
    enterprise_id: int
    kind: str = Field(description="relative 亲属 / former 曾任职 / shares 持股 / other 其他")
    note: str = ""


class InspectionLinkOut(Schema):
    id: int
    inspector_id: int
    enterprise_id: int
    kind: str
    note: str


def plan_out(p: Plan) -> dict[str, Any]:
    return {
        "id": p.pk,
        "number": p.number,
        "title": p.title,
        "lead_unit_id": p.lead_unit_id,
        "lead_unit_name": p.lead_unit.name,
        "units": [
            {"unit_id": u.unit_id, "unit_name": u.unit.name, "items": u.items}
            for u in p.plan_units.select_related("unit")
        ],
        "region": p.region.code if p.region_id and p.region else "",
        "industry": p.industry,
        "ratios": p.ratios(),
        "team_size": p.team_size,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "status": p.status,
        "seed": p.seed,
        "snapshot_digest": p.snapshot_digest,
        "target_count": p.target_count,
        "inspector_count": p.inspector_count,
        "recused_count": p.recused_count,
        "visit_count": p.visits.count(),
        "drawn_at": p.drawn_at,
        "announced_at": p.announced_at,
        "version": p.version,
    }


def visit_out(v: Visit) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": v.pk,
        "task_number": v.task_number,
        "plan_id": v.plan_id,
        "plan_number": v.plan.number,
        "enterprise_id": v.enterprise_id,
        "enterprise_name": v.enterprise.name,
        "tier": v.tier,
        "team": [
            {
                "unit_id": m.unit_id,
                "unit_name": m.unit.name,
                "inspector_id": m.inspector_id,
                "inspector_name": m.inspector.display_name,
            }
            for m in v.team_members
        ],
        "result": v.result,
        "note": v.note,
        "visited_on": v.visited_on,
        "state": v.state,
        "publish_due": queries.publish_due(v),
        "overdue": queries.is_overdue(v, today),
        "published_at": v.published_at,
        "version": v.version,
    }


def _params(query: Schema) -> dict[str, Any]:
    return {k: v for k, v in query.dict(exclude={"page", "size"}).items() if v is not None}


@router.get("/plans", response=answers(Page[InspectionPlanOut], "invalid_status"), summary="抽查计划")
def list_plans(request: AuthedHttpRequest, query: Query[InspectionPlanQuery]) -> Any:
    return page_body(queries.plan_list(request.user, _params(query)), query, out=plan_out)


@router.post(
    "/plans",
    response=answers({201: InspectionPlanOut}, PLAN_ERRORS),
    summary="制定抽查计划（单位负责人、营商办）",
    description="没有检查事项 400 items_required，没有参加单位 400 units_required，比例超出 0–100% "
    "400 invalid_ratio，每组少于 2 人 400 team_size_too_small。",
)
def create_plan(request: AuthedHttpRequest, payload: InspectionPlanIn) -> Any:
    plan = actions.do_create_plan(
        acting_user=request.user,
        data=actions.PlanInput(
            title=payload.title,
            lead_unit_id=payload.lead_unit_id,
            items=payload.items,
            joining=[u.dict() for u in payload.units],
            region=payload.region,
            industry=payload.industry,
            ratios={t: getattr(payload, f"ratio_{t.lower()}") for t in TIER_ORDER},
            team_size=payload.team_size,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
        ),
        now=timezone.now(),
    )
    return Status(201, plan_out(access_plan(request.user, plan.pk)))


@router.get("/plans/{plan_id}", response=answers(InspectionPlanOut), summary="抽查计划详情")
def get_plan(request: AuthedHttpRequest, plan_id: int) -> Any:
    return plan_out(access_plan(request.user, plan_id))


@router.post(
    "/plans/{plan_id}/draw",
    response=answers(InspectionPlanOut, DRAW_ERRORS),
    summary="双随机抽取（公示前可重新抽取）",
    description="生成并记录随机种子，按信用等级比例抽取企业、为每家企业组成联合检查组（回避关联人员）。"
    "公示后再抽取 409 draw_published；抽取人与范围内企业有关联 409 drawer_recused。",
)
def draw_plan(request: AuthedHttpRequest, plan_id: int, payload: InspectionVersionIn) -> Any:
    plan = actions.do_draw_plan(
        acting_user=request.user, plan_id=plan_id, version=payload.version, now=timezone.now()
    )
    return plan_out(access_plan(request.user, plan.pk))


@router.post(
    "/plans/{plan_id}/announce",
    response=answers(InspectionPlanOut, Conflict, (409, "not_drawn")),
    summary="公示抽取结果（此后不能重新抽取）",
)
def announce_plan(request: AuthedHttpRequest, plan_id: int, payload: InspectionVersionIn) -> Any:
    plan = actions.do_announce_draw(
        acting_user=request.user, plan_id=plan_id, version=payload.version, now=timezone.now()
    )
    return plan_out(access_plan(request.user, plan.pk))


@router.get("/plans/{plan_id}/verify", response=answers(InspectionVerifyOut), summary="复核抽取结果")
def verify_plan(request: AuthedHttpRequest, plan_id: int) -> Any:
    check = verify_draw(access_plan(request.user, plan_id))
    return {**check.__dict__, "differing": list(check.differing)}


@router.get(
    "/visits",
    response=answers(Page[InspectionVisitOut], "invalid_result", "invalid_state"),
    summary="检查任务（plan=计划ID 时为该计划的全部任务）",
    description="调用者可见的检查任务：营商办、作风办、审计员为全部；单位负责人为本单位牵头或参加的；"
    "执法人员为本人所在检查组的。",
)
def list_visits(request: AuthedHttpRequest, query: Query[InspectionVisitListQuery]) -> Any:
    params = _params(query)
    qs = visible_visits(request.user).order_by("task_number")
    if query.plan is not None:
        qs = qs.filter(plan_id=query.plan)
    return page_body(queries.visit_list(qs, params), query, out=visit_out)


@router.post(
    "/plans/{plan_id}/publish-results",
    response=answers(InspectionCountOut, Conflict, (409, "draw_not_announced"), (409, "nothing_to_publish")),
    summary="公开已录入的检查结果",
)
def publish_results(request: AuthedHttpRequest, plan_id: int, payload: InspectionVersionIn) -> Any:
    count = actions.do_publish_results(
        acting_user=request.user, plan_id=plan_id, version=payload.version, now=timezone.now()
    )
    return {"count": count}


@router.get(
    "/tasks",
    response=answers(Page[InspectionVisitOut], "invalid_result", "invalid_state"),
    summary="我的检查任务",
)
def my_tasks(request: AuthedHttpRequest, query: Query[InspectionVisitQuery]) -> Any:
    if not is_inspector(request.user):
        return page_body(Visit.objects.none(), query, out=visit_out)
    return page_body(queries.my_visits(request.user, _params(query)), query, out=visit_out)


@router.get("/visits/{visit_id}", response=answers(InspectionVisitOut), summary="检查任务详情")
def get_visit(request: AuthedHttpRequest, visit_id: int) -> Any:
    return visit_out(access_visit(request.user, visit_id))


@router.post(
    "/visits/{visit_id}/result",
    response=answers(InspectionVisitOut, RESULT_ERRORS),
    summary="录入检查结果（检查组）",
)
def record_result(request: AuthedHttpRequest, visit_id: int, payload: InspectionResultIn) -> Any:
    visit = actions.do_record_result(
        acting_user=request.user,
        visit_id=visit_id,
        result=payload.result,
        note=payload.note,
        visited_on=payload.visited_on,
        version=payload.version,
        now=timezone.now(),
    )
    return visit_out(access_visit(request.user, visit.pk))


@router.get(
    "/public/results",
    response=answers(Page[InspectionVisitOut], "invalid_result", "invalid_state"),
    summary="公开的检查结果",
)
def public_results(request: AuthedHttpRequest, query: Query[InspectionVisitQuery]) -> Any:
    if not can_read(request.user):
        raise NotFound()
    return page_body(queries.public_results(_params(query)), query, out=visit_out)


@router.post(
    "/tiers/import",
    response=answers(
        InspectionCountOut, "invalid_tier_line", "lines_required", "too_many_lines", "enterprise_not_found"
    ),
    summary="批量导入企业信用等级",
)
def import_tiers(request: AuthedHttpRequest, payload: InspectionTierImportIn) -> Any:
    return {
        "count": actions.do_import_tiers(acting_user=request.user, lines=payload.lines, now=timezone.now())
    }


@router.put(
    "/tiers/{int:enterprise_id}",
    response=answers(InspectionTierOut, "invalid_tier"),
    summary="设置企业信用等级",
)
def set_tier(request: AuthedHttpRequest, enterprise_id: int, payload: InspectionTierIn) -> Any:
    row = actions.do_set_tier(
        acting_user=request.user, enterprise_id=enterprise_id, tier=payload.tier, now=timezone.now()
    )
    return {"enterprise_id": row.enterprise_id, "tier": row.tier}


@router.post(
    "/qualifications",
    response=answers(
        InspectionQualificationOut, "inspector_not_found", "certificate_required", "certificate_too_long"
    ),
    summary="登记执法资格",
)
def save_qualification(request: AuthedHttpRequest, payload: InspectionQualificationIn) -> Any:
    row = actions.do_save_qualification(
        acting_user=request.user,
        inspector_id=payload.inspector_id,
        certificate=payload.certificate,
        fields=payload.fields,
        now=timezone.now(),
    )
    return {"inspector_id": row.inspector_id, "certificate": row.certificate, "fields": row.fields}


@router.post(
    "/links",
    response=answers(
        {201: InspectionLinkOut},
        "inspector_not_found",
        "invalid_kind",
        "enterprise_not_found",
        (409, "link_exists"),
    ),
    summary="申报回避关联",
)
def declare_link(request: AuthedHttpRequest, payload: InspectionLinkIn) -> Any:
    link = actions.do_declare_link(
        acting_user=request.user,
        inspector_id=payload.inspector_id,
        enterprise_id=payload.enterprise_id,
        kind=payload.kind,
        note=payload.note,
        now=timezone.now(),
    )
    body = {"id": link.pk, "inspector_id": link.inspector_id, "enterprise_id": link.enterprise_id,
            "kind": link.kind, "note": link.note}  # fmt: skip
    return Status(201, body)


@router.delete("/links/{link_id}", response=answers({204: None}), summary="撤销回避关联")
def remove_link(request: AuthedHttpRequest, link_id: int) -> Any:
    actions.do_remove_link(acting_user=request.user, link_id=link_id, now=timezone.now())
    return Status(204, None)
