"""Pages of the enterprise registry: list with filters, detail, create/edit, deactivate, the
enterprise's own page, Excel import (upload → preview → confirm) and export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bangban.accounts.access import may_see_personal_data, show_id_number, show_phone
from bangban.audit.actions import record_personal_data_view
from bangban.core.errors import REFUSALS, ApplicationError, Conflict, NotFound
from bangban.core.export_actions import export_response
from bangban.core.exports import ExportPlan
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

from . import actions, importing
from .access import (
    access_enterprise,
    access_import_batch,
    can_edit_enterprises,
    can_edit_liaison,
    editable_regions,
    require_enterprise_editor,
    scope_regions,
)
from .demo_data import GBT4754_SECTIONS
from .filters import EnterpriseFilter
from .forms import EnterpriseForm, ImportApplyForm, LiaisonForm
from .models import Enterprise, ImportStatus, Industry, Scale, Tier
from .queries import EXPORT_HEADERS, export_rows, recent_import_batches
from .queries import enterprise_list as list_query

ERRORS_PER_PAGE = 100


def _hx_redirect(request: AuthedHttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# --- list, detail -------------------------------------------------------------------------------


class _Row:
    """An enterprise as a list row, with personal data already masked for the viewer."""

    __slots__ = ("enterprise", "liaison_phone")

    def __init__(self, enterprise: Enterprise, liaison_phone: str) -> None:
        self.enterprise = enterprise
        self.liaison_phone = liaison_phone


@login_required
@require_GET
def enterprise_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    filters = EnterpriseFilter(request.GET, user)
    result = paginate(request, list_query(filters))
    rows = [_Row(e, show_phone(user, e.liaison_phone)) for e in result.page.object_list]
    return render(
        request,
        "enterprises/list.html",
        {
            "page": result.page,
            "rows": rows,
            "qs": result.querystring_without_page,
            "filters": filters,
            "filter_values": {name: request.GET.get(name, "") for name in EnterpriseFilter.fields},
            "regions": scope_regions(user).exclude(level="village").only("code", "name", "path"),
            "tiers": Tier.choices,
            "industries": Industry.choices,
            "scales": Scale.choices,
            "can_edit": can_edit_enterprises(user),
            "export_qs": filters.querystring(),
        },
    )


@login_required
@require_GET
@page_errors
def enterprise_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    enterprise = access_enterprise(user, pk)
    personal = {
        "liaison_phone": show_phone(user, enterprise.liaison_phone),
        "contact_phone": show_phone(user, enterprise.contact_phone),
        "liaison_id_number": show_id_number(user, enterprise.liaison_id_number),
    }
    if may_see_personal_data(user):
        shown = [name for name in personal if getattr(enterprise, name)]
        if shown:
            record_personal_data_view(user, enterprise, shown)
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "personal": personal,
            "can_edit": can_edit_enterprises(user),
            "industry_name": dict(GBT4754_SECTIONS).get(enterprise.industry, ""),
        },
    )


# --- create, edit, deactivate -------------------------------------------------------------------


def _form_error(form: EnterpriseForm, exc: ApplicationError) -> None:
    field_errors = getattr(exc, "field_errors", None)
    if field_errors:
        for name, error in field_errors.items():
            form.add_error(name if name in form.fields else None, error.message)
    elif exc.code.startswith("uscc_"):
        form.add_error("uscc", exc.message)
    else:
        form.add_error(None, exc.message)


@login_required
@page_errors
def enterprise_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require_enterprise_editor(user)
    form = EnterpriseForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = actions.do_create_enterprise(acting_user=user, data=form.changes())
        except REFUSALS:
            raise
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已登记：{enterprise.name}")
            return redirect("enterprises:detail", pk=enterprise.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "enterprises/form.html", {"form": form, "creating": True}, status=status)


@login_required
@page_errors
def enterprise_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    enterprise = access_enterprise(user, pk, action="edit")
    show_personal = may_see_personal_data(user)
    form = EnterpriseForm(request.POST or None, user=user, instance=enterprise, show_personal=show_personal)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.do_update_enterprise(
                    acting_user=user,
                    enterprise_id=enterprise.pk,
                    version=form.cleaned_data.get("version"),
                    changes=form.changes(),
                )
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = exc.status
            except REFUSALS:
                raise
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "已保存")
                return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "creating": False, "enterprise": enterprise},
        status=status,
    )


@login_required
@require_POST
@page_errors
def enterprise_set_active(request: AuthedHttpRequest, pk: int, active: bool) -> HttpResponse:
    version = request.POST.get("version")
    enterprise = actions.do_set_enterprise_active(
        acting_user=request.user,
        enterprise_id=pk,
        active=active,
        version=int(version) if version and version.isdigit() else None,
    )
    messages.success(request, f"{enterprise.name} 已{'恢复为存续' if active else '标记为注销'}")
    return redirect("enterprises:detail", pk=pk)


# --- the enterprise's own page ------------------------------------------------------------------


@login_required
@page_errors
def my_enterprise(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.enterprise_id:
        raise Http404
    enterprise = access_enterprise(user, user.enterprise_id)
    editable = can_edit_liaison(user, enterprise)
    form = LiaisonForm(
        request.POST or None,
        initial={
            "liaison_name": enterprise.liaison_name,
            "liaison_phone": enterprise.liaison_phone,
            "version": enterprise.version,
        },
    )
    status = 200
    if request.method == "POST":
        if not editable:
            raise NotFound()
        status = 400
        if form.is_valid():
            try:
                actions.do_update_liaison(
                    acting_user=user,
                    enterprise_id=enterprise.pk,
                    version=form.cleaned_data.get("version"),
                    liaison_name=form.cleaned_data["liaison_name"],
                    liaison_phone=form.cleaned_data["liaison_phone"],
                )
            except REFUSALS:
                raise
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "工作联络员已更新")
                return redirect("enterprises:mine")
    return render(
        request,
        "enterprises/mine.html",
        {
            "enterprise": enterprise,
            "form": form,
            "editable": editable,
            "id_number": show_id_number(user, enterprise.liaison_id_number),
            "industry_name": dict(GBT4754_SECTIONS).get(enterprise.industry, ""),
        },
        status=status,
    )


# --- export -------------------------------------------------------------------------------------


def export_plan(user: Any, params: QueryDict) -> ExportPlan:
    """The registry export for the filter in `params` (registered as "enterprises")."""
    filters = EnterpriseFilter(params, user)
    filters.raise_for_errors()
    qs = list_query(filters)

    def record(count: int) -> None:
        actions.do_record_export(
            acting_user=user, filters=filters.as_params(), count=count, unmasked=may_see_personal_data(user)
        )

    return ExportPlan(
        filename=f"企业名录_{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title="企业名录",
        headers=EXPORT_HEADERS,
        rows=export_rows(user, qs),
        total=qs.count(),
        record=record,
        widths=[22, 36, 14, 14, 10, 12, 12, 40, 12, 12, 16, 18, 12, 22, 8],
        text_columns=[0, 10, 11, 12, 13],
    )


@login_required
@require_GET
@page_errors
def enterprise_export(request: AuthedHttpRequest) -> HttpResponseBase:
    return export_response(request, "enterprises")


@login_required
@page_errors
@limit_upload_size
def import_upload(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require_enterprise_editor(user)
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            if upload_was_too_large(request):
                raise too_large_error(max_upload_bytes())
            batch = actions.do_preview_import(acting_user=user, uploaded_file=request.FILES.get("file"))
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
        else:
            return _hx_redirect(request, reverse("enterprises:import_preview", args=[batch.pk]))
    context = {
        "error": error,
        "max_size": human_size(max_upload_bytes()),
        "batches": recent_import_batches(user),
        "required_columns": list(importing.REQUIRED_COLUMNS),
        "optional_columns": list(importing.OPTIONAL_COLUMNS),
    }
    if getattr(request, "htmx", False):
        # htmx swaps only successful responses: the form comes back with its message as 200.
        return render(request, "enterprises/_import_form.html", context)
    return render(request, "enterprises/import.html", context, status=error.status if error else 200)


@login_required
@require_GET
@page_errors
def import_template(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    require_enterprise_editor(user)
    example = [importing.TEMPLATE_EXAMPLE[c] for c in importing.COLUMNS]
    regions = editable_regions(user).select_related("parent")
    notes = [
        ["统一社会信用代码", "必填", "18位，按 GB 32100-2015 校验；请将单元格设为文本格式"],
        ["企业名称", "必填", "不超过120字"],
        ["所属区划", "必填", "区划名称或代码，见“区划”页；只能填写您管辖范围内的区划"],
        ["行业门类", "必填", "GB/T 4754-2017 门类字母（A–T）或门类名称，见“行业门类”页"],
        ["企业规模", "必填", "大型、中型、小型、微型"],
        ["企业层级", "必填", "市工业百强、县区重点、一般"],
        ["法定代表人", "选填", "不超过50字"],
        ["地址", "选填", "不超过200字"],
        ["成立日期", "选填", "如 2020-01-02 或 2020年1月2日"],
        ["工作联络员", "选填", "不超过50字"],
        ["联络员手机", "选填", "11位手机号码"],
        ["企业联系电话", "选填", "手机号或固定电话，如 0527-84361234"],
        [
            "说明",
            "",
            "按统一社会信用代码更新已登记企业；文件中出现的列以文件为准（空白会清空原值），未出现的列保持不变",
        ],
        ["说明", "", "第2行为示例，导入前请删除"],
    ]
    return xlsx_response(
        "企业导入模板.xlsx",
        list(importing.COLUMNS),
        [example],
        "企业",
        extra_sheets=[
            ("填写说明", ["列名", "是否必填", "说明"], notes),
            (
                "区划",
                ["区划代码", "区划名称", "上级区划", "层级"],
                ([r.code, r.name, r.parent.name if r.parent else "", r.get_level_display()] for r in regions),
            ),
            ("行业门类", ["门类", "名称"], [list(s) for s in GBT4754_SECTIONS]),
        ],
        widths=[22, 30, 14, 10, 10, 12, 12, 36, 12, 12, 16, 18],
        text_columns=[0, 10, 11],
    )


@login_required
@require_GET
@page_errors
def import_preview(request: AuthedHttpRequest, batch_id: int) -> HttpResponse:
    batch = access_import_batch(request.user, batch_id)
    return _render_preview(request, batch)


def _render_preview(
    request: AuthedHttpRequest, batch: Any, error: ApplicationError | None = None, form: Any = None
) -> HttpResponse:
    errors_page = Paginator(batch.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/import_preview.html",
        {
            "batch": batch,
            "errors_page": errors_page,
            "page": errors_page,
            "qs": "",
            "error": error,
            "form": form or ImportApplyForm(),
            "previewed": batch.status == ImportStatus.PREVIEWED,
        },
        status=error.status if error else 200,
    )


@login_required
@require_POST
@page_errors
def import_apply(request: AuthedHttpRequest, batch_id: int) -> HttpResponse:
    batch = access_import_batch(request.user, batch_id)
    form = ImportApplyForm(request.POST)
    form.is_valid()
    try:
        batch = actions.do_apply_import(
            acting_user=request.user,
            batch_id=batch.pk,
            confirm_partial=bool(form.cleaned_data.get("confirm_partial")),
        )
    except REFUSALS:
        raise
    except ApplicationError as exc:
        if getattr(request, "htmx", False):
            # htmx does not swap error responses: show the message on the reloaded preview.
            messages.error(request, f"{exc.message}（{exc.code}）")
            return _hx_redirect(request, reverse("enterprises:import_preview", args=[batch.pk]))
        batch.refresh_from_db()
        return _render_preview(request, batch, error=exc, form=form)
    result = batch.result or {}
    messages.success(
        request,
        f"导入完成：新增 {result.get('created', 0)} 家，更新 {result.get('updated', 0)} 家，"
        f"无变化 {result.get('unchanged', 0)} 家",
    )
    return _hx_redirect(request, reverse("enterprises:import_preview", args=[batch.pk]))


@login_required
@require_POST
@page_errors
def import_cancel(request: AuthedHttpRequest, batch_id: int) -> HttpResponse:
    batch = access_import_batch(request.user, batch_id)
    try:
        actions.do_cancel_import(acting_user=request.user, batch_id=batch.pk)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        batch.refresh_from_db()
        return _render_preview(request, batch, error=exc)
    messages.info(request, "已取消本次导入，未写入任何数据")
    return redirect("enterprises:import")


@login_required
@require_GET
@page_errors
def import_errors(request: AuthedHttpRequest, batch_id: int) -> HttpResponseBase:
    batch = access_import_batch(request.user, batch_id)
    rows = ([e["row"], e["column"], e["value"], e["reason"]] for e in batch.errors)
    return xlsx_response(
        f"导入错误报告_{batch.pk}.xlsx", ["行号", "列", "值", "原因"], rows, "错误", widths=[8, 18, 30, 80]
    )
