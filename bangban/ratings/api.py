"""`/api/v1/ratings`: 好差评, 差评整改, 回访, 回头看 and the monthly figures.

Counter devices (评价器) post with their own key in `X-Device-Key` (no user token). Public
endpoints (a window's QR code, an SMS link) take the signed token of the link. A case is rated only
by its enterprise (logged in) or with the one-time SMS link sent to its contact phone; the per-case
QR code was removed (its endpoint answers 410 `case_qr_removed`).
Everything else is authenticated like the rest of the API. Satisfaction codes are GB/T 39046
(1 = 非常满意 … 5 = 非常不满意); `code_system: "reversed"` accepts the provincial order
(1 = 非常不满意), and a device registered as such is converted the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from bangban.core.pagination import Page, PageQuery, page_body
from bangban.core.schemas import MonthField, YearField
from bangban.core.throttle import RateLimited
from bangban.org.models import Unit

from . import access, actions, recheck, throttle
from .figures import monthly_bad_ratings, unit_month_figures
from .models import Rating, RatingChannel, RatingDevice, RecheckDraw, Rectification, Window

router = Router(tags=["好差评与回访"])
MAX_BATCH = 200

# The codes of the rating operations, by what they do.
RATING_INPUT = ["level_required", "level_invalid", "scores_invalid", "too_long", "validation_error"]
DEVICE_KEY = [(401, "device_key_invalid"), (401, "device_key_missing"), (401, "device_revoked")]
DEVICE_RATING = [
    *RATING_INPUT, *DEVICE_KEY, "window_required", "window_unknown", "service_item_unknown", "site_invalid",
    (404, "window_unknown"), (409, "already_rated"), (409, "device_revoked"),
]  # fmt: skip
CASE_RATING = [
    *RATING_INPUT, "resolved_required", (403, "own_unit_case"), (403, "not_your_case"), Conflict,
    InvalidTransition, (409, "already_rated"), (409, "case_not_rateable"), (409, "no_first_rating"),
    (409, "followup_exists"),
]  # fmt: skip
LINK = ["link_expired", (404, "link_invalid"), (409, "link_used"), RateLimited]
RECTIFICATION = [
    "category_invalid", "feedback_required", "measures_required", "note_required", "verification_required",
    "workdays_invalid", "unit_invalid", "ticket_invalid", "too_long", Conflict, InvalidTransition,
    (409, "rectification_pending"),
]  # fmt: skip
FOLLOW_UP = [
    "outcome_invalid", "purpose_invalid", "phone_missing", "level_invalid", "resolved_required", "too_long",
    (403, "own_unit_case"), Conflict, InvalidTransition, (409, "followup_exists"), (409, "case_not_rateable"),
]  # fmt: skip


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
def rate_case(request: HttpRequest, ticket_id: int, payload: CaseRatingIn) -> Any:
    from bangban.tickets.access import visible_tickets

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
def rate_window(request: HttpRequest, key: str, payload: WindowRatingIn) -> Any:
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
def answer_sms(request: HttpRequest, token: str, payload: SmsAnswerIn) -> Any:
    throttle.check(request, lambda: f"c:{actions.read_sms_token(token).ticket_id}")
    result = actions.answer_sms_link(
        token=token, resolved=payload.resolved, data=payload.data(), acting_user=request.user,
        ticket_id=payload.ticket_id,
    )  # fmt: skip
    return Status(201, case_rated_out(result))


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
    from .queries import suspicious_case_ratings

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
def void_rating(request: HttpRequest, rating_id: int, payload: VoidIn) -> dict[str, Any]:
    rating = actions.do_void_rating(
        acting_user=request.user, rating_id=rating_id, reason=payload.reason, expected_version=payload.version
    )
    return rating_out(rating)


# --- rectification -----------------------------------------------------------------------------------


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
def verify(request: HttpRequest, rect_id: int, payload: RatingVerifyIn) -> dict[str, Any]:
    return rect_out(actions.do_verify(acting_user=request.user, rect_id=rect_id, verification=payload.verification,
                                      expected_version=payload.version))  # fmt: skip


@router.post("/rectifications/{rect_id}/classify", response=_RECT_ERRORS, summary="营商办定性")
def classify(request: HttpRequest, rect_id: int, payload: RatingClassifyIn) -> dict[str, Any]:
    return rect_out(actions.do_classify(acting_user=request.user, rect_id=rect_id, category=payload.category,
                                        note=payload.note, workdays=payload.workdays, expected_version=payload.version))  # fmt: skip


@router.post("/rectifications/{rect_id}/rectify", response=_RECT_ERRORS, summary="整改并反馈评价人")
def rectify(request: HttpRequest, rect_id: int, payload: RectifyIn) -> dict[str, Any]:
    return rect_out(actions.do_rectify(acting_user=request.user, rect_id=rect_id, measures=payload.measures,
                                       feedback=payload.feedback, expected_version=payload.version))  # fmt: skip


@router.post("/rectifications/{rect_id}/links", response=_RECT_ERRORS, summary="举一反三")
def add_link(request: HttpRequest, rect_id: int, payload: LinkIn) -> dict[str, Any]:
    actions.do_add_link(acting_user=request.user, rect_id=rect_id, unit_id=payload.unit_id, note=payload.note,
                        ticket_id=payload.ticket_id)  # fmt: skip
    return rect_out(access.access_rectification(request.user, rect_id))


# --- follow-up -----------------------------------------------------------------------------------------


class CallIn(Schema):
    ticket_id: int = Field(description="诉求ID")
    outcome: Literal["connected", "no_answer", "refused", "wrong_number"] = Field(description="呼叫结果")
    resolved: bool | None = Field(None, description="问题是否解决（接通时必填）")
    satisfaction: int | None = Field(None, description="满意度 1–5（GB/T 39046，接通时必填）")
    comment: str = Field("", description="回访记录")


@router.post("/follow-ups/calls", response=answers({201: dict}, FOLLOW_UP),
             summary="登记电话回访（未解决或不满意时重办，达到上限时标记督办）")  # fmt: skip
def record_call(request: HttpRequest, payload: CallIn) -> Any:
    call = actions.do_record_call(acting_user=request.user, ticket_id=payload.ticket_id, outcome=payload.outcome,
                                  resolved=payload.resolved, satisfaction=payload.satisfaction, comment=payload.comment)  # fmt: skip
    return Status(
        201, {"id": call.pk, "reopened": call.reopened, "escalation_flagged": call.escalation_flagged}
    )


class SmsLinkIn(Schema):
    ticket_id: int = Field(description="诉求ID")
    purpose: Literal["rate", "followup"] = Field("followup", description="rate 评价 / followup 回访")


@router.post("/follow-ups/sms-links", response=answers({201: dict}, FOLLOW_UP),
             summary="向诉求联系电话发送短信评价/回访链接（链接只发给联系人，不在响应中返回）",
             description="热线坐席、派单员或营商办发送；承办该诉求的单位人员不能发送（403 own_unit_case）。")  # fmt: skip
def send_sms_link(request: HttpRequest, payload: SmsLinkIn) -> Any:
    actions.do_send_sms_link(acting_user=request.user, ticket_id=payload.ticket_id, purpose=payload.purpose)
    return Status(201, {"sent": True, "purpose": payload.purpose,
                        "valid_days": actions.get_settings().sms_link_days})  # fmt: skip


# --- recheck ---------------------------------------------------------------------------------------------


def draw_out(d: RecheckDraw) -> dict[str, Any]:
    return {"id": d.pk, "year": d.year, "month": d.month, "seed": d.seed, "percent": d.percent,
            "minimum": d.minimum, "population_count": d.population_count,
            "population_digest": d.population_digest, "sample_ids": d.sample_ids, "drawn_at": d.drawn_at}  # fmt: skip


def _require_recheck(user: Any) -> None:
    if not access.has_any_role(user, access.RECHECK_ROLES | {"auditor"}):
        raise NotFound()


class DrawIn(Schema):
    year: YearField
    month: MonthField
    seed: int | None = Field(None, description="随机种子（省略则随机生成并存档）")


@router.post(
    "/rechecks",
    response=answers({201: dict}, "month_invalid", "month_in_future", (409, "draw_exists")),
    summary="抽取某月回头看样本",
)
def draw(request: HttpRequest, payload: DrawIn) -> Any:
    return Status(
        201,
        draw_out(
            recheck.do_draw(
                acting_user=request.user, year=payload.year, month=payload.month, seed=payload.seed
            )
        ),
    )


@router.get("/rechecks", response=answers(Page[dict[str, Any]]), summary="回头看抽样列表（分页）")
def list_draws(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    _require_recheck(request.user)
    return page_body(RecheckDraw.objects.all(), query, out=draw_out)


@router.get("/rechecks/{draw_id}/rederive", response=answers(dict), summary="重新推导并核对抽样")
def rederive(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    _require_recheck(request.user)
    found = RecheckDraw.objects.filter(pk=draw_id).first()
    if found is None:
        raise NotFound()
    result = recheck.rederive(found)
    return {"ok": result.ok, "sample_ok": result.sample_ok, "stored_population_ok": result.stored_population_ok,
            "current_population_same": result.current_population_same, "lines": result.lines}  # fmt: skip


class OutcomeIn(Schema):
    outcome: Literal["confirmed", "not_solved", "unreachable"] = Field(
        description="办结属实 / 办结不实 / 无法联系"
    )
    note: str = Field("", description="复核情况（办结不实必填）")


@router.post(
    "/rechecks/{draw_id}/cases/{ticket_id}/outcome",
    response=answers(
        dict,
        "outcome_invalid",
        "note_required",
        "too_long",
        (404, "not_in_sample"),
        (409, "outcome_recorded"),
        InvalidTransition,
    ),
    summary="登记回头看复核结果（办结不实则重办并计入责任单位）",
)
def outcome(request: HttpRequest, draw_id: int, ticket_id: int, payload: OutcomeIn) -> dict[str, Any]:
    item = recheck.do_record_outcome(
        acting_user=request.user,
        draw_id=draw_id,
        ticket_id=ticket_id,
        outcome=payload.outcome,
        note=payload.note,
    )
    return {"id": item.pk, "ticket_id": item.ticket_id, "unit_id": item.unit_id, "outcome": item.outcome}


# --- figures -----------------------------------------------------------------------------------------------


class RatingMonthQuery(Schema):
    year: YearField
    month: MonthField


@router.get("/figures", response=answers(dict), summary="单位月度指标与差评清单")
def figures(request: HttpRequest, query: Query[RatingMonthQuery]) -> dict[str, Any]:
    if not access.has_any_role(request.user, access.FIGURE_ROLES):
        raise NotFound()
    data = unit_month_figures(query.year, query.month)
    condition = access.unit_condition(request.user)
    bad = monthly_bad_ratings(query.year, query.month)
    if condition is not None:
        allowed = set(
            Unit.objects.filter(access.unit_condition(request.user, field="self")).values_list(
                "pk", flat=True
            )
        )  # type: ignore[arg-type]
        data = {k: v for k, v in data.items() if k in allowed}
        bad = bad.filter(condition)
    return {
        "year": query.year,
        "month": query.month,
        "units": [{"unit_id": k, **v} for k, v in sorted(data.items())],
        "bad_ratings": [rating_out(r) for r in bad[:1000]],
    }


# --- windows and devices ------------------------------------------------------------------------------------


class WindowIn(Schema):
    site_id: int = Field(description="政务服务场所（单位）ID")
    code: str = Field(description="窗口编号")
    name: str = Field(description="窗口名称")


def window_out(w: Window) -> dict[str, Any]:
    return {"id": w.pk, "site_id": w.site_id, "code": w.code, "name": w.name, "is_active": w.is_active,
            "qr_key": w.public_key}  # fmt: skip


@router.get("/windows", response=answers(Page[dict[str, Any]]), summary="窗口列表（分页）")
def list_windows(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return page_body(access.visible_windows(request.user), query, out=window_out)


@router.post(
    "/windows",
    response=answers(
        {201: dict},
        "site_invalid",
        "site_unknown",
        "code_required",
        "name_required",
        "too_long",
        (409, "window_exists"),
    ),
    summary="登记窗口",
)
def create_window(request: HttpRequest, payload: WindowIn) -> Any:
    window = actions.do_create_window(acting_user=request.user, site_id=payload.site_id, code=payload.code,
                                      name=payload.name)  # fmt: skip
    return Status(201, window_out(window))


class DeviceIn(Schema):
    site_id: int = Field(description="政务服务场所（单位）ID")
    name: str = Field(description="设备名称")
    window_id: int | None = Field(None, description="默认窗口ID")
    reversed_codes: bool = Field(False, description="设备按省级接口计分（1=非常不满意）")


@router.post(
    "/devices",
    response=answers(
        {201: dict}, "site_invalid", "site_unknown", "name_required", "too_long", "window_unknown"
    ),
    summary="登记评价器（密钥只返回这一次）",
)
def create_device(request: HttpRequest, payload: DeviceIn) -> Any:
    device, raw = actions.do_create_device(acting_user=request.user, site_id=payload.site_id, name=payload.name,
                                           window_id=payload.window_id, reversed_codes=payload.reversed_codes)  # fmt: skip
    return Status(201, {"id": device.pk, "key": raw, "key_prefix": device.key_prefix})


@router.post(
    "/devices/{device_id}/revoke",
    response=answers(dict, InvalidTransition, (409, "device_revoked")),
    summary="吊销评价器密钥",
)
def revoke_device(request: HttpRequest, device_id: int) -> dict[str, Any]:
    device: RatingDevice = actions.do_revoke_device(acting_user=request.user, device_id=device_id)
    return {"id": device.pk, "revoked_at": device.revoked_at or timezone.now()}
