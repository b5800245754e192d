"""R0.4: a conduct complaint (作风直通车) never reveals the complainant to the unit complained about —
not on the case page, in the lists, the API, the export, the search or through a repeat link —
while the 作风办 handling it and the complainant's own side still see who it is."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bangban.accounts.roles import Role
from bangban.conftest import make_user
from bangban.tickets.actions import do_accept, do_dispatch
from bangban.tickets.models import Channel, Ticket, TicketEvent

from .test_intake_api import token_client

COMPLAINT = "沭阳县某部门办理厂房验收时推诿扯皮，要求企业反复补交同一份材料。"


@pytest.fixture
def conduct(cases):
    """A conduct complaint by 沭阳示例纺织, filed through the API by the 作风办 and dispatched to
    沭阳县政府 (the unit complained about), which has accepted it."""
    office = make_user("zuofeng", Role.CONDUCT_OFFICE, unit=cases.biz_office_unit, full_name="作风办专人")
    response = token_client(cases.admin, office).post(
        "/api/v1/cases",
        {
            "title": "验收推诿扯皮",
            "content": COMPLAINT,
            "channel": "conduct",
            "enterprise_id": cases.ent_shuyang.pk,
            "contact_name": "张厂长",
            "contact_phone": "13812345678",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    do_dispatch(acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk)
    do_accept(acting_user=cases.handler_shuyang, ticket_id=ticket.pk)
    cases.office = office
    cases.complaint = ticket
    return cases


def page_text(client, ticket):
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_unit_complained_about_sees_the_complaint_but_not_who_made_it(conduct, login):
    client = login(conduct.handler_shuyang)
    html = page_text(client, conduct.complaint)
    assert COMPLAINT in html and "验收推诿扯皮" in html
    assert 'data-testid="complainant-protected"' in html and "（投诉人信息已保护）" in html
    for secret in ("沭阳示例纺织", "张厂长", "13812345678", "138****5678"):
        assert secret not in html

    queue = client.get(reverse("tickets:unit_queue")).content.decode()
    assert "验收推诿扯皮" in queue and "沭阳示例纺织" not in queue and "（投诉人信息已保护）" in queue

    api = client.get(f"/api/v1/cases/{conduct.complaint.pk}").json()
    assert api["enterprise"] is None and api["contact_name"] == "" and api["contact_phone"] == ""
    assert api["complainant_protected"] is True
    listed = client.get("/api/v1/cases").json()["items"]
    assert [c["enterprise"] for c in listed if c["id"] == conduct.complaint.pk] == [None]

    export = client.get(reverse("tickets:export"), {"view": "unit"})
    rows = list(
        load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True)
    )
    row = next(r for r in rows if r[0] == conduct.complaint.number)
    assert "（投诉人信息已保护）" in row and "张厂长" not in row and "沭阳示例纺织有限公司" not in row


def test_the_complaint_is_not_found_by_the_complainants_name(conduct, login):
    client = login(conduct.handler_shuyang)
    by_name = client.get("/api/v1/cases", {"q": "沭阳示例纺织"}).json()["items"]
    assert conduct.complaint.pk not in [c["id"] for c in by_name]
    by_title = client.get("/api/v1/cases", {"q": "推诿扯皮"}).json()["items"]
    assert conduct.complaint.pk in [c["id"] for c in by_title]
    office = login(conduct.office).get("/api/v1/cases", {"q": "沭阳示例纺织"}).json()["items"]
    assert conduct.complaint.pk in [c["id"] for c in office]


def test_the_conduct_office_and_the_complainants_side_see_who_it_is(conduct, login):
    office_html = page_text(login(conduct.office), conduct.complaint)
    assert "沭阳示例纺织有限公司" in office_html and "张厂长" in office_html
    assert 'data-testid="complainant-protected"' not in office_html
    api = login(conduct.office).get(f"/api/v1/cases/{conduct.complaint.pk}").json()
    assert api["enterprise"]["name"] == "沭阳示例纺织有限公司" and api["complainant_protected"] is False
    own = login(conduct.enterprise_user).get(f"/api/v1/cases/{conduct.complaint.pk}").json()
    assert own["enterprise"]["name"] == "沭阳示例纺织有限公司" and own["contact_name"] == "张厂长"


def test_an_enterprise_actor_on_the_timeline_is_shown_as_the_complainant(conduct, login):
    TicketEvent.objects.create(
        ticket=conduct.complaint,
        at=conduct.complaint.received_at,
        actor=conduct.enterprise_user,
        actor_name=conduct.enterprise_user.display_name,
        kind="note",
        note="补充：第三次被要求补交材料。",
        visibility="public",
    )
    html = page_text(login(conduct.handler_shuyang), conduct.complaint)
    assert "第三次被要求补交材料" in html and "沭阳企业用户" not in html and "投诉人" in html
    events = login(conduct.handler_shuyang).get(f"/api/v1/cases/{conduct.complaint.pk}/events").json()
    assert "投诉人" in [e["actor"] for e in events]
    assert "沭阳企业用户" in page_text(login(conduct.office), conduct.complaint)


def test_other_cases_still_show_their_enterprise(conduct, login):
    client = token_client(conduct.admin, conduct.biz_office)
    response = client.post(
        "/api/v1/cases",
        {"title": "道路破损", "content": "厂区门口道路破损。", "enterprise_id": conduct.ent_shuyang.pk},
        content_type="application/json",
    )
    ordinary = Ticket.objects.get(pk=response.json()["id"])
    do_dispatch(acting_user=conduct.dispatcher, ticket_id=ordinary.pk, lead_unit_id=conduct.shuyang_gov.pk)
    html = page_text(login(conduct.handler_shuyang), ordinary)
    assert "沭阳示例纺织有限公司" in html and 'data-testid="complainant-protected"' not in html


def test_a_conduct_complaint_is_never_linked_to_the_enterprises_other_cases(conduct):
    client = token_client(conduct.admin, conduct.biz_office)
    ordinary = client.post(
        "/api/v1/cases",
        {"title": "验收推诿扯皮", "content": COMPLAINT, "enterprise_id": conduct.ent_shuyang.pk},
        content_type="application/json",
    ).json()
    assert ordinary["is_repeat"] is False and ordinary["duplicate_of"] is None
    again = (
        token_client(conduct.admin, conduct.office)
        .post(
            "/api/v1/cases/batch",
            {
                "channel": Channel.CONDUCT,
                "cases": [
                    {
                        "title": "再次投诉",
                        "content": "再次反映：" + COMPLAINT,
                        "enterprise_id": conduct.ent_shuyang.pk,
                    }
                ],
            },
            content_type="application/json",
        )
        .json()["results"][0]
    )
    # Among conduct complaints a repeat is still recognised.
    assert again["is_repeat"] is True and again["duplicate_of"] == conduct.complaint.number


def test_the_complainants_region_is_hidden_too(conduct, login):
    Ticket.objects.filter(pk=conduct.complaint.pk).update(region=conduct.shucheng)
    handler = login(conduct.handler_shuyang)
    html = page_text(handler, conduct.complaint)
    assert "沭城街道" not in html
    api = handler.get(f"/api/v1/cases/{conduct.complaint.pk}").json()
    assert api["complainant_protected"] is True and api["region_code"] is None
    listed = handler.get("/api/v1/cases", {"q": "验收推诿扯皮"}).json()
    assert [row["region_code"] for row in listed["items"]] == [None]
    # The 作风办 handling it still sees where the complainant is.
    office = login(conduct.office)
    assert "沭城街道" in page_text(office, conduct.complaint)
    assert office.get(f"/api/v1/cases/{conduct.complaint.pk}").json()["region_code"] == "321322001"
