"""The GeoReport v2 shapes: services from the case category catalogue, requests from cases, and the
checks of a posted request. Pure translation: the views read and write, this module maps.

Services: every active category is a service (`service_code` = category code, `group` = the
parent category's name, `metadata` false, `type` "realtime"). Requests: `status` is "open" while
the case is in `OPEN_STATUSES` (待派单 … 答复待审核) and "closed" once it is answered, closed,
merged or withdrawn; `status_notes` is the latest approved reply; times are ISO 8601 in China
Standard Time (+08:00); `expected_datetime` is the handling deadline. No name, phone number or
e-mail address is ever written out.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import QueryDict

from bangban.tickets.models import Category, Ticket
from bangban.tickets.workflow import OPEN_STATUSES

from .actions import Submission
from .models import ServiceRequest

CST = ZoneInfo("Asia/Shanghai")
DESCRIPTION_MAX = 5000
TITLE_LENGTH = 30
ADDRESS_MAX = 250
NAME_MAX = 50
SERVICE_NOTICE = "诉求已受理，将按规定时限派单办理；办理期限以 expected_datetime 为准（按工作日计算）。"
PHONE = re.compile(r"^\+?[0-9][0-9-]{5,19}$")


class GeoReportError(Exception):
    """An answer in the GeoReport error format: `[{"code": status, "description": …}]`."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description

    def body(self) -> list[dict[str, Any]]:
        return [{"code": self.status, "description": self.description}]


def iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(CST).isoformat(timespec="seconds") if value else None


# --- services ----------------------------------------------------------------------------------------


def service(category: Category) -> dict[str, Any]:
    keywords = [part for part in (category.path or category.name).split("/") if part]
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.path or category.name,
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(keywords),
        "group": category.parent.name if category.parent_id and category.parent else "",
    }


# --- requests ----------------------------------------------------------------------------------------


def status_of(ticket: Ticket) -> str:
    return "open" if ticket.status in OPEN_STATUSES else "closed"


def request_out(row: ServiceRequest, notes: dict[int, str]) -> dict[str, Any]:
    ticket = row.ticket
    category = ticket.category
    return {
        "service_request_id": ticket.number,
        "status": status_of(ticket),
        "status_notes": notes.get(ticket.pk) or None,
        "service_name": category.name if category else None,
        "service_code": category.code if category else None,
        "description": ticket.content,
        "agency_responsible": ticket.lead_unit.name if ticket.lead_unit_id and ticket.lead_unit else None,
        "service_notice": SERVICE_NOTICE,
        "requested_datetime": iso(ticket.received_at),
        "updated_datetime": iso(ticket.updated_at),
        "expected_datetime": iso(ticket.due_at),
        "address": row.address_string or None,
        "address_id": None,
        "zipcode": None,
        "lat": float(row.lat) if row.lat is not None else None,
        "long": float(row.long) if row.long is not None else None,
        "media_url": None,
    }


# --- a posted request ---------------------------------------------------------------------------------


def bounding_box() -> tuple[float, float, float, float]:
    """(lat_min, lat_max, long_min, long_max) of the city (`BANGBAN_OPEN311_BBOX`)."""
    box = settings.BANGBAN_OPEN311_BBOX
    return float(box[0]), float(box[1]), float(box[2]), float(box[3])


def _coordinate(form: QueryDict, name: str, label: str) -> Decimal | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise GeoReportError(400, f"{label}（{name}）不是有效的数字") from None
    if not value.is_finite():
        raise GeoReportError(400, f"{label}（{name}）不是有效的数字")
    return value.quantize(Decimal("0.000001"))


def _text(form: QueryDict, name: str) -> str:
    return (
        " ".join((form.get(name) or "").split()) if name != "description" else (form.get(name) or "").strip()
    )


def parse_submission(form: QueryDict) -> Submission:
    """The checked fields of `POST requests.json`; a problem is a `GeoReportError` 400."""
    service_code = _text(form, "service_code")
    if not service_code:
        raise GeoReportError(400, "缺少 service_code（服务编码）")
    description = _text(form, "description")
    if not description:
        raise GeoReportError(400, "缺少 description（诉求描述）")
    if len(description) > DESCRIPTION_MAX:
        raise GeoReportError(400, f"description（诉求描述）不能超过 {DESCRIPTION_MAX} 个字符")
    lat = _coordinate(form, "lat", "纬度")
    long = _coordinate(form, "long", "经度")
    address = _text(form, "address_string")
    if (lat is None) != (long is None):
        raise GeoReportError(400, "lat 与 long 必须同时提供")
    if lat is None and not address:
        raise GeoReportError(400, "请提供位置：lat 与 long，或 address_string")
    if lat is not None and long is not None:
        lat_min, lat_max, long_min, long_max = bounding_box()
        if not (lat_min <= lat <= lat_max and long_min <= long <= long_max):
            raise GeoReportError(
                400,
                f"位置不在本市范围内（纬度 {lat_min}–{lat_max}，经度 {long_min}–{long_max}）",
            )
    if len(address) > ADDRESS_MAX:
        raise GeoReportError(400, f"address_string（地址）不能超过 {ADDRESS_MAX} 个字符")
    email = _text(form, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise GeoReportError(400, "email（电子邮箱）格式不正确") from None
    phone = _text(form, "phone")
    if phone and not PHONE.match(phone):
        raise GeoReportError(400, "phone（联系电话）格式不正确")
    name = (_text(form, "last_name") + _text(form, "first_name"))[:NAME_MAX]
    first_line = description.splitlines()[0] if description else ""
    title = first_line[:TITLE_LENGTH] + ("…" if len(first_line) > TITLE_LENGTH else "")
    return Submission(
        service_code=service_code,
        description=description,
        title=title,
        lat=lat,
        long=long,
        address_string=address,
        email=email,
        contact_name=name,
        phone=phone,
    )


def parse_datetime(value: str, name: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise GeoReportError(
            400, f"{name} 不是有效的 ISO 8601 时间（如 2026-11-01T00:00:00+08:00）"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=CST)
