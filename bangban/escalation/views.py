"""Pages of escalation: escalated cases and tiers, meetings and tasks, the mayor's channel review,
the dispute ledger and supervision orders. Every form posts to a view that calls the same action
as the API; a refused action shows its Chinese message on the page it came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.org.models import Unit
from bangban.tickets.access import access_ticket
from bangban.tickets.models import Category, Urgency
from bangban.tickets.public import case_id_for_number
from bangban.workdays.arithmetic import SHANGHAI

from . import access, actions, queries
from .models import (
    AutoRule,
    DeputyRoute,
    DisputeStatus,
    MeetingType,
    ProblemKind,
    ReviewStage,
    SupervisionKind,
    SupervisionStatus,
    TaskStatus,
    Tier,
)


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _do(request: HttpRequest, run: Callable[[], Any], done: str, default: str) -> HttpResponse:
    try:
        run()
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(_back(request, default))


def _ids(request: HttpRequest, name: str) -> list[str]:
    return [v for v in request.POST.getlist(name) if v.strip()]


def _when(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


def _staff(request: HttpRequest) -> Any:
    if not access.is_staff(request.user):
        raise NotFound()
    return request.user


# --- escalated cases and tiers ---------------------------------------------------------------------


@login_required
@page_errors
def index(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    qs = queries.escalated_cases(user, request.GET)
    result = paginate(request, qs)
    return render(
        request,
        "escalation/index.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "tiers": actions.active_tiers(),
            "level": request.GET.get("level", ""),
            "q": request.GET.get("q", ""),
            "can_configure": access.can_configure(user),
            "now": timezone.now(),
        },
    )


@login_required
@page_errors
def tiers(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    if request.method == "POST":
        if not access.can_configure(user):
            raise NotFound()
        if request.POST.get("form") == "settings":
            return _do(
                request,
                lambda: actions.do_update_settings(
                    acting_user=user,
                    auto_rule=request.POST.get("auto_rule", ""),
                    auto_max_level=request.POST.get("auto_max_level"),
                    dispute_window_workdays=request.POST.get("dispute_window_workdays"),
                    dispute_decision_workdays=request.POST.get("dispute_decision_workdays"),
                    supervision_workdays=request.POST.get("supervision_workdays"),
                ),
                "已保存分级会办参数",
                "/escalation/tiers/",
            )
        return _do(
            request,
            lambda: actions.do_update_tier(
                acting_user=user,
                tier_id=int(request.POST.get("tier_id") or 0),
                name=request.POST.get("name", ""),
                workdays=request.POST.get("workdays"),
                is_active=request.POST.get("is_active") == "on",
            ),
            "已保存会办层级",
            "/escalation/tiers/",
        )
    return render(
        request,
        "escalation/tiers.html",
        {
            "tiers": actions.active_tiers() and Tier.objects.order_by("level"),
            "config": actions.settings_row(),
            "rules": AutoRule.choices,
            "can_configure": access.can_configure(user),
        },
    )


@login_required
@page_errors
@require_POST
def escalate(request: HttpRequest, ticket_id: int) -> HttpResponseBase:
    user = _staff(request)
    return _do(
        request,
        lambda: actions.do_escalate(
            acting_user=user,
            ticket_id=ticket_id,
            reason=request.POST.get("reason", ""),
            to_level=int(request.POST["to_level"]) if request.POST.get("to_level", "").isdigit() else None,
        ),
        "已升级会办",
        f"/cases/{ticket_id}/",
    )


# --- meetings -------------------------------------------------------------------------------------


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
            "units": Unit.objects.filter(is_active=True).order_by("code"),
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
            "units": Unit.objects.filter(is_active=True).order_by("code"),
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
    from django.utils.encoding import escape_uri_path

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


# --- the mayor's channel --------------------------------------------------------------------------


@login_required
@page_errors
def mayor(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    if not has_any_role(user, access.MAYOR_CHAIN_ROLES):
        raise NotFound()
    stage = request.GET.get("stage", "")
    qs = queries.mayor_cases(user, stage)
    result = paginate(request, qs)
    return render(
        request,
        "escalation/mayor.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "stages": ReviewStage.choices,
            "stage": stage,
            "rows": queries.mayor_rows(result.page.object_list),
        },
    )


@login_required
@page_errors
def mayor_case(request: HttpRequest, ticket_id: int) -> HttpResponseBase:
    user = _staff(request)
    # The dispatcher follows a case of their queue here (read only: the buttons and the actions
    # are for the review chain).
    readers = access.MAYOR_CHAIN_ROLES | {Role.DISPATCHER}
    if not has_any_role(user, access.MAYOR_CHAIN_ROLES if request.method == "POST" else readers):
        raise NotFound()
    ticket = access_ticket(user, ticket_id)
    review = actions.open_review(ticket)
    if review is None:
        raise NotFound()
    here = f"/escalation/mayor/{ticket.pk}/"
    if request.method == "POST":
        op = request.POST.get("op")
        runs: dict[str, tuple[Callable[[], Any], str]] = {
            "classify": (lambda: actions.do_classify(acting_user=user, ticket_id=ticket.pk, category_id=request.POST.get("category"), kind=request.POST.get("kind", ""), comment=request.POST.get("comment", ""), version=request.POST.get("version")), "已分类并送对口联系副秘书长审核"),
            "sign": (lambda: actions.do_sign(acting_user=user, ticket_id=ticket.pk, decision=request.POST.get("decision", ""), comment=request.POST.get("comment", ""), version=request.POST.get("version")), "已签批"),
            "consult": (lambda: actions.do_request_consult(acting_user=user, ticket_id=ticket.pk, chair_id=request.POST.get("chair"), held_at=_when(request.POST.get("held_at", "")), comment=request.POST.get("comment", ""), place=request.POST.get("place", ""), version=request.POST.get("version")), "已提请会商"),
            "dispatch": (lambda: actions.do_mayor_dispatch(acting_user=user, ticket_id=ticket.pk, lead_unit_id=request.POST.get("lead_unit"), urgency=request.POST.get("urgency", ""), co_unit_ids=_ids(request, "co_units"), note=request.POST.get("note", ""), version=request.POST.get("version")), "已交办"),
        }  # fmt: skip
        if op not in runs:
            raise NotFound()
        run, done = runs[op]
        return _do(request, run, done, here)
    return render(
        request,
        "escalation/mayor_case.html",
        {
            "t": ticket,
            "review": review,
            "steps": list(review.steps.all()),
            "categories": Category.objects.filter(is_active=True).order_by("sort", "code"),
            "kinds": ProblemKind.choices,
            "urgencies": Urgency.choices,
            "units": Unit.objects.filter(is_active=True).order_by("code"),
            "chairs": User.objects.filter(
                is_active=True, roles__code__in=[Role.MAYOR, Role.VICE_MAYOR]
            ).distinct(),
            "can": queries.mayor_permissions(user, review, ticket),
        },
    )


# The 对口联系副秘书长 table (R8.2)

_ROUTE_FIELDS = {
    "category_invalid": "category",
    "mapping_exists": "category",
    "reviewer_not_deputy": "deputy",
}


def _route_context(user: Any, **extra: Any) -> dict[str, Any]:
    return {
        "categories": Category.objects.filter(is_active=True).order_by("path", "code"),
        "deputies": queries.deputy_candidates(),
        "can_edit": access.can_edit_routes(user),
        "errors": {},
        "form": {},
        **extra,
    }


def _route_error(exc: ApplicationError) -> dict[str, Any]:
    return {"field": _ROUTE_FIELDS.get(exc.code, "form"), "message": exc.message, "code": exc.code}


@login_required
@page_errors
def mayor_routes(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    if not access.can_view_routes(user):
        raise NotFound()
    status, form, error = 200, {}, None
    if request.method == "POST":
        form = {"category": request.POST.get("category", ""), "deputy": request.POST.get("deputy", "")}
        try:
            route = actions.do_create_route(
                acting_user=user, category_id=form["category"], deputy_id=form["deputy"]
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            status, error = exc.status, _route_error(exc)
        else:
            messages.success(
                request, f"已为“{route.category.path or route.category.name}”配置对口联系副秘书长"
            )
            return redirect("escalation:mayor_routes")
    q = request.GET.get("q", "")
    result = paginate(request, queries.deputy_routes(q))
    context = _route_context(
        user,
        page=result.page,
        qs=result.querystring_without_page,
        q=q,
        form=form,
        error=error,
        total=DeputyRoute.objects.count(),
    )
    return render(request, "escalation/mayor_routes.html", context, status=status)


@login_required
@page_errors
def mayor_route(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _staff(request)
    if not access.can_view_routes(user):
        raise NotFound()
    route = DeputyRoute.objects.select_related("category", "deputy").filter(pk=pk).first()
    if route is None:
        raise NotFound("该对口配置不存在或已删除")
    status, error = 200, None
    form = {"category": str(route.category_id), "deputy": str(route.deputy_id)}
    if request.method == "POST":
        try:
            if request.POST.get("op") == "delete":
                name = route.category.path or route.category.name
                actions.do_delete_route(acting_user=user, route_id=route.pk)
                messages.success(request, f"已删除“{name}”的对口联系副秘书长配置")
                return redirect("escalation:mayor_routes")
            form = {"category": request.POST.get("category", ""), "deputy": request.POST.get("deputy", "")}
            actions.do_update_route(
                acting_user=user, route_id=route.pk, category_id=form["category"], deputy_id=form["deputy"]
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            status, error = exc.status, _route_error(exc)
        else:
            messages.success(request, "已保存对口联系副秘书长配置")
            return redirect("escalation:mayor_routes")
    context = _route_context(user, route=route, form=form, error=error)
    return render(request, "escalation/mayor_route.html", context, status=status)


# --- disputes -------------------------------------------------------------------------------------


@login_required
@page_errors
@require_POST
def dispute_raise(request: HttpRequest, ticket_id: int) -> HttpResponseBase:
    user = _staff(request)
    return _do(
        request,
        lambda: actions.do_raise_dispute(
            acting_user=user, ticket_id=ticket_id, reason=request.POST.get("reason", "")
        ),
        "已提出职责异议，等待专班认定",
        f"/cases/{ticket_id}/",
    )


@login_required
@page_errors
def disputes(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    qs = access.visible_disputes(user).select_related("ticket", "unit", "lead_unit", "raised_by")
    status = request.GET.get("status", "")
    if status in DisputeStatus.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(ticket__number__icontains=q) | Q(ticket__title__icontains=q))
    qs = qs.order_by("-raised_at", "-id")
    if request.GET.get("export") == "xlsx":
        rows = (
            [d.ticket.number, d.ticket.title, d.unit.name, d.reason, timezone.localtime(d.raised_at).strftime("%Y-%m-%d %H:%M"),
             timezone.localtime(d.decide_due_at).strftime("%Y-%m-%d"), d.get_status_display(),
             d.lead_unit.name if d.lead_unit else "", "、".join(u.name for u in d.co_units.all()), d.decision]
            for d in qs.iterator(chunk_size=500)
        )  # fmt: skip
        return xlsx_response(
            "职责异议台账.xlsx",
            [
                "诉求编号",
                "标题",
                "提出单位",
                "异议理由",
                "提出时间",
                "认定期限",
                "状态",
                "认定主办",
                "认定协办",
                "认定意见",
            ],
            rows,
            "职责异议台账",
        )
    result = paginate(request, qs)
    return render(
        request,
        "escalation/disputes.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "statuses": DisputeStatus.choices,
            "status": status,
            "q": q,
            "now": timezone.now(),
        },
    )


@login_required
@page_errors
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _staff(request)
    dispute = access.visible_disputes(user).select_related("ticket", "unit").filter(pk=pk).first()
    if dispute is None:
        raise NotFound()
    here = f"/escalation/disputes/{pk}/"
    if request.method == "POST":
        return _do(
            request,
            lambda: actions.do_decide_dispute(
                acting_user=user,
                dispute_id=pk,
                lead_unit_id=request.POST.get("lead_unit") or None,
                co_unit_ids=_ids(request, "co_units"),
                decision=request.POST.get("decision", ""),
                meeting_id=request.POST.get("meeting") or None,
            ),
            "已认定，诉求已按认定结果派单",
            here,
        )
    return render(
        request,
        "escalation/dispute_detail.html",
        {
            "d": dispute,
            "units": Unit.objects.filter(is_active=True).order_by("code"),
            "meetings": access.visible_meetings(user)
            .filter(type=MeetingType.JOINT)
            .order_by("-held_at")[:50],
            "can_decide": access.can_decide_disputes(user) and dispute.status == DisputeStatus.PENDING,
        },
    )


# --- supervision ----------------------------------------------------------------------------------


@login_required
@page_errors
def supervision(request: HttpRequest) -> HttpResponseBase:
    user = _staff(request)
    if request.method == "POST":
        if not access.can_supervise(user):
            raise NotFound()
        return _do(
            request,
            lambda: actions.do_issue_order(
                acting_user=user,
                kind=request.POST.get("kind", ""),
                content=request.POST.get("content", ""),
                ticket_id=request.POST.get("ticket") or None,
                task_id=request.POST.get("task") or None,
                workdays=request.POST.get("workdays") or None,
            ),
            "已下发督办单",
            "/escalation/supervision/",
        )
    qs = access.visible_orders(user).select_related("unit", "ticket", "task", "issued_by")
    status = request.GET.get("status", "")
    if status in SupervisionStatus.values:
        qs = qs.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in SupervisionKind.values:
        qs = qs.filter(kind=kind)
    qs = qs.order_by("status", "due_at", "id")
    if request.GET.get("export") == "xlsx":
        rows = (
            [o.get_kind_display(), o.ticket.number if o.ticket else f"任务：{o.task.content if o.task else ''}",
             o.unit.name, o.content, o.issued_by.display_name, timezone.localtime(o.issued_at).strftime("%Y-%m-%d"),
             timezone.localtime(o.due_at).strftime("%Y-%m-%d"), o.get_status_display(),
             timezone.localtime(o.responded_at).strftime("%Y-%m-%d") if o.responded_at else "", o.response]
            for o in qs.iterator(chunk_size=500)
        )  # fmt: skip
        return xlsx_response(
            "督办台账.xlsx",
            [
                "类型",
                "对象",
                "被督办单位",
                "督办要求",
                "下发人",
                "下发日期",
                "答复期限",
                "状态",
                "答复日期",
                "书面答复",
            ],
            rows,
            "督办台账",
        )
    result = paginate(request, qs)
    return render(
        request,
        "escalation/supervision.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "statuses": SupervisionStatus.choices,
            "kinds": SupervisionKind.choices,
            "status": status,
            "kind": kind,
            "now": timezone.now(),
        },
    )


@login_required
@page_errors
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _staff(request)
    order = (
        access.visible_orders(user)
        .select_related("unit", "ticket", "task", "issued_by", "responded_by")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise NotFound()
    here = f"/escalation/supervision/{pk}/"
    if request.method == "POST":
        return _do(
            request,
            lambda: actions.do_respond_order(
                acting_user=user, order_id=pk, response=request.POST.get("response", "")
            ),
            "已提交书面答复",
            here,
        )
    return render(
        request,
        "escalation/supervision_detail.html",
        {
            "o": order,
            "can_respond": order.status == SupervisionStatus.OPEN and access.unit_member(user, order.unit_id),
            "now": timezone.now(),
        },
    )
