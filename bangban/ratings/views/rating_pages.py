"""The phone rating pages (case QR, window QR, SMS link, 追评) and the enterprise's PC rating page."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bangban.core.errors import REFUSALS, ApplicationError, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest, safe_next
from bangban.core.satisfaction import Satisfaction
from bangban.core.urls_abs import absolute_url
from bangban.core.views import page_errors
from bangban.tickets.access import access_ticket
from bangban.tickets.public import case_by_id
from bangban.tickets.workflow import Status

from .. import access, actions, throttle
from ..models import RatedSubject, RatingChannel, RectStatus, ServiceItem, Stage, Window

LEVELS = [(int(level), level.label) for level in Satisfaction]


def _rating_input(post: Any) -> actions.RatingInput:
    scores = {key: post.get(f"score_{key}") for key in actions.SUB_ITEMS if post.get(f"score_{key}")}
    level = post.get("level")
    if not level:
        raise ValidationFailed("请选择评价等级", code="level_required")
    return actions.RatingInput(
        level=level, scores=scores, comment=post.get("comment", ""), anonymous=bool(post.get("anonymous"))
    )


def _form_context(**extra: Any) -> dict[str, Any]:
    return {"levels": LEVELS, "sub_items": list(actions.SUB_ITEMS.items()), **extra}


def _subject_context(subject: RatedSubject | None) -> dict[str, Any]:
    if subject is None:
        return {"ratings": [], "rectification": None}
    ratings = list(subject.ratings.select_related("voided_by").order_by("created_at", "id"))
    rect = subject.rectifications.order_by("-created_at").first()
    stages = {r.stage for r in ratings if r.voided_at is None}
    can_followup = Stage.FIRST in stages and Stage.FOLLOW_UP not in stages
    if rect is not None and rect.status in (RectStatus.VERIFY, RectStatus.CLASSIFY, RectStatus.RECTIFYING):
        can_followup = False
    return {"ratings": ratings, "rectification": rect, "can_followup": can_followup, "subject": subject}


# --- phone / PC rating pages -----------------------------------------------------------------------


def case_rating_context(user: Any, ticket: Any) -> dict[str, Any]:
    """The one rating widget of a case (the case page's card and the rating page): its ratings
    (voided ones marked 已作废), its rectification, and — for the case's own enterprise — whether it
    may rate now, with 已解决/未解决 asked while the case is answered (the rating is its follow-up)."""
    subject = RatedSubject.objects.filter(ticket=ticket).first()
    ctx = _subject_context(subject)
    own = access.may_rate_case(user, ticket)
    live = [r for r in ctx["ratings"] if r.voided_at is None]
    can_rate = False
    if own:
        if not live:
            can_rate = ticket.status in actions.RATEABLE_STATUSES
        else:
            can_rate = ctx.get("can_followup", False) or ticket.status == Status.REPLIED
    return {
        **ctx,
        "ticket": ticket,
        "own": own,
        "can_rate": can_rate,
        "ask_resolved": can_rate and ticket.status == Status.REPLIED,
        "rate_legend": "追评（对整改结果或再次答复的评价）" if live else "您对办理结果是否满意",
        "rate_url": reverse("ratings:case_rate", args=[ticket.pk]),
    }


@page_errors
def case_qr_gone(request: HttpRequest, **_kwargs: Any) -> HttpResponse:
    """The removed per-case QR code (its page and its images): 410 with the reason."""
    raise actions.CaseQrRemoved()


@login_required
@page_errors
def case_rate(request: AuthedHttpRequest, ticket_id: int) -> HttpResponse:
    """The case's one rating widget as a page; its form (also on the case page's card) is the
    enterprise's rating: 好差评 and, while the case is answered, its follow-up."""

    ticket = access_ticket(request.user, ticket_id, "view")
    error = None
    if request.method == "POST":
        try:
            actions.do_rate_case(
                acting_user=request.user,
                ticket_id=ticket.pk,
                data=_rating_input(request.POST),
                resolved=request.POST.get("resolved"),
                channel=RatingChannel.PC,
                expected_version=request.POST.get("version"),
            )
            messages.success(request, "评价已提交，感谢您的反馈")
            return redirect(safe_next(request, request.path))
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if exc.status == 404:
                raise
            error = exc
        ticket.refresh_from_db()
    return render(
        request,
        "ratings/rate_case.html",
        _form_context(
            error=error, post=request.POST if error else {}, **case_rating_context(request.user, ticket)
        ),
        status=error.status if error else 200,
    )


@page_errors
def window_qr(request: AuthedHttpRequest, key: str) -> HttpResponse:
    window = Window.objects.select_related("site").filter(public_key=key, is_active=True).first()
    if window is None:
        raise NotFound("窗口不存在或已停用，请核对二维码", code="window_unknown")
    error = None
    if request.method == "POST":
        try:
            throttle.check(request, f"w:{key}")
            rating = actions.rate_window_qr(
                acting_user=request.user,
                public_key=key,
                data=_rating_input(request.POST),
                staff_name=request.POST.get("staff_name", ""),
                service_item=request.POST.get("service_item") or None,
            )
            messages.success(request, "评价已提交，感谢您的反馈")
            return redirect("ratings:subject", token=actions.subject_token(rating.subject_id))
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
    items = ServiceItem.objects.filter(site=window.site, is_active=True)
    return render(
        request,
        "ratings/rate_window.html",
        _form_context(window=window, items=items, error=error, post=request.POST if error else {}),
        status=error.status if error else 200,
    )


@page_errors
def subject_page(request: AuthedHttpRequest, token: str) -> HttpResponse:
    subject_id = actions.read_subject_token(token)
    subject = RatedSubject.objects.select_related("window", "unit").filter(pk=subject_id).first()
    if subject is None:
        raise NotFound()
    error = None
    if request.method == "POST":
        try:
            throttle.check(request, f"s:{subject_id}")
            actions.rate_followup_by_token(
                acting_user=request.user, token=token, data=_rating_input(request.POST)
            )
            messages.success(request, "追评已提交")
            return redirect(request.path)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "ratings/subject.html",
        _form_context(error=error, **_subject_context(subject)),
        status=error.status if error else 200,
    )


@page_errors
def sms_page(request: AuthedHttpRequest, token: str) -> HttpResponse:
    """The page of an SMS link (rating or 回访 of a case, one use). Opened in the session of a
    member of a unit handling the case it is refused (403 `own_unit_case`) and stays unused."""

    claim = actions.read_sms_token(token)
    ticket = case_by_id(claim.ticket_id)
    if ticket is None:
        raise NotFound("短信链接无效", code="link_invalid")
    access.require_not_handling(request.user, ticket)
    error = None
    if request.method == "POST":
        try:
            throttle.check(request, f"c:{claim.ticket_id}")
            data = _rating_input(request.POST)
            actions.answer_sms_link(
                token=token, resolved=request.POST.get("resolved"), data=data, acting_user=request.user
            )
            return render(request, "ratings/sms_done.html", {"ticket": ticket, "purpose": claim.purpose})
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if exc.code in ("link_used", "link_expired", "link_invalid", "own_unit_case"):
                raise
            error = exc
    return render(
        request,
        "ratings/sms.html",
        _form_context(
            ticket=ticket, purpose=claim.purpose, error=error, post=request.POST if error else {},
            ask_resolved=ticket.status == Status.REPLIED and claim.by_id is not None,
        ),
        status=error.status if error else 200,
    )  # fmt: skip


# --- QR images -----------------------------------------------------------------------------------


def _qr_response(url: str, fmt: str, filename: str) -> HttpResponse:
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    if fmt == "png":
        qr.save(buffer, kind="png", scale=10, border=4)
        return HttpResponse(buffer.getvalue(), content_type="image/png")
    if fmt == "pdf":
        qr.save(buffer, kind="pdf", scale=8, border=4)
        response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
    raise NotFound()


@login_required
@page_errors
def window_qr_image(request: HttpRequest, window_id: int, fmt: str) -> HttpResponse:
    window = access.visible_windows(request.user).filter(pk=window_id).first()
    if window is None:
        raise NotFound()
    # A printed code is scanned outside the site: built on the site address, not on this request's host.
    url = absolute_url(reverse("ratings:window_qr", args=[window.public_key]))
    return _qr_response(url, fmt, f"window-{window.site_id}-{window.code}")
