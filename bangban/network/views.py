"""Pages of the service network: assignments (with coverage, history and bulk import), the officer's
phone page and contact/visit logging, the compliance matrix, verification results, leaders' visits
and the enterprise's own page. Every change goes through `actions` / `importing`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core.errors import REFUSALS, ApplicationError, NotFound, PermissionDenied
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.satisfaction import Satisfaction
from bangban.core.views import error_response, page_errors
from bangban.core.xlsx import (
    limit_upload_size,
    max_upload_bytes,
    too_large_error,
    upload_was_too_large,
    xlsx_response,
)
from bangban.enterprises.access import access_enterprise, scope_regions, visible_enterprises
from bangban.enterprises.models import Enterprise, Tier
from bangban.enterprises.uscc import USCCError, validate_uscc

from . import actions, importing, queries
from .access import (
    access_assignment,
    access_batch,
    access_contact,
    area_filter,
    can_record_leader_visit,
    can_see_compliance,
    is_enterprise_user,
    is_manager,
    is_officer,
    is_overseer,
    require_manager,
    visible_assignments,
)
from .models import Assignment, Contact, ContactKind, OfficerRating, Verification
from .rules import Quarter


def field_errors(exc: ApplicationError) -> dict[str, str]:
    """An action's error as messages per form field ("form" for the form as a whole)."""
    details = exc.details if isinstance(exc.details, dict) else {}
    if isinstance(details.get("fields"), dict):
        return dict(details["fields"])
    if isinstance(details.get("field"), str):
        return {details["field"]: exc.message}
    return {"form": exc.message}


def _quarter(request: HttpRequest) -> Quarter:
    return Quarter.parse(request.GET.get("quarter", "")) or Quarter.of(timezone.localdate())


def _quarter_choices() -> list[Quarter]:
    current = Quarter.of(timezone.localdate())
    choices = [current]
    for _ in range(5):
        choices.append(choices[-1].previous())
    return choices


@login_required
@require_GET
@page_errors
def index(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if is_enterprise_user(user):
        return redirect("network:enterprise")
    if is_officer(user) and not is_overseer(user):
        return redirect("network:mine")
    if can_see_compliance(user):
        return redirect("network:compliance")
    raise NotFound()


# --- assignments (R3.1) ----------------------------------------------------------------------------------


def _officer_choices(user: Any) -> list[User]:
    qs = User.objects.filter(is_active=True, roles__code=Role.SERVICE_OFFICER).select_related(
        "unit", "unit__region"
    )
    scope = scope_of(user)
    if not scope.city_wide and scope.region_path is not None:
        # A county's managers choose among its own staff and the city's.
        from django.db.models import Q

        qs = qs.filter(
            Q(unit__region__path__startswith=scope.region_path) | Q(unit__region__parent__isnull=True)
        )
    return list(qs.order_by("unit__region__path", "full_name")[:2000])


def _resolve_enterprise_field(user: Any, text: str) -> int | None:
    value = (text or "").strip()
    if value.isdigit() and len(value) < 18:
        return int(value)
    try:
        uscc = validate_uscc(value)
    except USCCError:
        found = visible_enterprises(user).filter(name=value).values_list("pk", flat=True).first()
        return found
    return visible_enterprises(user).filter(uscc=uscc).values_list("pk", flat=True).first()


@login_required
@require_GET
@page_errors
def assignment_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not (is_overseer(user) or is_officer(user)):
        raise NotFound()
    qs = visible_assignments(user).select_related(
        "officer", "officer__unit", "enterprise", "enterprise__region"
    )
    status = request.GET.get("status", "current")
    if status == "current":
        qs = qs.filter(ended_on__isnull=True)
    elif status == "ended":
        qs = qs.filter(ended_on__isnull=False)
    text = request.GET.get("q", "").strip()
    if text:
        from django.db.models import Q

        qs = qs.filter(
            Q(enterprise__name__icontains=text)
            | Q(enterprise__uscc__iexact=text)
            | Q(officer__full_name__icontains=text)
            | Q(officer__username__iexact=text)
        )
    tier = request.GET.get("tier", "")
    if tier in Tier.values:
        qs = qs.filter(enterprise__tier=tier)
    region = request.GET.get("region", "")
    if region:
        qs = qs.filter(enterprise__region__path__contains=f"/{region}/")
    result = paginate(request, qs.order_by("enterprise__region__path", "enterprise__name", "-started_on"))
    return render(
        request,
        "network/assignments.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": {k: request.GET.get(k, "") for k in ("q", "tier", "region")} | {"status": status},
            "tiers": Tier.choices,
            "regions": scope_regions(user).filter(level__in=["county", "zone"]),
            "can_manage": is_manager(user),
        },
    )


@login_required
@page_errors
def assignment_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require_manager(user)
    values = {
        "enterprise": request.POST.get("enterprise", request.GET.get("enterprise", "")),
        "officer": request.POST.get("officer", ""),
        "started_on": request.POST.get("started_on", ""),
        "note": request.POST.get("note", ""),
        "replace": request.POST.get("replace", ""),
    }
    errors: dict[str, str] = {}
    status = 200
    enterprise = None
    if values["enterprise"]:
        pk = _resolve_enterprise_field(user, values["enterprise"])
        enterprise = visible_enterprises(user).filter(pk=pk).first() if pk else None
    if request.method == "POST":
        status = 400
        if enterprise is None:
            errors["enterprise"] = "未找到该企业，请填写统一社会信用代码或企业全称"
        else:
            try:
                assignment = actions.do_assign(
                    acting_user=user,
                    enterprise_id=enterprise.pk,
                    officer_id=values["officer"],
                    started_on=values["started_on"] or None,
                    note=values["note"],
                    replace=bool(values["replace"]),
                )
            except REFUSALS:
                raise
            except ApplicationError as exc:
                errors = field_errors(exc)
                status = exc.status
            else:
                messages.success(request, f"已安排{assignment.officer}挂钩{assignment.enterprise.name}")
                return redirect("network:enterprise_history", pk=assignment.enterprise_id)
    current = actions.current_assignment(enterprise.pk) if enterprise else None
    return render(
        request,
        "network/assignment_form.html",
        {
            "values": values,
            "errors": errors,
            "enterprise": enterprise,
            "current": current,
            "officers": _officer_choices(user),
        },
        status=status,
    )


@login_required
@require_POST
@page_errors
def assignment_end(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    assignment = access_assignment(request.user, pk)
    version = request.POST.get("version", "")
    try:
        actions.do_end_assignment(
            acting_user=request.user,
            assignment_id=pk,
            reason=request.POST.get("reason", ""),
            version=int(version) if version.isdigit() else None,
        )
    except REFUSALS:
        raise
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "已结束挂钩")
    return redirect("network:enterprise_history", pk=assignment.enterprise_id)


@login_required
@require_GET
@page_errors
def enterprise_history(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """An enterprise's officers over time (动态调整) and its recent contacts."""
    user = request.user
    if not (is_overseer(user) or is_officer(user)):
        raise NotFound()
    enterprise = access_enterprise(user, pk)
    history = (
        Assignment.objects.filter(enterprise=enterprise)
        .select_related("officer", "officer__unit", "created_by", "ended_by")
        .order_by("-started_on", "-id")
    )
    contacts = queries.contact_list(user, {"enterprise": str(enterprise.pk)})[:20]
    return render(
        request,
        "network/enterprise_history.html",
        {"enterprise": enterprise, "history": history, "contacts": contacts, "can_manage": is_manager(user)},
    )


@login_required
@require_GET
@page_errors
def coverage(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_overseer(user):
        raise NotFound()
    qs = queries.uncovered_key_enterprises(user)
    region = request.GET.get("region", "")
    if region:
        qs = qs.filter(region__path__contains=f"/{region}/")
    result = paginate(request, qs)
    return render(
        request,
        "network/coverage.html",
        {
            "rows": queries.coverage_by_region(user),
            "page": result.page,
            "qs": result.querystring_without_page,
            "region": region,
            "can_manage": is_manager(user),
        },
    )


# --- bulk import ---------------------------------------------------------------------------------------


@login_required
@page_errors
@limit_upload_size
def import_upload(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require_manager(user)
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            if upload_was_too_large(request):
                raise too_large_error(max_upload_bytes())
            batch = importing.do_preview_assignment_import(
                acting_user=user, uploaded_file=request.FILES.get("file")
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
        else:
            return redirect("network:import_preview", batch_id=batch.pk)
    return render(
        request,
        "network/import.html",
        {
            "error": error,
            "required_columns": importing.REQUIRED_COLUMNS,
            "optional_columns": importing.OPTIONAL_COLUMNS,
        },
        status=error.status if error else 200,
    )


@login_required
@require_GET
@page_errors
def import_template(request: AuthedHttpRequest) -> HttpResponseBase:
    require_manager(request.user)
    headers = [*importing.REQUIRED_COLUMNS, *importing.OPTIONAL_COLUMNS]
    notes = [
        ["统一社会信用代码", "必填", "18位；企业须已在企业库登记且在您的管辖范围内"],
        ["帮办专员账号", "必填", "帮办专员/驻厂员的登录账号"],
        ["企业名称", "选填", "仅供核对"],
        ["开始日期", "选填", "如 2026-01-02；不填为今天"],
        ["调整", "选填", "企业已有专员时填“是”表示更换（原挂钩于开始日期结束）"],
        ["备注", "选填", "不超过200字"],
        [
            "职级规则",
            "",
            "市工业百强：市级副处级以上；县区重点：副科级以上；其他企业：县区、功能区、镇街干部",
        ],
    ]
    return xlsx_response(
        "挂钩安排导入模板.xlsx",
        headers,
        [],
        "挂钩安排",
        extra_sheets=[("填写说明", ["列名", "是否必填", "说明"], notes)],
        widths=[22, 16, 30, 14, 8, 30],
        text_columns=[0],
    )


@login_required
@require_GET
@page_errors
def import_preview(request: AuthedHttpRequest, batch_id: int) -> HttpResponse:
    batch = access_batch(request.user, batch_id)
    return render(request, "network/import_preview.html", {"batch": batch})


@login_required
@require_POST
@page_errors
def import_apply(request: AuthedHttpRequest, batch_id: int) -> HttpResponse:
    access_batch(request.user, batch_id)
    try:
        batch = importing.do_apply_assignment_import(acting_user=request.user, batch_id=batch_id)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        result = batch.result or {}
        messages.success(
            request,
            f"导入完成：新增 {result.get('created', 0)} 条，调整 {result.get('replaced', 0)} 条，"
            f"未导入 {result.get('failed', 0)} 条",
        )
    return redirect("network:import_preview", batch_id=batch_id)


@login_required
@require_POST
@page_errors
def import_cancel(request: AuthedHttpRequest, batch_id: int) -> HttpResponse:
    access_batch(request.user, batch_id)
    try:
        importing.do_cancel_assignment_import(acting_user=request.user, batch_id=batch_id)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        return redirect("network:import_preview", batch_id=batch_id)
    messages.info(request, "已取消本次导入，未写入任何数据")
    return redirect("network:import")


# --- the officer's pages (phone-friendly) ----------------------------------------------------------------


@login_required
@require_GET
@page_errors
def mine(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_officer(user):
        raise NotFound()
    period = queries.period_for(Quarter.of(timezone.localdate()))
    rows = queries.compliance_enterprises(user, period, officer_id=user.pk)
    recent = queries.contact_list(user, {}).filter(officer=user)[:10]
    return render(request, "network/mine.html", {"rows": rows, "period": period, "recent": recent})


def _contact_input(request: HttpRequest) -> actions.ContactInput:
    post = request.POST
    category = post.get("category", "")
    return actions.ContactInput(
        enterprise_id=post.get("enterprise") or None,
        kind=post.get("kind", ""),
        contact_on=post.get("contact_on", ""),
        summary=post.get("summary", ""),
        raised=post.get("raised", ""),
        raise_case=post.get("raise_case") == "1",
        case_title=post.get("case_title", ""),
        category_id=int(category) if category.isdigit() else None,
        leader_name=post.get("leader_name", ""),
        leader_title=post.get("leader_title", ""),
        policies_delivered=post.get("policies_delivered", ""),
        services_delivered=post.get("services_delivered", ""),
    )


def _categories() -> list[Any]:
    from bangban.tickets.models import Category

    return list(Category.objects.filter(is_active=True, parent__isnull=False).order_by("code")[:300])


@login_required
@page_errors
def contact_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_officer(user):
        raise PermissionDenied("只有帮办专员/驻厂员可以登记联系企业情况")
    assigned = (
        Assignment.objects.filter(officer=user, ended_on__isnull=True)
        .select_related("enterprise")
        .order_by("enterprise__name")
    )
    values = {
        "enterprise": request.POST.get("enterprise", request.GET.get("enterprise", "")),
        "kind": request.POST.get("kind", request.GET.get("kind", ContactKind.VISIT)),
        "contact_on": request.POST.get("contact_on", timezone.localdate().isoformat()),
        "summary": request.POST.get("summary", ""),
        "raised": request.POST.get("raised", ""),
        "raise_case": request.POST.get("raise_case", ""),
        "case_title": request.POST.get("case_title", ""),
        "category": request.POST.get("category", ""),
    }
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            contact = actions.do_log_contact(acting_user=user, data=_contact_input(request))
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if exc.status == 404:
                errors = {"enterprise": "所选企业不存在或不在您的服务范围内"}
            else:
                errors = field_errors(exc)
            status = exc.status
        else:
            text = f"已登记：{contact.enterprise.name} {contact.get_kind_display()}"
            if contact.ticket_id and contact.ticket:
                text += f"，企业反映的问题已转为诉求 {contact.ticket.number}"
            messages.success(request, text)
            return redirect("network:contact_detail", pk=contact.pk)
    return render(
        request,
        "network/contact_form.html",
        {
            "values": values,
            "errors": errors,
            "assigned": assigned,
            "kinds": ContactKind.choices,
            "categories": _categories(),
        },
        status=status,
    )


@login_required
@page_errors
def leader_visit_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_record_leader_visit(user):
        raise PermissionDenied("您的角色不能登记领导走访")
    values = {
        name: request.POST.get(name, "")
        for name in (
            "leader_name",
            "leader_title",
            "summary",
            "policies_delivered",
            "services_delivered",
            "raised",
            "raise_case",
            "case_title",
        )
    }
    values["enterprise"] = request.POST.get("enterprise", request.GET.get("enterprise", ""))
    values["contact_on"] = request.POST.get("contact_on", timezone.localdate().isoformat())
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        data = _contact_input(request)
        data.enterprise_id = (
            _resolve_enterprise_field(user, values["enterprise"]) if values["enterprise"] else None
        )
        try:
            if data.enterprise_id is None:
                raise NotFound()
            contact = actions.do_log_leader_visit(acting_user=user, data=data)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors = (
                {"enterprise": "未找到该企业，请填写统一社会信用代码或企业全称"}
                if exc.status == 404
                else field_errors(exc)
            )
            status = exc.status
        else:
            messages.success(request, f"已登记领导走访：{contact.enterprise.name}")
            return redirect("network:contact_detail", pk=contact.pk)
    return render(
        request, "network/leader_visit_form.html", {"values": values, "errors": errors}, status=status
    )


@login_required
@require_GET
@page_errors
def contact_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    params = {k: request.GET.get(k, "") for k in ("kind", "verification", "q", "leader")}
    result = paginate(request, queries.contact_list(user, params))
    return render(
        request,
        "network/contacts.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "kinds": ContactKind.choices,
            "verifications": Verification.choices,
            "can_log": is_officer(user),
            "can_lead": can_record_leader_visit(user),
        },
    )


@login_required
@page_errors
def contact_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contact = access_contact(user, pk)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "raise_case":
                category = request.POST.get("category", "")
                contact = actions.do_raise_case(
                    acting_user=user,
                    contact_id=pk,
                    title=request.POST.get("case_title", ""),
                    category_id=int(category) if category.isdigit() else None,
                    version=request.POST.get("version"),
                )
                messages.success(request, f"已转为诉求 {contact.ticket.number if contact.ticket else ''}")
            elif action in ("confirm", "dispute"):
                actions.do_verify_visit(
                    acting_user=user,
                    contact_id=pk,
                    decision=action,
                    note=request.POST.get("note", ""),
                    version=request.POST.get("version"),
                )
                messages.success(request, "已确认走访" if action == "confirm" else "已提交异议")
            else:
                raise PermissionDenied()
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if exc.status == 404:
                raise
            errors = field_errors(exc)
            status = exc.status
        else:
            return redirect("network:contact_detail", pk=pk)
        contact = access_contact(user, pk)
    return render(
        request,
        "network/contact_detail.html",
        {
            "contact": contact,
            "errors": errors,
            "can_raise": contact.officer_id == user.pk and contact.ticket_id is None and bool(contact.raised),
            "can_verify": contact.verification == Verification.PENDING
            and actions.is_liaison(user, contact.enterprise_id),
            "categories": _categories() if contact.ticket_id is None else [],
        },
        status=status,
    )


# --- compliance, verification results ------------------------------------------------------------------

MONTH_HEADERS = ["第1月", "第2月", "第3月"]


@login_required
@require_GET
@page_errors
def compliance(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_see_compliance(user):
        raise NotFound()
    quarter = _quarter(request)
    period = queries.period_for(quarter)
    view = request.GET.get("view", "officer")
    if view not in ("officer", "region", "enterprise"):
        view = "officer"
    context: dict[str, Any] = {
        "period": period,
        "quarter": quarter,
        "quarters": _quarter_choices(),
        "view": view,
        "overseer": is_overseer(user),
    }
    if view == "officer":
        area = area_filter(user, request.GET.get("region", ""))
        rows = queries.compliance_by_officer(user, period, region=area)
        context["area"] = area
        behind_only = request.GET.get("behind") == "1"
        if behind_only:
            rows = [r for r in rows if not r.tally.up_to_date]
        context["rows"] = rows
        context["behind_only"] = behind_only
    elif view == "region":
        context["region_rows"] = queries.compliance_by_region(user, period)
    else:
        from django.core.paginator import Paginator

        officer = request.GET.get("officer", "")
        behind_only = request.GET.get("behind") == "1"
        rows_all = queries.compliance_enterprises(
            user, period, officer_id=int(officer) if officer.isdigit() else None, behind_only=behind_only
        )
        page = Paginator(rows_all, 50).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        context.update(
            enterprise_rows=page.object_list, page=page, qs=params.urlencode(), behind_only=behind_only
        )
    return render(request, "network/compliance.html", context)


def _status(t: queries.Tally) -> str:
    return "达标" if t.up_to_date else f"落后（{t.behind} 家）"


@login_required
@require_GET
@page_errors
def compliance_export(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not can_see_compliance(user):
        raise NotFound()
    quarter = _quarter(request)
    period = queries.period_for(quarter)
    view = "region" if request.GET.get("view") == "region" else "officer"
    month_headers = [f"{label}已联系/应联系" for label, _ in period.months]
    rows: list[list[Any]]
    if view == "region":
        headers = [
            "县区/功能区",
            "挂钩企业数",
            *month_headers,
            "本季度已走访",
            "落后企业数",
            "落后专员数",
            "状态",
        ]
        rows = [
            [
                r.region.name,
                r.tally.enterprises,
                *[f"{r.tally.contacted[i]}/{r.tally.required[i]}" for i in range(3)],
                r.tally.visited,
                r.tally.behind,
                r.officers_behind,
                _status(r.tally),
            ]
            for r in queries.compliance_by_region(user, period)
        ]
    else:
        headers = [
            "帮办专员",
            "所在单位",
            "职级",
            "挂钩企业数",
            *month_headers,
            "本季度已走访",
            "落后企业数",
            "状态",
        ]
        rows = [
            [
                r.officer.display_name,
                r.officer.unit.name if r.officer.unit else "",
                r.officer.get_rank_display(),
                r.tally.enterprises,
                *[f"{r.tally.contacted[i]}/{r.tally.required[i]}" for i in range(3)],
                r.tally.visited,
                r.tally.behind,
                _status(r.tally),
            ]
            for r in queries.compliance_by_officer(user, period)
        ]
    actions.do_record_compliance_export(acting_user=user, quarter=quarter.code, view=view, count=len(rows))
    return xlsx_response(
        f"联系走访达标情况_{quarter.code}_{'按区域' if view == 'region' else '按专员'}.xlsx",
        headers,
        rows,
        quarter.label,
    )


@login_required
@require_GET
@page_errors
def verification_results(request: AuthedHttpRequest) -> HttpResponse:
    """核验结果 published by 市工信局 (R4.3): visits confirmed / disputed / pending per region, and
    the disputed visits."""
    user = request.user
    if not is_overseer(user) and not has_any_role(user, {Role.SERVICE_OFFICER}):
        raise NotFound()
    quarter = _quarter(request)
    disputed = (
        queries.visits_in(user, quarter)
        .filter(verification=Verification.DISPUTED)
        .select_related("officer", "enterprise")
        .order_by("-contact_on")
    )
    result = paginate(request, disputed)
    return render(
        request,
        "network/verification.html",
        {
            "quarter": quarter,
            "quarters": _quarter_choices(),
            "rows": queries.verification_by_region(user, quarter),
            "page": result.page,
            "qs": result.querystring_without_page,
        },
    )


# --- the enterprise's side (R3.2) ----------------------------------------------------------------------


@login_required
@page_errors
def enterprise_page(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_enterprise_user(user):
        raise NotFound()
    enterprise = Enterprise.objects.select_related("region").get(pk=user.enterprise_id or 0)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "liaison":
                actions.do_name_liaison(
                    acting_user=user,
                    user_id=request.POST.get("user", ""),
                    phone=request.POST.get("phone", ""),
                )
                messages.success(request, "已指定工作联络员")
            elif action == "rate":
                actions.do_rate_officer(
                    acting_user=user,
                    level=request.POST.get("level", ""),
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, "感谢评价")
            else:
                raise PermissionDenied()
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors = field_errors(exc)
            status = exc.status
        else:
            return redirect("network:enterprise")
    from bangban.tickets.access import visible_tickets

    liaison = actions.liaison_of(enterprise.pk)
    contacts = queries.contact_list(user, {})[:30]
    return render(
        request,
        "network/enterprise.html",
        {
            "enterprise": enterprise,
            "assignment": actions.current_assignment(enterprise.pk),
            "liaison": liaison,
            "is_liaison": liaison is not None and liaison.user_id == user.pk,
            "colleagues": User.objects.filter(
                enterprise=enterprise, is_active=True, roles__code=Role.ENTERPRISE
            )
            .distinct()
            .order_by("full_name"),
            "contacts": contacts,
            "pending": [c for c in contacts if c.verification == Verification.PENDING],
            "cases": visible_tickets(user).filter(enterprise=enterprise).order_by("-received_at")[:20],
            "ratings": OfficerRating.objects.filter(enterprise=enterprise).select_related("officer")[:12],
            "levels": Satisfaction.choices,
            "errors": errors,
            "values": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


def verify_link(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind the SMS link: no login, the signed token names the visit."""
    try:
        contact = actions.contact_for_token(token)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        try:
            contact = actions.do_verify_by_link(
                token=token, decision=decision, note=request.POST.get("note", "")
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors = field_errors(exc)
            status = exc.status
    return render(
        request,
        "network/verify_link.html",
        {"contact": contact, "errors": errors, "done": contact.verification != Verification.PENDING},
        status=status,
    )


def contact_url(contact: Contact) -> str:
    return reverse("network:contact_detail", args=[contact.pk])
