"""Pages of 送政策: the policy library, a policy with its pushes and read receipts, the push's
progress (polled while a large push runs in the background), and the enterprise's own policies
(phone-friendly) where it reads them and asks questions back."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bangban.core.errors import REFUSALS, ApplicationError, Conflict, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import (
    human_size,
    limit_upload_size,
    max_upload_bytes,
    too_large_error,
    upload_was_too_large,
    xlsx_response,
)
from bangban.enterprises.models import Industry, Scale, Tier
from bangban.org.models import Region, RegionLevel, Unit, UnitType

from . import figures, policies, policy_import, pushes, queries
from .access import access_delivery, access_policy, access_push, can_manage_policies, is_enterprise_user
from .models import Policy, PolicyDelivery
from .pages import Cell, Field, ListPage, bind, form_data, form_page, get_filters, list_page


def _tags_text(values: list[str], choices: Any) -> str:
    labels = dict(choices)
    return "、".join(str(labels.get(v, v)) for v in values) if values else "不限"


@login_required
@require_GET
def policy_list(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if is_enterprise_user(user):
        return redirect("outreach:my_policies")
    filtered = queries.policies(user, request.GET)
    for message in filtered.errors:
        messages.warning(request, f"{message}（该条件已忽略）")
    result = paginate(request, filtered.qs)
    rows = [
        [
            Cell(p.title, link=reverse("outreach:policy_detail", args=[p.pk])),
            Cell(p.doc_number or "—"),
            Cell(p.issuer.short_name or p.issuer.name if p.issuer else "—"),
            Cell(_tags_text(p.industries, Industry.choices)),
            Cell(_tags_text(p.tiers, Tier.choices)),
            Cell(p.n_delivered),
            Cell(p.n_read),
            Cell("有效" if p.is_active else "已失效", badge="success" if p.is_active else "secondary"),
        ]
        for p in result.page.object_list
    ]
    can_manage = can_manage_policies(user)
    return list_page(
        request,
        ListPage(
            title="惠企政策库",
            headers=["政策", "文号", "发布单位", "适用行业", "适用层级", "已送达", "已读", "状态"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(
                request,
                [
                    Field("q", "政策名称、文号或要点"),
                    Field("industry", "行业门类", "select", options=list(Industry.choices)),
                    Field("tier", "企业层级", "select", options=list(Tier.choices)),
                ],
            ),
            create_url=reverse("outreach:policy_create") if can_manage else "",
            create_label="录入政策",
            extra_links=[("落地成效", reverse("outreach:policy_effects"))]
            + ([("批量导入", reverse("outreach:policy_import"))] if can_manage else []),
            export_url=reverse("outreach:policy_export"),
            empty="暂无惠企政策" + ("，可点击“录入政策”添加" if can_manage else ""),
            testid="policy-table",
        ),
    )


@login_required
@require_GET
@page_errors
def policy_export(request: AuthedHttpRequest) -> HttpResponseBase:
    if is_enterprise_user(request.user):
        raise NotFound()
    qs = queries.policies(request.user, request.GET).strict()
    rows = (
        [
            p.title,
            p.doc_number,
            p.issuer.name if p.issuer else "",
            p.published_on,
            p.valid_until,
            _tags_text(p.industries, Industry.choices),
            _tags_text(p.scales, Scale.choices),
            _tags_text(p.tiers, Tier.choices),
            "、".join(p.region_codes) or "不限",
            p.n_delivered,
            p.n_read,
        ]
        for p in qs
    )
    headers = [
        "政策",
        "文号",
        "发布单位",
        "发布日期",
        "有效期至",
        "适用行业",
        "适用规模",
        "适用层级",
        "适用区划",
        "已送达",
        "已读",
    ]
    return xlsx_response("惠企政策库.xlsx", headers, rows, "惠企政策")


def policy_fields() -> list[Field]:
    regions = Region.objects.filter(
        is_active=True, level__in=[RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.ZONE]
    )
    units = Unit.objects.filter(
        is_active=True,
        type__in=[UnitType.CITY_DEPARTMENT, UnitType.COUNTY_GOVERNMENT, UnitType.ZONE_COMMITTEE],
    )
    return [
        Field("title", "政策名称", required=True, maxlength=160),
        Field("doc_number", "文号", maxlength=60, help="如 宿政办发〔2024〕15号"),
        Field(
            "issuer_id",
            "发布单位",
            "select",
            options=[(u.pk, u.name) for u in units.order_by("region__path", "name")],
        ),
        Field("summary", "政策要点", "textarea", required=True, maxlength=5000),
        Field("body", "政策正文", "textarea", maxlength=50000, help="可粘贴政策全文，企业阅读时显示"),
        Field("url", "原文链接", maxlength=200),
        Field("published_on", "发布日期", "date"),
        Field("valid_until", "有效期至", "date"),
        Field("industries", "适用行业（不选为不限）", "multiselect", options=list(Industry.choices)),
        Field(
            "region_codes",
            "适用区划（不选为全市）",
            "multiselect",
            options=[(r.code, r.name) for r in regions.order_by("path")],
        ),
        Field("scales", "适用规模（不选为不限）", "multiselect", options=list(Scale.choices)),
        Field("tiers", "适用层级（不选为不限）", "multiselect", options=list(Tier.choices)),
        Field(
            "keywords",
            "关联关键词",
            maxlength=400,
            help="用逗号或顿号分隔；诉求标题或内容含其中任一词（或本政策文号）即计为涉及本政策的诉求",
        ),
    ]


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def policy_create(request: AuthedHttpRequest) -> HttpResponseBase:
    if not can_manage_policies(request.user):
        raise NotFound()
    fields = policy_fields()
    back = reverse("outreach:policy_list")
    if request.method == "POST":
        data = form_data(request, fields)
        try:
            policy = policies.do_create_policy(acting_user=request.user, data=data)
        except ValidationFailed as exc:
            return form_page(
                request, title="录入惠企政策", fields=bind(fields, data, exc), error=exc, back=back
            )
        messages.success(request, "已录入政策，可在政策页推送给符合条件的企业")
        return redirect("outreach:policy_detail", policy.pk)
    return form_page(request, title="录入惠企政策", fields=fields, back=back)


def _policy_values(policy: Policy) -> dict[str, Any]:
    return {
        "title": policy.title,
        "doc_number": policy.doc_number,
        "issuer_id": policy.issuer_id or "",
        "summary": policy.summary,
        "body": policy.body,
        "url": policy.url,
        "published_on": policy.published_on.isoformat() if policy.published_on else "",
        "valid_until": policy.valid_until.isoformat() if policy.valid_until else "",
        "industries": policy.industries,
        "region_codes": policy.region_codes,
        "scales": policy.scales,
        "tiers": policy.tiers,
        "keywords": "，".join(policy.keywords or []),
        "is_active": policy.is_active,
        "version": policy.version,
    }


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def policy_edit(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    """Edit a policy of the library: a stale version (someone saved first) is refused with 409."""
    user = request.user
    if is_enterprise_user(user):
        raise NotFound()
    policy = access_policy(user, pk, "edit")
    fields = [
        *policy_fields(),
        Field("is_active", "有效（取消勾选表示政策已失效，不再推送）", "checkbox"),
        Field("version", "版本", "hidden"),
    ]
    title = f"修改惠企政策：{policy.title}"
    back = reverse("outreach:policy_detail", args=[policy.pk])
    if request.method == "POST":
        data = form_data(request, fields)
        try:
            policies.do_update_policy(
                acting_user=user, policy_id=policy.pk, version=data.pop("version", None), data=data
            )
        except (ValidationFailed, Conflict) as exc:
            data["version"] = request.POST.get("version", "")
            return form_page(
                request, title=title, fields=bind(fields, data, exc), error=exc, back=back, submit="保存"
            )
        messages.success(request, "已保存政策修改")
        return redirect("outreach:policy_detail", policy.pk)
    return form_page(
        request, title=title, fields=bind(fields, _policy_values(policy)), back=back, submit="保存"
    )


@login_required
@require_GET
@page_errors
def policy_detail(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    if is_enterprise_user(user):
        raise NotFound()
    policy = access_policy(user, pk)
    filtered = queries.deliveries(user, {**request.GET.dict(), "policy": str(policy.pk)})
    result = paginate(request, filtered.qs)
    pushes = list(policy.pushes.select_related("pushed_by")[:20])
    deliveries = PolicyDelivery.objects.filter(policy=policy)
    return render(
        request,
        "outreach/policy_detail.html",
        {
            "policy": policy,
            "pushes": pushes,
            "page": result.page,
            "qs": result.querystring_without_page,
            "read_filter": request.GET.get("read", ""),
            "can_push": can_manage_policies(user),
            "industries": _tags_text(policy.industries, Industry.choices),
            "scales": _tags_text(policy.scales, Scale.choices),
            "tiers": _tags_text(policy.tiers, Tier.choices),
            "regions": "、".join(
                Region.objects.filter(code__in=policy.region_codes).values_list("name", flat=True)
            )
            or "全市",
            "counts": {
                "delivered": deliveries.count(),
                "read": deliveries.filter(read_at__isnull=False).count(),
            },
            "matching": policies.matching_enterprises(policy).count() if can_manage_policies(user) else None,
            "effect": figures.policy_effect(policy),
            "effect_rule": figures.POLICY_EFFECT_RULE,
        },
    )


@login_required
@require_POST
@page_errors
def policy_push(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    try:
        push = pushes.do_push_policy(
            acting_user=request.user, policy_id=pk, send_sms=request.POST.get("send_sms") == "1"
        )
    except REFUSALS:
        raise
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
        return redirect("outreach:policy_detail", pk)
    if push.running:
        messages.info(request, f"正在向 {push.total} 家企业推送，可在本页查看进度")
    else:
        messages.success(request, f"已推送给 {push.delivered} 家企业（站内消息和短信）")
    return redirect("outreach:policy_detail", pk)


@login_required
@require_GET
@page_errors
def push_progress(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "outreach/_push_progress.html", {"push": access_push(request.user, pk)})


@login_required
@require_GET
@page_errors
def delivery_export(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    policy = access_policy(request.user, pk)
    qs = queries.deliveries(request.user, {**request.GET.dict(), "policy": str(policy.pk)}).strict()
    rows = (
        [
            d.enterprise.name,
            d.enterprise.uscc,
            timezone.localtime(d.delivered_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(d.read_at).strftime("%Y-%m-%d %H:%M") if d.read_at else "未读",
            d.read_by.display_name if d.read_by else "",
        ]
        for d in qs.iterator(chunk_size=1000)
    )
    return xlsx_response(
        f"政策送达回执-{policy.title[:30]}.xlsx",
        ["企业", "统一社会信用代码", "送达时间", "阅读时间", "阅读人"],
        rows,
        "送达回执",
        text_columns=[1],
    )


# --- bulk import (.xlsx) ------------------------------------------------------------------------------


@login_required
@page_errors
@limit_upload_size
def policy_import_upload(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_manage_policies(user):
        raise NotFound()
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            if upload_was_too_large(request):
                raise too_large_error(max_upload_bytes())
            batch = policy_import.do_preview_policy_import(
                acting_user=user, uploaded_file=request.FILES.get("file")
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            error = exc
        else:
            return redirect("outreach:policy_import_preview", batch.pk)
    return render(
        request,
        "outreach/policy_import.html",
        {
            "error": error,
            "max_size": human_size(max_upload_bytes()),
            "required": policy_import.REQUIRED_COLUMNS,
            "optional": policy_import.OPTIONAL_COLUMNS,
            "recent": list(policy_import.recent_imports(user)),
        },
        status=error.status if error else 200,
    )


@login_required
@require_GET
@page_errors
def policy_import_template(request: AuthedHttpRequest) -> HttpResponseBase:
    if not can_manage_policies(request.user):
        raise NotFound()
    example = [policy_import.TEMPLATE_EXAMPLE[c] for c in policy_import.COLUMNS]
    return xlsx_response(
        "惠企政策导入模板.xlsx",
        list(policy_import.COLUMNS),
        [example],
        "惠企政策",
        extra_sheets=[("填写说明", ["列", "是否必填", "说明"], policy_import.TEMPLATE_NOTES)],
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def policy_import_preview(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    batch = policy_import.access_import(user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("do") == "cancel":
                policy_import.do_cancel_policy_import(acting_user=user, import_id=pk)
                messages.info(request, "已取消本次导入，政策库未改动")
                return redirect("outreach:policy_import")
            batch = policy_import.do_apply_policy_import(acting_user=user, import_id=pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, exc.message)
            return redirect("outreach:policy_import_preview", pk)
        messages.success(request, f"已导入 {batch.created_count} 条政策")
        return redirect("outreach:policy_import_preview", pk)
    only_errors = request.GET.get("errors") == "1"
    rows = [r for r in batch.rows if not only_errors or r.get("data") is None]
    return render(
        request,
        "outreach/policy_import_preview.html",
        {"batch": batch, "rows": rows, "only_errors": only_errors},
    )


# --- the enterprise's side ---------------------------------------------------------------------------


@login_required
@require_GET
def my_policies(request: AuthedHttpRequest) -> HttpResponse:
    filtered = queries.deliveries(request.user, request.GET)
    result = paginate(request, filtered.qs)
    return render(
        request,
        "outreach/my_policies.html",
        {"page": result.page, "qs": result.querystring_without_page, "q": request.GET.get("q", "")},
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def my_policy(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    delivery = access_delivery(user, pk)
    error = None
    content = ""
    if request.method == "POST":
        content = request.POST.get("content", "")
        try:
            question = policies.do_ask_question(acting_user=user, delivery_id=pk, content=content)
        except ValidationFailed as exc:
            error = exc
        else:
            messages.success(
                request, f"已提交，诉求编号 {question.ticket.number}，办理进展可在“我的诉求”查看"
            )
            return redirect("outreach:my_policy", pk)
    else:
        delivery = policies.do_mark_read(acting_user=user, delivery_id=pk)
    questions = list(delivery.questions.select_related("ticket"))
    return render(
        request,
        "outreach/my_policy.html",
        {
            "delivery": delivery,
            "policy": delivery.policy,
            "questions": questions,
            "error": error,
            "content": content,
            "can_ask": is_enterprise_user(user),
        },
        status=error.status if error else 200,
    )


@login_required
@require_GET
@page_errors
def policy_effects(request: AuthedHttpRequest) -> HttpResponseBase:
    """惠企政策落地成效: per policy, uptake, questions and the cases about it (`figures`)."""
    user = request.user
    if is_enterprise_user(user):
        raise NotFound()
    filtered = queries.policies(user, request.GET)
    if request.path.endswith(".xlsx"):
        rows = [e.row() for e in figures.policy_effects(filtered.strict()[:2000])]
        return xlsx_response(
            "惠企政策落地成效.xlsx",
            figures.POLICY_EFFECT_HEADERS,
            [*rows, [], [figures.POLICY_EFFECT_RULE]],
            "落地成效",
        )
    result = paginate(request, filtered.qs)
    effects = [figures.policy_effect(p) for p in result.page.object_list]
    rows = [
        [
            Cell(e.policy.title, link=reverse("outreach:policy_detail", args=[e.policy.pk])),
            Cell(e.policy.doc_number or "—"),
            Cell(e.delivered),
            Cell(e.read),
            Cell("—" if e.read_rate is None else f"{e.read_rate:.1f}%"),
            Cell(e.questions),
            Cell(e.cases),
            Cell(e.closed),
        ]
        for e in effects
    ]
    return list_page(
        request,
        ListPage(
            title="惠企政策落地成效",
            headers=["政策", "文号", "送达企业", "已读企业", "阅读率", "企业提问", "涉及诉求", "其中已办结"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(request, [Field("q", "政策名称、文号或要点")]),
            export_url=reverse("outreach:policy_effects_export"),
            empty="暂无惠企政策",
            testid="policy-effect-table",
            note=figures.POLICY_EFFECT_RULE,
        ),
    )
