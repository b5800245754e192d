"""Pages of 移送纪委监委 (R15.2): hand an accountability record over (营商办, 作风办), the list of
hand-overs (the senders: all; a 纪委监委 reader: those addressed to its unit), one hand-over with
its record and cases, the receipt and the outcome (the addressed 纪委监委 only), a case named by a
hand-over (read only) and the list's .xlsx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bangban.core.errors import REFUSALS, ApplicationError, NotFound, PermissionDenied
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.xlsx import xlsx_response
from bangban.tickets.public import public_replies

from .. import access, actions, handovers
from ..models import TransferStatus
from ._common import page


def _fields(exc: ApplicationError) -> dict[str, str]:
    fields = (exc.details or {}).get("fields") if isinstance(exc.details, dict) else None
    return dict(fields) if fields else {"form": exc.message}


def _fmt(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@page
@require_http_methods(["GET", "POST"])
def accountability_transfer(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    access.require_viewer(request.user)
    rec = access.visible_records(request.user).filter(pk=pk).first()
    if rec is None:
        raise NotFound()
    if not access.can_record_accountability(request.user):
        raise PermissionDenied("仅营商办、作风办可以移送纪委监委")
    errors: dict[str, str] = {}
    posted: dict[str, Any] = {"transferred_on": timezone.localdate().isoformat()}
    if request.method == "POST":
        posted = request.POST.dict()
        try:
            transfer = actions.do_transfer_record(
                request.user,
                rec.pk,
                addressee_id=request.POST.get("addressee"),
                transferred_on=request.POST.get("transferred_on", ""),
                materials=request.POST.get("materials", ""),
                now=timezone.now(),
            )
            messages.success(request, "已移送纪委监委")
            return redirect("supervision:transfer", transfer.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors = _fields(exc)
    return render(
        request,
        "supervision/transfer_form.html",
        {
            "record": rec,
            "units": actions.discipline_units(),
            "errors": errors,
            "posted": posted,
            "earlier": access.visible_transfers(request.user).filter(record=rec),
        },
    )


@page
def transfers(request: AuthedHttpRequest) -> HttpResponseBase:
    if not access.can_see_transfers(request.user):
        raise NotFound()
    qs = access.visible_transfers(request.user)
    if request.GET.get("status") in TransferStatus.values:
        qs = qs.filter(status=request.GET["status"])
    if request.GET.get("export") == "xlsx":
        rows = [
            [
                t.pk, t.transferred_on.isoformat(), t.record.get_kind_display(), t.record.unit.name,
                t.record.person_name, f"{t.record.year}年{t.record.month}月", t.record.reason, t.materials,
                t.transferred_by.full_name, t.addressee.name, t.get_status_display(),
                _fmt(t.received_at), t.received_by.full_name if t.received_by else "", t.receipt_note,
                t.outcome, _fmt(t.outcome_at),
            ]
            for t in qs
        ]  # fmt: skip
        return xlsx_response(
            "移送纪委监委台账.xlsx",
            [
                "编号",
                "移送日期",
                "问责类型",
                "单位",
                "人员",
                "所涉月份",
                "事由",
                "移送材料",
                "移送人",
                "接收机关",
                "状态",
                "接收时间",
                "接收人",
                "接收说明",
                "处理结果",
                "结果反馈时间",
            ],
            rows,
            "移送纪委监委",
        )
    result = paginate(request, qs)
    return render(
        request,
        "supervision/transfers.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "statuses": TransferStatus.choices,
            "status": request.GET.get("status", ""),
            "show_nav": access.can_view(request.user),
        },
    )


@page
@require_http_methods(["GET", "POST"])
def transfer(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    found = access.access_transfer(request.user, pk)
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "receive":
                actions.do_receive_transfer(
                    request.user,
                    found.pk,
                    note=request.POST.get("note", ""),
                    version=request.POST.get("version"),
                    now=timezone.now(),
                )
                messages.success(request, "已确认接收")
            elif op == "outcome":
                actions.do_record_transfer_outcome(
                    request.user,
                    found.pk,
                    outcome=request.POST.get("outcome", ""),
                    version=request.POST.get("version"),
                    now=timezone.now(),
                )
                messages.success(request, "已反馈处理结果")
            else:
                raise NotFound()
        except REFUSALS:
            raise
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("supervision:transfer", found.pk)
    cases = handovers.transfer_cases(found)
    result = paginate(request, cases)
    is_addressee = access.is_discipline(request.user) and found.addressee_id == request.user.unit_id
    return render(
        request,
        "supervision/transfer.html",
        {
            "t": found,
            "rec": found.record,
            "page": result.page,
            "qs": result.querystring_without_page,
            "cases": result.items,
            "is_addressee": is_addressee,
            "Status": TransferStatus,
            "show_nav": access.can_view(request.user),
        },
    )


@page
def transfer_case(request: AuthedHttpRequest, pk: int, ticket_id: int) -> HttpResponseBase:
    found = access.access_transfer(request.user, pk)
    case = handovers.transfer_case(found, ticket_id)
    if case is None:
        raise NotFound()
    return render(
        request,
        "supervision/transfer_case.html",
        {"t": found, "case": case, "reply": public_replies([case.pk]).get(case.pk, "")},
    )
