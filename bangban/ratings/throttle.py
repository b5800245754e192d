"""Rate limit of the public rating channels (QR pages of windows and cases, SMS link pages, and
the unauthenticated `/public/…` API): per client address, at most `per_target` submissions per
10 minutes for one window or case, and `per_address` for all of them together. Refused → 429
`rate_limited` with a Chinese message and `retry_after` (seconds).

Like the SMS codes of the tickets app (`CODES_PER_IP_PER_HOUR`), the count lives in the database,
so several web processes share it: the race-free counter rows of `bangban.core.throttle`, one per
(address, target, window). A submission refused by a full counter does
not add to it, so a client that keeps hammering does not grow the table (one refused for its window
or case still counts towards its address's overall limit). Counter devices (评价器) post with their own
key and are not limited here.

The address is `bangban.core.middleware.client_ip` (X-Forwarded-For only from a proxy listed in
`BANGBAN_TRUSTED_PROXIES`); only a keyed hash of it is stored."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from bangban.core import throttle as core_throttle
from bangban.core.middleware import client_ip
from bangban.core.throttle import RateLimited

__all__ = ["RateLimited", "check", "limits"]

WINDOW = dt.timedelta(minutes=10)
PER_TARGET = 30  # submissions per client address per window/case per 10 minutes
PER_ADDRESS = 120  # submissions per client address per 10 minutes, all targets together
SCOPE = "ratings.public"


def limits() -> tuple[int, int]:
    """(per window/case, per address); settings `BANGBAN_RATINGS_PUBLIC_PER_TARGET` and
    `BANGBAN_RATINGS_PUBLIC_PER_ADDRESS` override the defaults."""
    return (
        int(getattr(settings, "BANGBAN_RATINGS_PUBLIC_PER_TARGET", PER_TARGET)),
        int(getattr(settings, "BANGBAN_RATINGS_PUBLIC_PER_ADDRESS", PER_ADDRESS)),
    )


def check(request: HttpRequest, target: str | Callable[[], str], *, now: dt.datetime | None = None) -> None:
    """Count a public submission of this client; raise `RateLimited` over a limit. `target`
    ("w:<window key>", "c:<case id>", "s:<subject id>") may be a function, called once the
    address's overall count has passed, so that a malformed token is counted too."""
    now = now or timezone.now()
    address = client_ip(request) or "unknown"
    per_target, per_address = limits()
    retry = core_throttle.retry_after(WINDOW, now)
    minutes = max(1, math.ceil(retry / 60))
    if not core_throttle.take(SCOPE, f"{address}|*", per_address, WINDOW, now):
        raise RateLimited(
            f"本网络提交评价过于频繁（10 分钟内最多 {per_address} 次），请 {minutes} 分钟后再试",
            details={"retry_after": retry, "limit": per_address},
        )
    name = target() if callable(target) else target
    if not core_throttle.take(SCOPE, f"{address}|{name}", per_target, WINDOW, now):
        raise RateLimited(
            f"对同一窗口或同一诉求提交评价过于频繁（10 分钟内最多 {per_target} 次），请 {minutes} 分钟后再试",
            details={"retry_after": retry, "limit": per_target},
        )
