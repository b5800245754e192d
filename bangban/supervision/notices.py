"""The content of the monthly 通报 (R6.3 12345 热线, R2.4 差评, R14.2 督查), built from the month's
frozen ranking (the 12345 通报 from its 12345-hotline rows: it counts 12345 cases only) and the
figures read through `sources`. Pure reads: the actions store the result in the notice, and the
.docx is rendered from what is stored. The statistical rules (`definitions.rule_lines`) are printed
in the 通报 itself, and only ranked units (never those listed as 不参与排名) can be criticised."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bangban.org.models import Unit

from . import sources
from .definitions import BAD_RATINGS
from .figures import RATE_LABELS
from .models import NoticeKind

SALUTATION = "各县（区）人民政府，市各功能区管委会，市各有关部门和单位："


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def notice_title(kind: str, year: int, month: int) -> str:
    label = {
        NoticeKind.HOTLINE: "12345热线涉企诉求办理情况",
        NoticeKind.BAD_RATING: "政务服务“好差评”差评情况",
        NoticeKind.INSPECTION: "涉企诉求督查情况",
    }[NoticeKind(kind)]
    return f"关于{year}年{month}月{label}的通报"


UNRANKED = "不参与排名"


def _hotline(year: int, month: int, rows: list[dict[str, Any]], rules: list[str]) -> dict[str, Any]:
    total = sum(r["total"] for r in rows)
    closed = sum(r["closed"] for r in rows)
    overdue = sum(r["overdue_count"] for r in rows)
    ranked = sorted((r for r in rows if r.get("rank")), key=lambda r: r["rank"])
    unranked = sorted((r for r in rows if not r.get("rank")), key=lambda r: (-r["total"], r["unit_name"]))
    bottom = [r for r in ranked if r.get("is_bottom")]
    late = sorted((r for r in rows if r["overdue_count"]), key=lambda r: -r["overdue_count"])[:10]
    sections: list[dict[str, Any]] = [
        {
            "heading": "一、总体情况",
            "paragraphs": [
                f"{year}年{month}月，全市12345热线共受理并派发涉企诉求{total}件，已办结{closed}件，"
                f"曾超期{overdue}件，涉及承办单位{len(rows)}个。"
            ],
        },
        {
            "heading": "二、各单位办理情况排名",
            "paragraphs": [
                "综合得分按响应率、解决率、满意率加权计算，排名情况如下"
                "（诉求数不足的单位列为“不参与排名”，统计口径见文末）："
            ],
            "table": {
                "headers": ["名次", "单位", "诉求数", "响应率", "按期办结率", "解决率", "满意率", "综合得分"],
                "rows": [
                    [
                        r["rank"] or UNRANKED,
                        r["unit_name"],
                        r["total"],
                        _pct(r["response_rate"]),
                        _pct(r["on_time_rate"]),
                        _pct(r["resolution_rate"]),
                        _pct(r["satisfaction_rate"]),
                        "—" if r["score"] is None else f"{r['score']:.2f}",
                    ]
                    for r in ranked + unranked
                ],
            },
        },
    ]
    names = "、".join(r["unit_name"] for r in bottom)
    sections.append(
        {
            "heading": "三、存在问题",
            "subheading": "（一）综合得分末位单位",
            "paragraphs": [f"{names}综合得分位列末位，予以通报批评，请认真分析原因、限期整改。"]
            if bottom
            else ["本月无末位单位。"],
        }
    )
    sections.append(
        {
            "subheading": "（二）诉求超期办理情况",
            "paragraphs": [f"{r['unit_name']}本月有{r['overdue_count']}件诉求超期办理。" for r in late]
            or ["本月无超期办理诉求。"],
        }
    )
    sections.append(
        {
            "heading": "四、工作要求",
            "paragraphs": [
                "各地各部门要严格落实首接负责制，及时签收、按期办结，切实提高诉求解决率和企业满意率；"
                "对通报的问题逐件整改，整改情况于下月台账中一并报送。"
            ],
        }
    )
    sections.append({"heading": "附：统计口径", "paragraphs": rules})
    return {"sections": sections, "units": [r["unit_id"] for r in bottom + late]}


def _bad_rating(year: int, month: int, rows: list[dict[str, Any]], rules: list[str]) -> dict[str, Any]:
    result = sources.bad_ratings(year, month)
    items = result.data if result.available else []
    per_unit: dict[str, int] = {}
    for item in items:
        per_unit[item["unit_name"]] = per_unit.get(item["unit_name"], 0) + 1
    intro = (
        f"{year}年{month}月，全市政务服务“好差评”共收到差评{len(items)}件，涉及单位{len(per_unit)}个。"
        if result.available
        else f"{year}年{month}月差评数据{sources.NO_SOURCE}。"
    )
    sections: list[dict[str, Any]] = [
        {"heading": "一、差评总体情况", "paragraphs": [intro]},
        {
            "heading": "二、差评明细",
            "paragraphs": [] if items else ["本月暂无差评。"],
            "table": {
                "headers": ["单位", "评价时间", "诉求编号", "评价", "整改"],
                "rows": [
                    [
                        i["unit_name"],
                        i["at"].strftime("%m-%d") if i["at"] else "",
                        i["ticket_number"] or "—",
                        i["level"],
                        "已整改" if i["rectified"] else "整改中",
                    ]
                    for i in items
                ],
            },
        },
        {
            "heading": "三、工作要求",
            "paragraphs": [
                "被差评单位要在5个工作日内完成整改并反馈评价人，做到举一反三，"
                "对同类问题开展自查，防止同类差评重复发生。"
            ],
        },
        {"heading": "附：统计口径", "paragraphs": [f"{BAD_RATINGS.label}：{BAD_RATINGS.rule}。"]},
    ]
    unit_ids = sorted({i["unit_id"] for i in items if i["unit_id"]})
    return {"sections": sections, "units": unit_ids}


def _pct_or_dash(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1f}%"


OFFICER_HEADING = "帮办专员履职"


def officer_section(
    year: int, month: int, officers: dict[str, Any] | None, number: str = "三"
) -> tuple[list[dict[str, Any]], list[int]]:
    """The 「帮办专员履职」 section (R3.2, R4.2, R4.3, R15) from the month's officer figures (kept
    with the frozen ranking, or read through `sources` for a ranking frozen before they were
    kept), and the units of the officers named as far behind."""
    if not officers:
        result = sources.officer_figures(year, month)
        if not result.available:
            heading = f"{number}、{OFFICER_HEADING}"
            return [{"heading": heading, "paragraphs": [f"帮办专员履职数据{sources.NO_SOURCE}。"]}], []
        officers = result.data
    t = officers.get("totals") or {}
    visits = (
        f"应走访{t.get('visits_due', 0)}家、已走访{t.get('visits_done', 0)}家；"
        if officers.get("quarter_month")
        else "季度走访在季度末月通报；"
    )
    paragraphs = [
        f"{year}年{month}月，全市{t.get('officers', 0)}名帮办专员挂钩服务企业{t.get('enterprises', 0)}家，"
        f"应联系{t.get('contacts_due', 0)}家、已联系{t.get('contacts_done', 0)}家；{visits}"
        f"上门走访经企业确认{t.get('confirmed', 0)}次、企业有异议{t.get('disputed', 0)}次、待确认{t.get('pending', 0)}次；"
        f"企业评价{t.get('ratings', 0)}次，满意率{_pct_or_dash(t.get('satisfaction_rate'))}；"
        f"帮办履职率{_pct_or_dash(t.get('duty_rate'))}。"
    ]
    far = officers.get("far_behind") or []
    shown = far[:100]
    named = [
        f"{o['name']}（{o['unit_name']}）：{'；'.join(o['reasons'])}，予以通报，并提议约谈。" for o in shown
    ]
    if len(far) > len(shown):
        named.append(f"另有{len(far) - len(shown)}名专员履职严重滞后，详见帮办专员履职排名。")
    blocks: list[dict[str, Any]] = [{
        "heading": f"{number}、{OFFICER_HEADING}",
        "paragraphs": paragraphs,
        "table": {
            "headers": ["名次", "单位", "专员数", "应联系/已联系", "应走访/已走访", "核验确认/异议", "评价满意率", "帮办履职率"],
            "rows": [
                [
                    u.get("rank") or UNRANKED,
                    u["unit_name"],
                    u["officers"],
                    f"{u['contacts_due']}/{u['contacts_done']}",
                    f"{u['visits_due']}/{u['visits_done']}",
                    f"{u['confirmed']}/{u['disputed']}",
                    _pct_or_dash(u.get("satisfaction_rate")),
                    _pct_or_dash(u.get("duty_rate")),
                ]
                for u in officers.get("units") or []
            ],
        },
    },
        {
            "subheading": "（一）履职严重滞后的帮办专员",
            "paragraphs": named or ["本月无履职严重滞后的帮办专员。"],
        },
        {"subheading": "（二）统计口径", "paragraphs": list(officers.get("rules") or [])},
    ]  # fmt: skip
    return blocks, sorted({int(o["unit_id"]) for o in far if o.get("unit_id")})


def _inspection(
    year: int,
    month: int,
    rows: list[dict[str, Any]],
    rules: list[str],
    officers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    ratings = sources.ratings_figures(year, month)
    escalation = sources.escalation_figures(year, month)
    criticism = sources.criticism_records(year, month)
    names = {r["unit_id"]: r["unit_name"] for r in rows}
    officer_blocks, officer_units = officer_section(year, month, officers)

    missing = {int(k) for k in list(ratings.data) + list(escalation.data)} - set(names)
    names.update(dict(Unit.objects.filter(pk__in=missing).values_list("pk", "name")))
    table_rows = []
    named: list[int] = []
    for unit_id in sorted(set(ratings.data) | set(escalation.data), key=lambda u: names.get(int(u), "")):
        rf = ratings.data.get(unit_id, {})
        ef = escalation.data.get(unit_id, {})
        not_solved = int(rf.get("not_solved") or 0)
        open_overdue = int(ef.get("supervision_open_overdue") or 0) + int(ef.get("tasks_open_overdue") or 0)
        if not (rf.get("rechecked") or ef.get("supervision_issued") or not_solved or open_overdue):
            continue
        table_rows.append(
            [
                names.get(int(unit_id), str(unit_id)),
                rf.get("rechecked", 0),
                not_solved,
                ef.get("supervision_issued", 0),
                open_overdue,
            ]
        )
        if not_solved or open_overdue:
            named.append(int(unit_id))
    paragraphs = []
    if not ratings.available:
        paragraphs.append(f"回头看数据{sources.NO_SOURCE}。")
    if not escalation.available:
        paragraphs.append(f"督办数据{sources.NO_SOURCE}。")
    paragraphs.append(
        f"{year}年{month}月，对已办结诉求开展满意度回头看，并对督办事项、会办任务落实情况进行督查，"
        f"涉及单位{len(table_rows)}个。"
    )
    problems = [
        f"{names.get(u, str(u))}存在回头看未解决或督办、会办事项逾期未落实的问题，予以通报批评。"
        for u in named
    ]
    for c in criticism.data:
        problems.append(f"{c['subject']}（{c['kind']}，{c['region']}）：{c['reasons']}。")
    sections: list[dict[str, Any]] = [
        {
            "heading": "一、督查情况",
            "paragraphs": paragraphs,
            "table": {
                "headers": ["单位", "回头看件数", "未解决", "督办件数", "逾期未落实"],
                "rows": table_rows,
            },
        },
        {"heading": "二、点名通报", "paragraphs": problems or ["本月督查未发现需要点名通报的问题。"]},
        *officer_blocks,
        {
            "heading": "四、工作要求",
            "paragraphs": [
                "被通报单位要逐项整改，整改结果报市营商办；整改不力的，按规定启动约谈、问责程序。"
            ],
        },
    ]
    return {"sections": sections, "units": sorted(set(named) | set(officer_units))}


BUILDERS: dict[NoticeKind, Callable[..., dict[str, Any]]] = {
    NoticeKind.HOTLINE: _hotline,
    NoticeKind.BAD_RATING: _bad_rating,
    NoticeKind.INSPECTION: _inspection,
}


def build_content(
    kind: str,
    year: int,
    month: int,
    rows: list[dict[str, Any]],
    rules: list[str],
    officers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The content of a 通报; `officers`: the month's officer figures kept with the frozen ranking
    (the 督查 通报's 「帮办专员履职」 section)."""
    if NoticeKind(kind) == NoticeKind.INSPECTION:
        content = _inspection(year, month, rows, rules, officers)
    else:
        content = BUILDERS[NoticeKind(kind)](year, month, rows, rules)
    content["salutation"] = SALUTATION
    content["figure_labels"] = RATE_LABELS
    return content


# --- 负面典型案例 (R14.2): an item type of every 通报 -------------------------------------------

NEGATIVE_KEY = "negative_cases"
NEGATIVE_HEADING = "负面典型案例"
_NUMERALS = "一二三四五六七八九十"
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")


def negative_section(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """The 「负面典型案例」 section: one paragraph per case chosen into the notice."""
    return {
        "key": NEGATIVE_KEY,
        "heading": NEGATIVE_HEADING,
        "paragraphs": [
            f"（{_NUMERALS[n] if n < len(_NUMERALS) else n + 1}）{c['unit_name'] or '责任单位'}办理"
            f"{c['number']}“{c['title']}”：{c['note']}"
            for n, c in enumerate(cases)
        ],
    }


def _is_requirements(section: dict[str, Any]) -> bool:
    return "工作要求" in str(section.get("heading", ""))


def _is_annex(section: dict[str, Any]) -> bool:
    return str(section.get("heading", "")).startswith("附")


def requirements_at(sections: list[dict[str, Any]]) -> int | None:
    """Where a notice's 「工作要求」 section is: the one so headed, else the last section before an
    annex (附：…); None for a notice without sections."""
    found = next((i for i, s in enumerate(sections) if _is_requirements(s)), None)
    if found is not None:
        return found
    body = [i for i, s in enumerate(sections) if not _is_annex(s)]
    return body[-1] if body else None


def requirements_text(content: dict[str, Any] | None) -> str:
    sections = list((content or {}).get("sections", []))
    at = requirements_at(sections)
    return "" if at is None else "\n".join(sections[at].get("paragraphs", []))


def with_negative_cases(content: dict[str, Any], cases: list[dict[str, Any]]) -> dict[str, Any]:
    """The notice's content with its 「负面典型案例」 section (placed before 「工作要求」, or before the
    annex) replaced by one for `cases` — or taken out when there are none — and the numbered
    headings (一、二、…) renumbered in order."""
    sections = [s for s in content.get("sections", []) if s.get("key") != NEGATIVE_KEY]
    if cases:
        at = next(
            (i for i, s in enumerate(sections) if _is_requirements(s)),
            next((i for i, s in enumerate(sections) if _is_annex(s)), len(sections)),
        )
        sections.insert(at, negative_section(cases))
    number = 0
    renumbered = []
    for s in sections:
        heading = str(s.get("heading", ""))
        if heading and (_NUMBERED.match(heading) or s.get("key") == NEGATIVE_KEY):
            label = _NUMERALS[number] if number < len(_NUMERALS) else str(number + 1)
            s = {**s, "heading": f"{label}、{_NUMBERED.sub('', heading)}"}
            number += 1
        renumbered.append(s)
    return {**content, "sections": renumbered}
