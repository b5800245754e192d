"""The dispatch page's own requests: 批量派单 (also the keyboard's accept, one case at a time) and
the header counts it refreshes in place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from bangban.core.errors import REFUSALS, ApplicationError, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.views import error_response

from .. import queries
from ..dispatch_batch import DispatchOrder, DispatchOutcome, dispatch_many
from ..filters import TicketFilter


def _dispatcher(request: AuthedHttpRequest) -> None:
    if not queries.can_use_dispatch_queue(request.user):
        raise NotFound("派单页面只对派单员开放")


def _wants_json(request: AuthedHttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _number(raw: str | None, *, what: str) -> int | None:
    if raw is None or not str(raw).strip():
        return None
    try:
        return int(str(raw).strip())
    except ValueError as exc:
        raise ValidationFailed(f"{what}无效：{str(raw)[:20]}", code="validation_error") from exc


def orders_from_post(data: QueryDict) -> list[DispatchOrder]:
    """The cases of a 批量派单 form: `case` once per case, and each case's fields under its prefix
    as the dispatch page's row forms name them (`t<id>-version`, `t<id>-lead_unit`,
    `t<id>-co_units`, `t<id>-urgency`, `t<id>-category`). A case without a lead unit goes with its
    suggestion."""
    orders = []
    for raw in data.getlist("case"):
        pk = _number(raw, what="诉求")
        if pk is None:
            continue
        p = f"t{pk}-"
        co = [_number(v, what="协办单位") for v in data.getlist(p + "co_units")]
        orders.append(
            DispatchOrder(
                ticket_id=pk,
                version=_number(data.get(p + "version"), what="版本号"),
                lead_unit_id=_number(data.get(p + "lead_unit"), what="主办单位"),
                co_unit_ids=[c for c in co if c is not None],
                urgency=data.get(p + "urgency") or None,
                category_id=_number(data.get(p + "category"), what="诉求分类"),
                note=data.get(p + "note", ""),
                lead_reason=data.get(p + "lead_reason", ""),
            )
        )
    return orders


def outcome_row(outcome: DispatchOutcome) -> dict[str, Any]:
    t = outcome.ticket
    return {
        "case_id": outcome.ticket_id,
        "number": outcome.number or None,
        "ok": outcome.ok,
        "code": outcome.code or None,
        "message": outcome.message,
        "lead_unit": outcome.lead_unit_name or None,
        "version": t.version if t is not None else None,
    }


def _next_url(request: AuthedHttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("tickets:dispatch_queue")


@login_required
@require_POST
def dispatch_batch(request: AuthedHttpRequest) -> HttpResponse:
    """批量派单 from the dispatch page. With `Accept: application/json` (the page's script: the
    keyboard's accept and the 「批量派单」 button) the answer is `{dispatched, rejected, results}`,
    one result per case; a plain form post goes back to the page with the same news as messages."""
    _dispatcher(request)
    try:
        outcomes = dispatch_many(acting_user=request.user, orders=orders_from_post(request.POST))
    except REFUSALS:
        raise
    except ApplicationError as exc:
        if _wants_json(request):
            return JsonResponse(exc.as_dict(), status=exc.status)
        if request.POST.get("next"):
            messages.error(request, exc.message)
            return redirect(_next_url(request))
        return error_response(request, exc)
    done = [o for o in outcomes if o.ok]
    if _wants_json(request):
        return JsonResponse(
            {
                "dispatched": len(done),
                "rejected": len(outcomes) - len(done),
                "results": [outcome_row(o) for o in outcomes],
            }
        )
    if done:
        messages.success(request, f"已派单 {len(done)} 件")
    for o in outcomes:
        if not o.ok:
            messages.error(request, f"{o.number or o.ticket_id}：{o.message}")
    return redirect(_next_url(request))


@login_required
@require_GET
def dispatch_counts(request: AuthedHttpRequest) -> HttpResponse:
    """The dispatch page's header numbers (`queries.dispatch_counts`) for the page's filters, which
    come as the query string: the page refreshes them after each dispatch and every 30 seconds."""
    _dispatcher(request)
    response = JsonResponse(queries.dispatch_counts(TicketFilter(request.GET, request.user)))
    response["Cache-Control"] = "private, no-store"
    return response
