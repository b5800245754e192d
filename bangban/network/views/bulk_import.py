"""Pages of the bulk import of assignments: upload, template, preview, apply and cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.http import AuthedHttpRequest
from bangban.core.views import page_errors
from bangban.core.xlsx import (
    limit_upload_size,
    max_upload_bytes,
    too_large_error,
    upload_was_too_large,
    xlsx_response,
)

from .. import importing
from ..access import access_batch, require_manager


@login_required
@page_errors
@limit_upload_size
def import_upload(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require_manager(user)
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            if upload_was_too_large(request):
                raise too_large_error(max_upload_bytes())
            batch = importing.do_preview_assignment_import(
                acting_user=user, uploaded_file=request.FILES.get("file")
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
        else:
            return redirect("network:import_preview", batch_id=batch.pk)
    return render(
        request,
        "network/import.html",
        {
            "error": error,
            "required_columns": importing.REQUIRED_COLUMNS,
            "optional_columns": importing.OPTIONAL_COLUMNS,
        },
        status=error.status if error else 200,
    )


@login_required
@require_GET
@page_errors
def import_template(request: AuthedHttpRequest) -> HttpResponseBase:
    require_manager(request.user)
    headers = [*importing.REQUIRED_COLUMNS, *importing.OPTIONAL_COLUMNS]
    notes = [
        ["统一社会信用代码", "必填", "18位；企业须已在企业库登记且在您的管辖范围内"],
        ["帮办专员账号", "必填", "帮办专员/驻厂员的登录账号"],
        ["企业名称", "选填", "仅供核对"],
        ["开始日期", "选填", "如 2026-01-02；不填为今天"],
        ["调整", "选填", "企业已有专员时填“是”表示更换（原挂钩于开始日期结束）"],
        ["备注", "选填", "不超过200字"],
        [
            "职级规则",
            "",
            "市工业百强：市级副处级以上；县区重点：副科级以上；其他企业：县区、功能区、镇街干部",
        ],
    ]
    return xlsx_response(
        "挂钩安排导入模板.xlsx",
        headers,
        [],
        "挂钩安排",
        extra_sheets=[("填写说明", ["列名", "是否必填", "说明"], notes)],
        widths=[22, 16, 30, 14, 8, 30],
        text_columns=[0],
    )


@login_required
@require_GET
@page_errors
def import_preview(request: AuthedHttpRequest, batch_id: int) -> HttpResponse:
    batch = access_batch(request.user, batch_id)
    return render(request, "network/import_preview.html", {"batch": batch})


@login_required
@require_POST
@page_errors
def import_apply(request: AuthedHttpRequest, batch_id: int) -> HttpResponse:
    access_batch(request.user, batch_id)
    try:
        batch = importing.do_apply_assignment_import(acting_user=request.user, batch_id=batch_id)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        result = batch.result or {}
        messages.success(
            request,
            f"导入完成：新增 {result.get('created', 0)} 条，调整 {result.get('replaced', 0)} 条，"
            f"未导入 {result.get('failed', 0)} 条",
        )
    return redirect("network:import_preview", batch_id=batch_id)


@login_required
@require_POST
@page_errors
def import_cancel(request: AuthedHttpRequest, batch_id: int) -> HttpResponse:
    access_batch(request.user, batch_id)
    try:
        importing.do_cancel_assignment_import(acting_user=request.user, batch_id=batch_id)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        return redirect("network:import_preview", batch_id=batch_id)
    messages.info(request, "已取消本次导入，未写入任何数据")
    return redirect("network:import")
