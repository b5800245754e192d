"""Race-free rate limits shared by every web process: a counter row per (scope, subject, fixed
window), taken with one conditional UPDATE (`count < limit`) that the database serialises, so two
requests at once can never both take the last slot. A request refused by a full counter does not
add to it. Subjects are stored only as a keyed hash.

Used by the public rating channels (`ratings/throttle.py`), the SMS codes and the public case
forms of the tickets app (`tickets/intake.py`). Over a limit → `RateLimited` (HTTP 429,
`rate_limited`, a Chinese message and `retry_after` in seconds)."""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .errors import ApplicationError
from .models import RateCounter

KEEP = dt.timedelta(days=2)


class RateLimited(ApplicationError):
    code = "rate_limited"
    message = "操作过于频繁，请稍后再试"
    status = 429


def _key(scope: str, subject: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}|{scope}|{subject}".encode()).hexdigest()


def window_start(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def take(scope: str, subject: str, limit: int, window: dt.timedelta, now: dt.datetime | None = None) -> bool:
    """Count one use by `subject` in `scope` unless the window's count has reached `limit`."""
    now = now or timezone.now()
    start = window_start(now, window)
    key = _key(scope, subject)
    slot = RateCounter.objects.filter(key=key, window_start=start, count__lt=limit)
    if slot.update(count=F("count") + 1):
        return True
    if limit <= 0:
        return False
    try:
        with transaction.atomic():
            RateCounter.objects.create(key=key, window_start=start, count=1)
    except IntegrityError:
        # The row exists: it is full, or another request created it a moment ago.
        return bool(slot.update(count=F("count") + 1))
    RateCounter.objects.filter(window_start__lt=start - KEEP).delete()
    return True


def retry_after(window: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Seconds until the current window of this width ends."""
    now = now or timezone.now()
    return max(1, math.ceil((window_start(now, window) + window - now).total_seconds()))


def hit(
    scope: str,
    subject: str,
    limit: int,
    window: dt.timedelta,
    message: str,
    now: dt.datetime | None = None,
) -> None:
    """`take` or raise `RateLimited`; `message` may use {limit} and {minutes} (minutes to wait)."""
    now = now or timezone.now()
    if take(scope, subject, limit, window, now):
        return
    retry = retry_after(window, now)
    minutes = max(1, -(-retry // 60))
    raise RateLimited(
        message.format(limit=limit, minutes=minutes), details={"retry_after": retry, "limit": limit}
    )
