"""Pages of the 作风之星 selection rounds (R15.1): the rounds and published lists (every member of
staff), a round with its nominees and their figures (作风办, 营商办; a unit its own nominees), the
nomination form (单位负责人), close / decide / publish (作风办), the round's .xlsx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bangban.accounts.models import User
from bangban.accounts.roles import STAFF_ROLES
from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.xlsx import xlsx_response

from .. import access, actions, stars
from ..models import StarDecision, StarNomination, StarPeriod, StarRoundStatus
from ._common import page


def _fields(exc: ApplicationError) -> dict[str, str]:
    fields = (exc.details or {}).get("fields") if isinstance(exc.details, dict) else None
    return dict(fields) if fields else {"form": exc.message}


@page
@require_http_methods(["GET", "POST"])
def star_rounds(request: AuthedHttpRequest) -> HttpResponseBase:
    if not access.can_see_stars(request.user):
        raise NotFound()
    errors: dict[str, str] = {}
    posted: dict[str, Any] = {}
    if request.method == "POST":
        posted = request.POST.dict()
        try:
            created = actions.do_open_star_round(
                request.user,
                year=request.POST.get("year"),
                period=request.POST.get("period", ""),
                number=request.POST.get("number"),
                now=timezone.now(),
            )
            messages.success(request, f"已发起{created.title}")
            return redirect("supervision:star_round", created.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors = _fields(exc)
    qs = access.visible_rounds(request.user)
    if request.GET.get("status") in StarRoundStatus.values:
        qs = qs.filter(status=request.GET["status"])
    result = paginate(request, qs)
    published = [r for r in result.items if r.status == StarRoundStatus.PUBLISHED]
    winners: dict[int, list[Any]] = {r.pk: [] for r in published}
    for n in StarNomination.objects.filter(
        round__in=published, decision=StarDecision.SELECTED
    ).select_related("unit"):
        winners[n.round_id].append(n)
    return render(
        request,
        "supervision/stars.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": [(r, winners.get(r.pk, [])) for r in result.items],
            "statuses": StarRoundStatus.choices,
            "status": request.GET.get("status", ""),
            "periods": StarPeriod.choices,
            "can_run": access.can_run_stars(request.user),
            "errors": errors,
            "posted": posted,
            "this_year": timezone.localdate().year,
            "show_nav": access.can_view(request.user),
        },
    )


def _nominees(user: Any, star_round: Any) -> list[Any]:
    """People a user may nominate: the staff of their unit (作风办: of every unit)."""
    qs = User.objects.filter(is_active=True, unit__isnull=False, roles__code__in=STAFF_ROLES).select_related(
        "unit"
    )
    if not access.can_run_stars(user):
        qs = qs.filter(unit_id=user.unit_id)
    taken = star_round.nominations.values("person_id")
    return list(qs.exclude(pk__in=taken).distinct().order_by("unit__name", "full_name")[:500])


@page
@require_http_methods(["GET", "POST"])
def star_round(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    found = access.access_round(request.user, pk)
    errors: dict[str, str] = {}
    posted: dict[str, Any] = {}
    if request.method == "POST":
        posted = request.POST.dict()
        try:
            actions.do_nominate_star(
                request.user,
                found.pk,
                person_id=request.POST.get("person"),
                reason=request.POST.get("reason", ""),
                now=timezone.now(),
            )
            messages.success(request, "已推荐")
            return redirect("supervision:star_round", found.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors = _fields(exc)
    nominations = list(access.visible_nominations(request.user, found))
    figs = stars.nominee_figures(found, nominations)
    if request.GET.get("export") == "xlsx":
        rows = [
            [
                n.unit.name, n.person_name, n.reason, stars.unit_summary(figs[n.pk]["unit_months"]),
                figs[n.pk]["person"].get("total", 0), figs[n.pk]["person"].get("closed", 0),
                figs[n.pk]["person"].get("closed_on_time", 0), figs[n.pk]["person"].get("overdue_count", 0),
                stars.pct(figs[n.pk]["person"].get("on_time_rate")),
                "；".join(f"{r['kind']}（{r['month']}，{r['status']}）" for r in figs[n.pk]["open_records"]) or "无",
                n.get_decision_display(), n.decision_reason,
            ]
            for n in nominations
        ]  # fmt: skip
        return xlsx_response(
            f"{found.title}.xlsx",
            [
                "推荐单位",
                "被推荐人",
                "推荐理由",
                "单位月度排名",
                "本人办理诉求",
                "办结",
                "按期办结",
                "曾超期",
                "按期办结率",
                "未办结问责",
                "评审结果",
                "评审意见",
            ],
            rows,
            "作风之星",
        )
    is_open = found.status == StarRoundStatus.NOMINATING
    can_nominate = is_open and access.can_nominate(request.user)
    return render(
        request,
        "supervision/star_round.html",
        {
            "round": found,
            "rows": [(n, figs[n.pk]) for n in nominations],
            "months": [
                f"{y}-{m:02d}" for y, m in stars.period_months(found.year, found.period, found.number)
            ],
            "criteria": stars.CRITERIA,
            "can_run": access.can_run_stars(request.user),
            "can_nominate": can_nominate,
            "nominees": _nominees(request.user, found) if can_nominate else [],
            "errors": errors,
            "posted": posted,
            "Status": StarRoundStatus,
            "Decision": StarDecision,
            "show_nav": access.can_view(request.user),
        },
    )


@page
@require_POST
def star_round_action(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponseBase:
    found = access.access_round(request.user, pk)
    do = {"close": actions.do_close_star_round, "publish": actions.do_publish_star_round}.get(action)
    if do is None:
        raise NotFound()
    try:
        do(request.user, found.pk, version=request.POST.get("version"), now=timezone.now())
        messages.success(request, "已截止推荐，进入评审" if action == "close" else "已公布作风之星名单")
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:star_round", found.pk)


@page
@require_POST
def star_decide(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    nomination = StarNomination.objects.filter(pk=pk).select_related("round").first()
    if (
        nomination is None
        or not access.visible_nominations(request.user, nomination.round).filter(pk=pk).exists()
    ):
        raise NotFound()
    try:
        actions.do_decide_nomination(
            request.user,
            pk,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            version=request.POST.get("version"),
            now=timezone.now(),
        )
        messages.success(request, f"已评审：{nomination.person_name}")
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, f"{nomination.person_name}：{exc.message}")
    return redirect("supervision:star_round", nomination.round_id)
