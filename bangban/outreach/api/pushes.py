"""`/outreach/policies/{id}/push`, `/pushes`, `/deliveries`: pushing policies to enterprises and what they receive and ask (R4.1, R13.1)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from bangban.core.answers import answers
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from .. import policies, pushes, queries
from ..access import access_push, access_round, visible_projects
from ..models import PolicyDelivery, PolicyPush
from ._common import ERRORS, LIST_ERRORS, _at, router
from .projects import problem_out
from .rounds import round_out
from .schemas import DeliveryOut, PushOut


def push_out(p: PolicyPush) -> dict[str, Any]:
    return {
        "id": p.pk,
        "policy_id": p.policy_id,
        "status": p.status,
        "status_label": p.get_status_display(),
        "total": p.total,
        "processed": p.processed,
        "delivered": p.delivered,
        "percent": p.percent,
        "send_sms": p.send_sms,
        "error": p.error,
        "created_at": _at(p.created_at),
        "finished_at": _at(p.finished_at),
    }


class PushIn(Schema):
    send_sms: bool = Field(True, description="同时发送短信")


@router.post(
    "/policies/{policy_id}/push",
    response=answers({202: PushOut}, ERRORS),
    summary="推送政策给符合条件的企业",
    description="在调用者管辖范围内按政策标签匹配存续企业，已送达的不重复；企业较多时在后台推送，"
    "用 GET /pushes/{id} 查看进度。没有可推送企业时返回 409 no_matching_enterprise。",
)
def push_policy(request: AuthedHttpRequest, policy_id: int, payload: PushIn) -> Any:
    push = pushes.do_push_policy(acting_user=request.user, policy_id=policy_id, send_sms=payload.send_sms)
    return Status(202, push_out(push))


@router.get("/rounds/{round_id}", response=answers(dict), summary="月度问题收集详情（含问题）")
def get_round(request: HttpRequest, round_id: int) -> Any:
    rnd = access_round(request.user, round_id)
    problems = rnd.problems.filter(project__in=visible_projects(request.user)).select_related(
        "project", "round", "ticket"
    )
    return {**round_out(rnd), "items": [problem_out(p) for p in problems]}


@router.get("/pushes/{push_id}", response=answers(PushOut), summary="推送进度")
def get_push(request: HttpRequest, push_id: int) -> Any:
    return push_out(access_push(request.user, push_id))


def delivery_out(d: PolicyDelivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "policy_id": d.policy_id,
        "policy_title": d.policy.title,
        "enterprise_id": d.enterprise_id,
        "enterprise_name": d.enterprise.name,
        "delivered_at": _at(d.delivered_at),
        "read_at": _at(d.read_at),
    }


class DeliveryQuery(PageQuery):
    policy: str | None = Field(None, description="政策ID")
    read: str | None = Field(None, description="1 已读 / 0 未读")
    q: str | None = Field(None, description="政策或企业名称包含的文字")


@router.get("/deliveries", response=answers(Page[DeliveryOut], LIST_ERRORS), summary="政策送达与阅读回执")
def list_deliveries(request: HttpRequest, query: Query[DeliveryQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(queries.deliveries(request.user, params).strict(), query, out=delivery_out)


@router.post(
    "/deliveries/{delivery_id}/read",
    response=answers(DeliveryOut),
    summary="企业阅读政策（回执）",
)
def read_delivery(request: AuthedHttpRequest, delivery_id: int) -> Any:
    return delivery_out(policies.do_mark_read(acting_user=request.user, delivery_id=delivery_id))


class QuestionIn(Schema):
    content: str = Field(description="对政策的疑问（转为诉求办理）")


@router.post(
    "/deliveries/{delivery_id}/questions",
    response=answers({201: dict}, ERRORS),
    summary="就政策提问（生成诉求）",
)
def ask_question(request: AuthedHttpRequest, delivery_id: int, payload: QuestionIn) -> Any:
    q = policies.do_ask_question(acting_user=request.user, delivery_id=delivery_id, content=payload.content)
    return Status(201, {"id": q.pk, "ticket_id": q.ticket_id, "ticket_number": q.ticket.number})
