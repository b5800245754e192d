"""Helpers the project pages share."""

from __future__ import annotations

from bangban.accounts.models import User
from bangban.accounts.roles import Role


def _officers() -> list[tuple[int, str]]:
    qs = (
        User.objects.filter(is_active=True, roles__code=Role.CHIEF_SERVICE_OFFICER)
        .select_related("unit")
        .order_by("unit__name", "full_name")
        .distinct()
    )
    return [
        (u.pk, f"{u.display_name}（{u.unit.short_name or u.unit.name if u.unit else '无单位'}）") for u in qs
    ]
