"""R7.3 / R0.4: whoever reports a 随手拍 or calls the complaint phone is never visible to the unit
complained about. One report with a name, a phone, an enterprise and a file named after its sender
is verified by 作风办 against 沭阳县政府 and dispatched there; then every surface that shows the
case — the case page, the queues, the search, the API, the export, the file download, the
messages, the timeline, the audit log, the conduct pages and the 曝光台 — is read as that unit's
staff and must not contain any of the complainant's details, while 作风办 sees them all.

A surface added later belongs in `UNIT_SURFACES` (or `OFFICE_SURFACES`)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bangban.accounts.roles import Role
from bangban.conduct.actions import (
    SnapInput,
    do_conclude,
    do_investigate,
    do_publish,
    do_register_phone_complaint,
    do_start_verification,
)
from bangban.conftest import make_user
from bangban.notifications.models import OutboxMessage
from bangban.supervision.models import Ledger
from bangban.tickets.actions import do_accept, do_dispatch
from bangban.tickets.tests.conftest import ensure_policies

from .snap_helpers import file_snap, photo, token_client

NAME = "王小明"
PHONE = "13912345678"
MASKED = "139****5678"
ENTERPRISE = "宿迁秘密科技有限公司"
FILE_NAME = "王小明拍的窗口.jpg"
CALLER = "来电人钱多多"
CALLER_PHONE = "13700009999"
SECRETS = (NAME, PHONE, MASKED, ENTERPRISE, "王小明拍的窗口", CALLER, CALLER_PHONE, "137****9999")
CONTENT = "在沭阳县政府窗口办理厂房验收，两个科室互相推诿，三次上门无人受理。"


class Scene:
    snap: Any
    call: Any
    unit_user: Any
    head: Any
    office: Any


@pytest.fixture
def scene(cast: Any) -> Scene:
    w = cast.world
    ensure_policies()
    s = Scene()
    s.office = cast.zuofeng
    s.unit_user = w.handler_shuyang
    s.head = make_user("head_sy", Role.UNIT_HEAD, unit=w.shuyang_gov, full_name="沭阳负责人")
    dispatcher = make_user("dispatcher_city", Role.DISPATCHER, unit=w.biz_office_unit, full_name="市派单员")
    now = timezone.now()
    s.snap = file_snap(
        PHONE, files=(photo(FILE_NAME),), content=CONTENT, contact_name=NAME, enterprise_name=ENTERPRISE
    )
    s.call = do_register_phone_complaint(
        acting_user=s.office,
        data=SnapInput(category="perfunctory", content="窗口答复“回去等通知”，一个月无下文。",
                       contact_name=CALLER, contact_phone=CALLER_PHONE, enterprise_name=ENTERPRISE),
        now=now,
    )  # fmt: skip
    for complaint in (s.snap, s.call):
        do_start_verification(
            acting_user=s.office, complaint_id=complaint.pk, unit_id=w.shuyang_gov.pk, now=now
        )
        do_dispatch(acting_user=dispatcher, ticket_id=complaint.ticket_id, lead_unit_id=w.shuyang_gov.pk)
        do_accept(acting_user=s.unit_user, ticket_id=complaint.ticket_id)
    do_investigate(acting_user=s.office, complaint_id=s.snap.pk, note="调取办件记录，属实。", now=now)
    do_conclude(acting_user=s.office, complaint_id=s.snap.pk, penalty="对科室负责人诫勉谈话。", now=now)
    do_publish(
        acting_user=s.office,
        complaint_id=s.snap.pk,
        title="某县直部门验收推诿被问责",
        summary="经查，该部门两个科室相互推诿，已诫勉谈话。",
        now=now,
    )
    return s


def _xlsx(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)
    return "\n".join("|".join("" if v is None else str(v) for v in row) for row in rows)


def _text(response: Any) -> str:
    """Everything a response tells: status, headers (decoded: a file name travels URL-encoded) and body."""
    headers = " ".join(f"{k}: {unquote(v)}" for k, v in response.items())
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        body = _xlsx(response)
    elif response.streaming:
        body = b"".join(response.streaming_content).decode("utf-8", "replace")
    else:
        body = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        # JSON escapes Chinese (\u738b…): compare the text a client reads.
        body = json.dumps(json.loads(body), ensure_ascii=False)
    return f"{response.status_code} {headers}\n{body}"


Surface = tuple[str, Callable[[Scene, Any, Any], str]]


def _get(path: str) -> Callable[[Scene, Any, Any], str]:
    def read(s: Scene, page: Any, api: Any) -> str:
        return _text(page.get(path.format(snap=s.snap.ticket_id, call=s.call.ticket_id, c=s.snap.pk)))

    return read


def _api(path: str) -> Callable[[Scene, Any, Any], str]:
    def read(s: Scene, page: Any, api: Any) -> str:
        return _text(api.get(path.format(snap=s.snap.ticket_id, call=s.call.ticket_id, c=s.snap.pk)))

    return read


def _file(s: Scene, page: Any, api: Any) -> str:
    attachment = s.snap.ticket.attachments.get()
    return _text(page.get(f"/cases/{s.snap.ticket_id}/files/{attachment.pk}/"))


def _messages(s: Scene, page: Any, api: Any) -> str:
    user = page.session.get("_auth_user_id")
    rows = OutboxMessage.objects.filter(recipient_id=user).values_list("subject", "body")
    return "\n".join(f"{a} {b}" for a, b in rows) + _text(page.get("/notifications/"))


def _ledger(s: Scene, page: Any, api: Any) -> str:
    """The unit's monthly 台账 (R11.1) lists the cases it led in the month."""
    received = timezone.localtime(s.snap.ticket.received_at)
    ledger = Ledger.objects.create(
        unit_id=s.unit_user.unit_id,
        year=received.year,
        month=received.month,
        due_date=received.date(),
        created_at=timezone.now(),
    )
    text = _text(page.get(f"/supervision/ledgers/{ledger.pk}/"))
    assert s.snap.ticket.number in text, "the ledger should list the case"
    return text


UNIT_SURFACES: list[Surface] = [
    ("case page", _get("/cases/{snap}/")),
    ("case page (phone)", _get("/cases/{call}/")),
    ("unit queue", _get("/cases/unit/")),
    ("all cases", _get("/cases/all/")),
    ("mine", _get("/cases/mine/")),
    ("search by name", _get(f"/cases/all/?q={NAME}")),
    ("search by enterprise", _get(f"/cases/all/?q={ENTERPRISE}")),
    ("export", _get("/cases/export.xlsx?view=unit")),
    ("file download", _file),
    ("api list", _api("/api/v1/cases")),
    ("api search", _api(f"/api/v1/cases?q={NAME}")),
    ("api case", _api("/api/v1/cases/{snap}")),
    ("api case (phone)", _api("/api/v1/cases/{call}")),
    ("api timeline", _api("/api/v1/cases/{snap}/events")),
    ("messages", _messages),
    ("home", _get("/")),
    ("audit log", _get("/audit/")),
    ("audit export", _get("/audit/export/")),
    ("conduct queue", _get("/conduct/snaps/")),
    ("conduct report", _get("/conduct/snaps/{c}/")),
    ("conduct export", _get("/conduct/snaps/export.xlsx")),
    ("conduct api list", _api("/api/v1/conduct/snaps")),
    ("conduct api report", _api("/api/v1/conduct/snaps/{c}")),
    ("unit's complaints", _get("/conduct/snap/unit/")),
    ("曝光台", _get("/conduct/snap/board/")),
    ("曝光台 api", _api("/api/v1/conduct/snaps/published")),
    ("public tracking", _get("/conduct/snap/track/?number={snap}")),
    ("monthly ledger", _ledger),
    ("supervision cases", _get("/supervision/cases/")),
    ("ratings follow-up", _get("/ratings/follow-ups/{snap}/")),
    ("ratings follow-up queue", _get("/ratings/follow-ups/")),
]


@pytest.mark.parametrize("viewer", ["unit_user", "head"])
@pytest.mark.parametrize(("surface", "read"), UNIT_SURFACES, ids=[name for name, _ in UNIT_SURFACES])
def test_the_unit_complained_about_never_sees_the_complainant(
    scene: Scene, login: Any, cast: Any, viewer: str, surface: str, read: Callable[[Scene, Any, Any], str]
) -> None:
    user = getattr(scene, viewer)
    text = read(scene, login(user), token_client(cast.world.admin, user))
    assert not text.startswith("5"), f"{surface}: {text[:200]}"
    leaked = [secret for secret in SECRETS if secret in text]
    assert leaked == [], f"{surface} shows {leaked} to the unit complained about"


def test_the_unit_sees_the_complaint_itself(scene: Scene, login: Any, cast: Any) -> None:
    """The walk above is not vacuous: the same surfaces do show the unit the case and its text."""
    client = login(scene.unit_user)
    assert CONTENT in _text(client.get(f"/cases/{scene.snap.ticket_id}/"))
    assert scene.snap.ticket.number in _text(client.get("/cases/unit/"))
    assert CONTENT in _text(client.get("/conduct/snap/unit/"))
    assert "附件1" in _text(client.get(f"/cases/{scene.snap.ticket_id}/"))
    assert "作风投诉核实通知" in _messages(scene, client, None)
    assert "某县直部门验收推诿被问责" in _text(client.get("/conduct/snap/board/"))


OFFICE_SURFACES: list[tuple[str, Callable[[Scene, Any, Any], str], tuple[str, ...]]] = [
    ("case page", _get("/cases/{snap}/"), (NAME, MASKED)),
    ("conduct report", _get("/conduct/snaps/{c}/"), (NAME, PHONE, ENTERPRISE, FILE_NAME)),
    ("conduct export", _get("/conduct/snaps/export.xlsx"), (NAME, PHONE, ENTERPRISE, CALLER, CALLER_PHONE)),
    ("conduct api report", _api("/api/v1/conduct/snaps/{c}"), (NAME, PHONE, ENTERPRISE, FILE_NAME)),
    ("api case", _api("/api/v1/cases/{snap}"), (NAME, FILE_NAME)),
]


@pytest.mark.parametrize(
    ("surface", "read", "expected"), OFFICE_SURFACES, ids=[n for n, _, _ in OFFICE_SURFACES]
)
def test_the_conduct_office_sees_who_complained(
    scene: Scene, login: Any, cast: Any, surface: str, read: Any, expected: tuple[str, ...]
) -> None:
    text = read(scene, login(scene.office), token_client(cast.world.admin, scene.office))
    missing = [value for value in expected if value not in text]
    assert missing == [], f"{surface} hides {missing} from 作风办"


def test_the_auditor_reads_the_audit_trail_with_the_complainant(scene: Scene, login: Any, cast: Any) -> None:
    text = _text(login(cast.world.auditor).get("/audit/", {"q": scene.snap.ticket.number}))
    assert text.startswith("200")
