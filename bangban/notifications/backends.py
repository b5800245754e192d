"""Notification backends: one interface for SMS, e-mail and in-app messages (R0.6).

`send(message)` returns on success and raises on failure; the outbox retries. A message may be
sent more than once when a worker dies between sending and recording the result, so a backend that
can be idempotent is: `InAppBackend` keys on the outbox id, and a real SMS/e-mail gateway should
pass `message.pk` as its idempotency key where it supports one. Which backend serves which channel
is configured in `settings.NOTIFICATION_BACKENDS` (dotted paths).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .models import InAppMessage, OutboxMessage
from .one_time import ONE_TIME_MASK, is_one_time

log = logging.getLogger("bangban.notifications")


class DeliveryError(Exception):
    """A backend could not deliver a message (the outbox will retry)."""


class Backend:
    def send(self, message: OutboxMessage) -> None:
        raise NotImplementedError


def _text(message: OutboxMessage) -> str:
    return f"{message.body}\n{message.link}" if message.link else message.body


class ConsoleBackend(Backend):
    """Prints each message: the default for SMS until a gateway is configured."""

    def send(self, message: OutboxMessage) -> None:
        to = message.address or (f"用户#{message.recipient_id}" if message.recipient_id else "（无）")
        # A one-time code is printed only in development (DEBUG), where the console is the phone.
        text = ONE_TIME_MASK if is_one_time(message) and not settings.DEBUG else _text(message)
        line = f"【{message.get_channel_display()}】发送给 {to}：{message.subject} — {text}"
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        log.info("notification %s sent to console", message.pk)


class DjangoEmailBackend(Backend):
    """E-mail through Django's mail framework (settings.EMAIL_BACKEND, EMAIL_HOST …)."""

    def send(self, message: OutboxMessage) -> None:
        if not message.address:
            raise DeliveryError("没有收件邮箱")
        send_mail(
            message.subject,
            _text(message),
            settings.DEFAULT_FROM_EMAIL,
            [message.address],
            fail_silently=False,
        )


class InAppBackend(Backend):
    """Puts the message in the recipient's inbox, once per outbox message."""

    def send(self, message: OutboxMessage) -> None:
        if message.recipient_id is None:
            raise DeliveryError("站内消息没有接收人")
        InAppMessage.objects.get_or_create(
            outbox=message,
            defaults={
                "user_id": message.recipient_id,
                "subject": message.subject,
                "body": message.body,
                "link": message.link,
            },
        )


# What MemoryBackend has sent, in order (tests and demos inspect and clear it).
sent: list[OutboxMessage] = []


class MemoryBackend(Backend):
    def send(self, message: OutboxMessage) -> None:
        sent.append(message)


class FailingBackend(Backend):
    """Always fails: for tests and for showing retries in a demo."""

    def send(self, message: OutboxMessage) -> None:
        raise DeliveryError("模拟的发送失败")


_instances: dict[str, Backend] = {}


def backend_for(channel: str) -> Backend:
    path = getattr(settings, "NOTIFICATION_BACKENDS", {}).get(channel)
    if not path:
        raise ImproperlyConfigured(f"NOTIFICATION_BACKENDS 没有为渠道 {channel!r} 配置发送方式")
    backend = _instances.get(path)
    if backend is None:
        cls: Any = import_string(path)
        backend = cls()
        if not isinstance(backend, Backend):
            raise ImproperlyConfigured(f"{path} 不是通知发送方式（Backend）")
        _instances[path] = backend
    return backend
