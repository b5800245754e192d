"""The page an enterprise rates one service on, from the record's QR code or link (no account
needed, like a window's QR code); the rating is a 好差评 of ratings, linked to the record."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bangban.core.errors import REFUSALS, ApplicationError, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.satisfaction import Satisfaction
from bangban.core.views import page_errors
from bangban.ratings import throttle
from bangban.ratings.actions import SUB_ITEMS, RatingInput

from .. import actions
from ..models import ServiceRecord

LEVELS = [(int(level), level.label) for level in Satisfaction]


def _input(post: Any) -> RatingInput:
    level = post.get("level")
    if not level:
        raise ValidationFailed("请选择评价等级", code="level_required")
    scores = {key: post.get(f"score_{key}") for key in SUB_ITEMS if post.get(f"score_{key}")}
    return RatingInput(
        level=level, scores=scores, comment=post.get("comment", ""), anonymous=bool(post.get("anonymous"))
    )


@page_errors
def rate(request: AuthedHttpRequest, key: str) -> HttpResponse:
    service = ServiceRecord.objects.select_related("site", "officer").filter(rating_key=key[:24]).first()
    if service is None:
        raise NotFound("评价码无效，请核对二维码", code="rating_key_unknown")
    error = None
    done = hasattr(service, "rating_link")
    if request.method == "POST" and not done:
        try:
            throttle.check(request, f"assist:{key[:24]}")
            actions.do_rate_record(
                acting_user=request.user, rating_key=key, data=_input(request.POST), now=timezone.now()
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
        else:
            done = True
    return render(
        request,
        "assist/rate.html",
        {
            "r": service, "done": done, "error": error, "levels": LEVELS, "sub_items": list(SUB_ITEMS.items()),
            "post": request.POST if error else {},
        },
        status=error.status if error else 200,
    )  # fmt: skip
