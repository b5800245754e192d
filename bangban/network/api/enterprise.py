"""`/network/enterprise`: the enterprise names its liaison and rates its officers."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.http import AuthedHttpRequest

from .. import actions
from ..models import OfficerRating
from ._common import router


class LiaisonIn(Schema):
    user_id: int = Field(description="本企业企业账号的用户ID")
    phone: str = Field(
        "", description="联络员手机号（11位）；不填则用该账号登记的手机号。同步写入企业库的联络员手机"
    )


class LiaisonOut(Schema):
    enterprise_id: int = Field(description="企业ID")
    user_id: int = Field(description="工作联络员用户ID")
    name: str = Field(description="工作联络员姓名")


@router.put(
    "/enterprise/liaison",
    response=answers(LiaisonOut, "liaison_invalid", "liaison_phone_invalid", "liaison_phone_required"),
    summary="指定本企业工作联络员",
)
def name_liaison(request: AuthedHttpRequest, payload: LiaisonIn) -> Any:
    liaison = actions.do_name_liaison(acting_user=request.user, user_id=payload.user_id, phone=payload.phone)
    return {
        "enterprise_id": liaison.enterprise_id,
        "user_id": liaison.user_id,
        "name": liaison.user.display_name,
    }


class NetworkRatingIn(Schema):
    level: int = Field(description="满意度：1 非常满意 … 5 非常不满意（GB/T 39046-2020）")
    comment: str = Field("", description="评价意见；不满意（4、5）时必填")


class NetworkRatingOut(Schema):
    id: int = Field(description="评价ID")
    officer_id: int = Field(description="被评价的专员")
    month: str = Field(description="评价月份")
    level: int = Field(description="满意度")
    comment: str = Field(description="评价意见")


@router.post(
    "/enterprise/ratings",
    response=answers(
        {201: NetworkRatingOut}, "invalid_level", "comment_required", "no_officer", (409, "already_rated")
    ),
    summary="评价本企业帮办专员的服务",
)
def rate_officer(request: AuthedHttpRequest, payload: NetworkRatingIn) -> Any:
    r: OfficerRating = actions.do_rate_officer(
        acting_user=request.user, level=payload.level, comment=payload.comment
    )
    return Status(
        201,
        {"id": r.pk, "officer_id": r.officer_id, "month": r.month, "level": r.level, "comment": r.comment},
    )
