"""Open311 GeoReport v2: services from the category catalogue, requests filed through the case
system's intake (numbering, routing, audit, idempotency), public reads without personal data and
never a 作风 complaint, GeoReport errors in Chinese, and the key command."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from bangban.audit.models import AuditEvent
from bangban.conftest import reply_fields
from bangban.notifications.models import OutboxMessage
from bangban.open311.actions import do_create_client, do_revoke_client
from bangban.open311.models import ServiceRequest
from bangban.tickets.actions import do_accept, do_approve_reply, do_dispatch, do_submit_reply
from bangban.tickets.models import Category, Channel, Ticket
from bangban.tickets.tests.conftest import Cases, make_ticket

SERVICES = "/open311/v2/services.json"
REQUESTS = "/open311/v2/requests.json"
PERSONAL = ("13800138000", "王", "小明", "citizen@example.com")


@pytest.fixture
def key(cases: Cases) -> str:
    _client, raw = do_create_client(acting_user=cases.admin, name="市民随手拍App", now=timezone.now())
    return raw


def post(client: Client, **fields: str) -> Any:
    return client.post(REQUESTS, fields)  # form-encoded, as GeoReport v2 posts


def good(key: str, **extra: str) -> dict[str, str]:
    return {
        "api_key": key,
        "service_code": "1201",
        "lat": "33.9630",
        "long": "118.2750",
        "address_string": "宿迁市沭阳县人民路1号",
        "description": "厂区门口道路破损严重，货车进出困难。\n请尽快修复。",
        "email": "citizen@example.com",
        "first_name": "小明",
        "last_name": "王",
        "phone": "13800138000",
        **extra,
    }


def errors_of(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body, list) and body[0]["code"] == status and body[0]["description"]
    return body[0]["description"]


def test_services_are_the_active_categories(cases: Cases, client: Client) -> None:
    response = client.get(SERVICES)
    assert response.status_code == 200
    services = {s["service_code"]: s for s in response.json()}
    road = Category.objects.get(code="1201")
    assert services["1201"] == {
        "service_code": "1201",
        "service_name": road.name,
        "description": road.path,
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(road.path.split("/")),
        "group": road.parent.name if road.parent else "",
    }
    Category.objects.filter(code="1201").update(is_active=False)
    assert "1201" not in {s["service_code"] for s in client.get(SERVICES).json()}


def test_service_definition_and_unknown_codes(cases: Cases, client: Client) -> None:
    assert client.get("/open311/v2/services/1201.json").json() == {"service_code": "1201", "attributes": []}
    errors_of(client.get("/open311/v2/services/NOPE.json"), 404)


def test_json_only(cases: Cases, client: Client) -> None:
    assert "JSON" in errors_of(client.get("/open311/v2/services.xml"), 406)
    errors_of(client.get("/open311/v2/requests.xml"), 406)
    errors_of(client.get("/open311/v2/services.yaml"), 404)


def test_filing_needs_an_active_key(cases: Cases, client: Client, key: str) -> None:
    assert "api_key" in errors_of(post(client, **good("")), 403)
    errors_of(post(client, **good("o311_unknown")), 403)
    do_revoke_client(acting_user=cases.admin, name="市民随手拍App", now=timezone.now())
    errors_of(post(client, **good(key)), 403)
    assert not Ticket.objects.exists()


def test_a_request_becomes_a_case_through_the_intake(cases: Cases, client: Client, key: str) -> None:
    response = post(client, **good(key))
    assert response.status_code == 201, response.content
    [answer] = response.json()
    ticket = Ticket.objects.get(number=answer["service_request_id"])
    assert ticket.number.startswith("JK-") and answer["service_notice"]
    assert ticket.channel == Channel.API and ticket.intake_mode == "system"
    assert (
        ticket.category is not None and ticket.category.code == "1201" and ticket.status == "pending_dispatch"
    )
    assert ticket.title == "厂区门口道路破损严重，货车进出困难。"
    assert ticket.contact_phone == "13800138000" and ticket.contact_name == "王小明"
    assert ticket.created_by is None
    assert AuditEvent.objects.filter(action="ticket.intake", object_id=str(ticket.pk)).count() == 1
    assert OutboxMessage.objects.filter(subject__contains=ticket.number).exists()  # dispatchers told
    row = ServiceRequest.objects.get(ticket=ticket)
    assert row.email == "citizen@example.com" and str(row.lat) == "33.963000"
    assert ticket.events.filter(data__open311_client="市民随手拍App").exists()


def test_an_idempotency_key_makes_one_case(cases: Cases, client: Client, key: str) -> None:
    first = client.post(REQUESTS, good(key), headers={"Idempotency-Key": "k-1"})
    again = client.post(REQUESTS, good(key), headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Ticket.objects.count() == 1 and ServiceRequest.objects.count() == 1
    other = client.post(REQUESTS, good(key, description="另一件事"), headers={"Idempotency-Key": "k-1"})
    errors_of(other, 409)


@pytest.mark.parametrize(
    ("fields", "status", "word"),
    [
        ({"service_code": "NOPE"}, 404, "NOPE"),
        ({"description": ""}, 400, "description"),
        ({"description": "   "}, 400, "description"),
        ({"lat": "39.9042", "long": "116.4074"}, 400, "范围"),  # Beijing
        ({"lat": "33.9", "long": ""}, 400, "long"),
        ({"lat": "abc"}, 400, "纬度"),
        ({"lat": "NaN"}, 400, "纬度"),
        ({"lat": "", "long": "", "address_string": ""}, 400, "位置"),
        ({"email": "not-an-email"}, 400, "email"),
        ({"phone": "call me"}, 400, "phone"),
        ({"description": "长" * 5001}, 400, "5000"),
    ],
)
def test_bad_requests_are_refused_in_the_georeport_format(
    cases: Cases,
    client: Client,
    key: str,
    fields: dict[str, str],
    status: int,
    word: str,
) -> None:
    assert word in errors_of(post(client, **good(key, **fields)), status)
    assert not Ticket.objects.exists()


def test_an_address_alone_is_enough(cases: Cases, client: Client, key: str) -> None:
    response = post(client, **good(key, lat="", long=""))
    assert response.status_code == 201, response.content


def test_public_reads_show_no_personal_data_and_follow_the_case(
    cases: Cases, client: Client, key: str
) -> None:
    number = post(client, **good(key)).json()[0]["service_request_id"]
    detail = client.get(f"/open311/v2/requests/{number}.json")
    assert detail.status_code == 200
    [item] = detail.json()
    text = json.dumps(detail.json(), ensure_ascii=False)
    assert not any(p in text for p in PERSONAL)
    assert item["status"] == "open" and item["status_notes"] is None
    assert item["requested_datetime"].endswith("+08:00")
    assert item["lat"] == pytest.approx(33.963) and item["address"] == "宿迁市沭阳县人民路1号"

    ticket = Ticket.objects.get(number=number)
    now = timezone.now()
    do_dispatch(acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk, now=now)
    do_accept(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, now=now)
    ticket.refresh_from_db()
    [item] = client.get(f"/open311/v2/requests/{number}.json").json()
    assert item["agency_responsible"] == "沭阳县人民政府"
    assert ticket.due_at is not None
    assert item["expected_datetime"] == ticket.due_at.astimezone().isoformat(timespec="seconds")
    assert item["expected_datetime"].endswith("+08:00")
    do_submit_reply(
        acting_user=cases.handler_shuyang,
        ticket_id=ticket.pk,
        content="道路已修复。",
        now=now,
        **reply_fields(now),
    )
    do_approve_reply(acting_user=cases.head_shuyang, ticket_id=ticket.pk, now=now)
    [item] = client.get(f"/open311/v2/requests/{number}.json").json()
    assert item["status"] == "closed" and item["status_notes"] == "道路已修复。"

    listed = client.get(REQUESTS, {"status": "closed"}).json()
    assert [i["service_request_id"] for i in listed] == [number]
    assert client.get(REQUESTS, {"status": "open"}).json() == []
    assert [i["service_request_id"] for i in client.get(REQUESTS, {"service_request_id": number}).json()] == [
        number
    ]
    assert client.get(REQUESTS, {"service_code": "9999"}).json() == []
    listed_text = json.dumps(client.get(REQUESTS).json(), ensure_ascii=False)
    assert number in listed_text and not any(p in listed_text for p in PERSONAL)


def test_conduct_complaints_and_other_channels_are_never_shown(
    cases: Cases,
    client: Client,
    key: str,
) -> None:
    conduct = make_ticket(number="ZF-20261001-00001", channel=Channel.CONDUCT, content="反映某科室作风问题")
    portal = make_ticket(number="QY-20261001-00001", channel=Channel.PORTAL)
    # Even a 作风 case wrongly linked to an Open311 request stays hidden.
    from bangban.open311.models import Client as Open311Client

    ServiceRequest.objects.create(
        ticket=conduct, client=Open311Client.objects.get(), address_string="x", created_at=timezone.now()
    )
    for number in (conduct.number, portal.number):
        errors_of(client.get(f"/open311/v2/requests/{number}.json"), 404)
    for query in (
        {},
        {"service_request_id": f"{conduct.number},{portal.number}"},
        {"start_date": "2000-01-01"},
    ):
        text = client.get(REQUESTS, query).content.decode()
        assert conduct.number not in text and portal.number not in text and "作风" not in text


def test_bad_list_parameters(cases: Cases, client: Client) -> None:
    errors_of(client.get(REQUESTS, {"status": "pending"}), 400)
    errors_of(client.get(REQUESTS, {"start_date": "yesterday"}), 400)


def test_the_key_command_prints_the_key_once_and_audits(cases: Cases) -> None:
    out = io.StringIO()
    call_command("open311_key", "create", "政务App", "--by", cases.admin.username, stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert key.startswith("o311_") and len(key) > 40
    assert AuditEvent.objects.filter(action="open311.client_create").count() == 1
    listing = io.StringIO()
    call_command("open311_key", "list", stdout=listing)
    assert "政务App" in listing.getvalue() and key not in listing.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("open311_key", "create", "另一个", "--by", cases.handler_shuyang.username)
    call_command("open311_key", "revoke", "政务App", "--by", cases.admin.username, stdout=io.StringIO())
    assert AuditEvent.objects.filter(action="open311.client_revoke").count() == 1
