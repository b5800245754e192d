"""The Excel import of the registry: preview a file, apply or cancel the previewed batch (R0.2)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import ApplicationError
from bangban.core.kit import durable_action, require_transaction
from bangban.core.xlsx import max_upload_bytes, open_xlsx

from .. import importing
from ..access import (
    access_import_batch,
    require_enterprise_editor,
)
from ..models import Enterprise, ImportBatch, ImportStatus
from ._common import BatchClosed, local_today


def _sha256(uploaded_file: Any) -> str:
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def do_preview_import(
    *, acting_user: User, uploaded_file: Any, now: dt.datetime | None = None
) -> ImportBatch:
    """Check an uploaded file and keep the result as a batch waiting for confirmation.

    File-level problems (too large, not an .xlsx, missing columns, too many rows) raise
    FileRejected and leave nothing behind. Row problems are listed in the batch. Nothing is
    written to the registry."""
    require_enterprise_editor(acting_user)
    workbook = open_xlsx(uploaded_file, max_upload_bytes())
    try:
        result = importing.check_workbook(workbook, acting_user, today=local_today(now))
    finally:
        workbook.close()
    name = str(getattr(uploaded_file, "name", "") or "upload.xlsx")[-200:]
    try:
        with transaction.atomic(durable=True):
            batch = ImportBatch.objects.create(
                file_name=name,
                file_size=int(getattr(uploaded_file, "size", 0) or 0),
                sha256=_sha256(uploaded_file),
                columns=result.columns,
                total_rows=result.total_rows,
                new_count=result.new_count,
                updated_count=result.updated_count,
                unchanged_count=result.unchanged_count,
                invalid_count=result.invalid_count,
                error_count=result.error_count,
                errors=result.errors,
                rows_path=result.rows_path,
                created_by=acting_user,
            )
    except BaseException:
        importing.delete_stored_rows(result.rows_path)
        raise
    return batch


def _lock_batch(acting_user: User, batch_id: int | str) -> ImportBatch:
    require_transaction()
    access_import_batch(acting_user, batch_id)
    batch = ImportBatch.objects.select_for_update().get(pk=int(batch_id))
    if batch.status == ImportStatus.APPLIED:
        raise BatchClosed("该批次已经导入，不能重复导入", code="batch_already_applied")
    if batch.status == ImportStatus.CANCELLED:
        raise BatchClosed("该批次已取消，请重新上传文件", code="batch_cancelled")
    return batch


@durable_action
def do_apply_import(
    *, acting_user: User, batch_id: int | str, confirm_partial: bool = False, now: dt.datetime | None = None
) -> ImportBatch:
    """Write the valid rows of a previewed batch: insert new codes, update changed ones, leave
    unchanged ones alone (importing the same file twice changes nothing). All in one transaction,
    with one audit event for the batch. When the file had bad rows, the user must confirm that
    only the valid ones are imported."""
    require_enterprise_editor(acting_user)
    now = now or timezone.now()
    batch = _lock_batch(acting_user, batch_id)
    if batch.valid_count == 0:
        raise ApplicationError("文件中没有可导入的有效行", code="no_valid_rows")
    if batch.invalid_count and not confirm_partial:
        raise ApplicationError(
            f"文件中有 {batch.invalid_count} 行有误，请勾选确认后仅导入 {batch.valid_count} 条有效行",
            code="confirmation_required",
        )
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    scope_check = importing.RegionIndex.load(acting_user)
    try:
        for chunk in importing.iter_stored_chunks(batch.rows_path):
            existing = importing.existing_by_uscc((row["uscc"] for row in chunk), lock=True)
            to_create: list[dict[str, Any]] = []
            to_update: list[dict[str, Any]] = []
            for row in chunk:
                current = existing.get(row["uscc"])
                values = {f: row[f] for f in importing.DATA_FIELDS if f in row}
                if values.get("established"):
                    values["established"] = dt.date.fromisoformat(values["established"])
                if current is None:
                    to_create.append({"uscc": row["uscc"], **values})
                    continue
                if not scope_check.in_scope(current["region__path"]):
                    counts["skipped"] += 1
                    continue
                changes = importing.changes_for(row, current)
                if not changes:
                    counts["unchanged"] += 1
                    continue
                # The row as it will be: current values, the file's changes on top.
                merged = {f: current[f] for f in importing.DATA_FIELDS}
                merged.update({name: values[name] for name in changes})
                merged["id"] = current["id"]
                to_update.append(merged)
            if to_create:
                _insert_enterprises(to_create, now)
                counts["created"] += len(to_create)
            if to_update:
                _update_enterprises(to_update, now)
                counts["updated"] += len(to_update)
    except IntegrityError as exc:
        raise ApplicationError(
            "导入未完成：登记信息在预览后发生了变化，请重新上传文件预览", code="import_failed"
        ) from exc
    batch.status = ImportStatus.APPLIED
    batch.applied_at = now
    batch.applied_by = acting_user
    batch.result = counts
    batch.save(update_fields=["status", "applied_at", "applied_by", "result"])
    record(
        "enterprise.import",
        actor=acting_user,
        obj=batch,
        after={
            "file_name": batch.file_name,
            "sha256": batch.sha256,
            "rows": batch.total_rows,
            "invalid": batch.invalid_count,
            **counts,
        },
    )
    path = batch.rows_path
    transaction.on_commit(lambda: importing.delete_stored_rows(path))
    return batch


def _field(name: str) -> models.Field:
    """The concrete model field behind an attribute name ("region_id" → the region key)."""
    field = Enterprise._meta.get_field(name.removesuffix("_id"))
    assert isinstance(field, models.Field)
    return field


_INSERT_DEFAULTS: dict[str, Any] = {
    "legal_representative": "",
    "address": "",
    "established": None,
    "liaison_name": "",
    "liaison_phone": "",
    "liaison_id_number": "",
    "contact_phone": "",
    "is_active": True,
    "version": 1,
}


def _insert_enterprises(rows: list[dict[str, Any]], now: dt.datetime) -> None:
    """Insert new enterprises, many rows per INSERT statement. `bulk_create` spends most of a
    100,000-row import preparing each field of each row; the values here are already clean, and
    only dates need the backend's adaptation."""
    require_transaction()
    ops = connection.ops
    meta = Enterprise._meta
    names = ["uscc", *importing.DATA_FIELDS, *[n for n in _INSERT_DEFAULTS if n not in importing.DATA_FIELDS]]
    columns = [_field(n).column for n in [*names, "created_at", "updated_at"]]
    head = "INSERT INTO {} ({})".format(
        ops.quote_name(meta.db_table), ", ".join(ops.quote_name(c) for c in columns)
    )
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, min(500, (connection.features.max_query_params or 10**6) // len(columns)))
    stamp = ops.adapt_datetimefield_value(now)
    established = names.index("established")
    params: list[list[Any]] = []
    for row in rows:
        values = [row.get(n, _INSERT_DEFAULTS.get(n)) for n in names]
        if values[established] is not None:
            values[established] = ops.adapt_datefield_value(values[established])
        params.append([*values, stamp, stamp])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column: the statement text stays the same whatever the batch size,
            # so the driver neither re-parses nor re-quotes a statement per batch.
            fields = [_field(n) for n in [*names, "created_at", "updated_at"]]
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
            sql = f"{head} SELECT * FROM unnest({arrays})"
            for start in range(0, len(params), 5000):
                batch = params[start : start + 5000]
                cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
            return
        for start in range(0, len(params), per_statement):
            batch = params[start : start + per_statement]
            cursor.execute(
                f"{head} VALUES " + ", ".join([one_row] * len(batch)), [v for row in batch for v in row]
            )


def _update_enterprises(rows: list[dict[str, Any]], now: dt.datetime) -> None:
    """Write the import's columns of changed enterprises (rows locked and read in this
    transaction), bumping their version. One statement shape for every row: `bulk_update`'s
    CASE expressions take minutes for 100,000 rows."""
    require_transaction()
    ops = connection.ops
    meta = Enterprise._meta
    table = ops.quote_name(meta.db_table)
    names = importing.DATA_FIELDS
    fields = [_field(n) for n in names]
    stamp = ops.adapt_datetimefield_value(now)
    established = names.index("established")
    params: list[list[Any]] = []
    for row in rows:
        values = [row[n] for n in names]
        if values[established] is not None:
            values[established] = ops.adapt_datefield_value(values[established])
        params.append([*values, row["id"]])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            assignments = ", ".join(
                f"{ops.quote_name(f.column)} = v.{ops.quote_name(f.column)}" for f in fields
            )
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
            aliases = ", ".join(ops.quote_name(f.column) for f in fields)
            sql = (
                f"UPDATE {table} AS e SET {assignments}, version = e.version + 1, updated_at = %s "
                f"FROM unnest({arrays}, %s::bigint[]) AS v({aliases}, id) WHERE e.id = v.id"
            )
            for start in range(0, len(params), 5000):
                batch = params[start : start + 5000]
                cursor.execute(sql, _pg_update_params(batch, stamp))
            return
        assignments = ", ".join(f"{ops.quote_name(f.column)} = %s" for f in fields)
        sql = f"UPDATE {table} SET {assignments}, version = version + 1, updated_at = %s WHERE id = %s"
        cursor.executemany(sql, [[*row[:-1], stamp, row[-1]] for row in params])


def _pg_update_params(batch: list[list[Any]], stamp: Any) -> list[Any]:
    """[updated_at, one array per data column, the ids] — the order of the placeholders."""
    columns = [list(column) for column in zip(*batch, strict=True)]
    return [stamp, *columns[:-1], columns[-1]]


@durable_action
def do_cancel_import(*, acting_user: User, batch_id: int | str) -> ImportBatch:
    batch = _lock_batch(acting_user, batch_id)
    batch.status = ImportStatus.CANCELLED
    batch.save(update_fields=["status"])
    record(
        "enterprise.import_cancel",
        actor=acting_user,
        obj=batch,
        after={"file_name": batch.file_name, "sha256": batch.sha256},
    )
    path = batch.rows_path
    transaction.on_commit(lambda: importing.delete_stored_rows(path))
    return batch


# --- export -------------------------------------------------------------------------------------
