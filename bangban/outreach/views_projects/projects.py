"""Pages of investment projects: list, export, registration and editing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bangban.core.errors import Conflict, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.enterprises.access import scope_regions, visible_enterprises
from bangban.org.models import RegionLevel

from .. import projects, queries
from ..access import access_project, can_manage_projects, can_see_overview
from ..models import ProjectStage
from ..pages import Cell, Field, ListPage, bind, form_data, form_page, get_filters, list_page
from ._common import _officers


def _regions(user: Any) -> list[tuple[str, str]]:
    return [
        (r.code, ("　" if r.depth > 2 else "") + r.name)
        for r in scope_regions(user).exclude(level=RegionLevel.VILLAGE).only("code", "name", "path")
    ]


def _project_filters(user: Any) -> list[Field]:
    return [
        Field("q", "项目、企业或投资方"),
        Field("region", "区划", "select", options=_regions(user)),
        Field("stage", "阶段", "select", options=list(ProjectStage.choices)),
        Field("officer", "首席服务员", "select", options=_officers()),
    ]


@login_required
@require_GET
def project_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    filtered = queries.projects(user, request.GET)
    result = paginate(request, filtered.qs)
    for message in filtered.errors:
        messages.warning(request, f"{message}（该条件已忽略）")
    rows = [
        [
            Cell(p.name, link=reverse("outreach:project_detail", args=[p.pk])),
            Cell(p.enterprise.name if p.enterprise else p.investor),
            Cell(p.region.name),
            Cell(f"{p.amount:,}"),
            Cell(p.get_stage_display()),
            Cell(p.chief_officer.display_name),
        ]
        for p in result.page.object_list
    ]
    can_create = can_manage_projects(user)
    return list_page(
        request,
        ListPage(
            title="招商项目",
            headers=["项目", "企业/投资方", "区划", "投资额（万元）", "阶段", "首席服务员"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(request, _project_filters(user)),
            create_url=reverse("outreach:project_create") if can_create else "",
            create_label="登记项目",
            export_url=reverse("outreach:project_export"),
            empty="暂无招商项目" + ("，可点击“登记项目”添加" if can_create else ""),
            testid="project-table",
            extra_links=[("月度问题收集", reverse("outreach:round_list"))]
            + ([("月度汇总", reverse("outreach:overview"))] if can_see_overview(user) else []),
        ),
    )


@login_required
@require_GET
@page_errors
def project_export(request: AuthedHttpRequest) -> HttpResponseBase:
    qs = queries.projects(request.user, request.GET).strict()
    rows = (
        [
            p.name,
            p.enterprise.name if p.enterprise else "",
            p.investor,
            p.region.name,
            p.amount,
            p.get_stage_display(),
            p.chief_officer.display_name,
            p.lead_unit.name if p.lead_unit else "",
            timezone.localtime(p.created_at).strftime("%Y-%m-%d"),
        ]
        for p in qs.iterator(chunk_size=500)
    )
    headers = [
        "项目名称",
        "项目企业",
        "投资方",
        "区划",
        "投资额（万元）",
        "阶段",
        "首席服务员",
        "牵头招商部门",
        "登记日期",
    ]
    return xlsx_response("招商项目.xlsx", headers, rows, "招商项目")


def _project_fields(user: Any) -> list[Field]:
    enterprises = visible_enterprises(user).filter(is_active=True).order_by("name").only("id", "name")[:500]
    return [
        Field("name", "项目名称", required=True, maxlength=120),
        Field(
            "enterprise_id",
            "项目企业",
            "select",
            options=[(e.pk, e.name) for e in enterprises],
            help="已在企业库登记的项目企业",
        ),
        Field("investor", "投资方", maxlength=120, help="尚未注册企业时填写投资方"),
        Field("region", "所在区划", "select", options=_regions(user), required=True),
        Field("amount", "投资额（万元）", "number", required=True),
        Field("stage", "项目阶段", "select", options=list(ProjectStage.choices), value=ProjectStage.SIGNED),
        Field("chief_officer_id", "首席服务员", "select", options=_officers(), required=True),
        Field("description", "项目概况", "textarea", maxlength=5000),
    ]


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def project_create(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not can_manage_projects(user):
        raise NotFound()
    fields = _project_fields(user)
    if request.method == "POST":
        data = form_data(request, fields)
        try:
            project = projects.do_create_project(acting_user=user, data=data)
        except ValidationFailed as exc:
            return form_page(
                request,
                title="登记招商项目",
                fields=bind(fields, data, exc),
                error=exc,
                back=reverse("outreach:project_list"),
            )
        messages.success(request, f"已登记项目“{project.name}”")
        return redirect("outreach:project_detail", project.pk)
    return form_page(request, title="登记招商项目", fields=fields, back=reverse("outreach:project_list"))


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def project_edit(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    """Edit a project (the fields of `PATCH /projects/{id}`); a stale version is refused with 409."""
    user = request.user
    project = access_project(user, pk, "edit")
    fields = [
        Field("name", "项目名称", required=True, maxlength=120),
        Field("investor", "投资方", maxlength=120, help="尚未注册企业时的投资方"),
        Field("amount", "投资额（万元）", "number", required=True),
        Field("stage", "项目阶段", "select", options=list(ProjectStage.choices), required=True),
        Field("chief_officer_id", "首席服务员", "select", options=_officers(), required=True),
        Field("description", "项目概况", "textarea", maxlength=5000),
        Field("is_active", "在服务（取消勾选表示不再服务该项目）", "checkbox"),
        Field("version", "版本", "hidden"),
    ]
    title = f"修改招商项目：{project.name}"
    back = reverse("outreach:project_detail", args=[project.pk])
    if request.method == "POST":
        data = form_data(request, fields)
        changes = {k: v for k, v in data.items() if k != "version"}
        try:
            projects.do_update_project(
                acting_user=user, project_id=project.pk, version=data.get("version"), changes=changes
            )
        except (ValidationFailed, Conflict) as exc:
            return form_page(
                request, title=title, fields=bind(fields, data, exc), error=exc, back=back, submit="保存"
            )
        messages.success(request, "已保存项目修改")
        return redirect("outreach:project_detail", project.pk)
    values = {
        "name": project.name,
        "investor": project.investor,
        "amount": f"{project.amount:f}",
        "stage": project.stage,
        "chief_officer_id": project.chief_officer_id,
        "description": project.description,
        "is_active": project.is_active,
        "version": project.version,
    }
    return form_page(request, title=title, fields=bind(fields, values), back=back, submit="保存")
