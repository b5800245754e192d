"""The 一张网 connector's addresses (docs/gridnet.md): the platform's inbound work orders under
`/gridnet/v1/` (JSON; every refusal is `{"code", "message"}` with the HTTP status), and the
connector's ledger page for the staff who follow it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bangban.core.errors import ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response

from .actions import can_see_ledger, do_receive_order
from .models import ReportState, Responsibility, StatusReport, WorkOrder


@csrf_exempt
@require_POST
def orders(request: HttpRequest) -> HttpResponse:
    """`POST /gridnet/v1/orders`: 201 filed, 200 the same order again, 4xx refused."""
    try:
        received = do_receive_order(
            body=request.body,
            timestamp=request.headers.get("X-Gridnet-Timestamp"),
            signature=request.headers.get("X-Gridnet-Signature"),
            now=timezone.now(),
        )
    except ApplicationError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status if 400 <= exc.status < 600 else 400)
    order = received.order
    return JsonResponse(
        {
            "order_id": order.order_id,
            "case_number": order.ticket.number,
            "status": "accepted",
            "replayed": not received.created,
        },
        status=201 if received.created else 200,
    )


def _ledger(request: HttpRequest) -> tuple[QuerySet[WorkOrder], dict[str, str]]:
    if not can_see_ledger(request.user):
        raise NotFound()
    qs = WorkOrder.objects.select_related("ticket", "ticket__lead_unit")
    chosen = {k: (request.GET.get(k) or "").strip()[:64] for k in ("q", "responsibility", "report")}
    if chosen["q"]:
        q = chosen["q"]
        qs = qs.filter(
            Q(order_id__icontains=q) | Q(ticket__number__icontains=q) | Q(ticket__title__icontains=q)
        )
    if chosen["responsibility"] in Responsibility.values:
        qs = qs.filter(responsibility=chosen["responsibility"])
    if chosen["report"] in ReportState.values:
        qs = qs.filter(reports__state=chosen["report"]).distinct()
    return qs.order_by("-received_at", "-id"), chosen


def _last_reports(orders: list[WorkOrder]) -> dict[int, StatusReport]:
    latest = (
        StatusReport.objects.filter(order__in=orders)
        .order_by()
        .values("order_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    return {r.order_id: r for r in StatusReport.objects.filter(pk__in=list(latest))}


@login_required
@require_GET
@page_errors
def ledger(request: AuthedHttpRequest) -> HttpResponseBase:
    qs, chosen = _ledger(request)
    result = paginate(request, qs)
    rows = list(result.page.object_list)
    last = _last_reports(rows)
    return render(
        request,
        "gridnet/ledger.html",
        {
            "rows": [{"o": o, "report": last.get(o.pk)} for o in rows],
            "page": result.page,
            "qs": result.querystring_without_page,
            "chosen": chosen,
            "responsibilities": Responsibility.choices,
            "report_states": ReportState.choices,
        },
    )


@login_required
@require_GET
@page_errors
def ledger_export(request: AuthedHttpRequest) -> HttpResponseBase:
    qs, _chosen = _ledger(request)
    orders = list(qs[:10000])
    last = _last_reports(orders)

    def row(o: WorkOrder) -> list[Any]:
        r = last.get(o.pk)
        return [
            o.order_id,
            o.ticket.number,
            o.ticket.title,
            o.category_code,
            o.get_responsibility_display(),
            o.ticket.get_status_display(),
            o.ticket.lead_unit.name if o.ticket.lead_unit else "",
            timezone.localtime(o.received_at).strftime("%Y-%m-%d %H:%M"),
            r.get_state_display() if r else "",
            r.last_error if r else "",
        ]

    return xlsx_response(
        "一张网工单台账.xlsx",
        [
            "平台工单号",
            "诉求编号",
            "标题",
            "事件类型",
            "职责情况",
            "诉求状态",
            "主办单位",
            "接收时间",
            "最近回传",
            "回传错误",
        ],
        (row(o) for o in orders),
        "工单",
        text_columns=[0, 1, 3],
    )
