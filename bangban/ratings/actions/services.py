"""Ratings of service events at a site: counter devices (also in batches), window QR codes and 追评 links."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, connection, transaction

from bangban.accounts.models import User
from bangban.audit import actions as audit
from bangban.audit.actions import record
from bangban.core.errors import ApplicationError, Conflict, InvalidTransition, NotFound, ValidationFailed
from bangban.core.satisfaction import BAD_RATINGS, Satisfaction

from ..models import RatedSubject, Rating, RatingChannel, ServiceItem, Stage, SubjectKind, Window
from ._common import _now, _text
from ._recording import _clean, _insert_rating, _next_stage, _open_rectification
from .devices import DeviceInfo, device_async_commit, device_for_key, window_id_for
from .inputs import RatingInput
from .tokens import read_subject_token


def rate_service(
    *,
    acting_user: User | None,
    site_id: int,
    window_id: int | None,
    data: RatingInput,
    channel: str,
    staff_name: str = "",
    service_item: Any = None,
    event_ref: str = "",
    device: DeviceInfo | None = None,
    now: dt.datetime | None = None,
) -> Rating:
    """A first rating of one service event at a site (评价器, 二维码 or PC)."""
    now = _now(now)
    staff_name = _text(staff_name, 50)
    event_ref = _text(event_ref, 64)
    item_id = None
    if service_item not in (None, ""):
        item_id = (
            ServiceItem.objects.filter(site_id=site_id, is_active=True)
            .filter(**({"pk": service_item} if str(service_item).isdigit() else {"code": service_item}))
            .values_list("pk", flat=True)
            .first()
        )
        if item_id is None:
            raise ValidationFailed("服务事项不存在", code="service_item_unknown")
    rater = acting_user if getattr(acting_user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            if device is not None and device_async_commit() and connection.vendor == "postgresql":
                _async_commit()
            subject = RatedSubject.objects.create(
                kind=SubjectKind.SERVICE,
                unit_id=site_id,
                window_id=window_id,
                service_item_id=item_id,
                staff_name=staff_name,
                event_ref=event_ref,
                created_at=now,
            )
            return _insert_rating(
                subject,
                Stage.FIRST,
                data,
                channel=channel,
                rater=rater,
                proactive=True,
                now=now,
                device=device,
            )
    except IntegrityError:
        raise Conflict(f"办件“{event_ref}”已评价过，不能重复评价", code="already_rated") from None


def _async_commit() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def rate_from_device(*, raw_key: str | None, window_code: str | None, payload: dict[str, Any]) -> Rating:
    device = device_for_key(raw_key)
    if window_code:
        window_id = window_id_for(device.site_id, str(window_code))
    elif device.window_id is not None:
        window_id = device.window_id
    else:
        raise ValidationFailed("请指定窗口编号", code="window_required")
    data = RatingInput(
        level=payload.get("level"),
        scores=payload.get("scores"),
        comment=payload.get("comment") or "",
        anonymous=bool(payload.get("anonymous", True)),
        reversed_codes=device.reversed_codes,
    )
    return rate_service(
        acting_user=None,
        site_id=device.site_id,
        window_id=window_id,
        data=data,
        channel=RatingChannel.DEVICE,
        staff_name=payload.get("staff_name") or "",
        service_item=payload.get("service_item"),
        event_ref=payload.get("event_ref") or "",
        device=device,
    )


def rate_batch_from_device(
    *, raw_key: str | None, items: list[dict[str, Any]], now: dt.datetime | None = None
) -> list[Rating | ApplicationError]:
    """Ratings a device buffered (offline, or a busy hall): each item is checked as in
    `rate_from_device` and gets its own result; the accepted ones are written in one transaction
    with bulk inserts and one audit event each. A service event (event_ref) already rated, or
    repeated in the batch, is refused for that item only; if another request stores the same event
    at the same moment, the unique constraint refuses the whole batch (`already_rated`) and the
    device sends it again."""

    device = device_for_key(raw_key)
    now = _now(now)
    results: list[Rating | ApplicationError | None] = [None] * len(items)
    refs = {str(i.get("event_ref") or "").strip() for i in items} - {""}
    taken = set(
        RatedSubject.objects.filter(unit_id=device.site_id, event_ref__in=refs).values_list(
            "event_ref", flat=True
        )
    )
    codes = {str(i["service_item"]) for i in items if i.get("service_item") not in (None, "")}
    service_items = dict(
        ServiceItem.objects.filter(site_id=device.site_id, is_active=True, code__in=codes).values_list(
            "code", "pk"
        )
    )
    accepted: list[tuple[int, RatedSubject, Rating]] = []
    for index, payload in enumerate(items):
        try:
            code = payload.get("window")
            if code:
                window_id: int | None = window_id_for(device.site_id, str(code))
            elif device.window_id is not None:
                window_id = device.window_id
            else:
                raise ValidationFailed("请指定窗口编号", code="window_required")
            data = RatingInput(
                level=payload.get("level"),
                scores=payload.get("scores"),
                comment=payload.get("comment") or "",
                anonymous=bool(payload.get("anonymous", True)),
                reversed_codes=device.reversed_codes,
            )
            level, scores, comment = _clean(data)
            ref = _text(payload.get("event_ref"), 64)
            if ref and ref in taken:
                raise Conflict(f"办件“{ref}”已评价过，不能重复评价", code="already_rated")
            item_code = payload.get("service_item")
            item_id = None
            if item_code not in (None, ""):
                item_id = service_items.get(str(item_code))
                if item_id is None:
                    raise ValidationFailed("服务事项不存在", code="service_item_unknown")
            if ref:
                taken.add(ref)
            subject = RatedSubject(
                kind=SubjectKind.SERVICE, unit_id=device.site_id, window_id=window_id, service_item_id=item_id,
                staff_name=_text(payload.get("staff_name"), 50), event_ref=ref, created_at=now,
            )  # fmt: skip
            rating = Rating(
                stage=Stage.FIRST, level=level, scores=scores, comment=comment, channel=RatingChannel.DEVICE,
                anonymous=data.anonymous, proactive=True, device_id=device.id, unit_id=device.site_id, created_at=now,
            )  # fmt: skip
            accepted.append((index, subject, rating))
        except ApplicationError as exc:
            results[index] = exc
    if accepted:
        try:
            with transaction.atomic():
                RatedSubject.objects.bulk_create([a[1] for a in accepted])
                for _index, subject, rating in accepted:
                    rating.subject = subject
                Rating.objects.bulk_create([a[2] for a in accepted])
                entries: list[dict[str, Any]] = [
                    dict(
                        action="ratings.rate",
                        object_type="ratings.rating",
                        object_id=rating.pk,
                        object_repr=f"{subject} {Stage.FIRST.label} {Satisfaction(rating.level).label}",
                        after={
                            "subject": subject.pk,
                            "stage": Stage.FIRST,
                            "level": rating.level,
                            "channel": RatingChannel.DEVICE,
                            "anonymous": rating.anonymous,
                            "device": device.id,
                            "unit": subject.unit_id,
                        },
                    )
                    for _index, subject, rating in accepted
                ]
                record_many = getattr(audit, "record_many", None)
                if record_many is not None:
                    record_many([audit.Entry(**e) for e in entries])  # type: ignore[attr-defined]
                else:  # pragma: no cover - older audit module
                    for e in entries:
                        record(**e)
                for _index, subject, rating in accepted:
                    if rating.level in BAD_RATINGS:
                        _open_rectification(rating, subject, None, now)
        except IntegrityError:
            raise Conflict("批次中有办件已被评价，请重新上报", code="already_rated") from None
        for index, _subject, rating in accepted:
            results[index] = rating
    return [r for r in results if r is not None]


def rate_window_qr(*, acting_user: User, public_key: str, data: RatingInput, **fields: Any) -> Rating:
    window = Window.objects.filter(public_key=public_key, is_active=True).first()
    if window is None:
        raise NotFound("窗口不存在或已停用，请核对二维码", code="window_unknown")
    return rate_service(
        acting_user=acting_user, site_id=window.site_id, window_id=window.pk, data=data, channel=RatingChannel.QR,
        **fields,
    )  # fmt: skip


def rate_followup_by_token(
    *, acting_user: User, token: str, data: RatingInput, now: dt.datetime | None = None
) -> Rating:
    """追评 of a service event by whoever got its link after rating (or the rectification feedback)."""
    now = _now(now)
    subject_id = read_subject_token(token)
    try:
        with transaction.atomic():
            subject = RatedSubject.objects.select_for_update().filter(pk=subject_id).first()
            if subject is None:
                raise NotFound()
            stage = _next_stage(subject)
            if stage == Stage.FIRST:
                raise InvalidTransition("尚无首次评价", code="no_first_rating")
            rater = acting_user if getattr(acting_user, "is_authenticated", False) else None
            channel = RatingChannel.QR if subject.kind == SubjectKind.SERVICE else RatingChannel.PC
            return _insert_rating(subject, stage, data, channel=channel, rater=rater, proactive=True, now=now)
    except IntegrityError:
        raise Conflict("已评价并追评过，每项服务只能首评一次、追评一次", code="followup_exists") from None
