"""R1.3 协调相关职能部门 (issue 16 item 7): the chief service officer records a coordination of a
project problem with the units involved (units, date, outcome, follow-up items); the problem is
handled, the project shows it, and the units involved see it in their view, even from another
region — others do not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user
from bangban.notifications.models import OutboxMessage
from bangban.org.models import Unit, UnitType
from bangban.outreach.models import ProblemCoordination, ProjectProblem

from .conftest import API, new_project, post


def _problem(client, project_id):
    body = {"title": "施工用电迟迟未接入", "content": "变电站扩容未排期，影响设备调试"}
    response = post(client, f"{API}/projects/{project_id}/problems", body)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize(
    "moment", ["2026-10-03T10:00:00+08:00", "2026-11-01T00:10:00+08:00", "2026-12-31T23:50:00+08:00"]
)
def test_the_chief_officer_records_a_coordination_seen_by_the_units(cast, login, moment):
    w = cast.world
    now = dt.datetime.fromisoformat(moment)
    today = now.date()
    outsider_unit = Unit.objects.create(code="siyang-commerce", name="泗阳县商务局", short_name="泗阳县商务局",
                                        type=UnitType.COUNTY_DEPARTMENT, region=w.siyang, parent=w.siyang_gov)  # fmt: skip
    outsider = make_user("sq_commerce", Role.HANDLER, unit=outsider_unit, full_name="泗阳商务局承办人")
    with time_machine.travel(now, tick=False):
        project = new_project(login(cast.county_lead), cast)
        chief = login(cast.chief)
        problem = _problem(chief, project["id"])
        url = f"{API}/problems/{problem['id']}/coordinate"
        body = {"unit_ids": [w.approval_bureau.pk, w.siyang_gov.pk], "held_on": today.isoformat(),
                "outcome": "供电公司同意优先排期扩容", "follow_ups": ["市行政审批局三日内出具用电审批", "泗阳县政府协调线路走廊"]}  # fmt: skip
        future = post(chief, url, {**body, "held_on": (today + dt.timedelta(days=1)).isoformat()})
        assert future.status_code == 400 and future.json()["code"] == "held_on_future"
        no_units = post(chief, url, {**body, "unit_ids": []})
        assert no_units.status_code == 400 and no_units.json()["code"] == "units_required"
        assert not ProblemCoordination.objects.exists()
        done = post(chief, url, body)
        assert done.status_code == 201, done.content
        data = done.json()
        assert data["outcome"] == "coordinated" and data["outcome_label"] == "协调相关职能部门"
        c = data["coordination"]
        assert c["held_on"] == today.isoformat() and [u["id"] for u in c["units"]] == [
            w.approval_bureau.pk,
            w.siyang_gov.pk,
        ]
        assert c["follow_ups"] == ["市行政审批局三日内出具用电审批", "泗阳县政府协调线路走廊"]
        assert ProjectProblem.objects.get().outcome == "coordinated"
        after: Any = AuditEvent.objects.get(action="outreach.problem_coordinated").after
        assert after["units"] == [w.approval_bureau.pk, w.siyang_gov.pk]
        assert after["held_on"] == today.isoformat()
        assert OutboxMessage.objects.filter(
            recipient=w.handler_siyang, subject__contains="招商项目问题协调"
        ).exists()
        # Handled once: no second coordination, transfer or solution.
        again = post(chief, f"{API}/problems/{problem['id']}/coordinate", body)
        assert again.status_code == 409 and again.json()["code"] == "problem_handled"

        # The project page shows it; the problem page shows the record.
        project_page = chief.get(f"/outreach/projects/{project['id']}/").content.decode()
        assert 'data-testid="problem-coordination"' in project_page and "泗阳县" in project_page
        # A unit involved from another region sees it in its view and may open the problem.
        siyang = login(w.handler_siyang)
        listed = siyang.get(f"{API}/coordinations?mine=1").json()
        assert listed["count"] == 1 and listed["items"][0]["problem_id"] == problem["id"]
        page = siyang.get("/outreach/coordinations/?mine=1").content.decode()
        assert f'data-testid="coordination-row" data-problem="{problem["id"]}"' in page and "线路走廊" in page
        assert (
            "供电公司同意优先排期扩容" in siyang.get(f"/outreach/problems/{problem['id']}/").content.decode()
        )
        # A unit not involved, of another region, sees nothing of it.
        other = login(outsider)
        assert other.get(f"{API}/coordinations").json()["count"] == 0
        assert 'data-testid="empty"' in other.get("/outreach/coordinations/").content.decode()
        assert other.get(f"/outreach/problems/{problem['id']}/").status_code == 404
        # An enterprise has no such view, on the page or in the API.
        enterprise = login(w.enterprise_user)
        assert enterprise.get("/outreach/coordinations/").status_code == 404
        refused = enterprise.get(f"{API}/coordinations")
        assert refused.status_code == 404 and refused.json()["code"] == "not_found"


def test_only_the_officer_or_the_lead_department_records_it(cast, login):
    w = cast.world
    project = new_project(login(cast.county_lead), cast)
    problem = _problem(login(cast.chief), project["id"])
    body = {"unit_ids": [w.approval_bureau.pk], "held_on": "2026-01-05", "outcome": "已协调"}
    # The project's enterprise sees the project but does not serve it.
    refused = post(login(w.enterprise_user), f"{API}/problems/{problem['id']}/coordinate", body)
    assert refused.status_code == 403
    # Another county's chief officer does not even see it.
    assert (
        post(login(cast.chief_siyang), f"{API}/problems/{problem['id']}/coordinate", body).status_code == 404
    )
    assert not ProblemCoordination.objects.exists()
    # The page form of the lead department records it.
    lead = login(cast.county_lead)
    lead.post(f"/outreach/problems/{problem['id']}/handle/", {"decision": "coordinate", "units": [w.approval_bureau.pk],
              "held_on": "2026-01-05", "outcome": "审批局同意并联办理", "follow_ups": "一周内反馈\n\n专人跟进"})  # fmt: skip
    stored = ProblemCoordination.objects.get()
    assert stored.follow_ups == ["一周内反馈", "专人跟进"] and list(stored.units.all()) == [w.approval_bureau]
