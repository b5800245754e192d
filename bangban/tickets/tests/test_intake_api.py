"""`POST /api/v1/cases`: every role files in its own channel; with an idempotency key the same
submission twice makes one case, and the same key with different content is refused."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from bangban.accounts.actions import do_create_token
from bangban.audit.models import AuditEvent
from bangban.notifications.models import OutboxMessage
from bangban.tickets.models import Ticket

from .intake_helpers import category

URL = "/api/v1/cases"


def _post(client, headers=None, **fields):
    body = {
        "title": "厂区周边道路破损",
        "content": "厂区门口道路破损严重，货车进出困难。",
        "category": "1201",
    }
    body.update(fields)
    return client.post(URL, body, content_type="application/json", headers=headers or {})


def token_client(admin, user) -> Client:
    _token, raw = do_create_token(acting_user=admin, user_id=user.pk, name="对接系统")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_an_integration_files_in_the_api_channel_with_routing_audit_and_notification(cases):
    client = token_client(cases.admin, cases.biz_office)
    response = _post(client, enterprise_id=cases.ent_shuyang.pk, contact_phone="13800138000")
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert body["number"] == ticket.number and ticket.number.startswith("JK-")
    assert body["channel"] == "api" and body["status"] == "pending_dispatch"
    assert body["category_path"] == category("基础设施/道路交通").path
    assert response["Location"] == f"/api/v1/cases/{ticket.pk}"
    assert ticket.intake_mode == "system" and ticket.created_by == cases.biz_office
    assert AuditEvent.objects.filter(action="ticket.intake", object_id=str(ticket.pk)).count() == 1
    assert OutboxMessage.objects.filter(recipient=cases.dispatcher, subject__contains=ticket.number).exists()


def test_an_enterprise_user_files_on_the_portal_for_its_own_enterprise_only(cases, login):
    client = login(cases.enterprise_user)
    response = _post(client)
    assert response.status_code == 201
    assert response.json()["channel"] == "portal"
    assert response.json()["enterprise"] == {"id": cases.ent_shuyang.pk, "name": cases.ent_shuyang.name}
    other = _post(client, enterprise_id=cases.ent_siyang.pk)
    assert other.status_code == 400 and other.json()["code"] == "enterprise_out_of_scope"
    api = _post(client, channel="api")
    assert api.status_code == 403 and api.json()["code"] == "channel_not_allowed"


def test_same_key_same_content_replays_the_case(cases, login):
    client = login(cases.hotline_agent)
    first = _post(client, headers={"Idempotency-Key": "crm-20261127-001"})
    again = _post(client, headers={"Idempotency-Key": "crm-20261127-001"})
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replay"] == "true" and "Idempotent-Replay" not in first
    assert again.json()["id"] == first.json()["id"]
    assert Ticket.objects.count() == 1
    body_key = _post(client, idempotency_key="crm-20261127-001")
    assert body_key.status_code == 200 and body_key.json()["id"] == first.json()["id"]


def test_same_key_different_content_is_a_conflict(cases, login):
    client = login(cases.hotline_agent)
    _post(client, headers={"Idempotency-Key": "k-1"})
    conflict = _post(client, headers={"Idempotency-Key": "k-1"}, content="另一件事")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_conflict"
    assert Ticket.objects.count() == 1


def test_keys_are_private_to_each_caller(cases, login):
    _post(login(cases.hotline_agent), headers={"Idempotency-Key": "shared"})
    other = _post(login(cases.biz_office), headers={"Idempotency-Key": "shared"})
    assert other.status_code == 201
    assert Ticket.objects.count() == 2


def test_validation_errors_name_every_field(cases, login):
    response = _post(
        login(cases.biz_office), title="", content="x" * 5001, category="0000", contact_phone="abc"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "title_required"
    assert body["details"]["codes"] == {
        "title": "title_required",
        "content": "content_too_long",
        "category": "unknown_category",
        "contact_phone": "invalid_phone",
    }
    assert body["details"]["fields"]["contact_phone"].startswith("联系电话格式不正确")
    assert Ticket.objects.count() == 0


def test_roles_file_only_in_their_channels(cases, login):
    agent = login(cases.hotline_agent)
    assert _post(agent, channel="hotline").json()["channel"] == "hotline"
    denied = _post(agent, channel="mayor")
    assert denied.status_code == 403 and denied.json()["code"] == "channel_not_allowed"
    assert _post(login(cases.admin), channel="mayor", enterprise_name="某公司").status_code == 201
    unknown = _post(agent, channel="fax")
    assert unknown.status_code == 400 and unknown.json()["code"] == "invalid_channel"


def test_anonymous_callers_are_refused(cases):
    response = _post(Client())
    assert response.status_code == 401
    assert Ticket.objects.count() == 0


def test_openapi_describes_case_intake(cases, login):
    schema = login(cases.admin).get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/cases"]["post"]
    assert operation["summary"] == "登记诉求" and "409" in operation["responses"]
    assert "post" in schema["paths"]["/api/v1/cases/{ticket_id}/attachments"]


def test_a_key_committed_between_the_check_and_the_insert_is_answered_as_a_replay(cases, monkeypatch):
    from bangban.tickets import intake
    from bangban.tickets.intake import service

    first = intake.do_intake_api(
        acting_user=cases.biz_office, data=intake.IntakeInput(title="t", content="c"), idempotency_key="race"
    )
    real_replay = service.replay
    calls = []

    def missed_once(key, content_hash):
        calls.append(key)
        return None if len(calls) == 1 else real_replay(key, content_hash)

    monkeypatch.setattr(service, "replay", missed_once)
    again = intake.do_intake_api(
        acting_user=cases.biz_office, data=intake.IntakeInput(title="t", content="c"), idempotency_key="race"
    )
    assert again.replayed and again.ticket.pk == first.ticket.pk
    assert len(calls) == 2 and Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_one_key_make_one_case(django_db_setup):
    if connection.vendor != "postgresql":
        pytest.skip("several connections writing at once need PostgreSQL")
    from bangban.accounts.roles import Role
    from bangban.conftest import make_user
    from bangban.org.models import Region, RegionLevel, Unit, UnitType
    from bangban.tickets import intake

    city = Region.objects.create(code="321300", name="宿迁市", level=RegionLevel.CITY, path="/321300/")
    unit = Unit.objects.create(code="bo", name="营商办", type=UnitType.CITY_DEPARTMENT, region=city)
    user = make_user("integration", Role.BIZ_OFFICE, unit=unit)
    results: list = []
    errors: list = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        try:
            barrier.wait()
            results.append(
                intake.do_intake_api(
                    acting_user=user,
                    data=intake.IntakeInput(title="同一提交", content="内容"),
                    idempotency_key="same",
                )
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({r.ticket.pk for r in results}) == 1
    assert sum(1 for r in results if not r.replayed) == 1
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(("field", "limit"), [("contact_name", 50), ("enterprise_name", 120)])
def test_an_over_long_contact_or_enterprise_name_is_refused_not_cut(cases, login, field, limit):
    client = login(cases.enterprise_user)
    before = Ticket.objects.count()
    response = _post(client, **{field: "长" * (limit + 1)})
    assert response.status_code == 400
    assert response.json()["code"] == f"{field}_too_long"
    assert Ticket.objects.count() == before
    assert _post(client, **{field: "长" * limit}).status_code == 201
