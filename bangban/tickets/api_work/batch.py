"""`POST /cases/batch/dispatch`: several cases dispatched in one request (批量派单), each in its own
transaction through the same action as `POST /cases/{id}/dispatch` (`dispatch_batch.py`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from bangban.core.answers import answers

from ..dispatch_batch import ALREADY_DISPATCHED, MAX_BATCH, UNIT_REQUIRED, DispatchOrder, dispatch_many
from ..schemas import CaseSummaryOut, case_summary
from ._common import router


class DispatchBatchItemIn(Schema):
    case_id: int = Field(description="诉求ID")
    version: int = Field(
        description="读取诉求时得到的版本号；他人已修改时该件失败（conflict 或 already_dispatched）"
    )
    lead_unit_id: int | None = Field(
        None,
        description="主办单位ID；省略时采用该诉求的建议（派单页面预填的建议主办单位，及置信度达标的建议分类），"
        "没有建议时该件失败（unit_required）",
    )
    co_unit_ids: list[int] = Field(default_factory=list, description="协办单位ID（与主办单位相同的会被忽略）")
    urgency: str | None = Field(None, description="改定紧急程度：urgent / general / complex")
    category_id: int | None = Field(
        None, description="改定诉求分类ID；省略时不变（或采用建议，见 lead_unit_id）"
    )
    note: str = Field("", description="派单意见（仅内部可见）")
    lead_reason: str = Field(
        "",
        description="首问负责：主办单位不是受理（首问）单位时的理由；未填该件返回 lead_change_reason_required",
    )


class DispatchBatchIn(Schema):
    items: list[DispatchBatchItemIn] = Field(
        description=f"要派出的诉求，每次 1–{MAX_BATCH} 件，同一诉求只能出现一次"
    )


class DispatchBatchItemOut(Schema):
    index: int = Field(description="在请求 items 中的位置（从 0 起）")
    case_id: int = Field(description="诉求ID")
    status: str = Field(description="dispatched 已派出 / rejected 未派出（见 code、message）")
    number: str | None = Field(description="诉求编号（调用者无权查看的诉求为 null）")
    code: str | None = Field(
        description="未派出的原因代码：already_dispatched 已由他人（或此前的提交）派出，未重复派单；"
        "conflict 诉求已被他人修改；invalid_transition 诉求已不在待派单（已合并、撤回、当场办结）；"
        "unit_required 没有建议的主办单位；not_found 诉求不存在或不在调用者范围内；"
        "permission_denied 不能由派单员派出（如市长直通车审核中）；以及单件派单的输入错误码"
        "（unit_invalid、unit_inactive、lead_is_co_handler、urgency_invalid、category_invalid、"
        "deadline_rule_missing、note_invalid、lead_change_reason_required 等）"
    )
    message: str = Field(description="结果说明（中文）")
    case: CaseSummaryOut | None = Field(description="派出后的诉求摘要（含新的版本号）；未派出时为 null")


class DispatchBatchOut(Schema):
    dispatched: int = Field(description="派出的件数")
    rejected: int = Field(description="未派出的件数")
    results: list[DispatchBatchItemOut] = Field(description="每件的结果，顺序与请求相同")


@router.post(
    "/batch/dispatch",
    response=answers(DispatchBatchOut, "batch_empty", "batch_too_large", "batch_duplicate_case"),
    summary="批量派单",
    description=(
        f"一次派出最多 {MAX_BATCH} 件待派单的诉求（派单页面的“批量派单”和键盘派单也用它的页面版本）。"
        "每件在各自的事务中按单件派单（POST /cases/{id}/dispatch）办理：加锁、版本核对、办理记录、审计和通知"
        "与单件相同；一件失败不影响其他件，整个请求仍返回 200，每件的结果见 results（status、code、message）。"
        f"重复提交已派出的诉求不会重复派单，该件返回 {ALREADY_DISPATCHED} 并说明由谁何时派至何单位。"
        f"省略 lead_unit_id 时采用该诉求的建议主办单位，没有建议时该件返回 {UNIT_REQUIRED}。"
        "整批不受理（什么也不派）：调用者不是派单员（403 permission_denied）、items 为空（400 batch_empty）、"
        f"超过 {MAX_BATCH} 件（400 batch_too_large）、同一诉求出现两次（400 batch_duplicate_case）。"
    ),
)
def dispatch_cases_batch(request: HttpRequest, payload: DispatchBatchIn) -> Any:
    orders = [
        DispatchOrder(
            ticket_id=item.case_id,
            version=item.version,
            lead_unit_id=item.lead_unit_id,
            co_unit_ids=item.co_unit_ids,
            urgency=item.urgency,
            category_id=item.category_id,
            note=item.note,
            lead_reason=item.lead_reason,
        )
        for item in payload.items
    ]
    outcomes = dispatch_many(acting_user=request.user, orders=orders)
    results = [
        {
            "index": i,
            "case_id": o.ticket_id,
            "status": "dispatched" if o.ok else "rejected",
            "number": o.number or None,
            "code": o.code or None,
            "message": o.message,
            "case": case_summary(o.ticket) if o.ticket is not None else None,
        }
        for i, o in enumerate(outcomes)
    ]
    done = sum(1 for o in outcomes if o.ok)
    return {"dispatched": done, "rejected": len(outcomes) - done, "results": results}
