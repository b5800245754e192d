"""Intake by staff and enterprises: the intake links and index, hotline, window, counter and portal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from bangban.accounts.access import has_any_role, show_phone
from bangban.accounts.roles import Role
from bangban.core.errors import PermissionDenied, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.views import page_errors
from bangban.core.xlsx import limit_upload_size
from bangban.enterprises.access import visible_enterprises
from bangban.knowledge import access as knowledge_access
from bangban.org.queries import picked_units

from .. import intake
from ..access import access_ticket
from ..forms_intake import CounterForm, HotlineForm, PortalForm, WindowOnlineForm
from ..models import Attachment, Channel, HotlineOutcome, ReplyResult, Ticket
from ._common import _base_context, _done, _render_form, _staff_context, _uploads

SESSION_PHONE = "bb_mayor_phone"
SESSION_LAST_CASE = "bb_mayor_last_case"
ENTERPRISE_RESULTS = 10


# --- hub and confirmation -------------------------------------------------------------------------


def intake_links(user: Any) -> list[dict[str, str]]:
    """The intake pages this user may use (for the hub page and the home page)."""
    links = []
    if has_any_role(user, {Role.HOTLINE_AGENT, Role.ADMIN}):
        links.append(
            {"url": reverse("tickets:intake_hotline"), "label": "12345 营商环境专席登记", "testid": "hotline"}
        )
    if has_any_role(user, {Role.ENTERPRISE}):
        links.append({"url": reverse("tickets:intake_new"), "label": "提交诉求", "testid": "portal"})
        links.append(
            {"url": reverse("tickets:intake_window"), "label": "反映“办不成事”问题", "testid": "window"}
        )
    if intake.can_file_at_counter(user):
        links.append(
            {"url": reverse("tickets:intake_counter"), "label": "“办不成事”窗口代填", "testid": "counter"}
        )
    if has_any_role(user, {Role.MAYOR_OFFICE, Role.ADMIN}):
        links.append(
            {
                "url": reverse("tickets:intake_mayor_register"),
                "label": "登记市长直通车来电来信",
                "testid": "mayor",
            }
        )
    if intake.report_channels(user):
        links.append(
            {"url": reverse("tickets:intake_report"), "label": "走访/监督发现问题上报", "testid": "report"}
        )
    return links


@login_required
@require_GET
def intake_index(request: AuthedHttpRequest) -> HttpResponse:
    # One name per action (docs/glossary.md): the enterprise 提交 its own case, staff 登记 a caller's.
    heading = "提交诉求" if has_any_role(request.user, {Role.ENTERPRISE}) else "登记诉求"
    return render(
        request, "tickets/intake_index.html", {"links": intake_links(request.user), "heading": heading}
    )


@login_required
@require_GET
@page_errors
def intake_done(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk)
    ticket = (
        Ticket.objects.select_related("category", "enterprise", "suggested_unit", "duplicate_of", "region")
        # The files of the submission, not those of a later reply.
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.filter(reply__isnull=True)))
        .get(pk=ticket.pk)
    )
    staff = not has_any_role(request.user, {Role.ENTERPRISE}) or has_any_role(request.user, {Role.ADMIN})
    return render(
        request,
        "tickets/intake_done.html",
        {
            "ticket": ticket,
            "staff": staff,
            "contact_phone": show_phone(request.user, ticket.contact_phone),
            "again": _again_url(ticket),
            "case_url": intake.case_link(ticket),
        },
    )


def _again_url(ticket: Ticket) -> str:
    if ticket.channel == Channel.HOTLINE:
        return reverse("tickets:intake_hotline")
    if ticket.channel == Channel.WINDOW:
        return reverse(
            "tickets:intake_counter" if ticket.intake_mode == "counter" else "tickets:intake_window"
        )
    if ticket.channel == Channel.MAYOR:
        return reverse("tickets:intake_mayor_register")
    if ticket.channel in (Channel.OFFICER, Channel.SUPERVISOR):
        return reverse("tickets:intake_report")
    return reverse("tickets:intake_new")


@login_required
@require_GET
def enterprise_search(request: AuthedHttpRequest) -> HttpResponse:
    """htmx: enterprises the user may see whose name contains, or USCC starts with, the query."""
    q = (request.GET.get("q") or "").strip()[:100]
    results = []
    if len(q) >= 2:
        results = list(
            visible_enterprises(request.user)
            .filter(Q(name__icontains=q) | Q(uscc__startswith=q.upper()))
            .select_related("region")
            .only("id", "name", "uscc", "region__name")
            .order_by("name")[:ENTERPRISE_RESULTS]
        )
    return render(request, "tickets/intake_enterprise_results.html", {"results": results, "q": q})


# --- 12345 hotline ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@limit_upload_size
@page_errors
def intake_hotline(request: AuthedHttpRequest) -> HttpResponse:
    if not has_any_role(request.user, {Role.HOTLINE_AGENT, Role.ADMIN}):
        raise PermissionDenied("只有12345热线坐席可以使用此页面")
    form = HotlineForm(request.POST or None, initial={"outcome": HotlineOutcome.WORK_ORDER})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = intake.do_intake_hotline(
                acting_user=request.user,
                data=form.to_input(),
                outcome=d.get("outcome") or "",
                answer=d.get("answer", ""),
                connected_unit_id=_picked_unit(d.get("connected_unit")),
                connected_name=d.get("connected_name", ""),
                outcome_text=d.get("outcome_text", ""),
                resolved=bool(d.get("resolved")),
                result=d.get(
                    "answer_result"
                    if d.get("outcome") == HotlineOutcome.DIRECT_ANSWER
                    else "connected_result"
                )
                or "",
                attachments=_uploads(request),
                idempotency_key=d.get("idempotency_key"),
            )
        except ValidationFailed as exc:
            form.apply_error(exc)
        else:
            return _done(request, result)
    return _render_form(
        request,
        "tickets/intake_hotline.html",
        _staff_context(
            request,
            form,
            outcomes=HotlineOutcome.choices,
            connected_selected=picked_units([request.POST.get("connected_unit", "")]),
            results=ReplyResult.choices,
            knowledge_lookup=knowledge_access.is_reader(request.user),
        ),
        status=400 if form.errors else 200,
    )


def _positive(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def _picked_unit(value: Any) -> int | None:
    """The unit picker's value: empty is none; anything that is not a unit id is sent on as an id
    no unit has, so it is refused as an unknown unit rather than silently dropped."""
    text = str(value or "").strip()
    if not text:
        return None
    return _positive(text) or -1


# --- "办不成事" window --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@limit_upload_size
@page_errors
def intake_window(request: AuthedHttpRequest) -> HttpResponse:
    if not has_any_role(request.user, {Role.ENTERPRISE}):
        raise PermissionDenied("只有企业用户可以在线反映“办不成事”问题；工作人员请使用窗口代填")
    form = WindowOnlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = intake.do_intake_window_online(
                acting_user=request.user,
                data=form.to_input(),
                attachments=_uploads(request),
                idempotency_key=form.cleaned_data.get("idempotency_key"),
            )
        except ValidationFailed as exc:
            form.apply_error(exc)
        else:
            return _done(request, result, to_case=True)
    return _render_form(
        request, "tickets/intake_window.html", _base_context(form), status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_upload_size
@page_errors
def intake_counter(request: AuthedHttpRequest) -> HttpResponse:
    if not intake.can_file_at_counter(request.user):
        raise PermissionDenied("只有政务服务场所工作人员或承办人员可以窗口代填")
    form = CounterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = intake.do_intake_window_counter(
                acting_user=request.user,
                data=form.to_input(),
                on_spot=d.get("handling") == "on_spot",
                answer=d.get("answer", ""),
                result=d.get("answer_result", ""),
                attachments=_uploads(request),
                idempotency_key=d.get("idempotency_key"),
            )
        except ValidationFailed as exc:
            form.apply_error(exc)
        else:
            return _done(request, result)
    return _render_form(
        request,
        "tickets/intake_counter.html",
        _staff_context(request, form, results=ReplyResult.choices),
        status=400 if form.errors else 200,
    )


# --- enterprise portal --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@limit_upload_size
@page_errors
def intake_portal(request: AuthedHttpRequest) -> HttpResponse:
    if not has_any_role(request.user, {Role.ENTERPRISE}):
        raise PermissionDenied("只有企业用户可以在企业端提交诉求")
    form = PortalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = intake.do_intake_portal(
                acting_user=request.user,
                data=form.to_input(),
                attachments=_uploads(request),
                idempotency_key=form.cleaned_data.get("idempotency_key"),
            )
        except ValidationFailed as exc:
            form.apply_error(exc)
        else:
            return _done(request, result, to_case=True)
    enterprise = request.user.enterprise
    return _render_form(
        request,
        "tickets/intake_portal.html",
        _base_context(form, enterprise=enterprise),
        status=400 if form.errors else 200,
    )
