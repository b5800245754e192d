"""`/api/v1/supervision`: settings, monthly rankings with drill-down, notices (通报), ledgers,
accountability records and dashboard data. Every operation calls the same action as the pages;
errors come back as `{code, message}`."""

from __future__ import annotations

import io
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.http import content_disposition_header
from ninja import Field, Schema, Status

from bangban.core.answers import Router, answers
from bangban.core.errors import InvalidTransition, NotFound
from bangban.core.pagination import Page, PageNumber, PageSize, page_body
from bangban.core.schemas import MonthField, MonthText, PathMonth, PathYear, YearField

from . import access, actions, dashboard, figures, ledgers
from .models import AccountabilityRecord, Ledger, LedgerStatus, Notice, NoticeStatus, Ranking

router = Router(tags=["月度督查与排名"])


# The codes of the supervision actions: bad input (400) and a state that does not allow the
# operation (409).
SETTINGS_ERRORS = ["settings_invalid", "weights_invalid", "weights_sum_invalid"]
RANKING_ERRORS = [
    "month_invalid", "month_not_closed", "scope_invalid", "weights_invalid", "weights_sum_invalid",
    "settings_invalid", InvalidTransition, (409, "ranking_frozen"), (409, "ranking_not_frozen"),
    (409, "ranking_scope_missing"),
]  # fmt: skip
NOTICE_ERRORS = [
    "month_invalid", "notice_kind_invalid", "title_invalid", "requirements_invalid", InvalidTransition,
    (409, "notice_already_issued"), (409, "notice_not_draft"), (409, "notice_not_reviewed"),
    (409, "ranking_not_frozen"),
]  # fmt: skip
LEDGER_ERRORS = ["month_invalid", "note_too_long", InvalidTransition, (409, "ledger_already_submitted")]
RECORD_ERRORS = [
    "accountability_invalid", "status_invalid", "month_invalid", "unit_invalid", InvalidTransition,
    (409, "record_closed"),
]  # fmt: skip


# --- settings ---------------------------------------------------------------------------------


class SettingsOut(Schema):
    weight_response: int = Field(description="响应率权重")
    weight_resolution: int = Field(description="解决率权重")
    weight_satisfaction: int = Field(description="满意率权重")
    min_cases: int = Field(description="参与排名的最少诉求数")
    response_hours: int = Field(description="签收时限（小时）")
    ledger_due_day: int = Field(description="台账报送截止日（每月几日）")
    bottom_places: int = Field(description="末位名次数")
    bottom_months: int = Field(description="连续末位几个月提议约谈")
    ledger_all_units: bool = Field(description="无新增的责任单位也生成「本月无新增」台账")


class SettingsIn(Schema):
    weight_response: int | None = Field(None, description="响应率权重（三项之和须为 100）")
    weight_resolution: int | None = Field(None, description="解决率权重")
    weight_satisfaction: int | None = Field(None, description="满意率权重")
    min_cases: int | None = Field(None, description="参与排名的最少诉求数")
    response_hours: int | None = Field(None, description="签收时限（小时）")
    ledger_due_day: int | None = Field(None, description="台账报送截止日")
    bottom_places: int | None = Field(None, description="末位名次数")
    bottom_months: int | None = Field(None, description="连续末位月数")
    ledger_all_units: bool | None = Field(None, description="无新增的责任单位也生成「本月无新增」台账")


@router.get("/settings", response=answers(SettingsOut), summary="排名设置")
def get_settings(request: HttpRequest) -> Any:
    access.require_viewer(request.user)
    return actions.current_settings()


@router.put("/settings", response=answers(SettingsOut, SETTINGS_ERRORS), summary="修改排名设置（仅营商办）")
def put_settings(request: HttpRequest, payload: SettingsIn) -> Any:
    values = {k: v for k, v in payload.dict().items() if v is not None}
    return actions.do_update_settings(request.user, **values)


# --- rankings ---------------------------------------------------------------------------------


class RowOut(Schema):
    unit_id: int
    unit_name: str = Field(description="单位")
    rank: int | None = Field(description="名次（不参与排名时为空）")
    score: float | None = Field(description="综合得分")
    is_bottom: bool = Field(description="末位")
    total: int = Field(description="诉求数")
    dispatched: int
    responded: int
    closed: int
    closed_on_time: int
    follow_ups: int
    resolved: int
    rated: int
    satisfied: int
    bad: int
    rectified: int
    repeat_count: int = Field(description="重复反映数")
    overdue_count: int = Field(description="超期数")
    response_rate: float | None = Field(description="响应率（%）")
    on_time_rate: float | None = Field(description="按期办结率（%）")
    resolution_rate: float | None = Field(description="解决率（%）")
    satisfaction_rate: float | None = Field(description="满意率（%）")
    rectification_rate: float | None = Field(description="差评整改率（%）")


class RankingOut(Schema):
    year: int
    month: int
    status: str = Field(description="draft 草稿 / frozen 已冻结 / preview 实时预览（未保存）")
    version: int = Field(0, description="版本号；重算、冻结时原样提交（实时预览为 0）")
    scope: str = Field(description="统计范围：all 全部渠道 / hotline 12345热线")
    scope_label: str
    weights: list[int] = Field(description="权重：响应率、解决率、满意率")
    min_cases: int = Field(description="参与排名的最少诉求数（诉求数不足的单位不参与排名，rank 为 null）")
    response_hours: int
    bottom_places: int = Field(description="末位名次数")
    formula: str = Field(description="综合得分公式")
    rules: list[str] = Field(description="统计口径：与页面、通报、分析会材料所示相同")
    as_of: Any = Field(description="数据截至：预览为计算时刻，草稿为计算时间，已冻结为冻结时间")
    office: dict[str, Any] = Field(description="派单机构的派单及时率（已冻结月份为冻结时的数字）")
    office_rule: str
    sources: dict[str, bool] = Field(description="外部数据来源是否可用")
    rows: list[RowOut]


class RankingBrief(Schema):
    year: int
    month: int
    status: str
    computed_at: Any
    frozen_at: Any


class ComputeIn(Schema):
    weights: list[int] | None = Field(None, description="[响应率, 解决率, 满意率] 权重，和为 100")
    min_cases: int | None = Field(None, description="最少诉求数")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class SupervisionVersionIn(Schema):
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


def _ranking_out(request: HttpRequest, year: int, month: int, scope: str | None = None) -> dict[str, Any]:
    view = actions.ranking_view(request.user, year, month, scope)
    view.pop("ranking")
    return view


@router.get("/rankings", response=answers(Page[RankingBrief]), summary="已计算的月度排名（分页）")
def list_rankings(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> Any:
    access.require_viewer(request.user)
    return page_body(Ranking.objects.all(), page, size)


@router.get(
    "/rankings/{year}/{month}", response=answers(RankingOut, RANKING_ERRORS), summary="某月排名（按权限范围）"
)
def get_ranking(request: HttpRequest, year: PathYear, month: PathMonth, scope: str = "all") -> Any:
    access.require_viewer(request.user)
    return _ranking_out(request, year, month, scope)


@router.post(
    "/rankings/{year}/{month}/compute", response=answers(RankingOut, RANKING_ERRORS), summary="计算/重算排名"
)
def compute_ranking(request: HttpRequest, year: PathYear, month: PathMonth, payload: ComputeIn) -> Any:
    weights = tuple(payload.weights) if payload.weights is not None else None
    if weights is not None and len(weights) != 3:
        from bangban.core.errors import ValidationFailed

        raise ValidationFailed("权重须为三项：响应率、解决率、满意率", code="weights_invalid")
    actions.do_compute_ranking(
        request.user,
        year,
        month,
        weights=weights,
        min_cases=payload.min_cases,
        version=payload.version,  # type: ignore[arg-type]
    )
    return _ranking_out(request, year, month)


@router.post(
    "/rankings/{year}/{month}/freeze", response=answers(RankingOut, RANKING_ERRORS), summary="冻结排名为快照"
)
def freeze_ranking(
    request: HttpRequest, year: PathYear, month: PathMonth, payload: SupervisionVersionIn
) -> Any:
    actions.do_freeze_ranking(request.user, year, month, version=payload.version)
    return _ranking_out(request, year, month)


class SupervisionCaseOut(Schema):
    id: int
    number: str = Field(description="诉求编号")
    title: str
    status: str
    received_at: Any
    dispatched_at: Any
    accepted_at: Any
    due_at: Any
    closed_at: Any


class SupervisionCasePage(Page[SupervisionCaseOut]):
    snapshot: bool = Field(False, description="是否取自冻结快照（冻结时计入该指标的诉求）")


@router.get(
    "/rankings/{year}/{month}/units/{unit_id}/{figure}",
    response=answers(SupervisionCasePage, RANKING_ERRORS, "figure_invalid"),
    summary="某项指标背后的诉求",
    description="figure: " + "、".join(f"{k}（{v.label}）" for k, v in figures.DRILLS.items()),
)
def drill(
    request: HttpRequest,
    year: PathYear,
    month: PathMonth,
    unit_id: int,
    figure: str,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> Any:
    from bangban.org.models import Unit

    access.require_viewer(request.user)
    unit = Unit.objects.select_related("region").filter(pk=unit_id).first()
    if unit is None:
        raise NotFound()
    access.check_unit(request.user, unit)
    qs, snapshot = actions.drill_queryset(year, month, unit_id, figure)
    qs = access.openable_cases(request.user, qs)
    return page_body(qs, page, size, snapshot=snapshot)


# --- notices ----------------------------------------------------------------------------------


class NoticeOut(Schema):
    id: int
    kind: str = Field(description="hotline 12345热线 / bad_rating 差评 / inspection 督查")
    year: int
    month: int
    title: str
    status: str = Field(description="draft 草稿 / reviewed 已审核 / issued 已印发")
    doc_number: str = Field(description="发文字号")
    issue_date: Any
    sha256: str = Field(description="归档文件的 SHA-256")
    version: int = Field(description="版本号；修改时原样提交")


class NoticeIn(Schema):
    kind: str = Field(description="hotline / bad_rating / inspection")
    year: YearField
    month: MonthField


@router.get("/notices", response=answers(Page[NoticeOut]), summary="通报列表")
def list_notices(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> Any:
    return page_body(access.visible_notices(request.user), page, size)


@router.post("/notices", response=answers({201: NoticeOut}, NOTICE_ERRORS), summary="生成通报草稿")
def create_notice(request: HttpRequest, payload: NoticeIn) -> Any:
    return Status(201, actions.do_create_notice(request.user, payload.kind, payload.year, payload.month))


@router.get("/notices/{notice_id}", response=answers(NoticeOut), summary="通报")
def get_notice(request: HttpRequest, notice_id: int) -> Any:
    return access.access_notice(request.user, notice_id)


class NoticeEditIn(Schema):
    title: str | None = Field(None, description="标题")
    requirements: str | None = Field(None, description="最后一部分（工作要求）的文字，每行一段")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.patch(
    "/notices/{notice_id}",
    response=answers(NoticeOut, NOTICE_ERRORS),
    summary="修改通报草稿（已印发的不可修改）",
)
def edit_notice(request: HttpRequest, notice_id: int, payload: NoticeEditIn) -> Any:
    access.access_notice(request.user, notice_id)
    return actions.do_edit_notice(
        request.user,
        notice_id,
        title=payload.title,
        requirements=payload.requirements,
        version=payload.version,
    )


@router.post("/notices/{notice_id}/review", response=answers(NoticeOut, NOTICE_ERRORS), summary="审核通报")
def review_notice(request: HttpRequest, notice_id: int, payload: SupervisionVersionIn) -> Any:
    access.access_notice(request.user, notice_id)
    return actions.do_review_notice(request.user, notice_id, version=payload.version)


@router.post(
    "/notices/{notice_id}/issue",
    response=answers(NoticeOut, NOTICE_ERRORS),
    summary="印发通报（编发文字号、归档）",
)
def issue_notice(request: HttpRequest, notice_id: int, payload: SupervisionVersionIn) -> Any:
    access.access_notice(request.user, notice_id)
    return actions.do_issue_notice(request.user, notice_id, version=payload.version)


@router.get("/notices/{notice_id}/docx", summary="下载通报 .docx", response=answers(None))
def notice_docx(request: HttpRequest, notice_id: int) -> Any:
    notice: Notice = access.access_notice(request.user, notice_id)
    if notice.status == NoticeStatus.ISSUED and notice.file:
        with notice.file.open("rb") as fh:
            data = fh.read()
    else:
        data = actions.render_notice(notice)
    response = FileResponse(
        io.BytesIO(data),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        content_disposition_header(True, f"{notice.doc_number or '草稿'}.docx") or "attachment"
    )
    return response


# --- ledgers ----------------------------------------------------------------------------------


class LedgerOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(description="单位")
    year: int
    month: int
    due_date: Any = Field(description="报送截止日")
    status: str = Field(description="pending 待报送 / submitted 已报送")
    late: bool = Field(description="逾期（已逾期报送，或截止后仍未报送）")
    no_activity: bool = Field(False, description="本月无新增（当月没有诉求、会办督办和通报事项，仍须报送）")
    submitted_at: Any
    notes: dict[str, str] = Field(description="单位说明：cases / meetings / notices")
    version: int = Field(description="版本号；修改时原样提交")


class LedgerDetail(LedgerOut):
    content: dict[str, Any] = Field(description="三本台账的内容")


class LedgerIn(Schema):
    notes: dict[str, str] = Field(default_factory=dict, description="cases / meetings / notices 的说明")
    submit: bool = Field(False, description="true：保存并报送")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class GenerateIn(Schema):
    year: YearField
    month: MonthField


def _ledger(x: Ledger, detail: bool = False) -> dict[str, Any]:
    from django.utils import timezone

    late = x.late or (x.status == LedgerStatus.PENDING and timezone.localdate() > x.due_date)
    out = {
        "id": x.pk,
        "unit_id": x.unit_id,
        "unit_name": x.unit.name,
        "year": x.year,
        "month": x.month,
        "due_date": x.due_date,
        "status": x.status,
        "late": late,
        "no_activity": x.no_activity,
        "submitted_at": x.submitted_at,
        "notes": x.notes or {},
        "version": x.version,
    }
    if detail:
        out["content"] = ledgers.shown_content(x)
    return out


@router.get("/ledgers", response=answers(Page[LedgerOut]), summary="月度台账（营商办看全部，单位看本单位）")
def list_ledgers(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20, status: str = "") -> Any:
    qs = access.visible_ledgers(request.user)
    if status:
        qs = qs.filter(status=status)
    return page_body(qs, page, size, _ledger)


@router.post("/ledgers/generate", response=answers(dict[str, int], LEDGER_ERRORS), summary="生成某月台账")
def generate_ledgers(request: HttpRequest, payload: GenerateIn) -> Any:
    return {"created": len(actions.do_generate_ledgers(request.user, payload.year, payload.month))}


@router.get("/ledgers/{ledger_id}", response=answers(LedgerDetail), summary="台账详情")
def get_ledger(request: HttpRequest, ledger_id: int) -> Any:
    return _ledger(access.access_ledger(request.user, ledger_id), detail=True)


@router.post(
    "/ledgers/{ledger_id}", response=answers(LedgerDetail, LEDGER_ERRORS), summary="填写说明 / 报送台账"
)
def save_ledger(request: HttpRequest, ledger_id: int, payload: LedgerIn) -> Any:
    if payload.submit:
        obj = actions.do_submit_ledger(request.user, ledger_id, payload.notes, version=payload.version)
    else:
        obj = actions.do_save_ledger_notes(request.user, ledger_id, payload.notes, version=payload.version)
    return _ledger(Ledger.objects.select_related("unit").get(pk=obj.pk), detail=True)


# --- accountability ---------------------------------------------------------------------------


class RecordOut(Schema):
    id: int
    kind: str = Field(
        description="interview 约谈 / self_examination 责令检查 / criticism 通报批评 / transfer 移交纪委监委 / star_nomination / star_award"
    )
    status: str
    unit_id: int
    person_name: str
    year: int
    month: int
    reason: str
    figures: dict[str, Any]
    automatic: bool = Field(description="规则自动提议")
    tickets: list[str] = Field(description="关联诉求编号")
    version: int = Field(description="版本号；修改时原样提交")


class RecordIn(Schema):
    kind: str
    unit_id: int
    year: YearField
    month: MonthField
    reason: str
    person_name: str = ""
    tickets: list[str] = Field(default_factory=list, description="关联诉求编号")
    figures: dict[str, Any] = Field(default_factory=dict, description="依据数据")


class SupervisionDecideIn(Schema):
    status: str = Field(description="confirmed / done / dropped")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


def _record(r: AccountabilityRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "status": r.status,
        "unit_id": r.unit_id,
        "person_name": r.person_name,
        "year": r.year,
        "month": r.month,
        "reason": r.reason,
        "figures": r.figures,
        "automatic": r.automatic,
        "tickets": [t.number for t in r.tickets.all()],
        "version": r.version,
    }


@router.get("/accountability", response=answers(Page[RecordOut]), summary="奖惩问责记录")
def list_records(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20, kind: str = "") -> Any:
    qs = access.visible_records(request.user).prefetch_related("tickets")
    if kind:
        qs = qs.filter(kind=kind)
    return page_body(qs, page, size, _record)


@router.post("/accountability", response=answers({201: RecordOut}, RECORD_ERRORS), summary="登记奖惩问责")
def create_record(request: HttpRequest, payload: RecordIn) -> Any:
    rec = actions.do_create_record(
        request.user,
        kind=payload.kind,
        unit_id=payload.unit_id,
        year=payload.year,
        month=payload.month,
        reason=payload.reason,
        person_name=payload.person_name,
        ticket_numbers=payload.tickets,
        figures_data=payload.figures,
    )
    return Status(201, _record(rec))


@router.post(
    "/accountability/{record_id}/decide", response=answers(RecordOut, RECORD_ERRORS), summary="确定/完成/撤销"
)
def decide_record(request: HttpRequest, record_id: int, payload: SupervisionDecideIn) -> Any:
    return _record(actions.do_decide_record(request.user, record_id, payload.status, version=payload.version))


# --- monthly analysis meeting pack ---------------------------------------------------------


@router.get(
    "/meeting",
    response=answers(dict[str, Any], "month_invalid"),
    summary="处置分析会材料（当月数据、突出问题、超期清单）",
)
def meeting_pack(request: HttpRequest, month: MonthText = "") -> Any:
    from django.utils import timezone

    from . import meeting

    access.require_viewer(request.user)
    today = timezone.localdate()
    y, m = dashboard.parse_month(month or None, figures.previous_month(today.year, today.month))
    pack = meeting.build_pack(request.user, y, m)
    return {
        "title": pack.title,
        "totals": pack.totals,
        "problems": [dict(zip(meeting.PROBLEM_HEADERS, row, strict=False)) for row in pack.problems],
        "overdue": [dict(zip(meeting.OVERDUE_HEADERS, row, strict=False)) for row in pack.overdue],
        "ranking": [
            {
                k: r[k]
                for k in (
                    "rank",
                    "unit_name",
                    "total",
                    "response_rate",
                    "resolution_rate",
                    "satisfaction_rate",
                    "score",
                )
            }
            for r in pack.ranking
        ],
        "unranked": [r["unit_name"] for r in pack.unranked],
        "frozen": pack.frozen,
        "rules": pack.rules,
    }


# --- dashboard --------------------------------------------------------------------------------


@router.get(
    "/dashboard",
    response=answers(dict[str, Any], "month_invalid", "months_invalid"),
    summary="看板数据（按权限范围）",
)
def dashboard_data(
    request: HttpRequest, region: int | None = None, month: MonthText = "", months: int = 6
) -> Any:
    access.require_viewer(request.user)
    target = dashboard.resolve_region(request.user, region)
    y, m = dashboard.parse_month(month or None)
    status: dict[str, Any] = {}
    charts = dashboard.build(request.user, target, y, m, months, status)
    return {
        "region": {"id": target.pk, "name": target.name} if target else None,
        "charts": charts,
        # pending: summaries still being prepared in the background (missing: months without
        # counts yet; updating: months shown with older counts); ask again in a few seconds.
        # as_of: 「数据截至」, the oldest counts among the months that still change.
        "build": status,
    }


@router.post(
    "/dashboard/refresh",
    response=answers(dict[str, Any], "month_invalid", "months_invalid"),
    summary="立即重新汇总看板数据（营商办）",
)
def dashboard_refresh(request: HttpRequest, month: MonthText = "", months: int = 6) -> Any:
    access.require_manager(request.user)
    if not 1 <= months <= 24:
        from bangban.core.errors import ValidationFailed

        raise ValidationFailed("月份数应在 1–24 之间", code="months_invalid")
    y, m = dashboard.parse_month(month or None)
    queued = dashboard.request_builds(dashboard.months_ending(y, m, months), force=True)
    return {"queued": [f"{a}-{b:02d}" for a, b in queued]}
