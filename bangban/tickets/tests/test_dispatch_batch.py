"""批量派单 (issue 17 item 2): several cases in one request, each through `do_dispatch` in its own
transaction (its own lock, version, timeline and audit event), the outcome of each reported in
Chinese — a case a colleague already dispatched is answered plainly, never a 500 — from the
dispatch page (form or fetch) and from `POST /api/v1/cases/batch/dispatch`; and the page's
counts, and 上一件/下一件 on a case opened from the queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from bangban.audit.models import AuditEvent
from bangban.core.errors import PermissionDenied, ValidationFailed
from bangban.tickets.actions import do_dispatch
from bangban.tickets.dispatch_batch import MAX_BATCH, DispatchOrder, dispatch_many
from bangban.tickets.models import Category, Ticket, TicketEvent
from bangban.tickets.workflow import Status

API = "/api/v1/cases/batch/dispatch"
BATCH = "/cases/dispatch/batch/"
JSON = {"HTTP_ACCEPT": "application/json"}


def api(client: Any, body: dict[str, Any]) -> Any:
    return client.post(API, body, content_type="application/json")


# --- the action ------------------------------------------------------------------------------------


def test_each_case_is_dispatched_in_its_own_transaction_with_its_own_event_and_audit(cases):
    a, b, c = cases.new(), cases.new(), cases.new()
    outcomes = dispatch_many(
        acting_user=cases.dispatcher,
        orders=[
            DispatchOrder(a.pk, version=1, lead_unit_id=cases.shuyang_gov.pk),
            DispatchOrder(
                b.pk, version=1, lead_unit_id=cases.siyang_gov.pk, co_unit_ids=[cases.approval_bureau.pk]
            ),
            DispatchOrder(c.pk, version=1, lead_unit_id=cases.shuyang_gov.pk, urgency="urgent"),
        ],
    )
    assert [o.ok for o in outcomes] == [True, True, True]
    assert [o.number for o in outcomes] == [a.number, b.number, c.number]
    assert outcomes[1].message == f"已派至{cases.siyang_gov.name}"
    for ticket, unit in ((a, cases.shuyang_gov), (b, cases.siyang_gov), (c, cases.shuyang_gov)):
        ticket.refresh_from_db()
        assert ticket.status == Status.DISPATCHED and ticket.lead_unit_id == unit.pk
        assert ticket.version == 2
        assert TicketEvent.objects.filter(ticket=ticket, kind="dispatch").count() == 1
        assert AuditEvent.objects.filter(action="ticket.dispatch", object_id=str(ticket.pk)).count() == 1
    c.refresh_from_db()
    assert c.urgency == "urgent"
    assert b.assignments.filter(role="co", active=True).get().unit_id == cases.approval_bureau.pk


def test_a_failing_case_does_not_stop_the_others_and_each_says_why(cases):
    ok = cases.new()
    stale = cases.new()
    stale.version = 3
    stale.save(update_fields=["version"])
    retired = cases.new()
    cases.approval_bureau.is_active = False
    cases.approval_bureau.save(update_fields=["is_active"])
    outcomes = dispatch_many(
        acting_user=cases.dispatcher,
        orders=[
            DispatchOrder(stale.pk, version=1, lead_unit_id=cases.shuyang_gov.pk),
            DispatchOrder(retired.pk, version=1, lead_unit_id=cases.approval_bureau.pk),
            DispatchOrder(ok.pk, version=1, lead_unit_id=cases.shuyang_gov.pk),
            DispatchOrder(999999, version=1, lead_unit_id=cases.shuyang_gov.pk),
        ],
    )
    assert [(o.ok, o.code) for o in outcomes] == [
        (False, "conflict"),
        (False, "unit_inactive"),
        (True, ""),
        (False, "not_found"),
    ]
    assert outcomes[0].message == "记录已被他人修改，请刷新后重试"
    assert outcomes[3].number == ""
    assert Ticket.objects.get(pk=ok.pk).status == Status.DISPATCHED
    for t in (stale, retired):
        assert Ticket.objects.get(pk=t.pk).status == Status.PENDING_DISPATCH


def test_resubmitting_a_case_already_dispatched_by_a_colleague_says_so_and_changes_nothing(cases):
    ticket = cases.new()
    colleague = cases.county_dispatcher
    do_dispatch(
        acting_user=colleague, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk, expected_version=1
    )
    order = DispatchOrder(ticket.pk, version=1, lead_unit_id=cases.siyang_gov.pk)
    for _ in range(2):  # and again: the same answer, nothing dispatched twice
        (outcome,) = dispatch_many(acting_user=cases.dispatcher, orders=[order])
        assert not outcome.ok and outcome.code == "already_dispatched"
        assert outcome.message.startswith(f"该诉求已由{colleague.display_name}于 ")
        assert f"派至{cases.shuyang_gov.name}（待签收），未重复派单" in outcome.message
    ticket.refresh_from_db()
    assert ticket.lead_unit_id == cases.shuyang_gov.pk and ticket.version == 2
    assert TicketEvent.objects.filter(ticket=ticket, kind="dispatch").count() == 1


def test_a_withdrawn_case_is_not_pending_any_more(cases):
    ticket = cases.new()
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.WITHDRAWN, version=2)
    (outcome,) = dispatch_many(
        acting_user=cases.dispatcher,
        orders=[DispatchOrder(ticket.pk, version=1, lead_unit_id=cases.shuyang_gov.pk)],
    )
    assert outcome.code == "invalid_transition" and outcome.message == "该诉求当前为“已撤回”，不能派单"


def test_without_a_lead_unit_the_suggestion_goes_and_without_one_the_case_says_so(cases):
    category = Category.objects.create(code="zz-batch", name="批量测试分类", level=1, path="批量测试分类")
    suggested = cases.new(suggested_unit=cases.approval_bureau)
    bare = cases.new()
    outcomes = dispatch_many(
        acting_user=cases.dispatcher,
        orders=[
            DispatchOrder(suggested.pk, version=1, category_id=category.pk),
            DispatchOrder(bare.pk, version=1),
        ],
    )
    assert outcomes[0].ok and outcomes[0].lead_unit_name == cases.approval_bureau.name
    suggested.refresh_from_db()
    assert suggested.lead_unit_id == cases.approval_bureau.pk and suggested.category_id == category.pk
    assert (outcomes[1].ok, outcomes[1].code) == (False, "unit_required")
    assert outcomes[1].message == "该诉求没有建议的主办单位，请选择主办单位后再派单"


def test_a_county_dispatcher_dispatches_the_countys_cases_only(cases):
    own = cases.new(suggested_unit=cases.shuyang_gov)
    other = cases.new(
        enterprise=cases.ent_siyang, region=cases.siyang, submitter=None, suggested_unit=cases.siyang_gov
    )
    outcomes = dispatch_many(
        acting_user=cases.county_dispatcher,
        orders=[DispatchOrder(own.pk, version=1), DispatchOrder(other.pk, version=1)],
    )
    assert [(o.ok, o.code, o.number) for o in outcomes] == [(True, "", own.number), (False, "not_found", "")]
    assert Ticket.objects.get(pk=other.pk).status == Status.PENDING_DISPATCH


def test_the_whole_request_is_refused_for_non_dispatchers_and_bad_batches(cases):
    ticket = cases.new()
    order = DispatchOrder(ticket.pk, version=1, lead_unit_id=cases.shuyang_gov.pk)
    with pytest.raises(PermissionDenied):
        dispatch_many(acting_user=cases.handler_shuyang, orders=[order])
    with pytest.raises(ValidationFailed) as empty:
        dispatch_many(acting_user=cases.dispatcher, orders=[])
    assert empty.value.code == "batch_empty"
    with pytest.raises(ValidationFailed) as twice:
        dispatch_many(acting_user=cases.dispatcher, orders=[order, order])
    assert twice.value.code == "batch_duplicate_case"
    many = [DispatchOrder(pk, version=1, lead_unit_id=cases.shuyang_gov.pk) for pk in range(1, MAX_BATCH + 2)]
    with pytest.raises(ValidationFailed) as too_many:
        dispatch_many(acting_user=cases.dispatcher, orders=many)
    assert too_many.value.code == "batch_too_large"
    assert too_many.value.message == f"一次最多派 {MAX_BATCH} 件诉求（本次 {MAX_BATCH + 1} 件），请分批提交"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_DISPATCH


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_reports_each_case_in_order_with_the_new_summary(cases, login):
    a, b = cases.new(), cases.new(suggested_unit=cases.siyang_gov)
    response = api(
        login(cases.dispatcher),
        {
            "items": [
                {"case_id": a.pk, "version": 1, "lead_unit_id": cases.shuyang_gov.pk},
                {"case_id": b.pk, "version": 1},
                {"case_id": a.pk + b.pk + 1000, "version": 1, "lead_unit_id": cases.shuyang_gov.pk},
            ]
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["dispatched"], data["rejected"]) == (2, 1)
    first, second, third = data["results"]
    assert first["index"] == 0 and first["status"] == "dispatched" and first["code"] is None
    assert first["case"]["version"] == 2 and first["case"]["lead_unit_id"] == cases.shuyang_gov.pk
    assert second["case"]["lead_unit_id"] == cases.siyang_gov.pk and second["number"] == b.number
    assert third == {
        "index": 2,
        "case_id": a.pk + b.pk + 1000,
        "status": "rejected",
        "number": None,
        "code": "not_found",
        "message": "未找到该记录，或您无权查看",
        "case": None,
    }
    # The same request again: nothing is dispatched twice, each case says why (not a 500).
    again = api(
        login(cases.dispatcher),
        {"items": [{"case_id": a.pk, "version": 1, "lead_unit_id": cases.shuyang_gov.pk}]},
    )
    assert again.status_code == 200
    (result,) = again.json()["results"]
    assert result["status"] == "rejected" and result["code"] == "already_dispatched"
    assert "未重复派单" in result["message"]


def test_the_api_refuses_non_dispatchers_and_oversized_batches_with_their_codes(cases, login):
    ticket = cases.new()
    item = {"case_id": ticket.pk, "version": 1, "lead_unit_id": cases.shuyang_gov.pk}
    for user in (cases.handler_shuyang, cases.enterprise_user, cases.biz_office):
        response = api(login(user), {"items": [item]})
        assert response.status_code == 403, user
        assert response.json()["code"] == "permission_denied"
    assert api(login(cases.dispatcher), {"items": []}).json()["code"] == "batch_empty"
    response = api(login(cases.dispatcher), {"items": [item] * (MAX_BATCH + 1)})
    assert response.status_code == 400 and response.json()["code"] == "batch_too_large"
    response = api(login(cases.dispatcher), {"items": [item, item]})
    assert response.status_code == 400 and response.json()["code"] == "batch_duplicate_case"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_DISPATCH


def test_the_api_documents_the_operation_and_its_codes(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"][API]["post"]
    assert operation["summary"] == "批量派单"
    assert set(operation["responses"]["400"]["x-error-codes"]) >= {
        "batch_empty",
        "batch_too_large",
        "batch_duplicate_case",
    }
    assert "already_dispatched" in operation["description"]


# --- the page --------------------------------------------------------------------------------------


def _form(*tickets: Ticket, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"case": [str(t.pk) for t in tickets]}
    for t in tickets:
        data[f"t{t.pk}-version"] = str(t.version)
    data.update(fields)
    return data


def test_the_page_dispatches_by_fetch_and_answers_each_case_as_json(cases, login):
    a, b = cases.new(), cases.new(suggested_unit=cases.siyang_gov)
    client = login(cases.dispatcher)
    response = client.post(
        BATCH,
        _form(a, b, **{f"t{a.pk}-lead_unit": str(cases.shuyang_gov.pk), f"t{a.pk}-urgency": "complex"}),
        **JSON,
    )
    assert response.status_code == 200
    data = response.json()
    assert data["dispatched"] == 2 and data["rejected"] == 0
    assert [r["number"] for r in data["results"]] == [a.number, b.number]
    assert data["results"][1]["lead_unit"] == cases.siyang_gov.name
    a.refresh_from_db()
    assert a.urgency == "complex" and a.lead_unit_id == cases.shuyang_gov.pk
    # Submitted again (a double click): each case says it has gone, not a 500.
    again = client.post(BATCH, _form(a, b), **JSON)
    assert again.status_code == 200
    assert {r["code"] for r in again.json()["results"]} == {"already_dispatched"}


def test_the_page_form_without_script_goes_back_with_messages(cases, login):
    suggested = cases.new(suggested_unit=cases.shuyang_gov)
    bare = cases.new()
    client = login(cases.dispatcher)
    response = client.post(
        BATCH, _form(suggested, bare, next="/cases/dispatch/?urgency=general"), follow=True
    )
    assert response.redirect_chain[-1][0] == "/cases/dispatch/?urgency=general"
    shown = [str(m) for m in response.context["messages"]]
    assert "已派单 1 件" in shown
    assert f"{bare.number}：该诉求没有建议的主办单位，请选择主办单位后再派单" in shown
    assert Ticket.objects.get(pk=suggested.pk).status == Status.DISPATCHED


def test_the_page_refuses_whole_batches_plainly(cases, login):
    client = login(cases.dispatcher)
    response = client.post(BATCH, {"case": []}, **JSON)
    assert response.status_code == 400 and response.json()["code"] == "batch_empty"
    response = client.post(BATCH, {"case": ["abc"]}, **JSON)
    assert response.status_code == 400 and response.json()["message"] == "诉求无效：abc"


def test_only_dispatchers_reach_the_page_endpoints(cases, login):
    ticket = cases.new(suggested_unit=cases.shuyang_gov)
    for user in (cases.handler_shuyang, cases.enterprise_user, cases.biz_office):
        assert login(user).post(BATCH, _form(ticket), **JSON).status_code == 404
        assert login(user).get(reverse("tickets:dispatch_counts")).status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_DISPATCH


def test_the_counts_follow_the_page_filters(cases, login):
    cases.new(urgency="urgent")
    cases.new()
    cases.new()
    client = login(cases.dispatcher)
    url = reverse("tickets:dispatch_counts")
    assert client.get(url).json() == {"pending": 3, "under_review": 0, "dispatch_overdue": 0}
    assert client.get(url, {"urgency": "urgent"}).json()["pending"] == 1
    page = client.get(reverse("tickets:dispatch_queue"), {"urgency": "urgent"}).content.decode()
    assert f'data-counts-url="{url}?urgency=urgent"' in page
    assert 'data-queue-text="待派单 {n} 件">待派单 1 件<' in page


# --- 上一件 / 下一件 -------------------------------------------------------------------------------


def test_a_case_opened_from_the_queue_links_the_previous_and_next_case(cases, login):
    base = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
    first, second, third = (cases.new(received_at=base + dt.timedelta(hours=h)) for h in range(3))
    client = login(cases.dispatcher)
    queue = client.get(reverse("tickets:dispatch_queue")).content.decode()
    assert f'href="/cases/{second.pk}/?from=dispatch"' in queue

    page = client.get(f"/cases/{second.pk}/", {"from": "dispatch"})
    nav = page.context["queue_nav"]
    assert nav["previous_url"] == f"/cases/{first.pk}/?from=dispatch"
    assert nav["next_url"] == f"/cases/{third.pk}/?from=dispatch"
    assert (nav["position"], nav["total"]) == (2, 3)
    html = page.content.decode()
    assert "上一件" in html and "下一件" in html and "待派单第 2 / 3 件" in html
    assert "tickets/case-nav.js" in html

    # Dispatched from its page, the case comes back within the queue, which goes on around it.
    response = client.post(
        f"/cases/{second.pk}/do/dispatch/?from=dispatch",
        {"version": "1", "lead_unit": str(cases.shuyang_gov.pk), "urgency": "general"},
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{second.pk}/?from=dispatch"
    nav = client.get(response["Location"]).context["queue_nav"]
    assert nav["previous_url"] == f"/cases/{first.pk}/?from=dispatch"
    assert nav["next_url"] == f"/cases/{third.pk}/?from=dispatch"
    assert (nav["position"], nav["total"]) == (None, 2)

    # The queue's filters come along; opened any other way the page has no queue links.
    filtered = client.get(f"/cases/{first.pk}/", {"from": "dispatch", "urgency": "urgent"}).context[
        "queue_nav"
    ]
    assert filtered["total"] == 0 and filtered["back_url"] == "/cases/dispatch/?urgency=urgent"
    assert client.get(f"/cases/{first.pk}/").context["queue_nav"] is None
    assert (
        login(cases.handler_shuyang).get(f"/cases/{second.pk}/", {"from": "dispatch"}).context["queue_nav"]
        is None
    )
