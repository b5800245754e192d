"""Pages of 政社企沟通 (R5) and 企业家座谈会 (R13): the 议事厅 (opinions, answers, ratings), the
volunteer supervisors' phone page and 营商办's handling of their reports, 恳谈会/宿商讲坛 events,
and the half-yearly symposia."""

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

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import STAFF_ROLES
from bangban.core.errors import REFUSALS, ApplicationError, NotFound, PermissionDenied, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.satisfaction import Satisfaction
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.enterprises.access import visible_enterprises
from bangban.enterprises.models import Enterprise
from bangban.org.models import Region, RegionLevel, Unit

from . import forums, queries, symposia
from .access import (
    access_event,
    access_opinion,
    access_report,
    access_symposium,
    can_report_as_supervisor,
    can_run_forums,
    can_run_symposia,
    can_submit_opinion,
    is_association_user,
    is_enterprise_user,
    may_answer,
    own_associations,
    visible_policies,
)
from .models import (
    Association,
    EventKind,
    NominationStatus,
    OpinionStatus,
    ReportStatus,
    SymposiumStatus,
)
from .pages import Cell, Field, ListPage, bind, form_data, form_page, get_filters, list_page


def _units() -> list[tuple[int, str]]:
    return [(u.pk, u.name) for u in Unit.objects.filter(is_active=True).order_by("region__path", "name")]


def _enterprise_options(user: Any) -> list[tuple[int, str]]:
    return [
        (e.pk, e.name)
        for e in visible_enterprises(user).filter(is_active=True).order_by("name").only("id", "name")[:500]
    ]


def _create(
    request: AuthedHttpRequest,
    *,
    allowed: bool,
    title: str,
    fields: list[Field],
    action: Any,
    done: Any,
    back: str,
    narrow: bool = False,
    intro: str = "",
) -> HttpResponseBase:
    if not allowed:
        raise NotFound()
    if request.method == "POST":
        data = form_data(request, fields)
        try:
            obj = action(acting_user=request.user, data=data)
        except ValidationFailed as exc:
            return form_page(
                request,
                title=title,
                fields=bind(fields, data, exc),
                error=exc,
                back=back,
                narrow=narrow,
                intro=intro,
            )
        return done(obj)
    return form_page(request, title=title, fields=fields, back=back, narrow=narrow, intro=intro)


# --- 议事厅 ---------------------------------------------------------------------------------------


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


@login_required
@require_GET
def association_list(request: AuthedHttpRequest) -> HttpResponse:
    if not has_any_role(request.user, STAFF_ROLES):
        return render(request, "core/error.html", {"error": NotFound()}, status=404)
    qs = Association.objects.select_related("region").prefetch_related("accounts")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(name__icontains=q)
    result = paginate(request, qs.order_by("name"))
    manage = can_run_forums(request.user)
    rows = [
        [
            Cell(a.name),
            Cell(a.region.name),
            Cell(a.contact_name or "—"),
            Cell(a.members.count()),
            Cell(
                "、".join(u.display_name for u in a.accounts.all()) or ("关联账号" if manage else "—"),
                link=reverse("outreach:association_accounts", args=[a.pk]) if manage else "",
            ),
        ]
        for a in result.page.object_list
    ]
    return list_page(
        request,
        ListPage(
            title="行业协会商会",
            headers=["名称", "区划", "联系人", "会员企业", "协会商会账号"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(request, [Field("q", "名称")]),
            create_url=reverse("outreach:association_create") if can_run_forums(request.user) else "",
            create_label="登记协会商会",
            empty="暂无协会商会",
            extra_links=[("议事厅", reverse("outreach:opinion_list"))],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def association_create(request: AuthedHttpRequest) -> HttpResponseBase:
    regions = Region.objects.filter(is_active=True).exclude(level=RegionLevel.VILLAGE).order_by("path")
    fields = [
        Field("name", "协会商会名称", required=True, maxlength=120),
        Field("region", "所在区划", "select", options=[(r.code, r.name) for r in regions], required=True),
        Field("contact_name", "联系人", maxlength=50),
        Field("contact_phone", "联系电话", "tel", maxlength=30),
        Field("member_ids", "会员企业", "multiselect", options=_enterprise_options(request.user)),
        Field(
            "account_ids", "协会商会账号（代表本会提交意见）", "multiselect", options=_association_accounts()
        ),
    ]
    return _create(
        request,
        allowed=can_run_forums(request.user),
        title="登记行业协会商会",
        fields=fields,
        action=forums.do_create_association,
        done=lambda a: redirect("outreach:association_list"),
        back=reverse("outreach:association_list"),
    )


def _association_accounts() -> list[tuple[int, str]]:
    from bangban.accounts.models import User
    from bangban.accounts.roles import Role

    users = User.objects.filter(is_active=True, roles__code=Role.ASSOCIATION).distinct().order_by("username")
    return [(u.pk, f"{u.display_name}（{u.username}）") for u in users[:500]]


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def association_accounts(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    """营商办 links the accounts that speak for an association."""
    if not can_run_forums(request.user):
        raise NotFound()
    association = Association.objects.filter(pk=pk).first()
    if association is None:
        raise NotFound()
    field = Field(
        "account_ids",
        "协会商会账号（代表本会提交意见、查看答复和评价）",
        "multiselect",
        options=_association_accounts(),
        value=[str(v) for v in association.accounts.values_list("pk", flat=True)],
    )
    title = f"关联账号：{association.name}"
    back = reverse("outreach:association_list")
    if request.method == "POST":
        data = form_data(request, [field])
        try:
            forums.do_set_association_accounts(acting_user=request.user, association_id=pk, data=data)
        except ValidationFailed as exc:
            return form_page(request, title=title, fields=bind([field], data, exc), error=exc, back=back)
        messages.success(request, "已更新协会商会账号")
        return redirect("outreach:association_list")
    return form_page(request, title=title, fields=[field], back=back, submit="保存")


# --- supervisors ------------------------------------------------------------------------------------


@login_required
@require_GET
def report_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    filtered = queries.reports(user, request.GET)
    result = paginate(request, filtered.qs)
    colours = {
        ReportStatus.SUBMITTED: "warning",
        ReportStatus.FORWARDED: "success",
        ReportStatus.DECLINED: "secondary",
    }
    rows = [
        [
            Cell(r.title, link=reverse("outreach:report_detail", args=[r.pk])),
            Cell(r.reporter.display_name),
            Cell(r.region.name if r.region else "—"),
            Cell(timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M")),
            Cell(r.get_status_display(), badge=colours.get(r.status, "secondary")),
            Cell(f"{r.ticket.number}（{r.ticket.get_status_display()}）" if r.ticket else "—"),
        ]
        for r in result.page.object_list
    ]
    supervisor = can_report_as_supervisor(user)
    return list_page(
        request,
        ListPage(
            title="营商环境监督员反映的问题" if can_run_forums(user) else "我反映的问题",
            headers=["问题", "监督员", "发生地", "反映时间", "状态", "诉求"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(
                request,
                [
                    Field("q", "问题或企业"),
                    Field("status", "状态", "select", options=list(ReportStatus.choices)),
                ],
            ),
            create_url=reverse("outreach:report_create") if supervisor else "",
            create_label="反映问题",
            export_url=reverse("outreach:report_export") if can_run_forums(user) else "",
            empty="暂无反映的问题",
            testid="report-table",
        ),
    )


@login_required
@require_GET
@page_errors
def report_export(request: AuthedHttpRequest) -> HttpResponseBase:
    if not can_run_forums(request.user):
        raise NotFound()
    qs = queries.reports(request.user, request.GET).strict()
    rows = (
        [
            r.title,
            r.reporter.display_name,
            r.enterprise_name,
            r.region.name if r.region else "",
            timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"),
            r.get_status_display(),
            r.ticket.number if r.ticket else "",
            r.ticket.get_status_display() if r.ticket else "",
        ]
        for r in qs
    )
    headers = ["问题", "监督员", "涉及企业", "发生地", "反映时间", "状态", "诉求编号", "诉求状态"]
    return xlsx_response("监督员反映问题.xlsx", headers, rows, "监督员")


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def report_create(request: AuthedHttpRequest) -> HttpResponseBase:
    regions = Region.objects.filter(is_active=True).exclude(level=RegionLevel.VILLAGE).order_by("path")
    fields = [
        Field("title", "问题", required=True, maxlength=120),
        Field(
            "content",
            "问题描述",
            "textarea",
            required=True,
            maxlength=5000,
            help="时间、地点、经过，越具体越好",
        ),
        Field("enterprise_name", "涉及企业", maxlength=120),
        Field("region", "发生地", "select", options=[(r.code, r.name) for r in regions]),
    ]

    def done(report: Any) -> HttpResponseBase:
        messages.success(request, "已提交，营商办将及时转办并跟踪")
        return redirect("outreach:report_detail", report.pk)

    return _create(
        request,
        allowed=can_report_as_supervisor(request.user),
        title="反映营商环境问题",
        fields=fields,
        action=forums.do_submit_report,
        done=done,
        back=reverse("outreach:report_list"),
        narrow=True,
        intro="营商环境监督员随时反映发现的问题，营商办转交责任单位办理并跟踪问效。",
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def report_detail(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    report = access_report(user, pk)
    if request.method == "POST":
        action = request.POST.get("do")
        try:
            if action == "forward":
                report = forums.do_forward_report(
                    acting_user=user,
                    report_id=pk,
                    note=request.POST.get("note", ""),
                    version=request.POST.get("version"),
                )
                messages.success(request, f"已转办，诉求编号 {report.ticket.number if report.ticket else ''}")
            elif action == "decline":
                forums.do_decline_report(
                    acting_user=user,
                    report_id=pk,
                    reason=request.POST.get("reason", ""),
                    version=request.POST.get("version"),
                )
                messages.success(request, "已记录不予转办")
            elif action == "follow":
                forums.do_follow_up(acting_user=user, report_id=pk, note=request.POST.get("note", ""))
                messages.success(request, "已记录跟踪情况")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, exc.message)
        return redirect("outreach:report_detail", pk)
    return render(
        request,
        "outreach/report_detail.html",
        {
            "report": report,
            "follow_ups": list(report.follow_ups.select_related("by")),
            "can_handle": can_run_forums(user),
        },
    )


# --- events ------------------------------------------------------------------------------------------


@login_required
@require_GET
def event_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    filtered = queries.events(user, request.GET)
    result = paginate(request, filtered.qs)
    rows = [
        [
            Cell(e.theme, link=reverse("outreach:event_detail", args=[e.pk])),
            Cell(e.get_kind_display()),
            Cell(e.held_on.strftime("%Y-%m-%d")),
            Cell(e.organiser.name if e.organiser else "—"),
            Cell(e.location or "—"),
        ]
        for e in result.page.object_list
    ]
    return list_page(
        request,
        ListPage(
            title="恳谈会与宿商讲坛",
            headers=["主题", "类型", "日期", "主办单位", "地点"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(
                request,
                [Field("q", "主题或成果"), Field("kind", "类型", "select", options=list(EventKind.choices))],
            ),
            create_url=reverse("outreach:event_create") if can_run_forums(user) else "",
            create_label="登记活动",
            export_url=reverse("outreach:event_export"),
            empty="暂无恳谈会或讲坛",
            testid="event-table",
        ),
    )


@login_required
@require_GET
@page_errors
def event_export(request: AuthedHttpRequest) -> HttpResponseBase:
    qs = queries.events(request.user, request.GET).strict()
    rows = (
        [
            e.get_kind_display(),
            e.theme,
            e.held_on,
            e.organiser.name if e.organiser else "",
            e.location,
            e.participants,
            e.outcomes,
        ]
        for e in qs
    )
    return xlsx_response(
        "恳谈会与讲坛.xlsx",
        ["类型", "主题", "日期", "主办单位", "地点", "参加人员", "反映问题和建议/成果"],
        rows,
        "活动",
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def event_create(request: AuthedHttpRequest) -> HttpResponseBase:
    fields = [
        Field("kind", "类型", "radio", options=list(EventKind.choices), required=True),
        Field("theme", "主题（一会一主题）", required=True, maxlength=120),
        Field("held_on", "举办日期", "date", required=True),
        Field("location", "地点", maxlength=120),
        Field("organiser_id", "主办单位", "select", options=_units()),
        Field("participants", "参加人员", "textarea", maxlength=5000),
        Field("enterprise_ids", "参会企业", "multiselect", options=_enterprise_options(request.user)),
        Field("outcomes", "反映问题和建议/成果", "textarea", maxlength=5000),
    ]
    return _create(
        request,
        allowed=can_run_forums(request.user),
        title="登记恳谈会/宿商讲坛",
        fields=fields,
        action=forums.do_record_event,
        done=lambda e: redirect("outreach:event_detail", e.pk),
        back=reverse("outreach:event_list"),
    )


@login_required
@require_GET
@page_errors
def event_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = access_event(request.user, pk)
    return render(
        request, "outreach/event_detail.html", {"event": event, "enterprises": list(event.enterprises.all())}
    )


# --- symposia ---------------------------------------------------------------------------------------


@login_required
@require_GET
def symposium_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    result = paginate(request, queries.symposia(user, request.GET).qs)
    rows = [
        [
            Cell(s.title, link=reverse("outreach:symposium_detail", args=[s.pk])),
            Cell("、".join(s.theme_list)),
            Cell(s.planned_on.strftime("%Y-%m-%d") if s.planned_on else "—"),
            Cell(s.get_status_display()),
            Cell(s.n_nominations),
            Cell(s.n_suggestions),
        ]
        for s in result.page.object_list
    ]
    return list_page(
        request,
        ListPage(
            title="企业家座谈会",
            headers=["名称", "主题", "计划日期", "状态", "推荐人选", "意见建议"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(request, [Field("q", "名称或主题")]),
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
        },
    )
