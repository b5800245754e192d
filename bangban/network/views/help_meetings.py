"""Pages of the 解难帮扶会办会 (R3.3): the list (search, status, paging), the schedule form (key
enterprises → their open problems → the agenda), the meeting page with its 召开 / 处置 / 办结 /
取消 forms and each item's result form, and the 会办会台账 (.xlsx)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bangban.core.errors import REFUSALS, ApplicationError, PermissionDenied
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.enterprises.access import visible_enterprises
from bangban.org.models import Unit

from .. import actions, figures, help_queries
from ..access import access_help_item, access_help_meeting, area_of, can_complete_item, can_run_meeting
from ..models import Disposal, HelpItemStatus, HelpMeetingStatus
from ._common import field_errors

MAX_CHOICES = 300


@login_required
@require_GET
@page_errors
def help_meeting_list(request: AuthedHttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "") for k in ("q", "status")}
    result = paginate(
        request, help_queries.meeting_list(request.user, params).prefetch_related("enterprises")
    )
    return render(
        request,
        "network/help_meetings.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "statuses": HelpMeetingStatus.choices,
            "can_schedule": area_of(request.user) is not None,
        },
    )


def _key_enterprises(user: Any, area: str) -> list[Any]:
    return list(
        visible_enterprises(user)
        .filter(tier__in=help_queries.KEY_TIERS, region__path__startswith=area, is_active=True)
        .order_by("name")[:MAX_CHOICES]
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def help_meeting_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    area = area_of(user)
    if area is None:
        raise PermissionDenied("只有营商办或单位负责人可以安排解难帮扶会办会")
    data = request.POST if request.method == "POST" else request.GET
    chosen = [int(x) for x in data.getlist("enterprises") if x.isdigit()]
    values = {k: data.get(k, "") for k in ("title", "held_at", "place", "host")}
    units = [int(x) for x in data.getlist("units") if x.isdigit()]
    problems = data.getlist("problems")
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            meeting = actions.do_schedule_help_meeting(
                acting_user=user,
                data=actions.MeetingInput(
                    title=values["title"], held_at=values["held_at"], place=values["place"], host=values["host"],
                    enterprise_ids=chosen, unit_ids=units, problems=problems,
                ),
                now=timezone.now(),
            )  # fmt: skip
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, f"已安排：{meeting.title}，已通知参会单位")
            return redirect("network:help_meeting_detail", pk=meeting.pk)
    allowed = {e.pk for e in visible_enterprises(user).filter(pk__in=chosen, region__path__startswith=area)}
    return render(
        request,
        "network/help_meeting_form.html",
        {
            "values": values,
            "errors": errors,
            "enterprises": _key_enterprises(user, area),
            "chosen": chosen,
            "problems": help_queries.open_problems([i for i in chosen if i in allowed]),
            "picked": set(problems),
            "units": Unit.objects.filter(is_active=True).order_by("type", "code")[:MAX_CHOICES],
            "chosen_units": units,
            "min_held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
        status=status,
    )


def _post_action(request: AuthedHttpRequest, pk: int) -> str:
    """Run the posted action; the message to show on success."""
    user, post, now = request.user, request.POST, timezone.now()
    action, version = post.get("action", ""), post.get("version") or None
    if action == "hold":
        actions.do_hold_help_meeting(acting_user=user, meeting_id=pk, minutes=post.get("minutes", ""),
                                     version=version, now=now)  # fmt: skip
        return "已记录纪要，会议已召开"
    if action == "cancel":
        actions.do_cancel_help_meeting(acting_user=user, meeting_id=pk, reason=post.get("reason", ""),
                                       version=version, now=now)  # fmt: skip
        return "会议已取消，已通知参会单位"
    if action == "close":
        actions.do_close_help_meeting(acting_user=user, meeting_id=pk, version=version, now=now)
        return "会办会已办结，已告知挂钩企业的帮办专员"
    item_id = post.get("item", "")
    access_help_item(user, item_id)  # 404 for an item outside the user's meetings
    if action == "dispose":
        item = actions.do_dispose_item(
            acting_user=user, item_id=item_id, version=version, now=now,
            data=actions.DisposalInput(
                disposal=post.get("disposal", ""), unit_id=post.get("unit") or None,
                co_unit_ids=post.getlist("co_units"), workdays=post.get("workdays"),
                instructed_by=post.get("instructed_by", ""), instruction=post.get("instruction", ""),
            ),
        )  # fmt: skip
        suffix = f"，诉求 {item.case.number}" if item.case else ""
        return f"议题已{item.get_disposal_display()}{suffix}"
    if action == "complete":
        actions.do_complete_item(acting_user=user, item_id=item_id, result=post.get("result", ""),
                                 version=version, now=now)  # fmt: skip
        return "议题已办结"
    raise PermissionDenied("不支持的操作")


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def help_meeting_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = access_help_meeting(user, pk)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            text = _post_action(request, meeting.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
            errors["item"] = request.POST.get("item", "")
        else:
            messages.success(request, text)
            return redirect("network:help_meeting_detail", pk=meeting.pk)
        meeting = access_help_meeting(user, pk)
    now = timezone.now()
    items = help_queries.items_of(meeting)
    rows = [
        {
            "item": i,
            "overdue": figures.help_item_overdue(i, now),
            "can_complete": i.status == HelpItemStatus.OPEN and can_complete_item(user, i),
        }
        for i in items
    ]
    runner = can_run_meeting(user, meeting)
    return render(
        request,
        "network/help_meeting_detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "errors": errors,
            "can_run": runner,
            "can_dispose": runner and meeting.status == HelpMeetingStatus.HELD,
            "disposals": Disposal.choices,
            "units": Unit.objects.filter(is_active=True).order_by("type", "code")[:MAX_CHOICES],
            "enterprises": list(meeting.enterprises.order_by("name")),
            "invited": list(meeting.units.order_by("name")),
        },
        status=status,
    )


@login_required
@require_GET
@page_errors
def help_ledger_export(request: AuthedHttpRequest) -> HttpResponseBase:
    """会办会台账: every item of the meetings on the list (same search and scope)."""
    params = {k: request.GET.get(k, "") for k in ("q", "status")}
    meetings = help_queries.meeting_list(request.user, params)
    rows = help_queries.ledger_rows(meetings, timezone.now())
    actions.do_record_help_ledger_export(acting_user=request.user, count=len(rows), params=params)
    return xlsx_response(
        f"解难帮扶会办会台账_{timezone.localdate():%Y%m%d}.xlsx",
        help_queries.LEDGER_HEADERS,
        rows,
        "会办会台账",
    )
