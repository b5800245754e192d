"""Template helpers of the service network pages."""

from __future__ import annotations

from typing import Any

from django import template

from bangban.network.access import is_officer, is_overseer

register = template.Library()


@register.simple_tag(takes_context=True)
def network_flags(context: Any) -> dict[str, bool]:
    """Which tabs of the network pages the current user has."""
    user = context.get("user")
    return {"officer": is_officer(user), "overseer": is_overseer(user)}
