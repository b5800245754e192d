"""The gate QR code: the enterprise prints it (a signed, expiring token naming the enterprise), an
official scans it on a phone and registers the entry on one phone-sized page."""

from __future__ import annotations

import datetime as dt

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.http import AuthedHttpRequest
from bangban.core.urls_abs import absolute_url
from bangban.core.views import page_errors
from bangban.enterprises.models import Enterprise

from .. import actions, queries
from ..access import require_enterprise_user, require_official
from ..models import Purpose
from ..rules import gate_token, read_gate_token
from ._common import field_errors
from .entries import ENTRY_FIELDS, entry_input


def gate_url(enterprise_id: int, now: dt.datetime) -> str:
    return absolute_url(reverse("conduct:gate_scan", args=[enterprise_id, gate_token(enterprise_id, now)]))


@login_required
@require_GET
@page_errors
def gate_print(request: AuthedHttpRequest) -> HttpResponse:
    """The enterprise user's page with the gate code to print and post at the entrance."""
    user = request.user
    require_enterprise_user(user)
    now = timezone.now()
    enterprise = get_object_or_404(Enterprise, pk=user.enterprise_id)
    url = gate_url(enterprise.pk, now)
    days = queries.current_settings().gate_code_days
    return render(
        request,
        "conduct/gate_print.html",
        {
            "enterprise": enterprise,
            "url": url,
            "qr_svg": segno.make(url, error="m").svg_inline(scale=6, border=2),
            "valid_until": timezone.localdate(now) + dt.timedelta(days=days),
        },
    )


@login_required
@page_errors
def gate_scan(request: AuthedHttpRequest, enterprise_id: int, token: str) -> HttpResponse:
    """Where the gate code leads: the enterprise named by the code, and the few fields to fill."""
    user = request.user
    require_official(user)
    now = timezone.now()
    max_age = dt.timedelta(days=queries.current_settings().gate_code_days)
    read_gate_token(token, enterprise_id=enterprise_id, now=now, max_age=max_age)
    enterprise = get_object_or_404(Enterprise, pk=enterprise_id, is_active=True)
    values = {f: request.POST.get(f, "") for f in ENTRY_FIELDS}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            entry = actions.do_register_entry(
                acting_user=user,
                data=entry_input(request, enterprise_id=enterprise_id, gate_token=token),
                now=timezone.now(),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, f"已登记进入 {enterprise.name}，离开时请点“离开”")
            return redirect("conduct:entry_detail", pk=entry.pk)
    return render(
        request,
        "conduct/gate_scan.html",
        {
            "enterprise": enterprise,
            "values": values,
            "errors": errors,
            "purposes": Purpose.choices,
            "unit": user.unit,
        },
        status=status,
    )
