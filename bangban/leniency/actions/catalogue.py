"""司法局 keeps the 免罚轻罚清单 from .xlsx (R9.2): upload → every row checked and shown as 新增 / 更新 /
无变化 / 错误 with its reason (nothing in the catalogue yet) → on confirmation the new and changed
rows enter the catalogue in one transaction. A changed item becomes a new revision; the decisions
that cite the old one keep citing it. An item can also be retired (停用)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import FileRejected, InvalidTransition, NotFound, ValidationFailed
from bangban.core.kit import durable_action
from bangban.core.xlsx import cell_text, open_xlsx, read_rows
from bangban.org.models import Unit

from .. import workflow
from ..access import is_keeper, require_keeper
from ..models import CatalogueImport, CatalogueItem, Discretion, ImportStatus

COLUMNS = ("编号", "领域", "违法行为", "违法依据", "处罚依据", "适用情形", "裁量", "所属单位")
REQUIRED_COLUMNS = COLUMNS
MAX_ROWS = 500
# column → (model field, length limit)
FIELDS = {
    "编号": ("code", 30),
    "领域": ("field", 40),
    "违法行为": ("behaviour", 300),
    "违法依据": ("violated_basis", 2000),
    "处罚依据": ("penalty_basis", 2000),
    "适用情形": ("conditions", 2000),
}
CONTENT = ("field", "behaviour", "violated_basis", "penalty_basis", "conditions", "discretion", "unit_id")
DISCRETION_WORDS = {
    "不予处罚": Discretion.NO_PENALTY,
    "免罚": Discretion.NO_PENALTY,
    "减轻处罚": Discretion.REDUCED,
    "减轻": Discretion.REDUCED,
    "从轻处罚": Discretion.LIGHTER,
    "从轻": Discretion.LIGHTER,
    **{str(c): Discretion(c) for c in Discretion.values},
}
TEMPLATE_NOTES = [
    ["编号", "必填", "清单内唯一，如 SC-01；已有编号的行为更新（生成新的修订版次，原版次保留）"],
    ["领域", "必填", "如 市场监管、生态环境、应急管理、税务，不超过40字"],
    ["违法行为", "必填", "不超过300字"],
    ["违法依据 / 处罚依据", "必填", "法律法规名称及条款"],
    ["适用情形", "必填", "适用免罚或轻罚的具体情形"],
    ["裁量", "必填", "不予处罚、减轻处罚或从轻处罚"],
    ["所属单位", "必填", "执法单位全称、简称或代码，如 市市场监管局"],
]


def _units() -> dict[str, int]:
    found: dict[str, int] = {}
    for pk, code, name, short in Unit.objects.filter(is_active=True).values_list(
        "pk", "code", "name", "short_name"
    ):
        for key in (code, name, short):
            if key:
                found.setdefault(key, pk)
    return found


def row_data(raw: dict[str, Any], units: dict[str, int]) -> dict[str, Any]:
    """One sheet row as the fields of a catalogue item, or ValidationFailed with the Chinese reason."""
    data: dict[str, Any] = {}
    for column, (name, limit) in FIELDS.items():
        text = cell_text(raw.get(column))
        if not text:
            raise ValidationFailed(f"“{column}”为空", code="cell_required", details={"column": column})
        if len(text) > limit:
            raise ValidationFailed(
                f"“{column}”超过 {limit} 字", code="cell_too_long", details={"column": column}
            )
        data[name] = text
    word = cell_text(raw.get("裁量")).replace(" ", "")
    if not word:
        raise ValidationFailed("“裁量”为空", code="cell_required", details={"column": "裁量"})
    if word not in DISCRETION_WORDS:
        raise ValidationFailed(
            f"裁量“{word[:20]}”无效，应为不予处罚、减轻处罚或从轻处罚", code="invalid_discretion",
            details={"column": "裁量"},
        )  # fmt: skip
    data["discretion"] = str(DISCRETION_WORDS[word])
    unit = cell_text(raw.get("所属单位"))
    if not unit:
        raise ValidationFailed("“所属单位”为空", code="cell_required", details={"column": "所属单位"})
    if unit not in units:
        raise ValidationFailed(
            f"所属单位“{unit[:30]}”不存在", code="unknown_unit", details={"column": "所属单位"}
        )
    data["unit_id"] = units[unit]
    return data


def _current_by_code(codes: set[str]) -> dict[str, CatalogueItem]:
    return {i.code: i for i in CatalogueItem.objects.filter(is_current=True, code__in=sorted(codes))}


def _same(item: CatalogueItem, data: dict[str, Any]) -> bool:
    return all(getattr(item, f) == data[f] for f in CONTENT)


def check_rows(rows: Any) -> list[dict[str, Any]]:
    """Every row with its verdict: `kind` new / update / same / error, `error` the reason."""
    read: list[tuple[int, dict[str, Any]]] = []
    for number, raw in rows:
        if len(read) >= MAX_ROWS:
            raise FileRejected(f"一次最多导入 {MAX_ROWS} 行，请拆分文件后分批上传", code="too_many_rows")
        read.append((number, raw))
    units = _units()
    current = _current_by_code({cell_text(raw.get("编号")) for _, raw in read})
    seen: dict[str, int] = {}
    checked: list[dict[str, Any]] = []
    for number, raw in read:
        code = cell_text(raw.get("编号"))[:30]
        item: dict[str, Any] = {
            "row": number,
            "code": code,
            "behaviour": cell_text(raw.get("违法行为"))[:300],
        }
        try:
            data = row_data(raw, units)
            if code in seen:
                raise ValidationFailed(f"编号与第 {seen[code]} 行重复", code="duplicate_code")
            seen[code] = number
        except ValidationFailed as exc:
            item.update(kind="error", error=exc.message, data=None)
        else:
            existing = current.get(code)
            kind = "new" if existing is None else ("same" if _same(existing, data) else "update")
            item.update(
                kind=kind, error="", data=data, discretion_label=str(Discretion(data["discretion"]).label)
            )
        checked.append(item)
    return checked


@durable_action
def do_preview_catalogue_import(
    *, acting_user: User, uploaded_file: Any, now: dt.datetime
) -> CatalogueImport:
    """Check every row of the file and keep the result; the catalogue is not touched."""
    require_keeper(acting_user)
    if uploaded_file is None:
        raise FileRejected("请选择要上传的 .xlsx 文件", code="file_required")
    workbook = open_xlsx(uploaded_file)
    try:
        _, rows = read_rows(workbook.worksheets[0], REQUIRED_COLUMNS)
        checked = check_rows(rows)
    finally:
        workbook.close()
    if not checked:
        raise FileRejected("文件中没有数据行", code="empty_file")
    counts = {k: sum(1 for r in checked if r["kind"] == k) for k in ("new", "update", "same", "error")}
    batch = CatalogueImport.objects.create(
        file_name=str(getattr(uploaded_file, "name", "") or "清单导入.xlsx")[:200],
        rows=checked,
        new_count=counts["new"],
        update_count=counts["update"],
        same_count=counts["same"],
        error_count=counts["error"],
        created_by=acting_user,
        created_at=now,
    )
    record(
        "leniency.catalogue_import_previewed",
        actor=acting_user,
        obj=batch,
        after={"file": batch.file_name, **counts},
    )
    return batch


def access_import(user: Any, import_id: Any, *, for_update: bool = False) -> CatalogueImport:
    """An import is seen by the person who uploaded it, while he or she keeps the catalogue."""
    if not is_keeper(user):
        raise NotFound()
    qs = CatalogueImport.objects.filter(created_by_id=user.pk)
    if for_update:
        return kit.lock(qs, import_id)
    try:
        pk = int(str(import_id).strip())
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def _write_item(user: User, data: dict[str, Any], now: dt.datetime) -> tuple[str, CatalogueItem | None]:
    """Add one row to the catalogue as it stands now: "new", "update" (a new revision) or "same"."""
    existing = CatalogueItem.objects.select_for_update().filter(code=data["code"], is_current=True).first()
    if existing is not None and _same(existing, data):
        return "same", None
    if existing is not None:
        existing.is_current = False
        existing.retired_at = now
        existing.save(update_fields=["is_current", "retired_at"])
    last = CatalogueItem.objects.filter(code=data["code"]).aggregate(n=Max("revision"))["n"]
    revision = (last or 0) + 1
    item = CatalogueItem.objects.create(revision=revision, created_by=user, created_at=now, **data)
    return ("new" if existing is None else "update"), item


@durable_action
def do_apply_catalogue_import(
    *, acting_user: User, import_id: Any, version: Any = None, now: dt.datetime
) -> CatalogueImport:
    """Write the checked rows in one transaction, compared again with the catalogue as it is now
    (a row changed by someone else meanwhile is written as an update)."""
    batch = access_import(acting_user, import_id, for_update=True)
    kit.check_version(batch, version)
    applied = workflow.CATALOGUE_IMPORT.check(
        batch.status,
        "apply",
        message=f"该导入{batch.get_status_display()}，不能再次操作",
        code="import_closed",
    )
    if batch.new_count + batch.update_count == 0:
        raise InvalidTransition("没有需要导入的新增或更新行，请修改文件后重新上传", code="nothing_to_import")
    done: dict[str, list[str]] = {"new": [], "update": []}
    rows = []
    for row in batch.rows:
        if row.get("data") is not None and row["kind"] in ("new", "update"):
            kind, item = _write_item(acting_user, {"code": row["code"], **row["data"]}, now)
            row = {**row, "kind": kind, "item_id": item.pk if item else None}
            if kind in done:
                done[kind].append(row["code"])
        rows.append(row)
    batch.rows = rows
    batch.status = applied
    batch.applied_at = now
    kit.save_change(batch, ["rows", "status", "applied_at"])
    record(
        "leniency.catalogue_import_applied",
        actor=acting_user,
        obj=batch,
        before={"status": ImportStatus.PREVIEWED},
        after={"status": batch.status, "new": done["new"], "updated": done["update"]},
    )
    return batch


@durable_action
def do_cancel_catalogue_import(*, acting_user: User, import_id: Any, version: Any = None) -> CatalogueImport:
    batch = access_import(acting_user, import_id, for_update=True)
    kit.check_version(batch, version)
    batch.status = workflow.CATALOGUE_IMPORT.check(
        batch.status,
        "cancel",
        message=f"该导入{batch.get_status_display()}，不能再次操作",
        code="import_closed",
    )
    kit.save_change(batch, ["status"])
    record(
        "leniency.catalogue_import_cancelled",
        actor=acting_user,
        obj=batch,
        before={"status": ImportStatus.PREVIEWED},
        after={"status": batch.status},
    )
    return batch


@durable_action
def do_retire_item(*, acting_user: User, item_id: Any, now: dt.datetime) -> CatalogueItem:
    """Take an item out of the catalogue in force; decisions that cite it keep it."""
    require_keeper(acting_user)
    item = kit.lock(CatalogueItem.objects.filter(is_current=True), item_id)
    item.is_current = False
    item.retired_at = now
    item.save(update_fields=["is_current", "retired_at"])
    record(
        "leniency.item_retire",
        actor=acting_user,
        obj=item,
        before={"is_current": True},
        after={"is_current": False, "code": item.code, "revision": item.revision},
    )
    return item


def recent_imports(user: Any) -> Any:
    if not is_keeper(user):
        return CatalogueImport.objects.none()
    return CatalogueImport.objects.filter(created_by_id=user.pk)[:10]
