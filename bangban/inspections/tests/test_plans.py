"""A plan through the API, as the lead unit's head and the teams see it: bad plans refused with
their codes, the draw (tiers, joint teams, recusal of linked inspectors and of a linked drawer),
复核, re-drawing before 公示 and the refusal after it, results recorded by the team and published
within 20 working days, and the task numbers conduct can check."""

from __future__ import annotations

import datetime as dt
import gc
from typing import Any

import pytest
from django.utils import timezone

from bangban.audit.models import AuditEvent
from bangban.enterprises.models import Enterprise, Industry
from bangban.inspections.models import DrawSnapshot, Duty, Plan, Visit
from bangban.inspections.queries import task_number_exists

from .conftest import API, plan_body


def _post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}{path}", body or {}, content_type="application/json")


def _drawn(cast: Any, login: Any, **overrides: Any) -> tuple[Any, dict[str, Any]]:
    client = login(cast.head)
    created = _post(client, "/plans", plan_body(cast, **overrides))
    assert created.status_code == 201, created.content
    drawn = _post(client, f"/plans/{created.json()['id']}/draw")
    assert drawn.status_code == 200, drawn.content
    return client, drawn.json()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"items": " "}, "items_required"),
        ({"units": []}, "units_required"),
        ({"ratio_b": 101}, "invalid_ratio"),
        ({"ratio_c": -1}, "invalid_ratio"),
        ({"ratio_a": 0, "ratio_b": 0, "ratio_c": 0, "ratio_d": 0}, "ratios_all_zero"),
        ({"team_size": 1}, "team_size_too_small"),
        ({"ends_on": "2000-01-01"}, "period_reversed"),
        ({"title": ""}, "title_required"),
        ({"region": "999999"}, "region_not_found"),
    ],
)
def test_a_bad_plan_is_refused_with_its_code(
    cast: Any, login: Any, overrides: dict[str, Any], code: str
) -> None:
    response = _post(login(cast.head), "/plans", plan_body(cast, **overrides))
    assert response.status_code == 400 and response.json()["code"] == code
    assert not Plan.objects.exists()


def test_only_a_unit_head_or_the_biz_office_makes_plans(cast: Any, login: Any) -> None:
    assert _post(login(cast.world.handler_shuyang), "/plans", plan_body(cast)).status_code == 403
    assert _post(login(cast.lead_inspectors[0]), "/plans", plan_body(cast)).status_code == 403
    # The biz office names the lead unit.
    body = plan_body(cast, lead_unit_id=cast.world.approval_bureau.pk)
    made = _post(login(cast.world.biz_office), "/plans", body)
    assert made.status_code == 201 and made.json()["number"].startswith("SSJ-")


def test_the_draw_samples_each_tier_and_forms_joint_teams(cast: Any, login: Any) -> None:
    head = login(cast.head)
    d_enterprise, c_enterprise = cast.enterprises[3], cast.enterprises[4]
    assert _put_tier(head, d_enterprise.pk, "D").status_code == 200
    assert _put_tier(head, c_enterprise.pk, "C").status_code == 200
    assert _put_tier(head, c_enterprise.pk, "Z").json()["code"] == "invalid_tier"
    client, plan = _drawn(cast, login)
    assert plan["status"] == "drawn" and len(plan["seed"]) == 32 and plan["target_count"] == 22
    visits = client.get(f"{API}/visits?plan={plan['id']}&size=100").json()["items"]
    # B: ceil(20 × 25 %) = 5, C: ceil(1 × 50 %) = 1, D: 1.
    assert len(visits) == 7 == plan["visit_count"]
    assert {v["tier"] for v in visits if v["enterprise_id"] in (d_enterprise.pk, c_enterprise.pk)} == {
        "C",
        "D",
    }
    for v in visits:
        assert v["task_number"].startswith(plan["number"] + "-")
        units = [m["unit_id"] for m in v["team"]]
        assert sorted(units) == sorted([cast.world.approval_bureau.pk] * 2 + [cast.world.shuyang_gov.pk] * 2)
    check = client.get(f"{API}/plans/{plan['id']}/verify").json()
    assert check == {"matches": True, "digest_matches": True, "recomputed": 7, "stored": 7, "differing": []}
    # A changed team is caught by 复核.
    visit = Visit.objects.filter(plan_id=plan["id"]).order_by("task_number").first()
    assert visit is not None and visit.team
    unit, inspector = visit.team[0]
    others = cast.lead_inspectors + cast.joining_inspectors
    visit.team[0] = [unit, next(i.pk for i in others if i.pk != inspector and i.unit_id == unit)]
    visit.save(update_fields=["team"])
    assert client.get(f"{API}/plans/{plan['id']}/verify").json()["matches"] is False


def _put_tier(client: Any, enterprise_id: int, tier: str) -> Any:
    return client.put(f"{API}/tiers/{enterprise_id}", {"tier": tier}, content_type="application/json")


def test_a_linked_inspector_is_never_drawn_for_the_enterprise(cast: Any, login: Any) -> None:
    linked = cast.lead_inspectors[0]
    target = cast.enterprises[5]
    # The inspector declares a relative in the enterprise; it is rated D, so it is always drawn.
    declared = _post(
        login(linked), "/links", {"inspector_id": linked.pk, "enterprise_id": target.pk, "kind": "relative"}
    )
    assert declared.status_code == 201
    again = _post(
        login(linked), "/links", {"inspector_id": linked.pk, "enterprise_id": target.pk, "kind": "relative"}
    )
    assert again.status_code == 409 and again.json()["code"] == "link_exists"
    _put_tier(login(cast.head), target.pk, "D")
    for _ in range(3):
        _client, plan = _drawn(cast, login)
        visit = Visit.objects.get(plan_id=plan["id"], enterprise=target)
        assert linked.pk not in {inspector for _, inspector in visit.team}
        assert [unit for unit, _ in visit.team].count(cast.world.approval_bureau.pk) == 2
        duties = Duty.objects.filter(plan_id=plan["id"], inspector=linked).values_list("visit_ids", flat=True)
        assert all(visit.pk not in ids for ids in duties)


def test_the_drawer_linked_to_an_enterprise_in_scope_may_not_draw(cast: Any, login: Any) -> None:
    client = login(cast.head)
    plan = _post(client, "/plans", plan_body(cast)).json()
    link = _post(
        client,
        "/links",
        {"inspector_id": cast.head.pk, "enterprise_id": cast.enterprises[7].pk, "kind": "shares"},
    )
    assert link.status_code == 201
    refused = _post(client, f"/plans/{plan['id']}/draw")
    assert refused.status_code == 409 and refused.json()["code"] == "drawer_recused"
    assert Plan.objects.get(pk=plan["id"]).seed == ""
    # Another manager, not linked, draws it.
    assert _post(login(cast.world.biz_office), f"/plans/{plan['id']}/draw").status_code == 200


def test_redrawing_before_publication_is_audited_and_after_it_refused(cast: Any, login: Any) -> None:
    client, first = _drawn(cast, login)
    second = _post(client, f"/plans/{first['id']}/draw").json()
    assert second["seed"] != first["seed"] and second["visit_count"] == first["visit_count"]
    # The first draw's visits and teams are gone, not kept beside the second's.
    visits = Visit.objects.filter(plan_id=first["id"])
    assert visits.count() == second["visit_count"]
    duties = Duty.objects.filter(plan_id=first["id"])
    assert duties.count() == Duty.objects.count() > 0
    places = sorted((inspector, v.pk) for v in visits for _, inspector in v.team)
    assert places == sorted((d.inspector_id, pk) for d in duties for pk in d.visit_ids)
    event = AuditEvent.objects.filter(action="inspections.plan_redraw").get()
    assert event.before is not None and event.after is not None
    assert event.before["seed"] == first["seed"] and event.after["seed"] == second["seed"]
    assert event.before["visits"] == first["visit_count"] and event.after["visits"] == second["visit_count"]
    # The snapshot is the second draw's: 复核 recomputes the second draw from it.
    assert DrawSnapshot.objects.filter(plan_id=first["id"]).count() == 1
    check = client.get(f"{API}/plans/{first['id']}/verify").json()
    assert check["matches"] is True and check["stored"] == second["visit_count"]
    stale = _post(client, f"/plans/{first['id']}/announce", {"version": first["version"]})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    announced = _post(client, f"/plans/{first['id']}/announce", {"version": second["version"]})
    assert announced.status_code == 200 and announced.json()["status"] == "announced"
    refused = _post(client, f"/plans/{first['id']}/draw")
    assert refused.status_code == 409 and refused.json()["code"] == "draw_published"
    assert Plan.objects.get(pk=first["id"]).seed == second["seed"]


def test_the_team_records_results_and_the_lead_unit_publishes_them(cast: Any, login: Any) -> None:
    client, plan = _drawn(cast, login)
    visit = Visit.objects.filter(plan_id=plan["id"]).order_by("task_number").first()
    assert visit is not None
    member = visit.team_members[0].inspector
    outsider = next(i for i in cast.lead_inspectors + cast.joining_inspectors if not visit.has_member(i.pk))
    team = login(member)
    today = timezone.localdate()
    body = {"result": "rectify", "note": "", "visited_on": str(today)}
    early = _post(team, f"/visits/{visit.pk}/result", body)
    assert early.status_code == 409 and early.json()["code"] == "draw_not_announced"
    _post(client, f"/plans/{plan['id']}/announce")
    assert _post(team, f"/visits/{visit.pk}/result", body).json()["code"] == "note_required"
    future = {**body, "note": "台账缺失", "visited_on": str(today + dt.timedelta(days=1))}
    assert _post(team, f"/visits/{visit.pk}/result", future).json()["code"] == "visited_in_future"
    before = {**body, "note": "台账缺失", "visited_on": str(today - dt.timedelta(days=30))}
    assert _post(team, f"/visits/{visit.pk}/result", before).json()["code"] == "visited_outside_period"
    assert _post(login(outsider), f"/visits/{visit.pk}/result", {**body, "note": "x"}).status_code == 404
    recorded = _post(team, f"/visits/{visit.pk}/result", {**body, "note": "台账缺失"})
    assert recorded.status_code == 200 and recorded.json()["state"] == "recorded"
    assert recorded.json()["publish_due"] > str(today) and recorded.json()["overdue"] is False
    mine = team.get(f"{API}/tasks").json()
    assert visit.task_number in [v["task_number"] for v in mine["items"]]
    assert _post(team, f"/plans/{plan['id']}/publish-results").status_code == 403
    published = _post(client, f"/plans/{plan['id']}/publish-results")
    assert published.status_code == 200 and published.json() == {"count": 1}
    nothing = _post(client, f"/plans/{plan['id']}/publish-results")
    assert nothing.status_code == 409 and nothing.json()["code"] == "nothing_to_publish"
    locked = _post(team, f"/visits/{visit.pk}/result", {**body, "result": "no_issue"})
    assert locked.status_code == 409 and locked.json()["code"] == "result_published"
    # Everyone signed in reads the published result, an enterprise user too.
    public = login(cast.world.enterprise_user).get(f"{API}/public/results").json()
    assert [v["task_number"] for v in public["items"]] == [visit.task_number]


def test_all_results_published_close_the_plan(cast: Any, login: Any) -> None:
    client, plan = _drawn(cast, login, ratio_b=4, ratio_c=0, ratio_d=0)
    _post(client, f"/plans/{plan['id']}/announce")
    visit = Visit.objects.get(plan_id=plan["id"])
    _post(
        client, f"/visits/{visit.pk}/result", {"result": "no_issue", "visited_on": str(timezone.localdate())}
    )
    _post(client, f"/plans/{plan['id']}/publish-results")
    assert client.get(f"{API}/plans/{plan['id']}").json()["status"] == "closed"


def test_a_result_left_unpublished_past_twenty_working_days_is_overdue(cast: Any, login: Any) -> None:
    today = timezone.localdate()
    client, plan = _drawn(
        cast, login, ratio_b=4, ratio_c=0, ratio_d=0,
        starts_on=str(today - dt.timedelta(days=80)), ends_on=str(today - dt.timedelta(days=60)),
    )  # fmt: skip
    _post(client, f"/plans/{plan['id']}/announce")
    visit = Visit.objects.get(plan_id=plan["id"])
    out = client.get(f"{API}/visits/{visit.pk}").json()
    assert out["overdue"] is True and out["publish_due"] < str(today)
    page = client.get(f"/inspections/plans/{plan['id']}/").content.decode()
    assert 'data-testid="overdue"' in page


def test_task_numbers_of_announced_plans_are_known_to_other_apps(cast: Any, login: Any) -> None:
    client, plan = _drawn(cast, login)
    visit = Visit.objects.filter(plan_id=plan["id"]).first()
    assert visit is not None
    assert not task_number_exists(visit.task_number, visit.enterprise_id)  # drawn, not announced
    _post(client, f"/plans/{plan['id']}/announce")
    today = timezone.localdate()
    assert task_number_exists(visit.task_number, visit.enterprise_id, on=today)
    assert not task_number_exists(visit.task_number, cast.world.ent_siyang.pk + 999)
    assert not task_number_exists(visit.task_number, visit.enterprise_id, on=today + dt.timedelta(days=60))


def test_plans_are_seen_by_their_units_and_the_overseers_only(cast: Any, login: Any) -> None:
    _client, plan = _drawn(cast, login)
    path = f"{API}/plans/{plan['id']}"
    assert login(cast.world.auditor).get(path).status_code == 200
    assert login(cast.world.handler_shuyang).get(path).status_code == 200  # 沭阳县政府 joins
    assert login(cast.world.handler_siyang).get(path).status_code == 404
    assert login(cast.world.enterprise_user).get(path).status_code == 404
    assert _post(login(cast.world.handler_shuyang), f"/plans/{plan['id']}/draw").status_code == 403


def test_the_garbage_collector_runs_again_after_a_draw_and_after_a_refused_one(cast: Any, login: Any) -> None:
    """The draw pauses Python's cyclic collector while it builds its rows; it must resume whatever
    the outcome, or the server process would stop collecting for good."""
    assert gc.isenabled()
    _drawn(cast, login)
    assert gc.isenabled()
    client = login(cast.head)
    industries = set(Enterprise.objects.values_list("industry", flat=True))
    empty = next(code for code in Industry.values if code not in industries)
    plan = _post(client, "/plans", plan_body(cast, industry=empty)).json()
    refused = _post(client, f"/plans/{plan['id']}/draw")
    assert refused.status_code == 400 and refused.json()["code"] == "no_targets"
    assert gc.isenabled()
