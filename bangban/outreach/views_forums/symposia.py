"""Pages of the half-yearly entrepreneurs' symposia (R13)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import STAFF_ROLES
from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors

from .. import forums, queries, symposia
from ..access import access_symposium, can_run_symposia, is_enterprise_user, visible_policies
from ..models import NominationStatus, SymposiumStatus
from ..pages import Cell, Field, ListPage, get_filters, list_page
from ._common import _create, _enterprise_options, _units


@login_required
@require_GET
def symposium_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    filtered = queries.symposia(user, request.GET, now=now)
    result = paginate(request, filtered.qs)
    rows = [
        [
            Cell(s.title, link=reverse("outreach:symposium_detail", args=[s.pk])),
            Cell("、".join(s.theme_list)),
            Cell(s.planned_on.strftime("%Y-%m-%d") if s.planned_on else "—"),
            Cell(s.get_status_display()),
            Cell("半年内未召开", badge="danger")
            if symposia.not_held_in_half(s, now)
            else Cell(s.held_on.strftime("%Y-%m-%d") if s.held_on else "—"),
            Cell(s.n_co_units),
            Cell(s.n_nominations),
            Cell(s.n_suggestions),
        ]
        for s in result.page.object_list
    ]
    missed = queries.symposia_not_held(user, now)
    return list_page(
        request,
        ListPage(
            title="企业家座谈会",
            headers=["名称", "主题", "计划日期", "状态", "召开", "配合单位", "推荐人选", "意见建议"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(
                request,
                [
                    Field("q", "名称或主题"),
                    Field("not_held", "半年内未召开", "select", options=[("1", "仅看未按期召开的")]),
                ],
            ),
            notice=(
                "企业家座谈会每半年召开一次。以下半年已安排但到半年结束仍未召开："
                + "、".join(f"{s.year}年{s.get_half_display()}" for s in missed)
            )
            if missed
            else "",
            create_url=reverse("outreach:symposium_create") if can_run_symposia(user) else "",
            create_label="安排座谈会",
            empty="暂无企业家座谈会（每半年召开一次）",
            testid="symposium-table",
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def symposium_create(request: AuthedHttpRequest) -> HttpResponseBase:
    today = timezone.localdate()
    fields = [
        Field("year", "年度", "number", required=True, value=today.year),
        Field(
            "half",
            "半年",
            "radio",
            options=[(1, "上半年"), (2, "下半年")],
            required=True,
            value=1 if today.month <= 6 else 2,
        ),
        Field("title", "名称", maxlength=120, help="不填则为“××年上/下半年企业家座谈会”"),
        Field(
            "themes",
            "主题（每行一个：重点产业链、服务业、农业等）",
            "textarea",
            required=True,
            maxlength=2000,
        ),
        Field("lead_unit_id", "牵头单位", "select", options=_units()),
        Field("co_unit_ids", "配合单位（设定后通知各单位）", "multiselect", options=_units()),
        Field("planned_on", "计划召开日期", "date"),
    ]
    return _create(
        request,
        allowed=can_run_symposia(request.user),
        title="安排企业家座谈会",
        fields=fields,
        action=symposia.do_create_symposium,
        done=lambda s: redirect("outreach:symposium_detail", s.pk),
        back=reverse("outreach:symposium_list"),
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def symposium_detail(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    symposium = access_symposium(user, pk)
    if request.method == "POST":
        action = request.POST.get("do")
        try:
            if action == "nominate":
                symposia.do_nominate(
                    acting_user=user,
                    symposium_id=pk,
                    enterprise_id=request.POST.get("enterprise_id"),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "已提交推荐")
            elif action == "select":
                symposia.do_select(
                    acting_user=user,
                    symposium_id=pk,
                    selected_ids=request.POST.getlist("selected_ids"),
                    version=request.POST.get("version"),
                )
                messages.success(request, "已确定参会人选并通知入选企业")
            elif action == "policies":
                symposia.do_push_policies(
                    acting_user=user, symposium_id=pk, policy_ids=request.POST.getlist("policy_ids")
                )
                messages.success(request, "已向参会企业推送政策")
            elif action == "held":
                symposia.do_mark_held(
                    acting_user=user,
                    symposium_id=pk,
                    held_on=request.POST.get("held_on"),
                    version=request.POST.get("version"),
                )
                messages.success(request, "已记录召开")
            elif action == "suggestion":
                s = symposia.do_record_suggestion(
                    acting_user=user,
                    symposium_id=pk,
                    enterprise_id=request.POST.get("enterprise_id"),
                    content=request.POST.get("content", ""),
                    is_major=request.POST.get("is_major") == "1",
                )
                messages.success(
                    request, f"已记录建议{('，重大问题已转为诉求 ' + s.ticket.number) if s.ticket else ''}"
                )
            elif action == "co_units":
                symposia.do_set_co_units(
                    acting_user=user,
                    symposium_id=pk,
                    unit_ids=request.POST.getlist("co_unit_ids"),
                    version=request.POST.get("version"),
                )
                messages.success(request, "已更新配合单位并通知")
            elif action == "follow":
                forums.do_follow_up(
                    acting_user=user,
                    suggestion_id=int(request.POST.get("suggestion_id") or 0),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "已记录跟踪情况")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, exc.message)
        return redirect("outreach:symposium_detail", pk)
    nominations = list(symposium.nominations.select_related("enterprise", "unit"))
    participants = [n for n in nominations if n.status == NominationStatus.SELECTED]
    manage = can_run_symposia(user)
    own_nominated = is_enterprise_user(user) and any(
        n.enterprise_id == user.enterprise_id for n in nominations
    )
    return render(
        request,
        "outreach/symposium_detail.html",
        {
            "symposium": symposium,
            "nominations": nominations
            if (manage or has_any_role(user, STAFF_ROLES))
            else [n for n in nominations if n.enterprise_id == user.enterprise_id],
            "participants": participants,
            "suggestions": list(
                symposium.suggestions.select_related("enterprise", "ticket").prefetch_related(
                    "follow_ups__by"
                )
            ),
            "policies": list(symposium.policies.all()),
            "all_policies": list(visible_policies(user).filter(is_active=True).order_by("-id")[:100])
            if manage
            else [],
            "manage": manage,
            "nominating": symposium.status == SymposiumStatus.NOMINATING,
            "can_self_nominate": is_enterprise_user(user) and not own_nominated,
            "can_recommend": has_any_role(user, STAFF_ROLES),
            "enterprise_options": _enterprise_options(user) if has_any_role(user, STAFF_ROLES) else [],
            "today": timezone.localdate(),
            "co_units": symposia.co_unit_links(symposium),
            "unit_options": _units() if manage else [],
            "not_held_in_half": symposia.not_held_in_half(symposium, timezone.now()),
        },
    )
