"""Login, lock-out, idle timeout and password rules (R0.4), seen through the pages."""

from __future__ import annotations

import time

import argon2
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from bangban.accounts.middleware import SESSION_KEY
from bangban.audit.models import AuditEvent
from bangban.conftest import PASSWORD


def post_login(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_with_right_password_reaches_home_and_is_audited(world, client):
    response = post_login(client, "handler_sy", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home"))
    assert "沭阳承办人" in home.content.decode()
    assert AuditEvent.objects.filter(action="account.login", actor_id=world.handler_shuyang.pk).exists()


def test_wrong_password_shows_chinese_error(world, client):
    response = post_login(client, "handler_sy", "wrong")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCK_SECONDS=600)
def test_repeated_failures_lock_the_account_even_for_the_right_password(world, client):
    for _ in range(2):
        assert "用户名或密码错误" in post_login(client, "handler_sy", "nope").content.decode()
    third = post_login(client, "handler_sy", "nope").content.decode()
    assert "连续输错多次的账号会被暂时锁定" in third
    blocked = post_login(client, "handler_sy", PASSWORD)
    assert blocked.status_code == 200 and "连续输错多次的账号会被暂时锁定" in blocked.content.decode()
    world.handler_shuyang.refresh_from_db()
    assert world.handler_shuyang.locked_until is not None
    assert (
        AuditEvent.objects.filter(action="account.locked", object_id=str(world.handler_shuyang.pk)).count()
        == 1
    )


@override_settings(LOGIN_MAX_FAILURES=2, LOGIN_LOCK_SECONDS=600)
def test_lock_expires(world, client, time_machine):
    time_machine.move_to("2026-11-27 09:00:00+08:00", tick=False)
    post_login(client, "handler_sy", "x")
    post_login(client, "handler_sy", "x")
    assert "连续输错多次的账号会被暂时锁定" in post_login(client, "handler_sy", PASSWORD).content.decode()
    time_machine.move_to("2026-11-27 09:11:00+08:00", tick=False)
    assert post_login(client, "handler_sy", PASSWORD).status_code == 302


def test_logout_requires_post_and_ends_session(world, client):
    post_login(client, "handler_sy", PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


@override_settings(SESSION_IDLE_SECONDS=60)
def test_idle_session_is_ended(world, client):
    post_login(client, "handler_sy", PASSWORD)
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    session[SESSION_KEY] = int(time.time()) - 120
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_passwords_are_hashed_with_argon2_in_production_settings(world):
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        world.admin.set_password("Another-pass-99")
        assert world.admin.password.startswith("argon2$argon2id$v=19$m=47104,t=2,p=1$")


def test_a_hash_with_other_argon2_parameters_is_rewritten_at_the_next_sign_in(world, client):
    from config.settings import base

    stock = argon2.PasswordHasher(time_cost=2, memory_cost=102_400, parallelism=8)
    world.handler_shuyang.password = "argon2" + stock.hash(PASSWORD)
    world.handler_shuyang.save(update_fields=["password"])
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert post_login(client, "handler_sy", PASSWORD).status_code == 302
    world.handler_shuyang.refresh_from_db()
    assert world.handler_shuyang.password.startswith("argon2$argon2id$v=19$m=47104,t=2,p=1$")


@pytest.mark.parametrize(
    ("password", "expected"),
    [("short1A!", "too short"), ("alllowercaseletters", "classes"), ("12345678901234", "numeric")],
)
def test_password_rules_reject_weak_passwords(db, password, expected):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_password_rules_accept_a_strong_password(db):
    validate_password("Suqian-Bangban-2024")
