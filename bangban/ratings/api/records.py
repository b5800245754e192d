"""`/ratings/ratings`, `/suspicious-ratings`: reading ratings, suspicious ones, and voiding a rating."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Schema

from bangban.core.answers import answers
from bangban.core.errors import Conflict, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from .. import access, actions
from ..models import Rating
from ..queries import suspicious_case_ratings
from ._common import router
from .rating import RatingOut, rating_out


class RatingFilter(PageQuery):
    level: int | None = Field(None, ge=1, le=5, description="评价等级")
    channel: str | None = Field(None, description="渠道")
    unit_id: int | None = Field(None, description="责任单位ID")
    bad: bool | None = Field(None, description="只看差评")


@router.get("/ratings", response=answers(Page[RatingOut]), summary="评价列表（按权限范围，分页）")
def list_ratings(request: HttpRequest, query: Query[RatingFilter]) -> dict[str, Any]:
    qs = access.visible_ratings(request.user).select_related("subject")
    if query.level:
        qs = qs.filter(level=query.level)
    if query.channel:
        qs = qs.filter(channel=query.channel)
    if query.unit_id:
        qs = qs.filter(unit_id=query.unit_id)
    if query.bad:
        qs = qs.filter(level__gte=4)
    return page_body(qs, query, out=rating_out)


@router.get("/ratings/{rating_id}", response=answers(RatingOut), summary="评价详情")
def get_rating(request: HttpRequest, rating_id: int) -> dict[str, Any]:
    rating = access.visible_ratings(request.user).select_related("subject").filter(pk=rating_id).first()
    if rating is None:
        raise NotFound()
    return rating_out(rating)


# --- 评价核查与作废 -----------------------------------------------------------------------------------


class SuspiciousFilter(PageQuery):
    reason: Literal["qr", "own_unit"] | None = Field(
        None,
        description="疑点：qr 经已停用的诉求二维码评价 / own_unit 评价人属于承办该诉求的单位；省略为两者",
    )
    state: Literal["open", "voided", "all"] = Field(
        "open", description="open 未作废 / voided 已作废 / all 全部"
    )
    unit_id: int | None = Field(None, description="责任单位ID")


def suspicious_out(r: Rating) -> dict[str, Any]:
    return {
        **rating_out(r),
        "via_qr": bool(getattr(r, "via_qr", False)),
        "by_handler": bool(getattr(r, "by_handler", False)),
        "rater_id": r.rater_id,
        "rater_unit_id": r.rater.unit_id if r.rater is not None else None,
    }


@router.get(
    "/suspicious-ratings",
    response=answers(Page[dict[str, Any]]),
    summary="疑似违规的诉求评价（营商办，分页）",
    description="经已停用的诉求二维码提交的评价，以及评价人（提交评价的登录会话）属于诉求主办或协办单位的评价。",
)
def suspicious_ratings(request: HttpRequest, query: Query[SuspiciousFilter]) -> dict[str, Any]:

    if not access.has_any_role(request.user, access.VOID_ROLES):
        raise NotFound()
    qs = suspicious_case_ratings(reason=query.reason or "", state=query.state, unit_id=query.unit_id)
    return page_body(qs, query, out=suspicious_out)


class VoidIn(Schema):
    reason: str = Field("", description="作废理由（必填，≤500字）")
    version: int | None = Field(None, description="读取评价时的版本号")


@router.post(
    "/ratings/{rating_id}/void",
    response=answers(
        RatingOut, "reason_required", "too_long", (403, "void_forbidden"), (409, "already_voided"), Conflict
    ),
    summary="作废违规评价（营商办；须写明理由）",
    description="评价保留并标记为已作废（作废人、时间、理由），不再计入任何统计；未办结的差评整改终止为“评价已作废”。"
    "理由为空 400 reason_required；非营商办 403 void_forbidden；已作废 409 already_voided；版本不符 409 conflict。",
)
def void_rating(request: AuthedHttpRequest, rating_id: int, payload: VoidIn) -> dict[str, Any]:
    rating = actions.do_void_rating(
        acting_user=request.user, rating_id=rating_id, reason=payload.reason, expected_version=payload.version
    )
    return rating_out(rating)
