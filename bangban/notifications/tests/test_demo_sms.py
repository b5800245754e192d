"""「演示短信」: in the demo city a newcomer reads the text messages the outbox would send (codes and
links included) on a page, newest first, with the number masked but for its last four digits; the
pages that send an SMS code link to it. Outside the demo (production settings) the page is not
found and no page links to it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from bangban.notifications.actions import notify
from bangban.notifications.delivery import deliver
from bangban.notifications.models import OutboxMessage, OutboxStatus
from bangban.tickets.privacy import NOTICE_VERSION

PHONE = "13851234567"
OTHER = "13900001111"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def demo(settings):
    settings.BANGBAN_DEMO = True
    return settings


def _send_code(client: Client, phone: str) -> None:
    answer = client.post(
        "/cases/intake/mayor/", {"step": "send_code", "privacy_consent": NOTICE_VERSION, "phone": phone}
    )
    assert answer.status_code == 200
    assert "验证码已发送" in answer.content.decode()


def _rows(html: str) -> list[str]:
    return re.findall(r'data-testid="demo-sms-message".*?</tr>', html, flags=re.S)


def test_the_demo_phone_shows_the_code_masked_number_and_newest_first(world, demo, memory_outbox):
    visitor = Client()
    _send_code(visitor, OTHER)
    _send_code(visitor, PHONE)
    page = visitor.get("/notifications/demo-sms/")
    assert page.status_code == 200
    html = page.content.decode()
    rows = _rows(html)
    assert len(rows) == 2
    # Newest first: the second number asked for its code last.
    assert "*******4567" in rows[0] and "*******1111" in rows[1]
    assert PHONE not in html and OTHER not in html
    code = re.search(r"验证码为 (\d{6})", rows[0])
    assert code is not None
    # The code on the page is the one that confirms the number.
    answer = visitor.post("/cases/intake/mayor/", {"step": "verify", "phone": PHONE, "code": code.group(1)})
    assert answer.status_code == 302
    assert "mayor-form" in visitor.get("/cases/intake/mayor/").content.decode()


def test_a_sent_code_stays_on_the_demo_phone_and_links_are_shown(world, demo, memory_outbox):
    _send_code(Client(), PHONE)
    message = OutboxMessage.objects.get(channel="sms", address=PHONE)
    assert deliver(message.pk, message.next_attempt_at) == "sent"
    sent_code = re.search(r"验证码为 (\d{6})", memory_outbox[0].body)
    assert sent_code is not None
    notify(channel="sms", address=PHONE, subject="诉求评价", body="请点击链接评价", link="/ratings/m/abc/")
    html = Client().get("/notifications/demo-sms/").content.decode()
    rows = _rows(html)
    assert len(rows) == 2
    assert "请点击链接评价" in rows[0] and "/ratings/m/abc/" in rows[0] and "<a " in rows[0]
    assert sent_code.group(1) in rows[1] and "已发送" in rows[1]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_the_code_pages_link_to_the_demo_phone(world, demo):
    for url in ("/cases/intake/mayor/", "/cases/intake/mayor/track/"):
        html = Client().get(url).content.decode()
        assert 'data-testid="demo-sms-link"' in html, url
        assert 'href="/notifications/demo-sms/"' in html, url


def test_outside_the_demo_there_is_no_page_and_no_link(world, settings, memory_outbox):
    settings.BANGBAN_DEMO = False
    visitor = Client()
    _send_code(visitor, PHONE)
    assert visitor.get("/notifications/demo-sms/").status_code == 404
    for url in ("/cases/intake/mayor/", "/cases/intake/mayor/track/"):
        html = visitor.get(url).content.decode()
        assert "demo-sms" not in html and "演示短信" not in html, url
    # … and a sent code is forgotten, as always.
    message = OutboxMessage.objects.get(channel="sms", address=PHONE)
    deliver(message.pk, message.next_attempt_at)
    message.refresh_from_db()
    assert message.sealed_body == ""


def _setting_under(module: str, **env: str) -> str:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": module,
        "BANGBAN_SECRET_KEY": "s" * 60,
        "BANGBAN_AUDIT_KEY": "a" * 40,
        "DATABASE_URL": "postgres://bangban@127.0.0.1:5432/bangban",
        **env,
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.BANGBAN_DEMO)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_demo_is_on_in_the_dev_settings_and_never_in_production():
    assert _setting_under("config.settings.dev") == "True"
    assert _setting_under("config.settings.prod", BANGBAN_DEMO="1") == "False"
