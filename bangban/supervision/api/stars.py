"""`/supervision/stars`: 作风之星 selection rounds (R15.1) — open (作风办), nominate (单位负责人 for
their unit, 作风办), close, decide each nominee, publish; each nominee with the period's figures."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import Conflict, InvalidTransition, NotFound
from bangban.core.pagination import Page, PageNumber, PageSize, page_body

from .. import access, actions, stars
from ..models import StarNomination, StarRound
from ._common import router

STAR_ERRORS: list[Any] = [
    "star_round_invalid", "star_round_exists", "star_nomination_invalid", "star_nominee_duplicate",
    "star_nominee_accountable", "star_decision_invalid", InvalidTransition, Conflict,
    (409, "star_round_not_nominating"), (409, "star_round_not_reviewing"), (409, "star_round_undecided"),
    (409, "star_round_empty"),
]  # fmt: skip


class StarRoundOut(Schema):
    id: int
    title: str
    year: int
    period: str = Field(description="quarter 季度 / half 半年")
    number: int = Field(description="期次：季度 1–4，半年 1–2")
    months: list[str] = Field(description="评选周期的月份")
    status: str = Field(description="nominating 提名中 / reviewing 评审中 / published 已公布")
    published_at: Any
    selected: list[dict[str, Any]] = Field(
        description="已公布的作风之星：unit_name、person_name（公布前为空）"
    )
    version: int = Field(description="版本号；截止推荐、公布时原样提交")


class StarNominationOut(Schema):
    id: int
    round_id: int
    unit_id: int
    unit_name: str = Field(description="推荐单位")
    person_id: int
    person_name: str = Field(description="被推荐人")
    reason: str = Field(description="推荐理由")
    decision: str = Field(description="pending 待评审 / selected 评选为作风之星 / not_selected 未评选")
    decision_reason: str = Field(description="评审意见")
    figures: dict[str, Any] = Field(
        description="评选依据：unit_months（单位各月冻结排名的名次、得分、满意率、按期办结率、响应率）、person（本人办理诉求数、办结、按期办结、曾超期、按期办结率）、open_records（未办结问责）"
    )
    record_id: int | None = Field(description="公布后登记的作风之星记录")
    version: int


class StarRoundDetail(StarRoundOut):
    criteria: list[str] = Field(description="评选依据的口径")
    nominations: list[StarNominationOut]


class StarRoundIn(Schema):
    year: int
    period: str = Field(description="quarter / half")
    number: int


class StarNominationIn(Schema):
    person_id: int = Field(description="被推荐人（本单位工作人员）")
    reason: str = Field(description="推荐理由")


class StarVersionIn(Schema):
    version: int | None = Field(None, description="读取时的版本号（可选）")


class StarDecideIn(Schema):
    decision: str = Field(description="selected / not_selected")
    reason: str = Field(description="评审意见")
    version: int | None = Field(None, description="读取时的版本号（可选）")


def _round(r: StarRound, selected: list[Any] | None = None) -> dict[str, Any]:
    return {
        "id": r.pk,
        "title": r.title,
        "year": r.year,
        "period": r.period,
        "number": r.number,
        "months": [f"{y}-{m:02d}" for y, m in stars.period_months(r.year, r.period, r.number)],
        "status": r.status,
        "published_at": r.published_at,
        "selected": [{"unit_name": n.unit.name, "person_name": n.person_name} for n in (selected or [])],
        "version": r.version,
    }


def _nomination(n: StarNomination, figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": n.pk,
        "round_id": n.round_id,
        "unit_id": n.unit_id,
        "unit_name": n.unit.name,
        "person_id": n.person_id,
        "person_name": n.person_name,
        "reason": n.reason,
        "decision": n.decision,
        "decision_reason": n.decision_reason,
        "figures": figures,
        "record_id": n.record_id,
        "version": n.version,
    }


def _published_selected(r: StarRound) -> list[Any]:
    if r.status != "published":
        return []
    return list(r.nominations.filter(decision="selected").select_related("unit"))


def _detail(user: Any, r: StarRound) -> dict[str, Any]:
    nominations = list(access.visible_nominations(user, r))
    figs = stars.nominee_figures(r, nominations)
    return {
        **_round(r, _published_selected(r)),
        "criteria": stars.CRITERIA,
        "nominations": [_nomination(n, figs[n.pk]) for n in nominations],
    }


@router.get("/stars", response=answers(Page[StarRoundOut]), summary="作风之星评选")
def list_star_rounds(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> Any:
    if not access.can_see_stars(request.user):
        raise NotFound()
    return page_body(
        access.visible_rounds(request.user), page, size, lambda r: _round(r, _published_selected(r))
    )


@router.post(
    "/stars", response=answers({201: StarRoundDetail}, STAR_ERRORS), summary="发起作风之星评选（作风办）"
)
def open_star_round(request: HttpRequest, payload: StarRoundIn) -> Any:
    r = actions.do_open_star_round(
        request.user, year=payload.year, period=payload.period, number=payload.number, now=timezone.now()
    )
    return Status(201, _detail(request.user, r))


@router.get(
    "/stars/{round_id}", response=answers(StarRoundDetail), summary="作风之星评选详情（含被推荐人及依据）"
)
def get_star_round(request: HttpRequest, round_id: int) -> Any:
    return _detail(request.user, access.access_round(request.user, round_id))


@router.post(
    "/stars/{round_id}/nominations",
    response=answers({201: StarNominationOut}, STAR_ERRORS),
    summary="推荐作风之星（单位负责人推荐本单位人员）",
)
def nominate_star(request: HttpRequest, round_id: int, payload: StarNominationIn) -> Any:
    n = actions.do_nominate_star(
        request.user, round_id, person_id=payload.person_id, reason=payload.reason, now=timezone.now()
    )
    return Status(201, _nomination(n, stars.nominee_figures(n.round, [n])[n.pk]))


@router.post(
    "/stars/{round_id}/close", response=answers(StarRoundDetail, STAR_ERRORS), summary="截止推荐，进入评审"
)
def close_star_round(request: HttpRequest, round_id: int, payload: StarVersionIn) -> Any:
    r = actions.do_close_star_round(request.user, round_id, version=payload.version, now=timezone.now())
    return _detail(request.user, r)


@router.post(
    "/stars/{round_id}/publish", response=answers(StarRoundDetail, STAR_ERRORS), summary="公布作风之星名单"
)
def publish_star_round(request: HttpRequest, round_id: int, payload: StarVersionIn) -> Any:
    r = actions.do_publish_star_round(request.user, round_id, version=payload.version, now=timezone.now())
    return _detail(request.user, r)


@router.post(
    "/stars/nominations/{nomination_id}/decide",
    response=answers(StarNominationOut, STAR_ERRORS),
    summary="评审被推荐人（评选 / 不予评选，附意见）",
)
def decide_star_nomination(request: HttpRequest, nomination_id: int, payload: StarDecideIn) -> Any:
    found = StarNomination.objects.filter(pk=nomination_id).select_related("round").first()
    if (
        found is None
        or not access.visible_nominations(request.user, found.round).filter(pk=found.pk).exists()
    ):
        raise NotFound()
    n = actions.do_decide_nomination(
        request.user,
        nomination_id,
        decision=payload.decision,
        reason=payload.reason,
        version=payload.version,
        now=timezone.now(),
    )
    return _nomination(n, n.figures)
