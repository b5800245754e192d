"""Pages of 专项督查 (R14.1): the list (search, status, paging), one inspection with its list and
each item's progress, the actions, and the report (page, .docx, .xlsx). 营商办 only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.xlsx import xlsx_response
from bangban.tickets.public import cases_in

from .. import access, actions, officedoc, sources, special
from ..models import SpecialInspection, SpecialStatus, SpecialVerdict
from ._common import docx_response, page


@page
@require_http_methods(["GET", "POST"])
def specials(request: AuthedHttpRequest) -> HttpResponseBase:
    qs = access.visible_specials(request.user)
    error = None
    if request.method == "POST":
        try:
            inspection = actions.do_create_special(
                request.user,
                title=request.POST.get("title"),
                basis=request.POST.get("basis", ""),
                now=timezone.now(),
            )
            messages.success(request, "专项督查已立项，请选择督查事项")
            return redirect("supervision:special", pk=inspection.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
    q = (request.GET.get("q") or "").strip()
    status = request.GET.get("status") or ""
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(basis__icontains=q))
    if status in SpecialStatus.values:
        qs = qs.filter(status=status)
    qs = qs.annotate(
        item_count=Count("items"), checked=Count("items", filter=~Q(items__verdict=SpecialVerdict.PENDING))
    )
    result = paginate(request, qs.order_by("-created_at", "-id"))
    return render(
        request,
        "supervision/specials.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "q": q,
            "status": status,
            "statuses": SpecialStatus.choices,
            "error": error,
            "form": request.POST if error else {},
        },
        status=error.status if error else 200,
    )


def _candidates(inspection: SpecialInspection) -> dict[str, Any]:
    taken_cases = set(inspection.items.exclude(ticket=None).values_list("ticket_id", flat=True))
    taken_tasks = set(inspection.items.exclude(task_ref=None).values_list("task_ref", flat=True))
    mayor = sources.mayor_case_candidates(100)
    cases = [
        c
        for c in cases_in(mayor.data).select_related("lead_unit").order_by("-received_at")
        if c.pk not in taken_cases
    ]
    tasks = sources.meeting_tasks(open_only=True)
    return {
        "candidate_cases": cases,
        "candidate_tasks": [t for t in tasks.data if t["id"] not in taken_tasks],
        "source_label": mayor.label,
    }


@page
@require_GET
def special_detail(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    inspection = access.access_special(request.user, pk)
    items = list(inspection.items.select_related("unit", "ticket", "checked_by"))
    context: dict[str, Any] = {
        "inspection": inspection,
        "rows": special.progress(items, timezone.now()),
        "Status": SpecialStatus,
        "verdicts": [c for c in SpecialVerdict.choices if c[0] != SpecialVerdict.PENDING],
        "pending": sum(1 for i in items if i.verdict == SpecialVerdict.PENDING),
    }
    if inspection.status == SpecialStatus.PLANNED:
        context.update(_candidates(inspection))
    return render(request, "supervision/special.html", context)


@page
@require_POST
def special_action(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponseBase:
    access.access_special(request.user, pk)
    version, now = request.POST.get("version"), timezone.now()
    try:
        if action == "items":
            numbers = request.POST.getlist("case") + actions.split_numbers(request.POST.get("numbers"))
            added = actions.do_add_special_items(
                request.user,
                pk,
                case_numbers=numbers,
                task_ids=request.POST.getlist("task"),
                version=version,
                now=now,
            )
            messages.success(request, f"已纳入{len(added)}项督查事项")
        elif action == "remove":
            actions.do_remove_special_item(request.user, pk, request.POST.get("item"), version=version)
            messages.success(request, "已移出督查清单")
        elif action == "start":
            actions.do_start_special(request.user, pk, version=version, now=now)
            messages.success(request, "专项督查已启动")
        elif action == "check":
            actions.do_check_special_item(
                request.user, pk, request.POST.get("item"), verdict=request.POST.get("verdict", ""),
                finding=request.POST.get("finding", ""), version=version, now=now,
            )  # fmt: skip
            messages.success(request, "督查结论已登记")
        elif action == "close":
            actions.do_close_special(request.user, pk, version=version, now=now)
            messages.success(request, "专项督查已办结，督查报告已生成")
            return redirect("supervision:special_report", pk=pk)
        else:
            raise NotFound()
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:special", pk=pk)


@page
@require_GET
def special_report(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    inspection = access.access_special(request.user, pk)
    now = timezone.now()
    report = special.report_of(inspection, now)
    title = f"关于{inspection.title}情况的报告"
    fmt = request.GET.get("format")
    if fmt == "docx":
        cfg = actions.current_settings()
        day = timezone.localtime(inspection.closed_at or now).date()
        data = officedoc.build_document(
            authority=cfg.authority_name,
            number=f"{cfg.doc_prefix}〔{day.year}〕　号",
            title=title,
            salutation=report.get("salutation", ""),
            sections=report.get("sections", []),
            signed_by=cfg.authority_name,
            date=day,
        )
        return docx_response(f"{'' if inspection.report else '（进展）'}{title}.docx", data)
    if fmt == "xlsx":
        table: dict[str, Any] = next(
            (s["table"] for s in report.get("sections", []) if s.get("table")), {"headers": [], "rows": []}
        )
        return xlsx_response(
            f"专项督查清单-{inspection.pk}.xlsx", table["headers"], table["rows"], "督查清单"
        )
    return render(
        request,
        "supervision/special_report.html",
        {"inspection": inspection, "report": report, "title": title, "final": bool(inspection.report)},
    )
