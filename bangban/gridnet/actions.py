"""What changes through the 一张网 connector (docs/gridnet.md): an inbound work order filed as a case
through the case system's one intake (`tickets.intake.do_intake`, policy `gridnet`: numbering,
routing, repeats, the dispatchers told, one audit event), idempotent on the platform's order id;
and the status of each such case reported back — a report row queued for every status change
(`queue_status_reports`) and POSTed to the platform with retries (`deliver_due`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Min
from django.urls import reverse

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.core.errors import ValidationFailed
from bangban.core.kit import durable_action
from bangban.tickets import public
from bangban.tickets.intake import Handling, IntakeInput, do_intake
from bangban.tickets.models import Category
from bangban.tickets.origins import Origin

from . import client, protocol
from .models import ReportState, StatusReport, WorkOrder

ACTION_LABELS: dict[str, str] = {}
CALLER = "gridnet"
# Minutes to wait after the n-th failed delivery; given up (回传失败) after MAX_ATTEMPTS.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
MAX_ATTEMPTS = 8
LEDGER_ROLES = frozenset({Role.ADMIN, Role.BIZ_OFFICE, Role.DISPATCHER})


def can_see_ledger(user: Any) -> bool:
    return has_any_role(user, LEDGER_ROLES)


@dataclass
class Received:
    order: WorkOrder
    created: bool  # False: the same order sent again (replayed, nothing written)


def _secret() -> str:
    secret = getattr(settings, "BANGBAN_GRIDNET_SECRET", "")
    if not secret:
        raise protocol.ConnectorDisabled()
    return str(secret)


@durable_action
def do_receive_order(
    *, body: bytes, timestamp: str | None, signature: str | None, now: dt.datetime
) -> Received:
    """Check the signature, then the order; file it as a case once — in one transaction (the demo
    city, already in its own, calls `file_order`)."""
    protocol.check_signature(_secret(), timestamp, signature, body, now)
    return file_order(protocol.parse_order(body), json.loads(body.decode("utf-8")), now)


def file_order(order: protocol.Order, payload: dict[str, Any], now: dt.datetime) -> Received:
    """File a checked order as a case, once per order id (the demo city files through here)."""
    digest = order.digest()
    known = WorkOrder.objects.filter(order_id=order.order_id).first()
    if known is not None:
        return _replay(known, digest)
    if not Category.objects.filter(code=order.category_code, is_active=True).exists():
        message = f"事件类型编码 {order.category_code} 不在诉求分类目录中或已停用"
        raise ValidationFailed(
            message, code="unknown_category", details={"fields": {"event_type_code": message}}
        )
    try:
        with transaction.atomic():
            result = do_intake(
                "gridnet",
                None,
                IntakeInput(
                    title=order.title,
                    content=order.content,
                    category_code=order.category_code,
                    multi_unit=order.responsibility == "shared",
                    enterprise_name=order.enterprise_name,
                    enterprise_uscc=order.enterprise_uscc,
                    region_code=order.region_code,
                    contact_name=order.contact_name,
                    contact_phone=order.contact_phone,
                ),
                now=now,
                idempotency_key=order.order_id,
                handling=Handling(event_data={"gridnet_order": order.order_id}),
                caller=CALLER,
            )
            created = WorkOrder.objects.create(
                order_id=order.order_id,
                ticket=result.ticket,
                content_hash=digest,
                category_code=order.category_code,
                responsibility=order.responsibility,
                platform_deadline=order.deadline,
                dispatched_at=order.dispatched_at,
                payload=payload,
                received_at=now,
                reported_status=result.ticket.status,
            )
    except IntegrityError:
        # The same order arrived twice at once: the other request filed it.
        return _replay(WorkOrder.objects.get(order_id=order.order_id), digest)
    return Received(created, created=True)


def _replay(known: WorkOrder, digest: str) -> Received:
    if known.content_hash != digest:
        raise protocol.OrderConflict()
    return Received(known, created=False)


# --- status back to the platform --------------------------------------------------------------------


def queue_status_reports(now: dt.datetime) -> int:
    """A report for every order whose case changed status since the last one (in the same
    transaction as the mark, so a change is queued exactly once). Returns how many."""
    count = 0
    with transaction.atomic():
        changed = list(
            WorkOrder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("ticket", "ticket__lead_unit")
            .exclude(reported_status=F("ticket__status"))
            .order_by("pk")
        )
        replies = public.public_replies(o.ticket_id for o in changed)
        for order in changed:
            t = order.ticket
            StatusReport.objects.create(
                order=order,
                case_status=t.status,
                payload=protocol.status_report(
                    order_id=order.order_id,
                    case_number=t.number,
                    case_status=t.status,
                    case_status_label=t.get_status_display(),
                    changed_at=now,
                    unit=t.lead_unit.name if t.lead_unit else "",
                    reply=replies.get(t.pk, "") if t.status in ("replied", "closed") else "",
                ),
                next_attempt_at=now,
                created_at=now,
            )
            order.reported_status = t.status
            order.save(update_fields=["reported_status"])
            count += 1
    return count


Poster = Callable[[str, bytes, dict[str, str], float], int]


def deliver_due(now: dt.datetime, *, post: Poster | None = None) -> dict[str, int]:
    """POST the due reports, oldest first and in order per work order (a later report waits while
    an earlier one of the same order is pending). Without a callback URL nothing is sent."""
    url = str(getattr(settings, "BANGBAN_GRIDNET_CALLBACK_URL", "") or "")
    done = {"sent": 0, "retry": 0, "failed": 0}
    if not url:
        return done
    secret = _secret()
    timeout = float(getattr(settings, "BANGBAN_GRIDNET_TIMEOUT", 10))
    poster = post or client.post_json
    firsts = (
        StatusReport.objects.filter(state=ReportState.PENDING)
        .order_by()
        .values("order_id")
        .annotate(first=Min("pk"))
        .values_list("first", flat=True)
    )
    due = list(
        StatusReport.objects.filter(pk__in=list(firsts), next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in due:
        with transaction.atomic():
            report = (
                StatusReport.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=ReportState.PENDING)
                .first()
            )
            if report is None:
                continue
            body = json.dumps(report.payload, ensure_ascii=False).encode("utf-8")
            stamp = str(int(now.timestamp()))
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "X-Gridnet-Timestamp": stamp,
                "X-Gridnet-Signature": protocol.sign(secret, stamp, body),
                "X-Gridnet-Delivery": str(report.pk),
            }
            report.attempts += 1
            try:
                poster(url, body, headers, timeout)
            except client.DeliveryFailed as exc:
                report.last_error = str(exc)[:500]
                if report.attempts >= MAX_ATTEMPTS:
                    report.state = ReportState.FAILED
                    done["failed"] += 1
                else:
                    wait = BACKOFF_MINUTES[min(report.attempts, len(BACKOFF_MINUTES)) - 1]
                    report.next_attempt_at = now + dt.timedelta(minutes=wait)
                    done["retry"] += 1
            else:
                report.state = ReportState.SENT
                report.sent_at = now
                report.last_error = ""
                done["sent"] += 1
            report.save(update_fields=["attempts", "state", "sent_at", "last_error", "next_attempt_at"])
    return done


def case_origin(user: Any, ticket: Any) -> Origin | None:
    """The work order a case came from (`tickets.origins`)."""
    order_id = WorkOrder.objects.filter(ticket_id=ticket.pk).values_list("order_id", flat=True).first()
    if order_id is None:
        return None
    url = reverse("gridnet:ledger") + f"?q={order_id}" if can_see_ledger(user) else ""
    return Origin(label="一张网工单", text=order_id, url=url)
