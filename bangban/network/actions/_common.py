"""Helpers shared by the service network actions: today's date, text and date input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def _text(value: Any) -> str:
    return str(value or "").strip().replace("\r\n", "\n")
