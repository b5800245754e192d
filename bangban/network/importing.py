"""Bulk assignment from an .xlsx sheet (R3.1): upload → a preview of every row (what it will do, or
why it is refused) → confirm. The same rules as a single assignment (`actions.assignments._assign`)
decide each row; nothing is written until the uploader confirms, and rows that became invalid in
between are reported, not forced."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import ApplicationError, FileRejected, ValidationFailed
from bangban.core.inputs import parse_date
from bangban.core.kit import durable_action
from bangban.core.xlsx import cell_text, max_upload_bytes, open_xlsx, read_rows
from bangban.enterprises.access import visible_enterprises
from bangban.enterprises.models import Enterprise
from bangban.enterprises.uscc import USCCError, validate_uscc

from . import actions, workflow
from .access import access_batch, require_manager
from .actions import assignments
from .models import Assignment, AssignmentBatch, BatchStatus

REQUIRED_COLUMNS = ["统一社会信用代码", "帮办专员账号"]
OPTIONAL_COLUMNS = ["企业名称", "开始日期", "调整", "备注"]
MAX_ROWS = 5000
YES = {"是", "调整", "y", "yes", "1", "true", "更换"}


def _date(value: Any, today: dt.date) -> dt.date:
    if value in (None, ""):
        return today
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(cell_text(value), "started_on", "开始日期")


def check_row(
    user: Any, number: int, raw: dict[str, Any], today: dt.date, seen: dict[int, int]
) -> dict[str, Any]:
    """One row of the sheet → its preview entry: `status` ok / unchanged / error, with `reason`."""
    entry: dict[str, Any] = {
        "row": number,
        "uscc": cell_text(raw.get("统一社会信用代码")),
        "enterprise": cell_text(raw.get("企业名称")),
        "officer": cell_text(raw.get("帮办专员账号")),
        "status": "error",
        "reason": "",
    }
    try:
        try:
            uscc = validate_uscc(entry["uscc"])
        except USCCError as exc:
            raise ValidationFailed(f"统一社会信用代码有误：{exc}", code="invalid_uscc") from exc
        enterprise = visible_enterprises(user).select_related("region").filter(uscc=uscc).first()
        if enterprise is None:
            raise ValidationFailed("企业未登记或不在您的管辖范围内", code="enterprise_not_found")
        entry["enterprise"] = enterprise.name
        entry["enterprise_id"] = enterprise.pk
        if enterprise.pk in seen:
            raise ValidationFailed(f"与第 {seen[enterprise.pk]} 行是同一家企业", code="duplicate_row")
        seen[enterprise.pk] = number
        if not entry["officer"]:
            raise ValidationFailed("请填写帮办专员账号", code="officer_required")
        officer = (
            User.objects.select_related("unit", "unit__region").filter(username=entry["officer"]).first()
        )
        if officer is None:
            raise ValidationFailed(f"未找到账号“{entry['officer'][:30]}”", code="officer_not_found")
        entry["officer_id"] = officer.pk
        entry["officer_name"] = officer.display_name
        start = _date(raw.get("开始日期"), today)
        if start > today:
            raise ValidationFailed("开始日期不能晚于今天", code="start_in_future")
        entry["started_on"] = start.isoformat()
        entry["replace"] = cell_text(raw.get("调整")).lower() in YES
        entry["note"] = cell_text(raw.get("备注"))[: actions.NOTE_MAX]
        if not enterprise.is_active:
            raise ValidationFailed("该企业已注销", code="enterprise_inactive")
        actions.check_officer(officer, enterprise)
        current = (
            Assignment.objects.select_related("officer")
            .filter(enterprise=enterprise, ended_on__isnull=True)
            .first()
        )
        if current is not None and current.officer_id == officer.pk:
            entry["status"] = "unchanged"
            entry["reason"] = "已是该企业的帮办专员"
            return entry
        if current is not None and not entry["replace"]:
            raise ValidationFailed(
                f"该企业已有帮办专员（{current.officer}），如需更换请在“调整”列填写“是”",
                code="enterprise_has_officer",
            )
        entry["status"] = "ok"
        entry["reason"] = f"由{current.officer}调整为{officer.display_name}" if current else "新增挂钩"
    except ApplicationError as exc:
        entry["status"] = "error"
        entry["reason"] = exc.message
        entry["code"] = exc.code
    return entry


def do_preview_assignment_import(
    *, acting_user: User, uploaded_file: Any, now: dt.datetime | None = None
) -> AssignmentBatch:
    require_manager(acting_user)
    today = timezone.localdate(now or timezone.now())
    workbook = open_xlsx(uploaded_file, max_upload_bytes())
    try:
        _, rows = read_rows(workbook.worksheets[0], REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
        entries: list[dict[str, Any]] = []
        seen: dict[int, int] = {}
        for number, raw in rows:
            if len(entries) >= MAX_ROWS:
                raise FileRejected(f"一次最多导入 {MAX_ROWS} 行，请拆分文件", code="too_many_rows")
            entries.append(check_row(acting_user, number, raw, today, seen))
    finally:
        workbook.close()
    if not entries:
        raise FileRejected("文件中没有数据行", code="empty_file")
    with transaction.atomic(durable=True):
        batch = AssignmentBatch.objects.create(
            file_name=str(getattr(uploaded_file, "name", "") or "upload.xlsx")[-200:],
            rows=entries,
            valid_count=sum(1 for e in entries if e["status"] == "ok"),
            invalid_count=sum(1 for e in entries if e["status"] == "error"),
            created_by=acting_user,
        )
    return batch


# Why a closed batch is refused, by its status: (message, code).
CLOSED = {
    BatchStatus.APPLIED: ("该批次已经导入，不能重复导入", "batch_already_applied"),
    BatchStatus.CANCELLED: ("该批次已取消，请重新上传文件", "batch_cancelled"),
}


def _lock(acting_user: User, batch_id: int | str, action: str) -> tuple[AssignmentBatch, str]:
    """The batch, locked, and the status `action` moves it to (409 once applied or cancelled)."""
    access_batch(acting_user, batch_id)
    batch = kit.lock(AssignmentBatch, batch_id)
    message, code = CLOSED.get(BatchStatus(batch.status), (None, None))
    return batch, workflow.BATCH.check(batch.status, action, message=message, code=code)


@durable_action
def do_apply_assignment_import(
    *, acting_user: User, batch_id: int | str, now: dt.datetime | None = None
) -> AssignmentBatch:
    """Write the valid rows of a previewed batch, each under the rules again (a row that became
    invalid since the preview is skipped with its reason); one audit event for the batch."""
    require_manager(acting_user)
    batch, applied = _lock(acting_user, batch_id, "apply")
    if batch.valid_count == 0:
        raise ApplicationError("文件中没有可导入的有效行", code="no_valid_rows")
    created = replaced = 0
    failed: list[dict[str, Any]] = []
    rows = list(batch.rows)
    for entry in rows:
        if entry["status"] != "ok":
            continue
        try:
            with transaction.atomic():
                enterprise = (
                    Enterprise.objects.select_for_update()
                    .select_related("region")
                    .get(pk=entry["enterprise_id"])
                )
                officer = User.objects.select_related("unit", "unit__region").get(pk=entry["officer_id"])
                assigned = assignments._assign(
                    acting_user=acting_user,
                    enterprise=enterprise,
                    officer=officer,
                    started_on=dt.date.fromisoformat(entry["started_on"]),
                    note=entry.get("note", ""),
                    replace=bool(entry.get("replace")),
                )
                assignments._notify_assigned(assigned, now)
        except ApplicationError as exc:
            entry["status"] = "failed"
            entry["reason"] = exc.message
            failed.append({"row": entry["row"], "reason": exc.message})
            continue
        entry["status"] = "applied"
        if assigned.previous is not None:
            replaced += 1
        else:
            created += 1
    batch.rows = rows
    batch.status = applied
    batch.applied_at = now or timezone.now()
    batch.result = {"created": created, "replaced": replaced, "failed": len(failed)}
    batch.save(update_fields=["rows", "status", "applied_at", "result"])
    record(
        "network.assignment_import",
        actor=acting_user,
        obj=batch,
        after={"file_name": batch.file_name, **batch.result, "failed_rows": failed[:100]},
    )
    return batch


@durable_action
def do_cancel_assignment_import(*, acting_user: User, batch_id: int | str) -> AssignmentBatch:
    require_manager(acting_user)
    batch, cancelled = _lock(acting_user, batch_id, "cancel")
    batch.status = cancelled
    batch.save(update_fields=["status"])
    record(
        "network.assignment_import_cancel",
        actor=acting_user,
        obj=batch,
        after={"file_name": batch.file_name},
    )
    return batch
