"""The monthly analysis meeting pack (处置分析会, R11.2): the month's figures, the top problems (first
level categories and repeated requests), the cases that went overdue and the unit ranking, as a
page, .xlsx and .docx.

Its figures are the ranking's: for a month whose ranking is frozen, the frozen rows and the cases
frozen behind them (so the pack, the 通报 and the ranking of that month say the same numbers);
otherwise the same definitions computed now, marked 「实时数据，排名未冻结」. 曾超期 is the one
definition of `definitions.FIGURES["overdue_count"]`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import FileResponse
from django.utils import timezone

from bangban.core.xlsx import xlsx_response
from bangban.tickets.models import Category
from bangban.tickets.public import cases_in

from . import access, actions, definitions, figures, officedoc, sources
from .models import Ranking, RankingStatus

ID_CHUNK = 5000


@dataclass
class Pack:
    year: int
    month: int
    totals: dict[str, Any]
    problems: list[list[Any]] = field(default_factory=list)
    overdue: list[list[Any]] = field(default_factory=list)
    ranking: list[dict[str, Any]] = field(default_factory=list)
    unranked: list[dict[str, Any]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    frozen: bool = False

    @property
    def title(self) -> str:
        return f"{self.year}年{self.month}月涉企诉求处置分析会材料"

    @property
    def basis(self) -> str:
        return "数据来源：已冻结的月度排名快照" if self.frozen else "数据来源：实时数据（该月排名尚未冻结）"


PROBLEM_HEADERS = ["一级分类", "诉求数", "重复反映", "曾超期"]
OVERDUE_HEADERS = ["诉求编号", "标题", "主办单位", "办理期限", "状态"]
RANK_HEADERS = ["名次", "单位", "诉求数", "响应率", "解决率", "满意率", "综合得分"]


def _case_sets(
    year: int, month: int, ranking: Ranking | None, frozen: bool, hours: int
) -> dict[str, set[int]]:
    """{"total" | "repeat" | "overdue": case ids of every unit} by the ranking's definitions."""
    keys = ("total", "repeat", "overdue")
    if frozen and ranking is not None:
        return {k: set(actions.frozen_case_ids(ranking, None, k) or []) for k in keys}
    out: dict[str, set[int]] = {k: set() for k in keys}
    for (_, key), ids in figures.drill_sets(year, month, hours).items():
        if key in out:
            out[key].update(ids)
    return out


def _tickets(ids: set[int], scope: Q) -> list[Any]:

    ordered = sorted(ids)
    found: list[Any] = []
    for i in range(0, len(ordered), ID_CHUNK):
        found += list(
            cases_in(ordered[i : i + ID_CHUNK])
            .filter(scope)
            .select_related("lead_unit")
            .only("number", "title", "lead_unit__name", "due_at", "status", "category_id")
        )
    return found


def build_pack(user: Any, year: int, month: int) -> Pack:

    figures.month_bounds(year, month)
    ranking = Ranking.objects.filter(year=year, month=month).first()
    frozen = ranking is not None and ranking.status == RankingStatus.FROZEN and ranking.cases_frozen
    if frozen and ranking is not None:
        rows = actions.row_dicts(ranking)
        rules = definitions.ranking_rules(ranking)
        hours = ranking.response_hours
    else:
        cfg = actions.current_settings()
        weights = (cfg.weight_response, cfg.weight_resolution, cfg.weight_satisfaction)
        rows, _ = actions.compute_rows(
            year, month, weights, cfg.min_cases, cfg.response_hours, cfg.bottom_places
        )
        rules = definitions.rule_lines(
            scope_key=definitions.DEFAULT_SCOPE,
            weights=weights,
            min_cases=cfg.min_cases,
            response_hours=cfg.response_hours,
            bottom_places=cfg.bottom_places,
        )
        hours = cfg.response_hours
    path = access.region_path(user)
    if path is not None:
        rows = [r for r in rows if r["region_path"].startswith(path)]
    office = (
        ranking.office_figures
        if frozen and ranking is not None and ranking.office_figures
        else sources.dispatch_figures(year, month).data
    )
    rules = [*rules, f"{definitions.DISPATCH_ON_TIME.label}：{definitions.DISPATCH_ON_TIME.rule}。"]
    totals = {
        "dispatch_on_time_rate": office.get("on_time_rate"),
        "total": sum(r["total"] for r in rows),
        "closed": sum(r["closed"] for r in rows),
        "overdue": sum(r["overdue_count"] for r in rows),
        "repeat": sum(r["repeat_count"] for r in rows),
    }
    scope = access.unit_q(user, "lead_unit__region__path")
    sets = _case_sets(year, month, ranking, frozen, hours)
    paths = dict(Category.objects.values_list("pk", "path"))
    grouped: dict[str, list[int]] = {}
    overdue_cases = []
    for t in _tickets(sets["total"], scope):
        root = (paths.get(t.category_id) or "未分类").split("/")[0]
        acc = grouped.setdefault(root, [0, 0, 0])
        acc[0] += 1
        acc[1] += t.pk in sets["repeat"]
        acc[2] += t.pk in sets["overdue"]
        if t.pk in sets["overdue"]:
            overdue_cases.append(t)
    ordered = sorted(grouped.items(), key=lambda kv: (-kv[1][0], kv[0]))[:10]
    problems: list[list[Any]] = [[k, *v] for k, v in ordered]
    # The list names cases: a unit-bound reader sees only those it may open (the counts above
    # stay the region's).
    if overdue_cases:
        openable = set(
            access.openable_cases(user, cases_in([t.pk for t in overdue_cases])).values_list("pk", flat=True)
        )
        overdue_cases = [t for t in overdue_cases if t.pk in openable]
    overdue_cases.sort(key=lambda t: (t.due_at is None, t.due_at, t.pk))
    overdue = [
        [
            t.number,
            t.title,
            t.lead_unit.name if t.lead_unit else "",
            timezone.localtime(t.due_at).strftime("%Y-%m-%d") if t.due_at else "",
            t.get_status_display(),
        ]
        for t in overdue_cases[:200]
    ]
    return Pack(
        year,
        month,
        totals,
        problems,
        overdue,
        [r for r in rows if r.get("rank")],
        [r for r in rows if not r.get("rank")],
        rules,
        frozen,
    )


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}%"


def _rank_rows(pack: Pack) -> list[list[Any]]:
    return [
        [r["rank"] or "不参与排名", r["unit_name"], r["total"], _pct(r["response_rate"]),
         _pct(r["resolution_rate"]), _pct(r["satisfaction_rate"]), r["score"]]
        for r in pack.ranking + pack.unranked
    ]  # fmt: skip


def pack_xlsx(pack: Pack) -> FileResponse:
    t = pack.totals
    summary = [
        ["诉求数", t["total"]],
        ["办结数", t["closed"]],
        ["曾超期", t["overdue"]],
        ["重复反映", t["repeat"]],
        ["派单及时率（%）", t["dispatch_on_time_rate"] if t["dispatch_on_time_rate"] is not None else "—"],
        [pack.basis, ""],
        *[[line, ""] for line in pack.rules],
    ]
    return xlsx_response(
        f"{pack.title}.xlsx",
        ["指标", "数值"],
        summary,
        "总体情况",
        extra_sheets=[
            ("突出问题", PROBLEM_HEADERS, pack.problems),
            ("曾超期诉求", OVERDUE_HEADERS, pack.overdue),
            ("单位排名", RANK_HEADERS, _rank_rows(pack)),
        ],
    )


def pack_docx(pack: Pack) -> bytes:
    cfg = actions.current_settings()
    t = pack.totals
    sections: list[dict[str, Any]] = [
        {
            "heading": "一、总体情况",
            "paragraphs": [
                f"{pack.year}年{pack.month}月共受理涉企诉求{t['total']}件，已办结{t['closed']}件，"
                f"曾超期{t['overdue']}件，重复反映{t['repeat']}件；派单及时率{_pct(t['dispatch_on_time_rate'])}。",
                f"（{pack.basis}）",
            ],
        },
        {
            "heading": "二、突出问题",
            "paragraphs": [],
            "table": {"headers": PROBLEM_HEADERS, "rows": pack.problems},
        },
        {
            "heading": "三、曾超期诉求",
            "paragraphs": [] if pack.overdue else ["本月无曾超期诉求。"],
            "table": {"headers": OVERDUE_HEADERS, "rows": pack.overdue},
        },
        {
            "heading": "四、单位排名",
            "paragraphs": [],
            "table": {"headers": RANK_HEADERS, "rows": _rank_rows(pack)},
        },
        {"heading": "附：统计口径", "paragraphs": pack.rules},
    ]
    return officedoc.build_document(
        authority=cfg.authority_name,
        number="处置分析会材料",
        title=pack.title,
        salutation="",
        sections=sections,
        signed_by=cfg.authority_name,
        date=timezone.localdate(),
    )
