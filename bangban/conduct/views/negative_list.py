"""The 负面清单 pages: the version in force and its history (everyone signed in), and 作风办's form for
a new version."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.views import page_errors

from .. import actions, queries
from ..access import is_manager, require_manager
from ..models import NegativeListVersion
from ._common import field_errors


@login_required
@page_errors
def negative_list(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    today = timezone.localdate()
    in_force = queries.list_in_force(today)
    if pk is None:
        shown = in_force
    else:
        shown = NegativeListVersion.objects.filter(pk=pk).first()
        if shown is None:
            raise NotFound()
    return render(
        request,
        "conduct/negative_list.html",
        {
            "shown": shown,
            "items": queries.items_of(shown),
            "in_force": in_force,
            "versions": queries.list_versions(),
            "today": today,
            "can_manage": is_manager(request.user),
        },
    )


def parse_items(text: str) -> list[dict[str, str]]:
    """One item a line: `编号|事项|具体表现`, `事项|具体表现` or just `事项`."""
    items = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not any(parts):
            continue
        if len(parts) >= 3:
            items.append({"code": parts[0], "title": parts[1], "description": "|".join(parts[2:])})
        elif len(parts) == 2:
            items.append({"title": parts[0], "description": parts[1]})
        else:
            items.append({"title": parts[0]})
    return items


def _as_lines(version: NegativeListVersion | None) -> str:
    return "\n".join(f"{i.code}|{i.title}|{i.description}" for i in queries.items_of(version))


@login_required
@page_errors
def negative_list_new(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require_manager(user)
    today = timezone.localdate()
    latest = NegativeListVersion.objects.order_by("-number").first()
    values: dict[str, Any] = {
        "title": request.POST.get("title", latest.title if latest else "干扰企业生产经营负面清单"),
        "effective_from": request.POST.get("effective_from", ""),
        "note": request.POST.get("note", ""),
        "items": request.POST.get("items", _as_lines(latest)),
    }
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            version = actions.do_publish_negative_list(
                acting_user=user,
                title=values["title"],
                effective_from=values["effective_from"],
                note=values["note"],
                items=parse_items(values["items"]),
                now=timezone.now(),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(
                request, f"已发布第 {version.number} 版，自 {version.effective_from:%Y-%m-%d} 起施行"
            )
            return redirect("conduct:negative_list_version", pk=version.pk)
    return render(
        request,
        "conduct/negative_list_form.html",
        {"values": values, "errors": errors, "latest": latest, "today": today},
        status=status,
    )
