"""The settings page of rankings."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.http import AuthedHttpRequest

from .. import access, actions
from ._common import page


@page
@require_http_methods(["GET", "POST"])
def settings_page(request: AuthedHttpRequest) -> HttpResponseBase:
    access.require_viewer(request.user)
    errors: dict[str, str] = {}
    cfg = actions.current_settings()
    if request.method == "POST":
        try:
            actions.do_update_settings(
                request.user,
                **{k: request.POST.get(k) for k in SETTINGS_FIELDS},
                ledger_all_units="ledger_all_units" in request.POST,
            )
            messages.success(request, "设置已保存")
            return redirect("supervision:settings")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors["form"] = exc.message
            for key in SETTINGS_FIELDS:
                setattr(cfg, key, request.POST.get(key))
    return render(
        request,
        "supervision/settings.html",
        {"cfg": cfg, "errors": errors, "can_manage": access.can_manage(request.user)},
    )


SETTINGS_FIELDS = (
    "weight_response",
    "weight_resolution",
    "weight_satisfaction",
    "min_cases",
    "response_hours",
    "ledger_due_day",
    "bottom_places",
    "bottom_months",
)
