"""R1: projects and their chief service officers, 全程代办 / 告知 procedures, the monthly problem
collection per county with transfers to 市商务局 as cases, the late list, reminders, 市商务局's
overview and the criticism records."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bangban.audit.models import AuditEvent
from bangban.notifications.models import OutboxMessage
from bangban.outreach import projects
from bangban.outreach.figures import criticism_records
from bangban.outreach.models import (
    CollectionRound,
    InvestmentProject,
    ProblemOutcome,
    ProjectProblem,
    ProjectProcedure,
)
from bangban.tickets.models import Channel, Ticket

from .conftest import API, new_project, patch, post

SH = ZoneInfo("Asia/Shanghai")


def test_chief_officer_is_told_and_project_is_audited(cast, login):
    client = login(cast.county_lead)
    data = new_project(client, cast)
    assert data["chief_officer_name"] == "首席服务员周"
    assert data["lead_unit"] == "沭阳县商务局"
    assert AuditEvent.objects.filter(action="outreach.project_created", object_id=str(data["id"])).exists()
    assert OutboxMessage.objects.filter(recipient=cast.chief, subject__contains="首席服务员").exists()


def test_project_needs_a_real_chief_officer(cast, login):
    client = login(cast.county_lead)
    response = post(
        client,
        f"{API}/projects",
        {
            "name": "X项目",
            "investor": "某集团",
            "region": "321322",
            "amount": "100",
            "chief_officer_id": cast.county_lead.pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "not_a_chief_officer"
    assert not InvestmentProject.objects.exists()


def test_county_staff_cannot_register_in_another_county(cast, login):
    client = login(cast.county_lead)
    response = post(
        client,
        f"{API}/projects",
        {
            "name": "X项目",
            "investor": "某集团",
            "region": "321323",
            "amount": "100",
            "chief_officer_id": cast.chief.pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "region_out_of_scope"


def test_projects_are_scoped(cast, login):
    project = new_project(login(cast.county_lead), cast)
    other = login(cast.world.handler_siyang)
    assert other.get(f"{API}/projects/{project['id']}").status_code == 404
    assert other.get(f"{API}/projects").json()["count"] == 0
    assert login(cast.commerce_handler).get(f"{API}/projects").json()["count"] == 1
    assert login(cast.world.enterprise_user).get(f"{API}/projects").json()["count"] == 1
    assert login(cast.world.enterprise_user).get(f"/outreach/projects/{project['id']}/").status_code == 200
    assert login(cast.world.handler_siyang).get(f"/outreach/projects/{project['id']}/").status_code == 404


# --- bad input: a procedure marked 告知 without a solution ------------------------------------------


def test_inform_without_solution_is_refused_through_the_api(cast, login):
    client = login(cast.chief)
    project = new_project(login(cast.county_lead), cast)
    events = AuditEvent.objects.count()
    response = post(
        client,
        f"{API}/projects/{project['id']}/procedures",
        {
            "name": "林地使用审批",
            "mode": "inform",
            "inform_reason": "项目用地涉及生态红线，无法代办",
            "inform_solution": "  ",
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "inform_solution_required"
    assert "解决办法" in body["message"]
    assert body["details"]["fields"]["inform_solution"] == body["message"]
    assert not ProjectProcedure.objects.exists()
    assert AuditEvent.objects.count() == events


def test_inform_without_reason_is_refused(cast, login):
    client = login(cast.chief)
    project = new_project(login(cast.county_lead), cast)
    response = post(
        client,
        f"{API}/projects/{project['id']}/procedures",
        {"name": "林地使用审批", "mode": "inform", "inform_solution": "调整选址"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "inform_reason_required"
    assert not ProjectProcedure.objects.exists()


def test_inform_without_solution_is_refused_on_the_page_next_to_the_field(cast, login):
    project = new_project(login(cast.county_lead), cast)
    client = login(cast.chief)
    response = client.post(
        f"/outreach/projects/{project['id']}/procedures/",
        {"name": "林地使用审批", "mode": "inform", "inform_reason": "涉及生态红线", "inform_solution": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-inform_solution"' in html
    assert "“告知”的事项必须写明解决办法" in html
    assert "涉及生态红线" in html  # what was typed is kept
    assert not ProjectProcedure.objects.exists()


def test_inform_with_reason_and_solution_is_recorded_and_the_owner_told(cast, login):
    project = new_project(login(cast.county_lead), cast)
    response = post(
        login(cast.chief),
        f"{API}/projects/{project['id']}/procedures",
        {
            "name": "林地使用审批",
            "mode": "inform",
            "inform_reason": "涉及生态红线",
            "inform_solution": "调整至园区二期地块，县自然资源局协助重新选址",
        },
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["mode"], data["status"]) == ("inform", "informed")
    assert data["inform_solution"].startswith("调整至园区二期")
    assert AuditEvent.objects.filter(action="outreach.procedure_added").count() == 1
    assert OutboxMessage.objects.filter(
        recipient=cast.world.enterprise_user, subject__contains="不能代办"
    ).exists()


def test_proxy_procedure_progress_until_done(cast, login):
    project = new_project(login(cast.county_lead), cast)
    client = login(cast.chief)
    proc = post(
        client,
        f"{API}/projects/{project['id']}/procedures",
        {"name": "施工许可", "mode": "proxy", "due_date": "2026-12-20", "inform_solution": "ignored"},
    ).json()
    assert proc["inform_solution"] == ""
    step = post(
        client, f"{API}/procedures/{proc['id']}/progress", {"note": "材料已代为提交", "status": "in_progress"}
    )
    assert step.status_code == 201
    done = post(
        client, f"{API}/procedures/{proc['id']}/progress", {"note": "许可证已领取", "status": "done"}
    ).json()
    assert done["status"] == "done" and len(done["steps"]) == 2
    again = post(client, f"{API}/procedures/{proc['id']}/progress", {"note": "x", "status": "done"})
    assert again.status_code == 409 and again.json()["code"] == "procedure_done"


def test_only_the_project_staff_may_add_procedures(cast, login):
    project = new_project(login(cast.county_lead), cast)
    response = post(
        login(cast.chief_siyang),
        f"{API}/projects/{project['id']}/procedures",
        {"name": "施工许可", "mode": "proxy"},
    )
    assert response.status_code == 404
    response = post(
        login(cast.world.enterprise_user),
        f"{API}/projects/{project['id']}/procedures",
        {"name": "施工许可", "mode": "proxy"},
    )
    assert response.status_code == 403


def test_stale_version_is_a_conflict(cast, login):
    project = new_project(login(cast.county_lead), cast)
    client = login(cast.chief)
    assert (
        patch(client, f"{API}/projects/{project['id']}", {"version": 1, "stage": "constructing"}).status_code
        == 200
    )
    stale = patch(client, f"{API}/projects/{project['id']}", {"version": 1, "stage": "producing"})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert InvestmentProject.objects.get().stage == "constructing"


# --- the monthly collection ------------------------------------------------------------------------


def _problem(client, project_id, **extra):
    body = {"title": "施工用电迟迟未接入", "content": "变电站扩容未排期，影响设备调试", **extra}
    response = post(client, f"{API}/projects/{project_id}/problems", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_problem_goes_into_this_months_round_of_the_county(cast, login):
    project = new_project(login(cast.county_lead), cast)
    problem = _problem(login(cast.chief), project["id"])
    rnd = CollectionRound.objects.get()
    assert rnd.region == cast.world.shuyang
    assert rnd.lead_unit == cast.shuyang_commerce
    assert rnd.due_date.day >= 25
    assert problem["round_id"] == rnd.pk


def test_transfer_to_commerce_bureau_makes_a_linked_case(cast, login):
    project = new_project(login(cast.county_lead), cast)
    chief = login(cast.chief)
    problem = _problem(chief, project["id"], cannot_do=True)
    response = post(chief, f"{API}/problems/{problem['id']}/transfer", {"note": "需市供电公司协调"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["outcome"] == "transferred"
    ticket = Ticket.objects.get(pk=data["ticket_id"])
    assert ticket.channel == Channel.OFFICER
    assert ticket.enterprise == cast.world.ent_shuyang
    assert ticket.region == cast.world.city  # handled at city level
    assert "年产10万吨功能纤维项目" in ticket.content and "办不成事" in ticket.content
    stored = ProjectProblem.objects.get()
    assert stored.target_unit == cast.commerce and stored.ticket == ticket
    assert AuditEvent.objects.filter(action="outreach.problem_transferred").exists()
    assert OutboxMessage.objects.filter(recipient=cast.commerce_handler, subject__contains="转来").exists()
    again = post(chief, f"{API}/problems/{problem['id']}/transfer", {})
    assert again.status_code == 409 and again.json()["code"] == "problem_handled"
    assert Ticket.objects.count() == 1


def test_county_lead_without_officer_role_transfers_through_intake_too(cast, login):
    project = new_project(login(cast.county_lead), cast)
    problem = _problem(login(cast.chief), project["id"])
    response = post(login(cast.county_lead), f"{API}/problems/{problem['id']}/transfer", {})
    assert response.status_code == 200
    assert Ticket.objects.get().channel == Channel.API


def test_submit_refused_while_problems_are_open_then_accepted(cast, login):
    project = new_project(login(cast.county_lead), cast)
    problem = _problem(login(cast.chief), project["id"])
    lead = login(cast.county_lead)
    rnd = CollectionRound.objects.get()
    refused = post(lead, f"{API}/rounds/{rnd.pk}/submit", {})
    assert refused.status_code == 409
    assert refused.json()["code"] == "round_has_open_problems"
    assert CollectionRound.objects.get().submitted_at is None
    assert (
        post(lead, f"{API}/problems/{problem['id']}/solve", {"solution": "县供电公司已排期"}).status_code
        == 200
    )
    accepted = post(lead, f"{API}/rounds/{rnd.pk}/submit", {})
    assert accepted.status_code == 200 and accepted.json()["submitted_at"]
    assert post(login(cast.world.handler_siyang), f"{API}/rounds/{rnd.pk}/submit", {}).status_code == 404


def test_late_list_and_reminders(cast, login, django_capture_on_commit_callbacks, demo_clock):
    rnd = CollectionRound.objects.create(
        region=cast.world.shuyang,
        year=2026,
        month=10,
        lead_unit=cast.shuyang_commerce,
        due_date=dt.date(2026, 10, 26),
    )
    CollectionRound.objects.create(
        region=cast.world.siyang, year=2026, month=10, due_date=dt.date(2026, 10, 26)
    )
    rounds = login(cast.commerce_handler).get(f"{API}/rounds", {"state": "late"}).json()
    assert rounds["count"] == 2 and all(r["late"] for r in rounds["items"])
    assert login(cast.county_lead).get(f"{API}/rounds", {"state": "late"}).json()["count"] == 1
    now = dt.datetime(2026, 10, 27, 9, 0, tzinfo=SH)
    assert projects.remind_rounds(now) == 2
    msg = OutboxMessage.objects.filter(recipient=cast.county_lead)
    assert {m.channel for m in msg} == {"inapp", "sms"}
    assert all("逾期未报送" in m.subject for m in msg)
    # once a day per round
    assert projects.remind_rounds(now + dt.timedelta(hours=2)) == 0
    assert CollectionRound.objects.get(pk=rnd.pk).reminded_at is not None


def test_no_reminder_long_before_the_due_date(cast):
    CollectionRound.objects.create(
        region=cast.world.shuyang, year=2026, month=11, due_date=dt.date(2026, 11, 25)
    )
    assert projects.remind_rounds(dt.datetime(2026, 11, 3, 9, 0, tzinfo=SH)) == 0


def test_rounds_are_opened_for_every_county_with_projects(cast, login):
    new_project(login(cast.county_lead), cast)
    assert projects.open_rounds_for_month(2026, 12) == 1
    assert projects.open_rounds_for_month(2026, 12) == 0
    assert CollectionRound.objects.get(year=2026, month=12).region == cast.world.shuyang


def test_criticism_records_name_officers_and_counties(cast, login):
    project = new_project(login(cast.county_lead), cast)
    chief = login(cast.chief)
    _problem(chief, project["id"], cannot_do=True)
    _problem(chief, project["id"], title="环评批复延误", delays_project=True)
    now = dt.datetime.now(SH)
    records = criticism_records(now.year, now.month)
    officer = next(r for r in records if r.kind == "officer")
    county = next(r for r in records if r.kind == "region")
    assert (officer.subject_name, officer.cannot_do, officer.delays) == ("首席服务员周", 1, 1)
    assert county.subject_name == "沭阳县" and county.subject_id == cast.world.shuyang.pk
    assert "年产10万吨功能纤维项目" in officer.projects
    assert criticism_records(2001, 1) == []


def test_criticism_counts_overdue_proxy_procedures_and_late_rounds(cast, login):
    project = new_project(login(cast.county_lead), cast)
    post(
        login(cast.chief),
        f"{API}/projects/{project['id']}/procedures",
        {"name": "施工许可", "mode": "proxy", "due_date": "2026-09-10"},
    )
    CollectionRound.objects.create(
        region=cast.world.siyang, year=2026, month=9, due_date=dt.date(2026, 9, 25)
    )
    records = criticism_records(2026, 9, today=dt.date(2026, 10, 5))
    officer = next(r for r in records if r.kind == "officer")
    assert officer.delays == 1 and "施工许可" in officer.summary
    siyang = next(r for r in records if r.kind == "region" and r.subject_name == "泗阳县")
    assert siyang.late_report and "逾期未报送" in siyang.summary


def test_overview_page_and_export_for_commerce_bureau(cast, login):
    project = new_project(login(cast.county_lead), cast)
    chief = login(cast.chief)
    problem = _problem(chief, project["id"], cannot_do=True)
    post(chief, f"{API}/problems/{problem['id']}/transfer", {})
    client = login(cast.commerce_handler)
    html = client.get("/outreach/overview/").content.decode()
    assert "转市商务局 1" in html
    assert "首席服务员周" in html  # criticism candidate
    now = dt.datetime.now(SH)
    response = client.get("/outreach/overview/export.xlsx", {"month": f"{now.year}-{now.month:02d}"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["各县区报送", "转办问题", "通报批评候选"]
    assert book["各县区报送"]["A2"].value == "沭阳县"
    assert login(cast.county_lead).get("/outreach/overview/").status_code == 404
    api = client.get(f"{API}/overview", {"year": now.year, "month": now.month}).json()
    assert api["totals"]["transferred"] == 1


@pytest.mark.parametrize("query", ["", "?q=纤维", "?stage=approving"])
def test_project_list_page_search_and_export(cast, login, query):
    new_project(login(cast.county_lead), cast)
    client = login(cast.county_lead)
    html = client.get(f"/outreach/projects/{query}").content.decode()
    assert "年产10万吨功能纤维项目" in html
    response = client.get(f"/outreach/projects/export.xlsx{query}")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active["A2"].value == "年产10万吨功能纤维项目"


def test_empty_and_filtered_empty_states(cast, login):
    client = login(cast.county_lead)
    assert "暂无招商项目" in client.get("/outreach/projects/").content.decode()
    new_project(client, cast)
    assert "没有符合条件的记录" in client.get("/outreach/projects/?q=不存在").content.decode()
    assert client.get(f"{API}/projects", {"stage": "bogus"}).json()["code"] == "invalid_filter"


def test_problem_page_transfer_button(cast, login):
    project = new_project(login(cast.county_lead), cast)
    problem = _problem(login(cast.chief), project["id"])
    client = login(cast.chief)
    response = client.post(
        f"/outreach/problems/{problem['id']}/handle/", {"decision": "transfer", "note": "请市级协调"}
    )
    assert response.status_code == 302
    assert ProjectProblem.objects.get().outcome == ProblemOutcome.TRANSFERRED
    html = client.get(f"/outreach/problems/{problem['id']}/").content.decode()
    assert Ticket.objects.get().number in html


def test_a_cannot_do_window_case_about_the_project_enterprise_is_a_criticism(cast, login):
    from bangban.tickets.intake import IntakeInput, do_intake_api

    new_project(login(cast.county_lead), cast)
    result = do_intake_api(
        acting_user=cast.world.handler_shuyang,
        channel=Channel.WINDOW,
        data=IntakeInput(
            title="施工许可多头跑腿", content="跑了三个部门仍未办成", enterprise_id=cast.world.ent_shuyang.pk
        ),
    )
    now = dt.datetime.now(SH)
    records = criticism_records(now.year, now.month)
    officer = next(r for r in records if r.kind == "officer")
    assert officer.cannot_do == 1 and result.ticket.number in officer.summary


def test_round_detail_through_the_api_lists_its_problems(cast, login):
    project = new_project(login(cast.county_lead), cast)
    _problem(login(cast.chief), project["id"])
    rnd = CollectionRound.objects.get()
    data = login(cast.county_lead).get(f"{API}/rounds/{rnd.pk}").json()
    assert data["region_name"] == "沭阳县" and [p["title"] for p in data["items"]] == ["施工用电迟迟未接入"]
    assert login(cast.world.handler_siyang).get(f"{API}/rounds/{rnd.pk}").status_code == 404


def test_out_of_scope_is_not_found_even_with_bad_input(cast, login):
    project = new_project(login(cast.county_lead), cast)
    outsider = login(cast.world.handler_siyang)
    response = post(outsider, f"{API}/projects/{project['id']}/procedures", {"name": "x", "mode": "inform"})
    assert response.status_code == 404
    assert (
        post(outsider, f"{API}/projects/{project['id']}/problems", {"title": "", "content": ""}).status_code
        == 404
    )


def test_keeping_the_same_chief_officer_does_not_notify_again(cast, login):
    project = new_project(login(cast.county_lead), cast)
    before = OutboxMessage.objects.filter(recipient=cast.chief).count()
    client = login(cast.county_lead)
    response = client.post(
        f"/outreach/projects/{project['id']}/update/",
        {"version": "1", "stage": "constructing", "chief_officer_id": str(cast.chief.pk)},
    )
    assert response.status_code == 302
    assert InvestmentProject.objects.get().stage == "constructing"
    assert OutboxMessage.objects.filter(recipient=cast.chief).count() == before
    event = AuditEvent.objects.filter(action="outreach.project_updated").get()
    assert event.after == {"stage": "constructing", "version": 2}


def test_monthly_jobs_are_registered_and_run(cast, login):
    from bangban.core.scheduler import registered_jobs
    from bangban.outreach.tasks import open_collection_rounds_task, remind_collection_rounds_task

    jobs = registered_jobs()
    assert {"outreach.open_collection_rounds", "outreach.remind_collection_rounds"} <= set(jobs)
    new_project(login(cast.county_lead), cast)
    assert open_collection_rounds_task.call() == 1
    assert isinstance(remind_collection_rounds_task.call(), int)
