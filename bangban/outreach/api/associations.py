"""`/outreach/associations`, `/opinions`: associations, their accounts, and the opinions they submit (R5)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import STAFF_ROLES
from bangban.core.answers import answers
from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import PageQuery, page_body

from .. import forums, queries
from ..access import access_opinion, is_association_user, own_associations
from ..models import Association, AssociationOpinion
from ._common import ERRORS, LIST_ERRORS, Records, _at, router


class AssociationIn(Schema):
    name: str = Field(description="协会商会名称")
    region: str = Field(description="所在区划代码")
    contact_name: str = Field("", description="联系人")
    contact_phone: str = Field("", description="联系电话")
    member_ids: list[int] = Field([], description="会员企业ID")
    account_ids: list[int] = Field([], description="代表该会的“行业协会商会”角色账号ID")


class AssociationAccountsIn(Schema):
    account_ids: list[int] = Field(description="代表该会的“行业协会商会”角色账号ID（整体替换）")


class NameQuery(PageQuery):
    q: str | None = Field(None, description="名称包含的文字")


@router.get("/associations", response=answers(Records), summary="行业协会商会")
def list_associations(request: HttpRequest, query: Query[NameQuery]) -> Any:
    if is_association_user(request.user):
        qs = own_associations(request.user).select_related("region").order_by("name")
    elif not has_any_role(request.user, STAFF_ROLES):
        raise NotFound()
    else:
        qs = Association.objects.select_related("region").order_by("name")
    if query.q:
        qs = qs.filter(name__icontains=query.q.strip()[:100])
    return page_body(
        qs,
        query,
        out=lambda a: {
            "id": a.pk,
            "name": a.name,
            "region_code": a.region.code,
            "contact_name": a.contact_name,
        },
    )


@router.post("/associations", response=answers({201: dict}, ERRORS), summary="登记行业协会商会")
def create_association(request: AuthedHttpRequest, payload: AssociationIn) -> Any:
    a = forums.do_create_association(acting_user=request.user, data=payload.dict())
    return Status(201, {"id": a.pk, "name": a.name})


@router.put(
    "/associations/{association_id}/accounts",
    response=answers(dict, ERRORS),
    summary="关联协会商会账号（营商办）",
)
def set_association_accounts(
    request: AuthedHttpRequest, association_id: int, payload: AssociationAccountsIn
) -> Any:
    a = forums.do_set_association_accounts(
        acting_user=request.user, association_id=association_id, data=payload.dict()
    )
    return {"id": a.pk, "name": a.name, "account_ids": sorted(a.accounts.values_list("pk", flat=True))}


def opinion_out(o: AssociationOpinion) -> dict[str, Any]:
    return {
        "id": o.pk,
        "association": o.association.name,
        "title": o.title,
        "content": o.content,
        "answer_unit": o.answer_unit.name,
        "submitted_by": o.submitted_by.display_name,
        "submitted_at": _at(o.submitted_at),
        "status": o.status,
        "status_label": o.get_status_display(),
        "answer": o.answer,
        "answered_at": _at(o.answered_at),
        "version": o.version,
        "ratings": [
            {"enterprise_id": r.enterprise_id, "level": r.level, "comment": r.comment}
            for r in o.ratings.all()
        ],
    }


class OpinionQuery(PageQuery):
    q: str | None = Field(None, description="议题或协会名称")
    status: str | None = Field(None, description="submitted / answered / rated")


class OpinionIn(Schema):
    association_id: int | None = Field(
        None, description="协会商会ID；协会商会账号只关联一个协会时可不填，营商办代为录入时必填"
    )
    title: str = Field(description="议题")
    content: str = Field(description="收集的意见建议")
    answer_unit_id: int = Field(description="答复单位ID")
    enterprise_ids: list[int] = Field([], description="提出意见的企业ID（答复后可评价）")


class AnswerIn(Schema):
    answer: str = Field(description="答复")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class OutreachRatingIn(Schema):
    level: int = Field(description="满意度代码：1 非常满意 … 5 非常不满意（GB/T 39046-2020）")
    comment: str = Field("", description="评价")


@router.get("/opinions", response=answers(Records, LIST_ERRORS), summary="议事厅意见")
def list_opinions(request: HttpRequest, query: Query[OpinionQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(
        queries.opinions(request.user, params).strict().prefetch_related("ratings"), query, out=opinion_out
    )


@router.get("/opinions/{opinion_id}", response=answers(dict), summary="议事厅意见详情")
def get_opinion(request: HttpRequest, opinion_id: int) -> Any:
    return opinion_out(access_opinion(request.user, opinion_id))


@router.post("/opinions", response=answers({201: dict}, ERRORS), summary="提交协会商会收集的意见")
def submit_opinion(request: AuthedHttpRequest, payload: OpinionIn) -> Any:
    o = forums.do_submit_opinion(acting_user=request.user, data=payload.dict())
    return Status(201, opinion_out(o))


@router.post("/opinions/{opinion_id}/answer", response=answers(dict, ERRORS), summary="答复单位答复")
def answer_opinion(request: AuthedHttpRequest, opinion_id: int, payload: AnswerIn) -> Any:
    forums.do_answer_opinion(
        acting_user=request.user, opinion_id=opinion_id, answer=payload.answer, version=payload.version
    )
    return opinion_out(access_opinion(request.user, opinion_id))


@router.post("/opinions/{opinion_id}/rating", response=answers({201: dict}, ERRORS), summary="企业评价答复")
def rate_opinion(request: AuthedHttpRequest, opinion_id: int, payload: OutreachRatingIn) -> Any:
    forums.do_rate_answer(
        acting_user=request.user, opinion_id=opinion_id, level=payload.level, comment=payload.comment
    )
    return Status(201, opinion_out(access_opinion(request.user, opinion_id)))
