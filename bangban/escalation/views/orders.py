"""Pages of supervision orders (督办, R14.1)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from bangban.core.errors import NotFound
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response

from .. import access, actions
from ..models import SupervisionKind, SupervisionStatus
from ._common import _do, _staff


@login_required
@page_errors
def supervision(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    if request.method == "POST":
        if not access.can_supervise(user):
            raise NotFound()
        return _do(
            request,
            lambda: actions.do_issue_order(
                acting_user=user,
                kind=request.POST.get("kind", ""),
                content=request.POST.get("content", ""),
                ticket_id=request.POST.get("ticket") or None,
                task_id=request.POST.get("task") or None,
                workdays=request.POST.get("workdays") or None,
            ),
            "已下发督办单",
            "/escalation/supervision/",
        )
    qs = access.visible_orders(user).select_related("unit", "ticket", "task", "issued_by")
    status = request.GET.get("status", "")
    if status in SupervisionStatus.values:
        qs = qs.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in SupervisionKind.values:
        qs = qs.filter(kind=kind)
    qs = qs.order_by("status", "due_at", "id")
    if request.GET.get("export") == "xlsx":
        rows = (
            [o.get_kind_display(), o.ticket.number if o.ticket else f"任务：{o.task.content if o.task else ''}",
             o.unit.name, o.content, o.issued_by.display_name, timezone.localtime(o.issued_at).strftime("%Y-%m-%d"),
             timezone.localtime(o.due_at).strftime("%Y-%m-%d"), o.get_status_display(),
             timezone.localtime(o.responded_at).strftime("%Y-%m-%d") if o.responded_at else "", o.response]
            for o in qs.iterator(chunk_size=500)
        )  # fmt: skip
        return xlsx_response(
            "督办台账.xlsx",
            [
                "类型",
                "对象",
                "被督办单位",
                "督办要求",
                "下发人",
                "下发日期",
                "答复期限",
                "状态",
                "答复日期",
                "书面答复",
            ],
            rows,
            "督办台账",
        )
    result = paginate(request, qs)
    return render(
        request,
        "escalation/supervision.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "statuses": SupervisionStatus.choices,
            "kinds": SupervisionKind.choices,
            "status": status,
            "kind": kind,
            "now": timezone.now(),
        },
    )


@login_required
@page_errors
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _staff(request)
    order = (
        access.visible_orders(user)
        .select_related("unit", "ticket", "task", "issued_by", "responded_by")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise NotFound()
    here = f"/escalation/supervision/{pk}/"
    if request.method == "POST":
        return _do(
            request,
            lambda: actions.do_respond_order(
                acting_user=user, order_id=pk, response=request.POST.get("response", "")
            ),
            "已提交书面答复",
            here,
        )
    return render(
        request,
        "escalation/supervision_detail.html",
        {
            "o": order,
            "can_respond": order.status == SupervisionStatus.OPEN and access.unit_member(user, order.unit_id),
            "now": timezone.now(),
        },
    )
