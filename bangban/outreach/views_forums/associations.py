"""Pages of associations and their accounts (R5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.core.errors import NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.org.models import Region, RegionLevel

from .. import forums
from ..access import can_run_forums
from ..models import Association
from ..pages import Cell, Field, ListPage, bind, form_data, form_page, get_filters, list_page
from ._common import _create, _enterprise_options


@login_required
@require_GET
def association_list(request: AuthedHttpRequest) -> HttpResponse:
    if not has_any_role(request.user, STAFF_ROLES):
        return render(request, "core/error.html", {"error": NotFound()}, status=404)
    qs = Association.objects.select_related("region").prefetch_related("accounts")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(name__icontains=q)
    result = paginate(request, qs.order_by("name"))
    manage = can_run_forums(request.user)
    rows = [
        [
            Cell(a.name),
            Cell(a.region.name),
            Cell(a.contact_name or "—"),
            Cell(a.members.count()),
            Cell(
                "、".join(u.display_name for u in a.accounts.all()) or ("关联账号" if manage else "—"),
                link=reverse("outreach:association_accounts", args=[a.pk]) if manage else "",
            ),
        ]
        for a in result.page.object_list
    ]
    return list_page(
        request,
        ListPage(
            title="行业协会商会",
            headers=["名称", "区划", "联系人", "会员企业", "协会商会账号"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(request, [Field("q", "名称")]),
            create_url=reverse("outreach:association_create") if can_run_forums(request.user) else "",
            create_label="登记协会商会",
            empty="暂无协会商会",
            extra_links=[("议事厅", reverse("outreach:opinion_list"))],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def association_create(request: AuthedHttpRequest) -> HttpResponseBase:
    regions = Region.objects.filter(is_active=True).exclude(level=RegionLevel.VILLAGE).order_by("path")
    fields = [
        Field("name", "协会商会名称", required=True, maxlength=120),
        Field("region", "所在区划", "select", options=[(r.code, r.name) for r in regions], required=True),
        Field("contact_name", "联系人", maxlength=50),
        Field("contact_phone", "联系电话", "tel", maxlength=30),
        Field("member_ids", "会员企业", "multiselect", options=_enterprise_options(request.user)),
        Field(
            "account_ids", "协会商会账号（代表本会提交意见）", "multiselect", options=_association_accounts()
        ),
    ]
    return _create(
        request,
        allowed=can_run_forums(request.user),
        title="登记行业协会商会",
        fields=fields,
        action=forums.do_create_association,
        done=lambda a: redirect("outreach:association_list"),
        back=reverse("outreach:association_list"),
    )


def _association_accounts() -> list[tuple[int, str]]:

    users = User.objects.filter(is_active=True, roles__code=Role.ASSOCIATION).distinct().order_by("username")
    return [(u.pk, f"{u.display_name}（{u.username}）") for u in users[:500]]


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def association_accounts(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    """营商办 links the accounts that speak for an association."""
    if not can_run_forums(request.user):
        raise NotFound()
    association = Association.objects.filter(pk=pk).first()
    if association is None:
        raise NotFound()
    field = Field(
        "account_ids",
        "协会商会账号（代表本会提交意见、查看答复和评价）",
        "multiselect",
        options=_association_accounts(),
        value=[str(v) for v in association.accounts.values_list("pk", flat=True)],
    )
    title = f"关联账号：{association.name}"
    back = reverse("outreach:association_list")
    if request.method == "POST":
        data = form_data(request, [field])
        try:
            forums.do_set_association_accounts(acting_user=request.user, association_id=pk, data=data)
        except ValidationFailed as exc:
            return form_page(request, title=title, fields=bind([field], data, exc), error=exc, back=back)
        messages.success(request, "已更新协会商会账号")
        return redirect("outreach:association_list")
    return form_page(request, title=title, fields=[field], back=back, submit="保存")
