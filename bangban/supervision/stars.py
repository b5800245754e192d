"""作风之星 selection rounds (R15.1): the months of a round's period and the figures each nominee is
shown with. The figures are not defined here: the unit's are the rows of the month's frozen
ranking (`figures.unit_figures`, frozen by `actions.rankings`), the person's are
`figures.handler_figures`, and the open accountability is the rule of
`actions.accountability` (an open 约谈/责令检查/通报批评/移交纪委监委 refuses a nominee)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from . import definitions, figures
from .models import (
    AccountabilityKind,
    AccountabilityRecord,
    AccountabilityStatus,
    Ranking,
    RankingRow,
    RankingStatus,
    StarPeriod,
)

PERIOD_COUNT = {StarPeriod.QUARTER: 4, StarPeriod.HALF: 2}
PENALTY_KINDS = (
    AccountabilityKind.INTERVIEW,
    AccountabilityKind.SELF_EXAMINATION,
    AccountabilityKind.CRITICISM,
    AccountabilityKind.TRANSFER,
)
OPEN_STATUSES = (AccountabilityStatus.PROPOSED, AccountabilityStatus.CONFIRMED)

# The criteria shown under every round (page, API, export), in the words users read.
CRITERIA = [
    "单位排名：被推荐人所在单位在评选周期内各月已冻结的月度排名（全部渠道）中的名次、综合得分、满意率、按期办结率、响应率，"
    "口径同「督查排名」；未冻结的月份显示「未冻结」。",
    "本人办理：评选周期内受理、由被推荐人承办的诉求数、办结数、按期办结数（办结时间不晚于办理期限）、曾超期数和按期办结率。",
    "问责情况：被推荐人或其所在单位有尚未办结（拟提议、已确定）的约谈、责令检查、通报批评或移交纪委监委的，不能推荐或评选。",
]


def period_months(year: int, period: str, number: int) -> list[tuple[int, int]]:
    size = 3 if period == StarPeriod.QUARTER else 6
    first = (number - 1) * size + 1
    return [(year, m) for m in range(first, first + size)]


def period_label(year: int, period: str, number: int) -> str:
    if period == StarPeriod.QUARTER:
        return f"{year}年第{'一二三四'[number - 1]}季度"
    return f"{year}年{'上' if number == 1 else '下'}半年"


def open_accountability_q(unit_id: int, person_name: str) -> Q:
    return Q(
        unit_id=unit_id,
        kind__in=PENALTY_KINDS,
        status__in=OPEN_STATUSES,
        person_name__in={"", person_name},
    )


def nominee_figures(star_round: Any, nominations: list[Any]) -> dict[int, dict[str, Any]]:
    """{nomination id: {"unit_months": [...], "person": {...}, "open_records": [...]}} — three
    queries for the ranking rows, one per month for the cases, one for the open records."""
    months = period_months(star_round.year, star_round.period, star_round.number)
    unit_ids = {n.unit_id for n in nominations}
    rows: dict[tuple[int, int, int], Any] = {}
    frozen: set[tuple[int, int]] = set()
    month_q = Q()
    for y, m in months:
        month_q |= Q(ranking__year=y, ranking__month=m)
    for found in RankingRow.objects.filter(
        month_q,
        ranking__status=RankingStatus.FROZEN,
        scope=definitions.DEFAULT_SCOPE,
        unit_id__in=unit_ids,
    ).select_related("ranking"):
        rows[(found.ranking.year, found.ranking.month, found.unit_id)] = found
    years = {y for y, _ in months}
    for y, m in Ranking.objects.filter(year__in=years, status=RankingStatus.FROZEN).values_list(
        "year", "month"
    ):
        if (y, m) in months:
            frozen.add((y, m))
    people = figures.handler_figures(sorted({n.person_id for n in nominations}), months)
    open_q = Q(pk__in=[])
    for n in nominations:
        open_q |= open_accountability_q(n.unit_id, n.person_name)
    open_records = list(AccountabilityRecord.objects.filter(open_q).order_by("created_at", "pk"))
    out: dict[int, dict[str, Any]] = {}
    for n in nominations:
        unit_months = []
        for y, m in months:
            row = rows.get((y, m, n.unit_id))
            unit_months.append(
                {
                    "month": f"{y}-{m:02d}",
                    "frozen": (y, m) in frozen,
                    "rank": row.rank if row else None,
                    "score": row.score if row else None,
                    "satisfaction_rate": row.satisfaction_rate if row else None,
                    "on_time_rate": row.on_time_rate if row else None,
                    "response_rate": row.response_rate if row else None,
                    "total": row.total if row else None,
                }
            )
        out[n.pk] = {
            "unit_months": unit_months,
            "person": people.get(n.person_id, {}),
            "open_records": [
                {
                    "id": r.pk,
                    "kind": r.get_kind_display(),
                    "month": f"{r.year}年{r.month}月",
                    "status": r.get_status_display(),
                }
                for r in open_records
                if r.unit_id == n.unit_id and r.person_name in ("", n.person_name)
            ],
        }
    return out


def pct(value: Any) -> str:
    return "—" if value is None else f"{value:.2f}%"


def unit_summary(unit_months: list[dict[str, Any]]) -> str:
    """「2026-10 第2名 92.50分 满意率95.00%…」, one part per month of the period."""
    parts = []
    for um in unit_months:
        if not um["frozen"]:
            parts.append(f"{um['month']} 未冻结")
        elif um["rank"] is None and um["total"] is None:
            parts.append(f"{um['month']} 无数据")
        else:
            place = f"第{um['rank']}名" if um["rank"] else "不参与排名"
            score = "—" if um["score"] is None else f"{um['score']:.2f}分"
            parts.append(
                f"{um['month']} {place} {score} 满意率{pct(um['satisfaction_rate'])} "
                f"按期办结率{pct(um['on_time_rate'])} 响应率{pct(um['response_rate'])}"
            )
    return "；".join(parts)
