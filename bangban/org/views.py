"""Pages of the organisation directory (R0.1): regions and units for every staff member to look up,
and their maintenance for administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bangban.accounts.access import show_phone
from bangban.core.errors import REFUSALS, ApplicationError, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import error_response

from . import actions
from .access import (
    access_region,
    access_unit,
    can_manage_org,
    can_view_org,
    require_org_admin_page,
)
from .filters import RegionFilter, UnitFilter
from .forms import RegionForm, UnitForm, apply_errors
from .models import RegionLevel, SiteLevel, UnitType
from .queries import (
    region_choices,
    region_list,
    unit_children,
    unit_list,
    unit_staff,
    with_region_counts,
    with_staff_counts,
)


def _int_or_none(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return None


# --- regions ------------------------------------------------------------------------------------


@login_required
def regions(request: AuthedHttpRequest) -> HttpResponse:
    if not can_view_org(request.user):
        return error_response(request, NotFound())
    filters = RegionFilter.from_params(request.GET)
    result = paginate(request, region_list(request.user, filters))
    return render(
        request,
        "org/region_list.html",
        {
            "page": result.page,
            "rows": with_region_counts(result.page),
            "qs": result.querystring_without_page,
            "filters": filters,
            "levels": RegionLevel.choices,
            "can_manage": can_manage_org(request.user),
            "tab": "regions",
        },
    )


@login_required
def region_create(request: AuthedHttpRequest) -> HttpResponse:
    try:
        require_org_admin_page(request.user)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    initial: dict[str, object] = {"official_code": True}
    if request.GET.get("parent"):
        initial["parent"] = request.GET["parent"]
    form = RegionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            region = actions.do_create_region(
                acting_user=request.user,
                code=data["code"],
                name=data["name"],
                level=data["level"],
                parent=data["parent"],
                official_code=data["official_code"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新增区划“{region.name}”")
            return redirect(reverse("org:regions") + f"?q={region.code}")
    return render(request, "org/region_form.html", {"form": form, "region": None, "tab": "regions"})


@login_required
def region_edit(request: AuthedHttpRequest, code: str) -> HttpResponse:
    try:
        require_org_admin_page(request.user)
        region = access_region(request.user, code, action="change")
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    form = RegionForm(request.POST or None, initial=RegionForm.initial_for(region), region=region)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("code", "name", "level", "parent", "official_code")}
        try:
            region = actions.do_update_region(
                acting_user=request.user, region_id=region.pk, changes=changes, version=data["version"]
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已保存区划“{region.name}”")
            return redirect(reverse("org:regions") + f"?q={region.code}")
    context = {
        "form": form,
        "region": region,
        "tab": "regions",
        "children": region.children.order_by("code"),
        "unit_count": region.units.filter(is_active=True).count(),
    }
    return render(request, "org/region_form.html", context)


@login_required
@require_POST
def region_active(request: AuthedHttpRequest, code: str) -> HttpResponse:
    try:
        require_org_admin_page(request.user)
        region = access_region(request.user, code, action="change")
        active = request.POST.get("active") == "1"
        region = actions.do_set_region_active(
            acting_user=request.user,
            region_id=region.pk,
            active=active,
            version=_int_or_none(request.POST.get("version")),
        )
    except NotFound as exc:
        return error_response(request, exc)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("org:region_edit", code=code)
    messages.success(request, f"已{'启用' if region.is_active else '停用'}区划“{region.name}”")
    return redirect("org:region_edit", code=region.code)


# --- units --------------------------------------------------------------------------------------


@login_required
def units(request: AuthedHttpRequest) -> HttpResponse:
    if not can_view_org(request.user):
        return error_response(request, NotFound())
    filters = UnitFilter.from_params(request.GET)
    result = paginate(request, unit_list(request.user, filters))
    return render(
        request,
        "org/unit_list.html",
        {
            "page": result.page,
            "rows": with_staff_counts(result.page),
            "qs": result.querystring_without_page,
            "filters": filters,
            "types": UnitType.choices,
            "site_levels": SiteLevel.choices,
            "regions": [
                (r.code, "\u3000" * (r.depth - 1) + r.name)
                for r in region_choices(active_only=not can_manage_org(request.user), parents_only=True)
            ],
            "can_manage": can_manage_org(request.user),
            "tab": "units",
        },
    )


@login_required
def unit_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        unit = access_unit(request.user, pk)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    result = paginate(request, unit_staff(unit), per_page=50)
    staff = [
        {"user": person, "phone": show_phone(request.user, person.phone), "roles": list(person.roles.all())}
        for person in result.page
    ]
    context = {
        "unit": unit,
        "staff": staff,
        "page": result.page,
        "qs": result.querystring_without_page,
        "children": unit_children(request.user, unit),
        "can_manage": can_manage_org(request.user),
        "tab": "units",
    }
    return render(request, "org/unit_detail.html", context)


@login_required
def unit_create(request: AuthedHttpRequest) -> HttpResponse:
    try:
        require_org_admin_page(request.user)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    initial: dict[str, object] = {}
    if request.GET.get("parent"):
        initial["parent"] = _int_or_none(request.GET["parent"])
    if request.GET.get("region"):
        initial["region"] = request.GET["region"]
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = actions.do_create_unit(acting_user=request.user, **form.values())
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新增单位“{unit.name}”")
            return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": None, "tab": "units"})


@login_required
def unit_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        require_org_admin_page(request.user)
        unit = access_unit(request.user, pk, action="change")
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    form = UnitForm(request.POST or None, initial=UnitForm.initial_for(unit), unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            unit = actions.do_update_unit(
                acting_user=request.user,
                unit_id=unit.pk,
                changes=form.values(),
                version=form.cleaned_data["version"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已保存单位“{unit.name}”")
            return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": unit, "tab": "units"})


@login_required
@require_POST
def unit_active(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        require_org_admin_page(request.user)
        unit = access_unit(request.user, pk, action="change")
        active = request.POST.get("active") == "1"
        unit = actions.do_set_unit_active(
            acting_user=request.user,
            unit_id=unit.pk,
            active=active,
            version=_int_or_none(request.POST.get("version")),
        )
    except NotFound as exc:
        return error_response(request, exc)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("org:unit_detail", pk=pk)
    messages.success(request, f"已{'启用' if unit.is_active else '停用'}单位“{unit.name}”")
    return redirect("org:unit_detail", pk=unit.pk)
