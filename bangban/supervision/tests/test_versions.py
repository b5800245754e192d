"""Supervision edits carry the version the user read: a change made on a stale copy (the notice or
ledger changed meanwhile) is refused with 409 `conflict` / 「记录已被他人修改，请刷新后重试」 and
changes nothing; a reader outside the record's scope still learns nothing (404, never 409)."""

from __future__ import annotations

from typing import Any

import pytest

from bangban.supervision.models import Ledger, Notice, NoticeStatus

from .test_notices_ledgers import _active_units_only, freeze, post

pytestmark = pytest.mark.django_db

CONFLICT = "记录已被他人修改，请刷新后重试"


def test_reviewing_a_notice_with_a_stale_version_is_a_409_conflict(world: Any, login: Any) -> None:
    client = login(world.biz_office)
    freeze(client, 2025, 3)
    created = post(client, "/notices", {"kind": "hotline", "year": 2025, "month": 3}).json()
    assert created["version"] == 1
    nid = created["id"]
    Notice.objects.filter(pk=nid).update(version=2)  # edited meanwhile
    stale = post(client, f"/notices/{nid}/review", {"version": 1})
    assert stale.status_code == 409
    assert stale.json() == {"code": "conflict", "message": CONFLICT}
    assert Notice.objects.get(pk=nid).status == NoticeStatus.DRAFT
    # A unit, which sees issued notices only, gets 404 whatever version it sends.
    outsider = post(login(world.handler_shuyang), f"/notices/{nid}/review", {"version": 1})
    assert outsider.status_code == 404
    fresh = post(client, f"/notices/{nid}/review", {"version": 2})
    assert fresh.status_code == 200, fresh.content
    assert fresh.json()["status"] == NoticeStatus.REVIEWED and fresh.json()["version"] == 3


def test_the_ledger_form_sends_its_version_and_a_stale_one_is_refused(
    world: Any, october: Any, login: Any
) -> None:
    _active_units_only()
    post(login(world.biz_office), "/ledgers/generate", {"year": 2026, "month": 10})
    ledger = Ledger.objects.get(unit=world.shuyang_gov)
    Ledger.objects.filter(pk=ledger.pk).update(version=2, notes={"cases": "同事已填写"})
    handler = login(world.handler_shuyang)
    url = f"/supervision/ledgers/{ledger.pk}/"
    page = handler.get(url).content.decode()
    assert '<input type="hidden" name="version" value="2">' in page
    stale = handler.post(url, {"cases": "我的旧稿", "version": "1"})
    assert CONFLICT in stale.content.decode()
    ledger.refresh_from_db()
    assert ledger.notes == {"cases": "同事已填写"} and ledger.version == 2
    # Outside the unit's scope: 404, not the conflict.
    assert login(world.handler_siyang).post(url, {"cases": "x", "version": "1"}).status_code == 404
    fresh = handler.post(url, {"cases": "最新说明", "version": "2"})
    assert fresh.status_code == 302
    ledger.refresh_from_db()
    assert ledger.notes["cases"] == "最新说明" and ledger.version == 3
