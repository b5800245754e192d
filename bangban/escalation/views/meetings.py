"""Pages of meetings (with their minutes as .docx) and meeting tasks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_POST

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.tickets.public import case_id_for_number

from .. import access, actions
from ..models import MeetingType, TaskStatus
from ._common import _do, _ids, _staff, _when


@login_required
@page_errors
def meetings(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    qs = access.visible_meetings(user).select_related("chair")
    kind = request.GET.get("type", "")
    if kind in MeetingType.values:
        qs = qs.filter(type=kind)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(title__icontains=q)
    result = paginate(request, qs.order_by("-held_at", "-id"))
    return render(
        request,
        "escalation/meetings.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "types": MeetingType.choices,
            "type": kind,
            "q": q,
            "can_organise": access.can_organise_meetings(user),
        },
    )


def _case_ids(text: str) -> list[Any]:
    """Case numbers (or ids) separated by commas, spaces or new lines."""
    tokens = [t for t in text.replace("，", " ").replace(",", " ").split() if t]
    ids: list[Any] = []
    for token in tokens:
        pk = case_id_for_number(token)
        ids.append(pk if pk is not None else token)
    return ids


def _people() -> Any:
    return User.objects.filter(is_active=True).exclude(roles__code=Role.ENTERPRISE).order_by("unit_id", "pk")


@login_required
@page_errors
def meeting_new(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    if not access.can_organise_meetings(user):
        raise NotFound()
    error = None
    if request.method == "POST":
        try:
            meeting = actions.do_create_meeting(
                acting_user=user,
                type=request.POST.get("type", ""),
                title=request.POST.get("title", ""),
                held_at=_when(request.POST.get("held_at", "")),
                chair_id=request.POST.get("chair") or None,
                place=request.POST.get("place", ""),
                unit_ids=_ids(request, "units"),
                participant_ids=_ids(request, "participants"),
                case_ids=_case_ids(request.POST.get("cases", "")),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, "会议已登记，已通知参会人员")
            return redirect(f"/escalation/meetings/{meeting.pk}/")
    initial_cases = request.GET.get("cases", "")
    return render(
        request,
        "escalation/meeting_new.html",
        {
            "types": MeetingType.choices,
            "people": _people(),
            "error": error,
            "post": request.POST
            if request.method == "POST"
            else {"cases": initial_cases, "type": request.GET.get("type", "")},
        },
        status=error.status if error else 200,
    )


@login_required
@page_errors
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _staff(request)
    meeting = access.access_meeting(user, pk)
    here = f"/escalation/meetings/{meeting.pk}/"
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "minutes":
            return _do(
                request,
                lambda: actions.do_record_minutes(
                    acting_user=user,
                    meeting_id=pk,
                    minutes=request.POST.get("minutes", ""),
                    version=request.POST.get("version"),
                ),
                "已保存会议纪要",
                here,
            )
        if op == "confirm":
            return _do(
                request,
                lambda: actions.do_confirm_attendance(acting_user=user, meeting_id=pk),
                "已确认参会",
                here,
            )
        if op == "task":
            return _do(
                request,
                lambda: actions.do_add_task(
                    acting_user=user,
                    meeting_id=pk,
                    content=request.POST.get("content", ""),
                    owner_unit_id=request.POST.get("owner_unit") or None,
                    workdays=request.POST.get("workdays"),
                    ticket_id=request.POST.get("ticket") or None,
                ),
                "已添加议定任务",
                here,
            )
        raise NotFound()
    participants = list(meeting.participants.select_related("user", "user__unit"))
    return render(
        request,
        "escalation/meeting_detail.html",
        {
            "m": meeting,
            "participants": participants,
            "cases": list(meeting.cases.all()),
            "tasks": list(meeting.tasks.select_related("owner_unit", "ticket")),
            "can_edit": meeting.created_by_id == user.pk
            or meeting.chair_id == user.pk
            or access.can_organise_meetings(user),
            "my_participation": next((p for p in participants if p.user_id == user.pk), None),
            "now": timezone.now(),
        },
    )


@login_required
@page_errors
def meeting_docx(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _staff(request)
    meeting = access.access_meeting(user, pk)

    response = HttpResponse(
        actions.minutes_docx(meeting),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"{meeting.title}-会议纪要.docx"
    response["Content-Disposition"] = f"attachment; filename*=utf-8''{escape_uri_path(name)}"
    return response


@login_required
@page_errors
def tasks(request: HttpRequest) -> HttpResponseBase:
    """The owner unit's queue of meeting tasks; `view=overdue`: the supervision list of every
    overdue task (supervisors)."""
    user = _staff(request)
    view = request.GET.get("view", "unit")
    now = timezone.now()
    qs = access.visible_tasks(user).select_related("meeting", "owner_unit", "ticket")
    if view == "overdue":
        qs = qs.filter(status=TaskStatus.OPEN, due_at__lt=now)
    else:
        view = "unit"
        qs = qs.filter(owner_unit_id=user.unit_id)
        status = request.GET.get("status", "")
        if status in TaskStatus.values:
            qs = qs.filter(status=status)
    result = paginate(request, qs.order_by("status", "due_at", "id"))
    return render(
        request,
        "escalation/tasks.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "view": view,
            "now": now,
            "can_supervise": access.can_supervise(user),
            "status": request.GET.get("status", ""),
        },
    )


@login_required
@page_errors
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _staff(request)
    return _do(
        request,
        lambda: actions.do_complete_task(acting_user=user, task_id=pk, note=request.POST.get("note", "")),
        "已报送完成情况",
        "/escalation/tasks/",
    )
