"""The decision pages: the register of decisions (filters, paging, .xlsx 台账), the 首违不罚 decision
aid (answer the facts → see the proposal with its legal basis → record the decision) and a decision
with 司法局's review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.org.models import Unit

from .. import actions, queries
from ..access import access_decision, is_inspector, is_keeper, sees_decisions
from ..models import Outcome, Review
from ..rules import QUESTIONS, RULES
from ._common import field_errors, resolve_enterprise

FILTERS = ("month", "outcome", "status", "deviated", "unit", "q")
EXPORT_HEADERS = [
    "决定编号", "企业", "统一社会信用代码", "清单事项", "执法单位", "发现日期", "近两年违法记录", "系统建议",
    "适用规则", "决定", "偏离建议", "决定理由", "决定人", "决定时间", "审查状态", "审查意见",
]  # fmt: skip


@login_required
@require_GET
@page_errors
def decision_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not sees_decisions(user):
        raise NotFound()
    params = {k: request.GET.get(k, "") for k in FILTERS}
    result = paginate(request, queries.decision_list(user, params))
    return render(
        request,
        "leniency/decisions.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "outcomes": Outcome.choices,
            "statuses": Review.choices,
            "units": Unit.objects.filter(pk__in=queries.decision_list(user, {}).values("unit_id")).order_by(
                "name"
            ),
            "can_decide": is_inspector(user),
            "can_review": is_keeper(user),
        },
    )


@login_required
@require_GET
@page_errors
def decision_export(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not sees_decisions(user):
        raise NotFound()
    params = {k: request.GET.get(k, "") for k in FILTERS}
    rows = [
        [
            d.number,
            d.enterprise.name,
            d.enterprise.uscc,
            f"{d.item.code} {d.item.behaviour}",
            d.unit.name,
            d.case_date,
            d.prior_count,
            d.get_proposal_display(),
            RULES.get(d.proposal_rule, ("",))[0],
            d.get_outcome_display(),
            "是" if d.deviated else "否",
            d.reason,
            d.decided_by.display_name,
            timezone.localtime(d.decided_at).strftime("%Y-%m-%d %H:%M"),
            d.get_status_display(),
            d.review_note,
        ]
        for d in queries.decision_list(user, params)
    ]
    actions.do_record_export(
        acting_user=user, what="免罚轻罚决定台账", count=len(rows), month=params["month"]
    )
    return xlsx_response("免罚轻罚决定台账.xlsx", EXPORT_HEADERS, rows, "决定台账", text_columns=[2])


def _input(request: AuthedHttpRequest) -> actions.DecisionInput:
    post = request.POST
    return actions.DecisionInput(
        enterprise_id=resolve_enterprise(request.user, post.get("enterprise", "")),
        item_id=post.get("item", ""),
        case_date=post.get("case_date", ""),
        facts={key: post.get(f"fact_{key}", "") for key, _q, _h in QUESTIONS},
        narrative=post.get("narrative", ""),
        outcome=post.get("outcome", ""),
        reason=post.get("reason", ""),
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def decision_aid(request: AuthedHttpRequest) -> HttpResponse:
    """Step 1 (`do=propose`): the facts → the proposal, nothing written. Step 2 (`do=record`): the
    decision is recorded (the proposal is computed again on the server)."""
    user = request.user
    if not is_inspector(user):
        raise NotFound()
    now = timezone.now()
    values: dict[str, Any] = {
        k: request.POST.get(k, "")
        for k in ("enterprise", "item", "case_date", "narrative", "outcome", "reason")
    }
    values["item"] = values["item"] or request.GET.get("item", "")
    values["case_date"] = values["case_date"] or timezone.localdate(now).isoformat()
    facts = {key: request.POST.get(f"fact_{key}", "") for key, _q, _h in QUESTIONS}
    errors: dict[str, str] = {}
    prepared = None
    status = 200
    if request.method == "POST":
        data = _input(request)
        try:
            if request.POST.get("do") == "record":
                decision = actions.do_record_decision(acting_user=user, data=data, now=now)
                messages.success(request, f"已记录决定 {decision.number}：{decision.get_outcome_display()}")
                return redirect("leniency:decision_detail", decision.pk)
            prepared = actions.prepare_decision(acting_user=user, data=data, now=now)
            values["outcome"] = prepared.proposal.outcome  # a new proposal resets the choice
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
            if request.POST.get("do") == "record" and exc.code == "deviation_reason_required":
                prepared = actions.prepare_decision(acting_user=user, data=data, now=now)
    return render(
        request,
        "leniency/decision_aid.html",
        {
            "values": values,
            "facts": facts,
            "questions": QUESTIONS,
            "errors": errors,
            "prepared": prepared,
            "items": queries.current_items(),
            "outcomes": Outcome.choices,
            "rules": RULES.values(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def decision_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    decision = access_decision(user, pk)
    errors: dict[str, str] = {}
    status = 200
    note = request.POST.get("note", "")
    if request.method == "POST":
        try:
            actions.do_review_decision(
                acting_user=user,
                decision_id=pk,
                verdict=request.POST.get("verdict", ""),
                note=note,
                version=request.POST.get("version"),
                now=timezone.now(),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, "审查结论已记录")
            return redirect("leniency:decision_detail", pk)
    facts = decision.facts if isinstance(decision.facts, dict) else {}
    return render(
        request,
        "leniency/decision_detail.html",
        {
            "d": decision,
            "answers": [(q, facts.get(k)) for k, q, _h in QUESTIONS],
            "rule": RULES.get(decision.proposal_rule),
            "can_review": is_keeper(user) and decision.status == Review.DECIDED,
            "errors": errors,
            "note": note,
        },
        status=status,
    )
