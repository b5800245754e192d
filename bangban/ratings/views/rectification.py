"""The ratings index and the 差评整改 queue and detail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.core.errors import REFUSALS, ApplicationError, ValidationFailed
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.org.models import Unit

from .. import access, actions
from ..models import RatingChannel, RectCategory, RectStatus
from ._common import _links
from .rating_pages import LEVELS


@login_required
@page_errors
def index(request: HttpRequest) -> HttpResponse:
    qs = access.visible_ratings(request.user).select_related(
        "unit", "subject", "subject__ticket", "subject__window"
    )
    level = request.GET.get("level") or ""
    channel = request.GET.get("channel") or ""
    if level.isdigit():
        qs = qs.filter(level=int(level))
    if channel in RatingChannel.values:
        qs = qs.filter(channel=channel)
    if request.GET.get("bad"):
        qs = qs.filter(level__gte=4)
    result = paginate(request, qs)
    return render(
        request,
        "ratings/index.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "levels": LEVELS,
            "channels": RatingChannel.choices,
            "level": level,
            "channel": channel,
            "links": _links(request.user),
        },
    )


@login_required
@page_errors
def rect_queue(request: HttpRequest) -> HttpResponse:
    qs = access.visible_rectifications(request.user).select_related("unit", "rating", "subject__ticket")
    status = request.GET.get("status") or ""
    if status in RectStatus.values:
        qs = qs.filter(status=status)
    elif not request.GET.get("all"):
        qs = qs.exclude(status__in=[RectStatus.CLOSED, RectStatus.DISMISSED, RectStatus.VOIDED])
    result = paginate(request, qs)
    return render(
        request,
        "ratings/rect_queue.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "statuses": RectStatus.choices,
            "status": status,
            "now": timezone.now(),
            "links": _links(request.user),
        },
    )


@login_required
@page_errors
def rect_detail(request: HttpRequest, rect_id: int) -> HttpResponse:
    rect = access.access_rectification(request.user, rect_id)
    error = None
    if request.method == "POST":
        post = request.POST
        op = post.get("op")
        try:
            common: dict[str, Any] = {"acting_user": request.user, "rect_id": rect.pk}
            if op == "verify":
                actions.do_verify(
                    **common, verification=post.get("verification", ""), expected_version=post.get("version")
                )
            elif op == "classify":
                actions.do_classify(
                    **common, category=post.get("category", ""), note=post.get("note", ""),
                    workdays=post.get("workdays"), expected_version=post.get("version"),
                )  # fmt: skip
            elif op == "rectify":
                actions.do_rectify(
                    **common, measures=post.get("measures", ""), feedback=post.get("feedback", ""),
                    expected_version=post.get("version"),
                )  # fmt: skip
            elif op == "link":
                actions.do_add_link(
                    **common,
                    unit_id=post.get("unit"),
                    note=post.get("note", ""),
                    ticket_id=post.get("ticket") or None,
                )
            else:
                raise ValidationFailed("未知操作", code="op_invalid")
            messages.success(request, "已保存")
            return redirect("ratings:rect_detail", rect_id=rect.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
            rect = access.access_rectification(request.user, rect_id)
    user: Any = request.user
    is_member = has_any_role(user, {"admin"}) or (
        user.unit_id == rect.unit_id and has_any_role(user, access.UNIT_ROLES)
    )
    return render(
        request,
        "ratings/rect_detail.html",
        {
            "r": rect,
            "rating": rect.rating,
            "subject": rect.subject,
            "ratings": rect.subject.ratings.order_by("created_at"),
            "links_done": rect.links.select_related("unit", "ticket"),
            "error": error,
            "is_member": is_member,
            "is_manager": access.is_manager(user),
            "categories": RectCategory.choices,
            "units": Unit.objects.filter(is_active=True).order_by("name")[:500],
            "default_days": actions.get_settings().rectification_workdays,
            "links": _links(user),
        },
        status=error.status if error else 200,
    )
