"""Helpers the forum pages share."""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase

from bangban.core.errors import NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.enterprises.access import visible_enterprises
from bangban.org.models import Unit

from ..pages import Field, bind, form_data, form_page


def _units() -> list[tuple[int, str]]:
    return [(u.pk, u.name) for u in Unit.objects.filter(is_active=True).order_by("region__path", "name")]


def _enterprise_options(user: Any) -> list[tuple[int, str]]:
    return [
        (e.pk, e.name)
        for e in visible_enterprises(user).filter(is_active=True).order_by("name").only("id", "name")[:500]
    ]


def _create(
    request: AuthedHttpRequest,
    *,
    allowed: bool,
    title: str,
    fields: list[Field],
    action: Any,
    done: Any,
    back: str,
    narrow: bool = False,
    intro: str = "",
) -> HttpResponseBase:
    if not allowed:
        raise NotFound()
    if request.method == "POST":
        data = form_data(request, fields)
        try:
            obj = action(acting_user=request.user, data=data)
        except ValidationFailed as exc:
            return form_page(
                request,
                title=title,
                fields=bind(fields, data, exc),
                error=exc,
                back=back,
                narrow=narrow,
                intro=intro,
            )
        return done(obj)
    return form_page(request, title=title, fields=fields, back=back, narrow=narrow, intro=intro)
