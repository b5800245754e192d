"""Pages of the dispute ledger: raising and deciding a dispute (R6.2)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bangban.core.errors import NotFound
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response

from .. import access, actions
from ..models import DisputeStatus, MeetingType
from ._common import _do, _ids, _staff


@login_required
@page_errors
@require_POST
def dispute_raise(request: HttpRequest, ticket_id: int) -> HttpResponseBase:
    user = _staff(request)
    return _do(
        request,
        lambda: actions.do_raise_dispute(
            acting_user=user, ticket_id=ticket_id, reason=request.POST.get("reason", "")
        ),
        "已提出职责异议，等待专班认定",
        f"/cases/{ticket_id}/",
    )


@login_required
@page_errors
def disputes(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    qs = access.visible_disputes(user).select_related("ticket", "unit", "lead_unit", "raised_by")
    status = request.GET.get("status", "")
    if status in DisputeStatus.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(ticket__number__icontains=q) | Q(ticket__title__icontains=q))
    qs = qs.order_by("-raised_at", "-id")
    if request.GET.get("export") == "xlsx":
        rows = (
            [d.ticket.number, d.ticket.title, d.unit.name, d.reason, timezone.localtime(d.raised_at).strftime("%Y-%m-%d %H:%M"),
             timezone.localtime(d.decide_due_at).strftime("%Y-%m-%d"), d.get_status_display(),
             d.lead_unit.name if d.lead_unit else "", "、".join(u.name for u in d.co_units.all()), d.decision]
            for d in qs.iterator(chunk_size=500)
        )  # fmt: skip
        return xlsx_response(
            "职责异议台账.xlsx",
            [
                "诉求编号",
                "标题",
                "提出单位",
                "异议理由",
                "提出时间",
                "认定期限",
                "状态",
                "认定主办",
                "认定协办",
                "认定意见",
            ],
            rows,
            "职责异议台账",
        )
    result = paginate(request, qs)
    return render(
        request,
        "escalation/disputes.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "statuses": DisputeStatus.choices,
            "status": status,
            "q": q,
            "now": timezone.now(),
        },
    )


@login_required
@page_errors
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _staff(request)
    dispute = access.visible_disputes(user).select_related("ticket", "unit").filter(pk=pk).first()
    if dispute is None:
        raise NotFound()
    here = f"/escalation/disputes/{pk}/"
    if request.method == "POST":
        return _do(
            request,
            lambda: actions.do_decide_dispute(
                acting_user=user,
                dispute_id=pk,
                lead_unit_id=request.POST.get("lead_unit") or None,
                co_unit_ids=_ids(request, "co_units"),
                decision=request.POST.get("decision", ""),
                meeting_id=request.POST.get("meeting") or None,
            ),
            "已认定，诉求已按认定结果派单",
            here,
        )
    return render(
        request,
        "escalation/dispute_detail.html",
        {
            "d": dispute,
            "meetings": access.visible_meetings(user)
            .filter(type=MeetingType.JOINT)
            .order_by("-held_at")[:50],
            "can_decide": access.can_decide_disputes(user) and dispute.status == DisputeStatus.PENDING,
        },
    )
