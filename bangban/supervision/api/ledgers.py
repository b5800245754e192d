"""`/supervision/ledgers`, `/accountability`: ledgers (R11) and accountability records."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.pagination import Page, PageNumber, PageSize, page_body
from bangban.core.replica import reading_from_replica
from bangban.core.schemas import MonthField, YearField

from .. import access, actions, ledgers
from ..models import AccountabilityRecord, Ledger, LedgerStatus
from ._common import LEDGER_ERRORS, RECORD_ERRORS, router


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
    with reading_from_replica():
        qs = access.visible_ledgers(request.user)
        if status:
            qs = qs.filter(status=status)
        return page_body(qs, page, size, _ledger)


@router.post("/ledgers/generate", response=answers(dict[str, int], LEDGER_ERRORS), summary="生成某月台账")
def generate_ledgers(request: HttpRequest, payload: GenerateIn) -> Any:
    return {"created": len(actions.do_generate_ledgers(request.user, payload.year, payload.month))}


@router.get("/ledgers/{ledger_id}", response=answers(LedgerDetail), summary="台账详情")
def get_ledger(request: HttpRequest, ledger_id: int) -> Any:
    with reading_from_replica():
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
    with reading_from_replica():
        access.require_viewer(request.user)
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
