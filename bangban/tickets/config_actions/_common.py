"""Limits and helpers the configuration actions share."""

from __future__ import annotations

from bangban.core.errors import ValidationFailed

from ..models import Category

NAME_MAX = 60
MAX_WORKDAYS = 60
MAX_WARN_WORKDAYS = 10
MAX_EXTENSIONS = 5
IMPORT_HEADERS = ("一级分类", "二级分类", "三级分类")
IMPORT_MAX_ROWS = 5000


def _invalid(field_name: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"fields": {field_name: message}})


def _next_code(parent: Category | None, taken: set[str]) -> str:
    prefix = parent.code if parent else ""
    n = 1
    while True:
        code = f"{prefix}{n:02d}" if n < 100 else f"{prefix}{n:03d}"
        if code not in taken:
            return code
        n += 1


def _children_codes(parent: Category | None) -> set[str]:
    prefix = parent.code if parent else ""
    return set(Category.objects.filter(code__startswith=prefix).values_list("code", flat=True))


def _new_category(
    parent: Category | None, name: str, sort: int | None, taken: set[str] | None = None
) -> Category:
    if parent is not None and parent.level >= 3:
        raise _invalid("parent", "category_too_deep", "诉求分类最多三级，不能在三级分类下再建下级")
    if Category.objects.filter(parent=parent, name=name).exists():
        raise _invalid("name", "category_duplicate", f"同一上级下已有名为“{name}”的分类")
    codes = taken if taken is not None else _children_codes(parent)
    code = _next_code(parent, codes)
    codes.add(code)
    if sort is None:
        sort = (
            Category.objects.filter(parent=parent).order_by("-sort").values_list("sort", flat=True).first()
            or 0
        ) + 1
    return Category.objects.create(
        code=code,
        name=name,
        parent=parent,
        level=(parent.level + 1) if parent else 1,
        path=f"{parent.path}/{name}" if parent else name,
        sort=sort,
    )
