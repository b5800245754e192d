"""The outbox (R0.6): a message belongs to the transaction that queued it, a failing backend is
retried with back-off, and a worker that dies mid-send loses nothing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from bangban.core.errors import ValidationFailed
from bangban.notifications.actions import notify, notify_user
from bangban.notifications.backends import InAppBackend
from bangban.notifications.delivery import claim_due, deliver, deliver_due
from bangban.notifications.models import InAppMessage, OutboxMessage, OutboxStatus
from bangban.notifications.workflow import backoff_seconds

FAILING = {
    "sms": "bangban.notifications.backends.FailingBackend",
    "email": "bangban.notifications.backends.MemoryBackend",
    "inapp": "bangban.notifications.backends.InAppBackend",
}
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def queue_sms(text: str = "您的诉求已受理", **kwargs) -> OutboxMessage:
    with transaction.atomic():
        return notify(channel="sms", subject=text, body=f"{text}，请留意。", address="13812345678", **kwargs)


def test_message_of_a_rolled_back_transaction_is_never_sent(
    db, memory_outbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(channel="sms", subject="已受理", body="您的诉求已受理", address="13812345678")
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert memory_outbox == []
    # A later sweep finds nothing either.
    assert deliver_due(timezone.now()).total == 0


def test_committed_message_is_sent_once_after_commit(db, memory_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue_sms()
        assert memory_outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert [m.pk for m in memory_outbox] == [message.pk]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.sent_at is not None
    assert message.attempts == 1 and message.lease_until is None
    # Sweeping again sends nothing twice.
    assert deliver_due(timezone.now() + dt.timedelta(hours=1)).total == 0
    assert len(memory_outbox) == 1


def test_a_message_whose_delivery_task_was_lost_is_sent_by_the_sweep(db, memory_outbox):
    message = queue_sms(now=NOW)  # on_commit never ran: as if the process died right after commit
    result = deliver_due(NOW + dt.timedelta(seconds=5))
    assert result.outcomes == {"sent": 1}
    assert [m.pk for m in memory_outbox] == [message.pk]


@override_settings(NOTIFICATION_BACKENDS=FAILING, NOTIFICATION_MAX_ATTEMPTS=8)
def test_failing_backend_is_retried_with_backoff_then_succeeds(db, memory_outbox):
    message = queue_sms(now=NOW)
    assert deliver(message.pk, NOW) == "retry"
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "模拟的发送失败" in message.last_error and message.lease_until is None
    first_delay = (message.next_attempt_at - NOW).total_seconds()
    assert 30 <= first_delay <= 33

    # Not due yet: neither the task nor the sweep touches it.
    assert deliver(message.pk, NOW + dt.timedelta(seconds=20)) == "skipped"
    assert deliver_due(NOW + dt.timedelta(seconds=20)).total == 0

    second = NOW + dt.timedelta(seconds=first_delay + 1)
    assert deliver_due(second).outcomes == {"retry": 1}
    message.refresh_from_db()
    assert message.attempts == 2
    assert 60 <= (message.next_attempt_at - second).total_seconds() <= 66

    with override_settings(
        NOTIFICATION_BACKENDS={**FAILING, "sms": "bangban.notifications.backends.MemoryBackend"}
    ):
        third = message.next_attempt_at
        assert deliver_due(third).outcomes == {"sent": 1}
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 3 and message.sent_at == third
    assert [m.pk for m in memory_outbox] == [message.pk]


@override_settings(NOTIFICATION_BACKENDS=FAILING, NOTIFICATION_MAX_ATTEMPTS=3)
def test_after_the_last_attempt_the_message_is_marked_failed(db):
    message = queue_sms(now=NOW)
    at = NOW
    outcomes = []
    for _ in range(3):
        outcomes.append(deliver(message.pk, at))
        message.refresh_from_db()
        at = message.next_attempt_at
    assert outcomes == ["retry", "retry", "failed"]
    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert deliver_due(NOW + dt.timedelta(days=1)).total == 0


def test_backoff_doubles_from_30_seconds_and_is_capped_at_an_hour():
    assert [backoff_seconds(n, jitter=0) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_seconds(7, jitter=0) == 1920
    assert backoff_seconds(8, jitter=0) == 3600
    assert backoff_seconds(50, jitter=0) == 3600
    assert backoff_seconds(1, jitter=0.999) < 33
    assert backoff_seconds(8, jitter=1) == 3960
    delays = {backoff_seconds(3) for _ in range(20)}
    assert all(120 <= d <= 132 for d in delays) and len(delays) > 1


def test_expired_lease_of_a_dead_worker_is_claimed_and_sent_again(db, memory_outbox):
    message = queue_sms(now=NOW)
    # Worker A claims the message and dies before sending.
    assert claim_due(NOW, limit=10, lease_seconds=120) == [message.pk]
    # While the lease lives nobody else takes it.
    assert claim_due(NOW + dt.timedelta(seconds=60), limit=10) == []
    assert deliver(message.pk, NOW + dt.timedelta(seconds=60)) == "skipped"
    assert deliver_due(NOW + dt.timedelta(seconds=119)).total == 0
    assert memory_outbox == []
    # Once it expires the sweep claims it and sends it.
    assert deliver_due(NOW + dt.timedelta(seconds=121)).outcomes == {"sent": 1}
    assert [m.pk for m in memory_outbox] == [message.pk]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


@override_settings(NOTIFICATION_BACKENDS=FAILING)
def test_a_stale_worker_cannot_overwrite_the_outcome_of_the_next_claim(db):
    from bangban.notifications.delivery import send_claimed

    message = queue_sms(now=NOW)
    lease_a = NOW + dt.timedelta(seconds=120)
    assert claim_due(NOW) == [message.pk]
    later = NOW + dt.timedelta(seconds=200)
    with override_settings(
        NOTIFICATION_BACKENDS={**FAILING, "sms": "bangban.notifications.backends.MemoryBackend"}
    ):
        assert deliver(message.pk, later) == "sent"
    # Worker A wakes up and its send fails: the message stays sent.
    assert send_claimed(message.pk, lease_a, NOW + dt.timedelta(seconds=201)) == "retry"
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 1


def test_claims_are_oldest_first_and_limited(db):
    ids = [queue_sms(f"消息{i}", now=NOW + dt.timedelta(seconds=i)).pk for i in range(5)]
    assert claim_due(NOW + dt.timedelta(minutes=1), limit=3) == ids[:3]
    assert claim_due(NOW + dt.timedelta(minutes=1), limit=3) == ids[3:]
    assert claim_due(NOW + dt.timedelta(minutes=1), limit=3) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claimers_never_claim_the_same_message():
    # Due tomorrow, so the delivery tasks run on commit (immediately, in tests) leave them alone.
    due = timezone.now() + dt.timedelta(days=1)
    with transaction.atomic():
        ids = {
            notify(channel="sms", subject=f"消息{i}", body="正文", address="13800000000", now=due).pk
            for i in range(60)
        }
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def claimer(name: str) -> None:
        try:
            barrier.wait()
            while True:
                got = claim_due(due + dt.timedelta(seconds=1), limit=7)
                if not got:
                    break
                claimed[name].extend(got)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(n,)) for n in claimed]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert not set(claimed["a"]) & set(claimed["b"])
    assert len(claimed["a"]) + len(claimed["b"]) == 60
    assert set(claimed["a"]) | set(claimed["b"]) == ids


def test_dedupe_key_makes_notify_idempotent(db, memory_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_sms(dedupe_key="ticket:7:accepted")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = queue_sms(dedupe_key="ticket:7:accepted")
    assert again.pk == first.pk
    assert callbacks == []
    assert OutboxMessage.objects.count() == 1
    assert len(memory_outbox) == 1


def test_dedupe_survives_a_race_to_insert(db, monkeypatch):
    first = queue_sms(dedupe_key="race")
    # The other transaction's row is not visible to our pre-check, only to the unique index.
    from bangban.notifications import actions

    real_filter = OutboxMessage.objects.filter

    class Blind:
        def first(self):
            return None

    monkeypatch.setattr(
        actions.OutboxMessage.objects,
        "filter",
        lambda **kw: Blind() if "dedupe_key" in kw else real_filter(**kw),
    )
    again = queue_sms(dedupe_key="race")
    assert again.pk == first.pk and OutboxMessage.objects.count() == 1


def test_notify_user_picks_the_address_per_channel(world, memory_outbox, django_capture_on_commit_callbacks):
    user = world.handler_shuyang
    user.phone, user.email = "13912345678", "handler@example.cn"
    user.save()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queued = notify_user(
            user, "新诉求待签收", "请及时签收。", link="/tickets/1/", channels=("sms", "email", "inapp")
        )
    assert [(m.channel, m.address) for m in queued] == [
        ("sms", "13912345678"),
        ("email", "handler@example.cn"),
        ("inapp", ""),
    ]
    assert sorted(m.address for m in memory_outbox) == ["13912345678", "handler@example.cn"]
    assert InAppMessage.objects.filter(user=user, subject="新诉求待签收", link="/tickets/1/").count() == 1


def test_notify_user_skips_channels_without_an_address(world):
    with transaction.atomic():
        queued = notify_user(world.handler_siyang, "提醒", "内容", channels=("sms", "inapp"))
    assert [m.channel for m in queued] == ["inapp"]


def test_notify_user_dedupe_prefix_is_per_channel_and_user(world):
    with transaction.atomic():
        a = notify_user(world.auditor, "提醒", "内容", dedupe_key_prefix="reminder:1")
        b = notify_user(world.auditor, "提醒", "内容", dedupe_key_prefix="reminder:1")
        c = notify_user(world.admin, "提醒", "内容", dedupe_key_prefix="reminder:1")
    assert a[0].pk == b[0].pk != c[0].pk
    assert a[0].dedupe_key == f"reminder:1:inapp:{world.auditor.pk}"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"channel": "fax", "address": "x"}, "unknown_channel"),
        ({"channel": "inapp"}, "recipient_required"),
        ({"channel": "sms"}, "address_required"),
    ],
)
def test_invalid_messages_are_refused(db, kwargs, code):
    with pytest.raises(ValidationFailed) as exc, transaction.atomic():
        notify(subject="标题", body="内容", **kwargs)
    assert exc.value.code == code
    assert not OutboxMessage.objects.exists()


def test_inapp_backend_is_idempotent_on_the_outbox_message(world):
    with transaction.atomic():
        message = notify(channel="inapp", subject="提醒", body="内容", recipient=world.auditor)
    InAppBackend().send(message)
    InAppBackend().send(message)
    assert InAppMessage.objects.filter(outbox=message).count() == 1


@override_settings(NOTIFICATION_BACKENDS={"sms": "bangban.notifications.backends.MemoryBackend"})
def test_a_channel_without_a_backend_fails_visibly(world):
    with transaction.atomic():
        message = notify(channel="email", subject="提醒", body="内容", address="a@example.cn", now=NOW)
    assert deliver(message.pk, NOW) == "retry"
    message.refresh_from_db()
    assert "NOTIFICATION_BACKENDS" in message.last_error


def test_console_backend_prints_a_chinese_line(world, capsys):
    from bangban.notifications.backends import ConsoleBackend

    with transaction.atomic():
        message = notify(channel="sms", subject="诉求已办结", body="请评价", address="13812345678")
    ConsoleBackend().send(message)
    assert "【短信】发送给 13812345678：诉求已办结 — 请评价" in capsys.readouterr().out


def test_email_backend_uses_django_mail(world, mailoutbox):
    from bangban.notifications.backends import DjangoEmailBackend

    with transaction.atomic():
        message = notify(
            channel="email", subject="会办通知", body="请参会", address="a@example.cn", link="/m/1/"
        )
    DjangoEmailBackend().send(message)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["a@example.cn"] and mailoutbox[0].subject == "会办通知"
    assert "/m/1/" in mailoutbox[0].body


def test_deliver_command_runs_one_sweep(db, memory_outbox):
    import io

    from django.core.management import call_command

    queue_sms(now=NOW)
    out = io.StringIO()
    call_command("deliver_notifications", stdout=out)
    assert "本次处理 1 条消息：已发送 1" in out.getvalue()
    assert len(memory_outbox) == 1
