from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from .models import Channel, InAppMessage, OutboxMessage, OutboxStatus


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return InAppMessage.objects.filter(user=user, read_at__isnull=True).count()


def inbox_order(qs: QuerySet[InAppMessage]) -> QuerySet[InAppMessage]:
    """Unread first, newest first within each group."""
    return qs.annotate(
        unread=Case(When(read_at__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-unread", "-created_at", "-pk")


def outbox_list(qs: QuerySet[OutboxMessage]) -> QuerySet[OutboxMessage]:
    return qs.select_related("recipient").order_by("-created_at", "-pk")


def outbox_counts() -> dict[str, int]:
    """Messages per status, for the outbox page's summary."""
    return OutboxMessage.objects.aggregate(
        pending=Count("pk", filter=Q(status=OutboxStatus.PENDING)),
        sent=Count("pk", filter=Q(status=OutboxStatus.SENT)),
        failed=Count("pk", filter=Q(status=OutboxStatus.FAILED)),
    )


def demo_sms_list() -> QuerySet[OutboxMessage]:
    """Every text message the outbox holds (sent or waiting), newest first: the demo phone."""
    return OutboxMessage.objects.filter(channel=Channel.SMS).order_by("-created_at", "-pk")
