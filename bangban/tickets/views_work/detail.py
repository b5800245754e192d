"""The case page, its attachments, and the lifecycle actions posted from it."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from bangban.accounts.access import may_see_personal_data, show_phone
from bangban.audit.actions import record_personal_data_view
from bangban.core.errors import REFUSALS, ApplicationError, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.views import page_errors
from bangban.core.xlsx import human_size, limit_upload_size, upload_was_too_large

from .. import panels, queries, replies
from ..access import PROTECTED_COMPLAINANT, access_ticket, check_action, complainant_hidden
from ..attachments import ALLOWED_KINDS, max_attachment_bytes, max_attachment_files
from ..contact import caller_history, do_reveal_contact, may_reveal_contact
from ..display import (
    STATUS_LABELS,
    deadline_badge,
    dispatch_badge,
    dispatch_clock_label,
    event_label,
    status_css,
    urgency_css,
)
from ..filters import TicketFilter
from ..models import Attachment, ReviewStatus, Ticket, Visibility
from ..origins import origins_of

REPLY_ACCEPT = ",".join(ext for kind in ALLOWED_KINDS.values() for ext in kind.extensions)
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


@login_required
@require_GET
@page_errors
def attachment(request: AuthedHttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    """A file of a case, to whoever may see the case (internal files: staff only)."""
    ticket = access_ticket(request.user, pk)
    qs = Attachment.objects.filter(ticket=ticket, pk=attachment_id)
    if not queries.is_staff_viewer(request.user):
        qs = qs.filter(visibility=Visibility.PUBLIC)
    item = qs.first()
    if item is None:
        raise NotFound()
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise NotFound("附件文件已不存在") from exc
    # Only raster images are shown in the browser; everything else (PDF, Office files and any
    # active content) is downloaded. Downloads also get a sandboxing policy (core.security).
    inline = item.content_type in INLINE_TYPES
    # A file's own name may name whoever filed a conduct complaint: hidden ones get a neutral name.
    name = item.original_name
    if complainant_hidden(request.user, ticket):
        name = f"附件{item.pk}{os.path.splitext(name)[1].lower()}"
    response = FileResponse(handle, as_attachment=not inline, filename=name)
    response["Content-Type"] = item.content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the case page and its action panels ----------------------------------------------------------


def _render_detail(
    request: AuthedHttpRequest,
    ticket: Ticket,
    *,
    bound: tuple[str, forms.Form, str] | None = None,
    status: int = 200,
    revealed_phone: str = "",
) -> HttpResponse:
    user = request.user
    page = queries.case_page(user, ticket)
    t = page.ticket
    now = timezone.now()
    nav = _queue_nav(request, t)
    offered = panels.available_panels(user, page)
    panel_forms = []
    for panel in offered:
        if bound is not None and bound[0] == panel.key:
            panel_forms.append({"panel": panel, "form": bound[1], "error": bound[2]})
        else:
            panel_forms.append(
                {"panel": panel, "form": panels.make_form(panel.key, t, user=user), "error": ""}
            )
    protected = complainant_hidden(user, t)
    contact_phone = "" if protected else (revealed_phone or show_phone(user, t.contact_phone))
    if t.contact_phone and not protected and may_see_personal_data(user):
        record_personal_data_view(user, t, ["contact_phone"])
    pending_requests = [r for r in page.requests if r.status == ReviewStatus.PENDING]
    timeline = [
        {
            "e": event,
            "label": event_label(event.kind),
            "to_status_label": STATUS_LABELS.get(event.to_status, ""),
            # Outside government (the enterprise, a volunteer) an actor is the complainant's side.
            "actor": "投诉人"
            if protected and event.actor_id and not event.actor_unit_id
            else event.actor_name,
        }
        for event in page.events
    ]
    return render(
        request,
        "tickets/detail.html",
        {
            "p": page,
            "t": t,
            "badge": deadline_badge(t, now),
            "dbadge": dispatch_badge(t, now),
            "dlabel": dispatch_clock_label(t),
            "status_css": status_css(t.status),
            "urgency_css": urgency_css(t.urgency),
            "contact_phone": contact_phone,
            "contact_revealed": bool(revealed_phone),
            "may_reveal_contact": not revealed_phone and may_reveal_contact(user, t),
            "origins": origins_of(user, t),
            "caller_history": [
                {"t": row, "status_label": STATUS_LABELS.get(row.status, ""), "css": status_css(row.status)}
                for row in caller_history(user, t)
            ],
            "complainant_protected": protected,
            "protected_text": PROTECTED_COMPLAINANT,
            "panels": panel_forms,
            "pending_requests": pending_requests,
            "timeline": timeline,
            "error_panel": bound[0] if bound else "",
            # The action is no longer offered (the case moved on): the message goes on top.
            "general_error": bound[2] if bound and bound[0] not in {p.key for p in offered} else "",
            "back_url": nav["back_url"] if nav else _back_url(user),
            "queue_nav": nav,
            # The action forms keep the queue the case was opened from (act redirects back with it).
            "nav_query": "?" + request.GET.urlencode() if nav else "",
            "reply_accept": REPLY_ACCEPT,
            "reply_max_files": max_attachment_files(),
            "reply_max_mb": max_attachment_bytes() // (1024 * 1024),
        },
        status=status,
    )


def _queue_nav(request: AuthedHttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    """A case opened from the dispatch queue (`?from=dispatch` and the queue's filters): the cases
    before and after it in the queue (「上一件」「下一件」, keys [ and ]) and the way back to it."""
    user = request.user
    if request.GET.get("from") != "dispatch" or not queries.can_use_dispatch_queue(user):
        return None
    filters = TicketFilter(request.GET, user)
    around = queries.dispatch_neighbours(filters, ticket)
    query = urlencode({"from": "dispatch", **filters.as_params()}, doseq=True)

    def link(pk: int | None) -> str:
        return f"{reverse('tickets:detail', args=[pk])}?{query}" if pk is not None else ""

    params = filters.querystring()
    return {
        "previous_url": link(around.previous_id),
        "next_url": link(around.next_id),
        "position": around.position,
        "total": around.total,
        "back_url": reverse("tickets:dispatch_queue") + (f"?{params}" if params else ""),
    }


def _back_url(user: Any) -> str:
    if queries.can_use_unit_queue(user):
        return reverse("tickets:unit_queue")
    if queries.can_use_dispatch_queue(user):
        return reverse("tickets:dispatch_queue")
    if queries.can_use_all_cases(user):
        return reverse("tickets:all")
    return reverse("tickets:mine")


@login_required
@require_GET
@page_errors
def detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk)
    return _render_detail(request, ticket)


@login_required
@require_POST
@page_errors
def reveal_contact(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """「查看完整号码」: the full contact phone (audited). With htmx only the number is swapped in;
    without script the case page comes back with the number shown."""
    phone = do_reveal_contact(acting_user=request.user, ticket_id=pk)
    if getattr(request, "htmx", False):
        return render(
            request, "tickets/_contact_phone.html", {"contact_phone": phone, "contact_revealed": True}
        )
    return _render_detail(request, access_ticket(request.user, pk), revealed_phone=phone)


@login_required
@require_POST
@limit_upload_size
@page_errors
def act(request: AuthedHttpRequest, pk: int, key: str) -> HttpResponse:
    """One action panel's form. Success: back to the case (or the list it came from); failure:
    the case page again with the message in the panel and the user's input kept."""
    user = request.user
    ticket = access_ticket(user, pk)
    panel = panels.PANELS_BY_KEY.get(key)
    if panel is None or not panels.has_action(panel.function):
        raise NotFound()
    check_action(user, ticket, panel.check)
    prefix = request.POST.get("_prefix") or None
    form = panels.make_form(key, ticket, request.POST, user=user)
    if prefix:
        form.prefix = prefix
    next_url = _safe_next(request)
    if not form.is_valid():
        message = _form_message(form)
        return _failed(request, ticket, key, form, message, next_url, status=400)
    try:
        done = panels.run_action(key, user, ticket, form.cleaned_data, files=_uploads(request, key))
    except REFUSALS:
        raise
    except ApplicationError as exc:
        # A structured refusal (the reply's) names its fields: each message goes under its field.
        for name, message in replies.form_problems(exc).items():
            if name in form.fields:
                form.add_error(name, message)
        return _failed(request, ticket, key, form, exc.message, next_url, status=exc.status)
    messages.success(request, done)
    if next_url:
        return redirect(next_url)
    # Opened from a queue (?from=dispatch and its filters): back to the case within that queue.
    back = reverse("tickets:detail", args=[ticket.pk])
    if request.GET.get("from") == "dispatch":
        back += "?" + request.GET.urlencode()
    return redirect(back)


def _uploads(request: AuthedHttpRequest, key: str) -> list[Any]:
    """The files posted with a panel (only the reply takes files)."""
    if key != "reply":
        return []
    if upload_was_too_large(request):
        message = f"附件超过了单个文件 {human_size(max_attachment_bytes())} 的上限"
        raise ValidationFailed(
            message, code="attachment_too_large", details={"fields": {"attachments": message}}
        )
    return request.FILES.getlist("attachments")


def _form_message(form: forms.Form) -> str:
    parts: list[str] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}：" if field is not None and field.label and name != "__all__" else ""
        parts.extend(f"{label}{e}" for e in errors)
    return "；".join(parts) or "提交的内容有误"


def _failed(
    request: AuthedHttpRequest,
    ticket: Ticket,
    key: str,
    form: forms.Form,
    message: str,
    next_url: str,
    *,
    status: int,
) -> HttpResponse:
    if next_url:
        # Posted from a list (dispatcher queue, 我的诉求): back to it, with the message on top.
        messages.error(request, f"{ticket.number}：{message}")
        return redirect(next_url)
    fresh = Ticket.objects.get(pk=ticket.pk)
    return _render_detail(request, fresh, bound=(key, form, message), status=status)


def _safe_next(request: AuthedHttpRequest) -> str:

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""
