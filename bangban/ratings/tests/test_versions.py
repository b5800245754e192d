"""差评整改 steps carry the version the user read: a step taken on a stale copy (the
rectification changed meanwhile) is refused with 409 `conflict` / 「记录已被他人修改，请刷新后重试」
and changes nothing; a user outside the unit still gets 404, never the conflict."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bangban.ratings.models import Rectification, RectStatus

from .test_rectification import _bad_case_rating

pytestmark = pytest.mark.django_db

CONFLICT = "记录已被他人修改，请刷新后重试"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _changed_meanwhile(cases: Any) -> Rectification:
    _ticket, rect = _bad_case_rating(cases)
    Rectification.objects.filter(pk=rect.pk).update(version=2)
    return rect


def test_verifying_with_a_stale_version_is_a_409_conflict(cases: Any) -> None:
    rect = _changed_meanwhile(cases)
    url = f"/api/v1/ratings/rectifications/{rect.pk}/verify"
    unit = _client(cases.handler_shuyang)
    assert unit.get(f"/api/v1/ratings/rectifications/{rect.pk}").json()["version"] == 2
    stale = unit.post(url, {"verification": "属实", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json() == {"code": "conflict", "message": CONFLICT}
    stored = Rectification.objects.get(pk=rect.pk)
    assert (stored.status, stored.verification, stored.version) == (RectStatus.VERIFY, "", 2)
    outsider = _client(cases.handler_siyang).post(
        url, {"verification": "属实", "version": 1}, content_type="application/json"
    )
    assert outsider.status_code == 404
    fresh = unit.post(url, {"verification": "属实", "version": 2}, content_type="application/json")
    assert fresh.status_code == 200 and fresh.json()["status"] == RectStatus.CLASSIFY
    assert fresh.json()["version"] == 3


def test_the_verify_form_sends_its_version_and_a_stale_one_is_refused(cases: Any) -> None:
    rect = _changed_meanwhile(cases)
    url = f"/ratings/rectifications/{rect.pk}/"
    unit = _client(cases.handler_shuyang)
    assert '<input type="hidden" name="version" value="2">' in unit.get(url).content.decode()
    stale = unit.post(url, {"op": "verify", "verification": "属实", "version": "1"})
    assert stale.status_code == 409 and CONFLICT in stale.content.decode()
    assert Rectification.objects.get(pk=rect.pk).status == RectStatus.VERIFY
    fresh = unit.post(url, {"op": "verify", "verification": "属实", "version": "2"})
    assert fresh.status_code == 302
    assert Rectification.objects.get(pk=rect.pk).status == RectStatus.CLASSIFY
