"""What a background export leaves behind, connected to the kernel's signals
(`bangban.core.exports.export_queued` / `export_finished`). Both run inside the transaction of the
step they follow, so an audit or message failure undoes the step."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from bangban.audit.actions import record
from bangban.core.exports import ExportPlan, ExportSpec, export_finished, export_queued, keep_days
from bangban.core.models import ExportJob
from bangban.notifications.actions import notify_user


@receiver(export_queued, dispatch_uid="bangban.exports.queued")
def on_queued(sender: Any, *, job: ExportJob, spec: ExportSpec, plan: ExportPlan, **kwargs: Any) -> None:
    record(
        "export.queued",
        actor=job.user,
        obj=job,
        object_repr=f"后台导出：{spec.label}",
        after={"kind": spec.kind, "rows": plan.total},
    )


@receiver(export_finished, dispatch_uid="bangban.exports.finished")
def on_finished(sender: Any, *, job: ExportJob, rows: int, **kwargs: Any) -> None:
    notify_user(
        job.user,
        f"导出已完成：{job.label}",
        f"共 {rows} 行，文件保留 {keep_days()} 天。",
        link=f"/exports/{job.pk}/",
    )
