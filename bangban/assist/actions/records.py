"""Service records (帮办服务记录): a 帮办代办员 records each service given — what, for whom, from
when to when, with what outcome — and the enterprise may rate it through the record's QR/link."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import Conflict, NotFound, ValidationFailed
from bangban.core.kit import durable_action
from bangban.ratings.actions import RatingInput, rate_service
from bangban.ratings.models import RatingChannel

from ..access import access_site, require_officer
from ..models import MATTER_MAX, NOTE_MAX, Outcome, RecordRating, RosterEntry, ServiceRecord, ServiceType
from ._common import enterprise, moment, text

# The same officer, enterprise and matter recorded again within this time is the same service.
DUPLICATE_WINDOW = dt.timedelta(minutes=10)
# One service lasts at most a day; a longer span is a typing mistake.
LONGEST = dt.timedelta(hours=12)


@dataclass
class RecordInput:
    site_id: Any = None
    service_type: Any = ""
    enterprise_id: Any = None
    enterprise_name: Any = ""
    matter: Any = ""
    started_at: Any = None
    ended_at: Any = None
    outcome: Any = ""
    outcome_note: Any = ""


def _hm(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%m-%d %H:%M")


def _clean(user: User, data: RecordInput, now: dt.datetime) -> dict[str, Any]:
    service_type = str(data.service_type or "").strip()
    if service_type not in ServiceType.values:
        raise ValidationFailed(
            "服务类型应为 咨询解答、导服导办、全程帮办 或 免费代办",
            code="invalid_service_type",
            details={"field": "service_type"},
        )
    found, name = enterprise(user, data.enterprise_id, data.enterprise_name)
    matter = text(data.matter, "matter", "事项", MATTER_MAX, required=True)
    started = moment(data.started_at, "started_at", "开始时间", now)
    ended = moment(data.ended_at, "ended_at", "结束时间", now)
    assert started is not None and ended is not None
    if ended <= started:
        raise ValidationFailed(
            "结束时间应晚于开始时间", code="end_before_start", details={"field": "ended_at"}
        )
    if ended - started > LONGEST:
        raise ValidationFailed(
            "一次服务不能超过 12 小时，请核对开始和结束时间",
            code="span_too_long",
            details={"field": "ended_at"},
        )
    outcome = str(data.outcome or "").strip()
    if outcome not in Outcome.values:
        raise ValidationFailed(
            "结果应为 办结、转办 或 未办结", code="invalid_outcome", details={"field": "outcome"}
        )
    note = text(data.outcome_note, "outcome_note", "结果说明", NOTE_MAX)
    if outcome != Outcome.DONE and not note:
        raise ValidationFailed(
            "转办须写明转至何处，未办结须写明原因",
            code="outcome_note_required",
            details={"field": "outcome_note"},
        )
    return {
        "service_type": service_type,
        "enterprise": found,
        "enterprise_name": name,
        "matter": matter,
        "started_at": started,
        "ended_at": ended,
        "minutes": math.ceil((ended - started).total_seconds() / 60),
        "outcome": outcome,
        "outcome_note": note,
    }


def _refuse_repeats(officer: User, fields: dict[str, Any]) -> None:
    """The same service twice (officer + enterprise + matter within minutes), or two services of
    one officer at once (overlapping spans): refused, naming the record already there."""
    mine = ServiceRecord.objects.filter(officer=officer)
    same_enterprise = (
        Q(enterprise=fields["enterprise"])
        if fields["enterprise"] is not None
        else Q(enterprise__isnull=True, enterprise_name=fields["enterprise_name"])
    )
    twin = (
        mine.filter(same_enterprise, matter=fields["matter"])
        .filter(
            started_at__gte=fields["started_at"] - DUPLICATE_WINDOW,
            started_at__lte=fields["started_at"] + DUPLICATE_WINDOW,
        )
        .first()
    )
    if twin is not None:
        raise Conflict(
            f"该服务已登记：{_hm(twin.started_at)} {twin.enterprise_name}“{twin.matter}”（同一企业、同一事项"
            f"相隔不到 {DUPLICATE_WINDOW.seconds // 60} 分钟），请勿重复登记",
            code="record_duplicate",
        )
    overlap = mine.filter(started_at__lt=fields["ended_at"], ended_at__gt=fields["started_at"]).first()
    if overlap is not None:
        raise Conflict(
            f"您在 {_hm(overlap.started_at)}–{timezone.localtime(overlap.ended_at):%H:%M} 已登记了为"
            f"{overlap.enterprise_name}办理“{overlap.matter}”的服务，同一人的服务时间不能重叠",
            code="record_overlaps",
        )


@durable_action
def do_record_service(*, acting_user: User, data: RecordInput, now: dt.datetime) -> ServiceRecord:
    site = access_site(acting_user, data.site_id)
    require_officer(acting_user, site.pk)
    if not site.is_active:
        raise ValidationFailed("站点已停用，不能登记服务", code="site_inactive")
    fields = _clean(acting_user, data, now)
    # The officer's roster entry is the lock that queues two records of one officer.
    list(RosterEntry.objects.select_for_update().filter(user=acting_user, end_on__isnull=True))
    _refuse_repeats(acting_user, fields)
    service = ServiceRecord.objects.create(site=site, officer=acting_user, created_at=now, **fields)
    record(
        "assist.record_create",
        actor=acting_user,
        obj=service,
        after={
            "site": site.pk,
            "service_type": service.service_type,
            "enterprise": service.enterprise_id,
            "enterprise_name": service.enterprise_name,
            "matter": service.matter,
            "started_at": service.started_at.isoformat(),
            "ended_at": service.ended_at.isoformat(),
            "minutes": service.minutes,
            "outcome": service.outcome,
        },
    )
    return service


def event_ref(service: ServiceRecord) -> str:
    """The 办件号 of a service record in ratings (unique within the rated unit)."""
    return f"帮办服务-{service.pk}"


@durable_action
def do_rate_record(*, acting_user: Any, rating_key: str, data: RatingInput, now: dt.datetime) -> RecordRating:
    """The enterprise's 好差评 of one service, from the record's QR code or link (no account needed,
    as a window's QR). The rating is stored by ratings (its audit event, and a 差评's
    rectification); this app keeps the link from the record to it. Once only."""
    service = (
        ServiceRecord.objects.select_for_update(of=("self",))
        .select_related("site", "officer", "officer__unit")
        .filter(rating_key=str(rating_key or "")[:24])
        .first()
    )
    if service is None:
        raise NotFound("评价码无效，请核对二维码", code="rating_key_unknown")
    if RecordRating.objects.filter(record=service).exists():
        raise Conflict("该次服务已评价过，感谢您的反馈", code="already_rated")
    unit_id = service.site.unit_id or service.officer.unit_id
    if unit_id is None:
        raise ValidationFailed("该站点未关联单位，暂不能评价", code="rating_unavailable")
    rating = rate_service(
        acting_user=acting_user,
        site_id=unit_id,
        window_id=None,
        data=data,
        channel=RatingChannel.QR,
        staff_name=service.officer.display_name,
        event_ref=event_ref(service),
        now=now,
    )
    return RecordRating.objects.create(record=service, rating=rating, created_at=now)
