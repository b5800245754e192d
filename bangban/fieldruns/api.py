"""`/api/v1/fieldruns`: 局长跑现场 — book, record, cancel and close runs, make the problems found
rectification items or cases, report and verify items, and the yearly list with its figures — the
same actions and scope as the pages. Out of scope → 404 `not_found`; a broken rule → 400 with its
code (e.g. `findings_required`, `done_on_in_future`, `owner_unit_required`); a move the state does
not allow → 409 (`invalid_transition`, `open_items`, `findings_unhandled`)."""

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

from . import actions, figures, queries
from .access import access_run, sees_runs
from .models import Item, Run

router = Router(tags=["局长跑现场"])

STATE = [Conflict, InvalidTransition]
BOOK_ERRORS = [
    "service_required", "service_too_long", "place_required", "place_too_long", "kind_required", "invalid_kind",
    "role_required", "invalid_role", "planned_on_in_past",
]  # fmt: skip
RECORD_ERRORS = [
    "done_on_in_future", "steps_required", "steps_too_long", "minutes_required", "invalid_minutes",
    "findings_required", "findings_conflict", "checked_required", "too_many_findings", "finding_too_long", *STATE,
]  # fmt: skip
ITEM_ERRORS = [
    "finding_not_found", "owner_unit_required", "owner_unit_not_found", "owner_person_required",
    "owner_person_too_long", "deadline_required", "deadline_in_past", "deadline_not_workday", "invalid_workdays",
    "workdays_required", (409, "finding_handled"), *STATE,
]  # fmt: skip


class FieldRunIn(Schema):
    planned_on: dt.date = Field(description="计划日期（不早于今天）")
    service: str = Field(description="办理事项，如 企业开办、施工许可")
    place: str = Field(description="大厅或现场，如 市政务服务中心二楼综合窗口")
    kind: str = Field(description="方式：experience 体验 / check 体检")
    role: str = Field(description="身份：applicant 以申请人身份 / window 以窗口人员身份 / escort 陪同办理")


class FieldRunRecordIn(Schema):
    done_on: dt.date = Field(description="跑现场日期（不晚于今天）")
    steps: str = Field("", description="办理环节：走了哪些流程")
    minutes: int | None = Field(None, description="用时（分钟，1–1440）")
    findings: list[str] = Field(default_factory=list, description="发现的问题，每项一条")
    no_problem: bool = Field(False, description="未发现问题（此时 checked 必填，findings 须为空）")
    checked: str = Field("", description="检查内容：未发现问题时说明检查了哪些环节")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class FieldRunCancelIn(Schema):
    reason: str = Field("", description="取消原因")
    version: int | None = Field(None, description="读取时的版本号（可选）")


class FieldRunVersionIn(Schema):
    version: int | None = Field(None, description="读取时的版本号（可选）")


class FieldRunItemIn(Schema):
    finding_id: int = Field(description="发现问题ID")
    owner_unit_id: int | None = Field(None, description="责任单位ID（必填）")
    owner_person: str = Field("", description="责任人（必填）")
    requirement: str = Field("", description="整改要求")
    deadline: dt.date | None = Field(None, description="整改时限：截止日期（工作日，不早于今天）")
    workdays: int | None = Field(None, description="或：自今日起的工作日数（1–60），未填 deadline 时使用")
    version: int | None = Field(None, description="跑现场记录读取时的版本号（可选）")


class FieldRunReportIn(Schema):
    change: str = Field("", description="整改情况：改了什么、怎么改的（必填）")
    version: int | None = Field(None, description="整改事项读取时的版本号（可选）")


class FieldRunVerifyIn(Schema):
    verdict: str = Field(description="verify 核验销项 / send_back 退回重新整改")
    note: str = Field("", description="核验意见（退回时必填）")
    version: int | None = Field(None, description="整改事项读取时的版本号（可选）")


class FieldRunFindingOut(Schema):
    id: int = Field(description="发现问题ID")
    seq: int = Field(description="序号")
    text: str = Field(description="问题")
    case_number: str = Field(description="已转诉求的编号（未转为空）")
    item_id: int | None = Field(description="整改事项ID（未交办为空）")


class FieldRunItemOut(Schema):
    id: int = Field(description="整改事项ID")
    finding_id: int = Field(description="发现问题ID")
    finding: str = Field(description="问题")
    owner_unit_id: int = Field(description="责任单位ID")
    owner_unit_name: str = Field(description="责任单位")
    owner_person: str = Field(description="责任人")
    requirement: str = Field(description="整改要求")
    deadline: dt.date = Field(description="整改时限")
    status: str = Field(description="状态：open 整改中 / reported 整改完成待核验 / verified 已核验销项")
    overdue: bool = Field(description="是否超期（整改中且已过时限）")
    change: str = Field(description="整改情况")
    done_on: dt.date | None = Field(description="整改完成日期")
    verify_note: str = Field(description="核验意见")
    version: int = Field(description="版本号")


class FieldRunOut(Schema):
    id: int = Field(description="跑现场记录ID")
    number: str = Field(description="编号")
    unit_id: int = Field(description="单位ID")
    unit_name: str = Field(description="单位")
    runner: str = Field(description="跑现场人")
    planned_on: dt.date = Field(description="计划日期")
    service: str = Field(description="办理事项")
    place: str = Field(description="大厅或现场")
    kind: str = Field(description="方式：experience / check")
    role: str = Field(description="身份：applicant / window / escort")
    status: str = Field(
        description="状态：booked 已预约 / done 已完成 / rectifying 整改中 / closed 已销号 / cancelled 已取消"
    )
    done_on: dt.date | None = Field(description="跑现场日期")
    steps: str = Field(description="办理环节")
    minutes: int | None = Field(description="用时（分钟）")
    no_problem: bool = Field(description="未发现问题")
    checked: str = Field(description="检查内容")
    cancel_reason: str = Field(description="取消原因")
    findings: list[FieldRunFindingOut] = Field(description="发现问题")
    items: list[FieldRunItemOut] = Field(description="整改事项")
    version: int = Field(description="版本号；办理时原样提交")


class FieldRunListOut(Schema):
    id: int = Field(description="跑现场记录ID")
    number: str = Field(description="编号")
    unit_name: str = Field(description="单位")
    runner: str = Field(description="跑现场人")
    run_day: dt.date = Field(description="跑现场日期（未完成为计划日期）")
    service: str = Field(description="办理事项")
    status: str = Field(description="状态")
    open_items: int = Field(description="未销项的整改事项")
    overdue_items: int = Field(description="超期未改的整改事项")


class FieldRunListQuery(PageQuery):
    year: str | None = Field(None, description="年份，如 2026")
    status: str | None = Field(None, description="状态")
    unit: str | None = Field(None, description="单位ID")
    q: str | None = Field(None, description="编号、办理事项或地点包含的文字")
    overdue: str | None = Field(None, description="1：仅有超期整改事项的")


class FieldRunFigureOut(Schema):
    unit_id: int = Field(description="单位ID")
    unit_name: str = Field(description="单位")
    runs: int = Field(description="跑现场次数")
    findings: int = Field(description="发现问题")
    items: int = Field(description="整改事项")
    items_verified: int = Field(description="已销项")
    items_on_time: int = Field(description="按期完成（已销项且整改完成日不晚于时限）")
    items_overdue: int = Field(description="超期未改")
    cases: int = Field(description="转为诉求")


class FieldRunYearOut(Schema):
    year: int = Field(description="年份")
    units: list[FieldRunFigureOut] = Field(description="各单位统计（定义见 docs/fieldruns.md）")
    runs: list[FieldRunOut] = Field(description="年度清单：本年已记录的跑现场")


def _today() -> dt.date:
    return timezone.localdate()


def item_out(i: Item, today: dt.date) -> dict[str, Any]:
    return {
        "id": i.pk, "finding_id": i.finding_id, "finding": i.finding.text, "owner_unit_id": i.owner_unit_id,
        "owner_unit_name": i.owner_unit.name, "owner_person": i.owner_person, "requirement": i.requirement,
        "deadline": i.deadline, "status": i.status, "overdue": figures.is_overdue(i, today), "change": i.change,
        "done_on": i.done_on, "verify_note": i.verify_note, "version": i.version,
    }  # fmt: skip


def run_out(r: Run, today: dt.date, prefetched: bool = False) -> dict[str, Any]:
    findings = list(r.findings.all()) if prefetched else queries.findings_of(r)
    items = list(r.items.all()) if prefetched else queries.items_of(r)
    item_of = {i.finding_id: i.pk for i in items}
    return {
        "id": r.pk, "number": r.number, "unit_id": r.unit_id, "unit_name": r.unit.name,
        "runner": r.runner.display_name, "planned_on": r.planned_on, "service": r.service, "place": r.place,
        "kind": r.kind, "role": r.role, "status": r.status, "done_on": r.done_on, "steps": r.steps,
        "minutes": r.minutes, "no_problem": r.no_problem, "checked": r.checked, "cancel_reason": r.cancel_reason,
        "findings": [
            {"id": f.pk, "seq": f.seq, "text": f.text, "case_number": f.case.number if f.case else "",
             "item_id": item_of.get(f.pk)} for f in findings
        ],
        "items": [item_out(i, today) for i in items],
        "version": r.version,
    }  # fmt: skip


def _detail(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return run_out(access_run(request.user, run_id), _today())


def list_out(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk, "number": r.number, "unit_name": r.unit.name, "runner": r.runner.display_name,
        "run_day": r.run_day, "service": r.service, "status": r.status, "open_items": r.open_items,
        "overdue_items": r.overdue_items,
    }  # fmt: skip


@router.get(
    "/runs", response=answers(Page[FieldRunListOut], "invalid_year", "invalid_status"), summary="跑现场记录"
)
def list_runs(request: HttpRequest, query: Query[FieldRunListQuery]) -> Any:
    if not sees_runs(request.user):
        raise NotFound()
    params = {k: v for k, v in query.dict(exclude={"page", "size"}).items() if v is not None}
    return page_body(queries.run_list(request.user, params, _today()), query, out=list_out)


@router.post("/runs", response=answers({201: FieldRunOut}, BOOK_ERRORS), summary="预约跑现场（单位负责人）")
def book_run(request: AuthedHttpRequest, payload: FieldRunIn) -> Any:
    data = actions.RunInput(**payload.dict())
    run = actions.do_book_run(acting_user=request.user, data=data, now=timezone.now())
    return Status(201, _detail(request, run.pk))


@router.get("/runs/{run_id}", response=answers(FieldRunOut), summary="跑现场记录详情")
def get_run(request: HttpRequest, run_id: int) -> Any:
    return _detail(request, run_id)


@router.post(
    "/runs/{run_id}/record",
    response=answers(FieldRunOut, RECORD_ERRORS),
    summary="记录跑现场：日期、环节、用时、发现的问题",
    description="须记录至少一个问题，或 no_problem=true 并在 checked 中说明检查了哪些环节，否则 400 findings_required。",
)
def record_run(request: AuthedHttpRequest, run_id: int, payload: FieldRunRecordIn) -> Any:
    data = actions.RecordInput(**payload.dict(exclude={"version"}))
    actions.do_record_run(
        acting_user=request.user, run_id=run_id, data=data, version=payload.version, now=timezone.now()
    )
    return _detail(request, run_id)


@router.post(
    "/runs/{run_id}/cancel",
    response=answers(FieldRunOut, "reason_required", "reason_too_long", *STATE),
    summary="取消跑现场预约",
)
def cancel_run(request: AuthedHttpRequest, run_id: int, payload: FieldRunCancelIn) -> Any:
    actions.do_cancel_run(
        acting_user=request.user,
        run_id=run_id,
        reason=payload.reason,
        version=payload.version,
        now=timezone.now(),
    )
    return _detail(request, run_id)


@router.post(
    "/runs/{run_id}/items",
    response=answers({201: FieldRunItemOut}, ITEM_ERRORS),
    summary="把发现的问题交办为整改事项",
)
def add_item(request: AuthedHttpRequest, run_id: int, payload: FieldRunItemIn) -> Any:
    data = actions.ItemInput(**payload.dict(exclude={"version"}))
    item = actions.do_add_item(
        acting_user=request.user, run_id=run_id, data=data, version=payload.version, now=timezone.now()
    )
    return Status(
        201, item_out(Item.objects.select_related("owner_unit", "finding").get(pk=item.pk), _today())
    )


@router.post(
    "/runs/{run_id}/close",
    response=answers(
        FieldRunOut, Conflict, InvalidTransition, (409, "open_items"), (409, "findings_unhandled")
    ),
    summary="跑现场销号（全部问题已整改销项或转为诉求）",
)
def close_run(request: AuthedHttpRequest, run_id: int, payload: FieldRunVersionIn) -> Any:
    actions.do_close_run(acting_user=request.user, run_id=run_id, version=payload.version, now=timezone.now())
    return _detail(request, run_id)


@router.post(
    "/findings/{finding_id}/case",
    response=answers(FieldRunFindingOut, "finding_not_found", (409, "finding_handled"), InvalidTransition),
    summary="把发现的问题转为诉求（“办不成事”窗口受理）",
)
def raise_case(request: AuthedHttpRequest, finding_id: int) -> Any:
    finding = actions.do_raise_case(acting_user=request.user, finding_id=finding_id, now=timezone.now())
    return {"id": finding.pk, "seq": finding.seq, "text": finding.text, "case_number": finding.case.number if finding.case else "",
            "item_id": None}  # fmt: skip


@router.post(
    "/items/{item_id}/report",
    response=answers(FieldRunItemOut, "change_required", "change_too_long", *STATE),
    summary="报告整改完成（责任单位或跑现场单位负责人）",
)
def report_item(request: AuthedHttpRequest, item_id: int, payload: FieldRunReportIn) -> Any:
    item = actions.do_report_item(
        acting_user=request.user,
        item_id=item_id,
        change=payload.change,
        version=payload.version,
        now=timezone.now(),
    )
    return item_out(item, _today())


@router.post(
    "/items/{item_id}/verify",
    response=answers(FieldRunItemOut, "invalid_verdict", "note_required", *STATE),
    summary="核验整改事项：核验销项或退回",
)
def verify_item(request: AuthedHttpRequest, item_id: int, payload: FieldRunVerifyIn) -> Any:
    item = actions.do_verify_item(
        acting_user=request.user, item_id=item_id, verdict=payload.verdict, note=payload.note,
        version=payload.version, now=timezone.now(),
    )  # fmt: skip
    return item_out(item, _today())


@router.get("/yearly", response=answers(FieldRunYearOut, "invalid_year"), summary="年度清单与各单位统计")
def yearly(request: HttpRequest, year: str = "", unit: str = "") -> Any:
    if not sees_runs(request.user):
        raise NotFound()
    today = _today()
    number = figures.parse_year(year, today.year)
    runs = list(figures.yearly_runs(request.user, number, unit))
    totals = figures.unit_figures(runs, today)
    return {
        "year": number,
        "units": [{"unit_id": u.unit_id, "unit_name": u.unit_name, **dict(zip(figures.FIGURE_FIELDS, u.values(), strict=True))}
                  for u in totals.units],
        "runs": [run_out(r, today, prefetched=True) for r in runs],
    }  # fmt: skip
