"""Pages of service windows and their rating devices."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bangban.accounts.access import has_any_role
from bangban.core.errors import REFUSALS, ApplicationError, ValidationFailed
from bangban.core.views import page_errors
from bangban.org.models import Unit

from .. import access, actions
from ..models import RatingDevice
from ._common import _links


@login_required
@page_errors
def windows(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    error = None
    raw_key = None
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "window":
                actions.do_create_window(
                    acting_user=user, site_id=request.POST.get("site"), code=request.POST.get("code", ""),
                    name=request.POST.get("name", ""),
                )  # fmt: skip
                messages.success(request, "窗口已登记")
            elif op == "toggle":
                actions.do_set_window_active(
                    acting_user=user, window_id=int(request.POST.get("window") or 0),
                    active=request.POST.get("active") == "1",
                )  # fmt: skip
                messages.success(request, "已保存")
            elif op == "item":
                actions.do_create_service_item(
                    acting_user=user, site_id=request.POST.get("site"), code=request.POST.get("code", ""),
                    name=request.POST.get("name", ""),
                )  # fmt: skip
                messages.success(request, "服务事项已登记")
            elif op == "device":
                _device, raw_key = actions.do_create_device(
                    acting_user=user, site_id=request.POST.get("site"), name=request.POST.get("name", ""),
                    window_id=request.POST.get("window") or None, reversed_codes=bool(request.POST.get("reversed")),
                )  # fmt: skip
            elif op == "revoke":
                actions.do_revoke_device(acting_user=user, device_id=int(request.POST.get("device") or 0))
                messages.success(request, "密钥已吊销")
            elif op == "settings":
                actions.do_update_settings(acting_user=user, values=request.POST.dict())
                messages.success(request, "参数已保存")
            else:
                raise ValidationFailed("未知操作", code="op_invalid")
            if raw_key is None:
                return redirect("ratings:windows")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
    site_q = access.manageable_sites(user)
    sites = Unit.objects.filter(type="service_site", is_active=True)
    devices = RatingDevice.objects.select_related("site", "window")
    if site_q is not None:
        sites = (
            sites.filter(pk=user.unit_id)
            if user.unit_id and has_any_role(user, {"unit_head"})
            else sites.none()
        )
        devices = devices.filter(site_q)
    return render(
        request,
        "ratings/windows.html",
        {
            "windows": access.visible_windows(user).order_by("site__name", "code"),
            "sites": sites.order_by("name"),
            "devices": devices if (site_q is None or sites.exists()) else devices.none(),
            "error": error,
            "raw_key": raw_key,
            "settings": actions.get_settings(),
            "is_manager": access.is_manager(user),
            "links": _links(user),
        },
        status=error.status if error else 200,
    )
