"""Windows, service items and counter devices (评价器), with the per-process caches of device
keys and windows that the device path reads."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core.errors import (
    ApplicationError,
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from bangban.core.kit import durable_action
from bangban.org.models import Unit

from .. import access
from ..models import RatingDevice, ServiceItem, Window, hash_key
from ._common import _now, _text

DEVICE_CACHE_SECONDS = 5.0


def device_async_commit() -> bool:
    """Whether a counter device's rating is committed without waiting for the WAL flush
    (PostgreSQL `synchronous_commit = off` for that transaction only; setting
    `BANGBAN_DEVICE_ASYNC_COMMIT`, off by default): faster, but a crash of the database server can
    lose the acknowledged ratings of its last fraction of a second — whole transactions, the
    rating with its audit event. See docs/ratings.md ("评价器的提交方式")."""
    return bool(getattr(settings, "BANGBAN_DEVICE_ASYNC_COMMIT", False))


class DeviceKeyRejected(ApplicationError):
    code = "device_key_invalid"
    message = "评价器密钥无效"
    status = 401


def _site(site_id: Any) -> Unit:
    try:
        site = Unit.objects.get(pk=int(site_id))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise ValidationFailed("服务场所不存在", code="site_unknown") from None
    if site.type != "service_site" or not site.is_active:
        raise ValidationFailed(f"“{site.name}”不是启用的政务服务场所", code="site_invalid")
    return site


def do_create_window(*, acting_user: User, site_id: Any, code: str, name: str) -> Window:
    site = _site(site_id)
    if not access.can_manage_site(acting_user, site.pk):
        raise PermissionDenied("只有营商办或该场所负责人可以登记窗口")
    code = _text(code, 20, required="请填写窗口编号", code="code_required")
    name = _text(name, 80, required="请填写窗口名称", code="name_required")
    try:
        with transaction.atomic(durable=True):
            window = Window.objects.create(site=site, code=code, name=name)
            record("ratings.window_create", actor=acting_user, obj=window, after=snapshot(window))
    except IntegrityError:
        raise Conflict(f"{site.name}已有编号为“{code}”的窗口", code="window_exists") from None
    _forget_windows()
    return window


def do_set_window_active(*, acting_user: User, window_id: int, active: bool) -> Window:
    with transaction.atomic(durable=True):
        window = (
            access.visible_windows(acting_user).select_for_update(of=("self",)).filter(pk=window_id).first()
        )
        if window is None:
            raise NotFound()
        if not access.can_manage_site(acting_user, window.site_id):
            raise PermissionDenied("只有营商办或该场所负责人可以修改窗口")
        before = snapshot(window)
        window.is_active = bool(active)
        window.version += 1
        window.save(update_fields=["is_active", "version"])
        record("ratings.window_update", actor=acting_user, obj=window, before=before, after=snapshot(window))
    _forget_windows()
    return window


def do_create_service_item(*, acting_user: User, site_id: Any, code: str, name: str) -> ServiceItem:
    site = _site(site_id)
    if not access.can_manage_site(acting_user, site.pk):
        raise PermissionDenied("只有营商办或该场所负责人可以登记服务事项")
    code = _text(code, 40, required="请填写事项编码", code="code_required")
    name = _text(name, 120, required="请填写事项名称", code="name_required")
    try:
        with transaction.atomic(durable=True):
            item = ServiceItem.objects.create(site=site, code=code, name=name)
            record("ratings.item_create", actor=acting_user, obj=item, after=snapshot(item))
    except IntegrityError:
        raise Conflict(f"{site.name}已有编码为“{code}”的事项", code="item_exists") from None
    return item


@durable_action
def do_create_device(
    *, acting_user: User, site_id: Any, name: str, window_id: Any = None, reversed_codes: bool = False
) -> tuple[RatingDevice, str]:
    """Register a counter device; returns it with its raw key (shown once, only the hash is kept)."""
    site = _site(site_id)
    if not access.can_manage_site(acting_user, site.pk):
        raise PermissionDenied("只有营商办或该场所负责人可以登记评价器")
    name = _text(name, 80, required="请填写设备名称", code="name_required")
    window = None
    if window_id not in (None, ""):
        window = Window.objects.filter(pk=window_id, site=site).first()
        if window is None:
            raise ValidationFailed("该场所没有这个窗口", code="window_unknown")
    raw = RatingDevice.generate_raw()
    device = RatingDevice.objects.create(
        site=site,
        window=window,
        name=name,
        reversed_codes=bool(reversed_codes),
        key_prefix=raw[:8],
        key_hash=hash_key(raw),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    record(
        "ratings.device_create",
        actor=acting_user,
        obj=device,
        after=snapshot(device, exclude=("key_hash",)),
    )
    return device, raw


@durable_action
def do_revoke_device(*, acting_user: User, device_id: int, now: dt.datetime | None = None) -> RatingDevice:
    now = _now(now)
    device = RatingDevice.objects.select_for_update().filter(pk=device_id).first()
    if device is None or not access.can_manage_site(acting_user, device.site_id):
        raise NotFound()
    if device.revoked_at is not None:
        raise InvalidTransition("该评价器密钥已吊销", code="device_revoked")
    device.revoked_at = now
    device.save(update_fields=["revoked_at"])
    record("ratings.device_revoke", actor=acting_user, obj=device, after={"revoked_at": now})
    _DEVICE_CACHE.pop(device.key_hash, None)
    return device


# The device path is the hot one (every counter in the city posts here). A key's row is cached
# per process for DEVICE_CACHE_SECONDS: a revocation takes effect at once in the process that
# made it and within that many seconds everywhere else. Windows are cached the same way.


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    site_id: int
    window_id: int | None
    name: str
    reversed_codes: bool
    revoked: bool


_DEVICE_CACHE: dict[str, tuple[float, DeviceInfo | None]] = {}


_WINDOW_CACHE: dict[tuple[int, str], tuple[float, int | None]] = {}


_CACHE_LOCK = threading.Lock()


def _forget_windows() -> None:
    with _CACHE_LOCK:
        _WINDOW_CACHE.clear()


def forget_caches() -> None:
    with _CACHE_LOCK:
        _WINDOW_CACHE.clear()
        _DEVICE_CACHE.clear()


def device_for_key(raw: str | None, *, now: dt.datetime | None = None) -> DeviceInfo:
    if not raw:
        raise DeviceKeyRejected("缺少评价器密钥（请求头 X-Device-Key）", code="device_key_missing")
    digest = hash_key(raw)
    clock = time.monotonic()
    cached = _DEVICE_CACHE.get(digest)
    if cached is None or clock - cached[0] > DEVICE_CACHE_SECONDS:
        row = (
            RatingDevice.objects.filter(key_hash=digest)
            .values("id", "site_id", "window_id", "name", "reversed_codes", "revoked_at", "last_used_at")
            .first()
        )
        info = None
        if row is not None:
            info = DeviceInfo(
                row["id"], row["site_id"], row["window_id"], row["name"], row["reversed_codes"],
                row["revoked_at"] is not None,
            )  # fmt: skip
            stamp = _now(now)
            if not info.revoked and (
                row["last_used_at"] is None or stamp - row["last_used_at"] > dt.timedelta(minutes=1)
            ):
                RatingDevice.objects.filter(pk=info.id).update(last_used_at=stamp)
        cached = (clock, info)
        _DEVICE_CACHE[digest] = cached
    info = cached[1]
    if info is None:
        raise DeviceKeyRejected("评价器密钥无效", code="device_key_invalid")
    if info.revoked:
        raise DeviceKeyRejected("该评价器密钥已吊销，请联系管理员重新登记", code="device_revoked")
    return info


def window_id_for(site_id: int, code: str) -> int:
    key = (site_id, code)
    clock = time.monotonic()
    cached = _WINDOW_CACHE.get(key)
    if cached is None or clock - cached[0] > DEVICE_CACHE_SECONDS:
        found = (
            Window.objects.filter(site_id=site_id, code=code, is_active=True)
            .values_list("pk", flat=True)
            .first()
        )
        cached = (clock, found)
        _WINDOW_CACHE[key] = cached
    if cached[1] is None:
        raise ValidationFailed(f"窗口“{code}”不存在或已停用", code="window_unknown")
    return cached[1]
