"""Pages of the mayor's channel review and the 对口联系副秘书长 table (R8)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.tickets.access import access_ticket
from bangban.tickets.models import Category, Urgency

from .. import access, actions, queries
from ..actions.mayor import URGENCY_ASSESSMENTS
from ..models import DeputyRoute, ProblemKind, ReviewStage, VicePortfolio
from ._common import _do, _ids, _staff, _when


@login_required
@page_errors
def mayor(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    if not has_any_role(user, access.MAYOR_CHAIN_ROLES):
        raise NotFound()
    stage = request.GET.get("stage", "")
    qs = queries.mayor_cases(user, stage)
    result = paginate(request, qs)
    return render(
        request,
        "escalation/mayor.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "stages": ReviewStage.choices,
            "stage": stage,
            "rows": queries.mayor_rows(result.page.object_list),
        },
    )


DISPATCH_URGENCIES = [
    (Urgency.URGENT, "明确紧急 · 2个工作日"),
    (Urgency.GENERAL, "一般 · 5个工作日"),
    (Urgency.COMPLEX, "复杂或多部门 · 15个工作日"),
]


@login_required
@page_errors
def mayor_case(request: HttpRequest, ticket_id: int) -> HttpResponseBase:
    user = _staff(request)
    # The dispatcher follows a case of their queue here (read only: the buttons and the actions
    # are for the review chain).
    readers = access.MAYOR_CHAIN_ROLES | {Role.DISPATCHER}
    if not has_any_role(user, access.MAYOR_CHAIN_ROLES if request.method == "POST" else readers):
        raise NotFound()
    ticket = access_ticket(user, ticket_id)
    review = actions.open_review(ticket)
    if review is None:
        raise NotFound()
    here = f"/escalation/mayor/{ticket.pk}/"
    if request.method == "POST":
        op = request.POST.get("op")
        runs: dict[str, tuple[Callable[[], Any], str]] = {
            "classify": (lambda: actions.do_classify(acting_user=user, ticket_id=ticket.pk, category_id=request.POST.get("category"), kind=request.POST.get("kind", ""), comment=request.POST.get("comment", ""), urgency=request.POST.get("urgency"), version=request.POST.get("version")), "已分类并送对口联系副秘书长审核"),
            "sign": (lambda: actions.do_sign(acting_user=user, ticket_id=ticket.pk, decision=request.POST.get("decision", ""), comment=request.POST.get("comment", ""), urgency=request.POST.get("urgency"), version=request.POST.get("version")), "已签批"),
            "consult": (lambda: actions.do_request_consult(acting_user=user, ticket_id=ticket.pk, chair_id=request.POST.get("chair"), held_at=_when(request.POST.get("held_at", "")), comment=request.POST.get("comment", ""), place=request.POST.get("place", ""), version=request.POST.get("version")), "已提请会商"),
            "dispatch": (lambda: actions.do_mayor_dispatch(acting_user=user, ticket_id=ticket.pk, lead_unit_id=request.POST.get("lead_unit"), urgency=request.POST.get("urgency", ""), co_unit_ids=_ids(request, "co_units"), note=request.POST.get("note", ""), version=request.POST.get("version")), "已交办"),
        }  # fmt: skip
        if op not in runs:
            raise NotFound()
        run, done = runs[op]
        return _do(request, run, done, here)
    return render(
        request,
        "escalation/mayor_case.html",
        {
            "t": ticket,
            "review": review,
            "steps": list(review.steps.all()),
            "categories": Category.objects.filter(is_active=True).order_by("sort", "code"),
            "kinds": ProblemKind.choices,
            "urgencies": Urgency.choices,
            "assessments": list(URGENCY_ASSESSMENTS.items()),
            "assessment": URGENCY_ASSESSMENTS.get(Urgency(review.urgency), "") if review.urgency else "",
            "dispatch_urgencies": DISPATCH_URGENCIES,
            "proposal": queries.dispatch_proposal(review, timezone.now()),
            "signer": actions.vice_mayor_of(review),
            "chairs": User.objects.filter(
                is_active=True, roles__code__in=[Role.MAYOR, Role.VICE_MAYOR]
            ).distinct(),
            "can": queries.mayor_permissions(user, review, ticket),
        },
    )


# The 对口联系副秘书长 table (R8.2)

_ROUTE_FIELDS = {
    "category_invalid": "category",
    "mapping_exists": "category",
    "reviewer_not_deputy": "deputy",
}


def _route_context(user: Any, **extra: Any) -> dict[str, Any]:
    return {
        "categories": Category.objects.filter(is_active=True).order_by("path", "code"),
        "deputies": queries.deputy_candidates(),
        "can_edit": access.can_edit_routes(user),
        "errors": {},
        "form": {},
        **extra,
    }


def _route_error(exc: ApplicationError) -> dict[str, Any]:
    return {"field": _ROUTE_FIELDS.get(exc.code, "form"), "message": exc.message, "code": exc.code}


@login_required
@page_errors
def mayor_routes(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    if not access.can_view_routes(user):
        raise NotFound()
    status, form, error = 200, {}, None
    if request.method == "POST":
        form = {"category": request.POST.get("category", ""), "deputy": request.POST.get("deputy", "")}
        try:
            route = actions.do_create_route(
                acting_user=user, category_id=form["category"], deputy_id=form["deputy"]
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            status, error = exc.status, _route_error(exc)
        else:
            messages.success(
                request, f"已为“{route.category.path or route.category.name}”配置对口联系副秘书长"
            )
            return redirect("escalation:mayor_routes")
    q = request.GET.get("q", "")
    result = paginate(request, queries.deputy_routes(q))
    context = _route_context(
        user,
        page=result.page,
        qs=result.querystring_without_page,
        q=q,
        form=form,
        error=error,
        total=DeputyRoute.objects.count(),
    )
    return render(request, "escalation/mayor_routes.html", context, status=status)


@login_required
@page_errors
def mayor_route(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _staff(request)
    if not access.can_view_routes(user):
        raise NotFound()
    route = DeputyRoute.objects.select_related("category", "deputy").filter(pk=pk).first()
    if route is None:
        raise NotFound("该对口配置不存在或已删除")
    status, error = 200, None
    form = {"category": str(route.category_id), "deputy": str(route.deputy_id)}
    if request.method == "POST":
        try:
            if request.POST.get("op") == "delete":
                name = route.category.path or route.category.name
                actions.do_delete_route(acting_user=user, route_id=route.pk)
                messages.success(request, f"已删除“{name}”的对口联系副秘书长配置")
                return redirect("escalation:mayor_routes")
            form = {"category": request.POST.get("category", ""), "deputy": request.POST.get("deputy", "")}
            actions.do_update_route(
                acting_user=user, route_id=route.pk, category_id=form["category"], deputy_id=form["deputy"]
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            status, error = exc.status, _route_error(exc)
        else:
            messages.success(request, "已保存对口联系副秘书长配置")
            return redirect("escalation:mayor_routes")
    context = _route_context(user, route=route, form=form, error=error)
    return render(request, "escalation/mayor_route.html", context, status=status)


# The 分管市长 portfolio (R8.2)

_PORTFOLIO_FIELDS = {
    "category_invalid": "category",
    "portfolio_exists": "category",
    "not_vice_mayor": "vice_mayor",
}


@login_required
@page_errors
def vice_portfolio(request: HttpRequest) -> HttpResponseBase:
    """The page of the portfolio: list (search, paging), add, delete, and the 常务副市长."""
    user = _staff(request)
    if not access.can_view_portfolio(user):
        raise NotFound()
    status, form, error = 200, {}, None
    if request.method == "POST":
        op = request.POST.get("op", "add")
        form = {k: request.POST.get(k, "") for k in ("category", "vice_mayor", "executive")}
        try:
            if op == "delete":
                actions.do_remove_portfolio(acting_user=user, portfolio_id=request.POST.get("id"))
                done = "已删除该分管市长分工"
            elif op == "executive":
                actions.do_set_executive(acting_user=user, vice_mayor_id=form["executive"])
                done = "已保存常务副市长"
            else:
                row = actions.do_assign_portfolio(
                    acting_user=user, category_id=form["category"], vice_mayor_id=form["vice_mayor"]
                )
                done = f"已明确“{row.category.path or row.category.name}”的分管市长"
        except REFUSALS:
            raise
        except ApplicationError as exc:
            field = _PORTFOLIO_FIELDS.get(exc.code, "form")
            if op == "executive":
                field = "executive"
            status, error = exc.status, {"field": field, "message": exc.message, "code": exc.code}
        else:
            messages.success(request, done)
            return redirect("escalation:vice_portfolio")
    q = request.GET.get("q", "")
    result = paginate(request, queries.portfolio(q))
    context = {
        "page": result.page,
        "qs": result.querystring_without_page,
        "q": q,
        "form": form,
        "error": error,
        "total": VicePortfolio.objects.count(),
        "categories": Category.objects.filter(is_active=True).order_by("path", "code"),
        "vice_mayors": queries.vice_mayor_candidates(),
        "executive": actions.settings_row().executive_vice_mayor,
        "can_edit": access.can_edit_portfolio(user),
    }
    return render(request, "escalation/vice_portfolio.html", context, status=status)
