"""Meetings (会办): types, chair, units and people, cases treated, minutes, attendance, decisions
that become tasks of an owner unit tracked until done; overdue tasks in the owner's queue and in
supervision; minutes as .docx."""

from __future__ import annotations

import io
import json

from docx import Document

from bangban.audit.models import AuditEvent
from bangban.escalation.models import MeetingTask, Participant, TaskStatus
from bangban.tickets.models import TicketEvent

from .conftest import at


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def make_meeting(esc, login, **extra):
    ticket = extra.pop("ticket", None) or esc.in_progress()
    body = {
        "type": "topic",
        "title": "沭阳县审批问题专题会办",
        "held_at": "2026-10-14T09:30:00+08:00",
        "chair_id": esc.biz_office.pk,
        "place": "市政务中心会议室",
        "unit_ids": [esc.shuyang_gov.pk, esc.approval_bureau.pk],
        "participant_ids": [esc.head_shuyang.pk, esc.city_handler.pk],
        "case_ids": [ticket.pk],
        **extra,
    }
    response = post(login(esc.biz_office), "/api/v1/escalation/meetings", body)
    assert response.status_code == 201, response.content
    return response.json(), ticket


def test_meeting_is_recorded_with_people_units_and_cases(esc, login):
    meeting, ticket = make_meeting(esc, login)
    assert meeting["type"] == "topic" and meeting["case_ids"] == [ticket.pk]
    assert {p["user_id"] for p in meeting["participants"]} == {
        esc.biz_office.pk,
        esc.head_shuyang.pk,
        esc.city_handler.pk,
    }
    assert TicketEvent.objects.filter(ticket=ticket, kind="meeting_treated").exists()
    assert AuditEvent.objects.filter(action="escalation.meeting_created").exists()


def test_only_organisers_may_call_a_meeting(esc, login):
    response = post(login(esc.handler_shuyang), "/api/v1/escalation/meetings", {
        "type": "topic", "title": "x", "held_at": "2026-10-14T09:30:00+08:00", "chair_id": esc.biz_office.pk,
    })  # fmt: skip
    assert response.status_code == 403


def test_participants_confirm_attendance_and_others_cannot(esc, login):
    meeting, _ticket = make_meeting(esc, login)
    url = f"/api/v1/escalation/meetings/{meeting['id']}/attendance"
    ok = login(esc.head_shuyang).post(url)
    assert ok.status_code == 200
    assert Participant.objects.get(meeting_id=meeting["id"], user=esc.head_shuyang).confirmed_at is not None
    # A person of a unit taking part, but not on the list, is refused.
    refused = login(esc.handler_shuyang).post(url)
    assert refused.status_code == 403 and refused.json()["code"] == "not_participant"


def test_a_task_without_an_owner_is_refused_and_nothing_is_created(esc, login):
    meeting, _ticket = make_meeting(esc, login)
    response = post(login(esc.biz_office), f"/api/v1/escalation/meetings/{meeting['id']}/tasks",
                    {"content": "三日内完成联合踏勘", "workdays": 3})  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"code": "owner_unit_required", "message": "议定任务必须指定责任单位"}
    assert not MeetingTask.objects.exists()
    # The page says the same, next to the form.
    page = login(esc.biz_office).post(f"/escalation/meetings/{meeting['id']}/",
                                      {"op": "task", "content": "联合踏勘", "workdays": "3"}, follow=True)  # fmt: skip
    assert "议定任务必须指定责任单位" in page.content.decode()
    assert not MeetingTask.objects.exists()


def test_task_tracked_until_done_by_the_owner_unit(esc, login):
    meeting, ticket = make_meeting(esc, login)
    created = post(login(esc.biz_office), f"/api/v1/escalation/meetings/{meeting['id']}/tasks",
                   {"content": "5个工作日内办结审批", "owner_unit_id": esc.shuyang_gov.pk, "workdays": 5,
                    "ticket_id": ticket.pk})  # fmt: skip
    assert created.status_code == 201
    task_id = created.json()["id"]
    wrong = post(login(esc.handler_siyang), f"/api/v1/escalation/tasks/{task_id}/done", {"note": "完成"})
    assert wrong.status_code == 404
    city = post(login(esc.city_handler), f"/api/v1/escalation/tasks/{task_id}/done", {"note": "完成"})
    assert city.status_code == 403 and city.json()["code"] == "wrong_unit"
    done = post(login(esc.handler_shuyang), f"/api/v1/escalation/tasks/{task_id}/done", {"note": "已发证"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert MeetingTask.objects.get(pk=task_id).done_by == esc.handler_shuyang
    assert AuditEvent.objects.filter(action="escalation.task_done").exists()


def test_overdue_task_shows_in_the_owner_queue_and_in_supervision(esc, login):
    from bangban.escalation.actions import do_add_task

    meeting, _ticket = make_meeting(esc, login)
    do_add_task(acting_user=esc.biz_office, meeting_id=meeting["id"], content="补齐材料",
                owner_unit_id=esc.shuyang_gov.pk, workdays=2, now=at("2026-09-01 10:00"))  # fmt: skip
    queue = login(esc.handler_shuyang).get("/escalation/tasks/").content.decode()
    assert "补齐材料" in queue and 'data-overdue="1"' in queue
    supervision = login(esc.biz_office).get("/escalation/tasks/?view=overdue").content.decode()
    assert "补齐材料" in supervision
    api = login(esc.biz_office).get("/api/v1/escalation/tasks?view=overdue").json()
    assert api["count"] == 1 and api["items"][0]["overdue"] is True
    assert login(esc.handler_siyang).get("/escalation/tasks/").content.decode().count("补齐材料") == 0


def test_minutes_then_docx_export(esc, login):
    meeting, ticket = make_meeting(esc, login)
    client = login(esc.biz_office)
    post(
        client,
        f"/api/v1/escalation/meetings/{meeting['id']}/minutes",
        {"minutes": "会议议定：\n一、审批局派员指导。"},
    )
    post(client, f"/api/v1/escalation/meetings/{meeting['id']}/tasks",
         {"content": "派员指导", "owner_unit_id": esc.approval_bureau.pk, "workdays": 3})  # fmt: skip
    response = client.get(f"/escalation/meetings/{meeting['id']}/minutes.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "沭阳县审批问题专题会办" in text and "审批局派员指导" in text and ticket.number in text
    assert doc.tables[0].rows[1].cells[2].text == "宿迁市行政审批局"


def test_meeting_is_hidden_from_outsiders(esc, login):
    meeting, _ticket = make_meeting(esc, login)
    assert login(esc.handler_siyang).get(f"/escalation/meetings/{meeting['id']}/").status_code == 404
    assert login(esc.handler_shuyang).get(f"/escalation/meetings/{meeting['id']}/").status_code == 200


def test_meeting_list_pages_and_empty_state(esc, login):
    client = login(esc.biz_office)
    assert "暂无会办会议" in client.get("/escalation/meetings/").content.decode()
    make_meeting(esc, login)
    page = client.get("/escalation/meetings/?type=topic").content.decode()
    assert "沭阳县审批问题专题会办" in page
    assert "沭阳县审批问题专题会办" not in client.get("/escalation/meetings/?type=joint").content.decode()


def test_task_states(esc, login):
    assert TaskStatus.OPEN.label == "办理中"
