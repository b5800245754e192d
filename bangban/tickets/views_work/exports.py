"""Exporting a case list and the user's saved views of it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bangban.accounts.access import may_see_personal_data
from bangban.core.errors import NotFound, ValidationFailed
from bangban.core.export_actions import export_response
from bangban.core.exports import ExportPlan
from bangban.core.http import AuthedHttpRequest
from bangban.core.views import error_response, page_errors

from .. import export_rows, queries
from .. import forms_work as f
from ..exports import do_record_export
from ..filters import TicketFilter
from ..models import SavedView
from .queues import MAX_SAVED_VIEWS, SAVED_VIEW_PAGES


def export_plan(user: Any, params: QueryDict) -> ExportPlan:
    """One case list with the filter in `params` (registered as "tickets"): `view` names the list
    (dispatch, unit, all, mine), which the user must be allowed to open."""
    queue = params.get("view", "all")
    if queue not in queries.QUEUES:
        raise ValidationFailed("导出的列表无效，可选值：dispatch、unit、all、mine", code="invalid_filter")
    allowed = {
        "dispatch": queries.can_use_dispatch_queue,
        "unit": queries.can_use_unit_queue,
        "all": queries.can_use_all_cases,
        "mine": lambda u: True,
    }[queue]
    if not allowed(user):
        raise NotFound()
    filters = TicketFilter(params, user)
    filters.raise_for_errors()
    qs = queries.queue_queryset(queue, filters)

    def record(count: int) -> None:
        do_record_export.inner(
            acting_user=user,
            queue=queue,
            filters=filters.as_params(),
            count=count,
            unmasked=may_see_personal_data(user),
        )

    name = queries.QUEUE_NAMES[queue]
    return ExportPlan(
        filename=f"{name}_{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title=name,
        headers=export_rows.EXPORT_HEADERS,
        rows=export_rows.export_rows(user, qs, filters.now),
        total=qs.count(),
        record=record,
        widths=export_rows.EXPORT_WIDTHS,
        text_columns=export_rows.EXPORT_TEXT_COLUMNS,
    )


@login_required
@require_GET
@page_errors
def export(request: AuthedHttpRequest) -> HttpResponseBase:
    return export_response(request, "tickets")


# --- saved views ----------------------------------------------------------------------------------


def _clean_query(raw: str) -> str:
    """Keep only the filter parameters (no page number, nothing unknown)."""
    params = QueryDict(raw or "")
    kept = [(k, v) for k in TicketFilter.fields for v in params.getlist(k) if v]
    return urlencode(kept)


@login_required
@require_POST
def saved_view_save(request: AuthedHttpRequest) -> HttpResponse:
    form = f.SavedViewForm(request.POST)
    page = request.POST.get("page", "unit")
    target = reverse(SAVED_VIEW_PAGES.get(page, "tickets:unit_queue"))
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(target + "?" + _clean_query(request.POST.get("query", "")))
    data = form.cleaned_data
    query = _clean_query(data["query"])
    if SavedView.objects.filter(user=request.user).count() >= MAX_SAVED_VIEWS:
        messages.error(request, f"常用筛选最多保存 {MAX_SAVED_VIEWS} 个，请先删除不用的")
        return redirect(target + "?" + query)
    try:
        SavedView.objects.update_or_create(
            user=request.user, page=data["page"], name=data["name"], defaults={"query": query}
        )
    except IntegrityError:
        messages.error(request, "保存失败，请重试")
    else:
        messages.success(request, f"已保存常用筛选“{data['name']}”")
    return redirect(target + ("?" + query if query else ""))


@login_required
@require_GET
def saved_view_apply(request: AuthedHttpRequest, view_id: int) -> HttpResponse:
    view = SavedView.objects.filter(user=request.user, pk=view_id).first()
    if view is None:
        return error_response(request, NotFound())
    target = reverse(SAVED_VIEW_PAGES.get(view.page, "tickets:unit_queue"))
    return redirect(target + ("?" + view.query if view.query else ""))


@login_required
@require_POST
def saved_view_delete(request: AuthedHttpRequest, view_id: int) -> HttpResponse:
    view = SavedView.objects.filter(user=request.user, pk=view_id).first()
    if view is None:
        return error_response(request, NotFound())
    page = view.page
    view.delete()
    messages.success(request, f"已删除常用筛选“{view.name}”")
    return redirect(reverse(SAVED_VIEW_PAGES.get(page, "tickets:unit_queue")))
