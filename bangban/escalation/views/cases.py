"""The escalation index, the tiers page and escalating a case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bangban.core.errors import NotFound
from bangban.core.pagination import paginate
from bangban.core.views import page_errors

from .. import access, actions, queries
from ..models import AutoRule, Tier
from ._common import _do, _staff


@login_required
@page_errors
def index(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    qs = queries.escalated_cases(user, request.GET)
    result = paginate(request, qs)
    return render(
        request,
        "escalation/index.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "tiers": actions.active_tiers(),
            "level": request.GET.get("level", ""),
            "q": request.GET.get("q", ""),
            "can_configure": access.can_configure(user),
            "now": timezone.now(),
        },
    )


@login_required
@page_errors
def tiers(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    if request.method == "POST":
        if not access.can_configure(user):
            raise NotFound()
        if request.POST.get("form") == "settings":
            return _do(
                request,
                lambda: actions.do_update_settings(
                    acting_user=user,
                    auto_rule=request.POST.get("auto_rule", ""),
                    auto_max_level=request.POST.get("auto_max_level"),
                    dispute_window_workdays=request.POST.get("dispute_window_workdays"),
                    dispute_decision_workdays=request.POST.get("dispute_decision_workdays"),
                    supervision_workdays=request.POST.get("supervision_workdays"),
                ),
                "已保存分级会办参数",
                "/escalation/tiers/",
            )
        return _do(
            request,
            lambda: actions.do_update_tier(
                acting_user=user,
                tier_id=int(request.POST.get("tier_id") or 0),
                name=request.POST.get("name", ""),
                workdays=request.POST.get("workdays"),
                is_active=request.POST.get("is_active") == "on",
            ),
            "已保存会办层级",
            "/escalation/tiers/",
        )
    return render(
        request,
        "escalation/tiers.html",
        {
            "tiers": actions.active_tiers() and Tier.objects.order_by("level"),
            "config": actions.settings_row(),
            "rules": AutoRule.choices,
            "can_configure": access.can_configure(user),
        },
    )


@login_required
@page_errors
@require_POST
def escalate(request: HttpRequest, ticket_id: int) -> HttpResponseBase:
    user = _staff(request)
    return _do(
        request,
        lambda: actions.do_escalate(
            acting_user=user,
            ticket_id=ticket_id,
            reason=request.POST.get("reason", ""),
            to_level=int(request.POST["to_level"]) if request.POST.get("to_level", "").isdigit() else None,
        ),
        "已升级会办",
        f"/cases/{ticket_id}/",
    )
