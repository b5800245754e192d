"""The 入企登记簿 (R7.2) through the API: registering, the gate code, leaving, the enterprise's answer
and unregistered entries — with the scope of each caller."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bangban.audit.models import AuditEvent
from bangban.conduct.models import Entry, Presence, Response, UnregisteredReport
from bangban.conduct.rules import gate_token

from .conftest import API, entry_body


def _register(client: Any, body: dict[str, Any]) -> Any:
    return client.post(f"{API}/entries", body, content_type="application/json")


def test_an_official_registers_an_entry_and_the_enterprise_sees_it(cast: Any, login: Any) -> None:
    w = cast.world
    response = _register(login(cast.inspector), entry_body(w.ent_shuyang.pk, companions="王五"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["unit_name"] == w.shuyang_gov.name and body["official_name"] == "沭阳执法员"
    assert body["presence"] == "on_site" and body["response"] == "pending" and body["via_gate"] is False
    event = AuditEvent.objects.filter(action="conduct.entry_register").get()
    assert event.object_id == str(body["id"])
    listed = login(w.enterprise_user).get(f"{API}/entries").json()
    assert listed["count"] == 1 and listed["items"][0]["task_number"] == "SY-2026-001"
    # Another enterprise's user sees nothing of it.
    other = login(cast.enterprise_other)
    assert other.get(f"{API}/entries").json()["count"] == 0
    assert other.get(f"{API}/entries/{body['id']}").status_code == 404
    assert other.get(f"/conduct/entries/{body['id']}/").status_code == 404


def test_bad_input_gets_clear_chinese_errors_and_stable_codes(cast: Any, login: Any) -> None:
    client = login(cast.inspector)
    ent = cast.world.ent_shuyang.pk
    cases = [
        (entry_body(ent, purpose=""), "purpose_required", "请选择入企事由"),
        (entry_body(ent, purpose="party"), "invalid_purpose", "入企事由应为"),
        (entry_body(ent, description=" "), "description_required", "请填写入企具体事项"),
        (entry_body(ent, task_number=""), "task_number_required", "检查任务编号"),
        (entry_body(ent, legal_basis=""), "legal_basis_required", "检查依据"),
        (entry_body(ent, purpose="enforcement", legal_basis=""), "legal_basis_required", "检查依据"),
        (entry_body(None), "enterprise_required", "请选择进入的企业"),
        (entry_body(cast.world.ent_siyang.pk), "enterprise_not_found", "不在您的管辖范围内"),
        (
            entry_body(ent, entered_at=(timezone.now() + dt.timedelta(hours=2)).isoformat()),
            "entered_in_future",
            "不能晚于现在",
        ),
    ]
    for body, code, text in cases:
        response = _register(client, body)
        assert response.status_code == 400, (code, response.content)
        assert response.json()["code"] == code and text in response.json()["message"]
    assert not Entry.objects.exists()
    # An enforcement visit may come without a task number (it is flagged instead); research needs neither.
    assert _register(client, entry_body(ent, purpose="enforcement", task_number="")).status_code == 201
    assert (
        _register(
            login(cast.world.handler_shuyang),
            entry_body(ent, purpose="research", legal_basis="", task_number=""),
        ).status_code
        == 201
    )


def test_an_enterprise_user_cannot_register(cast: Any, login: Any) -> None:
    response = _register(login(cast.world.enterprise_user), entry_body(cast.world.ent_shuyang.pk))
    assert response.status_code == 403


def test_the_gate_code_proves_the_enterprise_and_is_refused_when_foreign_or_expired(
    cast: Any, login: Any
) -> None:
    w = cast.world
    client = login(cast.inspector)
    now = timezone.now()
    # The gate code of 泗阳's enterprise lets a 沭阳 inspector register there (outside his scope).
    token = gate_token(w.ent_siyang.pk, now)
    ok = _register(client, entry_body(w.ent_siyang.pk, gate_token=token))
    assert ok.status_code == 201 and ok.json()["via_gate"] is True
    assert ok.json()["enterprise_id"] == w.ent_siyang.pk
    # The code of another enterprise than the one named.
    foreign = _register(client, entry_body(w.ent_shuyang.pk, gate_token=token))
    assert foreign.status_code == 400 and foreign.json()["code"] == "gate_code_other_enterprise"
    assert "属于其他企业" in foreign.json()["message"]
    # A code printed more than a year ago (default validity 366 days).
    old = gate_token(w.ent_shuyang.pk, now - dt.timedelta(days=400))
    expired = _register(client, entry_body(w.ent_shuyang.pk, gate_token=old))
    assert expired.status_code == 400 and expired.json()["code"] == "gate_code_expired"
    assert "已过期" in expired.json()["message"]
    forged = _register(client, entry_body(w.ent_shuyang.pk, gate_token=token[:-3] + "abc"))
    assert forged.status_code == 400 and forged.json()["code"] == "gate_code_invalid"
    assert Entry.objects.count() == 1


def test_leaving_is_recorded_once_by_the_registering_unit(cast: Any, login: Any) -> None:
    w = cast.world
    entry_id = _register(login(cast.inspector), entry_body(w.ent_shuyang.pk)).json()["id"]
    # An official of another county cannot even see it; the biz office sees it but may not edit it.
    assert (
        login(cast.inspector_siyang)
        .post(f"{API}/entries/{entry_id}/leave", {}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        login(w.biz_office)
        .post(f"{API}/entries/{entry_id}/leave", {}, content_type="application/json")
        .status_code
        == 403
    )
    # A colleague of the same unit may record it.
    response = login(w.handler_shuyang).post(
        f"{API}/entries/{entry_id}/leave", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["presence"] == "left"
    assert response.json()["left_at"] is not None and response.json()["version"] == 2
    again = login(cast.inspector).post(f"{API}/entries/{entry_id}/leave", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_left"
    stale = login(cast.inspector).post(
        f"{API}/entries/{entry_id}/leave", {"version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert Entry.objects.get().presence == Presence.LEFT
    assert AuditEvent.objects.filter(action="conduct.entry_leave").count() == 1


def test_the_same_official_cannot_be_on_site_twice(cast: Any, login: Any) -> None:
    client = login(cast.inspector)
    assert _register(client, entry_body(cast.world.ent_shuyang.pk)).status_code == 201
    again = _register(client, entry_body(cast.world.ent_shuyang.pk))
    assert again.status_code == 409 and again.json()["code"] == "already_on_site"


def test_the_enterprise_confirms_or_reports_an_entry_citing_the_list(cast: Any, login: Any) -> None:
    w = cast.world
    first = _register(login(cast.inspector), entry_body(w.ent_shuyang.pk)).json()["id"]
    second = _register(login(w.handler_shuyang), entry_body(w.ent_shuyang.pk, purpose="research")).json()[
        "id"
    ]
    company = login(w.enterprise_user)
    confirm = company.post(
        f"{API}/entries/{first}/response", {"decision": "confirm"}, content_type="application/json"
    )
    assert confirm.status_code == 200 and confirm.json()["response"] == "confirmed"
    url = f"{API}/entries/{second}/response"
    no_item = company.post(url, {"decision": "report", "note": "x"}, content_type="application/json")
    assert no_item.status_code == 400 and no_item.json()["code"] == "item_required"
    item = cast.items["FM-03"].pk
    no_note = company.post(url, {"decision": "report", "item_id": item}, content_type="application/json")
    assert no_note.status_code == 400 and no_note.json()["code"] == "report_note_required"
    unknown = company.post(
        url, {"decision": "report", "item_id": 999999, "note": "x"}, content_type="application/json"
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "item_not_found"
    # Another enterprise's user cannot see it; an official cannot answer for the enterprise.
    body = {"decision": "report", "item_id": item, "note": "要求停产迎检"}
    assert login(cast.enterprise_other).post(url, body, content_type="application/json").status_code == 404
    assert login(cast.inspector).post(url, body, content_type="application/json").status_code == 403
    reported = company.post(url, body, content_type="application/json")
    assert reported.status_code == 200
    assert (
        reported.json()["response"] == "reported"
        and reported.json()["breached_item_title"] == "随意要求企业迎检"
    )
    twice = company.post(url, {"decision": "confirm"}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_responded"
    entry = Entry.objects.get(pk=second)
    assert entry.response == Response.REPORTED and entry.breached_item_id == item
    assert AuditEvent.objects.filter(action="conduct.entry_report").count() == 1


def test_the_enterprise_reports_an_unregistered_entry(cast: Any, login: Any) -> None:
    w = cast.world
    company = login(w.enterprise_user)
    today = timezone.localdate()
    body = {
        "occurred_on": today.isoformat(),
        "unit_name": "某局",
        "description": "未登记进入车间",
        "item_id": cast.items["FM-04"].pk,
    }
    response = company.post(f"{API}/unregistered-entries", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["enterprise_id"] == w.ent_shuyang.pk
    future = company.post(
        f"{API}/unregistered-entries",
        {**body, "occurred_on": (today + dt.timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert future.status_code == 400 and future.json()["code"] == "occurred_in_future"
    blank = company.post(
        f"{API}/unregistered-entries", {**body, "unit_name": ""}, content_type="application/json"
    )
    assert blank.status_code == 400 and blank.json()["code"] == "unit_name_required"
    official = login(cast.inspector).post(
        f"{API}/unregistered-entries", body, content_type="application/json"
    )
    assert official.status_code == 403
    assert UnregisteredReport.objects.count() == 1


def test_an_official_sees_his_units_entries_only(cast: Any, login: Any) -> None:
    w = cast.world
    _register(login(cast.inspector), entry_body(w.ent_shuyang.pk))
    assert login(w.handler_shuyang).get(f"{API}/entries").json()["count"] == 1
    assert login(cast.inspector_siyang).get(f"{API}/entries").json()["count"] == 0
    assert login(w.city_handler).get(f"{API}/entries").json()["count"] == 0
    assert login(cast.zuofeng).get(f"{API}/entries").json()["count"] == 1
    bad = login(cast.zuofeng).get(f"{API}/entries", {"month": "2026-13"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_month"
