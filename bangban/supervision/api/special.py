"""`/supervision/special`: 专项督查 (R14.1) — list, 立项, the list of items with their progress,
start, conclusions, close and the report; and `/supervision/notices/{id}/negative-cases`: the
负面典型案例 of a 通报 (R14.2). 营商办 only; the same actions as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import Conflict, InvalidTransition
from bangban.core.pagination import Page, PageNumber, PageSize, page_body

from .. import access, actions, special
from ..models import SpecialInspection, SpecialStatus
from ._common import router
from .rankings import SupervisionVersionIn

SPECIAL_ERRORS = [
    "title_invalid", "basis_invalid", "special_items_empty", "special_out_of_scope", "case_not_found",
    "verdict_invalid", "finding_required", "finding_invalid", InvalidTransition, Conflict,
    (404, "special_item_not_found"), (409, "special_not_planned"), (409, "special_not_active"),
    (409, "special_items_pending"),
]  # fmt: skip
NEGATIVE_ERRORS = [
    "case_not_found", "note_invalid", InvalidTransition, Conflict, (409, "notice_already_issued"),
    (409, "negative_case_exists"), (404, "negative_case_not_found"),
]  # fmt: skip


class SpecialOut(Schema):
    id: int
    title: str = Field(description="督查名称")
    basis: str = Field(description="督查依据与要求")
    status: str = Field(description="planned 立项 / active 督查中 / closed 已办结")
    created_at: dt.datetime
    started_at: dt.datetime | None
    closed_at: dt.datetime | None
    version: int = Field(description="版本号；修改时原样提交")


class SpecialItemOut(Schema):
    id: int
    kind: str = Field(description="mayor 市长直通车诉求 / meeting 政府会议议定事项")
    case_number: str | None = Field(description="诉求编号（市长直通车诉求）")
    task_id: int | None = Field(description="会议议定事项编号")
    title: str
    unit: str | None = Field(description="责任单位")
    due_at: dt.datetime | None = Field(description="办理期限")
    status_label: str = Field(description="办理状态")
    done: bool = Field(description="已办结（完成）")
    overdue: bool = Field(description="逾期")
    orders: int = Field(description="督办/催办次数")
    orders_open: int = Field(description="待答复的督办")
    result: str = Field(description="办理结果（议定事项的完成情况）")
    verdict: str = Field(description="pending 待核查 / done 已落实 / lagging 推进滞后 / not_done 未落实")
    finding: str = Field(description="督查意见")


class SpecialDetailOut(SpecialOut):
    items: list[SpecialItemOut]


class SpecialIn(Schema):
    title: str = Field(description="督查名称")
    basis: str = Field("", description="督查依据与要求")


class SpecialItemsIn(Schema):
    case_numbers: list[str] = Field(default_factory=list, description="市长直通车诉求的编号")
    task_ids: list[int] = Field(default_factory=list, description="政府会议议定事项的编号")
    version: int | None = Field(None, description="读取时的版本号（可选）")


class SpecialCheckIn(Schema):
    verdict: str = Field(description="done 已落实 / lagging 推进滞后 / not_done 未落实")
    finding: str = Field("", description="督查意见（推进滞后、未落实时必填）")
    version: int | None = Field(None, description="读取时的版本号（可选）")


class SpecialReportOut(Schema):
    final: bool = Field(description="true：办结时形成的报告；false：当前进展")
    title: str
    salutation: str
    sections: list[dict[str, Any]]
    totals: dict[str, int]


def _detail(inspection: SpecialInspection) -> dict[str, Any]:
    items = list(inspection.items.select_related("unit", "ticket"))
    rows = special.progress(items, timezone.now())
    return {
        **{f: getattr(inspection, f) for f in SpecialOut.model_fields},
        "items": [
            {
                "id": r["item"].pk,
                "kind": r["item"].kind,
                "case_number": r.get("number"),
                "task_id": r["item"].task_ref,
                "title": r["item"].title,
                "unit": r["item"].unit.name if r["item"].unit else None,
                "due_at": r["due_at"],
                "status_label": r["status_label"],
                "done": r["done"],
                "overdue": r["overdue"],
                "orders": r.get("orders") or 0,
                "orders_open": r.get("orders_open") or 0,
                "result": r["result"] or "",
                "verdict": r["item"].verdict,
                "finding": r["item"].finding,
            }
            for r in rows
        ],
    }


@router.get("/special", response=answers(Page[SpecialOut]), summary="专项督查列表（分页，可搜索）")
def list_specials(
    request: HttpRequest, q: str = "", status: str = "", page: PageNumber = 1, size: PageSize = 20
) -> Any:
    qs = access.visible_specials(request.user)
    if q.strip():
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(basis__icontains=q.strip()))
    if status in SpecialStatus.values:
        qs = qs.filter(status=status)
    return page_body(qs, page, size)


@router.post("/special", response=answers({201: SpecialOut}, SPECIAL_ERRORS), summary="专项督查立项")
def create_special(request: HttpRequest, payload: SpecialIn) -> Any:
    return Status(
        201,
        actions.do_create_special(request.user, title=payload.title, basis=payload.basis, now=timezone.now()),
    )


@router.get("/special/{inspection_id}", response=answers(SpecialDetailOut), summary="专项督查及各事项进展")
def get_special(request: HttpRequest, inspection_id: int) -> Any:
    return _detail(access.access_special(request.user, inspection_id))


@router.post(
    "/special/{inspection_id}/items",
    response=answers(SpecialDetailOut, SPECIAL_ERRORS),
    summary="纳入督查事项（市长直通车诉求、政府会议议定事项）",
)
def add_special_items(request: HttpRequest, inspection_id: int, payload: SpecialItemsIn) -> Any:
    access.access_special(request.user, inspection_id)
    actions.do_add_special_items(
        request.user, inspection_id, case_numbers=payload.case_numbers, task_ids=payload.task_ids,
        version=payload.version, now=timezone.now(),
    )  # fmt: skip
    return _detail(access.access_special(request.user, inspection_id))


@router.post(
    "/special/{inspection_id}/items/{item_id}/remove",
    response=answers(SpecialDetailOut, SPECIAL_ERRORS),
    summary="移出督查事项（立项阶段）",
)
def remove_special_item(
    request: HttpRequest, inspection_id: int, item_id: int, payload: SupervisionVersionIn
) -> Any:
    access.access_special(request.user, inspection_id)
    actions.do_remove_special_item(request.user, inspection_id, item_id, version=payload.version)
    return _detail(access.access_special(request.user, inspection_id))


@router.post(
    "/special/{inspection_id}/start", response=answers(SpecialOut, SPECIAL_ERRORS), summary="启动督查"
)
def start_special(request: HttpRequest, inspection_id: int, payload: SupervisionVersionIn) -> Any:
    access.access_special(request.user, inspection_id)
    return actions.do_start_special(request.user, inspection_id, version=payload.version, now=timezone.now())


@router.post(
    "/special/{inspection_id}/items/{item_id}/check",
    response=answers(SpecialDetailOut, SPECIAL_ERRORS),
    summary="登记督查结论",
)
def check_special_item(
    request: HttpRequest, inspection_id: int, item_id: int, payload: SpecialCheckIn
) -> Any:
    access.access_special(request.user, inspection_id)
    actions.do_check_special_item(
        request.user, inspection_id, item_id, verdict=payload.verdict, finding=payload.finding,
        version=payload.version, now=timezone.now(),
    )  # fmt: skip
    return _detail(access.access_special(request.user, inspection_id))


@router.post(
    "/special/{inspection_id}/close",
    response=answers(SpecialOut, SPECIAL_ERRORS),
    summary="办结并形成督查报告",
)
def close_special(request: HttpRequest, inspection_id: int, payload: SupervisionVersionIn) -> Any:
    access.access_special(request.user, inspection_id)
    return actions.do_close_special(request.user, inspection_id, version=payload.version, now=timezone.now())


@router.get(
    "/special/{inspection_id}/report",
    response=answers(SpecialReportOut),
    summary="督查报告（未办结时为当前进展）",
)
def special_report(request: HttpRequest, inspection_id: int) -> Any:
    inspection = access.access_special(request.user, inspection_id)
    report = special.report_of(inspection, timezone.now())
    return {
        "final": bool(inspection.report),
        "title": f"关于{inspection.title}情况的报告",
        "salutation": report.get("salutation", ""),
        "sections": report.get("sections", []),
        "totals": report.get("totals", {}),
    }


# --- 负面典型案例 of a 通报 ----------------------------------------------------------------------


class NegativeCaseOut(Schema):
    id: int
    number: str = Field(description="诉求编号")
    title: str
    unit_name: str = Field(description="责任单位")
    note: str = Field(description="说明")


class NegativeCaseIn(Schema):
    case_number: str = Field(description="诉求编号")
    note: str = Field(description="说明（300字以内）")
    version: int | None = Field(None, description="通报读取时的版本号（可选）")


@router.get(
    "/notices/{notice_id}/negative-cases",
    response=answers(list[NegativeCaseOut]),
    summary="通报的负面典型案例",
)
def list_negative_cases(request: HttpRequest, notice_id: int) -> Any:
    return actions.negative_rows(access.access_notice(request.user, notice_id))


@router.post(
    "/notices/{notice_id}/negative-cases",
    response=answers({201: list[NegativeCaseOut]}, NEGATIVE_ERRORS),
    summary="选入负面典型案例（已审核的通报退回草稿）",
)
def add_negative_case(request: HttpRequest, notice_id: int, payload: NegativeCaseIn) -> Any:
    access.access_notice(request.user, notice_id)
    actions.do_add_negative_case(
        request.user, notice_id, case_number=payload.case_number, note=payload.note, version=payload.version,
        now=timezone.now(),
    )  # fmt: skip
    return Status(201, actions.negative_rows(access.access_notice(request.user, notice_id)))


@router.post(
    "/notices/{notice_id}/negative-cases/{case_id}/remove",
    response=answers(list[NegativeCaseOut], NEGATIVE_ERRORS),
    summary="移出负面典型案例",
)
def remove_negative_case(
    request: HttpRequest, notice_id: int, case_id: int, payload: SupervisionVersionIn
) -> Any:
    access.access_notice(request.user, notice_id)
    actions.do_remove_negative_case(request.user, notice_id, case_id, version=payload.version)
    return actions.negative_rows(access.access_notice(request.user, notice_id))
