"""The 一张网 connector (docs/gridnet.md), driven by the recorded example messages in `fixtures/`:
signed work orders filed as cases once (the same order again answers the same case; the same order
id with other content is 409), refusals for a missing or wrong signature, an unknown category and
missing fields; the case's status changes POSTed back to a fake platform on this machine, in
order, with retries; and the ledger page."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from bangban.audit.models import AuditEvent
from bangban.conftest import reply_fields
from bangban.gridnet import actions, protocol
from bangban.gridnet.client import DeliveryFailed
from bangban.gridnet.models import ReportState, StatusReport, WorkOrder
from bangban.tickets.actions import do_accept, do_approve_reply, do_dispatch, do_submit_reply
from bangban.tickets.models import Channel, Ticket
from bangban.tickets.tests.conftest import Cases

FIXTURES = Path(__file__).with_name("fixtures")
ORDERS = "/gridnet/v1/orders"
SECRET = "test-gridnet-secret"


def message(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(autouse=True)
def gridnet_settings(settings: Any) -> None:
    settings.BANGBAN_GRIDNET_SECRET = SECRET
    settings.BANGBAN_GRIDNET_CALLBACK_URL = ""


def send(body: bytes, *, secret: str = SECRET, stamp: str | None = None, signed: bool = True) -> Any:
    stamp = stamp or str(int(timezone.now().timestamp()))
    headers: dict[str, Any] = {}
    if signed:
        headers = {
            "HTTP_X_GRIDNET_TIMESTAMP": stamp,
            "HTTP_X_GRIDNET_SIGNATURE": protocol.sign(secret, stamp, body),
        }
    return Client().post(ORDERS, body, content_type="application/json", **headers)


def test_a_work_order_becomes_one_case_and_a_resend_answers_the_same_case(cases: Cases) -> None:
    first = send(message("order_new.json"))
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["order_id"] == "WG-20261115-000123" and body["replayed"] is False
    ticket = Ticket.objects.get(number=body["case_number"])
    assert ticket.channel == Channel.API and ticket.intake_mode == "system"
    assert ticket.category is not None and ticket.category.code == "1201"
    assert ticket.title == "厂区门口道路破损" and "货车进出厂区困难" in ticket.content
    assert ticket.contact_name == "王先生" and ticket.contact_phone == "13800138000"
    assert ticket.region is not None and ticket.region.code == "321322"
    audits = AuditEvent.objects.filter(object_id=str(ticket.pk)).count()

    again = send(message("order_new.json"))
    assert again.status_code == 200 and again.json()["case_number"] == ticket.number
    assert again.json()["replayed"] is True
    assert Ticket.objects.count() == 1 and WorkOrder.objects.count() == 1
    assert AuditEvent.objects.filter(object_id=str(ticket.pk)).count() == audits


def test_the_same_order_id_with_other_content_is_refused(cases: Cases) -> None:
    assert send(message("order_new.json")).status_code == 201
    conflict = send(message("order_conflict.json"))
    assert conflict.status_code == 409 and conflict.json()["code"] == "order_conflict"
    assert "工单号" in conflict.json()["message"]
    assert Ticket.objects.count() == 1


def test_shared_responsibility_is_kept_for_the_ledger_and_marks_a_multi_unit_case(cases: Cases) -> None:
    response = send(message("order_shared.json"))
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get(order_id="WG-20261116-000045")
    assert order.responsibility == "shared" and order.ticket.multi_unit is True
    # No title in the message: the first line of the description.
    description = json.loads(message("order_shared.json"))["description"]
    assert order.ticket.title == description[:30]


def test_refusals_name_the_problem(cases: Cases) -> None:
    unsigned = send(message("order_new.json"), signed=False)
    assert unsigned.status_code == 401 and unsigned.json()["code"] == "signature_missing"
    forged = send(message("order_new.json"), secret="not-the-secret")
    assert forged.status_code == 403 and forged.json()["code"] == "signature_invalid"
    old = str(int((timezone.now() - dt.timedelta(minutes=10)).timestamp()))
    stale = send(message("order_new.json"), stamp=old)
    assert stale.status_code == 403 and stale.json()["code"] == "signature_expired"
    unknown = send(message("order_unknown_category.json"))
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_category"
    assert "9999" in unknown.json()["message"]
    missing = send(message("order_missing_fields.json"))
    assert missing.status_code == 400 and missing.json()["code"] == "description_required"
    not_json = send(b"{not json")
    assert not_json.status_code == 400 and not_json.json()["code"] == "invalid_json"
    assert Client().get(ORDERS).status_code == 405
    assert Ticket.objects.count() == 0 and WorkOrder.objects.count() == 0


def test_without_a_secret_the_connector_refuses(cases: Cases, settings: Any) -> None:
    settings.BANGBAN_GRIDNET_SECRET = ""
    response = send(message("order_new.json"), secret="")
    assert response.status_code == 503 and response.json()["code"] == "gridnet_disabled"


# --- status back to the platform -------------------------------------------------------------------


class FakePlatform:
    """An HTTP server on 127.0.0.1 that records what it is sent and answers the queued statuses
    (then 200)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers: list[int] = []
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                platform.received.append({"headers": dict(self.headers), "body": body})
                status = platform.answers.pop(0) if platform.answers else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakePlatform:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def _answer(cases: Cases, ticket: Ticket, now: dt.datetime) -> None:
    """A dispatched case accepted and answered (答复 approved)."""
    do_accept(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, now=now)
    do_submit_reply(
        acting_user=cases.handler_shuyang,
        ticket_id=ticket.pk,
        content="已安排施工队修复路面，预计三日内完工。",
        now=now,
        **reply_fields(now),
    )
    do_approve_reply(acting_user=cases.head_shuyang, ticket_id=ticket.pk, now=now)


def test_status_changes_are_posted_back_signed_and_in_the_recorded_shape(cases: Cases, settings: Any) -> None:
    number = send(message("order_new.json")).json()["case_number"]
    ticket = Ticket.objects.get(number=number)
    now = timezone.now()
    assert actions.queue_status_reports(now) == 0  # nothing changed since intake
    do_dispatch(acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk, now=now)
    assert actions.queue_status_reports(now) == 1
    assert actions.queue_status_reports(now) == 0  # queued once
    with FakePlatform() as platform:
        settings.BANGBAN_GRIDNET_CALLBACK_URL = platform.url
        assert actions.deliver_due(now) == {"sent": 1, "retry": 0, "failed": 0}
        _answer(cases, Ticket.objects.get(pk=ticket.pk), now)
        assert actions.queue_status_reports(now) == 1
        assert actions.deliver_due(now)["sent"] == 1
    first, last = (json.loads(r["body"]) for r in platform.received)
    assert first["status"] == "accepted" and first["case_status"] == "dispatched"
    recorded = json.loads(message("status_report_replied.json"))
    assert set(last) == set(recorded)
    assert last["order_id"] == recorded["order_id"] and last["status"] == "replied"
    assert last["reply"] == recorded["reply"] and last["handling_unit"] == "沭阳县人民政府"
    headers = platform.received[1]["headers"]
    assert headers["X-Gridnet-Signature"] == protocol.sign(
        SECRET, headers["X-Gridnet-Timestamp"], platform.received[1]["body"]
    )
    assert StatusReport.objects.filter(state=ReportState.SENT).count() == 2


def test_a_refused_report_is_retried_later_and_later_ones_wait_their_turn(
    cases: Cases, settings: Any
) -> None:
    number = send(message("order_new.json")).json()["case_number"]
    ticket = Ticket.objects.get(number=number)
    now = timezone.now()
    do_dispatch(acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk, now=now)
    actions.queue_status_reports(now)
    do_accept(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, now=now)
    actions.queue_status_reports(now)
    with FakePlatform() as platform:
        settings.BANGBAN_GRIDNET_CALLBACK_URL = platform.url
        platform.answers = [500]
        assert actions.deliver_due(now) == {"sent": 0, "retry": 1, "failed": 0}
        # The retry waits (1 minute); the later report of the same order waits behind it.
        assert actions.deliver_due(now + dt.timedelta(seconds=30)) == {"sent": 0, "retry": 0, "failed": 0}
        assert actions.deliver_due(now + dt.timedelta(minutes=2))["sent"] == 1
        assert actions.deliver_due(now + dt.timedelta(minutes=2))["sent"] == 1
    statuses = [json.loads(r["body"])["case_status"] for r in platform.received]
    assert statuses == ["dispatched", "dispatched", "in_progress"]
    first = StatusReport.objects.order_by("pk").first()
    assert first is not None and first.attempts == 2 and first.state == ReportState.SENT


def test_a_report_is_given_up_after_the_last_attempt(cases: Cases, settings: Any) -> None:
    number = send(message("order_new.json")).json()["case_number"]
    ticket = Ticket.objects.get(number=number)
    now = timezone.now()
    do_dispatch(acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk, now=now)
    actions.queue_status_reports(now)
    settings.BANGBAN_GRIDNET_CALLBACK_URL = "http://127.0.0.1:9/unused"

    def refuse(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        raise DeliveryFailed("平台返回 HTTP 503")

    at = now
    for _ in range(actions.MAX_ATTEMPTS):
        actions.deliver_due(at, post=refuse)
        at += dt.timedelta(days=1)
    report = StatusReport.objects.get()
    assert report.state == ReportState.FAILED and report.attempts == actions.MAX_ATTEMPTS
    assert report.last_error == "平台返回 HTTP 503"
    assert actions.deliver_due(at, post=refuse) == {"sent": 0, "retry": 0, "failed": 0}


def test_no_callback_address_sends_nothing(cases: Cases) -> None:
    number = send(message("order_new.json")).json()["case_number"]
    ticket = Ticket.objects.get(number=number)
    now = timezone.now()
    do_dispatch(acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk, now=now)
    actions.queue_status_reports(now)
    assert actions.deliver_due(now) == {"sent": 0, "retry": 0, "failed": 0}
    assert StatusReport.objects.get().state == ReportState.PENDING


# --- the ledger -------------------------------------------------------------------------------------


def test_the_ledger_lists_orders_for_dispatchers_and_links_the_case_back(cases: Cases, login: Any) -> None:
    number = send(message("order_new.json")).json()["case_number"]
    send(message("order_shared.json"))
    page = login(cases.dispatcher).get("/gridnet/", {"responsibility": "shared"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "WG-20261116-000045" in text and "职责交叉" in text and "WG-20261115-000123" not in text
    export = login(cases.dispatcher).get("/gridnet/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert login(cases.handler_shuyang).get("/gridnet/").status_code == 404
    ticket = Ticket.objects.get(number=number)
    case_page = login(cases.dispatcher).get(f"/cases/{ticket.pk}/").content.decode()
    assert 'data-testid="case-origin"' in case_page and "WG-20261115-000123" in case_page


def test_a_sent_report_is_not_sent_again(cases: Cases, settings: Any) -> None:
    number = send(message("order_new.json")).json()["case_number"]
    ticket = Ticket.objects.get(number=number)
    now = timezone.now()
    do_dispatch(acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk, now=now)
    actions.queue_status_reports(now)
    calls: list[str] = []

    def record(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        calls.append(headers["X-Gridnet-Delivery"])
        return 200

    settings.BANGBAN_GRIDNET_CALLBACK_URL = "http://127.0.0.1:9/unused"
    assert actions.deliver_due(now, post=record)["sent"] == 1
    assert actions.deliver_due(now + dt.timedelta(hours=1), post=record)["sent"] == 0
    assert calls == [str(StatusReport.objects.get().pk)]
