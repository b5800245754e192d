"""The inbox (every user) and the outbox (administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bangban.accounts.access import show_phone
from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import error_response, page_errors

from .access import (
    access_outbox_message,
    can_manage_outbox,
    require_demo,
    require_outbox_admin,
    tail_only,
    visible_inbox,
    visible_outbox,
)
from .actions import do_retry_message, mark_all_read, mark_read
from .filters import InboxFilter, OutboxFilter
from .models import Channel, OutboxStatus
from .one_time import phone_text
from .queries import demo_sms_list, inbox_order, outbox_counts, outbox_list, unread_count


def _back_to_inbox(request: AuthedHttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return HttpResponseRedirect(target)
    return redirect("notifications:inbox")


@login_required
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    filters = InboxFilter.from_params(request.GET)
    result = paginate(request, inbox_order(filters.apply(visible_inbox(request.user))))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "filters": filters,
            "unread_total": unread_count(request.user),
            "can_manage_outbox": can_manage_outbox(request.user),
        },
    )


@require_POST
@login_required
def read_message(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        message = mark_read(acting_user=request.user, message_id=pk)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    if (
        request.POST.get("open")
        and message.link
        and url_has_allowed_host_and_scheme(message.link, {request.get_host()}, request.is_secure())
    ):
        return HttpResponseRedirect(message.link)
    return _back_to_inbox(request)


@require_POST
@login_required
def read_all(request: AuthedHttpRequest) -> HttpResponse:
    count = mark_all_read(acting_user=request.user)
    messages.success(request, f"已将 {count} 条消息标为已读" if count else "没有未读消息")
    return _back_to_inbox(request)


@login_required
def outbox(request: AuthedHttpRequest) -> HttpResponse:
    try:
        require_outbox_admin(request.user)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    filters = OutboxFilter.from_params(request.GET)
    result = paginate(request, outbox_list(filters.apply(visible_outbox(request.user))))
    rows = [
        {
            "message": m,
            "address": show_phone(request.user, m.address) if m.channel == Channel.SMS else m.address,
        }
        for m in result.page.object_list
    ]
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": rows,
            "filters": filters,
            "counts": outbox_counts(),
            "status_choices": OutboxStatus.choices,
            "channel_choices": Channel.choices,
        },
    )


@require_POST
@login_required
def retry(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        message = access_outbox_message(request.user, pk)
        do_retry_message(acting_user=request.user, message_id=message.pk)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        if exc.status == 404:
            return error_response(request, exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, f"消息“{message.subject}”已重新排队发送")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return HttpResponseRedirect(target)
    return redirect(reverse("notifications:outbox"))


@page_errors
def demo_sms(request: HttpRequest) -> HttpResponse:
    """「演示短信」: in the demo city, the text messages the outbox would send — codes and links
    included — so that anyone can use the SMS-verified pages without a real phone. Not found
    anywhere else (production settings)."""
    require_demo()
    result = paginate(request, demo_sms_list())
    rows = [
        {"message": m, "phone": tail_only(m.address), "text": phone_text(m)} for m in result.page.object_list
    ]
    return render(
        request,
        "notifications/demo_sms.html",
        {"page": result.page, "qs": result.querystring_without_page, "rows": rows},
    )
