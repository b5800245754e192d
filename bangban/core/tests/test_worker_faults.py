"""Faults survived, on PostgreSQL: a task worker whose database connections are terminated goes
on and finishes every task; a worker killed in the middle of a policy push leaves a task that is
queued again once its lease expires and completes exactly once; a stalled export is finished
once; administrators see stalled and failed tasks."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.conftest import make_enterprise, make_user
from bangban.core.models import ExportJob, ExportStatus, ScheduledRun, WorkerHeartbeat
from bangban.core.tests import fault_tasks
from bangban.core.worker import ResilientWorker, recover_stalled_tasks
from bangban.notifications.models import OutboxMessage
from bangban.outreach import policies
from bangban.outreach.models import Policy, PolicyDelivery, PolicyPush, PushStatus

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="faults are injected on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

DB_TASKS = {"default": {"BACKEND": "bangban.core.taskqueue.DatabaseBackend", "QUEUES": ["default"]}}
ROOT = Path(settings.BASE_DIR)


def worker(worker_id: str, *, batch: bool = False) -> ResilientWorker:
    return ResilientWorker(
        queue_names=["default"],
        interval=0.05,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def terminate_other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        return int(cursor.fetchone()[0])


def test_a_worker_survives_terminated_database_connections(settings: Any) -> None:
    settings.TASKS = DB_TASKS
    settings.BANGBAN_TASK_HEARTBEAT_SECONDS = 0.2
    for n in range(60):
        fault_tasks.mark.enqueue(n)
    runner = worker("fault-drop")
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    terminated = kills = 0
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            done = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count()
            if done == 60:
                break
            if kills < 8 and done >= kills * 6:
                terminated += terminate_other_backends()
                kills += 1
            time.sleep(0.15)
    finally:
        runner.stop()
        thread.join(timeout=15)
    assert not thread.is_alive()
    assert kills >= 5 and terminated >= 5  # the worker's (and its heartbeat's) connections were cut
    statuses = dict.fromkeys(TaskResultStatus.values, 0)
    for status in DBTaskResult.objects.values_list("status", flat=True):
        statuses[status] += 1
    assert statuses[TaskResultStatus.SUCCESSFUL] == 60, statuses
    assert ScheduledRun.objects.filter(job="fault-test").count() == 60


@pytest.fixture
def push_of_many(world: Any) -> PolicyPush:
    for serial in range(100, 160):
        enterprise = make_enterprise(f"泗阳推送测试{serial}号公司", world.siyang, "321323", serial)
        make_user(f"push-ent-{serial}", Role.ENTERPRISE, enterprise=enterprise)
    policy = Policy.objects.create(
        title="稳岗补贴政策", summary="符合条件的企业可申请稳岗补贴。", created_by=world.biz_office
    )
    total = policies.matching_enterprises(policy, "").count()
    assert total >= 60
    return PolicyPush.objects.create(
        policy=policy,
        pushed_by=world.biz_office,
        scope_path="",
        send_sms=False,
        total=total,
        created_at=timezone.now(),
    )


def test_a_policy_push_whose_worker_is_killed_completes_exactly_once(
    settings: Any, push_of_many: PolicyPush
) -> None:
    settings.TASKS = DB_TASKS
    push = push_of_many
    fault_tasks.slow_policy_push.enqueue(push.pk, 10, 0.5)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict),
        "BANGBAN_TEST_TASK_BACKEND": "database",
        "BANGBAN_TASK_HEARTBEAT_SECONDS": "1",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "task_worker",
            "--no-reload",
            "--interval",
            "0.1",
            "--worker-id",
            "doomed",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            push.refresh_from_db()
            if push.processed >= 20:
                break
            time.sleep(0.1)
        os.kill(proc.pid, signal.SIGKILL)  # no handler runs: the task and the push stay RUNNING
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    push.refresh_from_db()
    assert push.status == PushStatus.RUNNING and 0 < push.processed < push.total
    task = DBTaskResult.objects.get(task_path__endswith="slow_policy_push")
    assert task.status == TaskResultStatus.RUNNING and task.worker_ids == ["doomed"]
    delivered_before = PolicyDelivery.objects.filter(push=push).count()
    assert delivered_before == push.delivered  # progress is committed with the deliveries

    # Within the lease nothing is taken from the (possibly alive) worker.
    assert recover_stalled_tasks()["requeued"] == 0
    # Past the lease (its heartbeat stopped), the task is queued again and a worker finishes it.
    later = timezone.now() + dt.timedelta(seconds=settings.BANGBAN_TASK_LEASE_SECONDS + 5)
    assert recover_stalled_tasks(later) == {"requeued": 1, "failed": 0}
    worker("rescuer", batch=True).run()

    push.refresh_from_db()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL and task.worker_ids == ["doomed", "rescuer"]
    assert push.status == PushStatus.DONE
    assert push.delivered == push.total == PolicyDelivery.objects.filter(push=push).count()
    assert push.processed == push.total
    # Every enterprise user is told exactly once, though the push ran twice.
    recipients = list(
        OutboxMessage.objects.filter(subject="惠企政策：稳岗补贴政策").values_list("recipient_id", flat=True)
    )
    expected = set(
        User.objects.filter(
            enterprise__in=PolicyDelivery.objects.filter(push=push).values("enterprise"),
            roles__code=Role.ENTERPRISE,
            is_active=True,
        ).values_list("pk", flat=True)
    )
    assert len(expected) >= 60
    assert sorted(recipients) == sorted(expected)


def test_an_export_left_running_by_a_lost_worker_is_finished_once(settings: Any, world: Any) -> None:
    from bangban.audit.models import AuditEvent
    from bangban.core.tasks import run_export

    settings.TASKS = DB_TASKS
    job = ExportJob.objects.create(user=world.biz_office, kind="enterprises", label="企业名录", total=2)
    result = run_export.enqueue(str(job.pk))
    # The state a killed worker leaves: the task claimed, the job running, no heartbeat since.
    started = timezone.now() - dt.timedelta(minutes=10)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=["lost"]
    )
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, started_at=started)
    WorkerHeartbeat.objects.create(worker_id="lost", started_at=started, seen_at=started)

    assert recover_stalled_tasks() == {"requeued": 1, "failed": 0}
    worker("rescuer", batch=True).run()

    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.done == 2
    assert AuditEvent.objects.filter(action="enterprise.export").count() == 1
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL


def test_a_task_whose_workers_keep_dying_is_failed_and_shown_to_administrators(
    settings: Any, world: Any, login: Any
) -> None:
    settings.TASKS = DB_TASKS
    result = fault_tasks.mark.enqueue(1)
    started = timezone.now() - dt.timedelta(minutes=10)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=[f"w{i}" for i in range(5)]
    )
    page = login(world.admin).get("/tasks/stalled/").content.decode()
    assert "超时未完成" in page and "任务进程心跳已停止" in page and str(result.id) in page

    assert recover_stalled_tasks() == {"requeued": 0, "failed": 1}
    page = login(world.admin).get("/tasks/stalled/").content.decode()
    assert "失败" in page and "已尝试 5 次" in page
    assert login(world.handler_shuyang).get("/tasks/stalled/").status_code == 404


def test_a_notification_whose_sender_died_is_delivered_once(settings: Any, world: Any) -> None:
    from django.db import transaction

    from bangban.notifications.actions import notify_user
    from bangban.notifications.delivery import LEASE_SECONDS, _claim_one, deliver_due
    from bangban.notifications.models import InAppMessage

    settings.TASKS = DB_TASKS
    with transaction.atomic():
        (message,) = notify_user(
            world.enterprise_user, "整改通知", "请于三个工作日内反馈。", channels=("inapp",)
        )
    task = DBTaskResult.objects.get(task_path__endswith="deliver_message")
    # The worker that ran the delivery claimed the message, then died before sending it.
    now = timezone.now()
    assert _claim_one(message.pk, now, now + dt.timedelta(seconds=LEASE_SECONDS))
    started = now - dt.timedelta(minutes=10)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=["lost"]
    )

    assert recover_stalled_tasks() == {"requeued": 1, "failed": 0}
    worker("rescuer", batch=True).run()
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL
    assert InAppMessage.objects.filter(user=world.enterprise_user, subject="整改通知").count() == 0

    # When the dead sender's lease expires, the sweep sends it — once, however often it runs.
    later = now + dt.timedelta(seconds=LEASE_SECONDS + 1)
    deliver_due(later)
    deliver_due(later + dt.timedelta(minutes=5))
    assert InAppMessage.objects.filter(user=world.enterprise_user, subject="整改通知").count() == 1
