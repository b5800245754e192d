"""The Django admin is a read-only window: changes go through the audited pages and API."""

from __future__ import annotations

import pytest

from bangban.accounts.models import User


@pytest.mark.parametrize(
    "model",
    [
        "org/region",
        "org/unit",
        "accounts/user",
        "accounts/apitoken",
        "accounts/rolerecord",
        "core/scheduledrun",
    ],
)
def test_operators_can_read_but_not_change_through_the_django_admin(world, client, model):
    operator = User.objects.create_superuser("operator", password="Operator-pass-2024", is_staff=True)
    client.force_login(operator)
    assert client.get(f"/django-admin/{model}/").status_code == 200
    assert client.get(f"/django-admin/{model}/add/").status_code == 403


def test_the_user_page_of_the_django_admin_shows_no_password_or_id_number(world, client):
    operator = User.objects.create_superuser("operator", password="Operator-pass-2024", is_staff=True)
    User.objects.filter(pk=world.handler_shuyang.pk).update(id_number="11010519491231002X")
    client.force_login(operator)
    body = client.get(f"/django-admin/accounts/user/{world.handler_shuyang.pk}/change/").content.decode()
    assert "沭阳承办人" in body
    assert "11010519491231002X" not in body and "md5$" not in body
