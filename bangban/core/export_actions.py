"""The action behind every list's export button: the file at once when it is small, otherwise a
queued background export (`bangban.core.exports`) written by the task worker."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponseBase, QueryDict
from django.shortcuts import redirect

from .exports import EXPORTS, ExportPlan, ExportSpec, export_queued, inline_limit
from .models import ExportJob
from .replica import reading_from_replica
from .tasks import run_export
from .xlsx import xlsx_response


def _counted(rows: Iterable[Sequence[Any]], counter: list[int]) -> Iterator[Sequence[Any]]:
    for row in rows:
        counter[0] += 1
        yield row


def export_response(request: HttpRequest, kind: str) -> HttpResponseBase:
    """The export of list `kind` with the request's query parameters: the file itself when it is
    small, otherwise a redirect to the progress page of a background export."""
    spec = EXPORTS[kind]
    user = request.user
    # The export's rows are read from the replica when there is one (bangban/core/replica.py);
    # queueing and auditing are writes and go to the primary.
    with reading_from_replica():
        plan = spec.plan(user, request.GET)
        if plan.total > inline_limit():
            response = None
        else:
            counter = [0]
            response = xlsx_response(
                plan.filename,
                plan.headers,
                _counted(plan.rows, counter),
                plan.sheet_title,
                widths=plan.widths,
                text_columns=plan.text_columns,
            )
    if response is None:
        job = start_export(user, spec, request.GET, plan)
        return redirect("core:export_status", job_id=job.pk)
    with transaction.atomic():
        plan.record(counter[0])
    return response


def _enqueue(job_id: str) -> None:
    run_export.enqueue(job_id)


def start_export(user: Any, spec: ExportSpec, params: QueryDict, plan: ExportPlan) -> ExportJob:
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=user,
            kind=spec.kind,
            label=spec.label,
            params={key: params.getlist(key) for key in params},
            total=plan.total,
            filename=plan.filename,
        )
        export_queued.send(ExportJob, job=job, spec=spec, plan=plan)
        transaction.on_commit(lambda: _enqueue(str(job.pk)), robust=True)
    return job
