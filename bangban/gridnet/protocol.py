"""The wire format of the 一张网 connector (docs/gridnet.md), with no database: the signature both
ways, the checks of an inbound work order, and the status report sent back.

Signature: `X-Gridnet-Timestamp` (Unix seconds) and `X-Gridnet-Signature: sha256=<hex>`, the
HMAC-SHA256 of `"<timestamp>.<raw body>"` under the shared secret (`BANGBAN_GRIDNET_SECRET`). A
timestamp more than `MAX_SKEW` from the receiver's clock is refused, so a captured request cannot
be replayed later."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any

from bangban.core.errors import ApplicationError, PermissionDenied, ValidationFailed

MAX_SKEW = dt.timedelta(minutes=5)
SIGNATURE_PREFIX = "sha256="
ORDER_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
MAX_BODY = 64 * 1024
TITLE_MAX = 120
CONTENT_MAX = 5000

# The platform's statuses for each case status (`tickets.workflow.Status`).
PLATFORM_STATUS = {
    "pending_dispatch": "accepted",
    "dispatched": "accepted",
    "in_progress": "processing",
    "reply_review": "processing",
    "suspended": "suspended",
    "replied": "replied",
    "closed": "closed",
    "merged": "closed",
    "withdrawn": "withdrawn",
}


class SignatureMissing(ApplicationError):
    code = "signature_missing"
    message = "缺少签名：请在请求头携带 X-Gridnet-Timestamp 与 X-Gridnet-Signature"
    status = 401


class OrderConflict(ApplicationError):
    code = "order_conflict"
    message = "该工单号已接收过内容不同的工单，请核对后以新工单号派发"
    status = 409


class ConnectorDisabled(ApplicationError):
    code = "gridnet_disabled"
    message = "一张网对接未启用（未配置共享密钥）"
    status = 503


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def check_signature(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: dt.datetime
) -> None:
    """Refuse a request without a signature (401), with a wrong one or an old timestamp (403)."""
    if not timestamp or not signature:
        raise SignatureMissing()
    try:
        sent = dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise PermissionDenied("签名时间戳无效", code="signature_invalid") from None
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.strip()):
        raise PermissionDenied("签名校验失败", code="signature_invalid")
    if abs(now - sent) > MAX_SKEW:
        raise PermissionDenied("签名已过期（时间戳与服务器时间相差超过 5 分钟）", code="signature_expired")


@dataclass(frozen=True)
class Order:
    """An inbound work order that passed the checks."""

    order_id: str
    category_code: str
    title: str
    content: str
    contact_name: str
    contact_phone: str
    enterprise_name: str
    enterprise_uscc: str
    region_code: str
    responsibility: str
    dispatched_at: dt.datetime | None
    deadline: dt.datetime | None

    def digest(self) -> str:
        """What "the same order" means: every field as checked."""
        fields = [getattr(self, name) for name in self.__dataclass_fields__]
        payload = json.dumps(
            [v.isoformat() if isinstance(v, dt.datetime) else v for v in fields], ensure_ascii=False
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _fail(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"fields": {field: message}})


def _text(data: dict[str, Any], name: str, label: str, max_length: int, *, required: bool = False) -> str:
    raw = data.get(name)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise _fail(name, f"invalid_{name}", f"{label}应为字符串")
    value = raw.strip().replace("\r\n", "\n")
    if required and not value:
        raise _fail(name, f"{name}_required", f"缺少{label}（{name}）")
    if len(value) > max_length:
        raise _fail(name, f"{name}_too_long", f"{label}不能超过 {max_length} 个字符")
    return value


def _when(data: dict[str, Any], name: str, label: str) -> dt.datetime | None:
    raw = data.get(name)
    if raw in (None, ""):
        return None
    try:
        value = dt.datetime.fromisoformat(str(raw))
    except ValueError:
        raise _fail(name, f"invalid_{name}", f"{label}应为带时区的 ISO 8601 时间") from None
    if value.tzinfo is None:
        raise _fail(name, f"invalid_{name}", f"{label}应为带时区的 ISO 8601 时间")
    return value


def parse_order(body: bytes) -> Order:
    """The work order in a request body, checked (400 with a code naming the first problem)."""
    if len(body) > MAX_BODY:
        raise ValidationFailed(f"报文过大（不超过 {MAX_BODY // 1024} KB）", code="body_too_large")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationFailed("报文不是有效的 JSON（UTF-8）", code="invalid_json") from None
    if not isinstance(data, dict):
        raise ValidationFailed("报文应为 JSON 对象", code="invalid_json")
    order_id = _text(data, "order_id", "工单号", 64, required=True)
    if not ORDER_ID.match(order_id):
        raise _fail("order_id", "invalid_order_id", "工单号只能由字母、数字、- 和 _ 组成")
    category = _text(data, "event_type_code", "事件类型编码", 20, required=True)
    content = _text(data, "description", "事件描述", CONTENT_MAX, required=True)
    title = _text(data, "title", "标题", TITLE_MAX) or content.splitlines()[0][:30]
    reporter = data.get("reporter") or {}
    enterprise = data.get("enterprise") or {}
    if not isinstance(reporter, dict):
        raise _fail("reporter", "invalid_reporter", "reporter 应为对象")
    if not isinstance(enterprise, dict):
        raise _fail("enterprise", "invalid_enterprise", "enterprise 应为对象")
    responsibility = _text(data, "responsibility", "职责情况", 10) or "clear"
    if responsibility not in ("clear", "unclear", "shared"):
        raise _fail("responsibility", "invalid_responsibility", "职责情况只能是 clear、unclear 或 shared")
    return Order(
        order_id=order_id,
        category_code=category,
        title=title,
        content=content,
        contact_name=_text(reporter, "name", "反映人姓名", 50),
        contact_phone=_text(reporter, "phone", "反映人电话", 30),
        enterprise_name=_text(enterprise, "name", "企业名称", 120),
        enterprise_uscc=_text(enterprise, "uscc", "统一社会信用代码", 18),
        region_code=_text(data, "region_code", "区划代码", 12),
        responsibility=responsibility,
        dispatched_at=_when(data, "dispatched_at", "派发时间"),
        deadline=_when(data, "deadline", "办结时限"),
    )


def status_report(
    *,
    order_id: str,
    case_number: str,
    case_status: str,
    case_status_label: str,
    changed_at: dt.datetime,
    unit: str,
    reply: str,
) -> dict[str, Any]:
    """The body POSTed back to the platform for one status change."""
    return {
        "order_id": order_id,
        "case_number": case_number,
        "status": PLATFORM_STATUS.get(case_status, "processing"),
        "case_status": case_status,
        "case_status_label": case_status_label,
        "handling_unit": unit,
        "reply": reply,
        "changed_at": changed_at.isoformat(),
    }
