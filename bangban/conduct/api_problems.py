"""`/api/v1/conduct/designations` and `/api/v1/conduct/problems` (R7.1): the 直通车企业 and 作风观察点
register, 作风办's 电话回访, and the 问题清单 with 转办 and 直接办结 — the same actions and scope as the
pages. A bad field → 400 with its code; a second 转办/办结 or a stale version → 409; out of scope →
404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict, InvalidTransition, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from . import actions, queries_problems
from .access import visible_designations, visible_problems
from .models import Designation, ProblemItem

router = Router(tags=["作风建设与涉企执法"])

DESIGNATE_ERRORS = ["already_designated", "ends_before_start", "enterprise_required", "invalid_ends_on",
                    "invalid_kind", "invalid_starts_on", "starts_on_required"]  # fmt: skip
END_ERRORS = ["ends_before_start", "ends_on_required", "invalid_ends_on", Conflict, (409, "already_ended")]
CALL_ERRORS = ["called_in_future", "called_on_required", "called_too_long_ago", "contact_required",
               "contact_too_long", "enterprise_required", "invalid_called_on", "not_designated",
               "problem_too_long", "satisfied_required", "too_many_problems"]  # fmt: skip
PROBLEM_ERRORS = ["enterprise_required", "found_in_future", "found_on_required", "found_too_long_ago",
                  "invalid_found_on", "invalid_source", "item_not_found", "item_required", "region_required",
                  "text_required", "text_too_long", "unit_not_found"]  # fmt: skip
TRANSFER_ERRORS = ["invalid_urgency", "unit_not_found", "unit_required", Conflict, InvalidTransition,
                   (409, "already_handled")]  # fmt: skip
RESOLVE_ERRORS = ["note_required", "note_too_long", Conflict, InvalidTransition, (409, "already_handled")]
LIST_ERRORS = ["invalid_kind", "invalid_status", "invalid_region"]
PROBLEM_LIST_ERRORS = ["invalid_source", "invalid_progress", "invalid_region", "invalid_month"]


class ZtcDesignationOut(Schema):
    id: int = Field(description="ID")
    enterprise_id: int = Field(description="企业ID")
    enterprise_name: str = Field(description="企业名称")
    region_code: str = Field(description="企业所属区划代码")
    kind: str = Field(description="through_train 直通车企业 / observation 作风观察点")
    kind_label: str = Field(description="类型名称")
    starts_on: dt.date = Field(description="起始日期")
    ends_on: dt.date | None = Field(description="截止日期（空为长期）")
    note: str = Field(description="说明")
    end_note: str = Field(description="终止说明")
    version: int = Field(description="版本号；终止时原样提交")


class ZtcDesignationIn(Schema):
    enterprise_id: int = Field(description="企业ID")
    kind: str = Field(description="through_train 直通车企业 / observation 作风观察点")
    starts_on: dt.date = Field(description="起始日期")
    ends_on: dt.date | None = Field(None, description="截止日期（不填为长期）")
    note: str = Field("", description="说明")


class ZtcDesignationEndIn(Schema):
    ends_on: dt.date = Field(description="最后一天（不早于起始日期）")
    note: str = Field("", description="终止说明")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class ZtcDesignationQuery(PageQuery):
    kind: str | None = Field(None, description="类型")
    status: str | None = Field(
        None, description="active 有效（默认）/ upcoming 未开始 / ended 已终止 / all 全部"
    )
    region: str | None = Field(None, description="区划代码（含下级）")
    q: str | None = Field(None, description="企业名称或信用代码包含的文字")


class ZtcReturnCallIn(Schema):
    enterprise_id: int = Field(description="企业ID（须为回访日的直通车企业或观察点）")
    called_on: dt.date = Field(description="回访日期")
    contact: str = Field(description="受访人")
    satisfied: bool = Field(description="企业是否满意")
    note: str = Field("", description="回访情况")
    problems: list[str] = Field([], description="企业反映的问题，每条成为一个问题清单事项")


class ZtcReturnCallOut(Schema):
    id: int = Field(description="回访ID")
    enterprise_id: int = Field(description="企业ID")
    called_on: dt.date = Field(description="回访日期")
    satisfied: bool = Field(description="是否满意")
    problem_ids: list[int] = Field(description="生成的问题清单事项ID")


class ZtcProblemOut(Schema):
    id: int = Field(description="问题ID")
    source: str = Field(description="symposium 座谈会 / covert 明察暗访 / callback 电话回访 / other 其他")
    source_ref: str = Field(description="来源说明")
    enterprise_id: int | None = Field(description="企业ID")
    enterprise_name: str = Field(description="企业名称")
    region_code: str = Field(description="地区代码")
    region_name: str = Field(description="地区")
    text: str = Field(description="问题描述")
    found_on: dt.date = Field(description="发现日期")
    cited_item_id: int | None = Field(description="涉及负面清单事项ID")
    unit_id: int | None = Field(description="责任单位ID")
    unit_name: str = Field(description="责任单位")
    state: str = Field(description="pending 待转办 / transferred 已转办 / resolved 直接办结")
    progress: str = Field(
        description="pending 待转办 / in_progress 办理中 / closed 已办结 / resolved 直接办结 / "
        "set_aside 诉求已合并或撤回（已转办的进度取自诉求）"
    )
    progress_label: str = Field(description="进度名称")
    overdue: bool = Field(description="诉求已超过办理期限仍未办结")
    case_id: int | None = Field(description="转办诉求ID")
    case_number: str = Field(description="转办诉求编号")
    case_due_at: dt.datetime | None = Field(description="诉求办理期限")
    closed_note: str = Field(description="直接办结说明")
    version: int = Field(description="版本号；转办、办结时原样提交")


class ZtcProblemIn(Schema):
    source: str = Field(description="symposium 座谈会 / covert 明察暗访 / callback 电话回访 / other 其他")
    source_ref: str = Field("", description="来源说明（如座谈会名称、暗访窗口）")
    enterprise_id: int | None = Field(None, description="企业ID（座谈会、电话回访必填）")
    region_code: str = Field("", description="地区代码（未选企业时必填）")
    text: str = Field(description="问题描述")
    found_on: dt.date = Field(description="发现日期")
    item_id: int | None = Field(None, description="涉及负面清单事项ID（选填）")
    unit_id: int | None = Field(None, description="拟转办的责任单位ID（选填）")


class ZtcTransferIn(Schema):
    unit_id: int | None = Field(None, description="责任单位ID（主办；不填用登记时的拟转办单位）")
    urgency: str = Field("general", description="urgent 紧急 / general 一般 / complex 复杂（决定办理时限）")
    note: str = Field("", description="转办意见")
    version: int | None = Field(None, description="读取时的版本号（可选）")


class ZtcResolveIn(Schema):
    note: str = Field(description="办结说明")
    version: int | None = Field(None, description="读取时的版本号（可选）")


class ZtcProblemQuery(PageQuery):
    source: str | None = Field(None, description="问题来源")
    progress: str | None = Field(
        None,
        description="pending / in_progress / closed / resolved / set_aside / open 未办结 / overdue 已超期",
    )
    region: str | None = Field(None, description="地区代码（含下级）")
    unit: str | None = Field(None, description="责任单位ID")
    month: str | None = Field(None, description="发现月份，如 2026-11")
    q: str | None = Field(None, description="问题描述、企业名称包含的文字或诉求编号")


def designation_out(d: Designation) -> dict[str, Any]:
    return {
        "id": d.pk,
        "enterprise_id": d.enterprise_id,
        "enterprise_name": d.enterprise.name,
        "region_code": d.enterprise.region.code,
        "kind": d.kind,
        "kind_label": d.get_kind_display(),
        "starts_on": d.starts_on,
        "ends_on": d.ends_on,
        "note": d.note,
        "end_note": d.end_note,
        "version": d.version,
    }


def problem_out(item: ProblemItem, now: dt.datetime) -> dict[str, Any]:
    progress = queries_problems.problem_progress(item)
    case = item.case if item.case_id else None
    return {
        "id": item.pk,
        "source": item.source,
        "source_ref": item.source_ref,
        "enterprise_id": item.enterprise_id,
        "enterprise_name": item.enterprise.name if item.enterprise_id and item.enterprise else "",
        "region_code": item.region.code,
        "region_name": item.region.name,
        "text": item.text,
        "found_on": item.found_on,
        "cited_item_id": item.cited_item_id,
        "unit_id": item.unit_id,
        "unit_name": item.unit.name if item.unit_id and item.unit else "",
        "state": item.state,
        "progress": progress,
        "progress_label": queries_problems.PROGRESS[progress],
        "overdue": queries_problems.is_overdue(item, now),
        "case_id": item.case_id,
        "case_number": case.number if case else "",
        "case_due_at": case.due_at if case else None,
        "closed_note": item.closed_note,
        "version": item.version,
    }


def _params(query: Any) -> dict[str, Any]:
    return {k: v for k, v in query.dict(exclude={"page", "size"}).items() if v is not None}


def _designation(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = visible_designations(request.user).select_related("enterprise__region").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return designation_out(found)


def _problem(request: HttpRequest, pk: int) -> dict[str, Any]:
    qs = visible_problems(request.user).select_related("enterprise", "region", "unit", "case")
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return problem_out(found, timezone.now())


@router.get(
    "/designations", response=answers(Page[ZtcDesignationOut], LIST_ERRORS), summary="直通车企业与作风观察点"
)
def list_designations(request: HttpRequest, query: Query[ZtcDesignationQuery]) -> Any:
    qs = queries_problems.designation_list(request.user, _params(query), timezone.localdate())
    return page_body(qs, query, out=designation_out)


@router.post(
    "/designations",
    response=answers({201: ZtcDesignationOut}, DESIGNATE_ERRORS),
    summary="确定直通车企业或作风观察点（作风办）",
    description="同一企业同一类型的有效期不能重叠（400 already_designated）。",
)
def designate(request: AuthedHttpRequest, payload: ZtcDesignationIn) -> Any:
    d = actions.do_designate(acting_user=request.user, now=timezone.now(), **payload.dict())
    return Status(201, _designation(request, d.pk))


@router.post(
    "/designations/{designation_id}/end",
    response=answers(ZtcDesignationOut, END_ERRORS),
    summary="终止直通车企业或作风观察点（作风办）",
)
def end_designation(request: AuthedHttpRequest, designation_id: int, payload: ZtcDesignationEndIn) -> Any:
    d = actions.do_end_designation(
        acting_user=request.user, designation_id=designation_id, now=timezone.now(), **payload.dict()
    )
    return _designation(request, d.pk)


@router.post(
    "/return-calls",
    response=answers({201: ZtcReturnCallOut}, CALL_ERRORS),
    summary="登记电话回访（作风办）",
    description="企业反映的每个问题成为一个待转办的问题清单事项（来源：电话回访）。",
)
def record_return_call(request: AuthedHttpRequest, payload: ZtcReturnCallIn) -> Any:
    call = actions.do_record_return_call(acting_user=request.user, now=timezone.now(), **payload.dict())
    return Status(
        201,
        {
            "id": call.pk,
            "enterprise_id": call.enterprise_id,
            "called_on": call.called_on,
            "satisfied": call.satisfied,
            "problem_ids": list(call.problems.order_by("pk").values_list("pk", flat=True)),
        },
    )


@router.get("/problems", response=answers(Page[ZtcProblemOut], PROBLEM_LIST_ERRORS), summary="问题清单")
def list_problems(request: HttpRequest, query: Query[ZtcProblemQuery]) -> Any:
    now = timezone.now()
    qs = queries_problems.problem_list(request.user, _params(query), now)
    return page_body(qs, query, out=lambda item: problem_out(item, now))


@router.get("/problems/{item_id}", response=answers(ZtcProblemOut), summary="问题清单事项")
def get_problem(request: HttpRequest, item_id: int) -> Any:
    return _problem(request, item_id)


@router.post(
    "/problems", response=answers({201: ZtcProblemOut}, PROBLEM_ERRORS), summary="登记问题清单事项（作风办）"
)
def record_problem(request: AuthedHttpRequest, payload: ZtcProblemIn) -> Any:
    item = actions.do_record_problem(
        acting_user=request.user, data=actions.ProblemInput(**payload.dict()), now=timezone.now()
    )
    return Status(201, _problem(request, item.pk))


@router.post(
    "/problems/{item_id}/transfer",
    response=answers(ZtcProblemOut, TRANSFER_ERRORS),
    summary="转办（作风办）",
    description="生成一件“作风直通车”诉求并直接派至责任单位主办，按渠道和紧急程度起算办理时限；"
    "此后事项的进度取自该诉求（答复或办结即为已办结）。",
)
def transfer_problem(request: AuthedHttpRequest, item_id: int, payload: ZtcTransferIn) -> Any:
    actions.do_transfer_problem(
        acting_user=request.user, item_id=item_id, now=timezone.now(), **payload.dict()
    )
    return _problem(request, item_id)


@router.post(
    "/problems/{item_id}/resolve",
    response=answers(ZtcProblemOut, RESOLVE_ERRORS),
    summary="直接办结（作风办）",
)
def resolve_problem(request: AuthedHttpRequest, item_id: int, payload: ZtcResolveIn) -> Any:
    actions.do_resolve_problem(
        acting_user=request.user, item_id=item_id, now=timezone.now(), **payload.dict()
    )
    return _problem(request, item_id)
