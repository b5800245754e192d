"""Settings pages of the case system (/cases/settings/…): the category catalogue (search, add, edit,
deactivate, import from .xlsx with a preview of every row's problems), the routing rules (filter,
add, edit, delete) and the deadline policy grid (channel × urgency). Administrators change them;
dispatchers and 营商办 may look."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bangban.core.errors import REFUSALS, ApplicationError, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest, safe_next
from bangban.core.pagination import paginate
from bangban.core.views import error_response
from bangban.core.xlsx import limit_upload_size, upload_was_too_large
from bangban.org.models import Region
from bangban.org.queries import picked_units

from . import config_actions as cfg
from .api_config import routing_rules
from .dispatch_clock import current_settings
from .models import Category, Channel, DeadlinePolicy, RoutingRule, Urgency

SESSION_IMPORT = "bb_category_import"
IMPORT_ERRORS_SHOWN = 200


def config_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed in, allowed to look at the settings (404 otherwise), errors as the standard page."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            cfg.require_config_viewer(request.user)
            return view(request, *args, **kwargs)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            return error_response(request, exc)

    return wrapper


def _common(request: AuthedHttpRequest, section: str) -> dict[str, Any]:
    return {"section": section, "can_edit": cfg.can_manage_config(request.user)}


def _field_errors(exc: ApplicationError) -> dict[str, str]:
    fields = (exc.details or {}).get("fields") if isinstance(exc.details, dict) else None
    return dict(fields) if fields else {"form": exc.message}


@login_required
@require_GET
def settings_index(request: HttpRequest) -> HttpResponse:
    return redirect("tickets:config_categories")


# --- categories -------------------------------------------------------------------------------


def _parent_choices() -> list[Category]:
    return list(
        Category.objects.filter(is_active=True, level__lt=3).order_by("code").only("id", "path", "level")
    )


@config_page
@require_http_methods(["GET", "POST"])
def categories(request: AuthedHttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    values = {"name": "", "parent": request.GET.get("parent", "")}
    if request.method == "POST":
        cfg.require_config_admin(request.user)
        values = {"name": request.POST.get("name", ""), "parent": request.POST.get("parent", "")}
        parent = values["parent"]
        try:
            category = cfg.do_create_category(
                acting_user=request.user,
                name=values["name"],
                parent_id=int(parent) if parent.isdigit() else None,
            )
        except ValidationFailed as exc:
            errors = _field_errors(exc)
        else:
            messages.success(request, f"已新增分类：{category.path}（编码 {category.code}）")
            return redirect("tickets:config_categories")
    q = (request.GET.get("q") or "").strip()[:60]
    show_inactive = request.GET.get("inactive") == "1"
    qs = Category.objects.order_by("code")
    if not show_inactive:
        qs = qs.filter(is_active=True)
    if q:
        qs = qs.filter(Q(path__icontains=q) | Q(code__startswith=q))
    rows = list(qs.only("id", "code", "name", "path", "level", "is_active", "sort"))
    return render(
        request,
        "tickets/config_categories.html",
        {
            **_common(request, "categories"),
            "rows": rows,
            "q": q,
            "show_inactive": show_inactive,
            "total": Category.objects.count(),
            "parents": _parent_choices(),
            "errors": errors,
            "values": values,
        },
        status=400 if errors else 200,
    )


@config_page
@require_http_methods(["GET", "POST"])
def category_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    category = Category.objects.select_related("parent").filter(pk=pk).first()
    if category is None:
        raise NotFound()
    errors: dict[str, str] = {}
    if request.method == "POST":
        cfg.require_config_admin(request.user)
        try:
            sort = request.POST.get("sort", "").strip()
            cfg.do_update_category(
                acting_user=request.user,
                category_id=category.pk,
                name=request.POST.get("name", ""),
                sort=int(sort) if sort.isdigit() else None,
                is_active=request.POST.get("is_active") == "1",
            )
        except ValidationFailed as exc:
            errors = _field_errors(exc)
        else:
            messages.success(request, "分类已保存")
            return redirect("tickets:config_categories")
    return render(
        request,
        "tickets/config_category_form.html",
        {
            **_common(request, "categories"),
            "category": category,
            "errors": errors,
            "children": category.children.count(),
            "tickets": category.tickets.count(),
        },
        status=400 if errors else 200,
    )


@config_page
@require_POST
def category_toggle(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise NotFound()
    try:
        cfg.do_update_category(acting_user=request.user, category_id=pk, is_active=not category.is_active)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'停用' if category.is_active else '启用'}：{category.path}")
    return redirect(safe_next(request, reverse("tickets:config_categories")))


@login_required
@require_http_methods(["GET", "POST"])
@limit_upload_size
def category_import(request: AuthedHttpRequest) -> HttpResponse:
    """Upload → preview (nothing written) → confirm."""
    try:
        cfg.require_config_viewer(request.user)
        cfg.require_config_admin(request.user)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    context: dict[str, Any] = _common(request, "categories")
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload_was_too_large(request):
                raise ValidationFailed("文件过大，请拆分后上传", code="file_too_large")
            checked = cfg.parse_category_workbook(upload)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            context["error"] = exc
            return render(request, "tickets/config_category_import.html", context, status=400)
        token = uuid.uuid4().hex
        request.session[SESSION_IMPORT] = {
            "token": token,
            "name": getattr(upload, "name", "")[:200],
            "paths": [list(p) for p in checked.paths],
        }
        context.update(
            {
                "checked": checked,
                "errors_shown": checked.errors[:IMPORT_ERRORS_SHOWN],
                "token": token,
                "file_name": getattr(upload, "name", ""),
            }
        )
    return render(request, "tickets/config_category_import.html", context)


@config_page
@require_POST
def category_import_apply(request: AuthedHttpRequest) -> HttpResponse:
    stored = request.session.get(SESSION_IMPORT) or {}
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, "导入预览已失效，请重新上传文件")
        return redirect("tickets:config_category_import")
    result = cfg.do_import_categories(acting_user=request.user, paths=stored.get("paths", []))
    request.session.pop(SESSION_IMPORT, None)
    messages.success(
        request, f"导入完成：新建分类 {result['created']} 个，已存在 {result['existing']} 个（未改动）"
    )
    return redirect("tickets:config_categories")


# --- routing rules ----------------------------------------------------------------------------


def _rule_form_context(form_values: dict[str, Any]) -> dict[str, Any]:
    return {
        "unit_selected": picked_units([form_values.get("unit_id") or ""]),
        "categories": Category.objects.filter(is_active=True)
        .order_by("code")
        .only("id", "path", "level", "code"),
        "regions": Region.objects.filter(is_active=True)
        .exclude(level="village")
        .order_by("path")
        .only("id", "code", "name", "path"),
    }


def _rule_values(post: Any) -> dict[str, Any]:
    def number(name: str) -> int | None:
        value = (post.get(name) or "").strip()
        return int(value) if value.isdigit() else None

    priority = (post.get("priority") or "0").strip()
    return {
        "category_id": number("category"),
        "region_id": number("region"),
        "unit_id": number("unit") or 0,
        "priority": int(priority) if priority.lstrip("-").isdigit() else 0,
        "is_active": post.get("is_active") == "1",
        "note": post.get("note", ""),
    }


@config_page
@require_http_methods(["GET", "POST"])
def routing(request: AuthedHttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    form_values: dict[str, Any] = {"is_active": True, "priority": 0}
    if request.method == "POST":
        cfg.require_config_admin(request.user)
        form_values = _rule_values(request.POST)
        try:
            cfg.do_create_routing_rule(acting_user=request.user, **form_values)
        except ValidationFailed as exc:
            errors = _field_errors(exc)
        else:
            messages.success(request, "已新增派单规则")
            return redirect("tickets:config_routing")
    params = {name: (request.GET.get(name) or "").strip() for name in ("category", "region", "unit")}
    result = paginate(request, routing_rules(params), per_page=50)
    return render(
        request,
        "tickets/config_routing.html",
        {
            **_common(request, "routing"),
            **_rule_form_context(form_values),
            "page": result.page,
            "qs": result.querystring_without_page,
            "filters": params,
            "errors": errors,
            "form_values": form_values,
        },
        status=400 if errors else 200,
    )


@config_page
@require_http_methods(["GET", "POST"])
def routing_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rule = RoutingRule.objects.select_related("category", "region", "unit").filter(pk=pk).first()
    if rule is None:
        raise NotFound()
    errors: dict[str, str] = {}
    form_values: dict[str, Any] = {
        "category_id": rule.category_id,
        "region_id": rule.region_id,
        "unit_id": rule.unit_id,
        "priority": rule.priority,
        "is_active": rule.is_active,
        "note": rule.note,
    }
    if request.method == "POST":
        cfg.require_config_admin(request.user)
        form_values = _rule_values(request.POST)
        try:
            cfg.do_update_routing_rule(acting_user=request.user, rule_id=rule.pk, **form_values)
        except ValidationFailed as exc:
            errors = _field_errors(exc)
        else:
            messages.success(request, "派单规则已保存")
            return redirect("tickets:config_routing")
    return render(
        request,
        "tickets/config_routing_form.html",
        {
            **_common(request, "routing"),
            **_rule_form_context(form_values),
            "rule": rule,
            "errors": errors,
            "form_values": form_values,
        },
        status=400 if errors else 200,
    )


@config_page
@require_POST
def routing_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    cfg.do_delete_routing_rule(acting_user=request.user, rule_id=pk)
    messages.success(request, "派单规则已删除")
    return redirect("tickets:config_routing")


# --- deadline policies ------------------------------------------------------------------------


@config_page
@require_http_methods(["GET", "POST"])
def deadlines(request: AuthedHttpRequest) -> HttpResponse:
    """The grid: one row per channel, one cell per urgency (working days, 0 = 即办), plus the
    warning and extension limits of each cell."""
    existing = {(p.channel, p.urgency): p for p in DeadlinePolicy.objects.all()}
    errors: dict[str, str] = {}
    clock_errors: dict[str, str] = {}
    if request.method == "POST" and request.POST.get("form") == "dispatch_clock":
        try:
            cfg.do_set_dispatch_clock(
                acting_user=request.user,
                dispatch_workdays=request.POST.get("dispatch_workdays", ""),
                review_workdays=request.POST.get("review_workdays", ""),
                warn_workdays=request.POST.get("warn_workdays", "1"),
                expected_version=_int_or_none(request.POST.get("version")),
            )
        except ValidationFailed as exc:
            clock_errors = _field_errors(exc)
        else:
            messages.success(request, "派单时限已保存，对此后受理的诉求生效")
            return redirect("tickets:config_deadlines")
    elif request.method == "POST":
        cfg.require_config_admin(request.user)
        changed = 0
        for channel in Channel:
            for urgency in Urgency:
                key = f"{channel.value}.{urgency.value}"
                days = (request.POST.get(f"{key}.workdays") or "").strip()
                policy = existing.get((channel.value, urgency.value))
                if not days:
                    continue  # an empty cell stays as it is
                warn = (request.POST.get(f"{key}.warn") or "1").strip()
                ext = (request.POST.get(f"{key}.ext") or "1").strip()
                if policy and (
                    str(policy.workdays),
                    str(policy.warn_workdays),
                    str(policy.max_extensions),
                ) == (
                    days,
                    warn,
                    ext,
                ):
                    continue
                try:
                    cfg.do_set_deadline_policy(
                        acting_user=request.user,
                        channel=channel.value,
                        urgency=urgency.value,
                        workdays=days,
                        warn_workdays=warn,
                        max_extensions=ext,
                    )
                    changed += 1
                except ValidationFailed as exc:
                    errors[key] = f"{channel.label}·{urgency.label}：{exc.message}"
        if not errors:
            messages.success(request, f"已保存 {changed} 项办理时限规则" if changed else "没有改动")
            return redirect("tickets:config_deadlines")
        existing = {(p.channel, p.urgency): p for p in DeadlinePolicy.objects.all()}
    grid = [
        {
            "channel": channel,
            "cells": [
                {
                    "key": f"{channel.value}.{urgency.value}",
                    "urgency": urgency,
                    "policy": existing.get((channel.value, urgency.value)),
                    "error": errors.get(f"{channel.value}.{urgency.value}"),
                    "posted": request.POST.get(f"{channel.value}.{urgency.value}.workdays")
                    if errors
                    else None,
                }
                for urgency in Urgency
            ],
        }
        for channel in Channel
    ]
    clock = current_settings()
    posted = request.POST if clock_errors else {}
    return render(
        request,
        "tickets/config_deadlines.html",
        {
            **_common(request, "deadlines"),
            "grid": grid,
            "urgencies": list(Urgency),
            "errors": errors,
            "clock": clock,
            "clock_values": {
                name: posted.get(name, getattr(clock, name))
                for name in ("dispatch_workdays", "review_workdays", "warn_workdays")
            },
            "clock_errors": clock_errors,
            "can_edit_clock": cfg.can_manage_dispatch_clock(request.user),
        },
        status=400 if errors or clock_errors else 200,
    )


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
