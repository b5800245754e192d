from __future__ import annotations

from typing import Any

from .models import InAppMessage


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return InAppMessage.objects.filter(user=user, read_at__isnull=True).count()
