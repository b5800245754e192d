"""API tokens for integrations: created by an administrator, shown once, revocable (R0.4)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from bangban.accounts.actions import do_create_token
from bangban.accounts.models import ApiToken
from bangban.audit.models import AuditEvent

REGIONS = "/api/v1/org/regions"


def create_via_page(client: Client, username: str, name: str = "12345 热线对接", expires_on: str = "") -> str:
    response = client.post(
        reverse("accounts:token_create"), {"username": username, "name": name, "expires_on": expires_on}
    )
    assert response.status_code == 200, response.content.decode()
    assert "令牌只显示这一次" in response.content.decode()
    assert "no-store" in response.get("Cache-Control", "")
    return response.context["raw"]


def test_a_token_created_in_the_page_works_with_bearer_and_api_key(world, login):
    raw = create_via_page(login(world.admin), "handler_sy")
    token = ApiToken.objects.get()
    assert raw.startswith("bb_") and token.key_prefix == raw[:11] and raw not in token.key_hash
    anonymous = Client()
    bearer = anonymous.get(REGIONS, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert bearer.status_code == 200 and bearer.json()["count"] == 4
    header = anonymous.get("/api/v1/org/me", HTTP_X_API_KEY=raw)
    assert header.status_code == 200 and header.json()["username"] == "handler_sy"
    token.refresh_from_db()
    assert token.last_used_at is not None and token.created_by == world.admin


def test_the_raw_token_is_never_stored_or_audited(world, login):
    raw = create_via_page(login(world.admin), "handler_sy")
    event = AuditEvent.objects.get(action="token.created")
    assert raw not in str(event.after) and (event.after or {})["prefix"] == raw[:11]
    listing = login(world.admin).get(reverse("accounts:tokens")).content.decode()
    assert raw[:11] in listing and raw not in listing


def test_a_revoked_token_is_refused_with_401(world, login):
    admin = login(world.admin)
    raw = create_via_page(admin, "handler_sy")
    token = ApiToken.objects.get()
    assert Client().get(REGIONS, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    response = admin.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    for headers in ({"Authorization": f"Bearer {raw}"}, {"X-API-Key": raw}):
        refused = Client().get(REGIONS, headers=headers)
        assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
    assert AuditEvent.objects.filter(action="token.revoked", object_id=str(token.pk)).count() == 1
    listing = admin.get(reverse("accounts:tokens"), {"status": "revoked"})
    assert [row["token"].pk for row in listing.context["rows"]] == [token.pk]


def test_an_expired_token_is_refused(world, time_machine):
    time_machine.move_to("2026-03-01 09:00:00+08:00", tick=False)
    _, raw = do_create_token(
        acting_user=world.admin,
        user_id=world.handler_shuyang.pk,
        name="短期",
        expires_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
    )
    assert Client().get(REGIONS, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    time_machine.move_to("2026-03-03 09:00:00+08:00", tick=False)
    assert Client().get(REGIONS, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_token_of_a_deactivated_account_stops_working(world, login):
    admin = login(world.admin)
    raw = create_via_page(admin, "handler_sq")
    admin.post(reverse("accounts:user_active", args=[world.handler_siyang.pk]), {"active": "0"})
    assert Client().get(REGIONS, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_token_form_checks_the_account_and_the_expiry(world, login):
    admin = login(world.admin)
    unknown = admin.post(reverse("accounts:token_create"), {"username": "nobody", "name": "x"})
    assert "账号 nobody 不存在" in unknown.content.decode()
    past = admin.post(
        reverse("accounts:token_create"), {"username": "handler_sy", "name": "x", "expires_on": "2000-01-01"}
    )
    assert "有效期须晚于当前时间" in past.content.decode()
    assert ApiToken.objects.count() == 0


def test_a_token_acts_with_its_owner_permissions(world, login):
    raw = create_via_page(login(world.admin), "handler_sy")
    response = Client().post(
        REGIONS,
        data={"code": "321399", "name": "X", "level": "zone", "parent": "321300"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_non_admins_cannot_revoke_tokens(world, login):
    do_create_token(acting_user=world.admin, user_id=world.handler_shuyang.pk, name="对接")
    token = ApiToken.objects.get()
    assert (
        login(world.handler_shuyang).post(reverse("accounts:token_revoke", args=[token.pk])).status_code
        == 404
    )
    token.refresh_from_db()
    assert token.revoked_at is None
