"""`/api/v1/conduct`: the 负面清单, the 入企登记簿 (entries, the time out, the enterprise's answer,
unregistered entries) and 作风办's flags — the same actions and scope as the pages. Out of scope →
404 `not_found`; a broken rule → 400 with the rule's code (e.g. `purpose_required`,
`task_number_required`, `gate_code_expired`); a second answer → 409."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict, InvalidTransition, NotFound
from bangban.core.pagination import Page, PageQuery, page_body

from . import actions, queries
from .access import access_entry, can_read
from .models import Entry, Flag, NegativeListItem, NegativeListVersion

router = Router(tags=["作风建设与涉企执法"])

ENTRY_ERRORS = [
    *("description_required", "description_too_long", "enterprise_not_found", "enterprise_required",
      "entered_in_future", "entered_too_long_ago", "gate_code_expired", "gate_code_invalid",
      "gate_code_other_enterprise", "invalid_entered_at", "invalid_purpose", "legal_basis_required",
      "purpose_required", "task_number_required"),
    (409, "already_on_site"),
]  # fmt: skip
LEAVE_ERRORS = [
    *("invalid_left_at", "left_before_entered", "left_in_future", "left_too_long_ago"),
    Conflict,
    InvalidTransition,
    (409, "already_left"),
]  # fmt: skip
RESPONSE_ERRORS = [
    *("invalid_decision", "item_not_found", "item_required", "report_note_required"),
    Conflict,
    InvalidTransition,
    (409, "already_responded"),
]  # fmt: skip
REPORT_ERRORS = [
    *("description_required", "description_too_long", "invalid_occurred_on", "item_not_found", "item_required",
      "occurred_in_future", "occurred_on_required", "occurred_too_long_ago", "unit_name_required",
      "unit_name_too_long"),
]  # fmt: skip
LIST_ERRORS = ["effective_in_past", "effective_not_after_latest", "effective_from_required", "invalid_effective_from",
               "item_title_required", "items_required", "duplicate_item_code", "title_required", "title_too_long",
               "too_many_items"]  # fmt: skip


class NegativeItemOut(Schema):
    id: int = Field(description="事项ID（反映入企不当时引用）")
    code: str = Field(description="编号")
    title: str = Field(description="事项")
    description: str = Field(description="具体表现")


class NegativeListOut(Schema):
    id: int = Field(description="版本ID")
    number: int = Field(description="版本号")
    title: str = Field(description="清单名称")
    effective_from: dt.date = Field(description="生效日期")
    note: str = Field(description="修订说明")
    items: list[NegativeItemOut] = Field(description="事项")


class NegativeItemIn(Schema):
    code: str = Field("", description="编号（不填按顺序编号）")
    title: str = Field(description="事项")
    description: str = Field("", description="具体表现")


class NegativeListIn(Schema):
    title: str = Field(description="清单名称")
    effective_from: dt.date = Field(description="生效日期：今天或以后，且晚于现行版本的生效日期")
    note: str = Field("", description="修订说明")
    items: list[NegativeItemIn] = Field(description="全部事项（新版本取代旧版本，旧版本保留为历史）")


class EntryOut(Schema):
    id: int = Field(description="入企登记ID")
    enterprise_id: int = Field(description="企业ID")
    enterprise_name: str = Field(description="企业名称")
    official_id: int = Field(description="登记人用户ID")
    official_name: str = Field(description="登记人姓名")
    unit_id: int = Field(description="单位ID")
    unit_name: str = Field(description="单位名称")
    purpose: str = Field(
        description="入企事由：research 调研 / visit 参观 / inspection 检查 / enforcement 执法"
    )
    description: str = Field(description="具体事项")
    companions: str = Field(description="同行人员")
    legal_basis: str = Field(description="检查依据")
    task_number: str = Field(description="任务编号")
    entered_at: dt.datetime = Field(description="入企时间")
    left_at: dt.datetime | None = Field(description="离开时间")
    presence: str = Field(description="on_site 在企业 / left 已离开")
    via_gate: bool = Field(description="是否扫企业二维码登记")
    response: str = Field(description="企业确认：pending 待确认 / confirmed 已确认 / reported 反映不当")
    response_note: str = Field(description="企业意见")
    breached_item_id: int | None = Field(description="企业反映违反的负面清单事项ID")
    breached_item_title: str = Field(description="企业反映违反的负面清单事项")
    flags: list[str] = Field(description="作风预警类型（最近一次计算）")
    version: int = Field(description="版本号；登记离开或确认时原样提交")


class EntryQuery(PageQuery):
    month: str | None = Field(None, description="入企月份，如 2026-11")
    purpose: str | None = Field(None, description="入企事由")
    response: str | None = Field(None, description="企业确认状态")
    on_site: str | None = Field(None, description="1：仅尚未离开的")
    enterprise: str | None = Field(None, description="企业ID")
    q: str | None = Field(None, description="企业、登记人或单位名称包含的文字")


class EntryIn(Schema):
    enterprise_id: int | None = Field(None, description="企业ID（扫码登记时可不填，以二维码为准）")
    gate_token: str = Field("", description="企业入企二维码中的令牌（扫码登记时提交）")
    purpose: str = Field(description="research 调研 / visit 参观 / inspection 检查 / enforcement 执法")
    description: str = Field(description="具体事项")
    companions: str = Field("", description="同行人员")
    legal_basis: str = Field("", description="检查依据（检查、执法必填）")
    task_number: str = Field("", description="检查任务编号（检查必填）")
    entered_at: dt.datetime | None = Field(None, description="入企时间（不填为现在）")


class LeaveIn(Schema):
    left_at: dt.datetime | None = Field(None, description="离开时间（不填为现在）")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class EntryResponseIn(Schema):
    decision: str = Field(description="confirm 确认 / report 反映入企不当")
    item_id: int | None = Field(None, description="违反的负面清单事项ID（反映不当时必填）")
    note: str = Field("", description="具体情况（反映不当时必填）")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class UnregisteredIn(Schema):
    occurred_on: dt.date = Field(description="入企日期")
    unit_name: str = Field(description="来访单位")
    description: str = Field(description="情况说明")
    item_id: int | None = Field(None, description="涉及的负面清单事项ID（选填）")


class UnregisteredOut(Schema):
    id: int = Field(description="反映ID")
    enterprise_id: int = Field(description="企业ID")
    occurred_on: dt.date = Field(description="入企日期")
    unit_name: str = Field(description="来访单位")
    description: str = Field(description="情况说明")
    breached_item_id: int | None = Field(description="涉及的负面清单事项ID")


class FlagOut(Schema):
    id: int = Field(description="预警ID")
    kind: str = Field(
        description="unregistered 未登记入企 / improper 入企不当 / quiet_period 安静期检查 / "
        "too_frequent 入企过频 / no_task_number 无任务编号"
    )
    kind_label: str = Field(description="预警类型名称")
    month: str = Field(description="月份，如 2026-11")
    enterprise_id: int = Field(description="企业ID")
    enterprise_name: str = Field(description="企业名称")
    unit_id: int | None = Field(description="单位ID（未登记入企时为空）")
    unit_name: str = Field(description="单位名称（未登记入企时为企业填写的来访单位）")
    entry_id: int | None = Field(description="入企登记ID")
    report_id: int | None = Field(description="未登记入企反映ID")
    occurred_at: dt.datetime = Field(description="发生时间")
    entries_in_month: int = Field(description="当月入企次数（入企过频时）")


class FlagQuery(PageQuery):
    month: str | None = Field(None, description="月份，如 2026-11")
    kind: str | None = Field(None, description="预警类型")
    unit: str | None = Field(None, description="单位ID")
    q: str | None = Field(None, description="企业或单位名称包含的文字")


def _list_out(version: NegativeListVersion) -> dict[str, Any]:
    return {
        "id": version.pk,
        "number": version.number,
        "title": version.title,
        "effective_from": version.effective_from,
        "note": version.note,
        "items": [_item_out(i) for i in queries.items_of(version)],
    }


def _item_out(item: NegativeListItem) -> dict[str, Any]:
    return {"id": item.pk, "code": item.code, "title": item.title, "description": item.description}


def entry_out(e: Entry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "enterprise_id": e.enterprise_id,
        "enterprise_name": e.enterprise.name,
        "official_id": e.official_id,
        "official_name": e.official.display_name,
        "unit_id": e.unit_id,
        "unit_name": e.unit.name,
        "purpose": e.purpose,
        "description": e.description,
        "companions": e.companions,
        "legal_basis": e.legal_basis,
        "task_number": e.task_number,
        "entered_at": e.entered_at,
        "left_at": e.left_at,
        "presence": e.presence,
        "via_gate": e.via_gate,
        "response": e.response,
        "response_note": e.response_note,
        "breached_item_id": e.breached_item_id,
        "breached_item_title": e.breached_item.title if e.breached_item_id and e.breached_item else "",
        "flags": [f.kind for f in queries.flags_of_entry(e)],
        "version": e.version,
    }


def flag_out(f: Flag) -> dict[str, Any]:
    return {
        "id": f.pk,
        "kind": f.kind,
        "kind_label": f.get_kind_display(),
        "month": f"{f.month:%Y-%m}",
        "enterprise_id": f.enterprise_id,
        "enterprise_name": f.enterprise.name,
        "unit_id": f.unit_id,
        "unit_name": f.unit.name
        if f.unit_id and f.unit
        else (f.report.unit_name if f.report_id and f.report else ""),
        "entry_id": f.entry_id,
        "report_id": f.report_id,
        "occurred_at": f.occurred_at,
        "entries_in_month": f.entries_in_month,
    }


@router.get(
    "/negative-list",
    response=answers(NegativeListOut, NotFound),
    summary="施行中的负面清单",
    description="on=日期 时返回该日施行的版本；尚无清单时 404。",
)
def negative_list(request: HttpRequest, on: dt.date | None = None) -> Any:
    if not can_read(request.user):
        raise NotFound()
    version = queries.list_in_force(on or timezone.localdate())
    if version is None:
        raise NotFound("尚未发布负面清单")
    return _list_out(version)


@router.post(
    "/negative-list/versions",
    response=answers({201: NegativeListOut}, LIST_ERRORS),
    summary="发布负面清单新版本（作风办）",
)
def publish_negative_list(request: HttpRequest, payload: NegativeListIn) -> Any:
    version = actions.do_publish_negative_list(
        acting_user=request.user,
        title=payload.title,
        effective_from=payload.effective_from,
        note=payload.note,
        items=[i.dict() for i in payload.items],
        now=timezone.now(),
    )
    return Status(201, _list_out(version))


@router.get("/entries", response=answers(Page[EntryOut], "invalid_month", "invalid_purpose", "invalid_response"),
            summary="入企登记")  # fmt: skip
def list_entries(request: HttpRequest, query: Query[EntryQuery]) -> Any:
    params = {k: v for k, v in query.dict(exclude={"page", "size"}).items() if v is not None}
    qs = queries.entry_list(request.user, params).prefetch_related("flags")
    return page_body(qs, query, out=entry_out)


@router.get("/entries/{entry_id}", response=answers(EntryOut), summary="入企登记详情")
def get_entry(request: HttpRequest, entry_id: int) -> Any:
    return entry_out(access_entry(request.user, entry_id))


@router.post(
    "/entries",
    response=answers({201: EntryOut}, ENTRY_ERRORS),
    summary="登记入企",
    description="单位工作人员进入企业调研、参观、检查或执法时登记。扫企业二维码登记时提交 gate_token："
    "他企的二维码 400 gate_code_other_enterprise，过期 400 gate_code_expired；检查须填 legal_basis 和 "
    "task_number（400 legal_basis_required / task_number_required）。",
)
def create_entry(request: HttpRequest, payload: EntryIn) -> Any:
    entry = actions.do_register_entry(
        acting_user=request.user,
        data=actions.EntryInput(
            enterprise_id=payload.enterprise_id,
            gate_token=payload.gate_token,
            purpose=payload.purpose,
            description=payload.description,
            companions=payload.companions,
            legal_basis=payload.legal_basis,
            task_number=payload.task_number,
            entered_at=payload.entered_at,
        ),
        now=timezone.now(),
    )
    return Status(201, entry_out(access_entry(request.user, entry.pk)))


@router.post("/entries/{entry_id}/leave", response=answers(EntryOut, LEAVE_ERRORS), summary="登记离开企业")
def leave_entry(request: HttpRequest, entry_id: int, payload: LeaveIn) -> Any:
    entry = actions.do_leave_entry(
        acting_user=request.user,
        entry_id=entry_id,
        left_at=payload.left_at,
        version=payload.version,
        now=timezone.now(),
    )
    return entry_out(access_entry(request.user, entry.pk))


@router.post(
    "/entries/{entry_id}/response",
    response=answers(EntryOut, RESPONSE_ERRORS),
    summary="企业确认入企或反映入企不当",
)
def respond_entry(request: HttpRequest, entry_id: int, payload: EntryResponseIn) -> Any:
    entry = actions.do_respond_entry(
        acting_user=request.user,
        entry_id=entry_id,
        decision=payload.decision,
        item_id=payload.item_id,
        note=payload.note,
        version=payload.version,
        now=timezone.now(),
    )
    return entry_out(access_entry(request.user, entry.pk))


@router.post(
    "/unregistered-entries",
    response=answers({201: UnregisteredOut}, REPORT_ERRORS),
    summary="企业反映未登记的入企",
)
def report_unregistered(request: HttpRequest, payload: UnregisteredIn) -> Any:
    report = actions.do_report_unregistered(
        acting_user=request.user,
        occurred_on=payload.occurred_on,
        unit_name=payload.unit_name,
        description=payload.description,
        item_id=payload.item_id,
        now=timezone.now(),
    )
    return Status(
        201,
        {
            "id": report.pk,
            "enterprise_id": report.enterprise_id,
            "occurred_on": report.occurred_on,
            "unit_name": report.unit_name,
            "description": report.description,
            "breached_item_id": report.breached_item_id,
        },
    )


@router.get("/flags", response=answers(Page[FlagOut], "invalid_month", "invalid_kind"), summary="作风预警")
def list_flags(request: HttpRequest, query: Query[FlagQuery]) -> Any:
    params = {k: v for k, v in query.dict(exclude={"page", "size"}).items() if v is not None}
    return page_body(queries.flag_list(request.user, params), query, out=flag_out)
