"""The auditor's pages: the event list with filters, one event's before/after, the .xlsx export
and the hash-chain verification (run in the background, followed by htmx polling)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from bangban.accounts.access import may_see_personal_data
from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.export_actions import export_response
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import error_response

from .access import access_event, access_verification, require_audit_reader, visible_events
from .actions import record_personal_data_view
from .display import describe_action, diff_rows, has_personal_data
from .filters import AuditEventFilter
from .labels import ACTION_LABELS, SOURCE_LABELS
from .models import AuditEvent
from .verification import latest_verification
from .verify_request import do_request_chain_verification

CHOICES_CACHE_SECONDS = 300


def audit_reader_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """login_required + audit reader role; application errors become the error page (404 for
    everyone outside AUDIT_READER_ROLES)."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            require_audit_reader(request.user)
            return view(request, *args, **kwargs)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            return error_response(request, exc)

    return wrapper


def _distinct(field: str) -> list[str]:
    key = f"audit:distinct:{field}"
    values = cache.get(key)
    if values is None:
        values = sorted(
            v for v in AuditEvent.objects.order_by().values_list(field, flat=True).distinct() if v
        )
        cache.set(key, values, CHOICES_CACHE_SECONDS)
    return values


def action_choices() -> list[tuple[str, str]]:
    actions = set(_distinct("action")) | set(ACTION_LABELS)
    return [(a, describe_action(a)) for a in sorted(actions)]


@audit_reader_view
def event_list(request: AuthedHttpRequest) -> HttpResponse:
    filters = AuditEventFilter.from_params(request.GET)
    events = filters.apply(visible_events(request.user)).order_by("-seq")
    result = paginate(request, events)
    rows = [
        {
            "event": e,
            "action_text": describe_action(e.action),
            "source_text": SOURCE_LABELS.get(e.source, e.source),
            "diff": diff_rows(e.object_type, e.before, e.after),
        }
        for e in result.page.object_list
    ]
    return render(
        request,
        "audit/events.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": rows,
            "filters": filters,
            "action_choices": action_choices(),
            "object_types": _distinct("object_type"),
            "verification": latest_verification(),
            "export_query": urlencode(filters.as_params()),
        },
    )


@audit_reader_view
def event_detail(request: AuthedHttpRequest, seq: int) -> HttpResponse:
    event = access_event(request.user, seq)
    unmask = may_see_personal_data(request.user) and request.GET.get("unmask") == "1"
    personal = has_personal_data(event.before, event.after)
    if unmask and personal:
        with transaction.atomic():
            record_personal_data_view(request.user, event, ["before", "after"], object_id=event.seq)
    return render(
        request,
        "audit/event_detail.html",
        {
            "event": event,
            "action_text": describe_action(event.action),
            "source_text": SOURCE_LABELS.get(event.source, event.source),
            "diff": diff_rows(event.object_type, event.before, event.after, unmask=unmask),
            "can_unmask": personal and may_see_personal_data(request.user) and not unmask,
            "previous_seq": event.seq - 1 if event.seq > 1 else None,
            "next_seq": event.seq + 1
            if visible_events(request.user).filter(seq=event.seq + 1).exists()
            else None,
        },
    )


@audit_reader_view
def export_events(request: AuthedHttpRequest) -> HttpResponseBase:
    filters = AuditEventFilter.from_params(request.GET)
    if filters.errors:
        return redirect(f"{reverse('audit:events')}?{request.GET.urlencode()}")
    return export_response(request, "audit")


@require_POST
@audit_reader_view
def verify_start(request: AuthedHttpRequest) -> HttpResponse:
    verification = do_request_chain_verification(acting_user=request.user)
    if getattr(request, "htmx", False):
        verification.refresh_from_db()
        return render(request, "audit/_verification.html", {"verification": verification})
    return redirect("audit:events")


@require_http_methods(["GET"])
@audit_reader_view
def verify_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    verification = access_verification(request.user, pk)
    return render(request, "audit/_verification.html", {"verification": verification})
