"""`/ratings/enterprise-rechecks`: 企业满意度回头看 (R14.2) — samples of enterprises (random with a
recorded seed, or chosen), each enterprise's satisfaction across its cases of the month, and the
result of asking it again."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import InvalidTransition, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body
from bangban.core.schemas import MonthField, YearField

from .. import access, recheck_enterprises
from ..models import EnterpriseRecheck
from ._common import router


class EnterpriseRecheckOut(Schema):
    id: int
    year: int
    month: int
    mode: str = Field(description="random 随机抽取 / chosen 指定企业")
    seed: int | None = Field(description="随机种子（随机抽取时）")
    percent: int | None
    minimum: int | None
    population_count: int = Field(description="该月有诉求办结的企业数")
    population_digest: str
    enterprise_ids: list[int] = Field(description="抽中的企业ID（升序）")
    drawn_at: dt.datetime


class EnterpriseFiguresOut(Schema):
    cases: int = Field(description="该企业本月办结的诉求数")
    ratings: int = Field(description="本月对其诉求的首次评价数")
    satisfied: int
    bad: int
    satisfaction_rate: float | None = Field(description="满意率（%）")
    rechecked: int = Field(description="本月诉求回头看样本中该企业的诉求数")
    not_solved: int = Field(description="其中办结不实")


class EnterpriseRecheckRowOut(Schema):
    enterprise_id: int
    enterprise_name: str
    figures: EnterpriseFiguresOut
    outcome: str | None = Field(
        description="satisfied 满意 / dissatisfied 不满意 / unreachable 无法联系；未回访为 null"
    )
    note: str


class EnterpriseRecheckDetailOut(EnterpriseRecheckOut):
    enterprises: list[EnterpriseRecheckRowOut]


class EnterpriseSampleIn(Schema):
    year: YearField
    month: MonthField
    enterprise_ids: list[int] = Field(default_factory=list, description="指定企业（省略则随机抽取）")
    seed: int | None = Field(None, description="随机种子（省略则随机生成并存档）")


class EnterpriseOutcomeIn(Schema):
    outcome: Literal["satisfied", "dissatisfied", "unreachable"] = Field(
        description="满意 / 不满意 / 无法联系"
    )
    note: str = Field("", description="回访情况（不满意必填）")


def _reader(user: Any) -> None:
    if not access.has_any_role(user, access.RECHECK_ROLES | {"auditor"}):
        raise NotFound()


def _detail(sample: EnterpriseRecheck) -> dict[str, Any]:
    rows = recheck_enterprises.sample_rows(sample, list(sample.enterprise_ids))
    return {
        **{f: getattr(sample, f) for f in EnterpriseRecheckOut.model_fields},
        "enterprises": [
            {
                "enterprise_id": r["enterprise_id"],
                "enterprise_name": r["enterprise"].name if r["enterprise"] else "",
                "figures": r["figures"],
                "outcome": r["item"].outcome if r["item"] else None,
                "note": r["item"].note if r["item"] else "",
            }
            for r in rows
        ],
    }


@router.get(
    "/enterprise-rechecks", response=answers(Page[EnterpriseRecheckOut]), summary="企业满意度回头看（分页）"
)
def list_enterprise_rechecks(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    _reader(request.user)
    return page_body(EnterpriseRecheck.objects.order_by("-year", "-month", "-id"), query)


@router.post(
    "/enterprise-rechecks",
    response=answers(
        {201: EnterpriseRecheckDetailOut}, "month_invalid", "month_in_future", "enterprise_invalid",
        "enterprise_not_in_population", "seed_invalid", (409, "enterprise_recheck_exists"),
    ),
    summary="抽取某月企业满意度回头看样本（随机或指定企业）",
)  # fmt: skip
def sample_enterprises(request: AuthedHttpRequest, payload: EnterpriseSampleIn) -> Any:
    sample = recheck_enterprises.do_sample_enterprises(
        acting_user=request.user, year=payload.year, month=payload.month, enterprise_ids=payload.enterprise_ids,
        seed=payload.seed, now=timezone.now(),
    )  # fmt: skip
    return Status(201, _detail(sample))


@router.get(
    "/enterprise-rechecks/{recheck_id}",
    response=answers(EnterpriseRecheckDetailOut),
    summary="企业满意度回头看：抽中企业的满意度与回访结果",
)
def get_enterprise_recheck(request: HttpRequest, recheck_id: int) -> Any:
    _reader(request.user)
    sample = EnterpriseRecheck.objects.filter(pk=recheck_id).first()
    if sample is None:
        raise NotFound()
    return _detail(sample)


@router.post(
    "/enterprise-rechecks/{recheck_id}/enterprises/{enterprise_id}/outcome",
    response=answers(
        EnterpriseRecheckDetailOut, "outcome_invalid", "note_required", "too_long", (404, "not_in_sample"),
        (409, "outcome_recorded"), InvalidTransition,
    ),
    summary="登记企业满意度回头看结果",
)  # fmt: skip
def record_enterprise_outcome(
    request: AuthedHttpRequest, recheck_id: int, enterprise_id: int, payload: EnterpriseOutcomeIn
) -> Any:
    _reader(request.user)
    item = recheck_enterprises.do_record_enterprise_outcome(
        acting_user=request.user, recheck_id=recheck_id, enterprise_id=enterprise_id, outcome=payload.outcome,
        note=payload.note, now=timezone.now(),
    )  # fmt: skip
    return _detail(item.recheck)
