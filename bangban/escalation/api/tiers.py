"""`/escalation/tiers`, `/settings`, `/cases`: escalation tiers and settings, and escalated cases (R12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageNumber, PageSize, page_body
from bangban.tickets.access import access_ticket

from .. import access, actions, queries
from ..models import CaseEscalation, EscalationStep, Tier
from ._common import ERRORS, router


class TierOut(Schema):
    id: int
    level: int = Field(description="层级（1 为接收单位）")
    name: str = Field(description="名称")
    kind: str = Field(description="方式：unit / meeting / office")
    workdays: int = Field(description="本级办理时限（工作日；第1级按诉求办理时限）")
    is_active: bool


class TierIn(Schema):
    name: str = Field(description="名称")
    workdays: int = Field(description="本级办理时限（工作日）")
    is_active: bool = True


def _tier(t: Tier) -> dict[str, Any]:
    return {
        "id": t.pk,
        "level": t.level,
        "name": t.name,
        "kind": t.kind,
        "workdays": t.workdays,
        "is_active": t.is_active,
    }


@router.get("/tiers", response=answers(list[TierOut]), summary="会办层级")
def list_tiers(request: HttpRequest) -> Any:
    actions.ensure_default_tiers()
    return [_tier(t) for t in Tier.objects.order_by("level")]


@router.put("/tiers/{int:tier_id}", response=answers(TierOut, ERRORS), summary="修改会办层级")
def update_tier(request: AuthedHttpRequest, tier_id: int, body: TierIn) -> Any:
    return _tier(actions.do_update_tier(acting_user=request.user, tier_id=tier_id, **body.dict()))


class SettingsIO(Schema):
    auto_rule: str = Field(description="自动升级规则：tier_deadline / overdue / off")
    auto_max_level: int = Field(description="自动升级最高至第几级")
    dispute_window_workdays: int = Field(description="异议申请时限（工作日）")
    dispute_decision_workdays: int = Field(description="专班认定时限（工作日）")
    supervision_workdays: int = Field(description="督办默认答复时限（工作日）")


def _settings() -> dict[str, Any]:
    row = actions.settings_row()
    return {f: getattr(row, f) for f in SettingsIO.model_fields}


@router.get("/settings", response=answers(SettingsIO), summary="分级会办参数")
def get_settings(request: HttpRequest) -> Any:
    return _settings()


@router.put("/settings", response=answers(SettingsIO, ERRORS), summary="修改分级会办参数")
def put_settings(request: AuthedHttpRequest, body: SettingsIO) -> Any:
    actions.do_update_settings(acting_user=request.user, **body.dict())
    return _settings()


class EscalationStepOut(Schema):
    from_level: int
    to_level: int
    tier_name: str
    kind: str = Field(description="manual 手动 / auto 自动")
    reason: str
    actor: str
    at: dt.datetime


class CaseTierOut(Schema):
    ticket_id: int
    number: str
    status: str
    level: int = Field(description="当前层级")
    tier: str = Field(description="当前层级名称")
    tier_due_at: dt.datetime | None = Field(description="本级时限")
    special_supervision: bool = Field(description="专项督查（市长直通车）")
    path: list[EscalationStepOut] = Field(description="升级路径")


def _step(s: EscalationStep) -> dict[str, Any]:
    return {"from_level": s.from_level, "to_level": s.to_level, "tier_name": s.tier_name, "kind": s.kind,
            "reason": s.reason, "actor": s.actor_name, "at": s.at}  # fmt: skip


def _case_tier(ticket: Any) -> dict[str, Any]:
    row = CaseEscalation.objects.filter(ticket=ticket).select_related("tier").first()
    first = Tier.objects.filter(level=1).first()
    return {
        "ticket_id": ticket.pk,
        "number": ticket.number,
        "status": ticket.status,
        "level": row.level if row else 1,
        "tier": row.tier.name if row else (first.name if first else "接收单位办理"),
        "tier_due_at": row.tier_due_at if row else ticket.due_at,
        "special_supervision": ticket.channel == "mayor",
        "path": [_step(s) for s in EscalationStep.objects.filter(ticket=ticket).order_by("at", "id")],
    }


@router.get("/cases", response=answers(Page[CaseTierOut]), summary="已升级的诉求")
def list_escalated(
    request: HttpRequest, level: int | None = None, q: str = "", page: PageNumber = 1, size: PageSize = 20
) -> Any:
    if not access.is_staff(request.user):
        raise NotFound()
    qs = queries.escalated_cases(request.user, {"level": str(level or ""), "q": q})
    return page_body(qs, page, size, lambda e: _case_tier(e.ticket))


@router.get("/cases/{int:ticket_id}", response=answers(CaseTierOut), summary="诉求的层级与升级路径")
def case_tier(request: HttpRequest, ticket_id: int) -> Any:
    if not access.is_staff(request.user):
        raise NotFound()
    return _case_tier(access_ticket(request.user, ticket_id))


class EscalateIn(Schema):
    reason: str = Field(description="升级理由（必填）")
    to_level: int | None = Field(None, description="升至层级；不填为上一级")


@router.post(
    "/cases/{int:ticket_id}/escalate", response=answers({201: CaseTierOut}, ERRORS), summary="手动升级会办"
)
def escalate(request: AuthedHttpRequest, ticket_id: int, body: EscalateIn) -> Any:
    step = actions.do_escalate(
        acting_user=request.user, ticket_id=ticket_id, reason=body.reason, to_level=body.to_level
    )
    return Status(201, _case_tier(step.ticket))
