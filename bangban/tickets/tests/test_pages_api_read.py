"""The read side of /api/v1/cases: the list with the pages' filters and paging, one case with its
timeline (public events only for enterprises), and the timeline alone — all scoped like the pages."""

from __future__ import annotations

import datetime as dt

import pytest

from bangban.tickets.workflow import Status

from .work_helpers import add_event, make_cast, make_ticket

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
API = "/api/v1/cases"
# The list sits at the router root, which the shared mount in tickets/api.py serves with a slash.
LIST = API


def test_list_returns_count_page_size_and_items_with_live_deadline_state(world, login):
    cast = make_cast(world)
    overdue = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=-DAY)
    for _ in range(2):
        make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=5 * DAY)

    body = login(cast.dispatcher).get(LIST, {"size": 2, "page": 1}).json()

    assert body["count"] == 3 and body["page"] == 1 and body["size"] == 2
    assert len(body["items"]) == 2
    one = login(cast.dispatcher).get(LIST, {"deadline": "overdue"}).json()
    assert [i["number"] for i in one["items"]] == [overdue.number]
    assert one["items"][0]["deadline_state"] == "overdue"
    assert one["items"][0]["lead_unit"] == {"code": "shuyang-gov", "name": "沭阳县人民政府"}


def test_list_uses_the_same_filters_as_the_pages_and_refuses_bad_values(world, login):
    cast = make_cast(world)
    a = make_ticket(world, status=Status.DISPATCHED, lead_unit=world.shuyang_gov)
    make_ticket(world, status=Status.CLOSED, lead_unit=world.shuyang_gov)
    client = login(cast.dispatcher)

    assert [i["number"] for i in client.get(LIST, {"status": "dispatched"}).json()["items"]] == [a.number]
    bad = client.get(LIST, {"status": "nonsense"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_filter"
    assert "状态“nonsense”无效" in bad.json()["message"]


def test_list_is_scoped_like_the_pages(world, login):
    cast = make_cast(world)
    own = make_ticket(world)
    make_ticket(world, enterprise=world.ent_siyang, region=world.siyang)

    body = login(cast.enterprise_user).get(LIST).json()
    assert [i["number"] for i in body["items"]] == [own.number]
    unit = login(cast.handler_siyang).get(LIST, {"view": "unit"}).json()
    assert unit["count"] == 0


def test_list_masks_contact_phones_for_roles_that_do_not_need_them(world, login):
    cast = make_cast(world)
    make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, contact_phone="13812345678")

    masked = login(cast.handler_shuyang).get(LIST, {"view": "unit"}).json()["items"][0]
    shown = login(world.biz_office).get(LIST).json()["items"][0]
    assert masked["contact_phone"] == "138****5678"
    assert shown["contact_phone"] == "13812345678"


def test_detail_hides_internal_events_from_the_enterprise(world, login):
    cast = make_cast(world)
    ticket = make_ticket(world)
    add_event(ticket, "note", "已联系企业", public=True)
    add_event(ticket, "comment", "内部：需要协调", public=False)

    staff = login(cast.dispatcher).get(f"{API}/{ticket.pk}").json()
    enterprise = login(cast.enterprise_user).get(f"{API}/{ticket.pk}").json()

    assert [e["note"] for e in staff["timeline"]] == ["已联系企业", "内部：需要协调"]
    assert [e["visibility"] for e in staff["timeline"]] == ["public", "internal"]
    assert [e["note"] for e in enterprise["timeline"]] == ["已联系企业"]
    assert enterprise["number"] == ticket.number and enterprise["content"] == ticket.content
    events = login(cast.enterprise_user).get(f"{API}/{ticket.pk}/events").json()
    assert [e["kind"] for e in events] == ["note"]
    assert events[0]["label"] == "办理进展"


def test_detail_of_a_case_outside_the_scope_is_not_found(world, login):
    cast = make_cast(world)
    ticket = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov)

    for path in (f"{API}/{ticket.pk}", f"{API}/{ticket.pk}/events", f"{API}/999999"):
        response = login(cast.handler_siyang).get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_the_read_endpoints_are_described_in_openapi(world, login):
    schema = login(world.admin).get("/api/v1/openapi.json").json()
    assert "/api/v1/cases" in schema["paths"]
    assert "/api/v1/cases/{ticket_id}" in schema["paths"]
    assert "/api/v1/cases/{ticket_id}/events" in schema["paths"]
