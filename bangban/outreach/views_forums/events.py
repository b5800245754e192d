"""Pages of 恳谈会/宿商讲坛 events (R5)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response

from .. import forums, queries
from ..access import access_event, can_run_forums
from ..models import EventKind
from ..pages import Cell, Field, ListPage, get_filters, list_page
from ._common import _create, _enterprise_options, _units


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
