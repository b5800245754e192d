"""Pages of the 企业满意度回头看 (R14.2): the samples of enterprises (random with a recorded seed, or
chosen by 统一社会信用代码) and one sample's enterprises with their satisfaction and results."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.core.errors import REFUSALS, ApplicationError, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.enterprises.models import Enterprise

from .. import access, recheck, recheck_enterprises
from ..models import EnterpriseRecheck, EnterpriseRecheckOutcome
from ._common import _links


def _require_reader(user: object) -> None:
    if not has_any_role(user, access.RECHECK_ROLES | {"auditor"}):
        raise NotFound()


def _chosen(text: str) -> list[int]:
    codes = [c.upper() for c in re.split(r"[\s,，、;；]+", text or "") if c]
    found = dict(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", "pk"))
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationFailed(
            f"统一社会信用代码不存在：{'、'.join(unknown[:10])}", code="enterprise_invalid"
        )
    return list(found.values())


@login_required
@page_errors
def enterprise_rechecks(request: AuthedHttpRequest) -> HttpResponse:
    _require_reader(request.user)
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            try:
                year, month = (int(x) for x in (request.POST.get("month") or "").split("-", 1))
            except ValueError:
                raise ValidationFailed("月份格式应为 YYYY-MM", code="month_invalid") from None
            chosen = _chosen(request.POST.get("uscc", "")) if request.POST.get("mode") == "chosen" else None
            if request.POST.get("mode") == "chosen" and not chosen:
                raise ValidationFailed("请填写要回头看的企业的统一社会信用代码", code="enterprise_invalid")
            sample = recheck_enterprises.do_sample_enterprises(
                acting_user=request.user, year=year, month=month, enterprise_ids=chosen,
                seed=request.POST.get("seed") or None, now=timezone.now(),
            )  # fmt: skip
            messages.success(request, f"已抽取 {len(sample.enterprise_ids)} 家企业")
            return redirect("ratings:enterprise_recheck", recheck_id=sample.pk)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
    result = paginate(request, EnterpriseRecheck.objects.order_by("-year", "-month", "-id"))
    y, m = recheck.previous_month(timezone.now())
    return render(
        request,
        "ratings/enterprise_rechecks.html",
        {"page": result.page, "rows": result.items, "qs": result.querystring_without_page, "error": error,
         "default_month": f"{y}-{m:02d}", "can_record": has_any_role(request.user, access.RECHECK_ROLES), "links": _links(request.user), "form": request.POST if error else {}},
        status=error.status if error else 200,
    )  # fmt: skip


@login_required
@page_errors
def enterprise_recheck(request: AuthedHttpRequest, recheck_id: int) -> HttpResponse:
    _require_reader(request.user)
    sample = EnterpriseRecheck.objects.filter(pk=recheck_id).first()
    if sample is None:
        raise NotFound()
    error = None
    if request.method == "POST":
        try:
            recheck_enterprises.do_record_enterprise_outcome(
                acting_user=request.user, recheck_id=sample.pk, enterprise_id=request.POST.get("enterprise"),
                outcome=request.POST.get("outcome", ""), note=request.POST.get("note", ""), now=timezone.now(),
            )  # fmt: skip
            messages.success(request, "回头看结果已登记")
            return redirect(request.get_full_path())
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
    page = Paginator(sample.enterprise_ids, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ratings/enterprise_recheck.html",
        {
            "sample": sample,
            "page": page,
            "qs": "",
            "rows": recheck_enterprises.sample_rows(sample, list(page.object_list)),
            "checked": sample.items.count(),
            "reproducible": recheck_enterprises.rederive(sample) if request.GET.get("rederive") else None,
            "outcomes": EnterpriseRecheckOutcome.choices,
            "can_record": has_any_role(request.user, access.RECHECK_ROLES),
            "error": error,
            "links": _links(request.user),
        },
        status=error.status if error else 200,
    )
