"""The officer figures of a month (R3.2, R4.2, R4.3, R15): the one definition of what the monthly
通报, the rankings page and the accountability rule say about 帮办专员. Read by supervision only
through `bangban.supervision.sources`; the rules in words are `RULES` below (shown with the figures).

For a month M (a calendar month, normally closed):

* an assignment **serves** M when it served at least one day of it (its days run from `started_on`
  to the day before `ended_on`, as in the compliance matrix, `queries._inner_sql`);
* **contacts due** = the (officer, enterprise) pairs serving M; **done** = those with at least one
  contact (any kind, leaders' visits excluded) by that officer with that enterprise dated in M;
* **visits** count only in the month that closes a quarter: **due** = the pairs still serving on
  its last day, **done** = those with an on-site visit by the officer in the quarter;
* **verifications** = the officer's on-site visits dated in M by 核验 state (confirmed, disputed,
  pending); **ratings** = the enterprises' ratings of the officer for M, and how many were
  satisfied (非常满意, 满意, 基本满意);
* per **unit** (the officer's unit now): the sums, and 帮办履职率 = (contacts done + visits done) ÷
  (contacts due + visits due), ranked highest first (equal rates share a place; a unit with nothing
  due is not ranked);
* an officer is **far behind** when some contact due was missed in M and in the month before
  (two consecutive months), or — in a quarter's closing month — a visit due was missed.

Everything is aggregated in the database: one statement per (officer, enterprise) rolled up per
officer, one for verifications and one for ratings; units are sums of the officer rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Count, Q

from bangban.accounts.models import User
from bangban.core.satisfaction import SATISFIED_LEVELS
from bangban.org.models import Unit

from .models import Assignment, Contact, ContactKind, HelpItemStatus, OfficerRating, Verification
from .rules import Quarter, month_span

RULES = {
    "contacts": "应联系：当月挂钩服务过（至少一天）的企业，每家每月至少联系一次（电话、上门、微信、线上平台均可，领导走访不计）；"
    "挂钩中途调整的，原专员仍计其服务过的月份",
    "visits": "应走访：季度末月统计，季度最后一天仍在挂钩的企业，本季度须至少上门走访一次",
    "verifications": "核验：当月上门走访经企业工作联络员确认、提出异议、待确认的次数",
    "ratings": "企业评价：企业对专员当月服务的评价中“非常满意、满意、基本满意”的次数 ÷ 评价次数",
    "duty_rate": "帮办履职率 =（已联系 + 已走访）÷（应联系 + 应走访），按专员现所在单位汇总；"
    "按履职率从高到低排名（相同并列），无应联系、应走访的单位不排名",
    "far_behind": "严重滞后：连续两个已结束的月份均有挂钩企业未按要求联系，或季度末月有挂钩企业本季度未上门走访；"
    "严重滞后的专员在冻结当月排名时按规则提议约谈",
}

COUNTS = (
    "enterprises",
    "contacts_due",
    "contacts_done",
    "prev_due",
    "prev_done",
    "visits_due",
    "visits_done",
    "confirmed",
    "disputed",
    "pending",
    "ratings",
    "satisfied",
)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def closes_quarter(month: int) -> bool:
    return month % 3 == 0


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def _pair_sql(year: int, month: int) -> tuple[str, list[Any]]:
    """One row per officer: the sums over the (officer, enterprise) pairs serving M or M−1."""
    m_start, m_end = month_span(year, month)
    p_start, p_end = month_span(*previous_month(year, month))
    q_start = Quarter.of(m_start).start
    since = min(p_start, q_start)
    quarter_end = 1 if closes_quarter(month) else 0
    a, c, u = Assignment._meta.db_table, Contact._meta.db_table, User._meta.db_table
    sql = f"""
        SELECT t.officer_id, u.unit_id,
               SUM(t.dm), SUM(t.dm * t.cm), SUM(t.dp), SUM(t.dp * t.cp), SUM(t.dv), SUM(t.dv * t.v)
        FROM (
            SELECT a.officer_id AS officer_id, a.enterprise_id AS enterprise_id,
                   MAX(CASE WHEN a.started_on <= %s AND (a.ended_on IS NULL OR a.ended_on > %s)
                            THEN 1 ELSE 0 END) AS dm,
                   MAX(CASE WHEN a.started_on <= %s AND (a.ended_on IS NULL OR a.ended_on > %s)
                            THEN 1 ELSE 0 END) AS dp,
                   MAX(CASE WHEN {quarter_end} = 1 AND a.started_on <= %s
                                 AND (a.ended_on IS NULL OR a.ended_on > %s) THEN 1 ELSE 0 END) AS dv,
                   MAX(COALESCE(c.cm, 0)) AS cm, MAX(COALESCE(c.cp, 0)) AS cp, MAX(COALESCE(c.v, 0)) AS v
            FROM {a} a
            LEFT JOIN (
                SELECT officer_id, enterprise_id,
                       MAX(CASE WHEN contact_on >= %s THEN 1 ELSE 0 END) AS cm,
                       MAX(CASE WHEN contact_on >= %s AND contact_on <= %s THEN 1 ELSE 0 END) AS cp,
                       MAX(CASE WHEN kind = %s AND contact_on >= %s THEN 1 ELSE 0 END) AS v
                FROM {c}
                WHERE contact_on >= %s AND contact_on <= %s AND is_leader_visit = %s
                GROUP BY officer_id, enterprise_id
            ) c ON c.officer_id = a.officer_id AND c.enterprise_id = a.enterprise_id
            WHERE a.started_on <= %s AND (a.ended_on IS NULL OR a.ended_on > %s)
                  AND (a.ended_on IS NULL OR a.ended_on > a.started_on)
            GROUP BY a.officer_id, a.enterprise_id
        ) t
        JOIN {u} u ON u.id = t.officer_id
        GROUP BY t.officer_id, u.unit_id
    """
    args: list[Any] = [
        m_end, m_start, p_end, p_start, m_end, m_end,
        m_start, p_start, p_end, ContactKind.VISIT, q_start, since, m_end, False,
        m_end, p_start,
    ]  # fmt: skip
    return sql, args


def officer_month_figures(year: int, month: int) -> dict[str, Any]:
    """The month's figures as plain data (JSON-ready, so a ranking can keep them):
    `{"year", "month", "quarter_month", "totals", "units": [...], "far_behind": [...],
    "officers": {officer id: {...}}}` — see the module's docstring for each count."""
    officers: dict[int, dict[str, Any]] = {}

    def row(officer_id: int, unit_id: int | None = None) -> dict[str, Any]:
        return officers.setdefault(officer_id, {"unit_id": unit_id, **dict.fromkeys(COUNTS, 0)})

    sql, args = _pair_sql(year, month)
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        for officer_id, unit_id, dm, cm, dp, cp, dv, v in cursor.fetchall():
            d = row(officer_id, unit_id)
            d["enterprises"] = d["contacts_due"] = int(dm or 0)
            d["contacts_done"], d["prev_due"], d["prev_done"] = int(cm or 0), int(dp or 0), int(cp or 0)
            d["visits_due"], d["visits_done"] = int(dv or 0), int(v or 0)
    m_start, m_end = month_span(year, month)
    states = {
        Verification.CONFIRMED: "confirmed",
        Verification.DISPUTED: "disputed",
        Verification.PENDING: "pending",
    }
    verified = (
        Contact.objects.filter(
            kind=ContactKind.VISIT, is_leader_visit=False, contact_on__gte=m_start, contact_on__lte=m_end
        )
        .values_list("officer_id", "verification")
        .annotate(n=_count())
        .order_by()
    )
    for officer_id, state, n in verified:
        if state in states:
            row(officer_id)[states[state]] += n
    ratings = (
        OfficerRating.objects.filter(month=f"{year:04d}-{month:02d}")
        .values_list("officer_id")
        .annotate(n=_count(), ok=_count(level__in=[int(x) for x in SATISFIED_LEVELS]))
        .order_by()
    )
    for officer_id, n, ok in ratings:
        d = row(officer_id)
        d["ratings"], d["satisfied"] = n, ok
    return _roll_up(year, month, officers)


def _count(**condition: Any) -> Count:
    return Count("id", filter=Q(**condition)) if condition else Count("id")


def _roll_up(year: int, month: int, officers: dict[int, dict[str, Any]]) -> dict[str, Any]:
    people = User.objects.filter(pk__in=list(officers)).values_list("pk", "full_name", "username", "unit_id")
    names: dict[int, str] = {}
    for pk, full_name, username, unit_id in people:
        names[pk] = full_name or username
        if officers[pk]["unit_id"] is None:
            officers[pk]["unit_id"] = unit_id
    unit_names = dict(
        Unit.objects.filter(pk__in={d["unit_id"] for d in officers.values() if d["unit_id"]}).values_list(
            "pk", "name"
        )
    )
    quarter_month = closes_quarter(month)
    units: dict[int, dict[str, Any]] = {}
    far_behind = []
    for officer_id, d in officers.items():
        d["name"] = names.get(officer_id, str(officer_id))
        d["unit_name"] = unit_names.get(d["unit_id"], "未登记单位") if d["unit_id"] else "未登记单位"
        reasons = []
        if d["contacts_done"] < d["contacts_due"] and d["prev_done"] < d["prev_due"]:
            reasons.append(
                f"连续两个月有挂钩企业未按要求联系（本月{d['contacts_due'] - d['contacts_done']}家、"
                f"上月{d['prev_due'] - d['prev_done']}家）"
            )
        if quarter_month and d["visits_done"] < d["visits_due"]:
            reasons.append(f"本季度有{d['visits_due'] - d['visits_done']}家挂钩企业未上门走访")
        d["far_behind"] = bool(reasons)
        d["reasons"] = reasons
        d["duty_rate"] = _rate(d["contacts_done"] + d["visits_done"], d["contacts_due"] + d["visits_due"])
        if reasons:
            far_behind.append({"officer_id": officer_id, "name": d["name"], "unit_id": d["unit_id"],
                               "unit_name": d["unit_name"], "reasons": reasons})  # fmt: skip
        key = d["unit_id"] or 0
        u = units.setdefault(key, {"unit_id": d["unit_id"], "unit_name": d["unit_name"], "officers": 0,
                                   "officers_far_behind": 0, **dict.fromkeys(COUNTS, 0)})  # fmt: skip
        u["officers"] += 1
        u["officers_far_behind"] += int(d["far_behind"])
        for k in COUNTS:
            u[k] += d[k]
    totals: dict[str, Any] = {"officers": len(officers), "officers_far_behind": len(far_behind),
                              **dict.fromkeys(COUNTS, 0)}  # fmt: skip
    for u in units.values():
        u["duty_rate"] = _rate(u["contacts_done"] + u["visits_done"], u["contacts_due"] + u["visits_due"])
        u["satisfaction_rate"] = _rate(u["satisfied"], u["ratings"])
        for k in COUNTS:
            totals[k] += u[k]
    totals["duty_rate"] = _rate(
        totals["contacts_done"] + totals["visits_done"], totals["contacts_due"] + totals["visits_due"]
    )
    totals["satisfaction_rate"] = _rate(totals["satisfied"], totals["ratings"])
    ranked = rank_units(list(units.values()))
    far_behind.sort(key=lambda r: (r["unit_name"], r["name"]))
    return {
        "year": year,
        "month": month,
        "quarter_month": quarter_month,
        "totals": totals,
        "units": ranked,
        "far_behind": far_behind,
        "officers": {str(k): v for k, v in officers.items()},
    }


def rank_units(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Competition ranking (1, 2, 2, 4) by 帮办履职率, highest first; units without a rate are
    listed after, unranked."""
    ranked = sorted(
        (u for u in units if u["duty_rate"] is not None), key=lambda u: (-u["duty_rate"], u["unit_name"])
    )
    place, previous = 0, None
    for index, u in enumerate(ranked, start=1):
        if u["duty_rate"] != previous:
            place, previous = index, u["duty_rate"]
        u["rank"] = place
    rest = sorted((u for u in units if u["duty_rate"] is None), key=lambda u: u["unit_name"])
    for u in rest:
        u["rank"] = None
    return ranked + rest


def month_closed(year: int, month: int, today: dt.date) -> bool:
    """Whether the month has ended on `today`."""
    return month_span(year, month)[1] < today


# --- 解难帮扶会办会 (R3.3) ---------------------------------------------------------------------------
# The one definition of an overdue 批办/会办 item, used by the meeting page, the API and the 会办会台账:
# a tracked item (办理中 or 已办结) with a deadline that is still open after it (逾期未办结) or was
# closed after it (逾期办结). A 分办 item is tracked by its case's own deadline instead.


def help_item_overdue(item: Any, now: dt.datetime) -> bool:
    if item.due_at is None or item.status not in (HelpItemStatus.OPEN, HelpItemStatus.DONE):
        return False
    if item.status == HelpItemStatus.OPEN:
        return now > item.due_at
    return item.done_at is not None and item.done_at > item.due_at
