"""Pages of 分析研判 (R10) and the monthly 处置分析会 (R11.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bangban.accounts.models import User
from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.xlsx import xlsx_response
from bangban.org.models import Unit
from bangban.tickets.models import Category
from bangban.workdays.arithmetic import SHANGHAI

from .. import access, actions, analysis, figures
from ..models import CaseAnalysisStatus
from ._common import page

ANALYSIS_HEADERS = [
    "研判单位",
    "研判主题",
    "期间起",
    "期间止",
    "本单位诉求数",
    "关联诉求",
    "状态",
    "提交时间",
]
MONTH_HEADERS = ["会议月份", "依据台账", "台账截止日", "台账份数", "已报送", "未报送", "会议状态", "议定任务", "已完成", "已超期"]  # fmt: skip


def _when(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


def _fmt(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- 分析研判 ------------------------------------------------------------------------------------


def _posted(request: AuthedHttpRequest) -> dict[str, Any]:
    return {
        "title": request.POST.get("title", ""),
        "period_start": request.POST.get("period_start", ""),
        "period_end": request.POST.get("period_end", ""),
        "case_numbers": request.POST.get("case_numbers", ""),
        "category_ids": request.POST.getlist("category_ids"),
        "hotspot_ids": request.POST.get("hotspot_ids", ""),
        "findings": request.POST.get("findings", ""),
        "causes": request.POST.get("causes", ""),
        "measures": request.POST.get("measures", ""),
    }


def _form_context(obj: Any = None, posted: dict[str, Any] | None = None, error: str = "") -> dict[str, Any]:
    if posted is None and obj is not None:
        posted = {
            "title": obj.title,
            "period_start": obj.period_start.isoformat(),
            "period_end": obj.period_end.isoformat(),
            "case_numbers": "，".join(obj.cases.values_list("number", flat=True)),
            "category_ids": [str(pk) for pk in obj.categories.values_list("pk", flat=True)],
            "hotspot_ids": "，".join(str(pk) for pk in obj.hotspots.values_list("pk", flat=True)),
            "findings": obj.findings,
            "causes": obj.causes,
            "measures": obj.measures,
        }
    return {
        "obj": obj,
        "posted": posted or {},
        "error": error,
        "categories": Category.objects.filter(is_active=True, parent__isnull=True).order_by("code"),
    }


@page
@require_http_methods(["GET"])
def analyses(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not (access.sees_all_analyses(user) or access.can_record_analysis(user)):
        raise NotFound()
    qs = analysis.analysis_filters(access.visible_analyses(user), request.GET)
    if request.GET.get("export") == "xlsx":
        rows = [
            [a.unit.name, a.title, a.period_start, a.period_end, a.case_count, a.cases.count(),
             a.get_status_display(), _fmt(a.submitted_at)]
            for a in qs[:5000]
        ]  # fmt: skip
        return xlsx_response("分析研判台账.xlsx", ANALYSIS_HEADERS, rows, "分析研判")
    result = paginate(request, qs)
    units = (
        Unit.objects.filter(pk__in=access.visible_analyses(user).values("unit_id")).order_by("name")
        if access.sees_all_analyses(user)
        else []
    )
    return render(
        request,
        "supervision/analyses.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "units": units,
            "statuses": CaseAnalysisStatus.choices,
            "params": request.GET,
            "can_record": access.can_record_analysis(user),
            "all_units": access.sees_all_analyses(user),
        },
    )


@page
@require_http_methods(["GET", "POST"])
def analysis_new(request: AuthedHttpRequest) -> HttpResponseBase:
    if not access.can_record_analysis(request.user):
        raise NotFound()
    if request.method == "POST":
        posted = _posted(request)
        try:
            obj = actions.do_create_analysis(
                acting_user=request.user, data=posted, submit=bool(request.POST.get("submit"))
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            return render(request, "supervision/analysis_form.html", _form_context(None, posted, exc.message))
        messages.success(
            request, "分析研判已提交" if obj.status == CaseAnalysisStatus.SUBMITTED else "已保存草稿"
        )
        return redirect("supervision:analysis", pk=obj.pk)
    today = timezone.localdate()
    ly, lm = figures.previous_month(today.year, today.month)
    start, end = figures.month_bounds(ly, lm)
    defaults = {
        "period_start": start.date().isoformat(),
        "period_end": (end - dt.timedelta(days=1)).date().isoformat(),
    }
    return render(request, "supervision/analysis_form.html", _form_context(None, defaults))


@page
@require_http_methods(["GET", "POST"])
def analysis_detail(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    obj = access.access_analysis(request.user, pk)
    editable = obj.status == CaseAnalysisStatus.DRAFT and access.can_record_analysis(request.user)
    editable = editable and request.user.unit_id == obj.unit_id
    if request.method == "POST":
        posted = _posted(request)
        try:
            actions.do_update_analysis(
                acting_user=request.user,
                analysis_id=obj.pk,
                data=posted,
                version=request.POST.get("version"),
                submit=bool(request.POST.get("submit")),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            return render(request, "supervision/analysis_form.html", _form_context(obj, posted, exc.message))
        messages.success(request, "分析研判已提交" if request.POST.get("submit") else "已保存修改")
        return redirect("supervision:analysis", pk=obj.pk)
    if request.GET.get("edit") and editable:
        return render(request, "supervision/analysis_form.html", _form_context(obj))
    cases = access.openable_cases(request.user, obj.cases.all()).select_related("lead_unit")
    return render(
        request,
        "supervision/analysis.html",
        {
            "obj": obj,
            "cases": cases,
            "categories": obj.categories.all(),
            "hotspots": obj.hotspots.all(),
            "editable": editable,
        },
    )


# --- 处置分析会 ----------------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def analysis_meetings(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    access.require_viewer(user)
    if not access.can_see_analysis_meetings(user):
        raise NotFound()
    now = timezone.now()
    error = ""
    posted: dict[str, str] = {}
    if request.method == "POST":
        posted = request.POST.dict()
        held_at = _when(posted.get("held_at", ""))
        try:
            local = timezone.localtime(held_at, SHANGHAI) if held_at else None
            row = actions.do_schedule_analysis_meeting(
                acting_user=user,
                year=local.year if local else now.year,
                month=local.month if local else now.month,
                held_at=held_at,
                chair_id=posted.get("chair") or user.pk,
                place=posted.get("place", ""),
                participant_ids=request.POST.getlist("participants"),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(
                request, f"已安排{row.year}年{row.month}月处置分析会，请在会后记录纪要和议定事项"
            )
            return redirect("supervision:analysis_meeting", year=row.year, month=row.month)
    months = str(request.GET.get("months") or "12")
    rows = analysis.month_rows(user, now, last=int(months) if months.isdigit() else 12)
    if request.GET.get("flagged") == "1":
        rows = [r for r in rows if r.flagged]
    if request.GET.get("export") == "xlsx":
        data = [
            [f"{r.year}-{r.month:02d}", f"{r.ledger_year}年{r.ledger_month}月",
             r.ledger_due.isoformat() if r.ledger_due else "", r.ledgers, r.submitted, r.missing, r.label,
             r.tasks.get("total", 0), r.tasks.get("done", 0), r.tasks.get("overdue", 0)]
            for r in rows
        ]  # fmt: skip
        return xlsx_response("处置分析会台账.xlsx", MONTH_HEADERS, data, "处置分析会")
    return render(
        request,
        "supervision/analysis_meetings.html",
        {
            "rows": rows,
            "flagged": request.GET.get("flagged") == "1",
            "can_manage": access.can_manage(user),
            "error": error,
            "posted": posted,
            "chairs": User.objects.filter(is_active=True, roles__code__in=list(access.MANAGER_ROLES))
            .distinct()
            .order_by("pk"),
            "me": user.pk,
        },
    )


@page
@require_GET
def analysis_meeting(request: AuthedHttpRequest, year: int, month: int) -> HttpResponseBase:
    user = request.user
    access.require_viewer(user)
    row = access.visible_analysis_meetings(user).filter(year=year, month=month).first()
    if row is None:
        raise NotFound()
    now = timezone.now()
    tasks = analysis.meeting_tasks(row, now)
    if request.GET.get("export") == "xlsx":
        data = [
            [t["task"].content, t["task"].owner_unit.name, f"{t['task'].workdays}",
             _fmt(t["task"].due_at), t["standing"], _fmt(t["task"].done_at), t["task"].done_note]
            for t in tasks
        ]  # fmt: skip
        return xlsx_response(
            f"{row.year}年{row.month}月处置分析会议定事项.xlsx",
            ["议定事项", "责任单位", "时限（工作日）", "完成期限", "状态", "完成时间", "完成情况"],
            data,
            "议定事项",
        )
    return render(
        request,
        "supervision/analysis_meeting.html",
        {
            "row": row,
            "meeting": row.meeting,
            "ledgers": row.ledgers.select_related("unit").order_by("unit__name"),
            "tasks": tasks,
            "meeting_url": reverse("escalation:meeting", args=[row.meeting_id]),
            "pack_url": reverse("supervision:meeting") + f"?month={row.ledger_year}-{row.ledger_month:02d}",
        },
    )
