"""The outbox sweep runs every minute through the scheduler, and each minute is claimed once
however many scheduler instances tick."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_tasks.signals import task_enqueued

from bangban.core.models import ScheduledRun
from bangban.core.scheduler import registered_jobs, tick
from bangban.notifications.actions import notify
from bangban.notifications.models import OutboxMessage, OutboxStatus

T0 = dt.datetime(2026, 3, 2, 1, 5, 10, tzinfo=dt.UTC)  # 09:05 in Shanghai


def enqueued_sweeps(callback_log: list) -> int:
    return sum(1 for r in callback_log if r.task.name == "deliver_due_messages")


def test_sweep_is_registered_every_minute(db):
    job = registered_jobs()["notifications.deliver_due"]
    assert job.period(T0) == "2026-03-02T09:05"
    assert job.period(T0 + dt.timedelta(seconds=40)) == "2026-03-02T09:05"
    assert job.period(T0 + dt.timedelta(seconds=50)) == "2026-03-02T09:06"
    assert job.description == "发送到期的待发消息"


def test_two_ticks_in_the_same_minute_enqueue_the_sweep_once(db, memory_outbox):
    seen: list = []

    def on_enqueued(sender, task_result, **kwargs):
        seen.append(task_result)

    task_enqueued.connect(on_enqueued)
    try:
        first = tick(T0)
        second = tick(T0 + dt.timedelta(seconds=30))
        assert "notifications.deliver_due @ 2026-03-02T09:05 已派发" in first
        assert not any(line.startswith("notifications.deliver_due") for line in second)
        assert enqueued_sweeps(seen) == 1
        assert ScheduledRun.objects.filter(job="notifications.deliver_due").count() == 1
        run = ScheduledRun.objects.get(job="notifications.deliver_due")
        assert run.task_id and run.period == "2026-03-02T09:05"
        third = tick(T0 + dt.timedelta(minutes=1))
        assert "notifications.deliver_due @ 2026-03-02T09:06 已派发" in third
        assert enqueued_sweeps(seen) == 2
    finally:
        task_enqueued.disconnect(on_enqueued)


def test_the_scheduled_sweep_sends_due_messages(db, memory_outbox):
    with transaction.atomic():
        message = notify(channel="sms", subject="到期提醒", body="x", address="13812345678", now=T0)
    tick(T0)  # the test task backend runs the sweep at once (with the real clock, later than T0)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [m.pk for m in memory_outbox] == [message.pk]
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 0
