"""`/api/v1/network`: assignments, contacts and visits, verification, compliance, coverage and the
enterprise's side — the same actions and scope as the pages. Out of scope → 404 `not_found`;
a broken rule → 400 with the rule's code (e.g. `rank_too_low`, `enterprise_not_assigned`,
`contact_in_future`); a duplicate contact → 409 `duplicate_contact`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Schema, Status, UploadedFile

from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict, FileRejected, InvalidTransition, NotFound, ValidationFailed
from bangban.core.pagination import Page, PageNumber, PageQuery, PageSize, page_body
from bangban.core.xlsx import UPLOAD_REFUSALS

from . import actions, importing, queries
from .access import (
    access_assignment,
    access_batch,
    access_contact,
    area_filter,
    can_see_compliance,
    is_overseer,
    visible_assignments,
)
from .models import Assignment, AssignmentBatch, Contact, OfficerRating
from .rules import Quarter

router = Router(tags=["帮办服务网络"])

# The codes the network actions answer, by the operations that can meet them.
ASSIGN_ERRORS = [
    *("end_before_start", "end_in_future", "enterprise_inactive", "enterprise_not_found", "no_officer",
      "not_an_officer", "note_too_long", "officer_not_found", "officer_required", "reason_required",
      "reason_too_long", "start_before_current", "start_in_future", "rank_too_low", "officer_not_city_level",
      "officer_without_unit",
      "officer_not_local", "officer_out_of_region", "validation_error"),
    Conflict,
    InvalidTransition,
    *((409, c) for c in ("already_assigned", "enterprise_has_officer", "assignment_ended")),
]  # fmt: skip
IMPORT_ERRORS = [
    FileRejected, *UPLOAD_REFUSALS, "empty_file", "no_valid_rows", "duplicate_row", "invalid_uscc",
    (409, "batch_already_applied"), (409, "batch_cancelled"),
]  # fmt: skip
CONTACT_ERRORS = [
    *("comment_required", "contact_in_future", "contact_outside_assignment", "delivered_required",
      "dispute_reason_required", "enterprise_not_assigned", "enterprise_not_found", "invalid_decision",
      "leader_required", "raised_required", "region_invalid", "validation_error"),
    Conflict,
    InvalidTransition,
    *((409, c) for c in ("duplicate_contact", "already_raised", "already_verified", "not_a_visit")),
]  # fmt: skip


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
def create_assignment(request: HttpRequest, payload: AssignmentIn) -> Any:
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
def end_assignment(request: HttpRequest, assignment_id: int, payload: AssignmentEndIn) -> Any:
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
def preview_import(request: HttpRequest, file: File[UploadedFile]) -> Any:
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
def apply_import(request: HttpRequest, batch_id: int) -> Any:
    return batch_out(importing.do_apply_assignment_import(acting_user=request.user, batch_id=batch_id))


@router.post(
    "/assignments/imports/{batch_id}/cancel",
    response=answers(NetworkBatchOut, IMPORT_ERRORS),
    summary="取消导入",
)
def cancel_import(request: HttpRequest, batch_id: int) -> Any:
    return batch_out(importing.do_cancel_assignment_import(acting_user=request.user, batch_id=batch_id))


class CoverageRegionOut(Schema):
    region_code: str = Field(description="县区/功能区代码")
    region_name: str = Field(description="县区/功能区名称")
    key_total: int = Field(description="重点企业数（市工业百强与县区重点）")
    uncovered: int = Field(description="尚无帮办专员的重点企业数")


class UncoveredOut(Schema):
    id: int = Field(description="企业ID")
    name: str = Field(description="企业名称")
    tier: str = Field(description="企业层级")
    region_name: str = Field(description="所属区划")


class CoverageOut(Page[UncoveredOut]):
    """One page of the key enterprises without an officer (`count`, `items`), and the figures by
    region."""

    regions: list[CoverageRegionOut] = Field(description="按县区/功能区统计")


@router.get("/coverage", response=answers(CoverageOut), summary="重点企业挂钩全覆盖")
def coverage(request: HttpRequest, page: PageNumber = 1, size: PageSize = 50) -> Any:
    if not is_overseer(request.user):
        raise NotFound()
    return page_body(
        queries.uncovered_key_enterprises(request.user),
        page,
        size,
        lambda e: {"id": e.pk, "name": e.name, "tier": e.tier, "region_name": e.region.name},
        regions=[
            {
                "region_code": r.region.code,
                "region_name": r.region.name,
                "key_total": r.key_total,
                "uncovered": r.uncovered,
            }
            for r in queries.coverage_by_region(request.user)
        ],
    )


# --- contacts and visits -------------------------------------------------------------------------------


class ContactOut(Schema):
    id: int = Field(description="联系记录ID")
    enterprise_id: int = Field(description="企业ID")
    enterprise_name: str = Field(description="企业名称")
    officer_id: int = Field(description="登记人（专员）用户ID")
    officer_name: str = Field(description="登记人姓名")
    kind: str = Field(description="联系方式：phone 电话 / visit 上门走访 / wechat 微信 / online 线上平台")
    contact_on: dt.date = Field(description="联系日期")
    summary: str = Field(description="联系情况")
    raised: str = Field(description="企业反映的问题或需求")
    ticket_id: int | None = Field(description="转办诉求ID")
    ticket_number: str = Field(description="转办诉求编号")
    is_leader_visit: bool = Field(description="是否领导走访")
    leader_name: str = Field(description="走访领导")
    leader_title: str = Field(description="领导职务")
    policies_delivered: str = Field(description="送政策")
    services_delivered: str = Field(description="送服务")
    verification: str = Field(
        description="核验：not_required / pending 待确认 / confirmed 已确认 / disputed 有异议"
    )
    verification_note: str = Field(description="核验意见")
    verified_at: dt.datetime | None = Field(description="核验时间")
    version: int = Field(description="版本号；核验或转为诉求时原样提交")


class ContactQuery(PageQuery):
    kind: str | None = Field(None, description="联系方式")
    verification: str | None = Field(None, description="核验状态")
    enterprise: str | None = Field(None, description="企业ID")
    q: str | None = Field(None, description="企业名称或登记人姓名包含的文字")
    leader: str | None = Field(None, description="1：仅领导走访")


class ContactIn(Schema):
    enterprise_id: int = Field(description="企业ID（须为调用者挂钩的企业）")
    kind: str = Field(description="phone / visit / wechat / online")
    contact_on: dt.date = Field(description="联系日期，不能晚于今天")
    summary: str = Field(description="联系情况")
    raised: str = Field("", description="企业反映的问题或需求")
    raise_case: bool = Field(False, description="是否将反映的需求转为诉求（同一步完成）")
    case_title: str = Field("", description="诉求标题（不填自动生成）")
    category_id: int | None = Field(None, description="诉求分类ID（选填）")


class LeaderVisitIn(Schema):
    enterprise_id: int = Field(description="企业ID（须在调用者的管辖范围内）")
    leader_name: str = Field(description="走访领导姓名")
    leader_title: str = Field("", description="领导职务")
    contact_on: dt.date = Field(description="走访日期，不能晚于今天")
    summary: str = Field(description="走访情况")
    policies_delivered: str = Field("", description="送政策")
    services_delivered: str = Field("", description="送服务")
    raised: str = Field("", description="发现的问题")
    raise_case: bool = Field(False, description="是否将发现的问题转为诉求")
    case_title: str = Field("", description="诉求标题")


class RaiseCaseIn(Schema):
    title: str = Field("", description="诉求标题（不填自动生成）")
    category_id: int | None = Field(None, description="诉求分类ID")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class NetworkVerifyIn(Schema):
    decision: str = Field(description="confirm 确认属实 / dispute 有异议")
    note: str = Field("", description="异议说明（有异议时必填）")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


def contact_out(c: Contact) -> dict[str, Any]:
    return {
        "id": c.pk,
        "enterprise_id": c.enterprise_id,
        "enterprise_name": c.enterprise.name,
        "officer_id": c.officer_id,
        "officer_name": c.officer.display_name,
        "kind": c.kind,
        "contact_on": c.contact_on,
        "summary": c.summary,
        "raised": c.raised,
        "ticket_id": c.ticket_id,
        "ticket_number": c.ticket.number if c.ticket_id and c.ticket else "",
        "is_leader_visit": c.is_leader_visit,
        "leader_name": c.leader_name,
        "leader_title": c.leader_title,
        "policies_delivered": c.policies_delivered,
        "services_delivered": c.services_delivered,
        "verification": c.verification,
        "verification_note": c.verification_note,
        "verified_at": c.verified_at,
        "version": c.version,
    }


@router.get("/contacts", response=answers(Page[ContactOut]), summary="联系走访记录")
def list_contacts(request: HttpRequest, query: Query[ContactQuery]) -> Any:
    params = {k: v for k, v in query.dict(exclude={"page", "size"}).items() if v is not None}
    return page_body(queries.contact_list(request.user, params), query, out=contact_out)


@router.get("/contacts/{contact_id}", response=answers(ContactOut), summary="联系走访详情")
def get_contact(request: HttpRequest, contact_id: int) -> Any:
    return contact_out(access_contact(request.user, contact_id))


@router.post(
    "/contacts",
    response=answers({201: ContactOut}, CONTACT_ERRORS),
    summary="登记联系/走访",
    description="帮办专员登记挂钩企业的联系或上门走访；raise_case=true 时企业反映的需求同时转为诉求。"
    "未挂钩该企业：400 enterprise_not_assigned；日期晚于今天：400 contact_in_future；"
    "同一专员、企业、方式、日期重复：409 duplicate_contact。",
)
def create_contact(request: HttpRequest, payload: ContactIn) -> Any:
    contact = actions.do_log_contact(
        acting_user=request.user,
        data=actions.ContactInput(
            enterprise_id=payload.enterprise_id,
            kind=payload.kind,
            contact_on=payload.contact_on,
            summary=payload.summary,
            raised=payload.raised,
            raise_case=payload.raise_case,
            case_title=payload.case_title,
            category_id=payload.category_id,
        ),
    )
    return Status(201, contact_out(access_contact(request.user, contact.pk)))


@router.post(
    "/leader-visits",
    response=answers({201: ContactOut}, CONTACT_ERRORS),
    summary="登记领导走访（送政策、送服务）",
)
def create_leader_visit(request: HttpRequest, payload: LeaderVisitIn) -> Any:
    contact = actions.do_log_leader_visit(
        acting_user=request.user,
        data=actions.ContactInput(
            enterprise_id=payload.enterprise_id,
            contact_on=payload.contact_on,
            summary=payload.summary,
            raised=payload.raised,
            raise_case=payload.raise_case,
            case_title=payload.case_title,
            leader_name=payload.leader_name,
            leader_title=payload.leader_title,
            policies_delivered=payload.policies_delivered,
            services_delivered=payload.services_delivered,
        ),
    )
    return Status(201, contact_out(access_contact(request.user, contact.pk)))


@router.post(
    "/contacts/{contact_id}/case",
    response=answers(ContactOut, CONTACT_ERRORS),
    summary="将联系中反映的需求转为诉求",
)
def raise_case(request: HttpRequest, contact_id: int, payload: RaiseCaseIn) -> Any:
    contact = actions.do_raise_case(
        acting_user=request.user,
        contact_id=contact_id,
        title=payload.title,
        category_id=payload.category_id,
        version=payload.version,
    )
    return contact_out(access_contact(request.user, contact.pk))


@router.post(
    "/contacts/{contact_id}/verification",
    response=answers(ContactOut, CONTACT_ERRORS),
    summary="企业工作联络员核验走访",
)
def verify_contact(request: HttpRequest, contact_id: int, payload: NetworkVerifyIn) -> Any:
    contact = actions.do_verify_visit(
        acting_user=request.user,
        contact_id=contact_id,
        decision=payload.decision,
        note=payload.note,
        version=payload.version,
    )
    return contact_out(access_contact(request.user, contact.pk))


# --- compliance and verification results ----------------------------------------------------------------


class TallyOut(Schema):
    enterprises: int = Field(description="挂钩企业数")
    contacted: list[int] = Field(description="季度内各月已联系的企业数")
    required: list[int] = Field(description="季度内各月应联系的企业数（未到的月份为0）")
    visited: int = Field(description="本季度已上门走访的企业数")
    behind: int = Field(description="落后（有月份未联系或本季度未走访）的企业数")
    up_to_date: bool = Field(description="是否达标")


class OfficerComplianceOut(Schema):
    officer_id: int = Field(description="专员用户ID")
    officer_name: str = Field(description="专员姓名")
    unit_name: str = Field(description="所在单位")
    tally: TallyOut


class RegionComplianceOut(Schema):
    region_code: str = Field(description="县区/功能区代码")
    region_name: str = Field(description="县区/功能区名称")
    officers_behind: int = Field(description="落后的专员数")
    tally: TallyOut


class ComplianceOut(Schema):
    quarter: str = Field(description="季度，如 2026Q4")
    as_of: dt.date = Field(description="统计截至日期")
    officers: list[OfficerComplianceOut] = Field(description="按专员（by=officer）")
    regions: list[RegionComplianceOut] = Field(description="按县区/功能区（by=region）")


def tally_out(t: queries.Tally) -> dict[str, Any]:
    return {
        "enterprises": t.enterprises,
        "contacted": t.contacted,
        "required": t.required,
        "visited": t.visited,
        "behind": t.behind,
        "up_to_date": t.up_to_date,
    }


@router.get(
    "/compliance",
    response=answers(ComplianceOut, "invalid_quarter"),
    summary="联系走访达标矩阵",
    description=(
        "quarter 如 2026Q4（默认本季度）；by=officer 按专员，by=region 按县区/功能区；"
        "region=县区/功能区代码 时按专员只统计该区域的挂钩企业（牵头单位提醒中的链接即用此筛选）。"
    ),
)
def compliance(request: HttpRequest, quarter: str = "", by: str = "officer", region: str = "") -> Any:
    user = request.user
    if not can_see_compliance(user):
        raise NotFound()
    q = Quarter.parse(quarter) if quarter else Quarter.of(timezone.localdate())
    if q is None:
        raise ValidationFailed("季度格式不正确，应如 2026Q4", code="invalid_quarter")
    area = area_filter(user, region)
    period = queries.period_for(q)
    body: dict[str, Any] = {"quarter": q.code, "as_of": period.as_of, "officers": [], "regions": []}
    if by == "region":
        body["regions"] = [
            {
                "region_code": r.region.code,
                "region_name": r.region.name,
                "officers_behind": r.officers_behind,
                "tally": tally_out(r.tally),
            }
            for r in queries.compliance_by_region(user, period)
        ]
    else:
        body["officers"] = [
            {
                "officer_id": r.officer.pk,
                "officer_name": r.officer.display_name,
                "unit_name": r.officer.unit.name if r.officer.unit else "",
                "tally": tally_out(r.tally),
            }
            for r in queries.compliance_by_officer(user, period, region=area)
        ]
    return body


class VerificationRegionOut(Schema):
    region_code: str = Field(description="县区/功能区代码")
    region_name: str = Field(description="县区/功能区名称")
    counts: dict[str, int] = Field(description="各核验状态的走访次数")


@router.get(
    "/verification-results",
    response=answers(list[VerificationRegionOut], "invalid_quarter"),
    summary="走访核验结果",
)
def verification_results(request: HttpRequest, quarter: str = "") -> Any:
    q = Quarter.parse(quarter) if quarter else Quarter.of(timezone.localdate())
    if q is None:
        raise ValidationFailed("季度格式不正确，应如 2026Q4", code="invalid_quarter")
    return [
        {"region_code": r.region.code, "region_name": r.region.name, "counts": r.counts}
        for r in queries.verification_by_region(request.user, q)
    ]


# --- the enterprise's side ------------------------------------------------------------------------------


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
def name_liaison(request: HttpRequest, payload: LiaisonIn) -> Any:
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
def rate_officer(request: HttpRequest, payload: NetworkRatingIn) -> Any:
    r: OfficerRating = actions.do_rate_officer(
        acting_user=request.user, level=payload.level, comment=payload.comment
    )
    return Status(
        201,
        {"id": r.pk, "officer_id": r.officer_id, "month": r.month, "level": r.level, "comment": r.comment},
    )
