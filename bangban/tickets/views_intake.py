"""Intake pages (/cases/intake/…): the 12345 agent's screen, the "办不成事" window (online and at the
counter), the enterprise portal, the mayor's public column (no login; SMS-confirmed phone) with its
tracking page and the staff register, and officers'/supervisors' reports.

Each form carries a one-time idempotency key, so a double tap or a resent form makes one case."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from bangban.accounts.access import has_any_role, mask_phone, show_phone
from bangban.accounts.roles import Role
from bangban.core.errors import REFUSALS, ApplicationError, PermissionDenied, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.middleware import client_ip
from bangban.core.views import page_errors
from bangban.core.xlsx import limit_upload_size, upload_was_too_large
from bangban.enterprises.access import scope_regions, visible_enterprises
from bangban.org.models import Unit

from . import intake
from .access import access_ticket
from .attachments import ALLOWED_KINDS, max_attachment_bytes, max_attachment_files
from .forms_intake import (
    TYPE_CHOICES,
    CounterForm,
    HotlineForm,
    IntakeForm,
    MayorForm,
    MayorPhoneForm,
    MayorRegisterForm,
    PortalForm,
    ReportForm,
    WindowOnlineForm,
    category_groups,
)
from .models import Channel, HotlineOutcome, Ticket, Visibility
from .workflow import Status

ACCEPT_ATTR = ",".join(ext for kind in ALLOWED_KINDS.values() for ext in kind.extensions)
SESSION_PHONE = "bb_mayor_phone"
SESSION_LAST_CASE = "bb_mayor_last_case"
ENTERPRISE_RESULTS = 10


def _uploads(request: HttpRequest) -> list[Any]:
    if upload_was_too_large(request):
        from bangban.core.xlsx import human_size

        message = f"附件超过了单个文件 {human_size(max_attachment_bytes())} 的上限"
        raise ValidationFailed(
            message, code="attachment_too_large", details={"fields": {"attachments": message}}
        )
    return request.FILES.getlist("attachments")


def _base_context(form: IntakeForm, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "values": {name: form.data.get(name, "") for name in form.fields},
        "idempotency_key": form.initial_key(),
        "category_groups": category_groups(),
        "types": TYPE_CHOICES,
        "accept": ACCEPT_ATTR,
        "max_files": max_attachment_files(),
        "max_mb": max_attachment_bytes() // (1024 * 1024),
        **extra,
    }


def _staff_context(request: AuthedHttpRequest, form: IntakeForm, **extra: Any) -> dict[str, Any]:
    picked = None
    enterprise_id = form.data.get("enterprise")
    if enterprise_id and str(enterprise_id).isdigit():
        picked = (
            visible_enterprises(request.user).filter(pk=int(enterprise_id)).only("id", "name", "uscc").first()
        )
    return _base_context(
        form,
        regions=scope_regions(request.user).exclude(level="village").only("code", "name", "path"),
        picked_enterprise=picked,
        **extra,
    )


def _done(request: HttpRequest, result: intake.IntakeResult, *, to_case: bool = False) -> HttpResponse:
    ticket = result.ticket
    if result.replayed:
        messages.info(request, f"该诉求已提交过，编号 {ticket.number}，未重复登记")
    elif ticket.status == Status.CLOSED:
        messages.success(request, f"已登记并当场办结，诉求编号 {ticket.number}")
    else:
        messages.success(request, f"已受理，诉求编号 {ticket.number}")
    if to_case:
        return redirect(intake.case_link(ticket))
    return redirect("tickets:intake_done", pk=ticket.pk)


def _render_form(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, context, status=status)


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
    return render(request, "tickets/intake_index.html", {"links": intake_links(request.user)})


@login_required
@require_GET
@page_errors
def intake_done(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk)
    ticket = (
        Ticket.objects.select_related("category", "enterprise", "suggested_unit", "duplicate_of", "region")
        .prefetch_related("attachments")
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
                connected_unit_id=_positive(d.get("connected_unit")),
                connected_name=d.get("connected_name", ""),
                outcome_text=d.get("outcome_text", ""),
                resolved=bool(d.get("resolved")),
                attachments=_uploads(request),
                idempotency_key=d.get("idempotency_key"),
            )
        except ValidationFailed as exc:
            form.apply_error(exc)
        else:
            return _done(request, result)
    units = Unit.objects.filter(is_active=True).select_related("region").only("id", "name", "region__path")
    return _render_form(
        request,
        "tickets/intake_hotline.html",
        _staff_context(
            request, form, outcomes=HotlineOutcome.choices, units=units.order_by("region__path", "name")
        ),
        status=400 if form.errors else 200,
    )


def _positive(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


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
        _staff_context(request, form),
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


# --- mayor's public column (no login) -----------------------------------------------------------


def _session_phone(request: HttpRequest) -> tuple[int | None, str]:
    """The verification id and phone confirmed in this browser session, if still fresh."""
    stored = request.session.get(SESSION_PHONE) or {}
    vid, phone = stored.get("id"), stored.get("phone", "")
    if vid and intake.verified_phone_for(vid, phone):
        return vid, phone
    return None, ""


def _phone_step(request: HttpRequest, phone_form: MayorPhoneForm) -> tuple[bool, str, int]:
    """Handle "send code" / "verify code" posts; returns (handled, sent_to, status): 400 for a
    mistake in the form, 429 when a limit on codes is reached (the message says how long to wait)."""
    action = request.POST.get("step")
    if action not in ("send_code", "verify"):
        return False, "", 200
    phone = (request.POST.get("phone") or "").strip()
    ip = client_ip(request)
    try:
        if action == "send_code":
            intake.do_send_phone_code(phone=phone, ip=ip)
            return True, phone, 200
        verification = intake.do_verify_phone_code(phone=phone, code=request.POST.get("code", ""), ip=ip)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        fields = (exc.details or {}).get("fields") if isinstance(exc.details, dict) else None
        phone_form.add_error("code" if fields and "code" in fields else "phone", exc.message)
        status = exc.status if isinstance(exc, intake.RateLimited) else 400
        return True, phone if action == "verify" else "", status
    request.session[SESSION_PHONE] = {"id": verification.pk, "phone": verification.phone}
    request.session.cycle_key()
    return True, "", 200


@require_http_methods(["GET", "POST"])
@limit_upload_size
def intake_mayor(request: HttpRequest) -> HttpResponse:
    """The mayor's column (企业问题直达市长, R8.1): confirm a phone by SMS, then write."""
    phone_form = MayorPhoneForm(request.POST or None)
    form = MayorForm(request.POST if request.POST.get("step") == "submit" else None)
    sent_to = ""
    status = 200
    if request.method == "POST":
        handled, sent_to, status = _phone_step(request, phone_form)
        if handled and not phone_form.errors and not sent_to:
            return redirect("tickets:intake_mayor")
        if not handled and form.is_valid():
            vid, phone = _session_phone(request)
            try:
                result = intake.do_intake_mayor_public(
                    verification_id=vid,
                    phone=phone,
                    data=form.to_input(),
                    intake_mode=form.cleaned_data.get("intake_mode") or "online",
                    attachments=_uploads(request),
                    idempotency_key=form.cleaned_data.get("idempotency_key"),
                    ip=client_ip(request),
                )
            except intake.RateLimited as exc:
                form.add_error(None, exc.message)
                status = 429
            except ValidationFailed as exc:
                form.apply_error(exc)
                status = 400
            else:
                request.session[SESSION_LAST_CASE] = result.ticket.pk
                return redirect("tickets:intake_mayor_done")
    vid, phone = _session_phone(request)
    return render(
        request,
        "tickets/intake_mayor.html",
        _base_context(
            form,
            phone_form=phone_form,
            verified_phone=mask_phone(phone) if phone else "",
            sent_to=sent_to,
            phone_value=sent_to or request.POST.get("phone", ""),
        ),
        status=status,
    )


@require_GET
def intake_mayor_done(request: HttpRequest) -> HttpResponse:
    _vid, phone = _session_phone(request)
    pk = request.session.get(SESSION_LAST_CASE)
    ticket = Ticket.objects.filter(pk=pk, contact_phone=phone).first() if pk and phone else None
    if ticket is None:
        return redirect("tickets:intake_mayor")
    return render(request, "tickets/intake_mayor_done.html", {"ticket": ticket})


@require_http_methods(["GET", "POST"])
def intake_mayor_track(request: HttpRequest) -> HttpResponse:
    """Follow a case by its number, under the phone confirmed by SMS: status and the public
    timeline only, and the same "not found" for a wrong number and someone else's case."""
    phone_form = MayorPhoneForm(request.POST or None)
    sent_to = ""
    status = 200
    if request.method == "POST":
        handled, sent_to, status = _phone_step(request, phone_form)
        if handled and not phone_form.errors and not sent_to:
            return redirect(request.get_full_path())
    _vid, phone = _session_phone(request)
    number = (request.GET.get("number") or "").strip()[:24]
    ticket, events, not_found = None, [], False
    if phone and number:
        ticket = intake.find_public_case(number, phone)
        if ticket is None:
            not_found = True
        else:
            events = list(ticket.events.filter(visibility=Visibility.PUBLIC).order_by("at", "id"))
    return render(
        request,
        "tickets/intake_mayor_track.html",
        {
            "phone_form": phone_form,
            "verified_phone": mask_phone(phone) if phone else "",
            "sent_to": sent_to,
            "phone_value": sent_to or request.POST.get("phone", ""),
            "number": number,
            "ticket": ticket,
            "events": events,
            "not_found": not_found,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_upload_size
@page_errors
def intake_mayor_register(request: AuthedHttpRequest) -> HttpResponse:
    if not has_any_role(request.user, {Role.MAYOR_OFFICE, Role.ADMIN}):
        raise PermissionDenied("只有市政府办公室专人可以登记市长直通车诉求")
    form = MayorRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = intake.do_intake_mayor_register(
                acting_user=request.user,
                data=form.to_input(),
                intake_mode=form.cleaned_data.get("intake_mode") or "phone",
                attachments=_uploads(request),
                idempotency_key=form.cleaned_data.get("idempotency_key"),
            )
        except ValidationFailed as exc:
            form.apply_error(exc)
        else:
            return _done(request, result)
    return _render_form(
        request,
        "tickets/intake_mayor_register.html",
        _staff_context(request, form),
        status=400 if form.errors else 200,
    )


# --- officers' and supervisors' reports ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@limit_upload_size
@page_errors
def intake_report(request: AuthedHttpRequest) -> HttpResponse:
    channels = intake.report_channels(request.user)
    if not channels:
        raise PermissionDenied("只有帮办专员、营商环境监督员或营商办可以上报问题")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        channel = form.cleaned_data.get("channel") or channels[0]
        try:
            result = intake.do_intake_report(
                acting_user=request.user,
                channel=channel,
                data=form.to_input(),
                attachments=_uploads(request),
                idempotency_key=form.cleaned_data.get("idempotency_key"),
            )
        except ValidationFailed as exc:
            form.apply_error(exc)
        else:
            return _done(request, result)
    return _render_form(
        request,
        "tickets/intake_report.html",
        _staff_context(request, form, channels=[(c, Channel(c).label) for c in channels]),
        status=400 if form.errors else 200,
    )


__all__ = [
    "enterprise_search",
    "intake_counter",
    "intake_done",
    "intake_hotline",
    "intake_index",
    "intake_links",
    "intake_mayor",
    "intake_mayor_done",
    "intake_mayor_register",
    "intake_mayor_track",
    "intake_portal",
    "intake_report",
    "intake_window",
]
