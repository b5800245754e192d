"""Pages of the 不作为/慢作为 detection (R15.2): the findings of a month, the cases behind each, and
running the detection in the background (营商办)."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.replica import replica_reads
from bangban.org.models import Unit

from .. import access, dashboard, inaction
from ..models import InactionPattern, InactionScan
from ..tasks import detect_inaction_task
from ._common import _cases_xlsx, _last_month, page


@page
@require_http_methods(["GET", "POST"])
@replica_reads
def inaction_page(request: AuthedHttpRequest) -> HttpResponseBase:
    access.require_viewer(request.user)
    ly, lm = _last_month()
    y, m = dashboard.parse_month(request.GET.get("month") or request.POST.get("month"), (ly, lm))
    if request.method == "POST":
        access.require_manager(request.user)
        detect_inaction_task.enqueue(y, m, request.user.pk)
        messages.success(request, f"已提交后台检测{y}年{m}月的不作为、慢作为情形，完成后刷新本页查看")
        return redirect(f"{reverse('supervision:inaction')}?month={y}-{m:02d}")
    rows = access.visible_findings(request.user).filter(year=y, month=m)
    if request.GET.get("pattern") in InactionPattern.values:
        rows = rows.filter(pattern=request.GET["pattern"])
    result = paginate(request, rows)
    return render(
        request,
        "supervision/inaction.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "month": f"{y}-{m:02d}",
            "year_num": y,
            "month_num": m,
            "scan": InactionScan.objects.filter(year=y, month=m).first(),
            "patterns": InactionPattern.choices,
            "pattern": request.GET.get("pattern", ""),
            "rules": inaction.RULES,
            "can_run": access.can_manage(request.user),
            "can_transfer": access.can_record_accountability(request.user),
        },
    )


@page
@replica_reads
def inaction_cases(
    request: AuthedHttpRequest, year: int, month: int, unit_id: int, pattern: str
) -> HttpResponseBase:
    access.require_viewer(request.user)
    if pattern not in InactionPattern.values:
        raise NotFound()
    unit = Unit.objects.select_related("region").filter(pk=unit_id).first()
    if unit is None:
        raise NotFound()
    access.check_unit(request.user, unit)
    scan = InactionScan.objects.filter(year=year, month=month).first()
    qs = inaction.pattern_cases(
        year, month, unit.pk, pattern, scan.as_of if scan else timezone.now()
    ).select_related("lead_unit")
    qs = access.openable_cases(request.user, qs.order_by("-received_at", "-pk"))
    label = InactionPattern(pattern).label
    if request.GET.get("export") == "xlsx":
        return _cases_xlsx(f"{unit.name}{year}年{month}月{label}.xlsx", qs)
    result = paginate(request, qs)
    return render(
        request,
        "supervision/cases.html",
        {
            "title": f"{unit.name} · {year}年{month}月 · {label}",
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "back": f"{reverse('supervision:inaction')}?month={year}-{month:02d}",
        },
    )
