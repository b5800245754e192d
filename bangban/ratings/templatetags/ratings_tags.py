"""`{% case_rating_panel ticket user %}`: the rating panel on the case page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from ..models import RatedSubject

register = template.Library()


@register.inclusion_tag("ratings/_case_panel.html")
def case_rating_panel(ticket: Any, user: Any) -> dict[str, Any]:
    subject = RatedSubject.objects.filter(ticket=ticket).first()
    ratings = list(subject.ratings.order_by("created_at")) if subject else []
    rect = subject.rectifications.order_by("-created_at").first() if subject else None
    return {
        "ticket": ticket,
        "ratings": ratings,
        "rect": rect,
        "url": reverse("ratings:case_rate", args=[ticket.pk]),
        "rateable": ticket.status in ("replied", "closed"),
    }
