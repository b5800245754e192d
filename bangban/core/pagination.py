"""Paging for list pages and the API: one page size bound, one page number bound, one slicing rule.

Pages (`paginate`) clamp a page number into range, as people follow links. The API takes `page`
(1–`MAX_PAGE`) and `size` (1–`MAX_PAGE_SIZE`), refuses values outside those bounds with
`validation_error` (422), and answers a page past the end with an empty `items` list. Every API
list answers `Page[ItemOut]` (`{count, page, size, items}`, published as `Page_ItemOut_`), built by
`page_body`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Schema

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
MAX_PAGE = 10_000

PAGE_DESCRIPTION = f"页码，1–{MAX_PAGE}；超出末页时返回空列表"
SIZE_DESCRIPTION = f"每页条数，1–{MAX_PAGE_SIZE}"


@dataclass
class PageResult:
    page: PaginatorPage
    querystring_without_page: str

    @property
    def items(self) -> list[Any]:
        return list(self.page.object_list)


def paginate(
    request: HttpRequest, queryset: QuerySet[Any] | Sequence[Any], per_page: int = DEFAULT_PAGE_SIZE
) -> PageResult:
    try:
        size = int(request.GET.get("size", per_page))
    except ValueError:
        size = per_page
    size = max(1, min(size, MAX_PAGE_SIZE))
    paginator = Paginator(queryset, size)
    number: Any = request.GET.get("page")
    try:
        number = min(int(number), MAX_PAGE) if number is not None else 1
    except (TypeError, ValueError):
        number = 1
    page = paginator.get_page(number)
    params = request.GET.copy()
    params.pop("page", None)
    return PageResult(page=page, querystring_without_page=urlencode(list(params.lists()), doseq=True))


# --- the API ---------------------------------------------------------------------------------------

T = TypeVar("T")


class Page(Schema, Generic[T]):
    """The body of every API list: one page of `items` and the total `count`."""

    count: int = Field(description="符合条件的总数")
    page: int = Field(description="页码（从1开始）；超出末页时 items 为空")
    size: int = Field(description="每页条数")
    items: list[T] = Field(description="本页记录")


class PageQuery(Schema):
    """The paging parameters of every API list."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description=PAGE_DESCRIPTION)
    size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=SIZE_DESCRIPTION)


# `page` and `size` as separate query parameters of an API operation: `page: PageNumber = 1`.
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description=PAGE_DESCRIPTION)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=SIZE_DESCRIPTION)]


def page_slice(items: Any, page: int, size: int) -> tuple[int, list[Any]]:
    """The total and one page of `items` (a QuerySet or a list); a page past the end is empty."""
    page = max(1, min(page, MAX_PAGE))
    size = max(1, min(size, MAX_PAGE_SIZE))
    count = items.count() if isinstance(items, QuerySet) else len(items)
    start = (page - 1) * size
    return count, (list(items[start : start + size]) if start < count else [])


def page_body(
    items: Any,
    page: int | PageQuery,
    size: int | None = None,
    out: Callable[[Any], Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The `Page` body of an API list: `page_body(qs, query, out=…)` with a `PageQuery`, or
    `page_body(qs, page, size, out)`; `extra` fields join the body (a page schema's own fields)."""
    if isinstance(page, PageQuery):
        number, size = page.page, page.size
    else:
        number = page
    if size is None:
        raise TypeError("page_body needs a size")
    count, rows = page_slice(items, number, size)
    return {
        "count": count,
        "page": number,
        "size": size,
        "items": [out(r) for r in rows] if out is not None else rows,
        **extra,
    }
