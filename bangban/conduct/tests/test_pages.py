"""The pages of the 入企登记簿: the gate code (print, scan, refusals), registering from a page, an
entry's 离开 and the enterprise's answer, the report of an unregistered entry, and the demo."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from bangban.conduct.models import Entry, Presence, Response, UnregisteredReport
from bangban.conduct.rules import gate_token


def _gate_path(enterprise_id: int, token: str) -> str:
    return f"/conduct/g/{enterprise_id}/{token}/"


def test_the_enterprise_prints_its_gate_code(cast: Any, login: Any) -> None:
    page = login(cast.world.enterprise_user).get("/conduct/gate/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and cast.world.ent_shuyang.name in html
    path = re.search(r'data-testid="gate-url">https?://[^/]+(/conduct/g/[^<]+)<', html)
    assert path is not None and f"/conduct/g/{cast.world.ent_shuyang.pk}/" in path.group(1)
    # The printed code leads an official to the registration page of that enterprise.
    scan = login(cast.inspector).get(path.group(1))
    assert scan.status_code == 200 and cast.world.ent_shuyang.name in scan.content.decode()
    assert login(cast.inspector).get("/conduct/gate/").status_code == 403


def test_scanning_registers_on_one_page_and_leaving_records_the_time_out(cast: Any, login: Any) -> None:
    w = cast.world
    client = login(cast.inspector_siyang)  # the gate code admits an official from anywhere
    path = _gate_path(w.ent_shuyang.pk, gate_token(w.ent_shuyang.pk, timezone.now()))
    missing = client.post(
        path, {"purpose": "inspection", "description": "消防检查", "legal_basis": "《消防法》"}
    )
    assert missing.status_code == 400 and "检查任务编号" in missing.content.decode()
    response = client.post(
        path,
        {
            "purpose": "inspection",
            "description": "消防检查",
            "legal_basis": "《消防法》",
            "task_number": "SQ-9",
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.via_gate and entry.enterprise_id == w.ent_shuyang.pk and entry.unit_id == w.siyang_gov.pk
    detail = client.get(response["Location"])
    assert 'data-testid="leave"' in detail.content.decode()
    left = client.post(response["Location"], {"action": "leave", "version": entry.version})
    assert left.status_code == 302
    entry.refresh_from_db()
    assert entry.presence == Presence.LEFT and entry.left_at is not None
    # An official of another unit cannot edit it, and does not see it.
    assert login(cast.inspector).post(response["Location"], {"action": "leave"}).status_code == 404


def test_a_gate_code_of_another_enterprise_or_expired_is_refused_in_chinese(cast: Any, login: Any) -> None:
    w = cast.world
    client = login(cast.inspector)
    foreign = client.get(_gate_path(w.ent_shuyang.pk, gate_token(w.ent_siyang.pk, timezone.now())))
    assert foreign.status_code == 400 and "该二维码属于其他企业" in foreign.content.decode()
    old = gate_token(w.ent_shuyang.pk, timezone.now() - dt.timedelta(days=367))
    expired = client.get(_gate_path(w.ent_shuyang.pk, old))
    assert expired.status_code == 400 and "入企二维码已过期" in expired.content.decode()
    posted = client.post(_gate_path(w.ent_shuyang.pk, old), {"purpose": "research", "description": "调研"})
    assert posted.status_code == 400
    forged = client.get(_gate_path(w.ent_shuyang.pk, "abc"))
    assert forged.status_code == 400 and "入企二维码无效" in forged.content.decode()
    assert not Entry.objects.exists()
    # An enterprise user scanning a code is not an official.
    fresh = _gate_path(w.ent_shuyang.pk, gate_token(w.ent_shuyang.pk, timezone.now()))
    assert login(w.enterprise_user).get(fresh).status_code == 403


def test_registering_from_a_page(cast: Any, login: Any) -> None:
    w = cast.world
    client = login(w.handler_shuyang)
    assert client.get("/conduct/entries/new/").status_code == 200
    bad = client.post("/conduct/entries/new/", {"enterprise": w.ent_shuyang.name, "description": "调研"})
    assert bad.status_code == 400 and "请选择入企事由" in bad.content.decode()
    outside = client.post(
        "/conduct/entries/new/",
        {"enterprise": w.ent_siyang.name, "purpose": "research", "description": "调研"},
    )
    assert outside.status_code == 400 and "不在您的管辖范围内" in outside.content.decode()
    ok = client.post(
        "/conduct/entries/new/",
        {"enterprise": w.ent_shuyang.uscc, "purpose": "research", "description": "调研"},
    )
    assert ok.status_code == 302 and Entry.objects.get().enterprise_id == w.ent_shuyang.pk
    listing = client.get("/conduct/").content.decode()
    assert listing.count('data-testid="entry-row"') == 1
    assert login(w.enterprise_user).get("/conduct/entries/new/").status_code == 403


def test_the_enterprise_answers_on_the_entry_page(cast: Any, login: Any) -> None:
    w = cast.world
    entry = Entry.objects.create(
        enterprise=w.ent_shuyang, official=cast.inspector, unit=w.shuyang_gov, purpose="inspection",
        description="检查", legal_basis="x", task_number="T", entered_at=timezone.now(), registered_at=timezone.now(),
    )  # fmt: skip
    company = login(w.enterprise_user)
    url = f"/conduct/entries/{entry.pk}/"
    page = company.get(url).content.decode()
    assert 'data-testid="respond-form"' in page and "FM-01 吃拿卡要" in page
    no_note = company.post(url, {"action": "respond", "decision": "report", "item": cast.items["FM-02"].pk})
    assert no_note.status_code == 400 and "请说明入企不当的具体情况" in no_note.content.decode()
    done = company.post(
        url,
        {
            "action": "respond",
            "decision": "report",
            "item": cast.items["FM-02"].pk,
            "note": "一周内第三次检查",
        },
    )
    assert done.status_code == 302
    entry.refresh_from_db()
    assert entry.response == Response.REPORTED and entry.breached_item == cast.items["FM-02"]
    assert 'data-testid="respond-form"' not in company.get(url).content.decode()
    assert login(cast.enterprise_other).get(url).status_code == 404


def test_the_enterprise_reports_an_unregistered_entry_on_a_page(cast: Any, login: Any) -> None:
    company = login(cast.world.enterprise_user)
    assert company.get("/conduct/unregistered/new/").status_code == 200
    blank = company.post("/conduct/unregistered/new/", {"occurred_on": timezone.localdate().isoformat()})
    assert blank.status_code == 400 and "请填写来访单位" in blank.content.decode()
    ok = company.post(
        "/conduct/unregistered/new/",
        {
            "occurred_on": timezone.localdate().isoformat(),
            "unit_name": "某局",
            "description": "未登记进入车间",
        },
    )
    assert ok.status_code == 302 and UnregisteredReport.objects.count() == 1
    assert login(cast.inspector).get("/conduct/unregistered/new/").status_code == 403
