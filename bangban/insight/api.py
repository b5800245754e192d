"""`/api/v1/insight`: the routing suggestion for a case, 「立即训练」 and the routing settings."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict
from bangban.tickets.advice import advise

from . import actions
from .access import access_suggestion
from .advisor import active_model, min_confidence
from .hotspot_task_api import router as hotspot_tasks_router
from .hotspots_api import router as hotspots_router

router = Router(tags=["智能分派"])


class RoutingGuessOut(Schema):
    id: int
    name: str
    confidence: float = Field(description="置信度（0–1）")
    prefill: bool = Field(description="置信度不低于阈值：派单表单预填此项")


class SuggestionOut(Schema):
    case_id: int
    available: bool = Field(description="是否有建议；无可用模型或模型损坏时为 false，按分派规则表派单")
    message: str = Field(description="无建议时的原因")
    model_version: int | None = None
    threshold: float = Field(description="预填最低置信度")
    category: RoutingGuessOut | None = Field(None, description="建议的诉求分类")
    unit: RoutingGuessOut | None = Field(None, description="建议的主办单位")
    reasons: list[str] = Field(description="依据词（对建议贡献最大的词）")


@router.get(
    "/cases/{int:ticket_id}/suggestion",
    response=answers(SuggestionOut),
    summary="诉求的智能分派建议",
    description="由本市已办结案例训练的模型给出建议的诉求分类和主办单位（仅供参考，由派单员决定）。"
    "派单员、营商办和系统管理员可查看；看不到该诉求时 404，看得到但无权派单时 403。",
)
def case_suggestion(request: HttpRequest, ticket_id: int) -> Any:
    ticket = access_suggestion(request.user, ticket_id)
    found = advise([ticket], timezone.now()).get(ticket.pk)
    threshold = min_confidence()
    if found is None:
        row, suggester, problem = active_model()
        message = problem or "该诉求暂无可信的建议"
        return {
            "case_id": ticket.pk,
            "available": False,
            "message": message,
            "model_version": row.version if row and suggester else None,
            "threshold": threshold,
            "reasons": [],
        }
    return {
        "case_id": ticket.pk,
        "available": True,
        "message": "",
        "model_version": found.model_version,
        "threshold": found.threshold,
        "category": {
            "id": found.category_id,
            "name": found.category_name,
            "confidence": found.category_confidence,
            "prefill": found.prefill_category,
        }
        if found.category_id
        else None,
        "unit": {
            "id": found.unit_id,
            "name": found.unit_name,
            "confidence": found.unit_confidence,
            "prefill": found.prefill_unit,
        }
        if found.unit_id
        else None,
        "reasons": list(found.reasons),
    }


class TrainingOut(Schema):
    state: str = Field(description="idle / queued / running")
    requested_at: Any = None
    finished_at: Any = None
    outcome: str = Field(description="最近一次训练的结果")


@router.post(
    "/routing/training",
    response=answers({202: TrainingOut}, Conflict, (409, "training_in_progress")),
    summary="立即训练智能分派模型",
    description="营商办或系统管理员发起一次训练（后台进行）；已有训练在排队或进行时返回 409 training_in_progress。",
)
def request_training(request: HttpRequest) -> Any:
    row = actions.do_request_training(acting_user=request.user, now=timezone.now())
    return Status(
        202,
        {
            "state": row.state,
            "requested_at": row.requested_at,
            "finished_at": row.finished_at,
            "outcome": row.outcome,
        },
    )


# The routers are mounted at /api/v1/insight (`InsightConfig.api_routers`).
ROUTERS = [("/insight", router), ("/insight", hotspots_router), ("/insight", hotspot_tasks_router)]
