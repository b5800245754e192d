"""作风办's pages for 随手拍 and the complaint phone: the queue (filters, paging, .xlsx 台账), a report
(the complainant shown only to `COMPLAINANT_READERS`, the actions 核实 → 查处 → 办结 → 曝光), and the
form registering a call to the complaint phone. Every change goes through `actions`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bangban.accounts.access import mask_phone
from bangban.audit.actions import record_personal_data_view
from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.org.queries import picked_units

from .. import actions, workflow
from ..access import is_manager, require_manager
from ..models import ConductComplaint, SnapCategory, SnapSource, SnapStatus
from ..queries import citable_items
from ..snap import CATEGORY_HELP
from ..snap_access import FILTERS, access_complaint, filter_complaints, is_snap_reader, visible_complaints
from ._common import field_errors

EXPORT_HEADERS = ["编号", "来源", "问题类型", "状态", "被投诉单位", "反映内容", "核查结论", "处理结果",
                  "受理时间", "办结时间", "已曝光"]  # fmt: skip
COMPLAINANT_HEADERS = ["投诉人", "联系电话", "所在企业"]


def _queue_params(request: AuthedHttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:60] for k in FILTERS}


@login_required
@require_GET
@page_errors
def snap_queue(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_snap_reader(user):
        raise NotFound()
    params = _queue_params(request)
    result = paginate(request, filter_complaints(visible_complaints(user), params))
    return render(
        request,
        "conduct/snap_queue.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "statuses": [("open", "未办结"), *SnapStatus.choices],
            "categories": SnapCategory.choices,
            "sources": SnapSource.choices,
            "is_manager": is_manager(user),
        },
    )


def export_rows(user: Any, qs: Any) -> tuple[list[str], list[list[Any]]]:
    """The 台账: complainant columns only for `COMPLAINANT_READERS` (the only ones who reach it)."""
    with_complainant = is_snap_reader(user)
    headers = EXPORT_HEADERS + (COMPLAINANT_HEADERS if with_complainant else [])
    rows = []
    for c in qs:
        t = c.ticket
        row: list[Any] = [
            t.number, c.get_source_display(), c.get_category_display(), c.get_status_display(),
            c.unit.name if c.unit_id and c.unit else "", t.content, c.finding, c.penalty,
            timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(c.concluded_at).strftime("%Y-%m-%d %H:%M") if c.concluded_at else "",
            "是" if c.published else "否",
        ]  # fmt: skip
        if with_complainant:
            row += [t.contact_name, t.contact_phone, t.enterprise_name or ""]
        rows.append(row)
    return headers, rows


@login_required
@require_GET
@page_errors
def snap_export(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not is_snap_reader(user):
        raise NotFound()
    qs = filter_complaints(visible_complaints(user), _queue_params(request))[:5000]
    headers, rows = export_rows(user, qs)
    actions.do_record_snap_export(acting_user=user, count=len(rows), with_complainant=len(headers) > 11)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(f"作风投诉台账_{stamp}.xlsx", headers, rows, "作风投诉台账")


def _act(request: AuthedHttpRequest, complaint: ConductComplaint) -> None:
    post = request.POST
    common: dict[str, Any] = {
        "acting_user": request.user,
        "complaint_id": complaint.pk,
        "version": post.get("version"),
        "now": timezone.now(),
    }
    action = post.get("action", "")
    if action == "verify":
        actions.do_start_verification(**common, unit_id=post.get("unit", ""), item_id=post.get("item", ""))
        messages.success(request, "已开始核实")
    elif action == "investigate":
        actions.do_investigate(**common, note=post.get("finding", ""))
        messages.success(request, "已转入查处")
    elif action == "dismiss":
        actions.do_dismiss(**common, note=post.get("finding", ""))
        messages.success(request, "已按不属实办结")
    elif action == "conclude":
        actions.do_conclude(**common, penalty=post.get("penalty", ""))
        messages.success(request, "已查处办结")
    elif action == "publish":
        actions.do_publish(
            **common, title=post.get("public_title", ""), summary=post.get("public_summary", "")
        )
        messages.success(request, "已曝光为典型案例")
    else:
        raise NotFound()


@login_required
@page_errors
def snap_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    complaint = access_complaint(user, pk)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        require_manager(user)
        try:
            _act(request, complaint)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            return redirect("conduct:snap_detail", pk=complaint.pk)
        complaint = access_complaint(user, pk)
    ticket = complaint.ticket
    if ticket.contact_phone:
        # The complainant's number is shown unmasked to 作风办: the view is audited (R0.5).
        record_personal_data_view(user, ticket, ["contact_phone"])
    return render(
        request,
        "conduct/snap_detail.html",
        {
            "c": complaint,
            "t": ticket,
            "phone": ticket.contact_phone,
            "masked_phone": mask_phone(ticket.contact_phone),
            "attachments": list(ticket.attachments.filter(reply__isnull=True)),
            "events": list(ticket.events.order_by("at", "pk")),
            "allowed": workflow.SNAP.allowed_actions(complaint.status) if is_manager(user) else [],
            "is_manager": is_manager(user),
            "items": citable_items(timezone.localdate(complaint.received_at), timezone.localdate()),
            "errors": errors,
            "values": request.POST,
            "unit_selected": picked_units([request.POST.get("unit", "")]),
            "category_help": CATEGORY_HELP.get(SnapCategory(complaint.category), ""),
        },
        status=status,
    )


PHONE_FIELDS = ("category", "content", "place", "enterprise_name", "contact_name", "contact_phone")


@login_required
@page_errors
def snap_phone(request: AuthedHttpRequest) -> HttpResponse:
    """作风办 registers a call to the complaint phone."""
    user = request.user
    require_manager(user)
    values = {f: request.POST.get(f, "") for f in (*PHONE_FIELDS, "source")}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            complaint = actions.do_register_phone_complaint(
                acting_user=user,
                data=actions.SnapInput(**{f: values[f] for f in PHONE_FIELDS}),
                source=values["source"] or SnapSource.PHONE,
                now=timezone.now(),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, f"已登记，编号 {complaint.ticket.number}")
            return redirect("conduct:snap_detail", pk=complaint.pk)
    return render(
        request,
        "conduct/snap_phone.html",
        {
            "values": values,
            "errors": errors,
            "categories": [(v, label, CATEGORY_HELP[SnapCategory(v)]) for v, label in SnapCategory.choices],
        },
        status=status,
    )
