"""The monthly analysis meeting pack (处置分析会, R11.2): the month's figures, the top problems (first
level categories and repeated requests) and the list of overdue cases, as a page, .xlsx and .docx."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.http import FileResponse
from django.utils import timezone

from bangban.core.xlsx import xlsx_response

from . import access, actions, figures, officedoc

OPEN_STATUSES = ("pending_dispatch", "dispatched", "in_progress", "suspended", "reply_review", "replied")


@dataclass
class Pack:
    year: int
    month: int
    totals: dict[str, Any]
    problems: list[list[Any]] = field(default_factory=list)
    overdue: list[list[Any]] = field(default_factory=list)
    ranking: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.year}年{self.month}月涉企诉求处置分析会材料"


PROBLEM_HEADERS = ["一级分类", "诉求数", "重复反映", "超期"]
OVERDUE_HEADERS = ["诉求编号", "标题", "主办单位", "办理期限", "状态"]
RANK_HEADERS = ["名次", "单位", "诉求数", "响应率", "解决率", "满意率", "综合得分"]


def build_pack(user: Any, year: int, month: int) -> Pack:
    from bangban.tickets.models import Category

    _, end = figures.month_bounds(year, month)
    scope = access.unit_q(user, "lead_unit__region__path")
    cases = figures.month_cases(year, month).filter(scope)
    totals = cases.aggregate(
        total=Count("id"),
        closed=Count("id", filter=Q(closed_at__isnull=False)),
        overdue=Count("id", filter=Q(overdue_at__isnull=False)),
        repeat=Count("id", filter=Q(is_repeat=True)),
    )
    paths = dict(Category.objects.values_list("pk", "path"))
    grouped: dict[str, list[int]] = {}
    for r in (
        cases.values("category")
        .annotate(
            n=Count("id"),
            rep=Count("id", filter=Q(is_repeat=True)),
            od=Count("id", filter=Q(overdue_at__isnull=False)),
        )
        .order_by()
    ):
        root = (paths.get(r["category"]) or "未分类").split("/")[0]
        acc = grouped.setdefault(root, [0, 0, 0])
        acc[0] += r["n"]
        acc[1] += r["rep"]
        acc[2] += r["od"]
    ordered = sorted(grouped.items(), key=lambda kv: -kv[1][0])[:10]
    problems: list[list[Any]] = [[k, *v] for k, v in ordered]
    from bangban.tickets.models import Ticket

    overdue_qs = (
        Ticket.objects.filter(scope)
        .filter(status__in=OPEN_STATUSES, due_at__lt=end)
        .select_related("lead_unit")
        .order_by("due_at")[:200]
    )
    overdue = [
        [
            t.number,
            t.title,
            t.lead_unit.name if t.lead_unit else "",
            timezone.localtime(t.due_at).strftime("%Y-%m-%d") if t.due_at else "",
            t.get_status_display(),
        ]
        for t in overdue_qs
    ]
    rows = actions.ranking_for_notice(year, month)
    path = access.region_path(user)
    if path is not None:
        rows = [r for r in rows if r["region_path"].startswith(path)]
    return Pack(year, month, totals, problems, overdue, [r for r in rows if r.get("rank")])


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}%"


def _rank_rows(pack: Pack) -> list[list[Any]]:
    return [
        [r["rank"], r["unit_name"], r["total"], _pct(r["response_rate"]), _pct(r["resolution_rate"]),
         _pct(r["satisfaction_rate"]), r["score"]]
        for r in pack.ranking
    ]  # fmt: skip


def pack_xlsx(pack: Pack) -> FileResponse:
    t = pack.totals
    summary = [
        ["诉求数", t["total"]],
        ["办结数", t["closed"]],
        ["曾超期", t["overdue"]],
        ["重复反映", t["repeat"]],
    ]
    return xlsx_response(
        f"{pack.title}.xlsx",
        ["指标", "数值"],
        summary,
        "总体情况",
        extra_sheets=[
            ("突出问题", PROBLEM_HEADERS, pack.problems),
            ("超期清单", OVERDUE_HEADERS, pack.overdue),
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
                f"曾超期{t['overdue']}件，重复反映{t['repeat']}件。"
            ],
        },
        {
            "heading": "二、突出问题",
            "paragraphs": [],
            "table": {"headers": PROBLEM_HEADERS, "rows": pack.problems},
        },
        {
            "heading": "三、超期未办结诉求",
            "paragraphs": [] if pack.overdue else ["暂无超期未办结诉求。"],
            "table": {"headers": OVERDUE_HEADERS, "rows": pack.overdue},
        },
        {
            "heading": "四、单位排名",
            "paragraphs": [],
            "table": {"headers": RANK_HEADERS, "rows": _rank_rows(pack)},
        },
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
