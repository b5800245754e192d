"""The work pages of the case system: dispatcher queue, unit work queue, all cases, the enterprise's
我的诉求, the case page with its action panels, saved views and the Excel export of every list.

Reads go through `queries` (scoped by `access`), writes through the `actions.do_*` functions;
every action form posts the `version` the user saw. An `ApplicationError` from an action is shown
in the panel that caused it (a conflict: 「记录已被他人修改，请刷新后重试」) and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import FileResponse, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from bangban.accounts.access import may_see_personal_data, show_phone
from bangban.audit.actions import record_personal_data_view
from bangban.core.errors import REFUSALS, ApplicationError, NotFound, ValidationFailed
from bangban.core.export_actions import export_response
from bangban.core.exports import ExportPlan
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate
from bangban.core.views import error_response, page_errors
from bangban.enterprises.access import scope_regions

from . import forms_work as f
from . import panels, queries
from .access import PROTECTED_COMPLAINANT, access_ticket, check_action, complainant_hidden
from .display import (
    STATUS_LABELS,
    DeadlineBadge,
    deadline_badge,
    dispatch_badge,
    dispatch_clock_label,
    event_label,
    status_css,
    urgency_css,
)
from .exports import do_record_export
from .figures import dispatch_month_figures
from .filters import DEADLINE_CHOICES, SORT_CHOICES, TicketFilter
from .models import (
    Attachment,
    Category,
    Channel,
    DeadlineRequest,
    ReviewStatus,
    SavedView,
    Ticket,
    TicketType,
    Urgency,
    Visibility,
)
from .workflow import Status

SAVED_VIEW_PAGES = {"unit": "tickets:unit_queue", "dispatch": "tickets:dispatch_queue", "all": "tickets:all"}
MAX_SAVED_VIEWS = 30


# --- rows of every list ---------------------------------------------------------------------------


def _local_text(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


class Row:
    """A case as a list row, with everything the row shows worked out once in Python (badges,
    local times, names): a page of 100 rows then renders without per-row template lookups. The
    contact phone is masked for the viewer."""

    __slots__ = (
        "badge",
        "co",
        "contact_phone",
        "due",
        "enterprise",
        "handler",
        "lead_unit",
        "received",
        "status_css",
        "status_label",
        "ticket",
        "urgency_css",
        "urgency_label",
        "url",
    )

    def __init__(self, ticket: Ticket, user: Any, now: Any, *, co: bool = False) -> None:
        self.ticket = ticket
        self.url = reverse("tickets:detail", args=[ticket.pk])
        self.badge = deadline_badge(ticket, now)
        self.due = _local_text(self.badge.due_at)
        self.received = _local_text(ticket.received_at)
        self.status_css = status_css(ticket.status)
        self.status_label = ticket.get_status_display()
        self.urgency_css = urgency_css(ticket.urgency)
        self.urgency_label = ticket.get_urgency_display()
        # In the unit queue, a case the unit does not lead is one it co-handles (协办).
        self.co = co and ticket.lead_unit_id != getattr(user, "unit_id", None)
        if complainant_hidden(user, ticket):
            self.contact_phone, self.enterprise = "", PROTECTED_COMPLAINANT
        else:
            self.contact_phone = show_phone(user, ticket.contact_phone)
            self.enterprise = ticket.enterprise.name if ticket.enterprise_id and ticket.enterprise else ""
        unit = ticket.lead_unit if ticket.lead_unit_id else None
        self.lead_unit = (unit.short_name or unit.name) if unit is not None else ""
        self.handler = ticket.handler.display_name if ticket.handler_id and ticket.handler else ""


def _options(items: Any, selected: str) -> str:
    """`<option>`s of a filter select, built in Python: a catalogue of a few hundred categories
    would otherwise cost the template several lookups per option on every page view."""
    return _selected_options([(escape(v), escape(t)) for v, t in items], escape(selected))


def _filter_options(user: Any, filters: TicketFilter, *, units: bool) -> dict[str, Any]:
    c = filters.cleaned
    categories = Category.objects.filter(is_active=True).order_by("path").values_list("code", "path")
    regions = (
        scope_regions(user).exclude(level="village").order_by("path").values_list("code", "name", "path")
    )
    options: dict[str, Any] = {
        "statuses": Status.choices,
        "urgencies": Urgency.choices,
        "channels": Channel.choices,
        "types": TicketType.choices,
        "deadlines": list(DEADLINE_CHOICES.items()),
        "sorts": list(SORT_CHOICES.items()),
        "category_options": _options(categories, c.get("category", "")),
        "region_options": _options(
            ((code, ("　" if path.count("/") > 3 else "") + name) for code, name, path in regions),
            c.get("region", ""),
        ),
    }
    if units:
        from .queries import dispatch_targets

        options["unit_options"] = _options(
            dispatch_targets().values_list("code", "name"), c.get("lead_unit", "")
        )
        options["units"] = True
    return options


def _saved_views(user: Any, page: str) -> list[SavedView]:
    return list(SavedView.objects.filter(user=user, page=page).order_by("name"))


def _requested_slice(request: AuthedHttpRequest) -> tuple[int, int]:
    """The (offset, size) `core.pagination.paginate` will ask for, when the page number is valid."""
    try:
        size = max(1, min(int(request.GET.get("size", DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE))
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1
    return (number - 1) * size, size


def _list_context(
    request: AuthedHttpRequest,
    *,
    queue: str,
    filters: TicketFilter,
    qs: Any,
    co: bool = False,
    units: bool = False,
) -> dict[str, Any]:
    user = request.user
    result = paginate(request, qs)  # a QuerySet, or a PagedById of one
    rows = [Row(t, user, filters.now, co=co) for t in result.page.object_list]
    return {
        "queue": queue,
        "queue_name": queries.QUEUE_NAMES[queue],
        "page": result.page,
        "rows": rows,
        "qs": result.querystring_without_page,
        "filters": filters,
        "fv": {name: filters.value(name) for name in TicketFilter.fields},
        "current_query": filters.querystring(),
        "export_url": reverse("tickets:export")
        + "?"
        + urlencode({**filters.as_params(), "view": queue}, doseq=True),
        "saved_views": _saved_views(user, queue) if queue in SAVED_VIEW_PAGES else [],
        "now": filters.now,
        **_filter_options(user, filters, units=units),
    }


# --- lists ----------------------------------------------------------------------------------------


@login_required
@require_GET
@page_errors
def unit_queue(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not queries.can_use_unit_queue(user):
        raise NotFound("待办诉求只对承办单位的承办人和负责人开放")
    filters = TicketFilter(request.GET, user)
    rows = queries.unit_queue_page(filters)
    rows.expect(*_requested_slice(request))
    context = _list_context(request, queue="unit", filters=filters, qs=rows, co=True)
    unit = user.unit
    context["title"] = f"待办诉求 · {unit.short_name or unit.name}" if unit is not None else "待办诉求"
    return render(request, "tickets/queue.html", context)


@login_required
@require_GET
@page_errors
def all_cases(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not queries.can_use_all_cases(user):
        raise NotFound()
    filters = TicketFilter(request.GET, user)
    context = _list_context(request, queue="all", filters=filters, qs=queries.all_cases(filters), units=True)
    context["title"] = "全部诉求"
    return render(request, "tickets/queue.html", context)


@dataclass
class DispatchRow:
    row: Row
    dispatch_badge: DeadlineBadge
    dispatch_label: str
    prefix: str
    lead_options: str
    co_options: str
    category_options: str
    urgency_options: str


def _selected_options(choices: Sequence[tuple[str, str]], selected: Any) -> str:
    """Options whose labels are already escaped, with `selected` marked."""
    chosen = "" if selected is None else str(selected)
    # Every label was escaped when the choices were built.
    return mark_safe(
        "".join(
            f'<option value="{v}"{" selected" if v == chosen else ""}>{label}</option>'
            for v, label in choices
        )
    )


@login_required
@require_GET
@page_errors
def dispatch_queue(request: AuthedHttpRequest) -> HttpResponse:
    return _render_dispatch_queue(request)


def _render_dispatch_queue(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not queries.can_use_dispatch_queue(user):
        raise NotFound("派单页面只对派单员开放")
    filters = TicketFilter(request.GET, user)
    qs = queries.dispatch_queue(filters)
    context = _list_context(request, queue="dispatch", filters=filters, qs=qs, units=True)
    # The selects of every row's dispatch form share one read of units and categories; only the
    # selected option differs per row (a form per row would query them again for every case).
    unit_choices = [
        (str(pk), escape(name)) for pk, name in queries.dispatch_targets().values_list("pk", "name")
    ]
    category_choices = [
        (str(pk), escape(path))
        for pk, path in Category.objects.filter(is_active=True).order_by("path").values_list("pk", "path")
    ]
    dispatch_rows = []
    for row in context["rows"]:
        t = row.ticket
        dispatch_rows.append(
            DispatchRow(
                row=row,
                dispatch_badge=dispatch_badge(t, filters.now),
                dispatch_label=dispatch_clock_label(t),
                prefix=f"t{t.pk}",
                lead_options=_selected_options(unit_choices, t.suggested_unit_id or t.lead_unit_id),
                co_options=_selected_options(unit_choices, None),
                category_options=_selected_options(category_choices, t.category_id),
                urgency_options=_selected_options(
                    [(v, escape(label)) for v, label in Urgency.choices], t.urgency
                ),
            )
        )
    context.update(
        {
            "title": "派单",
            "dispatch_rows": dispatch_rows,
            # Mayor-channel cases still in their review are listed but not the dispatcher's to send.
            # (the flag is registered by bangban.escalation in `guards` and annotated by
            # `queries.dispatch_queue`, unknown to the type checker)
            "under_review": qs.filter(**{"under_mayor_review": True}).count()
            if context["rows"] and "under_mayor_review" in qs.query.annotations
            else 0,
            "requests": list(queries.pending_requests(user)),
            "can_decide": panels.has_action("do_decide_request"),
            "can_dispatch": panels.has_action("do_dispatch"),
            "can_merge": panels.has_action("do_merge"),
            "figures": _dispatch_figures(filters.now),
            "dispatch_overdue": queries.dispatch_overdue_count(user, filters.now),
        }
    )
    return render(request, "tickets/dispatch.html", context)


def _dispatch_figures(now: dt.datetime) -> list[dict[str, Any]]:
    """派单及时率 of this month and last month (Asia/Shanghai), city-wide counts."""
    local = timezone.localtime(now)
    last = (local.replace(day=1) - dt.timedelta(days=1)).date()
    return [
        {"label": "本月", **dispatch_month_figures(local.year, local.month, now=now)},
        {"label": "上月", **dispatch_month_figures(last.year, last.month, now=now)},
    ]


@login_required
@require_GET
@page_errors
def mine(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    filters = TicketFilter(request.GET, user)
    result = paginate(request, queries.my_cases(filters), per_page=10)
    cards = []
    for t in result.page.object_list:
        approved = getattr(t, "approved_replies", [])
        cards.append(
            {
                "row": Row(t, user, filters.now),
                "reply": approved[0] if approved else None,
                "can_rate": t.status == Status.REPLIED
                and panels.may_take(user, t, "rate")
                and panels.has_action("do_follow_up"),
                "form": f.RateForm(initial={"version": t.version}, prefix=f"r{t.pk}"),
            }
        )
    return render(
        request,
        "tickets/mine.html",
        {
            "cards": cards,
            "page": result.page,
            "qs": result.querystring_without_page,
            "filters": filters,
            "fv": {"q": filters.value("q")},
            "statuses": Status.choices,
            "file_url": _intake_url(),
            "export_url": reverse("tickets:export")
            + "?"
            + urlencode({**filters.as_params(), "view": "mine"}, doseq=True),
        },
    )


def _intake_url() -> str:
    """The enterprise's form to file a new case (the intake pages)."""
    return reverse("tickets:intake_new")


# --- the export -----------------------------------------------------------------------------------


def export_plan(user: Any, params: QueryDict) -> ExportPlan:
    """One case list with the filter in `params` (registered as "tickets"): `view` names the list
    (dispatch, unit, all, mine), which the user must be allowed to open."""
    queue = params.get("view", "all")
    if queue not in queries.QUEUES:
        raise ValidationFailed("导出的列表无效，可选值：dispatch、unit、all、mine", code="invalid_filter")
    allowed = {
        "dispatch": queries.can_use_dispatch_queue,
        "unit": queries.can_use_unit_queue,
        "all": queries.can_use_all_cases,
        "mine": lambda u: True,
    }[queue]
    if not allowed(user):
        raise NotFound()
    filters = TicketFilter(params, user)
    filters.raise_for_errors()
    qs = queries.queue_queryset(queue, filters)

    def record(count: int) -> None:
        do_record_export(
            acting_user=user,
            queue=queue,
            filters=filters.as_params(),
            count=count,
            unmasked=may_see_personal_data(user),
        )

    name = queries.QUEUE_NAMES[queue]
    return ExportPlan(
        filename=f"{name}_{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title=name,
        headers=queries.EXPORT_HEADERS,
        rows=queries.export_rows(user, qs, filters.now),
        total=qs.count(),
        record=record,
        widths=queries.EXPORT_WIDTHS,
        text_columns=queries.EXPORT_TEXT_COLUMNS,
    )


@login_required
@require_GET
@page_errors
def export(request: AuthedHttpRequest) -> HttpResponseBase:
    return export_response(request, "tickets")


# --- saved views ----------------------------------------------------------------------------------


def _clean_query(raw: str) -> str:
    """Keep only the filter parameters (no page number, nothing unknown)."""
    params = QueryDict(raw or "")
    kept = [(k, v) for k in TicketFilter.fields for v in params.getlist(k) if v]
    return urlencode(kept)


@login_required
@require_POST
def saved_view_save(request: AuthedHttpRequest) -> HttpResponse:
    form = f.SavedViewForm(request.POST)
    page = request.POST.get("page", "unit")
    target = reverse(SAVED_VIEW_PAGES.get(page, "tickets:unit_queue"))
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(target + "?" + _clean_query(request.POST.get("query", "")))
    data = form.cleaned_data
    query = _clean_query(data["query"])
    if SavedView.objects.filter(user=request.user).count() >= MAX_SAVED_VIEWS:
        messages.error(request, f"常用筛选最多保存 {MAX_SAVED_VIEWS} 个，请先删除不用的")
        return redirect(target + "?" + query)
    try:
        SavedView.objects.update_or_create(
            user=request.user, page=data["page"], name=data["name"], defaults={"query": query}
        )
    except IntegrityError:
        messages.error(request, "保存失败，请重试")
    else:
        messages.success(request, f"已保存常用筛选“{data['name']}”")
    return redirect(target + ("?" + query if query else ""))


@login_required
@require_GET
def saved_view_apply(request: AuthedHttpRequest, view_id: int) -> HttpResponse:
    view = SavedView.objects.filter(user=request.user, pk=view_id).first()
    if view is None:
        return error_response(request, NotFound())
    target = reverse(SAVED_VIEW_PAGES.get(view.page, "tickets:unit_queue"))
    return redirect(target + ("?" + view.query if view.query else ""))


@login_required
@require_POST
def saved_view_delete(request: AuthedHttpRequest, view_id: int) -> HttpResponse:
    view = SavedView.objects.filter(user=request.user, pk=view_id).first()
    if view is None:
        return error_response(request, NotFound())
    page = view.page
    view.delete()
    messages.success(request, f"已删除常用筛选“{view.name}”")
    return redirect(reverse(SAVED_VIEW_PAGES.get(page, "tickets:unit_queue")))


# --- attachments ----------------------------------------------------------------------------------

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


@login_required
@require_GET
@page_errors
def attachment(request: AuthedHttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    """A file of a case, to whoever may see the case (internal files: staff only)."""
    ticket = access_ticket(request.user, pk)
    qs = Attachment.objects.filter(ticket=ticket, pk=attachment_id)
    if not queries.is_staff_viewer(request.user):
        qs = qs.filter(visibility=Visibility.PUBLIC)
    item = qs.first()
    if item is None:
        raise NotFound()
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise NotFound("附件文件已不存在") from exc
    # Only raster images are shown in the browser; everything else (PDF, Office files and any
    # active content) is downloaded. Downloads also get a sandboxing policy (core.security).
    inline = item.content_type in INLINE_TYPES
    response = FileResponse(handle, as_attachment=not inline, filename=item.original_name)
    response["Content-Type"] = item.content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the case page and its action panels ----------------------------------------------------------


def _render_detail(
    request: AuthedHttpRequest,
    ticket: Ticket,
    *,
    bound: tuple[str, forms.Form, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    page = queries.case_page(user, ticket)
    t = page.ticket
    now = timezone.now()
    offered = panels.available_panels(user, page)
    panel_forms = []
    for panel in offered:
        if bound is not None and bound[0] == panel.key:
            panel_forms.append({"panel": panel, "form": bound[1], "error": bound[2]})
        else:
            panel_forms.append(
                {"panel": panel, "form": panels.make_form(panel.key, t, user=user), "error": ""}
            )
    protected = complainant_hidden(user, t)
    contact_phone = "" if protected else show_phone(user, t.contact_phone)
    if t.contact_phone and not protected and may_see_personal_data(user):
        record_personal_data_view(user, t, ["contact_phone"])
    pending_requests = [r for r in page.requests if r.status == ReviewStatus.PENDING]
    timeline = [
        {
            "e": event,
            "label": event_label(event.kind),
            "to_status_label": STATUS_LABELS.get(event.to_status, ""),
            # Outside government (the enterprise, a volunteer) an actor is the complainant's side.
            "actor": "投诉人"
            if protected and event.actor_id and not event.actor_unit_id
            else event.actor_name,
        }
        for event in page.events
    ]
    return render(
        request,
        "tickets/detail.html",
        {
            "p": page,
            "t": t,
            "badge": deadline_badge(t, now),
            "dbadge": dispatch_badge(t, now),
            "dlabel": dispatch_clock_label(t),
            "status_css": status_css(t.status),
            "urgency_css": urgency_css(t.urgency),
            "contact_phone": contact_phone,
            "complainant_protected": protected,
            "protected_text": PROTECTED_COMPLAINANT,
            "panels": panel_forms,
            "pending_requests": pending_requests,
            "timeline": timeline,
            "error_panel": bound[0] if bound else "",
            # The action is no longer offered (the case moved on): the message goes on top.
            "general_error": bound[2] if bound and bound[0] not in {p.key for p in offered} else "",
            "back_url": _back_url(user),
        },
        status=status,
    )


def _back_url(user: Any) -> str:
    if queries.can_use_unit_queue(user):
        return reverse("tickets:unit_queue")
    if queries.can_use_dispatch_queue(user):
        return reverse("tickets:dispatch_queue")
    if queries.can_use_all_cases(user):
        return reverse("tickets:all")
    return reverse("tickets:mine")


@login_required
@require_GET
@page_errors
def detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk)
    return _render_detail(request, ticket)


@login_required
@require_POST
@page_errors
def act(request: AuthedHttpRequest, pk: int, key: str) -> HttpResponse:
    """One action panel's form. Success: back to the case (or the list it came from); failure:
    the case page again with the message in the panel and the user's input kept."""
    user = request.user
    ticket = access_ticket(user, pk)
    panel = panels.PANELS_BY_KEY.get(key)
    if panel is None or not panels.has_action(panel.function):
        raise NotFound()
    check_action(user, ticket, panel.check)
    prefix = request.POST.get("_prefix") or None
    form = panels.make_form(key, ticket, request.POST, user=user)
    if prefix:
        form.prefix = prefix
    next_url = _safe_next(request)
    if not form.is_valid():
        message = _form_message(form)
        return _failed(request, ticket, key, form, message, next_url, status=400)
    try:
        done = panels.run_action(key, user, ticket, form.cleaned_data)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return _failed(request, ticket, key, form, exc.message, next_url, status=exc.status)
    messages.success(request, done)
    if next_url:
        return redirect(next_url)
    return redirect(reverse("tickets:detail", args=[ticket.pk]))


def _form_message(form: forms.Form) -> str:
    parts: list[str] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}：" if field is not None and field.label and name != "__all__" else ""
        parts.extend(f"{label}{e}" for e in errors)
    return "；".join(parts) or "提交的内容有误"


def _failed(
    request: AuthedHttpRequest,
    ticket: Ticket,
    key: str,
    form: forms.Form,
    message: str,
    next_url: str,
    *,
    status: int,
) -> HttpResponse:
    if next_url:
        # Posted from a list (dispatcher queue, 我的诉求): back to it, with the message on top.
        messages.error(request, f"{ticket.number}：{message}")
        return redirect(next_url)
    fresh = Ticket.objects.get(pk=ticket.pk)
    return _render_detail(request, fresh, bound=(key, form, message), status=status)


def _safe_next(request: AuthedHttpRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


__all__ = [
    "DeadlineRequest",
    "act",
    "all_cases",
    "attachment",
    "detail",
    "dispatch_queue",
    "export",
    "mine",
    "saved_view_apply",
    "saved_view_delete",
    "saved_view_save",
    "unit_queue",
]
