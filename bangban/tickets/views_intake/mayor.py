"""The mayor's channel (市长直通车): submitting, tracking and registering, and reports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from bangban.accounts.access import has_any_role, mask_phone
from bangban.accounts.roles import Role
from bangban.core.errors import REFUSALS, ApplicationError, PermissionDenied, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.middleware import client_ip
from bangban.core.views import page_errors
from bangban.core.xlsx import limit_upload_size
from bangban.enterprises.models import Enterprise

from .. import intake
from ..forms_intake import MayorForm, MayorPhoneForm, MayorRegisterForm, ReportForm
from ..models import Channel, Ticket, Visibility
from ..privacy import CONSENT_FIELD, NOTICE_VERSION, notice_context
from ._common import _base_context, _done, _render_form, _staff_context, _uploads
from .channels import SESSION_LAST_CASE, SESSION_PHONE


def session_phone(request: HttpRequest) -> tuple[int | None, str]:
    """The verification id and phone confirmed in this browser session, if still fresh."""
    stored = request.session.get(SESSION_PHONE) or {}
    vid, phone = stored.get("id"), stored.get("phone", "")
    if vid and intake.verified_phone_for(vid, phone):
        return vid, phone
    return None, ""


def phone_step_context(request: HttpRequest, phone_form: MayorPhoneForm, sent_to: str) -> dict[str, Any]:
    """What `tickets/intake_phone_step.html` shows: the form, the confirmed number (masked), where a
    code was just sent, and the version of the 个人信息保护告知 the consent box accepts."""
    _vid, phone = session_phone(request)
    return {
        "phone_form": phone_form,
        "verified_phone": mask_phone(phone) if phone else "",
        "sent_to": sent_to,
        "phone_value": sent_to or request.POST.get("phone", ""),
        "privacy_notice_version": NOTICE_VERSION,
    }


def phone_step(request: HttpRequest, phone_form: MayorPhoneForm) -> tuple[bool, str, int]:
    """Handle "send code" / "verify code" posts; returns (handled, sent_to, status): 400 for a
    mistake in the form, 429 when a limit on codes is reached (the message says how long to wait)."""
    action = request.POST.get("step")
    if action not in ("send_code", "verify"):
        return False, "", 200
    phone = (request.POST.get("phone") or "").strip()
    ip = client_ip(request)
    try:
        if action == "send_code":
            consented = request.POST.get(CONSENT_FIELD) == NOTICE_VERSION
            intake.do_send_phone_code(phone=phone, privacy_notice=NOTICE_VERSION if consented else "", ip=ip)
            return True, phone, 200
        verification = intake.do_verify_phone_code(phone=phone, code=request.POST.get("code", ""), ip=ip)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        fields = (exc.details or {}).get("fields") if isinstance(exc.details, dict) else None
        field = next((f for f in ("code", CONSENT_FIELD) if fields and f in fields), "phone")
        phone_form.add_error(field, exc.message)
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
        handled, sent_to, status = phone_step(request, phone_form)
        if handled and not phone_form.errors and not sent_to:
            return redirect("tickets:intake_mayor")
        if not handled and form.is_valid():
            vid, phone = session_phone(request)
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
    vid, phone = session_phone(request)
    return render(
        request,
        "tickets/intake_mayor.html",
        _base_context(form, **phone_step_context(request, phone_form, sent_to)),
        status=status,
    )


# How many registered enterprises the public lookup lists, and the shortest query it answers.
PUBLIC_LOOKUP_RESULTS = 8
PUBLIC_LOOKUP_MIN = 2


@require_GET
def public_enterprise_search(request: HttpRequest) -> HttpResponse:
    """htmx, for a visitor whose phone is confirmed: active registered enterprises whose name contains,
    or USCC starts with, the query — names, regions and USCCs are public register data. Picking one
    fills the form, so the case is linked to the register."""
    _vid, phone = session_phone(request)
    if not phone:
        raise PermissionDenied("请先验证手机号")
    q = (request.GET.get("q") or "").strip()[:100]
    results = []
    if len(q) >= PUBLIC_LOOKUP_MIN:
        results = list(
            Enterprise.objects.filter(is_active=True)
            .filter(Q(name__icontains=q) | Q(uscc__startswith=q.upper()))
            .select_related("region")
            .only("id", "name", "uscc", "region__name")
            .order_by("name")[:PUBLIC_LOOKUP_RESULTS]
        )
    return render(request, "tickets/intake_public_enterprise_results.html", {"results": results, "q": q})


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The 个人信息保护告知 of the public pages, readable without an account."""
    return render(request, "tickets/privacy_notice.html", notice_context())


@require_GET
def intake_mayor_done(request: HttpRequest) -> HttpResponse:
    _vid, phone = session_phone(request)
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
        handled, sent_to, status = phone_step(request, phone_form)
        if handled and not phone_form.errors and not sent_to:
            return redirect(request.get_full_path())
    _vid, phone = session_phone(request)
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
            **phone_step_context(request, phone_form, sent_to),
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
