"""Rating: counter devices, the enterprise's rating of a case, and the public QR and SMS links."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.tickets.access import visible_tickets

from .. import actions, throttle
from ..models import Rating, RatingChannel, Rectification
from ._common import CASE_RATING, DEVICE_KEY, DEVICE_RATING, LINK, MAX_BATCH, RATING_INPUT, router


class RatingOut(Schema):
    id: int = Field(description="评价ID")
    subject_id: int = Field(description="评价对象ID")
    subject_kind: str = Field(description="评价对象：case 诉求办理 / service 窗口服务")
    ticket_id: int | None = Field(None, description="诉求ID（评价诉求时）")
    window_id: int | None = Field(None, description="窗口ID")
    unit_id: int = Field(description="责任单位ID")
    stage: str = Field(description="first 首次评价 / followup 追评")
    level: int = Field(description="评价等级（GB/T 39046：1 非常满意 … 5 非常不满意）")
    level_label: str = Field(description="评价等级名称")
    scores: dict[str, int] = Field(
        description="分项评价：efficiency 服务效率、quality 服务水平、attitude 服务态度"
    )
    comment: str = Field(description="评价内容")
    channel: str = Field(description="渠道：device 评价器 / qr 二维码 / pc PC / sms 短信")
    anonymous: bool = Field(description="匿名")
    invalidated: bool = Field(description="申诉成立，不计入差评")
    voided: bool = Field(description="已作废（违规评价，不计入任何统计）")
    voided_at: dt.datetime | None = Field(None, description="作废时间")
    void_reason: str = Field("", description="作废理由")
    version: int = Field(description="版本号（作废时提交）")
    rectification_id: int | None = Field(None, description="差评整改ID（差评时）")
    created_at: dt.datetime = Field(description="评价时间")


def rating_out(r: Rating) -> dict[str, Any]:
    rect = Rectification.objects.filter(rating=r).values_list("pk", flat=True).first()
    subject = r.subject
    return {
        "id": r.pk,
        "subject_id": r.subject_id,
        "subject_kind": subject.kind,
        "ticket_id": subject.ticket_id,
        "window_id": subject.window_id,
        "unit_id": r.unit_id,
        "stage": r.stage,
        "level": r.level,
        "level_label": r.get_level_display(),
        "scores": r.scores or {},
        "comment": r.comment,
        "channel": r.channel,
        "anonymous": r.anonymous,
        "invalidated": r.invalidated,
        "voided": r.voided_at is not None,
        "voided_at": r.voided_at,
        "void_reason": r.void_reason,
        "version": r.version,
        "rectification_id": rect,
        "created_at": r.created_at,
    }


class RatingIn(Schema):
    level: int | None = Field(
        None, description="评价等级 1–5（code_system 指定计分方向）；必填，缺少时返回 400 level_required"
    )
    code_system: Literal["gbt", "reversed"] = Field(
        "gbt", description="gbt：1 非常满意…5 非常不满意（默认）；reversed：省级接口 1 非常不满意…5 非常满意"
    )
    scores: dict[str, int] | None = Field(None, description="分项评价 {efficiency|quality|attitude: 1–5}")
    comment: str = Field("", description="评价内容（≤500字）")
    anonymous: bool = Field(False, description="匿名评价")

    def data(self) -> actions.RatingInput:
        if self.level is None:
            raise ValidationFailed("请选择评价等级", code="level_required")
        return actions.RatingInput(
            level=self.level,
            scores=self.scores,
            comment=self.comment,
            anonymous=self.anonymous,
            reversed_codes=self.code_system == "reversed",
        )


class DeviceRatingIn(Schema):
    window: str | None = Field(None, description="窗口编号（设备绑定了窗口时可省略）")
    level: int = Field(description="评价等级 1–5（按设备登记的计分方向换算）")
    scores: dict[str, int] | None = Field(None, description="分项评价")
    comment: str = Field("", description="评价内容")
    staff_name: str = Field("", description="办事人员")
    service_item: str | None = Field(None, description="服务事项编码")
    event_ref: str = Field("", description="办件/排队号：同一场所内唯一，重复上报返回 already_rated")
    anonymous: bool = Field(True, description="匿名评价（评价器默认匿名）")


class DeviceBatchIn(Schema):
    ratings: list[DeviceRatingIn] = Field(description=f"离线缓存的评价，每批最多 {MAX_BATCH} 条")


class RatingBatchItemOut(Schema):
    index: int = Field(description="在请求中的序号（从0开始）")
    id: int | None = Field(None, description="评价ID（成功时）")
    code: str | None = Field(None, description="错误码（失败时）")
    message: str | None = Field(None, description="错误说明（失败时）")


class RatingBatchOut(Schema):
    accepted: int = Field(description="成功条数")
    rejected: int = Field(description="失败条数")
    items: list[RatingBatchItemOut] = Field(description="逐条结果")


# --- devices ---------------------------------------------------------------------------------------


@router.post(
    "/device/ratings",
    auth=None,
    response=answers({201: dict}, DEVICE_RATING),
    summary="评价器上报一条评价（X-Device-Key）",
)
def device_rate(request: HttpRequest, payload: DeviceRatingIn) -> Any:
    rating = actions.rate_from_device(
        raw_key=request.headers.get("X-Device-Key"), window_code=payload.window, payload=payload.dict()
    )
    return Status(201, {"id": rating.pk, "stage": rating.stage, "level": rating.level})


@router.post(
    "/device/ratings/batch",
    auth=None,
    response=answers(RatingBatchOut, "batch_too_large", DEVICE_KEY, (409, "device_revoked")),
    summary="评价器批量上报（离线缓存的评价），逐条返回结果",
)
def device_rate_batch(request: HttpRequest, payload: DeviceBatchIn) -> dict[str, Any]:
    if len(payload.ratings) > MAX_BATCH:
        raise ValidationFailed(f"每批最多 {MAX_BATCH} 条", code="batch_too_large")
    results = actions.rate_batch_from_device(
        raw_key=request.headers.get("X-Device-Key"), items=[item.dict() for item in payload.ratings]
    )
    items: list[dict[str, Any]] = [
        {"index": index, "id": r.pk}
        if isinstance(r, Rating)
        else {"index": index, "code": r.code, "message": r.message}
        for index, r in enumerate(results)
    ]
    accepted = sum(1 for i in items if i.get("id"))
    return {"accepted": accepted, "rejected": len(items) - accepted, "items": items}


# --- rating cases and windows ----------------------------------------------------------------------


class CaseRatingIn(RatingIn):
    resolved: bool | None = Field(
        None, description="问题是否已解决（诉求“已答复待回访”时必填：评价同时作为回访结果）"
    )
    version: int | None = Field(None, description="读取诉求时的版本号")


class FollowUpResultOut(Schema):
    followed_up: bool = Field(description="是否同时登记为诉求的回访结果")
    resolved: bool | None = Field(None, description="问题是否已解决")
    reopened: bool = Field(description="已退回重办")
    escalation_flagged: bool = Field(description="重办已达上限，已标记督办")
    ticket_status: str = Field(description="评价后诉求状态")


class CaseRatedOut(FollowUpResultOut):
    rating: RatingOut | None = Field(
        None, description="好差评记录（诉求的首评与追评均已用完时，再次答复的评价只登记为回访结果）"
    )


def case_rated_out(result: actions.CaseRated) -> dict[str, Any]:
    return {
        "rating": rating_out(result.rating) if result.rating is not None else None,
        "followed_up": result.followed_up,
        "resolved": result.resolved,
        "reopened": result.reopened,
        "escalation_flagged": result.escalation_flagged,
        "ticket_status": result.status,
    }


@router.post(
    "/cases/{ticket_id}/ratings",
    response=answers({201: CaseRatedOut}, CASE_RATING),
    summary="企业评价本企业的诉求（好差评，答复待回访时同时作为回访结果）",
    description="只有诉求的企业用户或提交人可以评价；承办（主办、协办）单位的人员不能评价（403 own_unit_case）。"
    "诉求“已答复待回访”时须填写 resolved：已解决且满意则办结，否则重办（达到重办上限则标记督办）。"
    "“不满意”“非常不满意”为差评，同时转差评整改。与 `POST /api/v1/cases/{id}/follow-up`（企业调用时）记录的是同一条评价。",
)
def rate_case(request: AuthedHttpRequest, ticket_id: int, payload: CaseRatingIn) -> Any:

    # Access first: a case the caller may not see answers 404, whatever the body says.
    if not visible_tickets(request.user).filter(pk=ticket_id).exists():
        raise NotFound()
    result = actions.do_rate_case(
        acting_user=request.user, ticket_id=ticket_id, data=payload.data(), resolved=payload.resolved,
        channel=RatingChannel.PC, expected_version=payload.version,
    )  # fmt: skip
    return Status(201, case_rated_out(result))


@router.post(
    "/public/case-qr/{token}",
    auth=None,
    response=answers({}, actions.CaseQrRemoved),
    summary="（已停用）凭诉求二维码评价",
    description="诉求评价二维码已停用：诉求只能由企业登录后评价，或凭短信链接评价。始终返回 410 case_qr_removed。",
)
def rate_case_qr(request: HttpRequest, token: str) -> Any:
    raise actions.CaseQrRemoved()


class WindowRatingIn(RatingIn):
    staff_name: str = Field("", description="办事人员")
    service_item: str | None = Field(None, description="服务事项ID或编码")


@router.post(
    "/public/windows/{key}",
    auth=None,
    response=answers(
        {201: RatingOut},
        RATING_INPUT,
        LINK,
        "window_unknown",
        (404, "window_unknown"),
        "service_item_unknown",
    ),
    summary="扫描窗口二维码评价窗口服务",
)
def rate_window(request: AuthedHttpRequest, key: str, payload: WindowRatingIn) -> Any:
    throttle.check(request, f"w:{key[:64]}")
    rating = actions.rate_window_qr(
        acting_user=request.user, public_key=key, data=payload.data(), staff_name=payload.staff_name,
        service_item=payload.service_item,
    )  # fmt: skip
    return Status(201, rating_out(rating))


class SmsAnswerIn(RatingIn):
    resolved: bool | None = Field(None, description="问题是否已解决（诉求“已答复待回访”时必填）")
    ticket_id: int | None = Field(None, description="诉求ID（可选；给出时必须是该链接的诉求）")


@router.post(
    "/public/sms/{token}",
    auth=None,
    response=answers({201: CaseRatedOut}, CASE_RATING, LINK, "ticket_invalid"),
    summary="短信链接评价诉求（签名、一次性、有时效；答复待回访时同时作为回访结果）",
    description="在承办单位人员的登录会话中使用被拒绝（403 own_unit_case），链接不作废。",
)
def answer_sms(request: AuthedHttpRequest, token: str, payload: SmsAnswerIn) -> Any:
    throttle.check(request, lambda: f"c:{actions.read_sms_token(token).ticket_id}")
    result = actions.answer_sms_link(
        token=token, resolved=payload.resolved, data=payload.data(), acting_user=request.user,
        ticket_id=payload.ticket_id,
    )  # fmt: skip
    return Status(201, case_rated_out(result))
