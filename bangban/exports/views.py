"""The progress page, the download and the list of a user's background exports (their URLs keep
the `core:` names, `bangban.shell.urls`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from bangban.audit.actions import record
from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.exports import inline_limit, keep_days, own_job
from bangban.core.http import AuthedHttpRequest
from bangban.core.models import ExportJob, ExportStatus
from bangban.core.pagination import paginate
from bangban.core.views import error_response
from bangban.core.xlsx import XLSX_CONTENT_TYPE


@login_required
@require_GET
def export_status(request: AuthedHttpRequest, job_id: str) -> HttpResponse:
    try:
        job = own_job(request.user, job_id)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    template = "core/_export_progress.html" if getattr(request, "htmx", False) else "core/export_status.html"
    return render(request, template, {"job": job, "keep_days": keep_days(), "statuses": ExportStatus})


@login_required
@require_GET
def export_download(request: AuthedHttpRequest, job_id: str) -> HttpResponseBase:
    try:
        job = own_job(request.user, job_id)
        if job.status != ExportStatus.DONE or not job.file:
            raise NotFound("文件尚未生成或已过保留期限")
        handle = job.file.open("rb")
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    record("export.downloaded", actor=request.user, obj=job, object_repr=f"下载导出：{job.label}")
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, job.filename) or "attachment"
    response["Content-Length"] = str(job.size)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def my_exports(request: AuthedHttpRequest) -> HttpResponse:
    result = paginate(request, ExportJob.objects.filter(user_id=request.user.pk))
    return render(
        request,
        "core/exports.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "keep_days": keep_days(),
            "inline_limit": inline_limit(),
        },
    )
