"""`{% escalation_panel ticket %}`: the escalation panel of the case page."""

from __future__ import annotations

from typing import Any

from django import template

from bangban.escalation.queries import case_panel

register = template.Library()


@register.inclusion_tag("escalation/_case_panel_body.html", takes_context=True)
def escalation_panel(context: Any, ticket: Any) -> dict[str, Any]:

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or ticket is None:
        return {"show": False}
    data = case_panel(user, ticket)
    data["csrf_token"] = context.get("csrf_token")
    data["request"] = request
    return data
