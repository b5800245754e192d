"""Pages of ledgers (R11) and accountability."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.replica import replica_reads
from bangban.core.xlsx import xlsx_response
from bangban.org.models import Unit

from .. import access, actions, dashboard, ledgers, sources
from ..models import AccountabilityKind, AccountabilityStatus, Ledger, LedgerStatus
from ._common import _last_month, page


@page
@require_http_methods(["GET", "POST"])
@replica_reads
def ledger_list(request: AuthedHttpRequest) -> HttpResponseBase:
    if request.method == "POST":
        try:
            y, m = dashboard.parse_month(request.POST.get("month"))
            created = actions.do_generate_ledgers(request.user, y, m)
            messages.success(request, f"已生成 {len(created)} 份台账")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("supervision:ledgers")
    qs = access.visible_ledgers(request.user)
    if not qs.exists() and not access.can_view(request.user) and not (request.user.unit_id):
        raise NotFound()
    today = timezone.localdate()
    state = request.GET.get("state", "")
    if state == "late":
        qs = qs.filter(late=True) | qs.filter(status=LedgerStatus.PENDING, due_date__lt=today)
    elif state == "pending":
        qs = qs.filter(status=LedgerStatus.PENDING)
    elif state == "submitted":
        qs = qs.filter(status=LedgerStatus.SUBMITTED)
    if request.GET.get("export") == "xlsx":
        rows = [
            [
                f"{x.year}-{x.month:02d}", x.unit.name, x.due_date.isoformat(), x.get_status_display(),
                timezone.localtime(x.submitted_at).strftime("%Y-%m-%d %H:%M") if x.submitted_at else "",
                "逾期" if _is_late(x, today) else "",
            ]
            for x in qs
        ]  # fmt: skip
        return xlsx_response(
            "月度台账报送情况.xlsx",
            ["台账月份", "单位", "截止日", "状态", "报送时间", "逾期"],
            rows,
            "报送情况",
        )
    result = paginate(request, qs)
    ly, lm = _last_month()
    return render(
        request,
        "supervision/ledgers.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": [(x, _is_late(x, today)) for x in result.items],
            "state": state,
            "last_month": f"{ly}-{lm:02d}",
            "can_manage": access.can_manage(request.user),
        },
    )


def _is_late(ledger: Ledger, today: Any) -> bool:
    return ledger.late or (ledger.status == LedgerStatus.PENDING and today > ledger.due_date)


@page
@require_http_methods(["GET", "POST"])
@replica_reads
def ledger_detail(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    obj = access.access_ledger(request.user, pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        notes = {k: request.POST.get(k, "") for k in actions.NOTE_KEYS}
        try:
            if request.POST.get("submit"):
                actions.do_submit_ledger(request.user, obj.pk, notes, version=request.POST.get("version"))
                messages.success(request, "台账已报送")
            else:
                actions.do_save_ledger_notes(request.user, obj.pk, notes, version=request.POST.get("version"))
                messages.success(request, "说明已保存")
            return redirect("supervision:ledger", pk=obj.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors["form"] = exc.message
    content = ledgers.shown_content(obj)
    if request.GET.get("export") == "xlsx":
        extra = [
            ("会办交办", ledgers.MEETING_HEADERS, content["meetings"]),
            ("督查通报", ledgers.NOTICE_HEADERS, content["notices"]),
            ("单位说明", ["台账", "说明"], [["收集办理", obj.notes.get("cases", "")], ["会办交办", obj.notes.get("meetings", "")], ["督查通报", obj.notes.get("notices", "")]]),
        ]  # fmt: skip
        return xlsx_response(
            f"{obj.unit.name}{obj.year}年{obj.month}月台账.xlsx",
            ledgers.CASE_HEADERS,
            content["cases"],
            "收集办理",
            extra_sheets=extra,
        )
    return render(
        request,
        "supervision/ledger.html",
        {
            "ledger": obj,
            "content": content,
            "case_headers": ledgers.CASE_HEADERS,
            "late": _is_late(obj, timezone.localdate()),
            "editable": obj.status == LedgerStatus.PENDING and access.can_submit_ledger(request.user, obj),
            "errors": errors,
            "no_source": sources.NO_SOURCE,
        },
    )


# --- accountability ---------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
@replica_reads
def accountability(request: AuthedHttpRequest) -> HttpResponseBase:

    access.require_viewer(request.user)
    errors: dict[str, str] = {}
    posted: dict[str, Any] = {}
    if request.method == "POST":
        posted = request.POST.dict()
        try:
            y, m = dashboard.parse_month(request.POST.get("month"))
            actions.do_create_record(
                request.user,
                kind=request.POST.get("kind", ""),
                unit_id=request.POST.get("unit", ""),
                year=y,
                month=m,
                reason=request.POST.get("reason", ""),
                person_name=request.POST.get("person_name", ""),
                ticket_numbers=request.POST.get("tickets", "").replace("，", ",").split(","),
            )
            messages.success(request, "已登记")
            return redirect("supervision:accountability")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            fields = (exc.details or {}).get("fields") if isinstance(exc.details, dict) else None
            errors = dict(fields) if fields else {"form": exc.message}
    qs = access.visible_records(request.user)
    if request.GET.get("kind"):
        qs = qs.filter(kind=request.GET["kind"])
    result = paginate(request, qs)
    ly, lm = _last_month()
    return render(
        request,
        "supervision/accountability.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "kinds": AccountabilityKind.choices,
            "units": Unit.objects.filter(access.unit_q(request.user), is_active=True).order_by("name"),
            "can_record": access.can_record_accountability(request.user),
            "errors": errors,
            "posted": posted,
            "last_month": f"{ly}-{lm:02d}",
            "Status": AccountabilityStatus,
        },
    )


@page
@require_POST
def accountability_decide(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    try:
        actions.do_decide_record(
            request.user, pk, request.POST.get("status", ""), version=request.POST.get("version")
        )
        messages.success(request, "已更新")
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:accountability")
