"""Checking an enterprise Excel file row by row, and the rows that wait to be imported.

`check_workbook()` streams the first sheet (`bangban.core.xlsx.read_rows`), validates every row with the rules of
`validation.py`, resolves regions against the importer's scope, finds codes that appear twice in
the file and compares each remaining row with the registry: new, changed or unchanged. Nothing
is written to the registry here. The valid rows go, compressed, into a JSON-lines file in the
default storage (MEDIA_ROOT), where `actions.do_apply_import` reads them back.

Memory stays bounded whatever the file size: rows are never all held at once (only the set of
codes seen, to find duplicates), the registry is compared in chunks, and at most
`MAX_STORED_ERRORS` problems are kept for display (the full count is always reported).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from bangban.accounts.access import scope_of
from bangban.core.errors import FileRejected
from bangban.core.xlsx import cell_text, read_rows
from bangban.org.models import Region

from .models import Enterprise
from .uscc import make_uscc
from .validation import (
    FieldError,
    parse_date,
    parse_industry,
    parse_mobile,
    parse_phone,
    parse_scale,
    parse_text,
    parse_tier,
    parse_uscc,
)

# Column header → model field. The first six are required.
REQUIRED_COLUMNS: dict[str, str] = {
    "统一社会信用代码": "uscc",
    "企业名称": "name",
    "所属区划": "region",
    "行业门类": "industry",
    "企业规模": "scale",
    "企业层级": "tier",
}
OPTIONAL_COLUMNS: dict[str, str] = {
    "法定代表人": "legal_representative",
    "地址": "address",
    "成立日期": "established",
    "工作联络员": "liaison_name",
    "联络员手机": "liaison_phone",
    "企业联系电话": "contact_phone",
}
COLUMNS: dict[str, str] = {**REQUIRED_COLUMNS, **OPTIONAL_COLUMNS}
COLUMN_ORDER = {c: i for i, c in enumerate(COLUMNS)}

# Fields compared and written by an import (region as its id).
DATA_FIELDS = [
    "name",
    "region_id",
    "industry",
    "scale",
    "tier",
    "legal_representative",
    "address",
    "established",
    "liaison_name",
    "liaison_phone",
    "contact_phone",
]

# The example row of the template carries a code that is valid but reserved: a file that still
# contains it is stopped at that row instead of registering a fictitious enterprise.
EXAMPLE_USCC = make_uscc("91321322MA00000000"[:17])

MAX_STORED_ERRORS = 5000
CHUNK = 1000
ROWS_DIR = "imports/enterprises"


def max_rows() -> int:
    return int(getattr(settings, "BANGBAN_IMPORT_MAX_ROWS", 200_000))


CITY_LEVEL_MESSAGE = "企业应登记在县区、功能区或乡镇街道，不能登记在市本级"


@dataclass
class RegionIndex:
    """Every active region by code, by name and by "上级名称+名称", with the importer's scope."""

    by_code: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    by_name: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    top_level: set[int] = field(default_factory=set)
    city_wide: bool = False
    scope_path: str | None = None

    @classmethod
    def load(cls, user: Any) -> RegionIndex:
        scope = scope_of(user)
        index = cls(city_wide=scope.city_wide, scope_path=scope.region_path)
        rows = list(
            Region.objects.filter(is_active=True).values_list("id", "code", "name", "path", "parent_id")
        )
        names = {pk: name for pk, _, name, _, _ in rows}
        for pk, code, name, path, parent_id in rows:
            entry = (pk, name, path)
            if parent_id is None:
                index.top_level.add(pk)
            index.by_code[code] = entry
            index.by_name.setdefault(name, []).append(entry)
            parent = names.get(parent_id)
            if parent:
                for key in (parent + name, f"{parent}/{name}", f"{parent}-{name}"):
                    index.by_name.setdefault(key, []).append(entry)
        return index

    def in_scope(self, path: str) -> bool:
        return self.city_wide or (self.scope_path is not None and path.startswith(self.scope_path))

    def resolve(self, value: Any) -> int:
        text = cell_text(value).replace(" ", "").replace("\u3000", "")
        if not text:
            raise FieldError("region_required", "所属区划不能为空")
        entry = self.by_code.get(text)
        if entry is None:
            matches = self.by_name.get(text, [])
            if len(matches) > 1:
                raise FieldError("region_ambiguous", f"区划名称“{text[:30]}”不唯一，请填写区划代码")
            entry = matches[0] if matches else None
        if entry is None:
            raise FieldError(
                "region_not_found", f"未找到区划“{text[:30]}”，请填写区划名称或代码（见模板“填写说明”页）"
            )
        pk, name, path = entry
        if not self.in_scope(path):
            raise FieldError("region_out_of_scope", f"区划“{name}”不在您的管辖范围内")
        if pk in self.top_level:
            raise FieldError("region_too_broad", CITY_LEVEL_MESSAGE)
        return pk


@dataclass
class CheckResult:
    columns: list[str]
    total_rows: int = 0
    new_count: int = 0
    updated_count: int = 0
    unchanged_count: int = 0
    invalid_rows: set[int] = field(default_factory=set)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    rows_path: str = ""

    @property
    def invalid_count(self) -> int:
        return len(self.invalid_rows)

    @property
    def valid_count(self) -> int:
        return self.new_count + self.updated_count + self.unchanged_count

    def add_error(self, row: int, column: str, value: Any, error: FieldError) -> None:
        self.invalid_rows.add(row)
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(
                {
                    "row": row,
                    "column": column,
                    "value": cell_text(value)[:100],
                    "code": error.code,
                    "reason": error.message,
                }
            )


def _validate_row(
    values: dict[str, Any], index: RegionIndex, today: dt.date
) -> tuple[dict[str, Any], list[tuple[str, FieldError]]]:
    """One row's cells → (clean values by field, [(column, error)])."""
    clean: dict[str, Any] = {}
    problems: list[tuple[str, FieldError]] = []
    for column, raw in values.items():
        name = COLUMNS[column]
        try:
            if name == "uscc":
                clean[name] = parse_uscc(raw)
            elif name == "name":
                clean[name] = parse_text(name, raw, required=True)
            elif name == "region":
                clean["region_id"] = index.resolve(raw)
            elif name == "industry":
                clean[name] = parse_industry(raw)
            elif name == "scale":
                clean[name] = parse_scale(raw)
            elif name == "tier":
                clean[name] = parse_tier(raw)
            elif name == "established":
                date = parse_date(raw, today=today)
                clean[name] = date.isoformat() if date else None
            elif name == "liaison_phone":
                clean[name] = parse_mobile(raw)
            elif name == "contact_phone":
                clean[name] = parse_phone(raw)
            else:
                clean[name] = parse_text(name, raw)
        except FieldError as exc:
            problems.append((column, exc))
    return clean, problems


def comparable(field_name: str, value: Any) -> Any:
    """Stored and file values in one form (dates as ISO text, missing text as "")."""
    if field_name == "established":
        if isinstance(value, dt.date):
            return value.isoformat()
        return value or None
    if value is None and field_name != "region_id":
        return ""
    return value


def changes_for(row: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
    """The fields of a file row that differ from the registry (only columns the file has)."""
    return {
        f: row[f] for f in DATA_FIELDS if f in row and comparable(f, row[f]) != comparable(f, existing.get(f))
    }


def existing_by_uscc(codes: Iterable[str], *, lock: bool = False) -> dict[str, dict[str, Any]]:
    qs = Enterprise.objects.filter(uscc__in=list(codes))
    if lock:
        qs = qs.select_for_update()
    return {row["uscc"]: row for row in qs.values("id", "uscc", "version", "region__path", *DATA_FIELDS)}


def _chunks(lines: Iterator[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for item in lines:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _read_jsonl(fileobj: Any) -> Iterator[dict[str, Any]]:
    for line in fileobj:
        if line.strip():
            yield json.loads(line)


class _RowsWriter:
    """Valid rows, compared with the registry a chunk at a time and appended to a compressed
    JSON-lines temporary file; each row carries its preview verdict in "_a"."""

    def __init__(self, result: CheckResult, index: RegionIndex) -> None:
        self.result = result
        self.index = index
        self.pending: list[dict[str, Any]] = []
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 — handed to storage, closed there
        self.gz = gzip.GzipFile(fileobj=self.file, mode="wb", compresslevel=1)
        self.out = io.TextIOWrapper(self.gz, encoding="utf-8")

    def add(self, row: dict[str, Any]) -> None:
        self.pending.append(row)
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        result = self.result
        existing = existing_by_uscc(row["uscc"] for row in self.pending)
        lines = []
        for row in self.pending:
            current = existing.get(row["uscc"])
            if current is None:
                row["_a"] = "new"
                result.new_count += 1
            elif not self.index.in_scope(current["region__path"]):
                result.add_error(
                    row["_row"],
                    "统一社会信用代码",
                    row["uscc"],
                    FieldError(
                        "uscc_out_of_scope",
                        "该统一社会信用代码已由您管辖范围以外的区划登记，不能通过本次导入修改",
                    ),
                )
                continue
            elif changes_for(row, current):
                row["_a"] = "updated"
                result.updated_count += 1
            else:
                row["_a"] = "unchanged"
                result.unchanged_count += 1
            lines.append(_dumps(row))
        self.out.write("\n".join(lines) + "\n" if lines else "")
        self.pending = []

    def finish(self) -> Any:
        self.flush()
        self.out.flush()
        self.out.detach()
        self.gz.close()
        self.file.seek(0)
        return self.file

    def close(self) -> None:
        self.file.close()


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _drop_codes(packed: Any, codes: set[str], result: CheckResult) -> Any:
    """Rewrite the rows file without the given codes (rows found twice in the file)."""
    verdicts = {"new": "new_count", "updated": "updated_count", "unchanged": "unchanged_count"}
    kept = tempfile.TemporaryFile()  # noqa: SIM115 — returned to the caller, who closes it
    with (
        gzip.GzipFile(fileobj=packed, mode="rb") as src,
        gzip.GzipFile(fileobj=kept, mode="wb", compresslevel=1) as dst,
    ):
        for line in src:
            row = json.loads(line)
            if row["uscc"] in codes:
                name = verdicts[row["_a"]]
                setattr(result, name, getattr(result, name) - 1)
                continue
            dst.write(line)
    packed.close()
    kept.seek(0)
    return kept


def check_workbook(workbook: Any, user: Any, *, today: dt.date) -> CheckResult:
    """Validate the first sheet of `workbook` for `user`. Writes only the rows file."""
    ws = workbook.worksheets[0]
    header_map, rows = read_rows(ws, list(REQUIRED_COLUMNS), list(OPTIONAL_COLUMNS))
    columns = sorted(header_map, key=COLUMN_ORDER.__getitem__)
    result = CheckResult(columns=columns)
    index = RegionIndex.load(user)
    limit = max_rows()
    occurrences: dict[str, int | list[int]] = {}
    duplicates: set[str] = set()
    writer = _RowsWriter(result, index)
    try:
        for number, values in rows:
            result.total_rows += 1
            if result.total_rows > limit:
                raise FileRejected(
                    f"文件数据行超过 {limit:,} 行，请拆分为多个文件后分批导入", code="too_many_rows"
                )
            clean, problems = _validate_row(values, index, today)
            code = clean.get("uscc")
            if code:
                if code == EXAMPLE_USCC:
                    problems.insert(
                        0,
                        (
                            "统一社会信用代码",
                            FieldError("example_row", "这是导入模板中的示例行，请删除后再导入"),
                        ),
                    )
                seen = occurrences.get(code)
                if seen is None:
                    occurrences[code] = number
                else:
                    occurrences[code] = [*seen, number] if isinstance(seen, list) else [seen, number]
                    duplicates.add(code)
            for column, error in problems:
                result.add_error(number, column, values.get(column), error)
            if not problems:
                clean["_row"] = number
                writer.add(clean)
        packed = writer.finish()
    except BaseException:
        writer.close()
        raise

    # The same code twice in one file: no row of it is imported, each names the others.
    for code in duplicates:
        numbers = occurrences[code]
        assert isinstance(numbers, list)
        listed = "、".join(str(n) for n in numbers[:10]) + ("…" if len(numbers) > 10 else "")
        for number in numbers:
            others = [n for n in numbers if n != number]
            message = (
                f"统一社会信用代码在文件中重复出现（第 {listed} 行），请只保留一行"
                if len(others) > 1
                else f"与第 {others[0]} 行的统一社会信用代码重复，请只保留一行"
            )
            result.add_error(number, "统一社会信用代码", code, FieldError("uscc_duplicate_in_file", message))
    del occurrences
    if duplicates:
        packed = _drop_codes(packed, duplicates, result)
    try:
        result.rows_path = default_storage.save(f"{ROWS_DIR}/{uuid.uuid4().hex}.jsonl.gz", File(packed))
    finally:
        packed.close()
    result.errors.sort(key=lambda e: (e["row"], COLUMN_ORDER.get(e["column"], 99)))
    return result


def iter_stored_rows(path: str) -> Iterator[dict[str, Any]]:
    """The valid rows a preview kept, in file order."""
    with default_storage.open(path, "rb") as stored, gzip.GzipFile(fileobj=stored, mode="rb") as gz:
        yield from _read_jsonl(io.TextIOWrapper(gz, encoding="utf-8"))


def iter_stored_chunks(path: str, size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    return _chunks(iter_stored_rows(path), size)


def delete_stored_rows(path: str) -> None:
    if path and default_storage.exists(path):
        default_storage.delete(path)


# --- the template ---------------------------------------------------------------------------------

TEMPLATE_EXAMPLE = {
    "统一社会信用代码": EXAMPLE_USCC,
    "企业名称": "宿迁示例科技有限公司",
    "所属区划": "沭阳县",
    "行业门类": "C",
    "企业规模": "小型",
    "企业层级": "一般",
    "法定代表人": "王某",
    "地址": "江苏省宿迁市沭阳县人民路1号",
    "成立日期": "2020-05-18",
    "工作联络员": "李某",
    "联络员手机": "13800000000",
    "企业联系电话": "0527-80000000",
}
