"""The registers the draw reads, on one page: credit tiers (set one, or paste many), the
qualifications of the unit's inspectors, and their declared links (recusal)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors

from .. import actions
from ..access import is_inspector, is_manager, is_planner, is_unit_head
from ..models import CreditRating, CreditTier, Link, LinkKind, Qualification
from ._common import field_errors


def _inspectors(user: Any) -> Any:
    qs = (
        User.objects.filter(is_active=True, roles__code=Role.INSPECTOR)
        .select_related("unit")
        .order_by("unit__name", "pk")
    )
    if is_manager(user):
        return qs
    if is_unit_head(user):
        return qs.filter(Q(unit_id=user.unit_id) | Q(pk=user.pk))
    return qs.filter(pk=user.pk)


def _act(request: AuthedHttpRequest) -> str:
    user, post, now = request.user, request.POST, timezone.now()
    action = post.get("action", "")
    if action == "tier":
        actions.do_set_tier(
            acting_user=user, enterprise_id=post.get("enterprise"), tier=post.get("tier"), now=now
        )
        return "信用等级已保存"
    if action == "import":
        count = actions.do_import_tiers(acting_user=user, lines=post.get("lines", ""), now=now)
        return f"已导入 {count} 家企业的信用等级"
    if action == "qualification":
        actions.do_save_qualification(
            acting_user=user, inspector_id=post.get("inspector"), certificate=post.get("certificate"),
            fields=post.get("fields", ""), now=now,
        )  # fmt: skip
        return "执法资格已保存"
    if action == "link":
        actions.do_declare_link(
            acting_user=user, inspector_id=post.get("inspector"), enterprise_id=post.get("enterprise"),
            kind=post.get("kind"), note=post.get("note", ""), now=now,
        )  # fmt: skip
        return "回避关联已登记，该执法人员今后不会被抽到该企业"
    if action == "unlink":
        actions.do_remove_link(acting_user=user, link_id=post.get("link"), now=now)
        return "回避关联已撤销"
    raise NotFound()


@login_required
@page_errors
def registers(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not (is_planner(user) or is_inspector(user)):
        raise NotFound()
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            text = _act(request)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, text)
            return redirect("inspections:registers")
    inspectors = list(_inspectors(user)[:200])
    ids = [i.pk for i in inspectors]
    quals = {q.inspector_id: q for q in Qualification.objects.filter(inspector_id__in=ids)}
    tiers = (
        CreditRating.objects.exclude(tier=CreditTier.B)
        .select_related("enterprise")
        .order_by("tier", "enterprise__name")
    )
    return render(
        request,
        "inspections/registers.html",
        {
            "inspectors": [(i, quals.get(i.pk)) for i in inspectors],
            "links": Link.objects.filter(inspector_id__in=ids).select_related("inspector", "enterprise")[
                :200
            ],
            "tier_page": paginate(request, tiers).page,
            "tiers": CreditTier.choices,
            "kinds": LinkKind.choices,
            "can_tier": is_planner(user),
            "errors": errors,
            "values": request.POST,
        },
        status=status,
    )
