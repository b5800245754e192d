"""`{% case_rating_panel ticket user %}`: the case's one rating widget on the case page."""

from __future__ import annotations

from typing import Any

from django import template

from ..actions import RATEABLE_STATUSES, SUB_ITEMS
from ..views import LEVELS, case_rating_context

register = template.Library()


@register.inclusion_tag("ratings/_case_panel.html", takes_context=True)
def case_rating_panel(context: Any, ticket: Any, user: Any) -> dict[str, Any]:

    request = context.get("request")
    return {
        **case_rating_context(user, ticket),
        "levels": LEVELS,
        "sub_items": list(SUB_ITEMS.items()),
        "post": {},
        "csrf_token": context.get("csrf_token"),
        "request": request,
        "next": request.get_full_path() if request is not None else "",
        "pending_statuses": ("verify", "classify", "rectifying"),
        "rateable_statuses": tuple(RATEABLE_STATUSES),
    }
