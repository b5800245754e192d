"""类案督办 through its pages and API: 营商办 turns a hotspot into one task linking exactly its open,
dispatched cases (never a conduct complaint); the responsible unit answers once; its head approves,
and the answer becomes the reply of every linked case still 办理中 — each then followed up and rated
by its own enterprise — while a case closed meanwhile is left alone and one that cannot take a
reply is reported. Others are refused; a stale second approval is a version conflict."""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user, reply_fields
from bangban.core.errors import Conflict
from bangban.core.satisfaction import Satisfaction
from bangban.insight import hotspot_task_actions as task_actions
from bangban.insight.models import (
    HotspotCase,
    HotspotProblem,
    HotspotRun,
    HotspotTask,
    HotspotTaskCase,
    RunStatus,
    TaskStatus,
)
from bangban.notifications.models import OutboxMessage
from bangban.tickets import actions as lifecycle
from bangban.tickets.defaults import ensure_defaults
from bangban.tickets.models import Channel, Reply, Ticket, TicketEvent
from bangban.tickets.tests.work_helpers import make_ticket
from bangban.tickets.workflow import Status

CONDUCT_TITLE = "举报宏达搅拌站整治中某科长索要好处"
ANSWER = "经调查，宏达搅拌站夜间施工未取得许可，已责令其夜间停工并限期安装降尘设施。"
MEASURES = "1. 夜间 22 时后停工；2. 安装喷淋降尘；3. 城管每周两次夜查，结果向周边企业公示。"


class Town:
    """The cast: a problem of seven cases — four open and dispatched (three led by 沭阳县政府, one
    by 泗阳县政府 not yet signed for), one closed, one waiting for dispatch, one conduct complaint."""

    def __init__(self, world: Any) -> None:
        ensure_defaults()  # the deadline policies a reopen after a bad rating counts with
        self.world = world
        self.head = make_user("head_sy", Role.UNIT_HEAD, unit=world.shuyang_gov, full_name="沭阳负责人")
        self.ent_siyang_user = make_user(
            "ent_sq", Role.ENTERPRISE, enterprise=world.ent_siyang, full_name="泗阳企业用户"
        )
        self.mayor_office = make_user(
            "mayor_office_1", Role.MAYOR_OFFICE, unit=world.biz_office_unit, full_name="市府办专人"
        )
        now = timezone.now()

        def case(title: str, status: str, lead: Any, enterprise: Any, **kw: Any) -> Ticket:
            return make_ticket(
                world, title=title, content=f"{title}，影响企业生产", status=status, lead_unit=lead,
                enterprise=enterprise, received_at=now - dt.timedelta(days=5), now=now,
                handler=world.handler_shuyang if lead == world.shuyang_gov and status != Status.DISPATCHED else None,
                **kw,
            )  # fmt: skip

        w = world
        self.a = case("宏达搅拌站噪音扰民", Status.IN_PROGRESS, w.shuyang_gov, w.ent_shuyang)
        self.b = case("宏达搅拌站粉尘影响车间", Status.IN_PROGRESS, w.shuyang_gov, w.ent_siyang)
        self.c = case("宏达搅拌站夜间施工", Status.DISPATCHED, w.siyang_gov, w.ent_siyang)
        self.d = case("宏达搅拌站扰民多次反映", Status.IN_PROGRESS, w.shuyang_gov, w.ent_shuyang)
        self.closed = case("宏达搅拌站噪音（已办结）", Status.CLOSED, w.shuyang_gov, w.ent_shuyang)
        self.waiting = case("宏达搅拌站噪音（待派单）", Status.PENDING_DISPATCH, None, w.ent_shuyang)
        self.conduct = case(
            CONDUCT_TITLE, Status.IN_PROGRESS, w.shuyang_gov, w.ent_shuyang, channel=Channel.CONDUCT
        )
        run = HotspotRun.objects.create(
            window_start=now - dt.timedelta(days=30), window_end=now, window_days=30, requested_at=now,
            status=RunStatus.DONE, progress=100, case_count=7, problem_count=1,
        )  # fmt: skip
        self.problem = HotspotProblem.objects.create(
            run=run, rank=1, label="宏达搅拌站·噪音", representative=self.a, case_count=7, enterprise_count=2,
            region_count=1, unit_count=2, day_span=0, repeat_count=0, bad_rating_count=0, baseline=1.0,
            heat=12.0,
        )  # fmt: skip
        every = [self.a, self.b, self.c, self.d, self.closed, self.waiting, self.conduct]
        for i, t in enumerate(every):
            HotspotCase.objects.create(problem=self.problem, ticket=t, position=i)
        self.linked = [self.a, self.b, self.c, self.d]


@pytest.fixture
def town(world: Any) -> Town:
    return Town(world)


def _json(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _create(town: Town, client: Any, **body: Any) -> Any:
    payload = {"requirement": "请统一整治宏达搅拌站噪音粉尘", "unit_id": town.world.shuyang_gov.pk, **body}
    return _json(client, f"/api/v1/insight/hotspots/{town.problem.pk}/task", payload)


def test_creating_the_task_from_the_hotspot_page_links_exactly_the_open_cases(town: Town, login: Any) -> None:
    w = town.world
    biz = login(w.biz_office)
    page = biz.get(f"/insight/hotspots/{town.problem.pk}/").content.decode()
    # The form offers the unit that leads most of the open cases, pre-chosen in the unit picker.
    assert 'data-testid="hotspot-task-form"' in page
    assert f'data-suggested-id="{w.shuyang_gov.pk}"' in page and "纳入已派单、未办结的 4 件诉求" in page
    response = biz.post(
        f"/insight/hotspots/{town.problem.pk}/task/",
        {"requirement": "请统一整治", "unit": str(w.shuyang_gov.pk), "workdays": "5",
         "version": str(town.problem.version)},
        follow=True,
    )  # fmt: skip
    html = response.content.decode()
    task = HotspotTask.objects.get()
    assert response.redirect_chain[-1][0] == f"/insight/hotspots/tasks/{task.pk}/"
    assert "已转为类案督办：纳入 4 件诉求，由沭阳县人民政府统一答复" in html
    assert task.unit == w.shuyang_gov and task.workdays == 5 and task.status == TaskStatus.OPEN
    assert sorted(HotspotTaskCase.objects.values_list("ticket_id", flat=True)) == sorted(
        t.pk for t in town.linked
    )
    # The task page lists them with their states; the conduct complaint is neither linked nor shown.
    for t in town.linked:
        assert t.number in html
    assert CONDUCT_TITLE not in html and town.conduct.number not in html
    assert town.closed.number not in html and town.waiting.number not in html
    assert "主办单位尚未签收" in html  # the 待签收 case is flagged before anyone approves
    # Each linked case's timeline records it (internal), one audit event for the task.
    for t in town.linked:
        assert (
            TicketEvent.objects.filter(ticket=t, kind="hotspot_task_linked", visibility="internal").count()
            == 1
        )
    assert not TicketEvent.objects.filter(ticket=town.conduct, kind="hotspot_task_linked").exists()
    assert AuditEvent.objects.filter(action="insight.hotspot_task_created").count() == 1
    assert OutboxMessage.objects.filter(recipient=town.head, subject__startswith="类案督办").exists()
    # The problem page now links the task and offers no second one.
    again = biz.get(f"/insight/hotspots/{town.problem.pk}/").content.decode()
    assert 'data-testid="hotspot-task-link"' in again and 'data-testid="hotspot-task-form"' not in again
    assert _create(town, biz).json()["code"] == "task_exists"
    assert biz.get(f"/api/v1/insight/hotspots/{town.problem.pk}").json()["task_id"] == task.pk
    api = biz.get(f"/api/v1/insight/hotspot-tasks/{task.pk}").json()
    assert [c["ticket_id"] for c in api["cases"]] == sorted(t.pk for t in town.linked)
    assert CONDUCT_TITLE not in str(api)


def test_one_approved_answer_replies_every_open_case_each_rated_on_its_own(town: Town, login: Any) -> None:
    w = town.world
    created = _create(town, login(w.biz_office))
    assert created.status_code == 201, created.content
    task_id = created.json()["id"]
    answered = _json(
        login(w.handler_shuyang), f"/api/v1/insight/hotspot-tasks/{task_id}/answer",
        {"answer": ANSWER, "measures": MEASURES, "result": "partial", "version": created.json()["version"]},
    )  # fmt: skip
    assert answered.status_code == 200 and answered.json()["status"] == "review"
    # Meanwhile case d is answered and closed by its own unit, the ordinary way.
    lifecycle.do_submit_reply(
        acting_user=w.handler_shuyang, ticket_id=town.d.pk, content="已自行处理", **reply_fields()
    )
    lifecycle.do_approve_reply(acting_user=town.head, ticket_id=town.d.pk)
    lifecycle.do_follow_up(
        acting_user=w.biz_office, ticket_id=town.d.pk, resolved=True, satisfaction=Satisfaction.SATISFIED
    )
    head = login(town.head)
    approved = _json(
        head, f"/api/v1/insight/hotspot-tasks/{task_id}/approve", {"version": answered.json()["version"]}
    )
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "done"
    assert body["counts"] == {"pending": 0, "replied": 2, "left": 1, "refused": 1}
    by_case = {c["ticket_id"]: c for c in body["cases"]}
    assert by_case[town.a.pk]["outcome"] == by_case[town.b.pk]["outcome"] == "replied"
    assert by_case[town.d.pk]["outcome"] == "left" and "已办结" in by_case[town.d.pk]["note"]
    assert by_case[town.c.pk]["outcome"] == "refused"
    assert "待签收" in by_case[town.c.pk]["note"] and "主办单位尚未签收" in by_case[town.c.pk]["note"]

    for t in (town.a, town.b):
        t.refresh_from_db()
        assert t.status == Status.REPLIED and t.replied_at is not None
        reply = Reply.objects.get(ticket=t)
        assert reply.status == "approved" and ANSWER in reply.content and MEASURES in reply.content
        assert reply.drafted_by == w.handler_shuyang and reply.reviewed_by == town.head
        # The 办理结果 recorded with the answer is each case's reply's, for 12345 回访 and the ratings.
        assert reply.result == "partial"
        # One lifecycle move, one timeline entry, one audit event per case.
        moved = TicketEvent.objects.filter(ticket=t, kind="shared_reply")
        assert moved.count() == 1 and moved.get().visibility == "public"
        assert (moved.get().from_status, moved.get().to_status) == ("in_progress", "replied")
    assert AuditEvent.objects.filter(action="ticket.shared_reply").count() == 2
    assert AuditEvent.objects.filter(action="insight.hotspot_task_approved").count() == 1
    # The case closed meanwhile is untouched; the 待签收 one is reported on its own timeline too.
    town.d.refresh_from_db()
    assert town.d.status == Status.CLOSED and not TicketEvent.objects.filter(
        ticket=town.d, kind="shared_reply"
    )
    assert Reply.objects.filter(ticket=town.d).count() == 1
    town.c.refresh_from_db()
    assert town.c.status == Status.DISPATCHED and not Reply.objects.filter(ticket=town.c).exists()
    assert TicketEvent.objects.filter(
        ticket=town.c, kind="hotspot_task_not_replied", visibility="internal"
    ).exists()
    # The enterprise is told and sees the answer on its case.
    assert OutboxMessage.objects.filter(
        recipient=w.enterprise_user, subject=f"诉求已答复：{town.a.number}"
    ).exists()
    own = login(w.enterprise_user).get(f"/cases/{town.a.pk}/").content.decode()
    assert ANSWER in own and MEASURES in own and "已答复待回访" in own
    assert re.search(r'data-testid="reply-result">部分解决<', own)
    assert ANSWER in login(town.ent_siyang_user).get(f"/cases/{town.b.pk}/").content.decode()

    # Each case is rated by its own enterprise, with its own outcome.
    pleased = _json(
        login(w.enterprise_user), f"/api/v1/ratings/cases/{town.a.pk}/ratings", {"level": 1, "resolved": True}
    )
    assert pleased.status_code == 201 and pleased.json()["ticket_status"] == Status.CLOSED
    unhappy = _json(
        login(town.ent_siyang_user),
        f"/api/v1/ratings/cases/{town.b.pk}/ratings",
        {"level": 4, "resolved": False},
    )
    assert unhappy.status_code == 201 and unhappy.json()["reopened"] is True
    town.a.refresh_from_db()
    town.b.refresh_from_db()
    assert town.a.status == Status.CLOSED and town.b.status == Status.IN_PROGRESS and town.b.reopen_count == 1
    # The task page reports all of it.
    html = head.get(f"/insight/hotspots/tasks/{task_id}/").content.decode()
    assert "已统一答复 2 件，已办结或已答复未改动 1 件，未能写入 1 件" in html


def test_the_head_returns_the_answer_and_the_unit_answers_again(town: Town, login: Any) -> None:
    w = town.world
    task_id = _create(town, login(w.biz_office)).json()["id"]
    handler = login(w.handler_shuyang)
    assert (
        _json(
            handler, f"/api/v1/insight/hotspot-tasks/{task_id}/answer", {"answer": ANSWER, "measures": ""}
        ).json()["code"]
        == "measures_required"
    )
    _json(
        handler,
        f"/api/v1/insight/hotspot-tasks/{task_id}/answer",
        {"answer": "初稿", "measures": "无", "result": "explained"},
    )
    head = login(town.head)
    assert (
        _json(head, f"/api/v1/insight/hotspot-tasks/{task_id}/return", {"comment": ""}).json()["code"]
        == "comment_required"
    )
    page = head.post(f"/insight/hotspots/tasks/{task_id}/return/", {"comment": "措施不具体"}, follow=True)
    assert "已退回统一答复" in page.content.decode()
    assert HotspotTask.objects.get().status == TaskStatus.OPEN
    # Out of turn: an open task cannot be approved.
    refused = _json(head, f"/api/v1/insight/hotspot-tasks/{task_id}/approve", {})
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert refused.json()["message"] == "类案督办当前为“待答复”，不能执行“审核通过并答复各诉求”"
    done = handler.post(
        f"/insight/hotspots/tasks/{task_id}/answer/",
        {"answer": ANSWER, "measures": MEASURES, "result": "resolved"},
        follow=True,
    )
    assert "已提交统一答复" in done.content.decode()
    assert HotspotTask.objects.get().status == TaskStatus.REVIEW
    assert not TicketEvent.objects.filter(kind="shared_reply").exists()


def test_others_are_refused(town: Town, login: Any) -> None:
    w = town.world
    handler = login(w.handler_shuyang)
    # Only 营商办 turns a problem into a task: 403, and nothing is written.
    assert handler.post(f"/insight/hotspots/{town.problem.pk}/task/", {"requirement": "x"}).status_code == 403
    refused = _create(town, handler)
    assert refused.status_code == 403 and refused.json()["code"] == "hotspots_forbidden"
    office = login(town.mayor_office)
    assert (
        'data-testid="hotspot-task-form"'
        not in office.get(f"/insight/hotspots/{town.problem.pk}/").content.decode()
    )
    refused = _create(town, office)
    assert refused.status_code == 403 and refused.json()["code"] == "task_forbidden"
    assert office.post(f"/insight/hotspots/{town.problem.pk}/task/", {"requirement": "x"}).status_code == 403
    assert not HotspotTask.objects.exists()
    biz = login(w.biz_office)
    bad = _create(town, biz, unit_id=999999)
    assert bad.status_code == 400 and bad.json()["code"] == "unit_invalid"
    assert _create(town, biz, workdays=61).json()["code"] == "invalid_workdays"
    assert _create(town, biz, requirement=" ").json()["code"] == "content_required"
    task_id = _create(town, biz).json()["id"]
    # Another unit does not see the task at all; 营商办 sees it but cannot answer for the unit.
    other = login(w.handler_siyang)
    assert other.get(f"/insight/hotspots/tasks/{task_id}/").status_code == 404
    assert (
        _json(
            other, f"/api/v1/insight/hotspot-tasks/{task_id}/answer", {"answer": "x", "measures": "y"}
        ).status_code
        == 404
    )
    wrong = _json(biz, f"/api/v1/insight/hotspot-tasks/{task_id}/answer", {"answer": "x", "measures": "y"})
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_unit"
    assert wrong.json()["message"] == "该类案督办应由沭阳县人民政府答复，您所在单位不能答复"
    assert other.get("/api/v1/insight/hotspot-tasks").json()["count"] == 0
    _json(
        handler,
        f"/api/v1/insight/hotspot-tasks/{task_id}/answer",
        {"answer": ANSWER, "measures": MEASURES, "result": "resolved"},
    )
    # A handler of the unit cannot approve: only its head.
    not_head = _json(handler, f"/api/v1/insight/hotspot-tasks/{task_id}/approve", {})
    assert not_head.status_code == 403 and not_head.json()["code"] == "head_required"
    enterprise = login(w.enterprise_user)
    assert enterprise.get("/api/v1/insight/hotspot-tasks").json()["code"] == "tasks_forbidden"
    assert enterprise.get(f"/api/v1/insight/hotspot-tasks/{task_id}").status_code == 404
    assert HotspotTask.objects.get().status == TaskStatus.REVIEW
    assert not TicketEvent.objects.filter(kind="shared_reply").exists()


def test_a_second_approval_of_the_same_version_is_a_conflict_not_a_second_reply(
    town: Town, login: Any
) -> None:
    w = town.world
    task_id = _create(town, login(w.biz_office)).json()["id"]
    answered = _json(
        login(w.handler_shuyang), f"/api/v1/insight/hotspot-tasks/{task_id}/answer",
        {"answer": ANSWER, "measures": MEASURES, "result": "resolved"},
    ).json()  # fmt: skip
    head = login(town.head)
    second_head = login(make_user("head_sy2", Role.UNIT_HEAD, unit=w.shuyang_gov))
    first = _json(head, f"/api/v1/insight/hotspot-tasks/{task_id}/approve", {"version": answered["version"]})
    second = _json(
        second_head, f"/api/v1/insight/hotspot-tasks/{task_id}/approve", {"version": answered["version"]}
    )
    assert first.status_code == 200
    assert second.status_code == 409 and second.json() == {
        "code": "conflict",
        "message": "记录已被他人修改，请刷新后重试",
    }
    # The page's stale form says so too.
    stale = second_head.post(
        f"/insight/hotspots/tasks/{task_id}/approve/", {"version": answered["version"]}, follow=True
    )
    assert "记录已被他人修改" in stale.content.decode()
    for t in (town.a, town.b):
        assert TicketEvent.objects.filter(ticket=t, kind="shared_reply").count() == 1
        assert Reply.objects.filter(ticket=t).count() == 1
    assert AuditEvent.objects.filter(action="insight.hotspot_task_approved").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_heads_approving_at_once_give_one_reply_per_case(world: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent approvals need PostgreSQL")
    town = Town(world)
    now = timezone.now()
    task = task_actions.do_create_task(
        acting_user=world.biz_office, problem_id=town.problem.pk, requirement="请统一整治",
        unit_id=world.shuyang_gov.pk, now=now,
    )  # fmt: skip
    task = task_actions.do_answer_task(
        acting_user=world.handler_shuyang,
        task_id=task.pk,
        answer=ANSWER,
        measures=MEASURES,
        result="resolved",
        now=now,
    )
    heads = [town.head, make_user("head_sy2", Role.UNIT_HEAD, unit=world.shuyang_gov)]
    results: list[str] = []
    barrier = threading.Barrier(2)

    def approve(user: Any) -> None:
        try:
            barrier.wait()
            task_actions.do_approve_task(acting_user=user, task_id=task.pk, version=task.version, now=now)
            results.append("ok")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in heads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict", "ok"]
    for case in (town.a, town.b, town.d):
        assert TicketEvent.objects.filter(ticket=case, kind="shared_reply").count() == 1
        assert Reply.objects.filter(ticket=case).count() == 1


def test_the_answer_needs_its_result(town: Town, login: Any) -> None:
    w = town.world
    task_id = _create(town, login(w.biz_office)).json()["id"]
    handler = login(w.handler_shuyang)
    url = f"/api/v1/insight/hotspot-tasks/{task_id}/answer"
    missing = _json(handler, url, {"answer": ANSWER, "measures": MEASURES})
    assert missing.status_code == 400 and missing.json()["code"] == "result_required"
    assert "请选择办理结果" in missing.json()["message"]
    wrong = _json(handler, url, {"answer": ANSWER, "measures": MEASURES, "result": "done"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "result_invalid"
    page = handler.get(f"/insight/hotspots/tasks/{task_id}/").content.decode()
    assert 'name="result"' in page and "解释说明" in page
    answered = handler.post(
        f"/insight/hotspots/tasks/{task_id}/answer/",
        {"answer": ANSWER, "measures": MEASURES, "result": "explained"},
        follow=True,
    ).content.decode()
    assert 'data-testid="hotspot-task-result"' in answered and "解释说明" in answered
    assert handler.get(url.rsplit("/", 1)[0]).json()["result"] == "explained"
