"""A run through the API: book, record (with problems or 未发现问题), make problems items or cases,
report and verify items, close — every bad input refused with its Chinese message and code, and
every step audited once."""

from __future__ import annotations

import datetime as dt

import time_machine

from bangban.audit.models import AuditEvent
from bangban.fieldruns.models import Run
from bangban.tickets.public import case_by_id

from .conftest import API, TODAY, book_body, booked, item_body, record_body, recorded

J = "application/json"


def test_a_unit_head_books_a_run_of_his_unit(cast, login):
    run = booked(login(cast.head))
    assert run["status"] == "booked" and run["unit_id"] == cast.world.shuyang_gov.pk
    assert run["number"] == f"PXC2026-{run['id']:05d}" and run["runner"] == "沭阳县长"
    assert AuditEvent.objects.filter(action="fieldruns.run_book", object_id=str(run["id"])).count() == 1


def test_booking_refuses_bad_input_and_other_roles(cast, login):
    client = login(cast.head)
    cases = [
        (
            {"planned_on": (TODAY - dt.timedelta(days=1)).isoformat()},
            "planned_on_in_past",
            "计划日期不能早于今天",
        ),
        ({"service": " "}, "service_required", "请填写办理事项"),
        ({"kind": "walk"}, "invalid_kind", "请选择方式（体验、体检）"),
        ({"role": ""}, "role_required", "请选择身份"),
    ]
    for change, code, message in cases:
        answer = client.post(f"{API}/runs", book_body(**change), content_type=J)
        assert answer.status_code == 400 and answer.json()["code"] == code, (change, answer.content)
        assert message in answer.json()["message"]
    answer = login(cast.world.handler_shuyang).post(f"{API}/runs", book_body(), content_type=J)
    assert answer.status_code == 403
    assert not Run.objects.exists()


def test_recording_needs_a_problem_or_a_stated_no_problem(cast, login):
    client = login(cast.head)
    run = booked(client)
    url = f"{API}/runs/{run['id']}/record"
    answer = client.post(url, record_body(findings=[" ", ""]), content_type=J)
    assert answer.status_code == 400 and answer.json()["code"] == "findings_required"
    assert "请至少记录一个发现的问题" in answer.json()["message"] and "未发现问题" in answer.json()["message"]
    answer = client.post(url, record_body(findings=[], no_problem=True), content_type=J)
    assert answer.status_code == 400 and answer.json()["code"] == "checked_required"
    answer = client.post(url, record_body(no_problem=True, checked="材料清单"), content_type=J)
    assert answer.status_code == 400 and answer.json()["code"] == "findings_conflict"
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    answer = client.post(url, record_body(done_on=future), content_type=J)
    assert answer.status_code == 400 and answer.json()["code"] == "done_on_in_future"
    assert answer.json()["message"] == "跑现场日期不能晚于今天"
    answer = client.post(url, record_body(minutes=0), content_type=J)
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_minutes"
    assert client.get(f"{API}/runs/{run['id']}").json()["status"] == "booked"

    answer = client.post(
        url, record_body(findings=[], no_problem=True, checked="取号、材料、受理、出证各环节"), content_type=J
    )
    assert answer.status_code == 200 and answer.json()["status"] == "done" and answer.json()["no_problem"]
    # Nothing to rectify: the run is closed straight away.
    answer = client.post(f"{API}/runs/{run['id']}/close", {}, content_type=J)
    assert answer.status_code == 200 and answer.json()["status"] == "closed"


def test_problems_become_items_with_an_owner_and_a_deadline_in_working_days(cast, login):
    client = login(cast.head)
    run = recorded(client)
    first, second = run["findings"]
    url = f"{API}/runs/{run['id']}/items"
    bureau = cast.world.approval_bureau.pk
    refusals = [
        (item_body(first["id"], None), 400, "owner_unit_required", "请选择责任单位"),
        (item_body(first["id"], 999999), 400, "owner_unit_not_found", "所选责任单位不存在或已停用"),
        (item_body(first["id"], bureau, owner_person=""), 400, "owner_person_required", "请填写责任人"),
        (item_body(first["id"], bureau, workdays=None), 400, "deadline_required", "请填写整改时限"),
        (item_body(first["id"], bureau, workdays=None, deadline="2026-11-14"), 400, "deadline_not_workday",
         "不是工作日"),
        (item_body(first["id"], bureau, workdays=None, deadline="2026-11-09"), 400, "deadline_in_past", "不能早于今天"),
        (item_body(first["id"], bureau, workdays=61), 400, "invalid_workdays", "1–60"),
        (item_body(999999, bureau), 400, "finding_not_found", "请选择本次跑现场发现的问题"),
    ]  # fmt: skip
    for body, status, code, message in refusals:
        answer = client.post(url, body, content_type=J)
        assert answer.status_code == status and answer.json()["code"] == code, (body, answer.content)
        assert message in answer.json()["message"]

    answer = client.post(url, item_body(first["id"], bureau), content_type=J)
    assert answer.status_code == 201, answer.content
    item = answer.json()
    # Five working days after Tuesday 10 November 2026.
    assert (
        item["deadline"] == "2026-11-17"
        and item["status"] == "open"
        and item["owner_unit_name"] == "宿迁市行政审批局"
    )
    answer = client.post(url, item_body(first["id"], bureau), content_type=J)
    assert answer.status_code == 409 and answer.json()["code"] == "finding_handled"
    answer = client.post(
        url, item_body(second["id"], bureau, workdays=None, deadline="2026-11-20"), content_type=J
    )
    assert answer.status_code == 201 and answer.json()["deadline"] == "2026-11-20"
    assert client.get(f"{API}/runs/{run['id']}").json()["status"] == "rectifying"
    assert AuditEvent.objects.filter(action="fieldruns.item_add").count() == 2


def test_an_item_is_reported_by_the_owner_unit_and_verified_by_the_unit_head(cast, login):
    client = login(cast.head)
    run = recorded(client, findings=["导办台无人值守"])
    item = client.post(
        f"{API}/runs/{run['id']}/items", item_body(run["findings"][0]["id"], cast.world.approval_bureau.pk),
        content_type=J,
    ).json()  # fmt: skip
    owner = login(cast.head_owner)
    # The owner unit's head sees the run (his item) but manages nothing else of it.
    assert owner.get(f"{API}/runs/{run['id']}").status_code == 200
    assert owner.post(f"{API}/runs/{run['id']}/close", {}, content_type=J).status_code == 403
    answer = owner.post(f"{API}/items/{item['id']}/report", {"change": " "}, content_type=J)
    assert answer.status_code == 400 and answer.json()["code"] == "change_required"
    answer = owner.post(
        f"{API}/items/{item['id']}/report", {"change": "导办台实行AB岗", "version": 99}, content_type=J
    )
    assert answer.status_code == 409 and answer.json()["code"] == "conflict"
    answer = owner.post(f"{API}/items/{item['id']}/report", {"change": "导办台实行AB岗"}, content_type=J)
    assert (
        answer.status_code == 200
        and answer.json()["status"] == "reported"
        and answer.json()["done_on"] == "2026-11-10"
    )
    answer = owner.post(f"{API}/items/{item['id']}/verify", {"verdict": "verify"}, content_type=J)
    assert answer.status_code == 403

    answer = client.post(f"{API}/items/{item['id']}/verify", {"verdict": "send_back"}, content_type=J)
    assert answer.status_code == 400 and answer.json()["code"] == "note_required"
    answer = client.post(f"{API}/items/{item['id']}/verify", {"verdict": "ok"}, content_type=J)
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_verdict"
    answer = client.post(
        f"{API}/items/{item['id']}/verify", {"verdict": "send_back", "note": "午间仍无人"}, content_type=J
    )
    assert answer.json()["status"] == "open" and answer.json()["verify_note"] == "午间仍无人"
    owner.post(f"{API}/items/{item['id']}/report", {"change": "午间轮班表上墙"}, content_type=J)
    answer = client.post(f"{API}/items/{item['id']}/verify", {"verdict": "verify"}, content_type=J)
    assert answer.status_code == 200 and answer.json()["status"] == "verified"
    answer = client.post(f"{API}/items/{item['id']}/verify", {"verdict": "verify"}, content_type=J)
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_transition"


def test_a_run_is_closed_only_when_every_problem_is_dealt_with(cast, login):
    client = login(cast.head)
    run = recorded(client)
    first, second = run["findings"]
    close = f"{API}/runs/{run['id']}/close"
    item = client.post(
        f"{API}/runs/{run['id']}/items", item_body(first["id"], cast.world.shuyang_gov.pk), content_type=J
    ).json()
    answer = client.post(close, {}, content_type=J)
    assert answer.status_code == 409 and answer.json()["code"] == "findings_unhandled"
    assert "第 2 个" in answer.json()["message"]

    answer = client.post(f"{API}/findings/{second['id']}/case", content_type=J)
    assert answer.status_code == 200, answer.content
    case = case_by_id(Run.objects.get().findings.get(seq=2).case_id)
    assert case is not None
    assert answer.json()["case_number"] == case.number and case.channel == "window"
    assert "刻章窗口无引导标识" in case.content and run["number"] in case.content
    assert (
        client.post(f"{API}/findings/{second['id']}/case", content_type=J).json()["code"] == "finding_handled"
    )

    answer = client.post(close, {}, content_type=J)
    assert answer.status_code == 409 and answer.json()["code"] == "open_items"
    assert "还有整改事项未核验销项" in answer.json()["message"]
    client.post(f"{API}/items/{item['id']}/report", {"change": "已对接电子证照库"}, content_type=J)
    client.post(f"{API}/items/{item['id']}/verify", {"verdict": "verify"}, content_type=J)
    answer = client.post(close, {"version": 1}, content_type=J)
    assert answer.status_code == 409 and answer.json()["code"] == "conflict"
    answer = client.post(close, {}, content_type=J)
    assert answer.status_code == 200 and answer.json()["status"] == "closed"
    assert AuditEvent.objects.filter(action="fieldruns.run_close").count() == 1


def test_a_booking_is_cancelled_with_a_reason_and_then_nothing_more(cast, login):
    client = login(cast.head)
    run = booked(client)
    url = f"{API}/runs/{run['id']}"
    answer = client.post(f"{url}/cancel", {"reason": ""}, content_type=J)
    assert answer.status_code == 400 and answer.json()["code"] == "reason_required"
    answer = client.post(f"{url}/cancel", {"reason": "改期", "version": run["version"]}, content_type=J)
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    answer = client.post(f"{url}/record", record_body(), content_type=J)
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_transition"
    assert "已取消" in answer.json()["message"]


def test_another_units_head_and_staff_without_a_role_here_get_not_found(cast, login):
    run = recorded(login(cast.head))
    other = login(cast.head_siyang)
    finding = run["findings"][0]["id"]
    assert other.get(f"{API}/runs/{run['id']}").status_code == 404
    assert other.post(f"{API}/runs/{run['id']}/record", record_body(), content_type=J).status_code == 404
    assert other.post(f"{API}/runs/{run['id']}/close", {}, content_type=J).status_code == 404
    assert other.post(f"{API}/findings/{finding}/case", content_type=J).status_code == 404
    answer = other.post(
        f"{API}/runs/{run['id']}/items", item_body(finding, cast.world.siyang_gov.pk), content_type=J
    )
    assert answer.status_code == 404
    assert other.get(f"{API}/runs").json()["count"] == 0
    handler = login(cast.world.handler_shuyang)
    assert handler.get(f"{API}/runs/{run['id']}").status_code == 404
    assert handler.get(f"{API}/runs").status_code == 404
    # 营商办 reads every unit's runs and changes none.
    office = login(cast.world.biz_office)
    assert office.get(f"{API}/runs").json()["count"] == 1
    assert office.post(f"{API}/runs/{run['id']}/close", {}, content_type=J).status_code == 403


def test_the_list_flags_runs_with_overdue_items(cast, login):
    client = login(cast.head)
    run = recorded(client)
    client.post(
        f"{API}/runs/{run['id']}/items", item_body(run["findings"][0]["id"], cast.world.shuyang_gov.pk),
        content_type=J,
    )  # fmt: skip
    listed = client.get(f"{API}/runs").json()["items"][0]
    assert listed["open_items"] == 1 and listed["overdue_items"] == 0
    assert client.get(f"{API}/runs?overdue=1").json()["count"] == 0
    with time_machine.travel(dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        client = login(cast.head)  # a fresh sign-in a week later
        listed = client.get(f"{API}/runs?overdue=1").json()
        assert listed["count"] == 1 and listed["items"][0]["overdue_items"] == 1
        assert client.get(f"{API}/runs/{run['id']}").json()["items"][0]["overdue"] is True
    assert client.get(f"{API}/runs?year=20x6").json()["code"] == "invalid_year"
    assert client.get(f"{API}/runs?status=nope").json()["code"] == "invalid_status"


def test_odd_input_is_refused_or_taken_never_a_server_error(cast, login):
    client = login(cast.head)
    run = recorded(client)
    finding = run["findings"][0]["id"]
    bodies = [
        (f"{API}/runs", book_body(planned_on="9999-12-31", service="办" * 121)),
        (f"{API}/runs", book_body(planned_on="not-a-date")),
        (f"{API}/runs/{run['id']}/items", item_body(finding, 10**15, deadline="9999-12-31")),
        (f"{API}/runs/{run['id']}/items", item_body(finding, cast.world.shuyang_gov.pk, workdays=-3)),
        (f"{API}/runs/{run['id']}/items", {"finding_id": "x"}),
        (f"{API}/runs/{10**20}/record", record_body(findings=["问" * 1001])),
        (f"{API}/items/{10**20}/report", {"change": "x"}),
        (f"{API}/runs/{run['id']}/cancel", {"reason": "\x00"}),
    ]
    for url, body in bodies:
        answer = client.post(url, body, content_type=J)
        assert 400 <= answer.status_code < 500 and "code" in answer.json(), (url, answer.content)
    answer = client.post(
        f"{API}/runs/{run['id']}/items",
        item_body(finding, cast.world.shuyang_gov.pk, workdays=None, deadline="2099-12-31"),
        content_type=J,
    )
    assert answer.status_code in (201, 400), answer.content
