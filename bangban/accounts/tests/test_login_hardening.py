"""The doors of login (R0.4, issue #12): the admin site signs in through the project's login, a
locked account answers exactly like an unknown one, a login flood is bounded, and passwords have a
maximum length."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from bangban.accounts.forms import LOGIN_REFUSED
from bangban.accounts.models import User
from bangban.accounts.passwords import password_problems
from bangban.audit.models import AuditEvent
from bangban.conftest import PASSWORD


def post_login(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def refusal(response) -> str:
    assert response.status_code == 200
    return str(response.context["form"].non_field_errors())


@override_settings(LOGIN_MAX_FAILURES=5, LOGIN_LOCK_SECONDS=600)
def test_admin_login_after_five_failures_is_a_redirect_to_the_project_login_never_a_500(world):
    client = Client(raise_request_exception=False)
    for _ in range(6):
        response = client.post("/django-admin/login/", {"username": "admin", "password": "wrong"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    for password in ("wrong", PASSWORD):
        response = client.post(
            "/django-admin/login/?next=/django-admin/", {"username": "admin", "password": password}
        )
        assert response.status_code == 302
    # The project's login is where the account gets locked, with a form error.
    for _ in range(5):
        post_login(client, "admin", "wrong")
    assert User.objects.get(pk=world.admin.pk).is_locked()
    locked = client.post(
        reverse("accounts:login") + "?next=/django-admin/", {"username": "admin", "password": PASSWORD}
    )
    assert LOGIN_REFUSED in refusal(locked)
    assert "_auth_user_id" not in client.session


def test_admin_login_keeps_only_a_local_next(world):
    response = Client().get("/django-admin/login/", {"next": "https://evil.example/x"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"].endswith("next=%2Fdjango-admin%2F")


def test_signed_in_through_the_project_login_an_administrator_reaches_the_admin_site(world):
    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    response = client.post(
        reverse("accounts:login") + "?next=/django-admin/", {"username": "admin", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/django-admin/"
    assert client.get("/django-admin/").status_code == 200


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCK_SECONDS=600)
def test_unknown_and_locked_accounts_get_the_same_answer(world):
    for _ in range(3):
        post_login(Client(), "handler_sy", "nope")
    assert User.objects.get(username="handler_sy").is_locked()
    locked_right = refusal(post_login(Client(), "handler_sy", PASSWORD))
    locked_wrong = refusal(post_login(Client(), "handler_sy", "nope"))
    unknown = refusal(post_login(Client(), "no_such_user", "nope"))
    wrong = refusal(post_login(Client(), "handler_sq", "nope"))
    assert locked_right == locked_wrong == unknown == wrong
    assert LOGIN_REFUSED in unknown


@pytest.mark.django_db
@override_settings(LOGIN_MAX_FAILURES=5, LOGIN_LOCK_SECONDS=600)
def test_a_login_flood_against_one_account_is_bounded(world):
    client = Client()
    answers = {post_login(client, "handler_sy", f"guess-{n}").status_code for n in range(40)}
    assert answers == {200}
    # 40 guesses: the account locked after 5, and while locked no guess is counted or tried.
    assert (
        AuditEvent.objects.filter(action="account.locked", object_id=str(world.handler_shuyang.pk)).count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(
            action="account.login_failed", object_id=str(world.handler_shuyang.pk)
        ).count()
        == 4
    )
    refused = post_login(client, "handler_sy", PASSWORD)
    assert LOGIN_REFUSED in refusal(refused)
    assert "_auth_user_id" not in client.session


def test_passwords_have_a_maximum_length_and_django_common_and_similarity_checks(world):
    assert "密码不能超过 128 个字符" in password_problems("Aa1!" * 40)
    assert password_problems("Aa1!" * 32) == []
    assert "这个密码太常见，容易被猜到" in password_problems("Password123")
    similar = password_problems("Handler_sy1", world.handler_shuyang)
    assert any("太相似" in problem for problem in similar)


def test_a_user_page_refuses_a_one_megabyte_password(world, login):
    client = login(world.handler_shuyang)
    response = client.post(
        reverse("accounts:password"),
        {"old_password": PASSWORD, "new_password": "Aa1!" * 262144, "new_password2": "Aa1!" * 262144},
    )
    assert response.status_code in (200, 400)
    assert "密码不能超过 128 个字符" in response.content.decode()
    user = User.objects.get(pk=world.handler_shuyang.pk)
    assert user.check_password(PASSWORD)
