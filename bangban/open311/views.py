"""Open311 GeoReport v2 under `/open311/v2/` (docs/open311.md). JSON only; every refusal is a
GeoReport error list `[{"code": …, "description": …}]` in Chinese.

Reads are public and show only cases filed through Open311 (never another channel's case, so
never a 作风 complaint), with no personal data. Filing needs an `api_key` of an active client.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bangban.core.errors import ApplicationError
from bangban.tickets import public
from bangban.tickets.models import Category, Channel
from bangban.tickets.workflow import OPEN_STATUSES

from . import georeport
from .actions import client_for_key, do_submit_request
from .georeport import GeoReportError
from .models import ServiceRequest

LIST_DEFAULT_DAYS = 90
LIST_MAX = 1000
ID_LIST_MAX = 100


def error(status: int, description: str) -> JsonResponse:
    return JsonResponse(GeoReportError(status, description).body(), status=status, safe=False)


def georeport_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only `.json`; GeoReport errors and the intake's refusals become GeoReport error lists."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        if fmt.lower() == "xml":
            return error(406, "本接口仅提供 JSON 格式，请将地址中的 .xml 改为 .json")
        if fmt != "json":
            return error(404, "地址应以 .json 结尾")
        try:
            return view(request, *args, **kwargs)
        except GeoReportError as exc:
            return JsonResponse(exc.body(), status=exc.status, safe=False)
        except ApplicationError as exc:
            status = exc.status if exc.status in (400, 403, 404, 409, 429) else 400
            return error(status, exc.message)

    return wrapper


def _services() -> Any:
    return Category.objects.filter(is_active=True).select_related("parent").order_by("sort", "code")


@require_http_methods(["GET", "HEAD"])
@georeport_view
def services(request: HttpRequest) -> HttpResponse:
    return JsonResponse([georeport.service(c) for c in _services()], safe=False)


@require_http_methods(["GET", "HEAD"])
@georeport_view
def service_definition(request: HttpRequest, service_code: str) -> HttpResponse:
    if not _services().filter(code=service_code).exists():
        raise GeoReportError(404, f"服务编码 {service_code} 不存在或已停用")
    return JsonResponse({"service_code": service_code, "attributes": []})


def _published() -> Any:
    """The requests the public reads may show: filed through Open311, never a 作风 case."""
    return (
        ServiceRequest.objects.select_related("ticket", "ticket__category", "ticket__lead_unit")
        .exclude(ticket__channel=Channel.CONDUCT)
        .order_by("-ticket__received_at", "-id")
    )


def _answer(rows: list[ServiceRequest]) -> JsonResponse:
    notes = public.public_replies(row.ticket_id for row in rows)
    return JsonResponse([georeport.request_out(row, notes) for row in rows], safe=False)


def _listed(request: HttpRequest, now: dt.datetime) -> JsonResponse:
    rows = _published()
    ids = [i.strip() for i in (request.GET.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        # Explicit ids: every other parameter is ignored (GeoReport v2).
        return _answer(list(rows.filter(ticket__number__in=ids[:ID_LIST_MAX])))
    codes = [c.strip() for c in (request.GET.get("service_code") or "").split(",") if c.strip()]
    if codes:
        rows = rows.filter(ticket__category__code__in=codes)
    start = georeport.parse_datetime(request.GET.get("start_date", ""), "start_date")
    end = georeport.parse_datetime(request.GET.get("end_date", ""), "end_date")
    if start is None and end is None:
        start = now - dt.timedelta(days=LIST_DEFAULT_DAYS)
    if start is not None:
        rows = rows.filter(ticket__received_at__gte=start)
    if end is not None:
        rows = rows.filter(ticket__received_at__lte=end)
    statuses = {s.strip() for s in (request.GET.get("status") or "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise GeoReportError(400, "status 只能是 open 或 closed（可用逗号分隔）")
    if statuses == {"open"}:
        rows = rows.filter(ticket__status__in=sorted(OPEN_STATUSES))
    elif statuses == {"closed"}:
        rows = rows.filter(~Q(ticket__status__in=sorted(OPEN_STATUSES)))
    return _answer(list(rows[:LIST_MAX]))


def _file(request: HttpRequest, now: dt.datetime) -> JsonResponse:
    client = client_for_key(request.POST.get("api_key"))
    if client is None:
        return error(403, "缺少有效的 api_key：请向系统管理员申请 Open311 接入密钥")
    submission = georeport.parse_submission(request.POST)
    if not _services().filter(code=submission.service_code).exists():
        raise GeoReportError(404, f"服务编码 {submission.service_code} 不存在或已停用")
    submission.idempotency_key = request.headers.get("Idempotency-Key") or None
    ticket = do_submit_request(client=client, submission=submission, now=now)
    body = [
        {"service_request_id": ticket.number, "service_notice": georeport.SERVICE_NOTICE, "account_id": None}
    ]
    return JsonResponse(body, status=201, safe=False)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@georeport_view
def requests(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    if request.method == "POST":
        return _file(request, now)
    return _listed(request, now)


@require_http_methods(["GET", "HEAD"])
@georeport_view
def request_detail(request: HttpRequest, service_request_id: str) -> HttpResponse:
    rows = list(_published().filter(ticket__number=service_request_id)[:1])
    if not rows:
        raise GeoReportError(404, f"诉求 {service_request_id} 不存在")
    return _answer(rows)
