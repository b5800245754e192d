"""The filter of the outbox list (status, channel), and of the inbox (unread only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .models import Channel, InAppMessage, OutboxMessage, OutboxStatus


@dataclass
class OutboxFilter:
    status: str = ""
    channel: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> OutboxFilter:
        status = str(params.get("status") or "")
        channel = str(params.get("channel") or "")
        return cls(
            status=status if status in OutboxStatus.values else "",
            channel=channel if channel in Channel.values else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.status or self.channel)

    def apply(self, qs: QuerySet[OutboxMessage]) -> QuerySet[OutboxMessage]:
        if self.status:
            qs = qs.filter(status=self.status)
        if self.channel:
            qs = qs.filter(channel=self.channel)
        return qs


@dataclass
class InboxFilter:
    unread_only: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> InboxFilter:
        return cls(unread_only=params.get("show") == "unread")

    def apply(self, qs: QuerySet[InAppMessage]) -> QuerySet[InAppMessage]:
        return qs.filter(read_at__isnull=True) if self.unread_only else qs
