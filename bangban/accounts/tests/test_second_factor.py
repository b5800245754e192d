"""Two-factor login (TOTP) for the roles that change settings, rankings or accounts: enrolment
with a QR code, the step after the password, recovery codes shown once, an administrator's reset;
other roles and API tokens are not affected."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bangban.accounts.actions import do_create_token
from bangban.accounts.models import ApiToken
from bangban.audit.models import AuditEvent
from bangban.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("second_factor_on")]

SETUP = "/accounts/2fa/setup/"
VERIFY = "/accounts/2fa/verify/"


@pytest.fixture
def second_factor_on():
    with override_settings(BANGBAN_REQUIRE_SECOND_FACTOR=True):
        yield


def sign_in(username: str, next_url: str = "") -> tuple[Client, Any]:
    client = Client()
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client, response


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):0{device.digits}d}"


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    page = client.get(SETUP)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(SETUP, {"code": code_for(device)})
    assert done.status_code == 200
    codes = re.findall(r'data-testid="recovery-code">([^<]+)<', done.content.decode())
    return TOTPDevice.objects.get(pk=device.pk), codes


def test_an_administrator_must_enrol_before_any_page_then_passes_with_a_code(world):
    client, _ = sign_in("admin")
    response = client.get("/accounts/users/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    # The session API refuses too, with a code, and the admin site.
    api = client.get("/api/v1/org/regions")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    assert client.get("/django-admin/").status_code == 302
    page = client.get(SETUP)
    secret = page.content.decode()
    assert (
        'data-testid="second-factor-qr"' in secret
        and "<script" not in secret.split("second-factor-qr")[1][:2000]
    )
    device = TOTPDevice.objects.get(user=world.admin, confirmed=False)
    wrong = client.post(SETUP, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    device, codes = enrol(client)
    assert device.confirmed and len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/accounts/users/").status_code == 200
    assert (
        AuditEvent.objects.filter(
            action="account.second_factor_enrolled", object_id=str(world.admin.pk)
        ).count()
        == 1
    )
    # The codes are never shown again: the setup page now leads to verification.
    assert client.get(SETUP)["Location"] == reverse("accounts:second_factor_verify")


def test_the_next_login_asks_for_the_code_after_the_password(world, time_machine):
    time_machine.move_to("2026-11-27 09:00:00+08:00", tick=False)
    client, _ = sign_in("yingshangban")
    device, _codes = enrol(client)
    time_machine.move_to("2026-11-27 09:05:00+08:00", tick=False)
    fresh, response = sign_in("yingshangban", next_url="/accounts/password/")
    follow = fresh.get(response["Location"])
    assert follow.status_code == 302 and follow["Location"].startswith(VERIFY)
    assert "next=%2Faccounts%2Fpassword%2F" in follow["Location"]
    refused = fresh.post(follow["Location"], {"code": "12345678"})
    assert refused.status_code == 400 and "验证码不正确" in refused.content.decode()
    assert fresh.get("/accounts/password/").status_code == 302
    # After a failure, django-otp slows the next try down (1 s, then 2 s, 4 s …): even the right
    # code is refused at once, which bounds guessing.
    assert fresh.post(follow["Location"], {"code": code_for(device)}).status_code == 400
    time_machine.move_to("2026-11-27 09:05:02+08:00", tick=False)
    passed = fresh.post(follow["Location"], {"code": code_for(device)})
    assert passed.status_code == 302 and passed["Location"] == "/accounts/password/"
    assert fresh.get("/accounts/password/").status_code == 200
    # A replayed code is refused in another session.
    replay, _ = sign_in("yingshangban")
    assert replay.post(VERIFY, {"code": code_for(device)}).status_code == 400


def test_a_recovery_code_works_once(world):
    client, _ = sign_in("admin")
    _, codes = enrol(client)
    first, _ = sign_in("admin")
    assert first.post(VERIFY, {"code": codes[0]}).status_code == 302
    assert first.get("/accounts/users/").status_code == 200
    again, _ = sign_in("admin")
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.count() == 9


def test_a_verify_page_never_redirects_off_site(world, time_machine):
    time_machine.move_to("2026-11-27 09:00:00+08:00", tick=False)
    client, _ = sign_in("admin")
    device, _ = enrol(client)
    time_machine.move_to("2026-11-27 09:01:00+08:00", tick=False)
    fresh, _ = sign_in("admin")
    response = fresh.post(VERIFY + "?next=https://evil.example/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")


def test_with_a_device_nobody_can_enrol_another_without_passing_it(world):
    client, _ = sign_in("admin")
    enrol(client)
    thief, _ = sign_in("admin")
    assert thief.get(SETUP)["Location"] == reverse("accounts:second_factor_verify")
    assert thief.post(SETUP, {"code": "123456"})["Location"] == reverse("accounts:second_factor_verify")
    assert TOTPDevice.objects.filter(user=world.admin).count() == 1


def test_an_administrator_resets_a_lost_second_factor_and_it_is_audited(world):
    client, _ = sign_in("yingshangban")
    enrol(client)
    admin, _ = sign_in("admin")
    device, _ = enrol(admin)
    detail = admin.get(reverse("accounts:user_detail", args=[world.biz_office.pk])).content.decode()
    assert 'data-testid="user-second-factor-reset"' in detail
    reset = admin.post(reverse("accounts:user_second_factor_reset", args=[world.biz_office.pk]))
    assert reset.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.biz_office).exists()
    assert (
        AuditEvent.objects.filter(
            action="account.second_factor_reset", object_id=str(world.biz_office.pk)
        ).count()
        == 1
    )
    again, _ = sign_in("yingshangban")
    assert again.get("/").status_code == 302 and again.get("/")["Location"].startswith(SETUP)
    # Only account administrators may reset: another role gets 404 and nothing changes.
    handler = Client()
    handler.force_login(world.handler_shuyang)
    refused = handler.post(reverse("accounts:user_second_factor_reset", args=[world.admin.pk]))
    assert refused.status_code == 404
    assert TOTPDevice.objects.filter(user=world.admin, pk=device.pk).exists()


def test_other_roles_and_api_tokens_are_not_asked(world):
    client, _ = sign_in("handler_sy")
    assert client.get("/").status_code == 200
    _, raw = do_create_token(acting_user=world.admin, user_id=world.admin.pk, name="集成")
    response = Client().get("/api/v1/org/regions", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert ApiToken.objects.get(user=world.admin).last_used_at is not None


@override_settings(BANGBAN_REQUIRE_SECOND_FACTOR=False)
def test_the_setting_off_lets_the_demo_accounts_in_with_the_password(world):
    client, _ = sign_in("admin")
    assert client.get("/accounts/users/").status_code == 200


def test_the_demo_lines_say_when_a_second_factor_is_needed(db):
    from bangban.accounts.demo_accounts import demo_account_lines

    assert demo_account_lines()[-1].startswith("双因素登录已开启")
    with override_settings(BANGBAN_REQUIRE_SECOND_FACTOR=False):
        assert demo_account_lines()[-1].startswith("密码：")
