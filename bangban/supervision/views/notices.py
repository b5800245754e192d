"""Pages of 通报 and monthly notices: list, detail, actions and download."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate

from .. import access, actions, dashboard
from ..models import Notice, NoticeKind, NoticeStatus
from ..notices import requirements_text
from ._common import _last_month, docx_response, page


@page
@require_http_methods(["GET", "POST"])
def notices(request: AuthedHttpRequest) -> HttpResponseBase:
    access.require_viewer(request.user)
    error = None
    if request.method == "POST":
        try:
            y, m = dashboard.parse_month(request.POST.get("month"))
            notice = actions.do_create_notice(request.user, request.POST.get("kind", ""), y, m)
            messages.success(request, "通报草稿已生成")
            return redirect("supervision:notice", pk=notice.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc.message
    qs = access.visible_notices(request.user)
    result = paginate(request, qs)
    ly, lm = _last_month()
    return render(
        request,
        "supervision/notices.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "kinds": NoticeKind.choices,
            "last_month": f"{ly}-{lm:02d}",
            "can_manage": access.can_manage(request.user),
            "error": error,
        },
    )


@page
@require_GET
def notice(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    obj = access.access_notice(request.user, pk)
    return render(
        request,
        "supervision/notice.html",
        {
            "notice": obj,
            "can_manage": access.can_manage(request.user),
            "Status": NoticeStatus,
            "negative": actions.negative_rows(obj),
            "requirements": requirements_text(obj.content),
        },
    )


@page
@require_POST
def notice_action(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponseBase:
    access.access_notice(request.user, pk)
    try:
        if action == "edit":
            actions.do_edit_notice(
                request.user,
                pk,
                title=request.POST.get("title"),
                requirements=request.POST.get("requirements"),
                version=request.POST.get("version"),
            )
            messages.success(request, "通报草稿已修改")
        elif action == "review":
            actions.do_review_notice(request.user, pk, version=request.POST.get("version"))
            messages.success(request, "通报已审核")
        elif action == "issue":
            issued = actions.do_issue_notice(request.user, pk, version=request.POST.get("version"))
            messages.success(request, f"通报已印发：{issued.doc_number}")
        elif action == "negative_add":
            actions.do_add_negative_case(
                request.user,
                pk,
                case_number=request.POST.get("case_number"),
                note=request.POST.get("note"),
                version=request.POST.get("version"),
                now=timezone.now(),
            )
            messages.success(request, "已选入负面典型案例（通报需重新审核）")
        elif action == "negative_remove":
            actions.do_remove_negative_case(
                request.user, pk, request.POST.get("case"), version=request.POST.get("version")
            )
            messages.success(request, "已移出负面典型案例")
        else:
            raise NotFound()
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:notice", pk=pk)


@page
@require_GET
def notice_download(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    obj: Notice = access.access_notice(request.user, pk)
    if obj.status == NoticeStatus.ISSUED and obj.file:
        with obj.file.open("rb") as fh:
            data = fh.read()
        return docx_response(f"{obj.doc_number}{obj.title}.docx", data)
    return docx_response(f"（草稿）{obj.title}.docx", actions.render_notice(obj))
