"""`/ratings/rectifications`: the 差评整改 of a bad rating (R2.4)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Schema

from bangban.core.answers import answers
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from .. import access, actions
from ..models import Rectification
from ._common import RECTIFICATION, router


def rect_out(r: Rectification) -> dict[str, Any]:
    return {
        "id": r.pk,
        "number": r.number,
        "unit_id": r.unit_id,
        "rating_id": r.rating_id,
        "status": r.status,
        "status_label": r.get_status_display(),
        "category": r.category,
        "verification": r.verification,
        "measures": r.measures,
        "feedback": r.feedback,
        "due_at": r.due_at,
        "rectified_at": r.rectified_at,
        "rater_level": r.rater_level,
        "created_at": r.created_at,
        "version": r.version,
        "links": [{"unit_id": x.unit_id, "ticket_id": x.ticket_id, "note": x.note} for x in r.links.all()],
    }


class RectFilter(PageQuery):
    status: str | None = Field(None, description="状态：verify/classify/rectifying/fed_back/closed/dismissed")


@router.get(
    "/rectifications", response=answers(Page[dict[str, Any]]), summary="差评整改列表（本单位或按权限范围）"
)
def list_rects(request: HttpRequest, query: Query[RectFilter]) -> dict[str, Any]:
    qs = access.visible_rectifications(request.user).prefetch_related("links")
    if query.status:
        qs = qs.filter(status=query.status)
    return page_body(qs, query, out=rect_out)


@router.get("/rectifications/{rect_id}", response=answers(dict), summary="差评整改详情")
def get_rect(request: HttpRequest, rect_id: int) -> dict[str, Any]:
    return rect_out(access.access_rectification(request.user, rect_id))


class RatingVerifyIn(Schema):
    verification: str = Field(description="核实情况")
    version: int | None = Field(None, description="读取时的版本号")


class RatingClassifyIn(Schema):
    category: Literal["immediate", "deadline", "explain", "appeal"] = Field(
        description="立行立改 immediate / 限期整改 deadline / 解释说明 explain / 申诉复核（评价不实，成立）appeal"
    )
    note: str = Field("", description="定性意见（申诉复核必填）")
    workdays: int | None = Field(None, description="整改时限（工作日，默认 5）")
    version: int | None = Field(None, description="读取时的版本号")


class RectifyIn(Schema):
    measures: str = Field(description="整改措施")
    feedback: str = Field(description="给评价人的反馈")
    version: int | None = Field(None, description="读取时的版本号")


class LinkIn(Schema):
    unit_id: int = Field(description="相关单位ID")
    ticket_id: int | None = Field(None, description="相关诉求ID")
    note: str = Field(description="类似问题及举措")


_RECT_ERRORS = answers(dict, RECTIFICATION)


@router.post("/rectifications/{rect_id}/verify", response=_RECT_ERRORS, summary="责任单位核实")
def verify(request: AuthedHttpRequest, rect_id: int, payload: RatingVerifyIn) -> dict[str, Any]:
    return rect_out(actions.do_verify(acting_user=request.user, rect_id=rect_id, verification=payload.verification,
                                      expected_version=payload.version))  # fmt: skip


@router.post("/rectifications/{rect_id}/classify", response=_RECT_ERRORS, summary="营商办定性")
def classify(request: AuthedHttpRequest, rect_id: int, payload: RatingClassifyIn) -> dict[str, Any]:
    return rect_out(actions.do_classify(acting_user=request.user, rect_id=rect_id, category=payload.category,
                                        note=payload.note, workdays=payload.workdays, expected_version=payload.version))  # fmt: skip


@router.post("/rectifications/{rect_id}/rectify", response=_RECT_ERRORS, summary="整改并反馈评价人")
def rectify(request: AuthedHttpRequest, rect_id: int, payload: RectifyIn) -> dict[str, Any]:
    return rect_out(actions.do_rectify(acting_user=request.user, rect_id=rect_id, measures=payload.measures,
                                       feedback=payload.feedback, expected_version=payload.version))  # fmt: skip


@router.post("/rectifications/{rect_id}/links", response=_RECT_ERRORS, summary="举一反三")
def add_link(request: AuthedHttpRequest, rect_id: int, payload: LinkIn) -> dict[str, Any]:
    actions.do_add_link(acting_user=request.user, rect_id=rect_id, unit_id=payload.unit_id, note=payload.note,
                        ticket_id=payload.ticket_id)  # fmt: skip
    return rect_out(access.access_rectification(request.user, rect_id))
