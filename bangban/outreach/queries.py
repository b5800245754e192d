"""Reads of outreach, shared by the pages, the exports and the API. Every list starts from the
`visible_*` of access.py, so no filter can widen a scope. An invalid filter value is refused with
`invalid_filter` (the pages show the message and ignore the value)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from bangban.core.errors import ValidationFailed
from bangban.enterprises.models import Industry, Tier

from .access import (
    visible_deliveries,
    visible_events,
    visible_opinions,
    visible_policies,
    visible_projects,
    visible_reports,
    visible_rounds,
    visible_symposia,
)
from .models import (
    AssociationOpinion,
    CollectionRound,
    Event,
    EventKind,
    InvestmentProject,
    OpinionStatus,
    Policy,
    PolicyDelivery,
    ProjectStage,
    ReportStatus,
    SupervisorReport,
    Symposium,
)
from .projects import late_rounds_q


def _value(params: Mapping[str, Any], name: str) -> str:
    raw = params.get(name)
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else ""
    return "" if raw is None else str(raw).strip()[:100]


def _bad(label: str, value: str) -> ValidationFailed:
    return ValidationFailed(f"{label}“{value[:20]}”无效", code="invalid_filter")


def _choice(params: Mapping[str, Any], name: str, label: str, choices: Any, errors: list[str]) -> str:
    value = _value(params, name)
    if value and value not in choices.values:
        errors.append(_bad(label, value).message)
        return ""
    return value


def _month(params: Mapping[str, Any], errors: list[str]) -> tuple[int, int] | None:
    value = _value(params, "month")
    if not value:
        return None
    try:
        year, month = (int(x) for x in value.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    errors.append(_bad("月份", value).message)
    return None


class Filtered:
    """A filtered list: `qs`, and `errors` (Chinese messages of ignored values)."""

    def __init__(self, qs: QuerySet[Any], errors: list[str]) -> None:
        self.qs = qs
        self.errors = errors

    def strict(self) -> QuerySet[Any]:
        if self.errors:
            raise ValidationFailed("；".join(self.errors), code="invalid_filter")
        return self.qs


def projects(user: Any, params: Mapping[str, Any]) -> Filtered:
    errors: list[str] = []
    qs: QuerySet[InvestmentProject] = visible_projects(user).select_related(
        "region", "enterprise", "chief_officer", "lead_unit"
    )
    q = _value(params, "q")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(investor__icontains=q) | Q(enterprise__name__icontains=q))
    stage = _choice(params, "stage", "项目阶段", ProjectStage, errors)
    if stage:
        qs = qs.filter(stage=stage)
    region = _value(params, "region")
    if region:
        qs = qs.filter(region__path__contains=f"/{region}/")
    officer = _value(params, "officer")
    if officer:
        if officer.isdigit():
            qs = qs.filter(chief_officer_id=int(officer))
        else:
            errors.append(_bad("首席服务员", officer).message)
    if _value(params, "mine") == "1":
        qs = qs.filter(chief_officer_id=user.pk)
    return Filtered(qs.order_by("-updated_at", "-id"), errors)


def rounds(user: Any, params: Mapping[str, Any]) -> Filtered:

    errors: list[str] = []
    qs: QuerySet[CollectionRound] = visible_rounds(user).select_related("region", "lead_unit", "submitted_by")
    month = _month(params, errors)
    if month:
        qs = qs.filter(year=month[0], month=month[1])
    state = _value(params, "state")
    if state == "late":
        qs = qs.filter(late_rounds_q(timezone.localdate()))
    elif state == "open":
        qs = qs.filter(submitted_at__isnull=True)
    elif state == "submitted":
        qs = qs.filter(submitted_at__isnull=False)
    elif state:
        errors.append(_bad("状态", state).message)
    region = _value(params, "region")
    if region:
        qs = qs.filter(region__code=region)
    qs = qs.annotate(n_problems=Count("problems", distinct=True))
    return Filtered(qs.order_by("-year", "-month", "region__path"), errors)


def policies(user: Any, params: Mapping[str, Any]) -> Filtered:

    errors: list[str] = []
    qs: QuerySet[Policy] = visible_policies(user).select_related("issuer")
    q = _value(params, "q")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(doc_number__icontains=q) | Q(summary__icontains=q))
    industry = _choice(params, "industry", "行业门类", Industry, errors)
    tier = _choice(params, "tier", "企业层级", Tier, errors)
    rows = qs.annotate(
        n_delivered=Count("deliveries", distinct=True),
        n_read=Count("deliveries", filter=Q(deliveries__read_at__isnull=False), distinct=True),
    ).order_by("-published_on", "-id")
    if industry or tier:
        # Tags are JSON lists (an empty list: any); membership is tested here rather than with
        # database-specific JSON operators, so the same query runs on SQLite and PostgreSQL. The
        # library holds hundreds of policies, not millions.
        ids = [
            p.pk
            for p in qs.select_related(None).only("id", "industries", "tiers")
            if (not industry or not p.industries or industry in p.industries)
            and (not tier or not p.tiers or tier in p.tiers)
        ]
        rows = rows.filter(pk__in=ids)
    return Filtered(rows, errors)


def deliveries(user: Any, params: Mapping[str, Any]) -> Filtered:
    errors: list[str] = []
    qs: QuerySet[PolicyDelivery] = visible_deliveries(user).select_related("policy", "enterprise", "read_by")
    policy = _value(params, "policy")
    if policy:
        if policy.isdigit():
            qs = qs.filter(policy_id=int(policy))
        else:
            errors.append(_bad("政策", policy).message)
    state = _value(params, "read")
    if state == "1":
        qs = qs.filter(read_at__isnull=False)
    elif state == "0":
        qs = qs.filter(read_at__isnull=True)
    elif state:
        errors.append(_bad("阅读状态", state).message)
    q = _value(params, "q")
    if q:
        qs = qs.filter(Q(policy__title__icontains=q) | Q(enterprise__name__icontains=q))
    return Filtered(qs.order_by("-delivered_at", "-id"), errors)


def opinions(user: Any, params: Mapping[str, Any]) -> Filtered:
    errors: list[str] = []
    qs: QuerySet[AssociationOpinion] = visible_opinions(user).select_related(
        "association", "answer_unit", "submitted_by"
    )
    q = _value(params, "q")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(association__name__icontains=q))
    status = _choice(params, "status", "状态", OpinionStatus, errors)
    if status:
        qs = qs.filter(status=status)
    return Filtered(qs.order_by("-submitted_at", "-id"), errors)


def reports(user: Any, params: Mapping[str, Any]) -> Filtered:
    errors: list[str] = []
    qs: QuerySet[SupervisorReport] = visible_reports(user).select_related("reporter", "region", "ticket")
    q = _value(params, "q")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(enterprise_name__icontains=q))
    status = _choice(params, "status", "状态", ReportStatus, errors)
    if status:
        qs = qs.filter(status=status)
    return Filtered(qs.order_by("-submitted_at", "-id"), errors)


def events(user: Any, params: Mapping[str, Any]) -> Filtered:
    errors: list[str] = []
    qs: QuerySet[Event] = visible_events(user).select_related("organiser")
    q = _value(params, "q")
    if q:
        qs = qs.filter(Q(theme__icontains=q) | Q(outcomes__icontains=q))
    kind = _choice(params, "kind", "类型", EventKind, errors)
    if kind:
        qs = qs.filter(kind=kind)
    return Filtered(qs.order_by("-held_on", "-id"), errors)


def _not_held_q(now: dt.datetime) -> Q:
    """The symposia whose half year is over at `now` (local date) without them being held within
    it: never marked held, or held after the half year's end (`symposia.not_held_in_half`)."""
    today = timezone.localdate(now)
    over = Q(year__lt=today.year) | (Q(year=today.year, half=1) if today.month > 6 else Q(pk__in=[]))
    late = Q(held_on__year__gt=F("year")) | Q(half=1, held_on__month__gt=6)
    return over & (Q(held_on__isnull=True) | late)


def symposia(user: Any, params: Mapping[str, Any], *, now: dt.datetime | None = None) -> Filtered:
    errors: list[str] = []
    qs: QuerySet[Symposium] = visible_symposia(user).select_related("lead_unit")
    q = _value(params, "q")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(themes__icontains=q))
    not_held = _value(params, "not_held")
    if not_held not in ("", "0", "1", "true", "false"):
        errors.append("半年内未召开 只能是 1 或 0")
    elif not_held in ("1", "true"):
        qs = qs.filter(_not_held_q(now or timezone.now()))
    qs = qs.annotate(
        n_nominations=Count("nominations", distinct=True),
        n_suggestions=Count("suggestions", distinct=True),
        n_co_units=Count("co_unit_links", distinct=True),
    )
    return Filtered(qs.order_by("-year", "-half"), errors)


def symposia_not_held(user: Any, now: dt.datetime) -> list[Symposium]:
    """The half years (their symposia) arranged but not held by the half year's end, newest first."""
    return list(visible_symposia(user).filter(_not_held_q(now)).order_by("-year", "-half"))
