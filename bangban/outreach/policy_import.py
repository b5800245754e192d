"""Bulk import of 惠企政策 from .xlsx (R4.1): upload → every row checked and shown with its problem
(preview, nothing in the library yet) → the valid rows created in one step on confirmation.

Rows are read with the shared streaming helpers of `bangban.core.xlsx`; each row goes through the
same validation as the policy form (`policies._clean_policy`), so a row the form would refuse is
refused here with the same message. Labels people type (制造业, 市工业百强, 沭阳县, 市工信局) are
accepted next to codes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import FileRejected, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.core.xlsx import cell_text, open_xlsx, read_rows
from bangban.enterprises.models import Industry, Scale, Tier
from bangban.org.models import Region, Unit

from . import workflow
from .access import can_manage_policies
from .models import Policy, PolicyImport, PolicyImportStatus
from .policies import _clean_policy, active_region_codes

ACTION_LABELS = {
    "outreach.policy_import_previewed": "上传惠企政策导入文件",
    "outreach.policy_import_applied": "批量导入惠企政策",
    "outreach.policy_import_cancelled": "取消惠企政策导入",
}

REQUIRED_COLUMNS = ("政策名称", "政策要点")
OPTIONAL_COLUMNS = (
    "文号",
    "发布单位",
    "政策正文",
    "原文链接",
    "发布日期",
    "有效期至",
    "适用行业",
    "适用区划",
    "适用规模",
    "适用层级",
)
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
MAX_ROWS = 1000
TEMPLATE_EXAMPLE = {
    "政策名称": "制造业智能化改造奖补政策",
    "政策要点": "对智能化改造设备投资给予10%补助，单个项目最高500万元。",
    "文号": "宿政发〔2026〕8号",
    "发布单位": "宿迁市工业和信息化局",
    "政策正文": "",
    "原文链接": "https://www.suqian.gov.cn/",
    "发布日期": "2026-01-05",
    "有效期至": "2027-12-31",
    "适用行业": "制造业",
    "适用区划": "",
    "适用规模": "中型、小型",
    "适用层级": "",
}
TEMPLATE_NOTES = [
    ["政策名称", "必填", "不超过160字；政策库中已有同名同文号的政策时该行不导入"],
    ["政策要点", "必填", "不超过5000字"],
    ["文号", "选填", "如 宿政办发〔2024〕15号"],
    ["发布单位", "选填", "单位全称、简称或代码"],
    ["政策正文", "选填", "政策全文"],
    ["原文链接", "选填", "以 http:// 或 https:// 开头"],
    ["发布日期 / 有效期至", "选填", "如 2026-01-05 或 2026年1月5日；有效期不能早于发布日期"],
    ["适用行业", "选填", "门类字母或名称，多个用顿号分隔；不填为不限"],
    ["适用区划", "选填", "区划名称或代码，多个用顿号分隔；不填为全市"],
    ["适用规模", "选填", "大型、中型、小型、微型；不填为不限"],
    ["适用层级", "选填", "市工业百强、县区重点、一般；不填为不限"],
]

_SPLIT = re.compile(r"[、,，;；\s]+")
_CN_DATE = re.compile(r"^(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?$")


def _list(value: Any) -> list[str]:
    return [v for v in _SPLIT.split(cell_text(value)) if v]


def _codes(value: Any, choices: Any) -> list[str]:
    by_label = {str(label): code for code, label in choices}
    return [by_label.get(item, item) for item in _list(value)]


def _industries(value: Any) -> list[str]:
    """GB/T 4754 门类 as letters or names ("制造业", "C 制造业"); some names hold a "、" themselves
    (农、林、牧、渔业), so names are replaced by their letters before the cell is split."""
    text = cell_text(value)
    names = sorted(((str(label), code) for code, label in Industry.choices), key=lambda pair: -len(pair[0]))
    for label, code in names:
        text = text.replace(label, f" {code} ")
    for label, code in names:
        name = label.split(" ", 1)[-1]
        text = text.replace(name, f" {code} ")
    return [v.upper() if len(v) == 1 else v for v in _SPLIT.split(text) if v]


def _date(value: Any) -> str:
    text = cell_text(value)
    match = _CN_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


class _Lookups:
    """Regions and units read once per file."""

    def __init__(self) -> None:
        self.regions: dict[str, str] = {}
        for code, name in Region.objects.filter(is_active=True).values_list("code", "name"):
            self.regions[code] = code
            self.regions.setdefault(name, code)
        self.units: dict[str, int] = {}
        for pk, code, name, short in Unit.objects.filter(is_active=True).values_list(
            "pk", "code", "name", "short_name"
        ):
            for key in (code, name, short):
                if key:
                    self.units.setdefault(key, pk)


def row_data(raw: dict[str, Any], lookups: _Lookups) -> dict[str, Any]:
    """One sheet row as the input of `_clean_policy` (labels turned into codes where known)."""
    issuer = cell_text(raw.get("发布单位"))
    if issuer and issuer not in lookups.units:
        raise ValidationFailed(
            f"发布单位“{issuer[:30]}”不存在", code="unknown_unit", details={"fields": {"issuer_id": issuer}}
        )
    return {
        "title": cell_text(raw.get("政策名称")),
        "summary": cell_text(raw.get("政策要点")),
        "doc_number": cell_text(raw.get("文号")),
        "issuer_id": lookups.units.get(issuer) if issuer else None,
        "body": cell_text(raw.get("政策正文")),
        "url": cell_text(raw.get("原文链接")),
        "published_on": _date(raw.get("发布日期")),
        "valid_until": _date(raw.get("有效期至")),
        "industries": _industries(raw.get("适用行业")),
        "region_codes": [lookups.regions.get(v, v) for v in _list(raw.get("适用区划"))],
        "scales": _codes(raw.get("适用规模"), Scale.choices),
        "tiers": _codes(raw.get("适用层级"), Tier.choices),
    }


def _existing_keys(titles: set[str]) -> set[tuple[str, str]]:
    """(title, 文号) pairs already in the library among these titles (one query)."""
    found: set[tuple[str, str]] = set()
    ordered = sorted(titles)
    for start in range(0, len(ordered), 500):
        found.update(
            Policy.objects.filter(title__in=ordered[start : start + 500]).values_list("title", "doc_number")
        )
    return found


def check_rows(rows: Any) -> list[dict[str, Any]]:
    lookups = _Lookups()
    regions = active_region_codes()
    read: list[tuple[int, dict[str, Any]]] = []
    for number, raw in rows:
        if len(read) >= MAX_ROWS:
            raise FileRejected(f"一次最多导入 {MAX_ROWS} 行，请拆分文件后分批上传", code="too_many_rows")
        read.append((number, raw))
    existing = _existing_keys({cell_text(raw.get("政策名称")) for _, raw in read})
    checked: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in read:
        item: dict[str, Any] = {"row": number, "title": cell_text(raw.get("政策名称"))[:160], "data": None}
        try:
            data = row_data(raw, lookups)
            _clean_policy(data, regions=regions)
            key = (data["title"], data["doc_number"])
            if key in seen:
                raise ValidationFailed(f"与第 {seen[key]} 行重复（政策名称和文号相同）", code="duplicate_row")
            if key in existing:
                raise ValidationFailed("政策库中已有同名同文号的政策", code="policy_exists")
            seen[key] = number
            item["data"] = data
            item["error"], item["code"] = "", ""
        except ValidationFailed as exc:
            item["error"], item["code"] = exc.message, exc.code
        checked.append(item)
    return checked


def _require(user: Any) -> None:
    if not can_manage_policies(user):
        raise PermissionDenied("只有营商办或单位负责人可以维护和推送惠企政策")


def do_preview_policy_import(
    *, acting_user: User, uploaded_file: Any, now: dt.datetime | None = None
) -> PolicyImport:
    """Check every row of the file; nothing enters the library until the import is confirmed."""
    _require(acting_user)
    now = now or timezone.now()
    workbook = open_xlsx(uploaded_file)
    try:
        _, rows = read_rows(workbook.worksheets[0], REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
        checked = check_rows(rows)
    finally:
        workbook.close()
    if not checked:
        raise FileRejected("文件中没有数据行", code="empty_file")
    valid = sum(1 for r in checked if r["data"] is not None)
    with transaction.atomic(durable=True):
        batch = PolicyImport.objects.create(
            file_name=str(getattr(uploaded_file, "name", "") or "政策导入.xlsx")[:200],
            rows=checked,
            valid_count=valid,
            error_count=len(checked) - valid,
            created_by=acting_user,
            created_at=now,
        )
        record(
            "outreach.policy_import_previewed",
            actor=acting_user,
            obj=batch,
            after={"file": batch.file_name, "valid": valid, "errors": batch.error_count},
        )
    return batch


def access_import(user: Any, import_id: Any, *, for_update: bool = False) -> PolicyImport:
    """An import is seen by the person who uploaded it (and only while they keep the library)."""
    try:
        pk = int(import_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if not can_manage_policies(user):
        raise NotFound()
    qs = PolicyImport.objects.filter(created_by_id=user.pk)
    if for_update:
        return kit.lock(qs, pk)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def _move(batch: PolicyImport, action: str) -> str:
    """The status `action` leads to; a batch applied or cancelled already is refused."""
    return workflow.POLICY_IMPORT.check(
        batch.status,
        action,
        message=f"该导入{batch.get_status_display()}，不能再次操作",
        code="import_closed",
    )


@durable_action
def do_apply_policy_import(
    *, acting_user: User, import_id: Any, now: dt.datetime | None = None
) -> PolicyImport:
    """Create the valid rows' policies in one transaction (each audited like one entered by hand).
    Rows that became invalid since the preview (e.g. the same policy entered meanwhile) are skipped
    and marked."""
    now = now or timezone.now()
    batch = access_import(acting_user, import_id, for_update=True)
    applied = _move(batch, "apply")
    if batch.valid_count == 0:
        raise InvalidTransition("没有可导入的行，请修改文件后重新上传", code="nothing_to_import")
    created = 0
    rows = []
    regions = active_region_codes()
    existing = _existing_keys({r["data"]["title"] for r in batch.rows if r.get("data") is not None})
    for item in batch.rows:
        data = item.get("data")
        if data is not None:
            try:
                if (data["title"], data["doc_number"]) in existing:
                    raise ValidationFailed("政策库中已有同名同文号的政策", code="policy_exists")
                policy = Policy.objects.create(created_by=acting_user, **_clean_policy(data, regions=regions))
            except ValidationFailed as exc:
                item = {**item, "data": None, "error": exc.message, "code": exc.code}
            else:
                created += 1
                item = {**item, "policy_id": policy.pk}
                after = snapshot(policy)
                after["import"] = batch.pk
                record("outreach.policy_created", actor=acting_user, obj=policy, after=after)
        rows.append(item)
    batch.rows = rows
    batch.created_count = created
    batch.status = applied
    batch.applied_at = now
    batch.save(update_fields=["rows", "created_count", "status", "applied_at"])
    record(
        "outreach.policy_import_applied",
        actor=acting_user,
        obj=batch,
        before={"status": PolicyImportStatus.PREVIEWED},
        after={"status": batch.status, "created": created},
    )
    return batch


@durable_action
def do_cancel_policy_import(*, acting_user: User, import_id: Any) -> PolicyImport:
    batch = access_import(acting_user, import_id, for_update=True)
    batch.status = _move(batch, "cancel")
    batch.save(update_fields=["status"])
    record(
        "outreach.policy_import_cancelled",
        actor=acting_user,
        obj=batch,
        before={"status": PolicyImportStatus.PREVIEWED},
        after={"status": batch.status},
    )
    return batch


def recent_imports(user: Any) -> Any:
    if not can_manage_policies(user):
        return PolicyImport.objects.none()
    return PolicyImport.objects.filter(created_by_id=user.pk)[:10]
