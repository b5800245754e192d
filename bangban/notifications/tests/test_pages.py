"""The inbox every user has and the outbox administrators watch (R0.6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bangban.audit.models import AuditEvent
from bangban.notifications.actions import notify, notify_user
from bangban.notifications.delivery import deliver
from bangban.notifications.models import InAppMessage, OutboxMessage, OutboxStatus


def inbox_item(
    user, subject: str, *, read: bool = False, link: str = "", minutes_ago: int = 0
) -> InAppMessage:
    message = InAppMessage.objects.create(user=user, subject=subject, body=f"{subject}的内容", link=link)
    created = timezone.now() - dt.timedelta(minutes=minutes_ago)
    InAppMessage.objects.filter(pk=message.pk).update(created_at=created, read_at=created if read else None)
    message.refresh_from_db()
    return message


def subjects(response) -> list[str]:
    html = response.content.decode()
    found = []
    for chunk in html.split('data-testid="inbox-message"')[1:]:
        body = chunk.split("</div>", 2)[0]
        found.append(body.rsplit("</span>", 1)[-1].rsplit(">", 1)[-1].strip())
    return found


def test_inapp_notification_reaches_the_inbox_and_the_unread_badge(
    world, login, django_capture_on_commit_callbacks
):
    user = world.handler_shuyang
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_user(user, "新诉求待签收", "企业用电报装问题，请于5个工作日内办结。", link="/tickets/12/")
    client = login(user)
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="unread-count">1<' in home
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "新诉求待签收" in page and "请于5个工作日内办结" in page
    assert 'data-testid="unread-mark"' in page
    # Nobody else sees it.
    other = login(world.handler_siyang).get(reverse("notifications:inbox")).content.decode()
    assert "新诉求待签收" not in other and 'data-testid="unread-count"' not in other


def test_inbox_lists_unread_first_then_newest(world, login):
    user = world.auditor
    inbox_item(user, "旧的已读", read=True, minutes_ago=50)
    inbox_item(user, "新的已读", read=True, minutes_ago=1)
    inbox_item(user, "旧的未读", minutes_ago=40)
    inbox_item(user, "新的未读", minutes_ago=5)
    response = login(user).get(reverse("notifications:inbox"))
    assert subjects(response) == ["新的未读", "旧的未读", "新的已读", "旧的已读"]
    unread_only = login(user).get(reverse("notifications:inbox"), {"show": "unread"})
    assert subjects(unread_only) == ["新的未读", "旧的未读"]


def test_mark_one_read(world, login):
    user = world.auditor
    message = inbox_item(user, "请查收")
    client = login(user)
    response = client.post(reverse("notifications:read", args=[message.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:inbox")
    message.refresh_from_db()
    assert message.read_at is not None
    assert 'data-testid="unread-count"' not in client.get(reverse("notifications:inbox")).content.decode()


def test_opening_a_message_marks_it_read_and_follows_its_link(world, login):
    message = inbox_item(world.auditor, "请查看", link="/audit/")
    response = login(world.auditor).post(reverse("notifications:read", args=[message.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/audit/"
    message.refresh_from_db()
    assert message.read_at is not None


def test_an_outside_link_is_not_followed(world, login):
    message = inbox_item(world.auditor, "钓鱼", link="https://evil.example.com/")
    response = login(world.auditor).post(reverse("notifications:read", args=[message.pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications:inbox")


def test_nobody_marks_another_users_message(world, login):
    message = inbox_item(world.auditor, "私人消息")
    response = login(world.handler_shuyang).post(reverse("notifications:read", args=[message.pk]))
    assert response.status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_mark_all_read(world, login):
    for i in range(3):
        inbox_item(world.auditor, f"消息{i}")
    mine_elsewhere = inbox_item(world.admin, "别人的")
    client = login(world.auditor)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "已将 3 条消息标为已读" in response.content.decode()
    assert not InAppMessage.objects.filter(user=world.auditor, read_at__isnull=True).exists()
    mine_elsewhere.refresh_from_db()
    assert mine_elsewhere.read_at is None


def test_inbox_is_paged_and_has_an_empty_state(world, login):
    client = login(world.auditor)
    empty = client.get(reverse("notifications:inbox")).content.decode()
    assert 'data-testid="inbox-empty"' in empty and "暂无消息" in empty
    for i in range(23):
        inbox_item(world.auditor, f"消息{i:02d}", minutes_ago=i)
    first = client.get(reverse("notifications:inbox"))
    assert len(subjects(first)) == 20 and "共 23 条" in first.content.decode()
    assert subjects(client.get(reverse("notifications:inbox"), {"page": 2})) == ["消息20", "消息21", "消息22"]


def test_outbox_page_is_for_administrators_only(world, login):
    assert login(world.admin).get(reverse("notifications:outbox")).status_code == 200
    for user in (world.auditor, world.handler_shuyang, world.biz_office, world.enterprise_user):
        assert login(user).get(reverse("notifications:outbox")).status_code == 404


def test_outbox_filters_by_status_and_channel(world, login):
    with transaction.atomic():
        notify(channel="sms", subject="短信待发", body="x", address="13812345678")
        notify(channel="email", subject="邮件待发", body="x", address="a@example.cn")
        sent = notify(channel="inapp", subject="站内已发", body="x", recipient=world.auditor)
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxStatus.SENT, sent_at=timezone.now())
    client = login(world.admin)
    html = client.get(reverse("notifications:outbox")).content.decode()
    assert all(s in html for s in ("短信待发", "邮件待发", "站内已发"))
    assert "13812345678" in html  # administrators may see phone numbers
    pending = client.get(reverse("notifications:outbox"), {"status": "pending"}).content.decode()
    assert "站内已发" not in pending and "短信待发" in pending and "邮件待发" in pending
    sms = client.get(reverse("notifications:outbox"), {"channel": "sms"}).content.decode()
    assert "短信待发" in sms and "邮件待发" not in sms
    none = client.get(reverse("notifications:outbox"), {"status": "failed"}).content.decode()
    assert 'data-testid="outbox-empty"' in none


@override_settings(
    NOTIFICATION_BACKENDS={
        "sms": "bangban.notifications.backends.FailingBackend",
        "email": "bangban.notifications.backends.MemoryBackend",
        "inapp": "bangban.notifications.backends.InAppBackend",
    },
    NOTIFICATION_MAX_ATTEMPTS=1,
)
def test_admin_retries_a_failed_message_and_the_retry_is_audited(
    world, login, memory_outbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with transaction.atomic():
        message = notify(channel="sms", subject="催办提醒", body="请尽快办理", address="13812345678", now=now)
    assert deliver(message.pk, now) == "failed"
    client = login(world.admin)
    html = client.get(reverse("notifications:outbox"), {"status": "failed"}).content.decode()
    assert "催办提醒" in html and 'data-testid="retry"' in html and "模拟的发送失败" in html

    with (
        override_settings(
            NOTIFICATION_BACKENDS={
                "sms": "bangban.notifications.backends.MemoryBackend",
                "email": "bangban.notifications.backends.MemoryBackend",
                "inapp": "bangban.notifications.backends.InAppBackend",
            }
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("notifications:retry", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [m.pk for m in memory_outbox] == [message.pk]
    event = AuditEvent.objects.get(action="notifications.retry")
    assert event.actor_id == world.admin.pk and event.object_id == str(message.pk)
    assert event.before is not None and event.after is not None
    assert event.before["status"] == "failed" and event.after["status"] == "pending"


def test_only_failed_messages_can_be_retried(world, login):
    with transaction.atomic():
        message = notify(channel="sms", subject="待发", body="x", address="13812345678")
    response = login(world.admin).post(reverse("notifications:retry", args=[message.pk]), follow=True)
    assert "只有发送失败的消息可以重发" in response.content.decode()
    assert not AuditEvent.objects.filter(action="notifications.retry").exists()


def test_non_admin_cannot_retry(world, login):
    with transaction.atomic():
        message = notify(channel="sms", subject="待发", body="x", address="13812345678")
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.FAILED)
    assert login(world.auditor).post(reverse("notifications:retry", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED


@pytest.mark.parametrize("who", ["auditor", "handler_shuyang", "enterprise_user"])
def test_every_user_has_an_inbox(world, login, who):
    assert login(getattr(world, who)).get(reverse("notifications:inbox")).status_code == 200


def test_outbox_and_inbox_query_counts_do_not_grow_with_rows(world, login, django_assert_max_num_queries):
    with transaction.atomic():
        for i in range(15):
            notify(channel="inapp", subject=f"消息{i}", body="x", recipient=world.admin)
            inbox_item(world.admin, f"站内{i}")
    client = login(world.admin)
    client.get(reverse("notifications:outbox"))
    with django_assert_max_num_queries(10):
        client.get(reverse("notifications:outbox"))
    with django_assert_max_num_queries(10):
        client.get(reverse("notifications:inbox"))
