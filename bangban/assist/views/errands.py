"""代办 pages: the list (and the form that accepts one), a 代办's page with the moves its state and
the user allow — the 帮办代办员's and, for the enterprise user of that enterprise, confirm or send back."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors

from .. import actions, queries, workflow
from ..access import access_errand, is_enterprise, is_reader, on_roster, roster_site_ids
from ..models import ErrandStatus, Site
from ._common import enterprise_fields, field_errors, filters


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def errand_list(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not (is_reader(user) or is_enterprise(user)):
        raise NotFound()
    mine = list(Site.objects.filter(pk__in=roster_site_ids(user)).order_by("name"))
    errors: dict[str, str] = {}
    posted: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not mine:
            raise NotFound()
        posted = {n: request.POST.get(n, "") for n in ("record", "site", "enterprise", "matter", "due_on")}
        enterprise_id, enterprise_name = enterprise_fields(user, posted["enterprise"])
        data = actions.ErrandInput(
            record_id=posted["record"] or None, site_id=posted["site"], enterprise_id=enterprise_id,
            enterprise_name=enterprise_name, matter=posted["matter"], due_on=posted["due_on"],
        )  # fmt: skip
        try:
            errand = actions.do_open_errand(acting_user=user, data=data, now=timezone.now())
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if posted["record"]:
                messages.error(request, exc.message)
                return redirect(
                    "assist:record_detail", pk=int(posted["record"]) if posted["record"].isdigit() else 0
                )
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, f"已受理代办 {errand.number}")
            return redirect("assist:errand_detail", pk=errand.pk)
    values = filters(request, queries.ERRAND_FILTERS)
    result = paginate(request, queries.errands(user, values))
    return render(
        request,
        "assist/errands.html",
        {
            "page": result.page, "qs": result.querystring_without_page, "values": values,
            "statuses": ErrandStatus.choices, "filtered": any(values.values()), "mine": mine,
            "enterprise_view": is_enterprise(user), "errors": errors, "posted": posted,
            "today": timezone.localdate().isoformat(),
        },
        status=status,
    )  # fmt: skip


@login_required
@require_http_methods(["GET"])
@page_errors
def errand_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    errand = access_errand(request.user, pk)
    allowed = set(workflow.ERRAND.allowed_actions(errand.status))
    officer = on_roster(request.user, errand.site_id)
    own = is_enterprise(request.user) and errand.enterprise_id == request.user.enterprise_id
    return render(
        request,
        "assist/errand_detail.html",
        {
            "e": errand, "allowed": allowed, "officer": officer, "own": own,
            "is_open": errand.status in workflow.OPEN, "steps": errand.steps.select_related("by"),
            "materials": errand.handovers.all(), "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )  # fmt: skip


def _run(request: AuthedHttpRequest, pk: int, action: str) -> str:
    """Run one move of the 代办 from its page's form; the success message."""
    post, user, now = request.POST, request.user, timezone.now()
    version = post.get("version")
    common: dict[str, Any] = {"acting_user": user, "errand_id": pk}
    if action == "start":
        actions.do_start_errand(**common, expected_version=version)
        return "已开始办理"
    if action == "step":
        actions.do_log_step(**common, content=post.get("text", ""), now=now)
        return "已记录办理步骤"
    if action == "material":
        actions.do_add_material(
            **common,
            name=post.get("name", ""),
            count=post.get("count", ""),
            handed_at=post.get("handed_at"),
            now=now,
        )
        return "已登记材料交接"
    if action == "return":
        actions.do_return_material(
            **common, handover_id=post.get("material", ""), returned_at=post.get("returned_at"), now=now
        )
        return "已登记材料退还"
    if action == "request":
        actions.do_request_confirmation(**common, expected_version=version)
        return "已提请企业确认，企业确认后办结"
    if action == "confirm":
        actions.do_confirm_errand(**common, note=post.get("note", ""), expected_version=version, now=now)
        return "您已确认办结，感谢配合"
    if action == "send_back":
        actions.do_send_back(**common, note=post.get("note", ""), expected_version=version, now=now)
        return "已退回代办员继续办理"
    if action == "close":
        actions.do_close_errand(
            **common, paper_signed=bool(post.get("paper_signed")), note=post.get("note", ""),
            expected_version=version, now=now,
        )  # fmt: skip
        return "已凭企业纸质确认办结"
    if action == "terminate":
        actions.do_terminate_errand(
            **common, reason=post.get("reason", ""), expected_version=version, now=now
        )
        return "代办已终止"
    raise NotFound()


@login_required
@require_POST
@page_errors
def errand_action(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponseBase:
    access_errand(request.user, pk)
    try:
        done = _run(request, pk, action)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("assist:errand_detail", pk=pk)
