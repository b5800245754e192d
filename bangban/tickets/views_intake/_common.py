"""Helpers the intake pages share."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bangban.core.errors import ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.xlsx import human_size, upload_was_too_large
from bangban.enterprises.access import scope_regions, visible_enterprises

from .. import intake
from ..attachments import ALLOWED_KINDS, max_attachment_bytes, max_attachment_files
from ..forms_intake import TYPE_CHOICES, IntakeForm, category_groups
from ..workflow import Status

ACCEPT_ATTR = ",".join(ext for kind in ALLOWED_KINDS.values() for ext in kind.extensions)


def _uploads(request: HttpRequest) -> list[Any]:
    if upload_was_too_large(request):
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
