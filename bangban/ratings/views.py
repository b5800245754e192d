"""Pages of ratings: the phone rating pages (case QR, window QR, SMS link, 追评), the enterprise's
PC rating page, windows/devices, the 差评整改 queue, 回访, 回头看 and the monthly figures.

Reads are scoped by `access`; writes go through `actions` / `recheck`. An ApplicationError from an
action is shown next to the form that caused it and nothing is saved.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.core.errors import REFUSALS, ApplicationError, NotFound, ValidationFailed
from bangban.core.http import safe_next
from bangban.core.pagination import paginate
from bangban.core.satisfaction import Satisfaction
from bangban.core.urls_abs import absolute_url
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.org.models import Unit
from bangban.tickets.workflow import Status

from . import access, actions, recheck, throttle
from .figures import FIGURE_LABELS, monthly_bad_ratings, unit_month_figures
from .models import (
    CallOutcome,
    RatedSubject,
    RatingChannel,
    RatingDevice,
    RecheckDraw,
    RecheckItem,
    RecheckOutcome,
    RectCategory,
    RectStatus,
    ServiceItem,
    Stage,
    Window,
)

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
def case_rate(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The case's one rating widget as a page; its form (also on the case page's card) is the
    enterprise's rating: 好差评 and, while the case is answered, its follow-up."""
    from bangban.tickets.access import access_ticket

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
def window_qr(request: HttpRequest, key: str) -> HttpResponse:
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
def subject_page(request: HttpRequest, token: str) -> HttpResponse:
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
def sms_page(request: HttpRequest, token: str) -> HttpResponse:
    """The page of an SMS link (rating or 回访 of a case, one use). Opened in the session of a
    member of a unit handling the case it is refused (403 `own_unit_case`) and stays unused."""
    from bangban.tickets.public import case_by_id

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


# --- lists -----------------------------------------------------------------------------------------


def _month(request: HttpRequest) -> tuple[int, int]:
    text = request.GET.get("month") or ""
    if text:
        try:
            year, month = (int(x) for x in text.split("-", 1))
            recheck.month_bounds(year, month)
            return year, month
        except (ValueError, ApplicationError):
            raise ValidationFailed("月份格式应为 YYYY-MM", code="month_invalid") from None
    local = timezone.localtime()
    return local.year, local.month


@login_required
@page_errors
def index(request: HttpRequest) -> HttpResponse:
    qs = access.visible_ratings(request.user).select_related(
        "unit", "subject", "subject__ticket", "subject__window"
    )
    level = request.GET.get("level") or ""
    channel = request.GET.get("channel") or ""
    if level.isdigit():
        qs = qs.filter(level=int(level))
    if channel in RatingChannel.values:
        qs = qs.filter(channel=channel)
    if request.GET.get("bad"):
        qs = qs.filter(level__gte=4)
    result = paginate(request, qs)
    return render(
        request,
        "ratings/index.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "levels": LEVELS,
            "channels": RatingChannel.choices,
            "level": level,
            "channel": channel,
            "links": _links(request.user),
        },
    )


def _links(user: Any) -> list[tuple[str, str]]:
    links = [("评价记录", "ratings:index"), ("差评整改", "ratings:rect_queue")]
    if has_any_role(user, access.FOLLOW_UP_ROLES):
        links.append(("回访", "ratings:follow_ups"))
    if has_any_role(user, access.RECHECK_ROLES):
        links.append(("回头看", "ratings:rechecks"))
    if has_any_role(user, access.FIGURE_ROLES):
        links.append(("月度统计", "ratings:figures"))
    if has_any_role(user, access.VOID_ROLES):
        links.append(("评价核查", "ratings:audit"))
    links.append(("窗口与评价器", "ratings:windows"))
    return [(label, reverse(name)) for label, name in links]


@login_required
@page_errors
def rect_queue(request: HttpRequest) -> HttpResponse:
    qs = access.visible_rectifications(request.user).select_related("unit", "rating", "subject__ticket")
    status = request.GET.get("status") or ""
    if status in RectStatus.values:
        qs = qs.filter(status=status)
    elif not request.GET.get("all"):
        qs = qs.exclude(status__in=[RectStatus.CLOSED, RectStatus.DISMISSED, RectStatus.VOIDED])
    result = paginate(request, qs)
    return render(
        request,
        "ratings/rect_queue.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "statuses": RectStatus.choices,
            "status": status,
            "now": timezone.now(),
            "links": _links(request.user),
        },
    )


@login_required
@page_errors
def rect_detail(request: HttpRequest, rect_id: int) -> HttpResponse:
    rect = access.access_rectification(request.user, rect_id)
    error = None
    if request.method == "POST":
        post = request.POST
        op = post.get("op")
        try:
            common: dict[str, Any] = {"acting_user": request.user, "rect_id": rect.pk}
            if op == "verify":
                actions.do_verify(
                    **common, verification=post.get("verification", ""), expected_version=post.get("version")
                )
            elif op == "classify":
                actions.do_classify(
                    **common, category=post.get("category", ""), note=post.get("note", ""),
                    workdays=post.get("workdays"), expected_version=post.get("version"),
                )  # fmt: skip
            elif op == "rectify":
                actions.do_rectify(
                    **common, measures=post.get("measures", ""), feedback=post.get("feedback", ""),
                    expected_version=post.get("version"),
                )  # fmt: skip
            elif op == "link":
                actions.do_add_link(
                    **common,
                    unit_id=post.get("unit"),
                    note=post.get("note", ""),
                    ticket_id=post.get("ticket") or None,
                )
            else:
                raise ValidationFailed("未知操作", code="op_invalid")
            messages.success(request, "已保存")
            return redirect("ratings:rect_detail", rect_id=rect.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
            rect = access.access_rectification(request.user, rect_id)
    user: Any = request.user
    is_member = has_any_role(user, {"admin"}) or (
        user.unit_id == rect.unit_id and has_any_role(user, access.UNIT_ROLES)
    )
    return render(
        request,
        "ratings/rect_detail.html",
        {
            "r": rect,
            "rating": rect.rating,
            "subject": rect.subject,
            "ratings": rect.subject.ratings.order_by("created_at"),
            "links_done": rect.links.select_related("unit", "ticket"),
            "error": error,
            "is_member": is_member,
            "is_manager": access.is_manager(user),
            "categories": RectCategory.choices,
            "units": Unit.objects.filter(is_active=True).order_by("name")[:500],
            "default_days": actions.get_settings().rectification_workdays,
            "links": _links(user),
        },
        status=error.status if error else 200,
    )


@login_required
@page_errors
def follow_ups(request: HttpRequest) -> HttpResponse:
    from bangban.tickets.access import visible_tickets

    if not has_any_role(request.user, access.FOLLOW_UP_ROLES):
        raise NotFound()
    qs = (
        visible_tickets(request.user)
        .filter(status=Status.REPLIED)
        .select_related("lead_unit")
        .order_by("replied_at", "id")
    )
    result = paginate(request, qs)
    return render(
        request,
        "ratings/follow_ups.html",
        {"page": result.page, "qs": result.querystring_without_page, "links": _links(request.user)},
    )


@login_required
@page_errors
def follow_up_case(request: HttpRequest, ticket_id: int) -> HttpResponse:
    from bangban.tickets.access import access_ticket

    if not has_any_role(request.user, access.FOLLOW_UP_ROLES):
        raise NotFound()
    ticket = access_ticket(request.user, ticket_id, "view")
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("op") == "sms":
                # The link is the contact's credential: it is texted, never shown here.
                actions.do_send_sms_link(acting_user=request.user, ticket_id=ticket.pk, purpose="followup")
                messages.success(request, "回访短信已发送至诉求联系电话")
                return redirect("ratings:follow_up_case", ticket_id=ticket.pk)
            else:
                call = actions.do_record_call(
                    acting_user=request.user,
                    ticket_id=ticket.pk,
                    outcome=request.POST.get("outcome", ""),
                    resolved=request.POST.get("resolved"),
                    satisfaction=request.POST.get("satisfaction"),
                    comment=request.POST.get("comment", ""),
                )
                note = (
                    "，已重办"
                    if call.reopened
                    else ("，重办已达上限，已标记督办" if call.escalation_flagged else "")
                )
                messages.success(request, f"回访已登记{note}")
                return redirect("ratings:follow_up_case", ticket_id=ticket.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
        ticket.refresh_from_db()
    return render(
        request,
        "ratings/follow_up_case.html",
        {
            "ticket": ticket,
            "calls": ticket.follow_up_calls.select_related("by"),  # type: ignore[attr-defined]
            "outcomes": CallOutcome.choices,
            "levels": LEVELS,
            "error": error,
            "links": _links(request.user),
        },
        status=error.status if error else 200,
    )


@login_required
@page_errors
def rechecks(request: HttpRequest) -> HttpResponse:
    if not has_any_role(request.user, access.RECHECK_ROLES | {"auditor"}):
        raise NotFound()
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            year, month = (int(x) for x in (request.POST.get("month") or "").split("-", 1))
        except ValueError:
            error = ValidationFailed("月份格式应为 YYYY-MM", code="month_invalid")
        else:
            try:
                draw = recheck.do_draw(acting_user=request.user, year=year, month=month)
                messages.success(request, f"已抽取 {len(draw.sample_ids)} 件")
                return redirect("ratings:recheck_detail", draw_id=draw.pk)
            except REFUSALS:
                raise
            except ApplicationError as exc:
                error = exc
    y, m = recheck.previous_month(timezone.now())
    return render(
        request,
        "ratings/rechecks.html",
        {"draws": RecheckDraw.objects.all()[:60], "error": error, "default_month": f"{y}-{m:02d}",
         "links": _links(request.user)},
        status=error.status if error else 200,
    )  # fmt: skip


@login_required
@page_errors
def recheck_detail(request: HttpRequest, draw_id: int) -> HttpResponse:
    if not has_any_role(request.user, access.RECHECK_ROLES | {"auditor"}):
        raise NotFound()
    draw = RecheckDraw.objects.filter(pk=draw_id).first()
    if draw is None:
        raise NotFound()
    error = None
    check = None
    if request.method == "POST":
        if request.POST.get("op") == "rederive":
            check = recheck.rederive(draw)
        else:
            try:
                recheck.do_record_outcome(
                    acting_user=request.user,
                    draw_id=draw.pk,
                    ticket_id=request.POST.get("ticket"),
                    outcome=request.POST.get("outcome", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "复核结果已登记")
                return redirect(request.get_full_path())
            except REFUSALS:
                raise
            except ApplicationError as exc:
                error = exc
    from django.core.paginator import Paginator

    from bangban.tickets.public import cases_by_id

    page = Paginator(draw.sample_ids, 50).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    tickets = cases_by_id(ids)
    first = page.start_index() - 1 if ids else 0
    unit_ids: list[int | None] = list(draw.sample_units[first : first + len(ids)])
    unit_ids += [None] * (len(ids) - len(unit_ids))
    names = dict(Unit.objects.filter(pk__in=[u for u in unit_ids if u]).values_list("pk", "name"))
    done = {i.ticket_id: i for i in RecheckItem.objects.filter(draw=draw, ticket_id__in=ids)}
    rows = [
        {"ticket": tickets.get(i), "ticket_id": i, "unit": names.get(u) if u else None, "item": done.get(i)}
        for i, u in zip(ids, unit_ids, strict=True)
    ]
    checked = RecheckItem.objects.filter(draw=draw).count()
    return render(
        request,
        "ratings/recheck_detail.html",
        {
            "draw": draw,
            "page": page,
            "rows": rows,
            "qs": "",
            "checked": checked,
            "error": error,
            "check": check,
            "outcomes": [c for c in RecheckOutcome.choices if c[0] != "pending"],
            "links": _links(request.user),
        },
        status=error.status if error else 200,
    )


def _figure_rows(year: int, month: int) -> list[dict[str, Any]]:
    figures = unit_month_figures(year, month)
    names = dict(Unit.objects.filter(pk__in=figures).values_list("pk", "name"))
    rows = [{"unit_id": uid, "unit": names.get(uid, str(uid)), **f} for uid, f in figures.items()]
    return sorted(rows, key=lambda r: r["unit"])


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


@login_required
@page_errors
def figures(request: HttpRequest) -> HttpResponseBase:
    if not has_any_role(request.user, access.FIGURE_ROLES):
        raise NotFound()
    year, month = _month(request)
    rows = _figure_rows(year, month)
    condition = access.unit_condition(request.user)
    bad = monthly_bad_ratings(year, month)
    if condition is not None:
        bad = bad.filter(condition)
        allowed = set(
            Unit.objects.filter(access.unit_condition(request.user, field="self") or Q()).values_list(
                "pk", flat=True
            )
        )
        rows = [r for r in rows if r["unit_id"] in allowed]
    if request.GET.get("format") == "xlsx":
        headers = ["单位", "答复件数", "已回访", *FIGURE_LABELS.values(), "评价数", "满意", "差评", "主动评价",
                   "整改件数", "已整改", "回头看件数", "办结不实"]  # fmt: skip
        data = [
            [r["unit"], r["answered"], r["followed_up"], *(_pct(r[k]) for k in FIGURE_LABELS), r["ratings"],
             r["satisfied"], r["bad"], r["proactive"], r["rectifications"], r["rectified"], r["rechecked"],
             r["not_solved"]]
            for r in rows
        ]  # fmt: skip
        bad_rows = [
            [timezone.localtime(b.created_at).strftime("%Y-%m-%d %H:%M"), b.unit.name, b.get_level_display(),
             b.get_stage_display(), b.get_channel_display(), str(b.subject), b.comment,
             getattr(getattr(b, "rectification", None), "number", "")]
            for b in bad
        ]  # fmt: skip
        return xlsx_response(
            f"好差评月度统计-{year}-{month:02d}.xlsx",
            headers,
            data,
            "月度统计",
            extra_sheets=[
                (
                    "差评清单",
                    ["时间", "单位", "等级", "类别", "渠道", "评价对象", "内容", "整改编号"],
                    bad_rows,
                )
            ],
        )
    return render(
        request,
        "ratings/figures.html",
        {"rows": rows, "bad": bad[:200], "month": f"{year}-{month:02d}", "labels": FIGURE_LABELS,
         "links": _links(request.user)},
    )  # fmt: skip


# --- 评价核查: ratings given in breach of the rules, and voiding them ------------------------------------


@login_required
@page_errors
def audit(request: HttpRequest) -> HttpResponse:
    """评价核查 (营商办): case ratings given through the removed case QR code or by a member of a unit
    handling the case; 「作废」 with a reason voids one (version-checked, audited)."""
    from .queries import REASONS, suspicious_case_ratings

    if not has_any_role(request.user, access.VOID_ROLES):
        raise NotFound()
    error = None
    if request.method == "POST":
        try:
            rating = actions.do_void_rating(
                acting_user=request.user,
                rating_id=request.POST.get("rating"),
                reason=request.POST.get("reason", ""),
                expected_version=request.POST.get("version"),
            )
            messages.success(request, f"评价 #{rating.pk} 已作废")
            return redirect(request.get_full_path())
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
    reason = request.GET.get("reason") or ""
    state = request.GET.get("state") or "open"
    unit = request.GET.get("unit") or ""
    qs = suspicious_case_ratings(
        reason=reason if reason in REASONS else "",
        state=state if state in ("open", "voided", "all") else "open",
        unit_id=unit if unit.isdigit() else None,
    )
    result = paginate(request, qs)
    return render(
        request,
        "ratings/audit.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "reasons": REASONS,
            "reason": reason,
            "state": state,
            "unit": unit,
            "units": Unit.objects.filter(
                pk__in=RatedSubject.objects.filter(kind="case").values("unit_id")
            ).order_by("name"),
            "error": error,
            "failed_rating": request.POST.get("rating") if error else "",
            "links": _links(request.user),
        },
        status=error.status if error else 200,
    )


# --- windows, devices, settings --------------------------------------------------------------------


@login_required
@page_errors
def windows(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    error = None
    raw_key = None
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "window":
                actions.do_create_window(
                    acting_user=user, site_id=request.POST.get("site"), code=request.POST.get("code", ""),
                    name=request.POST.get("name", ""),
                )  # fmt: skip
                messages.success(request, "窗口已登记")
            elif op == "toggle":
                actions.do_set_window_active(
                    acting_user=user, window_id=int(request.POST.get("window") or 0),
                    active=request.POST.get("active") == "1",
                )  # fmt: skip
                messages.success(request, "已保存")
            elif op == "item":
                actions.do_create_service_item(
                    acting_user=user, site_id=request.POST.get("site"), code=request.POST.get("code", ""),
                    name=request.POST.get("name", ""),
                )  # fmt: skip
                messages.success(request, "服务事项已登记")
            elif op == "device":
                _device, raw_key = actions.do_create_device(
                    acting_user=user, site_id=request.POST.get("site"), name=request.POST.get("name", ""),
                    window_id=request.POST.get("window") or None, reversed_codes=bool(request.POST.get("reversed")),
                )  # fmt: skip
            elif op == "revoke":
                actions.do_revoke_device(acting_user=user, device_id=int(request.POST.get("device") or 0))
                messages.success(request, "密钥已吊销")
            elif op == "settings":
                actions.do_update_settings(acting_user=user, values=request.POST.dict())
                messages.success(request, "参数已保存")
            else:
                raise ValidationFailed("未知操作", code="op_invalid")
            if raw_key is None:
                return redirect("ratings:windows")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
    site_q = access.manageable_sites(user)
    sites = Unit.objects.filter(type="service_site", is_active=True)
    devices = RatingDevice.objects.select_related("site", "window")
    if site_q is not None:
        sites = (
            sites.filter(pk=user.unit_id)
            if user.unit_id and has_any_role(user, {"unit_head"})
            else sites.none()
        )
        devices = devices.filter(site_q)
    return render(
        request,
        "ratings/windows.html",
        {
            "windows": access.visible_windows(user).order_by("site__name", "code"),
            "sites": sites.order_by("name"),
            "devices": devices if (site_q is None or sites.exists()) else devices.none(),
            "error": error,
            "raw_key": raw_key,
            "settings": actions.get_settings(),
            "is_manager": access.is_manager(user),
            "links": _links(user),
        },
        status=error.status if error else 200,
    )
