"""The outbox's figures on `/metrics` (`bangban.core.metrics`), read at each scrape: messages
waiting to be sent and given up on, by channel, and how long the oldest waiting one has waited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Min
from prometheus_client.core import GaugeMetricFamily, Metric

from .models import Channel, OutboxMessage, OutboxStatus


def collect(now: dt.datetime) -> Iterator[Metric]:
    counts = {
        (status, channel): 0 for status in (OutboxStatus.PENDING, OutboxStatus.FAILED) for channel in Channel
    }
    rows = (
        OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED])
        .order_by()
        .values("status", "channel")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[(row["status"], row["channel"])] = row["n"]
    backlog = GaugeMetricFamily(
        "bangban_outbox_messages",
        "消息发件箱积压：待发送（pending）与发送失败（failed）的消息数，按渠道",
        labels=["status", "channel"],
    )
    for (status, channel), n in sorted(counts.items()):
        backlog.add_metric([str(status), str(channel)], n)
    yield backlog

    due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
    yield GaugeMetricFamily("bangban_outbox_due_messages", "已到发送时间仍待发送的消息数", value=due.count())
    oldest = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).aggregate(at=Min("created_at"))["at"]
    yield GaugeMetricFamily(
        "bangban_outbox_oldest_pending_age_seconds",
        "最早一条待发送消息已等待的秒数（无待发送消息时为 0）",
        value=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
    )
