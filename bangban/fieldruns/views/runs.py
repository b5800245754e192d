"""The run pages: the list (filters, paging, overdue flag), booking a run, and one run with every
step of its life on it — record, cancel, make problems items or cases, report and verify items,
close."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.org.queries import picked_units

from .. import actions, figures, queries, workflow
from ..access import access_run, is_head, manages, may_report, sees_runs
from ..models import ItemStatus, RunKind, RunRole, RunStatus
from ._common import field_errors

BOOK_FIELDS = ("planned_on", "service", "place", "kind", "role")
RECORD_FIELDS = ("done_on", "steps", "minutes", "findings", "no_problem", "checked")
ITEM_FIELDS = ("finding", "owner_unit", "owner_person", "requirement", "deadline", "workdays")


@login_required
@require_GET
@page_errors
def run_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not sees_runs(user):
        raise NotFound()
    today = timezone.localdate()
    params = {k: request.GET.get(k, "") for k in queries.FILTERS}
    result = paginate(request, queries.run_list(user, params, today))
    return render(
        request,
        "fieldruns/list.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "statuses": RunStatus.choices,
            "units": queries.units_of(user),
            "can_book": is_head(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def run_new(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_head(user):
        raise NotFound()
    values = {k: request.POST.get(k, "") for k in BOOK_FIELDS}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            run = actions.do_book_run(acting_user=user, data=actions.RunInput(**values), now=timezone.now())
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, f"已预约跑现场 {run.number}")
            return redirect("fieldruns:detail", run.pk)
    return render(
        request,
        "fieldruns/new.html",
        {"values": values, "errors": errors, "kinds": RunKind.choices, "roles": RunRole.choices},
        status=status,
    )


def _record(request: AuthedHttpRequest, pk: int, post: Any) -> str:
    data = actions.RecordInput(
        done_on=post.get("done_on", ""), steps=post.get("steps", ""), minutes=post.get("minutes", ""),
        findings=post.get("findings", ""), no_problem=post.get("no_problem", ""), checked=post.get("checked", ""),
    )  # fmt: skip
    actions.do_record_run(
        acting_user=request.user, run_id=pk, data=data, version=post.get("version"), now=timezone.now()
    )
    return "跑现场已记录"


def _cancel(request: AuthedHttpRequest, pk: int, post: Any) -> str:
    actions.do_cancel_run(
        acting_user=request.user, run_id=pk, reason=post.get("reason", ""), version=post.get("version"),
        now=timezone.now(),
    )  # fmt: skip
    return "预约已取消"


def _add_item(request: AuthedHttpRequest, pk: int, post: Any) -> str:
    data = actions.ItemInput(
        finding_id=post.get("finding", ""), owner_unit_id=post.get("owner_unit", ""),
        owner_person=post.get("owner_person", ""), requirement=post.get("requirement", ""),
        deadline=post.get("deadline", ""), workdays=post.get("workdays", ""),
    )  # fmt: skip
    item = actions.do_add_item(
        acting_user=request.user, run_id=pk, data=data, version=post.get("version"), now=timezone.now()
    )
    return f"已交办整改事项，时限 {item.deadline:%Y-%m-%d}"


def _raise_case(request: AuthedHttpRequest, pk: int, post: Any) -> str:
    finding = actions.do_raise_case(
        acting_user=request.user, finding_id=post.get("finding", ""), now=timezone.now()
    )
    assert finding.case is not None
    return f"已转为诉求 {finding.case.number}"


def _report(request: AuthedHttpRequest, pk: int, post: Any) -> str:
    actions.do_report_item(
        acting_user=request.user, item_id=post.get("item", ""), change=post.get("change", ""),
        version=post.get("item_version"), now=timezone.now(),
    )  # fmt: skip
    return "已报告整改完成，待核验"


def _verify(request: AuthedHttpRequest, pk: int, post: Any) -> str:
    item = actions.do_verify_item(
        acting_user=request.user, item_id=post.get("item", ""), verdict=post.get("verdict", ""),
        note=post.get("note", ""), version=post.get("item_version"), now=timezone.now(),
    )  # fmt: skip
    return "整改事项已核验销项" if item.status == ItemStatus.VERIFIED else "已退回重新整改"


def _close(request: AuthedHttpRequest, pk: int, post: Any) -> str:
    actions.do_close_run(acting_user=request.user, run_id=pk, version=post.get("version"), now=timezone.now())
    return "跑现场已销号"


STEPS: dict[str, Callable[[AuthedHttpRequest, int, Any], str]] = {
    "record": _record, "cancel": _cancel, "add_item": _add_item, "raise_case": _raise_case,
    "report": _report, "verify": _verify, "close": _close,
}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def run_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One run; a POST names its step in `do` (record, cancel, add_item, raise_case, report, verify,
    close) and, refused, shows the form again with the Chinese error beside it."""
    user = request.user
    run = access_run(user, pk)
    errors: dict[str, str] = {}
    status = 200
    step = request.POST.get("do", "")
    if request.method == "POST":
        if step not in STEPS:
            raise NotFound()
        try:
            message = STEPS[step](request, pk, request.POST)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, message)
            return redirect("fieldruns:detail", pk)
        run = access_run(user, pk)
    today = timezone.localdate()
    items = queries.items_of(run)
    own = manages(user, run)
    allowed = workflow.RUN.allowed_actions(run.status) if own else []
    return render(
        request,
        "fieldruns/detail.html",
        {
            "run": run,
            "findings": queries.findings_of(run),
            "items": [
                (
                    i,
                    figures.is_overdue(i, today),
                    may_report(user, i) and i.status == ItemStatus.OPEN,
                    own and i.status == ItemStatus.REPORTED,
                )
                for i in items
            ],
            "allowed": allowed,
            "step": step if errors else "",
            "errors": errors,
            "post": request.POST,
            "owner_selected": picked_units([request.POST.get("owner_unit", "")]),
            "today": today,
        },
        status=status,
    )
