"""The officer figures of a month (`network.figures`), recomputed independently from the raw
assignment, contact and rating rows in plain Python."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bangban.network.figures import officer_month_figures
from bangban.network.models import Assignment, Contact, ContactKind, OfficerRating, Verification
from bangban.network.rules import Quarter, month_span

D = dt.date


def assign(net: Any, officer: Any, enterprise: Any, start: dt.date, end: dt.date | None = None) -> None:
    Assignment.objects.create(
        officer=officer, enterprise=enterprise, started_on=start, ended_on=end, created_by=net.world.admin
    )


def contact(
    officer: Any, enterprise: Any, day: dt.date, kind: str = ContactKind.PHONE, **fields: Any
) -> None:
    Contact.objects.create(
        officer=officer, enterprise=enterprise, kind=kind, contact_on=day, summary="联系", **fields
    )


@pytest.fixture
def autumn(net: Any) -> Any:
    """沈卫国 (市工信局) serves the 市工业百强 from 1 September: calls in September and October, a
    confirmed visit in November. 陆晓东 (沭阳县工信局) serves the county key enterprise from 1 August
    and called only in August (his leader's-visit record in November does not count). 张干事
    (沭城街道) served the ordinary enterprise from 1 October until 李科员 took over on 10 November:
    a call in October. The enterprises rate their officers for November."""
    general = net.world.ent_shuyang
    assign(net, net.city_officer, net.top100, D(2026, 9, 1))
    assign(net, net.county_officer, net.county_key, D(2026, 8, 1))
    assign(net, net.township_officer, general, D(2026, 10, 1), D(2026, 11, 10))
    assign(net, net.county_officer_low, general, D(2026, 11, 10))
    contact(net.city_officer, net.top100, D(2026, 9, 3))
    contact(net.city_officer, net.top100, D(2026, 10, 5))
    contact(
        net.city_officer, net.top100, D(2026, 11, 5), ContactKind.VISIT, verification=Verification.CONFIRMED
    )
    contact(net.county_officer, net.county_key, D(2026, 8, 20))
    contact(
        net.county_officer,
        net.county_key,
        D(2026, 11, 6),
        ContactKind.VISIT,
        is_leader_visit=True,
        leader_name="刘副市长",
        verification=Verification.PENDING,
    )
    contact(net.township_officer, general, D(2026, 10, 3))
    for enterprise, officer, level in (
        (net.top100, net.city_officer, 1),
        (net.county_key, net.county_officer, 4),
    ):
        OfficerRating.objects.create(
            enterprise=enterprise, officer=officer, month="2026-11", level=level, rated_by=net.world.admin
        )
    return net


def recompute(year: int, month: int) -> dict[int, dict[str, int]]:
    """The per-officer counts, straight from the rows."""
    ms, me = month_span(year, month)
    ps, pe = month_span(year - 1, 12) if month == 1 else month_span(year, month - 1)
    qs = Quarter.of(ms).start

    def serves(a: Assignment, start: dt.date, end: dt.date) -> bool:
        return (
            a.started_on <= end
            and (a.ended_on is None or a.ended_on > start)
            and (a.ended_on is None or a.ended_on > a.started_on)
        )

    rows = list(Assignment.objects.all())
    contacts = [c for c in Contact.objects.all() if not c.is_leader_visit]
    due_m = {(a.officer_id, a.enterprise_id) for a in rows if serves(a, ms, me)}
    due_p = {(a.officer_id, a.enterprise_id) for a in rows if serves(a, ps, pe)}
    done_m = {(c.officer_id, c.enterprise_id) for c in contacts if ms <= c.contact_on <= me}
    done_p = {(c.officer_id, c.enterprise_id) for c in contacts if ps <= c.contact_on <= pe}
    visit_due = (
        {
            (a.officer_id, a.enterprise_id)
            for a in rows
            if a.started_on <= me and (a.ended_on is None or a.ended_on > me)
        }
        if month % 3 == 0
        else set()
    )
    visited = {
        (c.officer_id, c.enterprise_id)
        for c in contacts
        if c.kind == ContactKind.VISIT and qs <= c.contact_on <= me
    }
    out: dict[int, dict[str, int]] = {}
    for officer in {o for o, _ in due_m | due_p}:
        out[officer] = {
            "contacts_due": sum(1 for p in due_m if p[0] == officer),
            "contacts_done": sum(1 for p in due_m & done_m if p[0] == officer),
            "prev_due": sum(1 for p in due_p if p[0] == officer),
            "prev_done": sum(1 for p in due_p & done_p if p[0] == officer),
            "visits_due": sum(1 for p in visit_due if p[0] == officer),
            "visits_done": sum(1 for p in visit_due & visited if p[0] == officer),
            "confirmed": 0,
            "pending": 0,
            "ratings": 0,
            "satisfied": 0,
        }
    for c in contacts:
        if (
            c.kind == ContactKind.VISIT
            and ms <= c.contact_on <= me
            and c.verification in ("confirmed", "pending")
        ):
            out.setdefault(c.officer_id, dict.fromkeys(next(iter(out.values())), 0))[c.verification] += 1
    for r in OfficerRating.objects.filter(month=f"{year:04d}-{month:02d}"):
        d = out[r.officer_id]
        d["ratings"] += 1
        d["satisfied"] += int(r.level <= 3)
    return out


@pytest.mark.parametrize("month", [(2026, 10), (2026, 11), (2026, 12)])
def test_figures_match_an_independent_recount(autumn: Any, month: tuple[int, int]) -> None:
    figures = officer_month_figures(*month)
    expected = recompute(*month)
    got = {int(k): {f: v[f] for f in next(iter(expected.values()))} for k, v in figures["officers"].items()}
    assert got == expected
    # Units are the sums of their officers; the totals the sums of the units.
    for unit in figures["units"]:
        members = [v for v in figures["officers"].values() if v["unit_id"] == unit["unit_id"]]
        assert unit["contacts_due"] == sum(v["contacts_due"] for v in members)
        assert unit["contacts_done"] == sum(v["contacts_done"] for v in members)
    assert figures["totals"]["contacts_due"] == sum(u["contacts_due"] for u in figures["units"])


def test_november_ranking_and_officers_far_behind(autumn: Any) -> None:
    f = officer_month_figures(2026, 11)
    units = {u["unit_name"]: u for u in f["units"]}
    assert units["宿迁市工业和信息化局"]["duty_rate"] == 100.0 and units["宿迁市工业和信息化局"]["rank"] == 1
    # 沭阳县工信局: 陆晓东 and 李科员 both owed November and neither called.
    assert (
        units["沭阳县工业和信息化局"]["contacts_due"] == 2
        and units["沭阳县工业和信息化局"]["duty_rate"] == 0.0
    )
    # 沭城街道: 张干事 served until 10 November, so he still owed November.
    assert units["沭城街道办事处"]["contacts_due"] == 1 and units["沭城街道办事处"]["rank"] == 2
    assert units["沭阳县工业和信息化局"]["rank"] == 2  # equal rates share the place
    assert (
        units["宿迁市工业和信息化局"]["confirmed"] == 1
        and units["宿迁市工业和信息化局"]["satisfaction_rate"] == 100.0
    )
    assert units["沭阳县工业和信息化局"]["pending"] == 0  # the leader's visit is not the officer's
    assert f["totals"]["ratings"] == 2 and f["totals"]["satisfaction_rate"] == 50.0
    # Far behind: two closed months in a row without a contact (陆晓东: October and November). 张干事
    # and 李科员 missed November only.
    assert [o["name"] for o in f["far_behind"]] == ["陆晓东"]
    assert f["far_behind"][0]["reasons"][0].startswith("连续两个月")
    assert not f["quarter_month"] and f["totals"]["visits_due"] == 0


def test_the_quarter_closing_month_counts_the_visits(autumn: Any) -> None:
    f = officer_month_figures(2026, 12)
    assert f["quarter_month"]
    officers = {v["name"]: v for v in f["officers"].values()}
    assert officers["沈卫国"]["visits_due"] == 1 and officers["沈卫国"]["visits_done"] == 1
    assert officers["李科员"]["visits_due"] == 1 and officers["李科员"]["visits_done"] == 0
    # 张干事's assignment ended in November: no December duty, no visit owed.
    assert "张干事" not in officers or officers["张干事"]["visits_due"] == 0
    far = {o["name"]: o["reasons"] for o in f["far_behind"]}
    # 李科员 missed November and December and the visit; 沈卫国 missed December only (he visited).
    assert set(far) == {"陆晓东", "李科员"}
    assert any("未上门走访" in r for r in far["陆晓东"])
