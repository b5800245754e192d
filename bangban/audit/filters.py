"""The one filter of the audit event list, shared by the page and the export."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent

TEXT_FIELDS = ("actor", "action", "object_type", "object_id", "ip")
DATE_FIELDS = ("date_from", "date_to")


@dataclass
class AuditEventFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    ip: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> AuditEventFilter:
        f = cls()
        for name in TEXT_FIELDS:
            value = params.get(name) or ""
            setattr(f, name, str(value).strip()[:200])
        for name in DATE_FIELDS:
            raw = str(params.get(name) or "").strip()
            if not raw:
                continue
            try:
                setattr(f, name, dt.date.fromisoformat(raw))
            except ValueError:
                f.errors[name] = "日期格式应为 YYYY-MM-DD"
        if f.date_from and f.date_to and f.date_from > f.date_to:
            f.errors["date_to"] = "结束日期不能早于开始日期"
        return f

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in (*TEXT_FIELDS, *DATE_FIELDS))

    def as_params(self) -> dict[str, str]:
        """The effective filter, for the export's audit event and for links."""
        params = {name: getattr(self, name) for name in TEXT_FIELDS if getattr(self, name)}
        for name in DATE_FIELDS:
            value = getattr(self, name)
            if value is not None:
                params[name] = value.isoformat()
        return params

    def apply(self, qs: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.actor:
            qs = qs.filter(actor_name__icontains=self.actor)
        if self.action:
            # A full code ("account.login") matches exactly; a prefix ending in "." matches a family.
            qs = (
                qs.filter(action__startswith=self.action)
                if self.action.endswith(".")
                else qs.filter(action=self.action)
            )
        if self.object_type:
            qs = qs.filter(object_type=self.object_type.lower())
        if self.object_id:
            qs = qs.filter(object_id=self.object_id)
        if self.ip:
            try:
                qs = qs.filter(ip=str(ipaddress.ip_address(self.ip)))
            except ValueError:
                qs = qs.filter(ip__startswith=self.ip)  # a prefix such as "10.2."
        tz = timezone.get_current_timezone()
        if self.date_from and "date_from" not in self.errors:
            qs = qs.filter(at__gte=dt.datetime.combine(self.date_from, dt.time.min, tzinfo=tz))
        if self.date_to and "date_to" not in self.errors:
            end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            qs = qs.filter(at__lt=end)
        return qs
