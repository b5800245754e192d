"""Shared helpers of the outreach pages: the error wrapper, a described form (fields rendered by
`outreach/_form.html` with the action's messages next to them) and the described list page
(`outreach/list.html`: search, filters, paging, export, empty state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from bangban.core.errors import ApplicationError
from bangban.core.http import AuthedHttpRequest


@dataclass
class Field:
    name: str
    label: str
    type: str = "text"  # text, textarea, select, multiselect, date, number, checkbox, radio, tel, hidden
    options: list[tuple[Any, str]] = field(default_factory=list)
    required: bool = False
    help: str = ""
    value: Any = ""
    error: str = ""
    maxlength: int | None = None

    @property
    def values(self) -> list[str]:
        if isinstance(self.value, list | tuple):
            return [str(v) for v in self.value]
        return [str(self.value)]


def form_data(request: AuthedHttpRequest, fields: list[Field]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in fields:
        if f.type == "multiselect":
            data[f.name] = request.POST.getlist(f.name)
        elif f.type == "checkbox":
            data[f.name] = request.POST.get(f.name) in ("1", "on", "true")
        else:
            data[f.name] = request.POST.get(f.name, "")
    return data


def bind(fields: list[Field], data: dict[str, Any], error: ApplicationError | None = None) -> list[Field]:
    problems = (error.details or {}).get("fields", {}) if error and isinstance(error.details, dict) else {}
    for f in fields:
        if f.name in data:
            f.value = data[f.name]
        f.error = problems.get(f.name, "")
    return fields


def form_page(
    request: AuthedHttpRequest,
    *,
    title: str,
    fields: list[Field],
    error: ApplicationError | None = None,
    back: str = "",
    submit: str = "提交",
    intro: str = "",
    narrow: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "outreach/form.html",
        {
            "title": title,
            "fields": fields,
            "error": error,
            "back": back,
            "submit": submit,
            "intro": intro,
            "narrow": narrow,
        },
        status=status if error is None else error.status,
    )


@dataclass
class Column:
    label: str


@dataclass
class Cell:
    text: Any
    link: str = ""
    badge: str = ""  # a bootstrap colour for a badge


@dataclass
class ListPage:
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    page: Any
    qs: str
    filters: list[Field] = field(default_factory=list)
    create_url: str = ""
    create_label: str = ""
    export_url: str = ""
    empty: str = "暂无记录"
    filtered_empty: str = "没有符合条件的记录，试试放宽筛选条件"
    testid: str = "outreach-table"
    extra_links: list[tuple[str, str]] = field(default_factory=list)
    notice: str = ""  # a warning shown above the table
    note: str = ""

    @property
    def filtered(self) -> bool:
        return any(f.value not in ("", None, []) for f in self.filters)


def list_page(request: AuthedHttpRequest, spec: ListPage) -> HttpResponse:
    return render(request, "outreach/list.html", {"spec": spec, "page": spec.page, "qs": spec.qs})


def get_filters(request: AuthedHttpRequest, fields: list[Field]) -> list[Field]:
    for f in fields:
        f.value = request.GET.get(f.name, "").strip()[:100]
    return fields
