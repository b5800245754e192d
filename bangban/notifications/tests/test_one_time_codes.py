"""A one-time SMS code is never readable by staff: from the moment it is queued the outbox row,
the Django admin (list and detail), the outbox page, delivery errors and logs show a placeholder;
only the delivery backend gets the real text (R0.6)."""

from __future__ import annotations

import logging
import re

import pytest

from bangban.accounts.models import User
from bangban.conftest import make_user
from bangban.core.errors import InvalidTransition
from bangban.notifications import backends
from bangban.notifications.actions import ONE_TIME_MASK, do_retry_message, notify
from bangban.notifications.backends import Backend, DeliveryError
from bangban.notifications.delivery import deliver
from bangban.notifications.models import OutboxMessage, OutboxStatus
from bangban.tickets.intake import do_send_phone_code
from bangban.tickets.privacy import NOTICE_VERSION

PHONE = "13851234567"


class EchoingGateway(Backend):
    """A gateway that refuses the message and repeats its text in the error, as some do."""

    def send(self, message: OutboxMessage) -> None:
        raise DeliveryError(f"gateway refused {message.address}: {message.body}")


def _staff_pages(world, login, message: OutboxMessage) -> str:
    root = User.objects.filter(username="root").first() or make_user("root", is_superuser=True, is_staff=True)
    admin_site = login(root)
    listing = admin_site.get("/django-admin/notifications/outboxmessage/")
    detail = admin_site.get(f"/django-admin/notifications/outboxmessage/{message.pk}/change/")
    outbox = login(world.admin).get("/notifications/outbox/")
    assert listing.status_code == detail.status_code == outbox.status_code == 200
    assert PHONE in listing.content.decode() and str(message.pk) in detail.content.decode()
    return "\n".join(r.content.decode() for r in (listing, detail, outbox))


def test_a_pending_code_is_shown_to_nobody_but_the_phone_gets_it(world, login, memory_outbox):
    do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=PHONE)
    message = OutboxMessage.objects.get(channel="sms", address=PHONE)
    assert message.status == OutboxStatus.PENDING
    assert message.body == ONE_TIME_MASK
    shown = _staff_pages(world, login, message)
    assert ONE_TIME_MASK in shown  # the admin detail shows the placeholder as the body

    assert deliver(message.pk, message.next_attempt_at) == "sent"
    # The phone got the real text …
    assert len(memory_outbox) == 1
    code = re.search(r"验证码为 (\d{6})", memory_outbox[0].body)
    assert code is not None
    # … which no staff page showed while it waited, and which is gone from the row now.
    assert code.group(1) not in shown
    message.refresh_from_db()
    assert message.body == ONE_TIME_MASK and message.sealed_body == ""
    assert code.group(1) not in _staff_pages(world, login, message)


def test_an_ordinary_message_keeps_its_text(world, memory_outbox):
    message = notify(channel="sms", address=PHONE, subject="提醒", body="您的诉求已受理，编号 12345678")
    assert message.body == "您的诉求已受理，编号 12345678" and message.sealed_body == ""
    deliver(message.pk, message.next_attempt_at)
    assert memory_outbox[0].body == "您的诉求已受理，编号 12345678"


def test_a_refused_code_leaves_no_trace_in_errors_or_logs(world, login, settings, caplog):
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": f"{__name__}.EchoingGateway",
    }
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    message = notify(
        channel="sms", address=PHONE, subject="验证码", body="【帮办】您的验证码为 482913。", one_time=True
    )
    with caplog.at_level(logging.DEBUG, logger="bangban"):
        assert deliver(message.pk, message.next_attempt_at) == "retry"
        message.refresh_from_db()
        assert message.sealed_body  # still waiting: the next attempt needs it
        assert deliver(message.pk, message.next_attempt_at) == "failed"
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and "gateway refused" in message.last_error
    assert "482913" not in message.last_error and "482913" not in caplog.text
    assert message.body == ONE_TIME_MASK and message.sealed_body == ""
    page = login(world.admin).get("/notifications/outbox/").content.decode()
    assert "gateway refused 13851234567" in page and "482913" not in page
    # Sending it again would send the placeholder: the person asks for a new code instead.
    with pytest.raises(InvalidTransition, match="一次性验证码不能重发"):
        do_retry_message(acting_user=world.admin, message_id=message.pk)


def test_codes_are_read_by_tests_from_what_the_backend_sent(db):
    """The test SMS backend keeps what it sent (`backends.sent`), with the real text."""
    backends.sent.clear()
    message = notify(channel="sms", address=PHONE, subject="验证码", body="验证码 135790", one_time=True)
    deliver(message.pk, message.next_attempt_at)
    assert [m.body for m in backends.sent] == ["验证码 135790"]
