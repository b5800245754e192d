"""The officer's phone page and contact/visit logging, leaders' visits, and the contact list and detail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bangban.core.errors import REFUSALS, ApplicationError, NotFound, PermissionDenied
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.security import allow_features
from bangban.core.views import page_errors
from bangban.core.xlsx import human_size, limit_upload_size, max_upload_bytes, upload_was_too_large
from bangban.tickets.models import Category

from .. import actions, queries
from ..access import access_contact, can_record_leader_visit, is_officer
from ..evidence import INLINE_TYPES, PHOTO_ACCEPT, photo_limits
from ..models import Assignment, ContactKind, ContactPhoto, Verification
from ..rules import Quarter
from ._common import _resolve_enterprise_field, field_errors


@login_required
@require_GET
@page_errors
def mine(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_officer(user):
        raise NotFound()
    period = queries.period_for(Quarter.of(timezone.localdate()))
    rows = queries.compliance_enterprises(user, period, officer_id=user.pk)
    recent = queries.contact_list(user, {}).filter(officer=user)[:10]
    return render(request, "network/mine.html", {"rows": rows, "period": period, "recent": recent})


def _contact_input(request: HttpRequest) -> actions.ContactInput:
    post = request.POST
    category = post.get("category", "")
    return actions.ContactInput(
        enterprise_id=post.get("enterprise") or None,
        kind=post.get("kind", ""),
        contact_on=post.get("contact_on", ""),
        summary=post.get("summary", ""),
        raised=post.get("raised", ""),
        raise_case=post.get("raise_case") == "1",
        case_title=post.get("case_title", ""),
        category_id=int(category) if category.isdigit() else None,
        leader_name=post.get("leader_name", ""),
        leader_title=post.get("leader_title", ""),
        policies_delivered=post.get("policies_delivered", ""),
        services_delivered=post.get("services_delivered", ""),
        photos=request.FILES.getlist("photos"),
        latitude=post.get("latitude", ""),
        longitude=post.get("longitude", ""),
        location_accuracy=post.get("location_accuracy", ""),
        place=post.get("place", ""),
    )


LOCATION_FIELDS = ("latitude", "longitude", "location_accuracy", "place")


def _evidence_context() -> dict[str, Any]:
    limits = photo_limits()
    return {
        "photo_accept": PHOTO_ACCEPT,
        "photo_max_files": limits["files"],
        "photo_max": human_size(limits["bytes"]),
    }


def _too_large(request: HttpRequest) -> dict[str, str]:
    if request.method == "POST" and upload_was_too_large(request):
        return {"photos": f"上传的照片合计超过 {human_size(max_upload_bytes())}，请减少照片数量后重试"}
    return {}


def _categories() -> list[Any]:

    return list(Category.objects.filter(is_active=True, parent__isnull=False).order_by("code")[:300])


@login_required
@limit_upload_size
@require_http_methods(["GET", "POST"])
@page_errors
def contact_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_officer(user):
        raise PermissionDenied("只有帮办专员/驻厂员可以登记联系企业情况")
    assigned = (
        Assignment.objects.filter(officer=user, ended_on__isnull=True)
        .select_related("enterprise")
        .order_by("enterprise__name")
    )
    values = {
        "enterprise": request.POST.get("enterprise", request.GET.get("enterprise", "")),
        "kind": request.POST.get("kind", request.GET.get("kind", ContactKind.VISIT)),
        "contact_on": request.POST.get("contact_on", timezone.localdate().isoformat()),
        "summary": request.POST.get("summary", ""),
        "raised": request.POST.get("raised", ""),
        "raise_case": request.POST.get("raise_case", ""),
        "case_title": request.POST.get("case_title", ""),
        "category": request.POST.get("category", ""),
        **{name: request.POST.get(name, "") for name in LOCATION_FIELDS},
    }
    errors: dict[str, str] = _too_large(request)
    status = 400 if errors else 200
    if request.method == "POST" and not errors:
        try:
            contact = actions.do_log_contact(acting_user=user, data=_contact_input(request))
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if exc.status == 404:
                errors = {"enterprise": "所选企业不存在或不在您的服务范围内"}
            else:
                errors = field_errors(exc)
            status = exc.status
        else:
            text = f"已登记：{contact.enterprise.name} {contact.get_kind_display()}"
            if contact.ticket_id and contact.ticket:
                text += f"，企业反映的问题已转为诉求 {contact.ticket.number}"
            messages.success(request, text)
            return redirect("network:contact_detail", pk=contact.pk)
    page = render(
        request,
        "network/contact_form.html",
        {
            "values": values,
            "errors": errors,
            "assigned": assigned,
            "kinds": ContactKind.choices,
            "categories": _categories(),
            **_evidence_context(),
        },
        status=status,
    )
    return allow_features(page, "geolocation")


@login_required
@limit_upload_size
@require_http_methods(["GET", "POST"])
@page_errors
def leader_visit_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_record_leader_visit(user):
        raise PermissionDenied("您的角色不能登记领导走访")
    values = {
        name: request.POST.get(name, "")
        for name in (
            "leader_name",
            "leader_title",
            "summary",
            "policies_delivered",
            "services_delivered",
            "raised",
            "raise_case",
            "case_title",
            *LOCATION_FIELDS,
        )
    }
    values["enterprise"] = request.POST.get("enterprise", request.GET.get("enterprise", ""))
    values["contact_on"] = request.POST.get("contact_on", timezone.localdate().isoformat())
    errors: dict[str, str] = _too_large(request)
    status = 400 if errors else 200
    if request.method == "POST" and not errors:
        data = _contact_input(request)
        data.enterprise_id = (
            _resolve_enterprise_field(user, values["enterprise"]) if values["enterprise"] else None
        )
        try:
            if data.enterprise_id is None:
                raise NotFound()
            contact = actions.do_log_leader_visit(acting_user=user, data=data)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors = (
                {"enterprise": "未找到该企业，请填写统一社会信用代码或企业全称"}
                if exc.status == 404
                else field_errors(exc)
            )
            status = exc.status
        else:
            messages.success(request, f"已登记领导走访：{contact.enterprise.name}")
            return redirect("network:contact_detail", pk=contact.pk)
    page = render(
        request,
        "network/leader_visit_form.html",
        {"values": values, "errors": errors, **_evidence_context()},
        status=status,
    )
    return allow_features(page, "geolocation")


@login_required
@require_GET
@page_errors
def contact_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    params = {k: request.GET.get(k, "") for k in ("kind", "verification", "q", "leader")}
    result = paginate(request, queries.contact_list(user, params))
    return render(
        request,
        "network/contacts.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "kinds": ContactKind.choices,
            "verifications": Verification.choices,
            "can_log": is_officer(user),
            "can_lead": can_record_leader_visit(user),
        },
    )


@login_required
@page_errors
def contact_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contact = access_contact(user, pk)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "raise_case":
                category = request.POST.get("category", "")
                contact = actions.do_raise_case(
                    acting_user=user,
                    contact_id=pk,
                    title=request.POST.get("case_title", ""),
                    category_id=int(category) if category.isdigit() else None,
                    version=request.POST.get("version"),
                )
                messages.success(request, f"已转为诉求 {contact.ticket.number if contact.ticket else ''}")
            elif action in ("confirm", "dispute"):
                actions.do_verify_visit(
                    acting_user=user,
                    contact_id=pk,
                    decision=action,
                    note=request.POST.get("note", ""),
                    version=request.POST.get("version"),
                )
                messages.success(request, "已确认走访" if action == "confirm" else "已提交异议")
            else:
                raise PermissionDenied()
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if exc.status == 404:
                raise
            errors = field_errors(exc)
            status = exc.status
        else:
            return redirect("network:contact_detail", pk=pk)
        contact = access_contact(user, pk)
    return render(
        request,
        "network/contact_detail.html",
        {
            "contact": contact,
            "errors": errors,
            "can_raise": contact.officer_id == user.pk and contact.ticket_id is None and bool(contact.raised),
            "can_verify": contact.verification == Verification.PENDING
            and actions.is_liaison(user, contact.enterprise_id),
            "categories": _categories() if contact.ticket_id is None else [],
            "photos": list(contact.photos.all()),
        },
        status=status,
    )


@login_required
@require_GET
@page_errors
def contact_photo(request: AuthedHttpRequest, pk: int, photo_id: int) -> FileResponse:
    """A photo of a visit, to whoever may see the visit (anyone else: 404)."""
    contact = access_contact(request.user, pk)
    photo = ContactPhoto.objects.filter(contact=contact, pk=photo_id).first()
    if photo is None:
        raise NotFound()
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise NotFound("照片文件已不存在") from exc
    inline = photo.content_type in INLINE_TYPES
    response = FileResponse(handle, as_attachment=not inline, filename=photo.original_name)
    response["Content-Type"] = photo.content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
