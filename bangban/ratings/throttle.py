"""Rate limit of the public rating channels (QR pages of windows and cases, SMS link pages, and
the unauthenticated `/public/…` API): per client address, at most `per_target` submissions per
10 minutes for one window or case, and `per_address` for all of them together. Refused → 429
`rate_limited` with a Chinese message and `retry_after` (seconds).

Like the SMS codes of the tickets app (`CODES_PER_IP_PER_HOUR`), the count lives in the database,
so several web processes share it; unlike a count of rows, the increment is one conditional UPDATE
(`count < limit`) of a counter row per (address, target, window), which the database serialises:
two requests at once can never both take the last slot. A submission refused by a full counter does
not add to it, so a client that keeps hammering does not grow the table (one refused for its window
or case still counts towards its address's overall limit). Counter devices (评价器) post with their own
key and are not limited here.

The address is `bangban.core.middleware.client_ip` (the first hop of X-Forwarded-For behind the
documented proxy); only a keyed hash of it is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from bangban.core.errors import ApplicationError
from bangban.core.middleware import client_ip

from .models import PublicRateBucket

WINDOW = dt.timedelta(minutes=10)
PER_TARGET = 30  # submissions per client address per window/case per 10 minutes
PER_ADDRESS = 120  # submissions per client address per 10 minutes, all targets together
KEEP = dt.timedelta(days=1)


class RateLimited(ApplicationError):
    code = "rate_limited"
    message = "提交过于频繁，请稍后再试"
    status = 429


def limits() -> tuple[int, int]:
    """(per window/case, per address); settings `BANGBAN_RATINGS_PUBLIC_PER_TARGET` and
    `BANGBAN_RATINGS_PUBLIC_PER_ADDRESS` override the defaults."""
    return (
        int(getattr(settings, "BANGBAN_RATINGS_PUBLIC_PER_TARGET", PER_TARGET)),
        int(getattr(settings, "BANGBAN_RATINGS_PUBLIC_PER_ADDRESS", PER_ADDRESS)),
    )


def _key(address: str, target: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}|ratings.public|{address}|{target}".encode()).hexdigest()


def _window_start(now: dt.datetime) -> dt.datetime:
    seconds = int(WINDOW.total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _take(key: str, start: dt.datetime, limit: int) -> bool:
    """Count one submission under `key` unless the window's count has reached `limit`."""
    slot = PublicRateBucket.objects.filter(key=key, window_start=start, count__lt=limit)
    if slot.update(count=F("count") + 1):
        return True
    if limit <= 0:
        return False
    try:
        with transaction.atomic():
            PublicRateBucket.objects.create(key=key, window_start=start, count=1)
    except IntegrityError:
        # The row exists: it is full, or another request created it a moment ago.
        return bool(slot.update(count=F("count") + 1))
    PublicRateBucket.objects.filter(window_start__lt=start - KEEP).delete()
    return True


def check(request: HttpRequest, target: str | Callable[[], str], *, now: dt.datetime | None = None) -> None:
    """Count a public submission of this client; raise `RateLimited` over a limit. `target`
    ("w:<window key>", "c:<case id>", "s:<subject id>") may be a function, called once the
    address's overall count has passed, so that a malformed token is counted too."""
    now = now or timezone.now()
    start = _window_start(now)
    address = client_ip(request) or "unknown"
    per_target, per_address = limits()
    retry = max(1, math.ceil((start + WINDOW - now).total_seconds()))
    minutes = max(1, -(-retry // 60))
    if not _take(_key(address, "*"), start, per_address):
        raise RateLimited(
            f"本网络提交评价过于频繁（10 分钟内最多 {per_address} 次），请 {minutes} 分钟后再试",
            details={"retry_after": retry, "limit": per_address},
        )
    name = target() if callable(target) else target
    if not _take(_key(address, name), start, per_target):
        raise RateLimited(
            f"对同一窗口或同一诉求提交评价过于频繁（10 分钟内最多 {per_target} 次），请 {minutes} 分钟后再试",
            details={"retry_after": retry, "limit": per_target},
        )
