"""The one filter of every case list — dispatcher queue, unit queue, all cases, 我的诉求 — shared by
the pages, the Excel export and the API.

`TicketFilter(data, user, now=...)` reads a plain mapping (`request.GET`, or the API's query as a
dict), keeps what it understands in `cleaned` and puts a Chinese message per bad value in
`errors`; a bad value never filters anything (pages show the message, the API and the export
refuse with `invalid_filter`). `filter(qs)` only narrows the queryset it is given, so no filter can
widen what `access.visible_tickets` lets the user see.

Parameters (all optional):
- `status` (repeatable or comma-separated), `urgency`, `channel`, `type`: choice values;
- `category`: a category code, with every category below it;
- `region`: a region code, with its whole subtree (via `Region.path`);
- `lead_unit`: a unit code;
- `deadline`: `overdue` (超期), `warning` (临期) or `alert` (either), computed live against `now`;
- `dispatch_deadline`: the same choices for the dispatch clock (派单期限) of cases still waiting for
  their first dispatch;
- `sort`: `dispatch_due` (the dispatcher's queue only: the nearest dispatch deadline first);
- `repeat=1`: repeated complaints only; `mine=1`: the cases the user handles;
- `q`: text in the number, the title or the enterprise's name;
- `received_from` / `received_to`: dates (YYYY-MM-DD, Asia/Shanghai), both inclusive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.core.errors import ValidationFailed
from bangban.enterprises.models import Enterprise
from bangban.org.models import Region, Unit
from bangban.workdays.arithmetic import SHANGHAI

from .access import COMPLAINANT_READERS
from .display import DEADLINE_STATUSES, overdue_condition
from .models import Category, Channel, Ticket, TicketType, Urgency
from .numbering import as_case_number
from .workflow import Status

MAX_QUERY_LENGTH = 100
DEADLINE_CHOICES = {"overdue": "超期", "warning": "临期", "alert": "临期或超期"}
SORT_CHOICES = {"dispatch_due": "派单期限最近在前"}
TRUE_VALUES = {"1", "true", "yes", "on"}


def _as_list(raw: Any) -> list[str]:
    if raw is None:
        return []
    values = list(raw) if isinstance(raw, list | tuple) else [raw]
    out: list[str] = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


class TicketFilter:
    fields = (
        "status",
        "urgency",
        "channel",
        "type",
        "category",
        "region",
        "lead_unit",
        "deadline",
        "dispatch_deadline",
        "sort",
        "repeat",
        "mine",
        "q",
        "received_from",
        "received_to",
    )
    multi = ("status", "urgency", "channel", "type")
    choices = {"status": Status, "urgency": Urgency, "channel": Channel, "type": TicketType}
    labels = {"status": "状态", "urgency": "紧急程度", "channel": "来源渠道", "type": "诉求类型"}

    def __init__(self, data: Mapping[str, Any] | None, user: Any, *, now: dt.datetime | None = None) -> None:
        self.user = user
        self.data: Any = data if data is not None else {}
        self.now = now or timezone.now()
        self.cleaned: dict[str, Any] = {}
        self.errors: dict[str, str] = {}
        self.region: Region | None = None
        self.category: Category | None = None
        self.lead_unit: Unit | None = None
        self._clean()

    # --- parsing --------------------------------------------------------------------------------

    def _values(self, name: str) -> list[str]:
        getlist = getattr(self.data, "getlist", None)
        raw = getlist(name) if callable(getlist) else self.data.get(name)
        return _as_list(raw)

    def _value(self, name: str) -> str:
        values = self._values(name)
        return values[-1] if values else ""

    def _clean(self) -> None:
        for name in self.multi:
            values = self._values(name)
            if not values:
                continue
            choices = self.choices[name]
            bad = [v for v in values if v not in choices.values]
            if bad:
                allowed = "、".join(f"{v}（{label}）" for v, label in choices.choices)
                self.errors[name] = f"{self.labels[name]}“{bad[0][:20]}”无效，可选值：{allowed}"
            else:
                self.cleaned[name] = values

        q = self._value("q")
        if q:
            if len(q) > MAX_QUERY_LENGTH:
                self.errors["q"] = f"搜索内容不能超过{MAX_QUERY_LENGTH}个字"
            else:
                self.cleaned["q"] = q

        code = self._value("category")
        if code:
            found = Category.objects.filter(code=code).only("id", "code", "name", "path").first()
            if found is None:
                self.errors["category"] = f"诉求分类“{code[:20]}”不存在"
            else:
                self.category = found
                self.cleaned["category"] = found.code

        code = self._value("region")
        if code:
            region = Region.objects.filter(code=code).only("id", "code", "name", "path").first()
            if region is None:
                self.errors["region"] = f"区划“{code[:20]}”不存在"
            else:
                self.region = region
                self.cleaned["region"] = region.code

        code = self._value("lead_unit")
        if code:
            unit = Unit.objects.filter(code=code).only("id", "code", "name").first()
            if unit is None:
                self.errors["lead_unit"] = f"主办单位“{code[:20]}”不存在"
            else:
                self.lead_unit = unit
                self.cleaned["lead_unit"] = unit.code

        deadline = self._value("deadline")
        if deadline:
            if deadline in DEADLINE_CHOICES:
                self.cleaned["deadline"] = deadline
            else:
                self.errors["deadline"] = (
                    "期限筛选无效，可选值：overdue（超期）、warning（临期）、alert（临期或超期）"
                )

        value = self._value("dispatch_deadline")
        if value:
            if value in DEADLINE_CHOICES:
                self.cleaned["dispatch_deadline"] = value
            else:
                self.errors["dispatch_deadline"] = (
                    "派单期限筛选无效，可选值：overdue（超期）、warning（临期）、alert（临期或超期）"
                )
        value = self._value("sort")
        if value:
            if value in SORT_CHOICES:
                self.cleaned["sort"] = value
            else:
                self.errors["sort"] = "排序方式无效，可选值：" + "、".join(
                    f"{k}（{v}）" for k, v in SORT_CHOICES.items()
                )

        for name in ("repeat", "mine"):
            value = self._value(name).lower()
            if value in TRUE_VALUES:
                self.cleaned[name] = True
            elif value and value not in {"0", "false", "no", "off"}:
                self.errors[name] = "只能为 1（是）或 0（否）"

        for name, label in (("received_from", "受理日期起"), ("received_to", "受理日期止")):
            value = self._value(name)
            if not value:
                continue
            try:
                self.cleaned[name] = dt.date.fromisoformat(value)
            except ValueError:
                self.errors[name] = f"{label}“{value[:20]}”不是有效日期（格式如 2026-01-31）"
        start, end = self.cleaned.get("received_from"), self.cleaned.get("received_to")
        if start and end and start > end:
            self.errors["received_to"] = "受理日期止不能早于受理日期起"
            del self.cleaned["received_to"]

    # --- use ------------------------------------------------------------------------------------

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def is_filtered(self) -> bool:
        return bool(self.cleaned)

    def raise_for_errors(self) -> None:
        if self.errors:
            raise ValidationFailed(
                "筛选条件有误：" + "；".join(self.errors.values()),
                code="invalid_filter",
                details=[{"field": k, "message": v} for k, v in self.errors.items()],
            )

    def filter(self, qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
        c = self.cleaned
        for name in self.multi:
            if name in c:
                values = c[name]
                qs = (
                    qs.filter(**{name: values[0]})
                    if len(values) == 1
                    else qs.filter(**{f"{name}__in": values})
                )
        if self.category is not None:
            below = Category.objects.filter(
                Q(pk=self.category.pk) | Q(path__startswith=f"{self.category.path}/")
            )
            qs = qs.filter(category_id__in=below.values("pk"))
        if self.region is not None:
            qs = qs.filter(region__path__startswith=self.region.path)
        if self.lead_unit is not None:
            qs = qs.filter(lead_unit_id=self.lead_unit.pk)
        deadline = c.get("deadline")
        if deadline:
            running = Q(status__in=list(DEADLINE_STATUSES))
            if deadline == "overdue":
                qs = qs.filter(overdue_condition(self.now))
            elif deadline == "warning":
                qs = qs.filter(running, warn_at__lte=self.now, due_at__gt=self.now)
            else:
                qs = qs.filter(running, warn_at__lte=self.now)
        dispatch_deadline = c.get("dispatch_deadline")
        if dispatch_deadline:
            waiting = Q(
                status=Status.PENDING_DISPATCH,
                dispatch_settled_at__isnull=True,
                dispatch_due_at__isnull=False,
            )
            if dispatch_deadline == "overdue":
                qs = qs.filter(waiting, dispatch_due_at__lte=self.now)
            elif dispatch_deadline == "warning":
                qs = qs.filter(waiting, dispatch_warn_at__lte=self.now, dispatch_due_at__gt=self.now)
            else:
                qs = qs.filter(waiting, dispatch_warn_at__lte=self.now)
        if c.get("repeat"):
            qs = qs.filter(is_repeat=True)
        if c.get("mine"):
            qs = qs.filter(handler_id=self.user.pk)
        if "q" in c:
            qs = qs.filter(self._text_condition(c["q"]))
        if "received_from" in c:
            qs = qs.filter(received_at__gte=_start_of(c["received_from"]))
        if "received_to" in c:
            qs = qs.filter(received_at__lt=_start_of(c["received_to"] + dt.timedelta(days=1)))
        return qs

    def _text_condition(self, text: str) -> Q:
        number = as_case_number(text)
        if number:
            # A whole case number names one case: the unique index answers it, where the search
            # below scans every case's number and title (seconds at 10 million cases).
            return Q(number=number)
        # The enterprise's name through a subquery, not a join: the case side of the condition
        # then reads only columns of the unit queue's index.
        named = Q(enterprise_id__in=Enterprise.objects.filter(name__icontains=text).values("pk"))
        if not has_any_role(self.user, COMPLAINANT_READERS):
            # A conduct complaint is never found by its complainant's name (R0.4).
            named &= ~Q(channel=Channel.CONDUCT)
        return Q(number__icontains=text) | Q(title__icontains=text) | named

    def as_params(self) -> dict[str, Any]:
        """The valid filters as query parameters (export links, saved views, the audit log)."""
        params: dict[str, Any] = {}
        for name in self.fields:
            if name not in self.cleaned:
                continue
            value = self.cleaned[name]
            if isinstance(value, bool):
                params[name] = "1"
            elif isinstance(value, list):
                params[name] = list(value)
            else:
                params[name] = str(value)
        return params

    def querystring(self) -> str:
        return urlencode(self.as_params(), doseq=True)

    def value(self, name: str) -> str:
        """What the filter form shows for a single-valued field."""
        return self._value(name)

    def selected(self, name: str) -> list[str]:
        return self._values(name)


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
