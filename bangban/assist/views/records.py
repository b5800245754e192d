"""The service ledger (帮办服务台账): the list with search and export, recording a service, a record's
page with its rating QR code and the form that turns it into a 代办."""

from __future__ import annotations

import datetime as dt
import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.export_actions import export_response
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.org.models import SiteLevel

from .. import actions, queries
from ..access import access_record, is_enterprise, is_reader, on_roster, roster_site_ids, visible_sites
from ..api.records import rating_url
from ..models import Outcome, ServiceType, Site
from ._common import enterprise_fields, field_errors, filters

FORM_FIELDS = (
    "site",
    "service_type",
    "enterprise",
    "matter",
    "started_at",
    "ended_at",
    "outcome",
    "outcome_note",
)


@login_required
@require_GET
@page_errors
def index(request: AuthedHttpRequest) -> HttpResponseBase:
    if is_enterprise(request.user):
        return redirect("assist:errands")
    if not is_reader(request.user):
        raise NotFound()
    values = filters(request, queries.RECORD_FILTERS)
    result = paginate(request, queries.records(request.user, values))
    return render(
        request,
        "assist/records.html",
        {
            "page": result.page, "qs": result.querystring_without_page, "values": values,
            "sites": visible_sites(request.user).order_by("region__path", "name"),
            "types": ServiceType.choices, "levels": SiteLevel.choices, "filtered": any(values.values()),
            "can_record": bool(roster_site_ids(request.user)),
        },
    )  # fmt: skip


@login_required
@require_GET
@page_errors
def record_export(request: AuthedHttpRequest) -> HttpResponseBase:
    return export_response(request, "assist_records")


def _local_input(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def record_new(request: AuthedHttpRequest) -> HttpResponseBase:
    mine = list(Site.objects.filter(pk__in=roster_site_ids(request.user)).order_by("name"))
    if not mine:
        raise NotFound()
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {n: request.POST.get(n, "") for n in FORM_FIELDS}
        enterprise_id, enterprise_name = enterprise_fields(request.user, values["enterprise"])
        data = actions.RecordInput(
            site_id=values["site"], service_type=values["service_type"], enterprise_id=enterprise_id,
            enterprise_name=enterprise_name, matter=values["matter"], started_at=values["started_at"],
            ended_at=values["ended_at"], outcome=values["outcome"], outcome_note=values["outcome_note"],
        )  # fmt: skip
        try:
            service = actions.do_record_service(acting_user=request.user, data=data, now=timezone.now())
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, "服务已登记。请企业扫描下方二维码评价本次服务")
            return redirect("assist:record_detail", pk=service.pk)
    else:
        now = timezone.now()
        values = dict.fromkeys(FORM_FIELDS, "")
        values.update(site=str(mine[0].pk), started_at=_local_input(now - dt.timedelta(minutes=30)),
                      ended_at=_local_input(now), outcome=Outcome.DONE)  # fmt: skip
    return render(
        request,
        "assist/record_form.html",
        {
            "values": values,
            "errors": errors,
            "sites": mine,
            "types": ServiceType.choices,
            "outcomes": Outcome.choices,
        },
        status=status,
    )


@login_required
@require_GET
@page_errors
def record_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    service = access_record(request.user, pk)
    link = getattr(service, "rating_link", None)
    return render(
        request,
        "assist/record_detail.html",
        {
            "r": service, "rating": link.rating if link is not None else None, "rating_url": rating_url(service),
            "errands": service.errands.order_by("-opened_at"), "is_officer": on_roster(request.user, service.site_id),
            "today": timezone.localdate().isoformat(),
        },
    )  # fmt: skip


@login_required
@require_GET
@page_errors
def record_qr(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    service = access_record(request.user, pk)
    buffer = io.BytesIO()
    segno.make(rating_url(service), error="m").save(buffer, kind="png", scale=8, border=4)
    return HttpResponse(buffer.getvalue(), content_type="image/png")
