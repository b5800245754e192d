"""Meeting task reminders: a daily job tells the heads of the owner unit when an open task is due
within one working day, and again when it is overdue, at most once per task per day, whatever
the number of schedulers and workers."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection

from bangban.audit.models import AuditEvent
from bangban.core.scheduler import claim, registered_jobs
from bangban.escalation.actions import do_add_task, do_complete_task, do_create_meeting, remind_due_tasks
from bangban.escalation.models import MeetingTask
from bangban.escalation.tasks import remind_tasks_task
from bangban.notifications.models import OutboxMessage

from .conftest import at

CREATED = "2026-10-12 09:00"  # a Monday; 2 working days → due Wednesday 2026-10-14 23:59:59


def make_task(esc, content="补齐验收材料", workdays=2, owner=None):
    meeting = do_create_meeting(acting_user=esc.biz_office, type="topic", title="审批问题专题会办",
                                held_at=at(CREATED), chair_id=esc.biz_office.pk,
                                unit_ids=[esc.shuyang_gov.pk], now=at(CREATED))  # fmt: skip
    return do_add_task(acting_user=esc.biz_office, meeting_id=meeting.pk, content=content,
                       owner_unit_id=(owner or esc.shuyang_gov).pk, workdays=workdays, now=at(CREATED))  # fmt: skip


def reminders_to(user, word: str) -> int:
    return OutboxMessage.objects.filter(recipient=user, subject__contains=f"议定任务{word}").count()


def any_reminders():
    return OutboxMessage.objects.filter(subject__regex=r"议定任务(即将到期|已超期)")


def test_heads_are_reminded_once_a_day_when_due_soon_and_when_overdue(esc):
    task = make_task(esc)
    assert task.due_at == at("2026-10-14 23:59:59")
    # More than a working day ahead: nothing.
    assert remind_due_tasks(at("2026-10-12 10:00")) == 0
    # Due within one working day: once that day.
    assert remind_due_tasks(at("2026-10-13 09:00")) == 1
    assert remind_due_tasks(at("2026-10-13 16:00")) == 0
    assert reminders_to(esc.head_shuyang, "即将到期") == 1
    # The next day, still due soon: once more.
    assert remind_due_tasks(at("2026-10-14 08:35")) == 1
    assert reminders_to(esc.head_shuyang, "即将到期") == 2
    # Overdue: once a day.
    assert remind_due_tasks(at("2026-10-15 08:35")) == 1
    assert remind_due_tasks(at("2026-10-15 20:00")) == 0
    assert reminders_to(esc.head_shuyang, "已超期") == 1
    task.refresh_from_db()
    assert task.reminders == 3 and task.last_reminded_at == at("2026-10-15 08:35")
    # Only the heads of the owner unit: not its handlers, not other units' heads.
    assert not any_reminders().filter(recipient=esc.handler_shuyang).exists()
    assert not any_reminders().filter(recipient=esc.head_siyang).exists()
    assert any_reminders().count() == 3
    assert AuditEvent.objects.filter(action="escalation.task_reminded").count() == 3


def test_done_tasks_and_tasks_far_from_due_are_not_reminded(esc):
    done = make_task(esc, content="已完成的事项")
    far = make_task(esc, content="远期事项", workdays=10)
    do_complete_task(acting_user=esc.head_shuyang, task_id=done.pk, note="已办结", now=at("2026-10-13 08:00"))
    assert remind_due_tasks(at("2026-10-15 09:00")) == 0
    far.refresh_from_db()
    assert far.reminders == 0 and far.last_reminded_at is None
    assert not any_reminders().exists()


def test_several_tasks_of_a_unit_each_get_their_reminder(esc):
    tasks = [make_task(esc, content=f"事项{i}") for i in range(3)]
    assert remind_due_tasks(at("2026-10-15 09:00")) == 3
    assert reminders_to(esc.head_shuyang, "已超期") == 3
    assert set(MeetingTask.objects.values_list("reminders", flat=True)) == {1}
    assert len(tasks) == 3


def test_the_daily_job_runs_once_per_day_with_several_schedulers(esc):
    make_task(esc)
    job = registered_jobs()["escalation.remind_tasks"]
    with time_machine.travel(at("2026-10-15 08:20"), tick=False):
        assert job.period(at("2026-10-15 08:20")) is None  # before 08:35
    with time_machine.travel(at("2026-10-15 08:40"), tick=False):
        period = job.period(at("2026-10-15 08:40"))
        assert period == "2026-10-15"
        # Two schedulers: one wins the day and runs the job (immediate backend in tests).
        assert claim(job, period) is True
        assert claim(job, period) is False
        assert reminders_to(esc.head_shuyang, "已超期") == 1
        # A worker running the task again that day sends nothing.
        assert remind_tasks_task.call() == 0
    with time_machine.travel(at("2026-10-16 09:00"), tick=False):
        assert remind_tasks_task.call() == 1
    assert reminders_to(esc.head_shuyang, "已超期") == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_remind_each_task_once(esc):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers need PostgreSQL")
    for i in range(40):
        make_task(esc, content=f"并发事项{i}")
    results: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(remind_due_tasks(at("2026-10-15 09:00")))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(results) == 40
    assert set(MeetingTask.objects.values_list("reminders", flat=True)) == {1}
    assert reminders_to(esc.head_shuyang, "已超期") == 40
