"""The public side of 随手拍 (no account, usable on a phone): confirm a number by SMS (the mayor
column's verification, shared session), report with photos or a short video, get a tracking code,
follow it; the 曝光台 of published typical cases. And the page where staff of a unit complained
about see the reports about their unit — never who complained."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bangban.core.errors import ApplicationError, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.middleware import client_ip
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import human_size, limit_upload_size, upload_was_too_large
from bangban.tickets.forms_intake import MayorPhoneForm
from bangban.tickets.intake import RateLimited
from bangban.tickets.models import Visibility
from bangban.tickets.views_intake.mayor import phone_step, phone_step_context, session_phone

from .. import actions
from ..models import ConductComplaint, SnapCategory
from ..snap import CATEGORY_HELP, SNAP_KINDS, snap_limits
from ..snap_access import is_unit_staff, published_cases, track, unit_reports

SESSION_LAST_SNAP = "bb_conduct_last_snap"
FIELDS = ("category", "content", "place", "enterprise_name", "contact_name")
ACCEPT = ",".join(ext for kind in SNAP_KINDS.values() for ext in kind.extensions) + ",image/*,video/*"


def _limits_text() -> str:
    limits = snap_limits()
    return (
        f"照片（JPG、PNG、WebP、HEIC）每张不超过 {human_size(limits['image_bytes'])}，"
        f"短视频（MP4、MOV）不超过 {human_size(limits['video_bytes'])}，最多 {limits['files']} 个"
    )


def _errors(exc: ApplicationError) -> dict[str, str]:
    details = exc.details if isinstance(exc.details, dict) else {}
    fields = details.get("fields") if isinstance(details.get("fields"), dict) else {}
    found = {str(k): str(v) for k, v in (fields or {}).items()}
    if isinstance(details.get("field"), str):
        found.setdefault(details["field"], exc.message)
    found["form"] = exc.message
    return found


@require_http_methods(["GET", "POST"])
@limit_upload_size
def snap_new(request: HttpRequest) -> HttpResponse:
    """作风监督“随手拍”: step 1 confirm the phone, step 2 the category, text and files."""
    phone_form = MayorPhoneForm(request.POST or None)
    values = {f: request.POST.get(f, "") for f in FIELDS}
    errors: dict[str, str] = {}
    sent_to = ""
    status = 200
    if request.method == "POST":
        handled, sent_to, status = phone_step(request, phone_form)
        if handled and not phone_form.errors and not sent_to:
            return redirect("conduct:snap_new")
        if not handled:
            vid, phone = session_phone(request)
            try:
                if upload_was_too_large(request):
                    _too_large()
                complaint = actions.do_submit_snap(
                    verification_id=vid,
                    phone=phone,
                    data=actions.SnapInput(**values),
                    attachments=request.FILES.getlist("files"),
                    idempotency_key=request.POST.get("idempotency_key") or None,
                    ip=client_ip(request),
                    now=timezone.now(),
                )
            except RateLimited as exc:
                errors, status = {"form": exc.message}, 429
            except ApplicationError as exc:
                errors, status = _errors(exc), 400 if exc.status < 500 else exc.status
            else:
                request.session[SESSION_LAST_SNAP] = complaint.pk
                return redirect("conduct:snap_done")
    _vid, phone = session_phone(request)
    return render(
        request,
        "conduct/snap_new.html",
        {
            **phone_step_context(request, phone_form, sent_to),
            "values": values,
            "errors": errors,
            "categories": [(v, label, CATEGORY_HELP[SnapCategory(v)]) for v, label in SnapCategory.choices],
            "accept": ACCEPT,
            "limits_text": _limits_text(),
            # A second tap on 提交 (or a reload) files nothing new: the key is private to the number.
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
        },
        status=status,
    )


def _too_large() -> None:
    message = f"文件超过了上限（{_limits_text()}）"
    raise ValidationFailed(message, code="attachment_too_large", details={"fields": {"files": message}})


@require_GET
def snap_done(request: HttpRequest) -> HttpResponse:
    _vid, phone = session_phone(request)
    pk = request.session.get(SESSION_LAST_SNAP)
    complaint = None
    if pk and phone:
        complaint = (
            ConductComplaint.objects.select_related("ticket")
            .filter(pk=pk, ticket__contact_phone=phone)
            .first()
        )
    if complaint is None:
        return redirect("conduct:snap_new")
    return render(request, "conduct/snap_done.html", {"c": complaint})


@require_http_methods(["GET", "POST"])
def snap_track(request: HttpRequest) -> HttpResponse:
    """Follow a report by its tracking code under the number confirmed by SMS: the state and the
    public timeline; the same "not found" for a wrong code and someone else's report."""
    phone_form = MayorPhoneForm(request.POST or None)
    sent_to = ""
    status = 200
    if request.method == "POST":
        handled, sent_to, status = phone_step(request, phone_form)
        if handled and not phone_form.errors and not sent_to:
            return redirect(request.get_full_path())
    _vid, phone = session_phone(request)
    number = (request.GET.get("number") or "").strip()[:24]
    complaint, events, not_found = None, [], False
    if phone and number:
        complaint = track(number, phone)
        if complaint is None:
            not_found = True
        else:
            events = list(complaint.ticket.events.filter(visibility=Visibility.PUBLIC).order_by("at", "id"))
    return render(
        request,
        "conduct/snap_track.html",
        {
            **phone_step_context(request, phone_form, sent_to),
            "number": number,
            "c": complaint,
            "events": events,
            "not_found": not_found,
        },
        status=status,
    )


@require_GET
def snap_board(request: HttpRequest) -> HttpResponse:
    """曝光台: published typical cases — title, category, unit, date, summary; nothing else."""
    category = request.GET.get("category", "")
    qs = published_cases()
    if category in SnapCategory.values:
        qs = qs.filter(category=category)
    result = paginate(request, qs)
    return render(
        request,
        "conduct/snap_board.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "category": category,
            "categories": SnapCategory.choices,
        },
    )


@login_required
@require_GET
@page_errors
def snap_unit(request: AuthedHttpRequest) -> HttpResponse:
    """The reports about the user's unit: category, text, state, finding — no complainant."""
    if not is_unit_staff(request.user):
        raise NotFound()
    result = paginate(request, unit_reports(request.user))
    return render(
        request, "conduct/snap_unit.html", {"page": result.page, "qs": result.querystring_without_page}
    )
