"""Pages of the 议事厅: opinions, their export, submitting, answering and rating them (R5)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bangban.core.errors import REFUSALS, ApplicationError, NotFound, PermissionDenied
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.satisfaction import Satisfaction
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.enterprises.models import Enterprise

from .. import forums, queries
from ..access import (
    access_opinion,
    can_run_forums,
    can_submit_opinion,
    is_association_user,
    is_enterprise_user,
    may_answer,
    own_associations,
)
from ..models import Association, OpinionStatus
from ..pages import Cell, Field, ListPage, get_filters, list_page
from ._common import _create, _enterprise_options, _units


@login_required
@require_GET
def opinion_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    filtered = queries.opinions(user, request.GET)
    for message in filtered.errors:
        messages.warning(request, f"{message}（该条件已忽略）")
    result = paginate(request, filtered.qs)
    colours = {
        OpinionStatus.SUBMITTED: "warning",
        OpinionStatus.ANSWERED: "info",
        OpinionStatus.RATED: "success",
    }
    rows = [
        [
            Cell(o.title, link=reverse("outreach:opinion_detail", args=[o.pk])),
            Cell(o.association.name),
            Cell(o.answer_unit.name),
            Cell(timezone.localtime(o.submitted_at).strftime("%Y-%m-%d")),
            Cell(o.get_status_display(), badge=colours.get(o.status, "secondary")),
        ]
        for o in result.page.object_list
    ]
    return list_page(
        request,
        ListPage(
            title="行业协会商会议事厅",
            headers=["议题", "协会商会", "答复单位", "提交日期", "状态"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(
                request,
                [
                    Field("q", "议题或协会"),
                    Field("status", "状态", "select", options=list(OpinionStatus.choices)),
                ],
            ),
            create_url=reverse("outreach:opinion_create") if can_submit_opinion(user) else "",
            create_label="提交协会意见",
            export_url=reverse("outreach:opinion_export"),
            empty=(
                "暂无本会提交的意见，可点击“提交协会意见”反映会员企业的意见建议"
                if is_association_user(user)
                else "暂无议事厅意见"
            ),
            testid="opinion-table",
            extra_links=_opinion_links(user),
        ),
    )


def _opinion_links(user: Any) -> list[tuple[str, str]]:
    if is_association_user(user):
        return []
    if can_run_forums(user):
        return [
            ("协会商会", reverse("outreach:association_list")),
            ("监督员反映", reverse("outreach:report_list")),
            ("恳谈会与讲坛", reverse("outreach:event_list")),
            ("企业家座谈会", reverse("outreach:symposium_list")),
        ]
    return [
        ("恳谈会与讲坛", reverse("outreach:event_list")),
        ("企业家座谈会", reverse("outreach:symposium_list")),
    ]


@login_required
@require_GET
@page_errors
def opinion_export(request: AuthedHttpRequest) -> HttpResponseBase:
    qs = queries.opinions(request.user, request.GET).strict().prefetch_related("ratings")
    rows = (
        [
            o.title,
            o.association.name,
            o.answer_unit.name,
            o.get_status_display(),
            o.answer,
            "、".join(Satisfaction(r.level).label for r in o.ratings.all()),
        ]
        for o in qs
    )
    return xlsx_response(
        "议事厅意见.xlsx", ["议题", "协会商会", "答复单位", "状态", "答复", "企业评价"], rows, "议事厅"
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def opinion_create(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    as_association = is_association_user(user) and not can_run_forums(user)
    if as_association:
        own = list(own_associations(user).order_by("name"))
        if not own:
            raise PermissionDenied("该账号尚未关联协会商会，请联系营商办关联后再提交")
        associations = [(a.pk, a.name) for a in own]
        members = (
            Enterprise.objects.filter(associations__in=own, is_active=True)
            .distinct()
            .order_by("name")
            .only("id", "name")
        )
        enterprise_options = [(e.pk, e.name) for e in members[:500]]
    else:
        associations = [(a.pk, a.name) for a in Association.objects.filter(is_active=True)]
        enterprise_options = _enterprise_options(user)
    fields = [
        Field("title", "议题", required=True, maxlength=120),
        Field("content", "收集的意见建议", "textarea", required=True, maxlength=5000),
        Field("answer_unit_id", "答复单位", "select", options=_units(), required=True),
        Field(
            "enterprise_ids",
            "提出意见的企业（答复后可评价）" + ("，限本会会员" if as_association else ""),
            "multiselect",
            options=enterprise_options,
        ),
    ]
    if not as_association or len(associations) > 1:
        fields.insert(0, Field("association_id", "协会商会", "select", options=associations, required=True))
    return _create(
        request,
        allowed=can_submit_opinion(user),
        title="提交协会商会意见",
        fields=fields,
        action=forums.do_submit_opinion,
        done=lambda o: redirect("outreach:opinion_detail", o.pk),
        back=reverse("outreach:opinion_list"),
        narrow=as_association,
        intro=(
            f"以“{associations[0][1]}”的名义提交，答复单位答复后本会和所列企业都会收到通知。"
            if as_association and len(associations) == 1
            else ""
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def opinion_detail(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    opinion = access_opinion(user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("do") == "answer":
                forums.do_answer_opinion(
                    acting_user=user,
                    opinion_id=pk,
                    answer=request.POST.get("answer", ""),
                    version=request.POST.get("version"),
                )
                messages.success(request, "已答复，提出意见的企业将收到评价邀请")
            elif request.POST.get("do") == "rate":
                forums.do_rate_answer(
                    acting_user=user,
                    opinion_id=pk,
                    level=request.POST.get("level"),
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, "感谢评价")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, exc.message)
        return redirect("outreach:opinion_detail", pk)
    ratings = list(opinion.ratings.select_related("enterprise"))
    rated = is_enterprise_user(user) and any(r.enterprise_id == user.enterprise_id for r in ratings)
    return render(
        request,
        "outreach/opinion_detail.html",
        {
            "opinion": opinion,
            "enterprises": list(opinion.enterprises.all()),
            "ratings": ratings,
            "can_answer": opinion.status == OpinionStatus.SUBMITTED and may_answer(user, opinion),
            "can_rate": is_enterprise_user(user) and opinion.status != OpinionStatus.SUBMITTED and not rated,
            "on_behalf": not opinion.association.accounts.filter(pk=opinion.submitted_by_id).exists(),
            "levels": Satisfaction.choices,
        },
    )
