"""The site address every SMS / e-mail link is built on (BANGBAN_SITE_URL): absolute links, and
production refusing to start without an https address."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from bangban.core.urls_abs import absolute_url
from bangban.notifications.actions import notify, notify_users
from bangban.notifications.models import OutboxMessage


def test_absolute_url_is_built_on_the_configured_address(settings: Any) -> None:
    settings.BANGBAN_SITE_URL = "https://bangban.suqian.gov.cn/"
    assert absolute_url("/ratings/m/abc/") == "https://bangban.suqian.gov.cn/ratings/m/abc/"
    assert absolute_url("network/v/x/") == "https://bangban.suqian.gov.cn/network/v/x/"
    assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"
    assert absolute_url("") == ""


def test_without_a_setting_links_use_the_development_address(settings: Any) -> None:
    del settings.BANGBAN_SITE_URL
    assert absolute_url("/x/") == "http://127.0.0.1:8000/x/"


@pytest.mark.django_db
def test_sms_and_email_links_are_stored_absolute_in_app_links_stay_relative(
    settings: Any, world: Any
) -> None:
    settings.BANGBAN_SITE_URL = "https://bangban.suqian.gov.cn"
    sms = notify(channel="sms", address="13800000000", subject="s", body="b", link="/ratings/m/t/")
    mail = notify(channel="email", address="a@example.gov.cn", subject="s", body="b", link="/cases/1/")
    inapp = notify(channel="inapp", recipient=world.biz_office, subject="s", body="b", link="/cases/1/")
    stored = {m.pk: m.link for m in OutboxMessage.objects.all()}
    assert stored[sms.pk] == "https://bangban.suqian.gov.cn/ratings/m/t/"
    assert stored[mail.pk] == "https://bangban.suqian.gov.cn/cases/1/"
    assert stored[inapp.pk] == "/cases/1/"
    # The bulk path (policy pushes, reminders) too.
    world.enterprise_user.phone = "13800000001"
    world.enterprise_user.save(update_fields=["phone"])
    queued = notify_users(
        [world.enterprise_user], "政策", "b", link="/outreach/policies/", channels=("inapp", "sms")
    )
    assert {m.channel: m.link for m in queued} == {
        "inapp": "/outreach/policies/",
        "sms": "https://bangban.suqian.gov.cn/outreach/policies/",
    }


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "BANGBAN_SITE_URL 未设置"),
        ("http://bangban.suqian.gov.cn", "必须使用 https"),
        ("bangban.suqian.gov.cn", "不是有效的网址"),
        ("https://bangban.suqian.gov.cn/app", "只能是网站根地址"),
    ],
)
def test_production_refuses_a_missing_or_plain_http_address(settings: Any, value: str, words: str) -> None:
    settings.BANGBAN_SITE_URL = value
    settings.BANGBAN_SITE_URL_HTTPS_REQUIRED = True
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", "--deploy", "--fail-level", "ERROR")
    assert "core.E001" in str(failed.value) and words in str(failed.value)
    # gunicorn does not run the checks: the WSGI module does, and refuses to serve.
    sys.modules.pop("config.wsgi", None)
    with pytest.raises(SystemExit) as stopped:
        importlib.import_module("config.wsgi")
    assert "core.E001" in str(stopped.value)
    sys.modules.pop("config.wsgi", None)


def test_production_accepts_an_https_address(settings: Any) -> None:
    settings.BANGBAN_SITE_URL = "https://bangban.suqian.gov.cn"
    settings.BANGBAN_SITE_URL_HTTPS_REQUIRED = True
    call_command("check", "--fail-level", "ERROR")
    sys.modules.pop("config.wsgi", None)
    assert importlib.import_module("config.wsgi").application is not None
    sys.modules.pop("config.wsgi", None)


def test_development_accepts_plain_http(settings: Any) -> None:
    settings.BANGBAN_SITE_URL = "http://127.0.0.1:8000"
    settings.BANGBAN_SITE_URL_HTTPS_REQUIRED = False
    call_command("check", "--fail-level", "ERROR")
