"""Pages of 回访 and 回头看."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.core.errors import REFUSALS, ApplicationError, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.org.models import Unit
from bangban.tickets.access import access_ticket
from bangban.tickets.public import approved_reply, cases_by_id

from .. import access, actions, recheck
from ..models import CallOutcome, RecheckDraw, RecheckItem, RecheckOutcome
from ..queries import follow_up_queue
from ._common import _links
from .rating_pages import LEVELS


@login_required
@page_errors
def follow_ups(request: HttpRequest) -> HttpResponse:

    if not has_any_role(request.user, access.FOLLOW_UP_ROLES):
        raise NotFound()
    result = paginate(request, follow_up_queue(request.user))
    return render(
        request,
        "ratings/follow_ups.html",
        {"page": result.page, "qs": result.querystring_without_page, "links": _links(request.user)},
    )


@login_required
@page_errors
def follow_up_case(request: AuthedHttpRequest, ticket_id: int) -> HttpResponse:

    if not has_any_role(request.user, access.FOLLOW_UP_ROLES):
        raise NotFound()
    ticket = access_ticket(request.user, ticket_id, "view")
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("op") == "sms":
                # The link is the contact's credential: it is texted, never shown here.
                actions.do_send_sms_link(acting_user=request.user, ticket_id=ticket.pk, purpose="followup")
                messages.success(request, "回访短信已发送至诉求联系电话")
                return redirect("ratings:follow_up_case", ticket_id=ticket.pk)
            else:
                call = actions.do_record_call(
                    acting_user=request.user,
                    ticket_id=ticket.pk,
                    outcome=request.POST.get("outcome", ""),
                    resolved=request.POST.get("resolved"),
                    satisfaction=request.POST.get("satisfaction"),
                    comment=request.POST.get("comment", ""),
                )
                note = (
                    "，已重办"
                    if call.reopened
                    else ("，重办已达上限，已标记督办" if call.escalation_flagged else "")
                )
                messages.success(request, f"回访已登记{note}")
                return redirect("ratings:follow_up_case", ticket_id=ticket.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
        ticket.refresh_from_db()
    return render(
        request,
        "ratings/follow_up_case.html",
        {
            "ticket": ticket,
            # What the unit answered, for the agent to check with the enterprise (result, contact record).
            "reply": approved_reply(ticket.pk),
            "calls": ticket.follow_up_calls.select_related("by"),  # type: ignore[attr-defined]
            "outcomes": CallOutcome.choices,
            "levels": LEVELS,
            "error": error,
            "links": _links(request.user),
        },
        status=error.status if error else 200,
    )


@login_required
@page_errors
def rechecks(request: AuthedHttpRequest) -> HttpResponse:
    if not has_any_role(request.user, access.RECHECK_ROLES | {"auditor"}):
        raise NotFound()
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            year, month = (int(x) for x in (request.POST.get("month") or "").split("-", 1))
        except ValueError:
            error = ValidationFailed("月份格式应为 YYYY-MM", code="month_invalid")
        else:
            try:
                draw = recheck.do_draw(acting_user=request.user, year=year, month=month)
                messages.success(request, f"已抽取 {len(draw.sample_ids)} 件")
                return redirect("ratings:recheck_detail", draw_id=draw.pk)
            except REFUSALS:
                raise
            except ApplicationError as exc:
                error = exc
    y, m = recheck.previous_month(timezone.now())
    return render(
        request,
        "ratings/rechecks.html",
        {"draws": RecheckDraw.objects.all()[:60], "error": error, "default_month": f"{y}-{m:02d}",
         "links": _links(request.user)},
        status=error.status if error else 200,
    )  # fmt: skip


@login_required
@page_errors
def recheck_detail(request: AuthedHttpRequest, draw_id: int) -> HttpResponse:
    if not has_any_role(request.user, access.RECHECK_ROLES | {"auditor"}):
        raise NotFound()
    draw = RecheckDraw.objects.filter(pk=draw_id).first()
    if draw is None:
        raise NotFound()
    error = None
    check = None
    if request.method == "POST":
        if request.POST.get("op") == "rederive":
            check = recheck.rederive(draw)
        else:
            try:
                recheck.do_record_outcome(
                    acting_user=request.user,
                    draw_id=draw.pk,
                    ticket_id=request.POST.get("ticket"),
                    outcome=request.POST.get("outcome", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "复核结果已登记")
                return redirect(request.get_full_path())
            except REFUSALS:
                raise
            except ApplicationError as exc:
                error = exc

    page = Paginator(draw.sample_ids, 50).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    tickets = cases_by_id(ids)
    first = page.start_index() - 1 if ids else 0
    unit_ids: list[int | None] = list(draw.sample_units[first : first + len(ids)])
    unit_ids += [None] * (len(ids) - len(unit_ids))
    names = dict(Unit.objects.filter(pk__in=[u for u in unit_ids if u]).values_list("pk", "name"))
    done = {i.ticket_id: i for i in RecheckItem.objects.filter(draw=draw, ticket_id__in=ids)}
    rows = [
        {"ticket": tickets.get(i), "ticket_id": i, "unit": names.get(u) if u else None, "item": done.get(i)}
        for i, u in zip(ids, unit_ids, strict=True)
    ]
    checked = RecheckItem.objects.filter(draw=draw).count()
    return render(
        request,
        "ratings/recheck_detail.html",
        {
            "draw": draw,
            "page": page,
            "rows": rows,
            "qs": "",
            "checked": checked,
            "error": error,
            "check": check,
            "outcomes": [c for c in RecheckOutcome.choices if c[0] != "pending"],
            "links": _links(request.user),
        },
        status=error.status if error else 200,
    )
