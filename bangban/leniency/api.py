"""`/api/v1/leniency`: the 免罚轻罚清单 in force, the 首违不罚 decision aid (a dry run that proposes
without recording), the register of decisions with 司法局's review, and the monthly figures — the
same actions and scope as the pages. Out of scope → 404 `not_found`; a broken rule → 400 with its
code (e.g. `facts_required`, `deviation_reason_required`); a second review → 409."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict, InvalidTransition, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from . import actions, queries
from .access import access_decision, is_staff_member, sees_decisions
from .models import CatalogueItem, Decision
from .rules import RULES, Proposal

router = Router(tags=["免罚轻罚清单与首违不罚"])

CASE_ERRORS = [
    "item_required", "item_not_found", "enterprise_required", "enterprise_not_found", "case_date_required",
    "invalid_case_date", "case_date_in_future", "facts_required", "narrative_required", "narrative_too_long",
]  # fmt: skip
DECISION_ERRORS = [*CASE_ERRORS, "outcome_required", "invalid_outcome", "deviation_reason_required"]
REVIEW_ERRORS = [
    "invalid_verdict",
    "review_note_required",
    Conflict,
    InvalidTransition,
    (409, "already_reviewed"),
]


class LeniencyItemOut(Schema):
    id: int = Field(description="事项ID（决定时引用）")
    code: str = Field(description="编号")
    revision: int = Field(description="修订版次")
    field: str = Field(description="领域")
    behaviour: str = Field(description="违法行为")
    violated_basis: str = Field(description="违法依据")
    penalty_basis: str = Field(description="处罚依据")
    conditions: str = Field(description="适用情形")
    discretion: str = Field(description="裁量：no_penalty 不予处罚 / reduced 减轻处罚 / lighter 从轻处罚")
    unit_id: int = Field(description="所属单位ID")
    unit_name: str = Field(description="所属单位")


class LeniencyCatalogueQuery(PageQuery):
    field: str | None = Field(None, description="领域")
    discretion: str | None = Field(None, description="裁量")
    unit: str | None = Field(None, description="所属单位ID")
    q: str | None = Field(None, description="编号、违法行为或适用情形包含的文字")


class LeniencyFactsIn(Schema):
    first_offence: bool | None = Field(None, description="是否初次违法（执法人员掌握）")
    minor: bool | None = Field(None, description="违法情节是否轻微")
    intentional: bool | None = Field(None, description="是否存在主观故意")
    harmful: bool | None = Field(None, description="是否造成危害后果")
    corrected: bool | None = Field(None, description="是否及时改正")
    harm_removed: bool | None = Field(None, description="是否主动消除或者减轻危害后果")
    new_economy: bool | None = Field(None, description="是否属于新技术新产业新业态新模式领域")
    safety_line: bool | None = Field(None, description="是否触碰质量安全底线")


class LeniencyCaseIn(Schema):
    enterprise_id: int = Field(description="企业ID")
    item_id: int = Field(description="清单事项ID")
    case_date: dt.date = Field(description="违法行为发现日期（“近两年”从此日往前算）")
    facts: LeniencyFactsIn = Field(
        description="案件事实：每项须回答 true 或 false，缺一项 400 facts_required"
    )
    narrative: str = Field(description="案情简述")


class LeniencyDecisionIn(LeniencyCaseIn):
    outcome: str = Field(description="决定：no_penalty / reduced / lighter / penalty")
    reason: str = Field("", description="决定理由（与系统建议不一致时必填）")


class LeniencyProposalOut(Schema):
    outcome: str = Field(
        description="建议：no_penalty 不予处罚 / reduced 减轻处罚 / lighter 从轻处罚 / penalty 依法处罚"
    )
    outcome_label: str = Field(description="建议（中文）")
    rule: str = Field(description="适用规则：safety_line / first_offence / prudent / mitigated / default")
    rule_name: str = Field(description="规则名称")
    reasons: list[str] = Field(description="理由")
    basis: list[str] = Field(description="法律依据（违法依据、处罚依据、适用规则）")
    prior_count: int = Field(description="本企业近两年违法记录条数")
    history_since: dt.date = Field(description="近两年的起算日")


class LeniencyDecisionOut(Schema):
    id: int = Field(description="决定ID")
    number: str = Field(description="决定编号")
    enterprise_id: int = Field(description="企业ID")
    enterprise_name: str = Field(description="企业名称")
    item_id: int = Field(description="清单事项ID（决定时的版次）")
    item_code: str = Field(description="清单事项编号")
    unit_id: int = Field(description="执法单位ID")
    unit_name: str = Field(description="执法单位")
    case_date: dt.date = Field(description="违法行为发现日期")
    facts: dict[str, bool] = Field(description="案件事实")
    narrative: str = Field(description="案情简述")
    prior_count: int = Field(description="近两年违法记录条数")
    proposal: str = Field(description="系统建议")
    proposal_rule: str = Field(description="适用规则")
    proposal_reasons: list[str] = Field(description="建议理由与法律依据")
    outcome: str = Field(description="决定")
    deviated: bool = Field(description="是否偏离系统建议")
    reason: str = Field(description="决定理由")
    decided_by: str = Field(description="决定人")
    decided_at: dt.datetime = Field(description="决定时间")
    status: str = Field(description="审查状态：decided 已决定 / approved 审查通过 / corrected 审查纠正")
    review_note: str = Field(description="审查意见")
    version: int = Field(description="版本号；审查时原样提交")


class LeniencyDecisionQuery(PageQuery):
    month: str | None = Field(None, description="决定月份，如 2026-11")
    outcome: str | None = Field(None, description="决定")
    status: str | None = Field(None, description="审查状态")
    deviated: str | None = Field(None, description="1：仅偏离建议的")
    unit: str | None = Field(None, description="执法单位ID")
    q: str | None = Field(None, description="决定编号、企业名称或违法行为包含的文字")


class LeniencyReviewIn(Schema):
    verdict: str = Field(description="approve 审查通过 / correct 审查纠正")
    note: str = Field("", description="审查意见（纠正时必填）")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class LeniencyFigureOut(Schema):
    unit_id: int = Field(description="单位ID")
    unit_name: str = Field(description="单位")
    decisions: int = Field(description="决定数")
    no_penalty: int = Field(description="不予处罚")
    reduced: int = Field(description="减轻处罚")
    lighter: int = Field(description="从轻处罚")
    penalty: int = Field(description="依法处罚")
    deviations: int = Field(description="偏离建议")
    corrected: int = Field(description="审查纠正")


def item_out(i: CatalogueItem) -> dict[str, Any]:
    return {
        "id": i.pk, "code": i.code, "revision": i.revision, "field": i.field, "behaviour": i.behaviour,
        "violated_basis": i.violated_basis, "penalty_basis": i.penalty_basis, "conditions": i.conditions,
        "discretion": i.discretion, "unit_id": i.unit_id, "unit_name": i.unit.name,
    }  # fmt: skip


def decision_out(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk, "number": d.number, "enterprise_id": d.enterprise_id, "enterprise_name": d.enterprise.name,
        "item_id": d.item_id, "item_code": d.item.code, "unit_id": d.unit_id, "unit_name": d.unit.name,
        "case_date": d.case_date, "facts": d.facts, "narrative": d.narrative, "prior_count": d.prior_count,
        "proposal": d.proposal, "proposal_rule": d.proposal_rule, "proposal_reasons": d.proposal_reasons,
        "outcome": d.outcome, "deviated": d.deviated, "reason": d.reason, "decided_by": d.decided_by.display_name,
        "decided_at": d.decided_at, "status": d.status, "review_note": d.review_note, "version": d.version,
    }  # fmt: skip


def _case(payload: LeniencyCaseIn, **extra: Any) -> actions.DecisionInput:
    return actions.DecisionInput(
        enterprise_id=payload.enterprise_id,
        item_id=payload.item_id,
        case_date=payload.case_date,
        facts=payload.facts.dict(),
        narrative=payload.narrative,
        **extra,
    )


@router.get(
    "/catalogue", response=answers(Page[LeniencyItemOut], "invalid_discretion"), summary="现行免罚轻罚清单"
)
def list_catalogue(request: HttpRequest, query: Query[LeniencyCatalogueQuery]) -> Any:
    if not is_staff_member(request.user):
        raise NotFound()
    params = {k: v for k, v in query.dict(exclude={"page", "size"}).items() if v is not None}
    return page_body(queries.catalogue(params), query, out=item_out)


@router.post(
    "/propose",
    response=answers(LeniencyProposalOut, CASE_ERRORS),
    summary="首违不罚辅助决定：生成建议（不记录）",
    description="执法人员提交案件事实，系统查询本企业近两年的违法记录并给出建议及法律依据。规则见 docs/leniency.md。",
)
def propose(request: AuthedHttpRequest, payload: LeniencyCaseIn) -> Any:
    prepared = actions.prepare_decision(acting_user=request.user, data=_case(payload), now=timezone.now())
    proposal: Proposal = prepared.proposal
    return {
        "outcome": proposal.outcome,
        "outcome_label": proposal.outcome_label,
        "rule": proposal.rule,
        "rule_name": RULES[proposal.rule][0],
        "reasons": proposal.reasons,
        "basis": proposal.basis,
        "prior_count": prepared.history.count,
        "history_since": prepared.history.since,
    }


@router.get(
    "/decisions",
    response=answers(Page[LeniencyDecisionOut], "invalid_month", "invalid_outcome", "invalid_status"),
    summary="免罚轻罚决定",
)
def list_decisions(request: HttpRequest, query: Query[LeniencyDecisionQuery]) -> Any:
    params = {k: v for k, v in query.dict(exclude={"page", "size"}).items() if v is not None}
    return page_body(queries.decision_list(request.user, params), query, out=decision_out)


@router.post(
    "/decisions",
    response=answers({201: LeniencyDecisionOut}, DECISION_ERRORS),
    summary="记录免罚轻罚决定（执法人员）",
    description="系统重新计算建议；决定与建议不一致时须填 reason，否则 400 deviation_reason_required。",
)
def create_decision(request: AuthedHttpRequest, payload: LeniencyDecisionIn) -> Any:
    decision = actions.do_record_decision(
        acting_user=request.user,
        data=_case(payload, outcome=payload.outcome, reason=payload.reason),
        now=timezone.now(),
    )
    return Status(201, decision_out(access_decision(request.user, decision.pk)))


@router.get("/decisions/{decision_id}", response=answers(LeniencyDecisionOut), summary="免罚轻罚决定详情")
def get_decision(request: HttpRequest, decision_id: int) -> Any:
    return decision_out(access_decision(request.user, decision_id))


@router.post(
    "/decisions/{decision_id}/review",
    response=answers(LeniencyDecisionOut, REVIEW_ERRORS),
    summary="司法局审查决定：审查通过或审查纠正",
)
def review_decision(request: AuthedHttpRequest, decision_id: int, payload: LeniencyReviewIn) -> Any:
    decision = actions.do_review_decision(
        acting_user=request.user,
        decision_id=decision_id,
        verdict=payload.verdict,
        note=payload.note,
        version=payload.version,
        now=timezone.now(),
    )
    return decision_out(access_decision(request.user, decision.pk))


@router.get(
    "/figures",
    response=answers(list[LeniencyFigureOut], "invalid_month"),
    summary="月度统计（按单位；不指定月份为本月）",
)
def figures(request: HttpRequest, month: str = "") -> Any:
    if not sees_decisions(request.user):
        raise NotFound()
    span = queries.month_param({"month": month}) or queries.MonthSpan.of(timezone.localdate())
    return [
        {"unit_id": r.unit.pk, "unit_name": r.unit.name, **{f: getattr(r, f) for f in queries.FIGURE_FIELDS}}
        for r in queries.unit_figures(request.user, span)
    ]
