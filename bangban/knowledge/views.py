"""Pages of the answer knowledge base (`/knowledge/`): the list with search, filters and the .xlsx
export, an entry's page, and 营商办's forms to add, edit, retire and restore entries. Every change goes
through `actions`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response

from . import actions, queries
from .access import access_entry, is_keeper, require_keeper, require_reader
from .models import Entry, EntryStatus

FILTERS = ("q", "area", "status")
EXPORT_COLUMNS = [
    "问题",
    "标准答复",
    "关键词",
    "领域",
    "政策依据/来源",
    "状态",
    "引用次数",
    "最后修改人",
    "最后修改时间",
]


def _filters(request: AuthedHttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in FILTERS}


def _field_errors(exc: ApplicationError) -> dict[str, str]:
    details = exc.details if isinstance(exc.details, dict) else {}
    field = details.get("field")
    return {field: exc.message, "form": exc.message} if isinstance(field, str) else {"form": exc.message}


@login_required
@require_GET
@page_errors
def entry_list(request: AuthedHttpRequest) -> HttpResponse:
    require_reader(request.user)
    values = _filters(request)
    result = paginate(request, queries.search(request.user, values))
    return render(
        request,
        "knowledge/list.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": values,
            "areas": queries.areas_in_use(request.user),
            "can_keep": is_keeper(request.user),
            "filtered": any(values.values()),
        },
    )


def _row(e: Entry) -> list[Any]:
    return [
        e.question, e.answer, e.keywords, e.area, e.basis, e.get_status_display(), e.use_count,
        e.updated_by.display_name, timezone.localtime(e.updated_at).strftime("%Y-%m-%d %H:%M"),
    ]  # fmt: skip


@login_required
@require_GET
@page_errors
def entry_export(request: AuthedHttpRequest) -> HttpResponseBase:
    require_reader(request.user)
    values = _filters(request)
    rows = [_row(e) for e in queries.search(request.user, values)]
    actions.do_record_export(acting_user=request.user, count=len(rows), filters=values)
    return xlsx_response(
        "答复知识库.xlsx", EXPORT_COLUMNS, rows, "答复知识库", widths=[30, 60, 20, 10, 30, 8, 8, 12, 16]
    )


@login_required
@require_GET
@page_errors
def entry_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = access_entry(request.user, pk)
    return render(request, "knowledge/detail.html", {"entry": entry, "can_keep": is_keeper(request.user)})


def _form_page(request: AuthedHttpRequest, entry: Entry | None) -> HttpResponseBase:
    require_keeper(request.user)
    names = actions.CONTENT
    if request.method == "POST":
        values = {n: request.POST.get(n, "") for n in names}
        data = actions.EntryInput(**values)
        try:
            if entry is None:
                saved = actions.do_create_entry(acting_user=request.user, data=data, now=timezone.now())
            else:
                saved = actions.do_update_entry(
                    acting_user=request.user,
                    entry_id=entry.pk,
                    data=data,
                    expected_version=request.POST.get("version"),
                    now=timezone.now(),
                )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = _field_errors(exc), exc.status
        else:
            messages.success(request, "知识条目已保存" if entry else "已新增知识条目")
            return redirect("knowledge:detail", pk=saved.pk)
        version = request.POST.get("version", "")
    else:
        values = {n: getattr(entry, n) if entry else "" for n in names}
        errors, status, version = {}, 200, str(entry.version) if entry else ""
    return render(
        request,
        "knowledge/form.html",
        {
            "entry": entry,
            "values": values,
            "errors": errors,
            "version": version,
            "areas": queries.areas_in_use(request.user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def entry_new(request: AuthedHttpRequest) -> HttpResponseBase:
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def entry_edit(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    require_keeper(request.user)
    entry = access_entry(request.user, pk)
    if entry.status != EntryStatus.ACTIVE:
        messages.error(request, "该条目已停用，请先恢复再修改")
        return redirect("knowledge:detail", pk=entry.pk)
    return _form_page(request, entry)


def _state_change(request: AuthedHttpRequest, pk: int, retire: bool) -> HttpResponseBase:
    require_keeper(request.user)
    action = actions.do_retire_entry if retire else actions.do_restore_entry
    try:
        entry = action(
            acting_user=request.user,
            entry_id=pk,
            expected_version=request.POST.get("version"),
            now=timezone.now(),
        )
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"已停用“{entry.question}”，坐席检索时不再显示" if retire else f"已恢复“{entry.question}”",
        )
    return redirect("knowledge:detail", pk=pk)


@login_required
@require_POST
@page_errors
def entry_retire(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    return _state_change(request, pk, retire=True)


@login_required
@require_POST
@page_errors
def entry_restore(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    return _state_change(request, pk, retire=False)
