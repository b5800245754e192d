"""专项督查 (R14.1): the progress of each item and the report. Pure reads — the mayor's channel
and the meeting decisions are read through `sources` (the escalation app), the cases through
`tickets.public`. The actions store the report built here when an inspection is closed; the page,
the .docx and the .xlsx show what is stored (or, before closing, the report as of now)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from bangban.tickets.public import cases_by_id
from bangban.tickets.workflow import Status

from . import sources
from .models import SpecialInspection, SpecialItemKind, SpecialVerdict

SALUTATION = "市政府："
ITEM_HEADERS = [
    "序号",
    "类型",
    "事项",
    "责任单位",
    "办理期限",
    "办理状态",
    "督办",
    "办理结果",
    "督查结论",
    "督查意见",
]


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else "—"


def _chinese_day(value: dt.datetime) -> str:
    day = timezone.localtime(value).date()
    return f"{day.year}年{day.month}月{day.day}日"


def progress(items: list[Any], now: dt.datetime) -> list[dict[str, Any]]:
    """Each item with its live progress: status, due, overdue, 督办 orders and result."""
    case_ids = [i.ticket_id for i in items if i.ticket_id]
    task_ids = [i.task_ref for i in items if i.task_ref]
    cases = cases_by_id(case_ids)
    orders = sources.case_orders(case_ids).data
    tasks = {t["id"]: t for t in sources.meeting_tasks(task_ids).data} if task_ids else {}
    rows = []
    for item in items:
        row: dict[str, Any] = {"item": item, "orders": 0, "orders_open": 0, "result": "", "done": False}
        if item.kind == SpecialItemKind.MAYOR and item.ticket_id:
            case = cases.get(item.ticket_id)
            row.update(orders.get(item.ticket_id, {}))
            if case is not None:
                row["done"] = case.status == Status.CLOSED
                row["status_label"] = case.get_status_display()
                row["number"] = case.number
                row["due_at"] = case.due_at
                row["finished_at"] = case.closed_at
        else:
            task = tasks.get(item.task_ref or 0)
            if task is not None:
                row.update({k: task[k] for k in ("orders", "orders_open", "result", "done")})
                row["status_label"] = task["status_label"]
                row["due_at"] = task["due_at"]
                row["finished_at"] = task["done_at"]
                row["meeting"] = task["meeting"]
        row.setdefault("status_label", "数据暂缺")
        row.setdefault("due_at", item.due_at)
        row.setdefault("finished_at", None)
        due = row["due_at"]
        row["overdue"] = bool(due and (row["finished_at"] or now) > due)
        row["supervision_label"] = (
            f"督办{row['orders']}次，待答复{row['orders_open']}次" if row["orders"] else "未督办"
        )
        rows.append(row)
    return rows


def build_report(inspection: SpecialInspection, now: dt.datetime) -> dict[str, Any]:
    """The 督查报告 as sections (the shape `officedoc.build_document` renders) and its totals."""
    items = list(inspection.items.select_related("unit").order_by("id"))
    rows = progress(items, now)
    kinds = Counter(i.kind for i in items)
    verdicts = Counter(i.verdict for i in items)
    done = sum(1 for r in rows if r["done"])
    overdue = sum(1 for r in rows if r["overdue"])
    table = [
        [
            n,
            r["item"].get_kind_display(),
            (f"{r['number']} " if r.get("number") else "") + r["item"].title,
            r["item"].unit.name if r["item"].unit else "—",
            _when(r["due_at"]),
            r["status_label"] + ("（逾期）" if r["overdue"] else ""),
            r["supervision_label"],
            r["result"] or "—",
            r["item"].get_verdict_display(),
            r["item"].finding or "—",
        ]
        for n, r in enumerate(rows, 1)
    ]
    problems = [
        f"{r['item'].unit.name if r['item'].unit else '责任单位'}：{r['item'].title}，"
        f"督查结论为“{r['item'].get_verdict_display()}”。{r['item'].finding}"
        for r in rows
        if r["item"].verdict in (SpecialVerdict.LAGGING, SpecialVerdict.NOT_DONE)
    ]
    sections: list[dict[str, Any]] = [
        {
            "heading": "一、督查基本情况",
            "paragraphs": [
                f"按照“{inspection.title}”安排，对投诉至市长、市政府会办的问题事项开展专项督查，"
                f"共督查{len(items)}项，其中市长直通车诉求{kinds[SpecialItemKind.MAYOR]}件、"
                f"政府会议议定事项{kinds[SpecialItemKind.MEETING]}项。",
                *([inspection.basis] if inspection.basis else []),
            ],
        },
        {
            "heading": "二、办理进展",
            "paragraphs": [
                f"截至{_chinese_day(now)}，已办结（完成）{done}项，"
                f"逾期{overdue}项；经督查，已落实{verdicts[SpecialVerdict.DONE]}项、"
                f"推进滞后{verdicts[SpecialVerdict.LAGGING]}项、未落实{verdicts[SpecialVerdict.NOT_DONE]}项。"
            ],
            "table": {"headers": ITEM_HEADERS, "rows": table},
        },
        {"heading": "三、存在问题", "paragraphs": problems or ["本次督查未发现推进滞后或未落实的事项。"]},
        {
            "heading": "四、下一步工作",
            "paragraphs": [
                "对推进滞后、未落实的事项，由市营商办持续跟踪督办，责任单位限期整改并报送整改结果；"
                "对惠企政策落实不力、服务企业不到位的，作为负面典型案例在月度督查通报中通报。"
            ],
        },
    ]
    return {
        "salutation": SALUTATION,
        "sections": sections,
        "totals": {
            "items": len(items),
            "mayor": kinds[SpecialItemKind.MAYOR],
            "meeting": kinds[SpecialItemKind.MEETING],
            "done": done,
            "overdue": overdue,
            **{f"verdict_{v}": verdicts[v] for v in SpecialVerdict.values},
        },
        "as_of": now.isoformat(),
    }


def report_of(inspection: SpecialInspection, now: dt.datetime) -> dict[str, Any]:
    """The stored report of a closed inspection; otherwise the report as of `now` (a preview)."""
    return inspection.report if inspection.report else build_report(inspection, now)
