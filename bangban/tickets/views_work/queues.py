"""The case lists: the unit's queue, all cases, the dispatch queue and the handler's own cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from bangban.accounts.access import show_phone
from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate
from bangban.core.views import page_errors
from bangban.enterprises.access import scope_regions

from .. import advice, panels, queries
from .. import forms_work as f
from ..access import PROTECTED_COMPLAINANT, complainant_hidden, visible_tickets
from ..advice import Advice
from ..dispatch_batch import MAX_BATCH, is_first_response, prefilled_routing
from ..display import (
    DeadlineBadge,
    deadline_badge,
    dispatch_badge,
    dispatch_clock_label,
    status_css,
    urgency_css,
)
from ..figures import dispatch_month_figures
from ..filters import DEADLINE_CHOICES, SORT_CHOICES, TicketFilter
from ..merge_proposals import merge_proposals
from ..models import Category, Channel, SavedView, Ticket, TicketType, Urgency
from ..near_duplicates import Proposal
from ..workflow import Status
from ._common import _intake_url

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
        # The unit filter is a unit picker (type-ahead), so only the chosen unit is on the page.
        chosen = filters.lead_unit
        options["unit_selected"] = [(chosen.code, chosen.name)] if chosen is not None else []
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
    lead_selected: list[tuple[int, str]]
    suggested_unit: tuple[int, str] | None
    category_options: str
    urgency_options: str
    advice: Advice | None = None
    proposal: Proposal | None = None
    first_unit: bool = False


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
    # Units are chosen with the unit picker (type-ahead over the directory): the page carries only
    # the names of the units it pre-fills or suggests. The categories are on the page once (a
    # <template> each row's select fills itself from when first used); a row carries only its
    # pre-selected category.
    category_choices = [
        (str(pk), escape(path))
        for pk, path in Category.objects.filter(is_active=True).order_by("path").values_list("pk", "path")
    ]
    category_names = dict(category_choices)
    # Suggestions of a routing advisor (bangban.insight), when one is registered and has a usable
    # model; a confident one pre-fills the form, otherwise the routing rule table's unit does.
    suggestions = advice.advise([row.ticket for row in context["rows"]], filters.now)
    dispatch_rows = []
    # The same problem from different callers: a proposed merge the dispatcher decides on.
    proposals = merge_proposals([row.ticket for row in context["rows"]], visible_tickets(user))
    for row in context["rows"]:
        t = row.ticket
        found = suggestions.get(t.pk)
        # The names come with the rows (select_related) and the advice: no query per row.
        names = {u.pk: u.name for u in (t.suggested_unit, t.lead_unit) if u is not None and u.is_active}
        if found and found.unit_id:
            names[found.unit_id] = found.unit_name
        lead, category = prefilled_routing(t, found)
        first = is_first_response(t)
        hint = t.suggested_unit_id if first else (found.unit_id if found else None) or t.suggested_unit_id
        dispatch_rows.append(
            DispatchRow(
                row=row,
                dispatch_badge=dispatch_badge(t, filters.now),
                dispatch_label=dispatch_clock_label(t),
                prefix=f"t{t.pk}",
                first_unit=first,
                lead_selected=[(lead, names[lead])] if lead is not None and lead in names else [],
                suggested_unit=(hint, names[hint]) if hint is not None and hint in names else None,
                category_options=_selected_options(
                    [(str(category), category_names[str(category)])]
                    if str(category) in category_names
                    else [],
                    category,
                ),
                urgency_options=_selected_options(
                    [(v, escape(label)) for v, label in Urgency.choices], t.urgency
                ),
                advice=found,
                proposal=proposals.get(t.pk),
            )
        )
    context.update(
        {
            "title": "派单",
            "dispatch_rows": dispatch_rows,
            "dispatch_categories": _selected_options(category_choices, None),
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
            # A case opened from the queue keeps the queue (上一件/下一件 on its page).
            "detail_query": urlencode({"from": "dispatch", **filters.as_params()}, doseq=True),
            "counts_url": reverse("tickets:dispatch_counts") + "?" + filters.querystring(),
            "max_batch": MAX_BATCH,
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
