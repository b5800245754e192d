"""Pages of 恳谈会/宿商讲坛 events (R5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response

from .. import forums, queries, talks
from ..access import access_event, can_run_forums
from ..models import EventItemKind, EventKind
from ..pages import Cell, Field, ListPage, get_filters, list_page
from ._common import _create, _enterprise_options, _units


@login_required
@require_GET
def event_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    filtered = queries.events(user, request.GET)
    result = paginate(request, talks.with_counts(filtered.qs))
    rows = [
        [
            Cell(e.theme, link=reverse("outreach:event_detail", args=[e.pk])),
            Cell(e.get_kind_display()),
            Cell(e.held_on.strftime("%Y-%m-%d")),
            Cell(e.organiser.name if e.organiser else "—"),
            Cell(e.location or "—"),
            Cell(f"{e.n_attended} 人 / {e.n_attended_enterprises} 家"),
            Cell(f"{e.n_cases}/{e.n_items}" if e.kind == EventKind.TALK else "—"),
        ]
        for e in result.page.object_list
    ]
    return list_page(
        request,
        ListPage(
            title="恳谈会与宿商讲坛",
            headers=["主题", "类型", "日期", "主办单位", "地点", "签到", "已转诉求/问题建议"],
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
    qs = talks.with_counts(queries.events(request.user, request.GET).strict())
    rows = (
        [
            e.get_kind_display(),
            e.theme,
            e.held_on,
            e.organiser.name if e.organiser else "",
            e.location,
            e.participants,
            e.outcomes,
            e.n_attended,
            e.n_attended_enterprises,
            e.n_items,
            e.n_cases,
        ]
        for e in qs
    )
    return xlsx_response(
        "恳谈会与讲坛.xlsx",
        [
            "类型",
            "主题",
            "日期",
            "主办单位",
            "地点",
            "参加人员",
            "反映问题和建议/成果",
            "签到人数",
            "签到企业数",
            "问题建议数",
            "已转诉求数",
        ],
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
@require_http_methods(["GET", "POST"])
@page_errors
def event_detail(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    event = access_event(user, pk)
    if request.method == "POST":
        _event_post(request, pk)
        anchor = "#attendance" if request.POST.get("do") in ("attend", "unattend") else "#items"
        return redirect(reverse("outreach:event_detail", args=[pk]) + anchor)
    manage = can_run_forums(user)
    items = talks.items_of(event)
    return render(
        request,
        "outreach/event_detail.html",
        {
            "event": event,
            "enterprises": list(event.enterprises.all()),
            "items": items,
            "item_kinds": EventItemKind.choices,
            "is_talk": event.kind == EventKind.TALK,
            "attendance": talks.attendance_of(event),
            "counts": talks.attendance_counts(event),
            "manage": manage,
            "enterprise_options": _enterprise_options(user) if manage else [],
        },
    )


def _event_post(request: AuthedHttpRequest, pk: int) -> None:
    user, now, post = request.user, timezone.now(), request.POST
    action = post.get("do")
    try:
        if action == "item":
            talks.do_record_item(acting_user=user, event_id=pk, data=post.dict(), now=now)
            messages.success(request, "已记录")
        elif action == "convert":
            done = talks.do_convert_item(acting_user=user, item_id=post.get("item_id", ""), now=now)
            number = done.item.ticket.number if done.item.ticket else ""
            if done.created:
                messages.success(request, f"已转为诉求 {number}")
            else:
                messages.info(request, f"该问题已转为诉求 {number}，未重复生成")
        elif action == "follow":
            talks.do_follow_item(
                acting_user=user, item_id=post.get("item_id", ""), note=post.get("note", ""), now=now
            )
            messages.success(request, "已记录跟踪情况")
        elif action == "attend":
            talks.do_record_attendance(acting_user=user, event_id=pk, data=post.dict(), now=now)
            messages.success(request, "已签到")
        elif action == "unattend":
            talks.do_remove_attendance(acting_user=user, attendance_id=post.get("attendance_id", ""))
            messages.success(request, "已删除签到")
        else:
            raise NotFound()
    except REFUSALS:
        raise
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)


@login_required
@require_GET
@page_errors
def attendance_export(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    event = access_event(request.user, pk)
    rows = (
        [
            a.name,
            a.position,
            a.enterprise.name if a.enterprise else "",
            a.phone,
            timezone.localtime(a.recorded_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for a in talks.attendance_of(event)
    )
    return xlsx_response(
        f"签到-{event.held_on:%Y%m%d}.xlsx",
        ["姓名", "职务", "所在企业", "联系电话", "签到时间"],
        rows,
        "签到",
        text_columns=[3],
    )
