"""The enterprise's own page of its service officers and the verification link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core.errors import REFUSALS, ApplicationError, NotFound, PermissionDenied
from bangban.core.http import AuthedHttpRequest
from bangban.core.satisfaction import Satisfaction
from bangban.core.views import error_response, page_errors
from bangban.enterprises.models import Enterprise
from bangban.tickets.access import visible_tickets

from .. import actions, queries
from ..access import is_enterprise_user
from ..models import Contact, OfficerRating, Verification
from ._common import field_errors


@login_required
@page_errors
def enterprise_page(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_enterprise_user(user):
        raise NotFound()
    enterprise = Enterprise.objects.select_related("region").get(pk=user.enterprise_id or 0)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "liaison":
                actions.do_name_liaison(
                    acting_user=user,
                    user_id=request.POST.get("user", ""),
                    phone=request.POST.get("phone", ""),
                )
                messages.success(request, "已指定工作联络员")
            elif action == "rate":
                actions.do_rate_officer(
                    acting_user=user,
                    level=request.POST.get("level", ""),
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, "感谢评价")
            else:
                raise PermissionDenied()
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors = field_errors(exc)
            status = exc.status
        else:
            return redirect("network:enterprise")

    liaison = actions.liaison_of(enterprise.pk)
    contacts = queries.contact_list(user, {})[:30]
    return render(
        request,
        "network/enterprise.html",
        {
            "enterprise": enterprise,
            "assignment": actions.current_assignment(enterprise.pk),
            "liaison": liaison,
            "is_liaison": liaison is not None and liaison.user_id == user.pk,
            "colleagues": User.objects.filter(
                enterprise=enterprise, is_active=True, roles__code=Role.ENTERPRISE
            )
            .distinct()
            .order_by("full_name"),
            "contacts": contacts,
            "pending": [c for c in contacts if c.verification == Verification.PENDING],
            "cases": visible_tickets(user).filter(enterprise=enterprise).order_by("-received_at")[:20],
            "ratings": OfficerRating.objects.filter(enterprise=enterprise).select_related("officer")[:12],
            "levels": Satisfaction.choices,
            "errors": errors,
            "values": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


def verify_link(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind the SMS link: no login, the signed token names the visit."""
    try:
        contact = actions.contact_for_token(token)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        try:
            contact = actions.do_verify_by_link(
                token=token, decision=decision, note=request.POST.get("note", "")
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors = field_errors(exc)
            status = exc.status
    return render(
        request,
        "network/verify_link.html",
        {"contact": contact, "errors": errors, "done": contact.verification != Verification.PENDING},
        status=status,
    )


def contact_url(contact: Contact) -> str:
    return reverse("network:contact_detail", args=[contact.pk])
