"""The 入企登记簿's pages: the list, registering from a page, an entry (离开, the enterprise's answer)
and the enterprise's report of an unregistered entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors

from .. import actions, queries
from ..access import (
    access_entry,
    is_enterprise_user,
    is_official,
    is_overseer,
    may_leave,
    may_respond,
    require_enterprise_user,
    require_official,
)
from ..models import Presence, Purpose, Response
from ._common import field_errors, resolve_enterprise

ENTRY_FIELDS = ("purpose", "description", "companions", "legal_basis", "task_number", "entered_at")


@login_required
@require_GET
@page_errors
def entry_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not (is_official(user) or is_enterprise_user(user) or is_overseer(user)):
        raise NotFound()
    params = {k: request.GET.get(k, "") for k in ("month", "purpose", "response", "on_site", "q")}
    result = paginate(request, queries.entry_list(user, params).prefetch_related("flags"))
    return render(
        request,
        "conduct/entries.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "purposes": Purpose.choices,
            "responses": Response.choices,
            "is_official": is_official(user),
            "is_enterprise": is_enterprise_user(user),
            "is_overseer": is_overseer(user),
        },
    )


def entry_input(request: HttpRequest, **extra: Any) -> actions.EntryInput:
    post = request.POST
    return actions.EntryInput(**{f: post.get(f, "") for f in ENTRY_FIELDS}, **extra)


@login_required
@page_errors
def entry_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require_official(user)
    values = {f: request.POST.get(f, "") for f in ENTRY_FIELDS}
    values["enterprise"] = request.POST.get("enterprise", request.GET.get("enterprise", ""))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            entry = actions.do_register_entry(
                acting_user=user,
                data=entry_input(request, enterprise_id=resolve_enterprise(user, values["enterprise"])),
                now=timezone.now(),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, f"已登记进入 {entry.enterprise.name}")
            return redirect("conduct:entry_detail", pk=entry.pk)
    return render(
        request,
        "conduct/entry_form.html",
        {"values": values, "errors": errors, "purposes": Purpose.choices, "unit": user.unit},
        status=status,
    )


@login_required
@page_errors
def entry_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    entry = access_entry(user, pk)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "leave":
                actions.do_leave_entry(
                    acting_user=user,
                    entry_id=entry.pk,
                    left_at=request.POST.get("left_at", ""),
                    version=request.POST.get("version"),
                    now=timezone.now(),
                )
                messages.success(request, "已登记离开时间")
            elif action == "respond":
                decision = request.POST.get("decision", "")
                actions.do_respond_entry(
                    acting_user=user,
                    entry_id=entry.pk,
                    decision=decision,
                    item_id=request.POST.get("item", ""),
                    note=request.POST.get("note", ""),
                    version=request.POST.get("version"),
                    now=timezone.now(),
                )
                messages.success(
                    request, "已确认本次入企" if decision == "confirm" else "已反映，作风办将核实处理"
                )
            else:
                raise NotFound()
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            return redirect("conduct:entry_detail", pk=entry.pk)
        entry = access_entry(user, pk)
    return render(
        request,
        "conduct/entry_detail.html",
        {
            "entry": entry,
            "flags": queries.flags_of_entry(entry),
            "errors": errors,
            "values": request.POST,
            "can_leave": may_leave(user, entry) and entry.presence == Presence.ON_SITE,
            "can_respond": may_respond(user, entry) and entry.response == Response.PENDING,
            "items": queries.citable_items(timezone.localdate(entry.entered_at), timezone.localdate()),
        },
        status=status,
    )


@login_required
@page_errors
def unregistered_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require_enterprise_user(user)
    today = timezone.localdate()
    values = {
        "occurred_on": request.POST.get("occurred_on", today.isoformat()),
        "unit_name": request.POST.get("unit_name", ""),
        "description": request.POST.get("description", ""),
        "item": request.POST.get("item", ""),
    }
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            actions.do_report_unregistered(
                acting_user=user,
                occurred_on=values["occurred_on"],
                unit_name=values["unit_name"],
                description=values["description"],
                item_id=values["item"],
                now=timezone.now(),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, "已反映，作风办将核实处理")
            return redirect("conduct:entries")
    return render(
        request,
        "conduct/unregistered_form.html",
        {"values": values, "errors": errors, "items": queries.citable_items(today)},
        status=status,
    )
