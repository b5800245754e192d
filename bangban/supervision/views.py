"""Pages of supervision (/supervision/…): rankings with drill-down and export, settings, notices,
ledgers, accountability, dashboards and the monthly analysis meeting pack."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import error_response
from bangban.core.xlsx import xlsx_response

from . import access, actions, dashboard, definitions, figures, ledgers, meeting, sources
from .models import (
    AccountabilityKind,
    AccountabilityStatus,
    Ledger,
    LedgerStatus,
    Notice,
    NoticeKind,
    NoticeStatus,
    Ranking,
    RankingStatus,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed in, within supervision (404 otherwise), errors as the standard error page."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            return error_response(request, exc)

    return wrapper


def docx_response(filename: str, data: bytes) -> FileResponse:
    response = FileResponse(io.BytesIO(data), content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _last_month() -> tuple[int, int]:
    today = timezone.localdate()
    return figures.previous_month(today.year, today.month)


# --- rankings ---------------------------------------------------------------------------------


@page
@require_GET
def index(request: AuthedHttpRequest) -> HttpResponse:
    if access.can_view(request.user):
        return redirect("supervision:rankings")
    return redirect("supervision:ledgers")


@page
@require_http_methods(["GET", "POST"])
def rankings(request: AuthedHttpRequest) -> HttpResponseBase:
    access.require_viewer(request.user)
    error = None
    if request.method == "POST":
        try:
            y, m = dashboard.parse_month(request.POST.get("month"))
            actions.do_compute_ranking(request.user, y, m)
            messages.success(request, f"已计算 {y}年{m}月排名")
            return redirect("supervision:ranking", year=y, month=m)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc.message
    ly, lm = _last_month()
    return render(
        request,
        "supervision/rankings.html",
        {
            "rankings": Ranking.objects.all()[:36],
            "last_month": f"{ly}-{lm:02d}",
            "last_year": ly,
            "last_month_number": lm,
            "can_manage": access.can_manage(request.user),
            "error": error,
            "settings": actions.current_settings(),
        },
    )


def _ranking_context(request: AuthedHttpRequest, year: int, month: int) -> dict[str, Any]:
    ctx = actions.ranking_view(request.user, year, month, request.GET.get("scope"))
    for r in ctx["rows"]:
        r["shown"] = {k: _pct(r[k]) for k in figures.RATE_FIELDS}
    ranking = ctx["ranking"]
    return {
        **ctx,
        "scopes": definitions.SCOPES,
        "ratings_available": bool(ctx["sources"].get("ratings")),
        "no_source": sources.NO_SOURCE,
        "frozen": ranking is not None and ranking.status == RankingStatus.FROZEN,
        "can_manage": access.can_manage(request.user),
    }


@page
@require_GET
def ranking(request: AuthedHttpRequest, year: int, month: int) -> HttpResponseBase:
    access.require_viewer(request.user)
    ctx = _ranking_context(request, year, month)
    if request.GET.get("export") == "xlsx":
        headers = [
            "名次", "单位", "诉求数", "派单数", "及时签收", "响应率", "办结数", "按期办结", "按期办结率",
            "回访数", "已解决", "解决率", "评价数", "满意数", "满意率", "差评数", "差评整改率",
            "重复反映", "超期数", "综合得分", "末位",
        ]  # fmt: skip
        data = [
            [
                r["rank"] or "不参与排名", r["unit_name"], r["total"], r["dispatched"], r["responded"],
                r["response_rate"], r["closed"], r["closed_on_time"], r["on_time_rate"], r["follow_ups"],
                r["resolved"], r["resolution_rate"], r["rated"], r["satisfied"], r["satisfaction_rate"],
                r["bad"], r["rectification_rate"], r["repeat_count"], r["overdue_count"], r["score"],
                "是" if r["is_bottom"] else "",
            ]
            for r in ctx["rows"]
        ]  # fmt: skip
        data += [[], ["统计口径"], *[[line] for line in ctx["rules"]]]
        name = f"{year}年{month}月单位排名（{ctx['scope_label']}）.xlsx"
        return xlsx_response(name, headers, data, "排名")
    return render(request, "supervision/ranking.html", ctx)


@page
@require_POST
def ranking_compute(request: AuthedHttpRequest, year: int, month: int) -> HttpResponseBase:
    weights = None
    if request.POST.get("weight_response") is not None:
        weights = (
            request.POST.get("weight_response"),
            request.POST.get("weight_resolution"),
            request.POST.get("weight_satisfaction"),
        )
    try:
        actions.do_compute_ranking(
            request.user,
            year,
            month,
            weights=weights,
            min_cases=request.POST.get("min_cases"),
            version=request.POST.get("version"),
        )
        messages.success(request, "排名已重新计算")
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:ranking", year=year, month=month)


@page
@require_POST
def ranking_freeze(request: AuthedHttpRequest, year: int, month: int) -> HttpResponseBase:
    try:
        actions.do_freeze_ranking(request.user, year, month, version=request.POST.get("version"))
        messages.success(request, "排名已冻结为快照")
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:ranking", year=year, month=month)


@page
@require_GET
def drill(request: AuthedHttpRequest, year: int, month: int, unit_id: int, figure: str) -> HttpResponseBase:
    from bangban.org.models import Unit

    access.require_viewer(request.user)
    unit = Unit.objects.select_related("region").filter(pk=unit_id).first()
    if unit is None:
        raise NotFound()
    access.check_unit(request.user, unit)
    scope = figures.check_scope(request.GET.get("scope"))
    qs, snapshot = actions.drill_queryset(year, month, unit.pk, figure, scope)
    qs = access.openable_cases(request.user, qs)
    label = figures.DRILLS[figure].label
    if request.GET.get("export") == "xlsx":
        return _cases_xlsx(f"{unit.name}{year}年{month}月{label}.xlsx", qs)
    result = paginate(request, qs)
    return render(
        request,
        "supervision/cases.html",
        {
            "title": f"{unit.name} · {year}年{month}月 · {label}"
            + ("" if scope == definitions.DEFAULT_SCOPE else f"（{definitions.scope(scope).label}）"),
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "back": reverse("supervision:ranking", args=[year, month]),
            "drills": figures.DRILLS,
            "drill_base": (year, month, unit.pk),
            "figure": figure,
            "scope": scope,
            "snapshot": snapshot,
        },
    )


def _cases_xlsx(filename: str, qs: Any) -> FileResponse:
    from django.utils import timezone as tz

    def fmt(v: Any) -> str:
        return tz.localtime(v).strftime("%Y-%m-%d %H:%M") if v else ""

    headers = [
        "诉求编号",
        "标题",
        "来源渠道",
        "主办单位",
        "状态",
        "受理时间",
        "派单时间",
        "签收时间",
        "办理期限",
        "办结时间",
        "重复反映",
    ]
    rows = (
        [
            t.number, t.title, t.get_channel_display(), t.lead_unit.name if t.lead_unit else "", t.get_status_display(),
            fmt(t.received_at), fmt(t.dispatched_at), fmt(t.accepted_at), fmt(t.due_at), fmt(t.closed_at),
            "是" if t.is_repeat else "",
        ]
        for t in qs.iterator(chunk_size=1000)
    )  # fmt: skip
    return xlsx_response(filename, headers, rows, "诉求")


@page
@require_http_methods(["GET", "POST"])
def settings_page(request: AuthedHttpRequest) -> HttpResponseBase:
    access.require_viewer(request.user)
    errors: dict[str, str] = {}
    cfg = actions.current_settings()
    if request.method == "POST":
        try:
            actions.do_update_settings(
                request.user,
                **{k: request.POST.get(k) for k in SETTINGS_FIELDS},
                ledger_all_units="ledger_all_units" in request.POST,
            )
            messages.success(request, "设置已保存")
            return redirect("supervision:settings")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors["form"] = exc.message
            for key in SETTINGS_FIELDS:
                setattr(cfg, key, request.POST.get(key))
    return render(
        request,
        "supervision/settings.html",
        {"cfg": cfg, "errors": errors, "can_manage": access.can_manage(request.user)},
    )


SETTINGS_FIELDS = (
    "weight_response",
    "weight_resolution",
    "weight_satisfaction",
    "min_cases",
    "response_hours",
    "ledger_due_day",
    "bottom_places",
    "bottom_months",
)


# --- notices ----------------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def notices(request: AuthedHttpRequest) -> HttpResponseBase:
    access.require_viewer(request.user)
    error = None
    if request.method == "POST":
        try:
            y, m = dashboard.parse_month(request.POST.get("month"))
            notice = actions.do_create_notice(request.user, request.POST.get("kind", ""), y, m)
            messages.success(request, "通报草稿已生成")
            return redirect("supervision:notice", pk=notice.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc.message
    qs = access.visible_notices(request.user)
    result = paginate(request, qs)
    ly, lm = _last_month()
    return render(
        request,
        "supervision/notices.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "kinds": NoticeKind.choices,
            "last_month": f"{ly}-{lm:02d}",
            "can_manage": access.can_manage(request.user),
            "error": error,
        },
    )


@page
@require_GET
def notice(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    obj = access.access_notice(request.user, pk)
    return render(
        request,
        "supervision/notice.html",
        {"notice": obj, "can_manage": access.can_manage(request.user), "Status": NoticeStatus},
    )


@page
@require_POST
def notice_action(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponseBase:
    access.access_notice(request.user, pk)
    try:
        if action == "edit":
            actions.do_edit_notice(
                request.user,
                pk,
                title=request.POST.get("title"),
                requirements=request.POST.get("requirements"),
                version=request.POST.get("version"),
            )
            messages.success(request, "通报草稿已修改")
        elif action == "review":
            actions.do_review_notice(request.user, pk, version=request.POST.get("version"))
            messages.success(request, "通报已审核")
        elif action == "issue":
            issued = actions.do_issue_notice(request.user, pk, version=request.POST.get("version"))
            messages.success(request, f"通报已印发：{issued.doc_number}")
        else:
            raise NotFound()
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:notice", pk=pk)


@page
@require_GET
def notice_download(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    obj: Notice = access.access_notice(request.user, pk)
    if obj.status == NoticeStatus.ISSUED and obj.file:
        with obj.file.open("rb") as fh:
            data = fh.read()
        return docx_response(f"{obj.doc_number}{obj.title}.docx", data)
    return docx_response(f"（草稿）{obj.title}.docx", actions.render_notice(obj))


# --- ledgers ----------------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def ledger_list(request: AuthedHttpRequest) -> HttpResponseBase:
    if request.method == "POST":
        try:
            y, m = dashboard.parse_month(request.POST.get("month"))
            created = actions.do_generate_ledgers(request.user, y, m)
            messages.success(request, f"已生成 {len(created)} 份台账")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("supervision:ledgers")
    qs = access.visible_ledgers(request.user)
    if not qs.exists() and not access.can_view(request.user) and not (request.user.unit_id):
        raise NotFound()
    today = timezone.localdate()
    state = request.GET.get("state", "")
    if state == "late":
        qs = qs.filter(late=True) | qs.filter(status=LedgerStatus.PENDING, due_date__lt=today)
    elif state == "pending":
        qs = qs.filter(status=LedgerStatus.PENDING)
    elif state == "submitted":
        qs = qs.filter(status=LedgerStatus.SUBMITTED)
    if request.GET.get("export") == "xlsx":
        rows = [
            [
                f"{x.year}-{x.month:02d}", x.unit.name, x.due_date.isoformat(), x.get_status_display(),
                timezone.localtime(x.submitted_at).strftime("%Y-%m-%d %H:%M") if x.submitted_at else "",
                "逾期" if _is_late(x, today) else "",
            ]
            for x in qs
        ]  # fmt: skip
        return xlsx_response(
            "月度台账报送情况.xlsx",
            ["台账月份", "单位", "截止日", "状态", "报送时间", "逾期"],
            rows,
            "报送情况",
        )
    result = paginate(request, qs)
    ly, lm = _last_month()
    return render(
        request,
        "supervision/ledgers.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": [(x, _is_late(x, today)) for x in result.items],
            "state": state,
            "last_month": f"{ly}-{lm:02d}",
            "can_manage": access.can_manage(request.user),
        },
    )


def _is_late(ledger: Ledger, today: Any) -> bool:
    return ledger.late or (ledger.status == LedgerStatus.PENDING and today > ledger.due_date)


@page
@require_http_methods(["GET", "POST"])
def ledger_detail(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    obj = access.access_ledger(request.user, pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        notes = {k: request.POST.get(k, "") for k in actions.NOTE_KEYS}
        try:
            if request.POST.get("submit"):
                actions.do_submit_ledger(request.user, obj.pk, notes, version=request.POST.get("version"))
                messages.success(request, "台账已报送")
            else:
                actions.do_save_ledger_notes(request.user, obj.pk, notes, version=request.POST.get("version"))
                messages.success(request, "说明已保存")
            return redirect("supervision:ledger", pk=obj.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors["form"] = exc.message
    content = ledgers.shown_content(obj)
    if request.GET.get("export") == "xlsx":
        extra = [
            ("会办交办", ledgers.MEETING_HEADERS, content["meetings"]),
            ("督查通报", ledgers.NOTICE_HEADERS, content["notices"]),
            ("单位说明", ["台账", "说明"], [["收集办理", obj.notes.get("cases", "")], ["会办交办", obj.notes.get("meetings", "")], ["督查通报", obj.notes.get("notices", "")]]),
        ]  # fmt: skip
        return xlsx_response(
            f"{obj.unit.name}{obj.year}年{obj.month}月台账.xlsx",
            ledgers.CASE_HEADERS,
            content["cases"],
            "收集办理",
            extra_sheets=extra,
        )
    return render(
        request,
        "supervision/ledger.html",
        {
            "ledger": obj,
            "content": content,
            "case_headers": ledgers.CASE_HEADERS,
            "late": _is_late(obj, timezone.localdate()),
            "editable": obj.status == LedgerStatus.PENDING and access.can_submit_ledger(request.user, obj),
            "errors": errors,
            "no_source": sources.NO_SOURCE,
        },
    )


# --- accountability ---------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def accountability(request: AuthedHttpRequest) -> HttpResponseBase:
    from bangban.org.models import Unit

    access.require_viewer(request.user)
    errors: dict[str, str] = {}
    posted: dict[str, Any] = {}
    if request.method == "POST":
        posted = request.POST.dict()
        try:
            y, m = dashboard.parse_month(request.POST.get("month"))
            actions.do_create_record(
                request.user,
                kind=request.POST.get("kind", ""),
                unit_id=request.POST.get("unit", ""),
                year=y,
                month=m,
                reason=request.POST.get("reason", ""),
                person_name=request.POST.get("person_name", ""),
                ticket_numbers=request.POST.get("tickets", "").replace("，", ",").split(","),
            )
            messages.success(request, "已登记")
            return redirect("supervision:accountability")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            fields = (exc.details or {}).get("fields") if isinstance(exc.details, dict) else None
            errors = dict(fields) if fields else {"form": exc.message}
    qs = access.visible_records(request.user)
    if request.GET.get("kind"):
        qs = qs.filter(kind=request.GET["kind"])
    result = paginate(request, qs)
    ly, lm = _last_month()
    return render(
        request,
        "supervision/accountability.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "kinds": AccountabilityKind.choices,
            "units": Unit.objects.filter(access.unit_q(request.user), is_active=True).order_by("name"),
            "can_record": access.can_record_accountability(request.user),
            "errors": errors,
            "posted": posted,
            "last_month": f"{ly}-{lm:02d}",
            "Status": AccountabilityStatus,
        },
    )


@page
@require_POST
def accountability_decide(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    try:
        actions.do_decide_record(
            request.user, pk, request.POST.get("status", ""), version=request.POST.get("version")
        )
        messages.success(request, "已更新")
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:accountability")


# --- dashboards and cases ---------------------------------------------------------------------


@page
@require_GET
def dashboard_page(request: AuthedHttpRequest) -> HttpResponseBase:
    from bangban.org.models import Region

    access.require_viewer(request.user)
    region = dashboard.resolve_region(request.user, request.GET.get("region"))
    y, m = dashboard.parse_month(request.GET.get("month"))
    try:
        count = int(request.GET.get("months", 6))
    except ValueError:
        count = 6
    status: dict[str, Any] = {}
    charts = dashboard.build(request.user, region, y, m, count, status)
    export = request.GET.get("export")
    if export:
        chart = next((c for c in charts if c["key"] == export), None)
        if chart is None:
            raise NotFound()
        headers, rows = dashboard.chart_table(chart)
        return xlsx_response(f"{chart['title']}.xlsx", headers, rows, "数据")
    path = access.region_path(request.user)
    regions = Region.objects.filter(level__in=["city", "county", "zone"]).order_by("path")
    if path is not None:
        regions = regions.filter(path__startswith=path)
    return render(
        request,
        "supervision/dashboard.html",
        {
            "charts": charts,
            "region": region,
            "regions": regions,
            "month": f"{y}-{m:02d}",
            "months": count,
            "cases_url": reverse("supervision:cases"),
            "build": status,
            "can_refresh": access.can_manage(request.user),
            "status_url": f"{reverse('supervision:dashboard_status')}?month={y}-{m:02d}&months={count}",
        },
    )


@page
@require_POST
def dashboard_refresh(request: AuthedHttpRequest) -> HttpResponseBase:
    """营商办's 「立即刷新」: rebuild the shown months that still change, in the background."""
    access.require_manager(request.user)
    y, m = dashboard.parse_month(request.GET.get("month"))
    try:
        count = max(1, min(24, int(request.GET.get("months", 6))))
    except ValueError:
        count = 6
    queued = dashboard.request_builds(dashboard.months_ending(y, m, count), force=True)
    if queued:
        messages.info(request, f"已开始重新汇总 {len(queued)} 个月的数据，完成后页面自动刷新")
    else:
        messages.info(request, "所选月份的数据已定稿或正在汇总，无需刷新")
    region = request.GET.get("region")
    query = f"?month={y}-{m:02d}&months={count}" + (
        f"&region={region}" if region and region.isdigit() else ""
    )
    return redirect(reverse("supervision:dashboard") + query)


@page
@require_GET
def dashboard_status(request: AuthedHttpRequest) -> HttpResponseBase:
    """The progress indicator of the dashboard (polled by htmx): while summaries are being built
    it answers the indicator again; once they exist it tells the page to reload."""
    access.require_viewer(request.user)
    y, m = dashboard.parse_month(request.GET.get("month"))
    try:
        count = int(request.GET.get("months", 6))
    except ValueError:
        count = 6
    if not 1 <= count <= 24:
        raise NotFound()
    status = dashboard.build_status(dashboard.months_ending(y, m, count))
    if not status["pending"]:
        response = HttpResponse('<div data-testid="dashboard-ready">数据已就绪，正在刷新…</div>')
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "supervision/_dashboard_progress.html",
        {"build": status, "status_url": request.get_full_path()},
    )


@page
@require_GET
def cases(request: AuthedHttpRequest) -> HttpResponseBase:
    access.require_viewer(request.user)
    region = dashboard.resolve_region(request.user, request.GET.get("region"))
    qs = access.openable_cases(request.user, dashboard.case_filter(request.GET, region))
    if request.GET.get("export") == "xlsx":
        return _cases_xlsx("诉求明细.xlsx", qs)
    result = paginate(request, qs)
    return render(
        request,
        "supervision/cases.html",
        {
            "title": f"诉求明细（{region.name if region else ''}）",
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "back": reverse("supervision:dashboard"),
        },
    )


@page
@require_GET
def meeting_pack(request: AuthedHttpRequest) -> HttpResponseBase:
    access.require_viewer(request.user)
    y, m = dashboard.parse_month(request.GET.get("month"), _last_month())
    pack = meeting.build_pack(request.user, y, m)
    fmt = request.GET.get("export")
    if fmt == "xlsx":
        return meeting.pack_xlsx(pack)
    if fmt == "docx":
        return docx_response(f"{y}年{m}月处置分析会材料.docx", meeting.pack_docx(pack))
    return render(request, "supervision/meeting.html", {"pack": pack, "month": f"{y}-{m:02d}"})
