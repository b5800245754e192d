"""The 免罚轻罚清单 pages: the catalogue in force with filters and its .xlsx export (every member of
staff), and 司法局's import (template, upload, per-row preview, confirm) and retiring of items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import (
    human_size,
    limit_upload_size,
    max_upload_bytes,
    too_large_error,
    upload_was_too_large,
    xlsx_response,
)
from bangban.org.models import Unit

from .. import actions, queries
from ..access import is_keeper, is_staff_member
from ..actions.catalogue import COLUMNS, TEMPLATE_NOTES, access_import, recent_imports
from ..models import CatalogueItem, Discretion

TEMPLATE_EXAMPLE = [
    "SC-01",
    "市场监管",
    "未按规定公示年度报告",
    "《企业信息公示暂行条例》第八条",
    "《企业信息公示暂行条例》第十七条",
    "首次未按期公示且在责令期限内补报，未造成危害后果",
    "不予处罚",
    "市市场监管局",
]


def _row(i: CatalogueItem) -> list[str]:
    return [
        i.code, i.field, i.behaviour, i.violated_basis, i.penalty_basis, i.conditions,
        i.get_discretion_display(), i.unit.name,
    ]  # fmt: skip


@login_required
@require_GET
@page_errors
def catalogue(request: AuthedHttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise NotFound()
    params = {k: request.GET.get(k, "") for k in ("field", "discretion", "unit", "q")}
    result = paginate(request, queries.catalogue(params))
    return render(
        request,
        "leniency/catalogue.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "fields": queries.fields_in_use(),
            "discretions": Discretion.choices,
            "units": Unit.objects.filter(pk__in=queries.current_items().values("unit_id")).order_by("name"),
            "can_keep": is_keeper(request.user),
        },
    )


@login_required
@require_GET
@page_errors
def catalogue_export(request: AuthedHttpRequest) -> HttpResponseBase:
    if not is_staff_member(request.user):
        raise NotFound()
    params = {k: request.GET.get(k, "") for k in ("field", "discretion", "unit", "q")}
    rows = [_row(i) for i in queries.catalogue(params)]
    actions.do_record_export(acting_user=request.user, what="免罚轻罚清单", count=len(rows))
    return xlsx_response("免罚轻罚清单.xlsx", list(COLUMNS), rows, "免罚轻罚清单")


@login_required
@require_GET
@page_errors
def catalogue_template(request: AuthedHttpRequest) -> HttpResponseBase:
    if not is_keeper(request.user):
        raise NotFound()
    return xlsx_response(
        "免罚轻罚清单导入模板.xlsx",
        list(COLUMNS),
        [TEMPLATE_EXAMPLE],
        "免罚轻罚清单",
        extra_sheets=[("填写说明", ["列", "是否必填", "说明"], TEMPLATE_NOTES)],
    )


@login_required
@require_POST
@page_errors
def item_retire(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    if not is_keeper(request.user):
        raise NotFound()
    item = actions.do_retire_item(acting_user=request.user, item_id=pk, now=timezone.now())
    messages.success(request, f"已停用 {item.code} {item.behaviour}；引用该事项的决定不受影响")
    return redirect("leniency:catalogue")


@login_required
@page_errors
@limit_upload_size
def import_upload(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_keeper(user):
        raise NotFound()
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            if upload_was_too_large(request):
                raise too_large_error(max_upload_bytes())
            batch = actions.do_preview_catalogue_import(
                acting_user=user, uploaded_file=request.FILES.get("file"), now=timezone.now()
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            error = exc
        else:
            return redirect("leniency:import_preview", batch.pk)
    return render(
        request,
        "leniency/import.html",
        {
            "error": error,
            "max_size": human_size(max_upload_bytes()),
            "columns": COLUMNS,
            "recent": list(recent_imports(user)),
        },
        status=error.status if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def import_preview(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    batch = access_import(user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("do") == "cancel":
                actions.do_cancel_catalogue_import(
                    acting_user=user, import_id=pk, version=request.POST.get("version")
                )
                messages.info(request, "已取消本次导入，清单未改动")
                return redirect("leniency:import")
            batch = actions.do_apply_catalogue_import(
                acting_user=user, import_id=pk, version=request.POST.get("version"), now=timezone.now()
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, exc.message)
            return redirect("leniency:import_preview", pk)
        messages.success(
            request, "已导入：" + "、".join(f"{r['code']}" for r in batch.rows if r.get("item_id"))
        )
        return redirect("leniency:import_preview", pk)
    only_errors = request.GET.get("errors") == "1"
    rows = [r for r in batch.rows if not only_errors or r.get("kind") == "error"]
    return render(
        request, "leniency/import_preview.html", {"batch": batch, "rows": rows, "only_errors": only_errors}
    )
