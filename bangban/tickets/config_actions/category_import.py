"""Importing categories from a workbook."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import FileRejected, ValidationFailed
from bangban.core.kit import durable_action
from bangban.core.xlsx import cell_text, open_xlsx, read_rows

from ..models import Category
from ._common import IMPORT_HEADERS, IMPORT_MAX_ROWS, NAME_MAX, _new_category
from .access import require_config_admin


@dataclass
class CategoryImport:
    """What an uploaded catalogue holds: the distinct valid paths (each as 1–3 names), the problems
    of each invalid row, and how many paths are new."""

    paths: list[tuple[str, ...]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    total_rows: int = 0
    new_count: int = 0
    existing_count: int = 0

    @property
    def invalid_rows(self) -> int:
        return len({e["row"] for e in self.errors})


def _import_name(value: Any) -> tuple[str, str | None]:
    text = " ".join(cell_text(value).split())
    if len(text) > NAME_MAX:
        return text, f"名称超过 {NAME_MAX} 个字"
    if "/" in text:
        return text, "名称不能包含“/”"
    return text, None


def _check_rows(rows: Iterable[tuple[int, dict[str, Any]]]) -> CategoryImport:
    result = CategoryImport()
    seen: set[tuple[str, ...]] = set()
    for number, row in rows:
        result.total_rows += 1
        if result.total_rows > IMPORT_MAX_ROWS:
            raise FileRejected(f"文件超过 {IMPORT_MAX_ROWS} 行，请拆分后导入", code="too_many_rows")
        names: list[str] = []
        problems: list[tuple[str, str, str]] = []
        for header in IMPORT_HEADERS:
            name, problem = _import_name(row.get(header))
            names.append(name)
            if problem:
                problems.append((header, name, problem))
        first, second, third = names
        if not first:
            problems.append(("一级分类", "", "一级分类不能为空"))
        if third and not second:
            problems.append(("二级分类", "", "填写了三级分类时，二级分类不能为空"))
        if problems:
            result.errors.extend(
                {"row": number, "column": c, "value": v, "reason": r} for c, v, r in problems
            )
            continue
        path = tuple(n for n in (first, second, third) if n)
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix not in seen:
                seen.add(prefix)
                result.paths.append(prefix)
    existing = set(Category.objects.values_list("path", flat=True))
    result.new_count = sum(1 for p in result.paths if "/".join(p) not in existing)
    result.existing_count = len(result.paths) - result.new_count
    return result


def parse_category_workbook(uploaded_file: Any) -> CategoryImport:
    """Read and check an uploaded .xlsx without writing anything."""
    workbook = open_xlsx(uploaded_file)
    try:
        _headers, rows = read_rows(workbook.worksheets[0], IMPORT_HEADERS[:1], IMPORT_HEADERS[1:])
        return _check_rows(rows)
    finally:
        workbook.close()


def _validated_paths(paths: Iterable[Iterable[str]]) -> Iterator[tuple[str, ...]]:
    for raw in paths:
        path = tuple(" ".join(str(n).split()) for n in raw)
        if not 1 <= len(path) <= 3 or any(not n or len(n) > NAME_MAX or "/" in n for n in path):
            raise ValidationFailed("导入数据无效，请重新上传文件", code="import_invalid")
        yield path


@durable_action
def do_import_categories(*, acting_user: User, paths: Iterable[Iterable[str]]) -> dict[str, int]:
    """Create every category of `paths` that does not exist yet (matched by full name), parents
    first. Importing the same file again creates nothing. Existing categories are left as they
    are (a deactivated one stays deactivated)."""
    require_config_admin(acting_user)
    wanted = sorted(set(_validated_paths(paths)), key=len)
    created = 0
    # One lock for the whole import: two administrators importing at once cannot both create
    # the same category or hand out the same code.
    list(Category.objects.select_for_update().filter(level=1).values_list("pk", flat=True))
    by_path = {c.path: c for c in Category.objects.all()}
    taken = set(Category.objects.values_list("code", flat=True))
    for path in wanted:
        key = "/".join(path)
        if key in by_path:
            continue
        parent = by_path.get("/".join(path[:-1])) if len(path) > 1 else None
        if len(path) > 1 and parent is None:
            continue  # unreachable: parents come first
        category = _new_category(parent, path[-1], None, taken)
        by_path[key] = category
        created += 1
    result = {"created": created, "existing": len(wanted) - created}
    record(
        "tickets.categories_imported",
        actor=acting_user,
        object_type="tickets.category",
        object_repr="诉求分类导入",
        after=result,
    )
    return result
