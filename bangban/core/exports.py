"""Excel exports of the lists, small ones in the request and large ones in the background.

An app registers what it can export (`register_export`): a function that, for a user and the
list's query parameters, checks the filter and permissions and returns an `ExportPlan` — the file
name, the headers, the rows (an iterator that streams from the database), how many rows to expect
and how to audit the export once written. `export_response()` (`bangban.core.export_actions`) is
all a list's export view calls:
up to `BANGBAN_EXPORT_INLINE_ROWS` rows are written and sent at once as before; more become an
`ExportJob` that a worker writes (`run_export`, reporting its progress every few thousand rows)
while the user watches a progress page, and are then downloaded by that user only. The finished
files sit in the default storage (shared by every web process and worker in production) and are
deleted after `BANGBAN_EXPORT_KEEP_DAYS` by a nightly job.

This module is the body of the feature and imports no task: the action queues the task
(`export_actions` → `tasks` → here). The pages, the audit events of queueing and downloading and
the user's notification are the exports app's (`bangban.exports`).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.dispatch import Signal
from django.http import QueryDict
from django.utils import timezone

from bangban.core.errors import NotFound
from bangban.core.models import ExportJob, ExportStatus
from bangban.core.replica import reading_from_replica
from bangban.core.xlsx import write_xlsx

log = logging.getLogger("bangban.exports")

# How often a running export writes its progress (rows).
PROGRESS_EVERY = 2000


@dataclass
class ExportPlan:
    filename: str
    sheet_title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    total: int
    # Called inside a transaction with the number of rows written: the export's audit event.
    record: Callable[[int], None]
    widths: Sequence[int] | None = None
    text_columns: Sequence[int] = field(default_factory=tuple)


@dataclass(frozen=True)
class ExportSpec:
    kind: str
    label: str
    plan: Callable[[Any, QueryDict], ExportPlan]


EXPORTS: dict[str, ExportSpec] = {}

# Sent inside the transaction that queues an export (`job`, `spec`, `plan`) and inside the one that
# marks it done (`job`, `rows`): the exports app records the audit event and notifies the user
# there (bangban.exports.receivers), so that a failure there undoes the step.
export_queued = Signal()
export_finished = Signal()


def register_export(kind: str, label: str, plan: Callable[[Any, QueryDict], ExportPlan]) -> None:
    EXPORTS[kind] = ExportSpec(kind, label, plan)


def inline_limit() -> int:
    return int(getattr(settings, "BANGBAN_EXPORT_INLINE_ROWS", 5000))


def _query(params: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values)
    return query


def _progress(job_id: Any, rows: Iterable[Sequence[Any]], counter: list[int]) -> Iterator[Sequence[Any]]:
    for row in rows:
        counter[0] += 1
        if counter[0] % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job_id).update(done=counter[0])
        yield row


def run_export(job_id: Any, now: dt.datetime | None = None) -> str:
    """Write one queued export (the worker's task). A job another worker already took, or one
    that is finished, is left alone."""
    # A job left RUNNING is taken again: its task is only run again when the worker that held it
    # was lost (bangban.core.worker). The file is written whole and marked done once, below.
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING]
    ).update(status=ExportStatus.RUNNING, started_at=now or timezone.now())
    if not claimed:
        return "skipped"
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    counter = [0]
    try:
        spec = EXPORTS[job.kind]
        with tempfile.TemporaryFile() as tmp:
            # The rows are read from the replica when there is one (the progress is a write).
            with reading_from_replica():
                plan = spec.plan(job.user, _query(job.params))
                write_xlsx(
                    tmp,
                    plan.headers,
                    _progress(job.pk, plan.rows, counter),
                    plan.sheet_title,
                    widths=plan.widths,
                    text_columns=plan.text_columns,
                )
            size = tmp.tell()
            tmp.seek(0)
            job.file.save(f"{job.pk}.xlsx", File(tmp), save=False)
    except Exception as exc:
        log.exception("export %s failed", job_id)
        message = getattr(exc, "message", "") or "导出时发生内部错误，请稍后重试或联系管理员"
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=str(message)[:300], finished_at=timezone.now()
        )
        return "failed"
    with transaction.atomic():
        finished = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.DONE,
            done=counter[0],
            total=max(job.total, counter[0]),
            file=job.file.name,
            size=size,
            filename=plan.filename,
            finished_at=timezone.now(),
        )
        if not finished:  # another run of the same job finished first: record and notify once
            return "skipped"
        plan.record(counter[0])
        export_finished.send(ExportJob, job=job, rows=counter[0])
    return "done"


def keep_days() -> int:
    return int(getattr(settings, "BANGBAN_EXPORT_KEEP_DAYS", 7))


def own_job(user: Any, job_id: Any) -> ExportJob:
    """A user's own export; anyone else's (or none) is 404."""
    job = ExportJob.objects.filter(pk=job_id, user_id=user.pk).first()
    if job is None:
        raise NotFound("导出任务不存在或不属于您")
    return job


def purge_exports(now: dt.datetime | None = None) -> int:
    """Delete exports older than the keeping period, with their files."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep_days())
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)
