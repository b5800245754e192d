"""`/network/assignments`, `/coverage`: service assignments, their bulk import and coverage (R3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Query, Schema, Status, UploadedFile

from bangban.core.answers import answers
from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageNumber, PageQuery, PageSize, page_body

from .. import actions, importing
from .. import coverage as key_coverage
from ..access import access_assignment, access_batch, is_overseer, visible_assignments
from ..models import Assignment, AssignmentBatch
from ._common import ASSIGN_ERRORS, IMPORT_ERRORS, router


class AssignmentOut(Schema):
    id: int = Field(description="挂钩安排ID")
    enterprise_id: int = Field(description="企业ID")
    enterprise_name: str = Field(description="企业名称")
    enterprise_tier: str = Field(description="企业层级：city_top100 / county_key / general")
    officer_id: int = Field(description="帮办专员用户ID")
    officer_name: str = Field(description="帮办专员姓名")
    officer_rank: str = Field(description="帮办专员职级编码")
    started_on: dt.date = Field(description="挂钩开始日期")
    ended_on: dt.date | None = Field(description="挂钩结束日期；为空表示现任")
    note: str = Field(description="备注")
    end_reason: str = Field(description="结束/调整原因")
    version: int = Field(description="版本号；结束挂钩时原样提交")


class AssignmentQuery(PageQuery):
    enterprise_id: int | None = Field(None, description="只看该企业（含历史）")
    officer_id: int | None = Field(None, description="只看该专员")
    current: bool | None = Field(None, description="true 仅现任，false 仅已结束；不填为全部")


class AssignmentIn(Schema):
    enterprise_id: int = Field(description="企业ID，须在调用者的管辖范围内")
    officer_id: int = Field(description="帮办专员/驻厂员的用户ID")
    started_on: dt.date | None = Field(None, description="开始日期，不填为今天，不能晚于今天")
    note: str = Field("", description="备注（不超过200字）")
    replace: bool = Field(False, description="企业已有专员时是否调整为新专员（原挂钩于开始日期结束）")


class AssignmentEndIn(Schema):
    reason: str = Field(description="结束原因")
    ended_on: dt.date | None = Field(None, description="结束日期，不填为今天")
    version: int | None = Field(None, description="读取时的版本号")


def assignment_out(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "enterprise_id": a.enterprise_id,
        "enterprise_name": a.enterprise.name,
        "enterprise_tier": a.enterprise.tier,
        "officer_id": a.officer_id,
        "officer_name": a.officer.display_name,
        "officer_rank": a.officer.rank,
        "started_on": a.started_on,
        "ended_on": a.ended_on,
        "note": a.note,
        "end_reason": a.end_reason,
        "version": a.version,
    }


@router.get("/assignments", response=answers(Page[AssignmentOut]), summary="挂钩安排列表（含历史）")
def list_assignments(request: HttpRequest, query: Query[AssignmentQuery]) -> Any:
    qs = (
        visible_assignments(request.user)
        .select_related("officer", "enterprise")
        .order_by("-started_on", "-id")
    )
    if query.enterprise_id:
        qs = qs.filter(enterprise_id=query.enterprise_id)
    if query.officer_id:
        qs = qs.filter(officer_id=query.officer_id)
    if query.current is not None:
        qs = qs.filter(ended_on__isnull=query.current)
    return page_body(qs, query, out=assignment_out)


@router.post(
    "/assignments",
    response=answers({201: AssignmentOut}, ASSIGN_ERRORS),
    summary="安排帮办专员",
    description="按职级规则检查：市工业百强须市级副处级以上（rank_too_low / officer_not_city_level），"
    "县区重点须副科级以上，其他企业须县区、功能区或镇街干部（officer_not_local / officer_out_of_region）。"
    "企业已有专员且未要求调整时返回 409 enterprise_has_officer。",
)
def create_assignment(request: AuthedHttpRequest, payload: AssignmentIn) -> Any:
    a = actions.do_assign(
        acting_user=request.user,
        enterprise_id=payload.enterprise_id,
        officer_id=payload.officer_id,
        started_on=payload.started_on,
        note=payload.note,
        replace=payload.replace,
    )
    return Status(201, assignment_out(access_assignment(request.user, a.pk)))


@router.post(
    "/assignments/{assignment_id}/end",
    response=answers(AssignmentOut, ASSIGN_ERRORS),
    summary="结束挂钩",
)
def end_assignment(request: AuthedHttpRequest, assignment_id: int, payload: AssignmentEndIn) -> Any:
    a = actions.do_end_assignment(
        acting_user=request.user,
        assignment_id=assignment_id,
        reason=payload.reason,
        ended_on=payload.ended_on,
        version=payload.version,
    )
    return assignment_out(a)


class NetworkBatchOut(Schema):
    id: int = Field(description="导入批次ID")
    status: str = Field(description="previewed 待确认 / applied 已导入 / cancelled 已取消")
    file_name: str = Field(description="文件名")
    valid_count: int = Field(description="可导入行数")
    invalid_count: int = Field(description="有误行数")
    rows: list[dict[str, Any]] = Field(
        description="逐行结果：row 行号、status（ok/unchanged/error/applied/failed）、reason 原因"
    )
    result: dict[str, Any] | None = Field(description="导入结果：created 新增、replaced 调整、failed 未导入")


def batch_out(b: AssignmentBatch) -> dict[str, Any]:
    return {
        "id": b.pk,
        "status": b.status,
        "file_name": b.file_name,
        "valid_count": b.valid_count,
        "invalid_count": b.invalid_count,
        "rows": b.rows,
        "result": b.result,
    }


@router.post(
    "/assignments/imports",
    response=answers({201: NetworkBatchOut}, IMPORT_ERRORS),
    summary="上传挂钩安排 Excel（预览）",
    description="逐行检查并返回预览，不写入；确认后调用 apply。",
)
def preview_import(request: AuthedHttpRequest, file: File[UploadedFile]) -> Any:
    batch = importing.do_preview_assignment_import(acting_user=request.user, uploaded_file=file)
    return Status(201, batch_out(batch))


@router.get("/assignments/imports/{batch_id}", response=answers(NetworkBatchOut), summary="导入批次预览")
def get_import(request: HttpRequest, batch_id: int) -> Any:
    return batch_out(access_batch(request.user, batch_id))


@router.post(
    "/assignments/imports/{batch_id}/apply",
    response=answers(NetworkBatchOut, IMPORT_ERRORS, ASSIGN_ERRORS),
    summary="确认导入挂钩安排",
)
def apply_import(request: AuthedHttpRequest, batch_id: int) -> Any:
    return batch_out(importing.do_apply_assignment_import(acting_user=request.user, batch_id=batch_id))


@router.post(
    "/assignments/imports/{batch_id}/cancel",
    response=answers(NetworkBatchOut, IMPORT_ERRORS),
    summary="取消导入",
)
def cancel_import(request: AuthedHttpRequest, batch_id: int) -> Any:
    return batch_out(importing.do_cancel_assignment_import(acting_user=request.user, batch_id=batch_id))


class CoverageRegionOut(Schema):
    region_code: str = Field(description="县区/功能区代码")
    region_name: str = Field(description="县区/功能区名称")
    key_total: int = Field(description="重点企业数（市工业百强与县区重点）")
    uncovered: int = Field(description="尚无帮办专员的重点企业数")
    mismatched: int = Field(
        description="现任专员不符合挂钩规定（如职级不符）的重点企业数，按当前层级和专员职级、单位计算"
    )


class UncoveredOut(Schema):
    id: int = Field(description="企业ID")
    name: str = Field(description="企业名称")
    tier: str = Field(description="企业层级")
    region_name: str = Field(description="所属区划")
    reason: str = Field(
        description="缺口原因代码：no_officer 未挂钩；rank_too_low、officer_not_city_level 职级不符；"
        "officer_out_of_region、officer_not_local 区域不符；officer_without_unit；officer_inactive"
    )
    reason_label: str = Field(description="缺口原因：未挂钩、职级不符、区域不符、专员未登记单位、专员已停用")
    message: str = Field(description="缺口说明")
    officer_name: str = Field(description="现任专员（未挂钩时为空）")


class CoverageOut(Page[UncoveredOut]):
    """One page of the key enterprises without an officer who satisfies the rank rules now
    (`count`, `items`), and the figures by region."""

    regions: list[CoverageRegionOut] = Field(description="按县区/功能区统计")


@router.get("/coverage", response=answers(CoverageOut), summary="重点企业挂钩全覆盖")
def coverage(request: HttpRequest, page: PageNumber = 1, size: PageSize = 50) -> Any:
    if not is_overseer(request.user):
        raise NotFound()
    return page_body(
        key_coverage.coverage_gaps(request.user),
        page,
        size,
        lambda g: {
            "id": g.enterprise_id,
            "name": g.enterprise.name,
            "tier": g.enterprise.tier,
            "region_name": g.enterprise.region.name,
            "reason": g.code,
            "reason_label": g.label,
            "message": g.message,
            "officer_name": g.officer_name,
        },
        regions=[
            {
                "region_code": r.region.code,
                "region_name": r.region.name,
                "key_total": r.key_total,
                "uncovered": r.uncovered,
                "mismatched": r.mismatched,
            }
            for r in key_coverage.coverage_by_region(request.user)
        ],
    )
