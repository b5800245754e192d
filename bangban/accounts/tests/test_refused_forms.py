"""The account pages' forms answer a refusal with the error page and its status — 404 for someone
who may not manage accounts or an account that does not exist, 403 when the action on a visible
account is not allowed — never with the form again (200) or a redirect with a flash message. A
mistake in what the administrator typed still shows the form with the field's message."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bangban.accounts import actions
from bangban.accounts.models import ApiToken
from bangban.core.errors import NotFound, PermissionDenied

NOT_FOUND = "未找到该记录，或您无权查看"
REFUSED = "该账号由上级单位管理，您不能修改"
GOOD_PASSWORD = "Shuyang-Handler-88"


def _edit_data(person: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "full_name": person.full_name,
        "roles": sorted(person.role_codes()),
        "unit": str(person.unit_id or ""),
        "rank": "",
        "title": "",
        "phone": "",
        "id_number": "",
        "email": "",
        "enterprise_uscc": "",
        "version": str(person.version),
    }
    data.update(changes)
    return data


def _forms(world: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(action patched, url, post data) for every form of the account pages."""
    person = world.handler_siyang
    token = ApiToken.objects.create(user=person, name="对接", key_prefix="abcd1234", key_hash="0" * 64)
    password = {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    return [
        (
            "do_create_user",
            reverse("accounts:user_create"),
            {"username": "li_si", "full_name": "李四", "roles": [], **password},
        ),
        ("do_update_user", reverse("accounts:user_edit", args=[person.pk]), _edit_data(person)),
        ("do_reset_password", reverse("accounts:user_password", args=[person.pk]), password),
        ("do_unlock_user", reverse("accounts:user_unlock", args=[person.pk]), {}),
        ("do_set_user_active", reverse("accounts:user_active", args=[person.pk]), {"active": "0"}),
        ("do_reset_second_factor", reverse("accounts:user_second_factor_reset", args=[person.pk]), {}),
        ("do_create_token", reverse("accounts:token_create"), {"username": person.username, "name": "对接"}),
        ("do_revoke_token", reverse("accounts:token_revoke", args=[token.pk]), {}),
    ]


def test_someone_who_does_not_manage_accounts_gets_404_from_every_form(world, login):
    handler = login(world.handler_shuyang)
    for _action, url, data in _forms(world):
        response = handler.post(url, data)
        assert response.status_code == 404, url
        assert NOT_FOUND in response.content.decode(), url


@pytest.mark.parametrize(
    ("refusal", "status", "message"), [(PermissionDenied, 403, REFUSED), (NotFound, 404, NOT_FOUND)]
)
def test_an_action_refused_by_the_rules_is_the_error_page(
    world, login, monkeypatch, refusal, status, message
):
    admin = login(world.admin)
    for action, url, data in _forms(world):

        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise refusal(message if refusal is PermissionDenied else None)

        monkeypatch.setattr(actions, action, refuse)
        response = admin.post(url, data)
        assert response.status_code == status, (url, response.status_code)
        page = response.content.decode()
        assert message in page and 'data-testid="error-message"' in page, url
        monkeypatch.undo()


def test_enrolling_a_second_factor_refused_is_403(world, login, monkeypatch):
    def refuse(**kwargs: Any) -> Any:
        raise PermissionDenied(REFUSED)

    monkeypatch.setattr(actions, "do_confirm_second_factor", refuse)
    response = login(world.admin).post(reverse("accounts:second_factor_setup"), {"code": "123456"})
    assert response.status_code == 403 and REFUSED in response.content.decode()


def test_a_mistake_in_the_form_still_shows_the_form(world, login):
    admin = login(world.admin)
    person = world.handler_siyang
    response = admin.post(reverse("accounts:user_edit", args=[person.pk]), _edit_data(person, phone="123"))
    assert response.status_code == 200
    assert "手机号应为 11 位中国大陆手机号码" in response.content.decode()
    wrong_code = admin.post(reverse("accounts:second_factor_setup"), {"code": "000000"})
    assert wrong_code.status_code == 400 and 'data-testid="error-message"' not in wrong_code.content.decode()
    unknown = admin.post(reverse("accounts:token_create"), {"username": "nobody", "name": "对接"})
    assert unknown.status_code == 200 and "账号 nobody 不存在" in unknown.content.decode()
