"""Paging for list pages and the API: a fixed page size, a page number clamped into range."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200


@dataclass
class PageResult:
    page: Page
    querystring_without_page: str

    @property
    def items(self) -> list[Any]:
        return list(self.page.object_list)


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = DEFAULT_PAGE_SIZE) -> PageResult:
    try:
        size = int(request.GET.get("size", per_page))
    except ValueError:
        size = per_page
    size = max(1, min(size, MAX_PAGE_SIZE))
    paginator = Paginator(queryset, size)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return PageResult(page=page, querystring_without_page=urlencode(list(params.lists()), doseq=True))
