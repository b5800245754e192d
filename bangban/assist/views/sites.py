"""Sites (服务站点) and their roster: every reader sees the sites of its scope; 营商办 adds sites and
puts 帮办代办员 on and off a site's roster."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.org.models import SiteLevel

from .. import actions, queries
from ..access import access_site, is_manager, is_reader, require_manager
from ._common import field_errors, filters

SITE_FIELDS = ("name", "level", "region", "unit_id", "address", "phone")


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def site_list(request: AuthedHttpRequest) -> HttpResponse:
    if not is_reader(request.user):
        raise NotFound()
    errors: dict[str, str] = {}
    posted: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        require_manager(request.user)
        posted = {n: request.POST.get(n, "") for n in SITE_FIELDS}
        try:
            site = actions.do_create_site(
                acting_user=request.user, data=actions.SiteInput(**posted), now=timezone.now()
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, f"已新增站点“{site.name}”，请为其配置帮办代办员")
            return redirect("assist:site_detail", pk=site.pk)
    values = filters(request, ("q", "level"))
    result = paginate(request, queries.sites(request.user, values))
    return render(
        request,
        "assist/sites.html",
        {
            "page": result.page, "qs": result.querystring_without_page, "values": values,
            "levels": SiteLevel.choices, "filtered": any(values.values()), "can_manage": is_manager(request.user),
            "errors": errors, "posted": posted,
        },
        status=status,
    )  # fmt: skip


@login_required
@require_http_methods(["GET"])
@page_errors
def site_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    site = access_site(request.user, pk)
    return render(
        request,
        "assist/site_detail.html",
        {
            "site": site,
            "roster": site.roster.select_related("user", "user__unit").order_by("-end_on", "start_on"),
            "can_manage": is_manager(request.user),
            "today": timezone.localdate().isoformat(),
        },
    )


@login_required
@require_POST
@page_errors
def roster_add(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    require_manager(request.user)
    site = access_site(request.user, pk)
    try:
        entry = actions.do_add_to_roster(
            acting_user=request.user, site_id=site.pk, user_id=request.POST.get("user", ""),
            start_on=request.POST.get("start_on", ""), note=request.POST.get("note", ""), now=timezone.now(),
        )  # fmt: skip
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{entry.user.display_name}已列入{site.name}帮办代办员名册")
    return redirect("assist:site_detail", pk=site.pk)


@login_required
@require_POST
@page_errors
def roster_end(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    require_manager(request.user)
    try:
        entry = actions.do_remove_from_roster(
            acting_user=request.user, entry_id=pk, end_on=request.POST.get("end_on", ""),
            expected_version=request.POST.get("version"), now=timezone.now(),
        )  # fmt: skip
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        site_id = request.POST.get("site", "")
        return (
            redirect("assist:site_detail", pk=int(site_id)) if site_id.isdigit() else redirect("assist:sites")
        )
    messages.success(request, f"{entry.user.display_name}已离岗")
    return redirect("assist:site_detail", pk=entry.site_id)
