"""Ratings from every channel, and the bad input of issue #5: a second follow-up rating, an
expired or replayed SMS link, a case that is not yours, a revoked device key, an unknown window."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user
from bangban.ratings import actions
from bangban.ratings.actions import devices
from bangban.ratings.models import RatedSubject, Rating, Rectification, UsedLink, hash_key

pytestmark = pytest.mark.django_db


def _device(world: Any, site: Any, **kw: Any) -> tuple[Any, str]:
    return actions.do_create_device(acting_user=world.biz_office, site_id=site.pk, name="一号评价器", **kw)


def post_json(client: Client, url: str, data: dict, **headers: str) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def test_device_rates_a_window_and_is_audited(world: Any, site: Any, window: Any) -> None:
    _device_row, raw = _device(world, site)
    r = post_json(Client(), "/api/v1/ratings/device/ratings",
                  {"window": "A01", "level": 2, "scores": {"attitude": 1}, "event_ref": "Q-001"}, **{"X-Device-Key": raw})  # fmt: skip
    assert r.status_code == 201, r.content
    rating = Rating.objects.get()
    assert (rating.level, rating.channel, rating.subject.window_id, rating.unit_id) == (
        2,
        "device",
        window.pk,
        site.pk,
    )
    assert rating.scores == {"attitude": 1}
    assert AuditEvent.objects.filter(action="ratings.rate", object_id=str(rating.pk)).exists()


def test_device_with_reversed_codes_is_converted(world: Any, site: Any, window: Any) -> None:
    _d, raw = _device(world, site, reversed_codes=True)
    r = post_json(
        Client(), "/api/v1/ratings/device/ratings", {"window": "A01", "level": 1}, **{"X-Device-Key": raw}
    )
    assert r.status_code == 201
    assert Rating.objects.get().level == 5  # provincial 1 = 非常不满意
    assert Rectification.objects.count() == 1


def test_same_service_event_is_not_counted_twice(world: Any, site: Any, window: Any) -> None:
    _d, raw = _device(world, site)
    body = {"window": "A01", "level": 1, "event_ref": "Q-9"}
    assert (
        post_json(Client(), "/api/v1/ratings/device/ratings", body, **{"X-Device-Key": raw}).status_code
        == 201
    )
    again = post_json(Client(), "/api/v1/ratings/device/ratings", body, **{"X-Device-Key": raw})
    assert again.status_code == 409
    assert again.json()["code"] == "already_rated"
    assert Rating.objects.count() == 1 and RatedSubject.objects.count() == 1


def test_revoked_device_key_is_refused_at_once(world: Any, site: Any, window: Any) -> None:
    device, raw = _device(world, site)
    assert post_json(Client(), "/api/v1/ratings/device/ratings", {"window": "A01", "level": 1},
                     **{"X-Device-Key": raw}).status_code == 201  # fmt: skip
    actions.do_revoke_device(acting_user=world.biz_office, device_id=device.pk)
    r = post_json(
        Client(), "/api/v1/ratings/device/ratings", {"window": "A01", "level": 1}, **{"X-Device-Key": raw}
    )
    assert r.status_code == 401
    assert r.json() == {"code": "device_revoked", "message": "该评价器密钥已吊销，请联系管理员重新登记"}
    assert Rating.objects.count() == 1


def test_revocation_elsewhere_takes_effect_within_seconds(world: Any, site: Any, window: Any) -> None:
    device, raw = _device(world, site)
    actions.device_for_key(raw)  # cached in this process
    from django.utils import timezone

    from bangban.ratings.models import RatingDevice

    RatingDevice.objects.filter(pk=device.pk).update(revoked_at=timezone.now())  # another process revoked it
    assert actions.device_for_key(raw).revoked is False  # still cached
    devices._DEVICE_CACHE[hash_key(raw)] = (0.0, devices._DEVICE_CACHE[hash_key(raw)][1])
    with pytest.raises(actions.DeviceKeyRejected) as exc:
        actions.device_for_key(raw)
    assert exc.value.code == "device_revoked"


def test_unknown_key_and_missing_key(world: Any, site: Any, window: Any) -> None:
    r = post_json(
        Client(),
        "/api/v1/ratings/device/ratings",
        {"window": "A01", "level": 1},
        **{"X-Device-Key": "dv_nope"},
    )
    assert (r.status_code, r.json()["code"]) == (401, "device_key_invalid")
    r = post_json(Client(), "/api/v1/ratings/device/ratings", {"window": "A01", "level": 1})
    assert (r.status_code, r.json()["code"]) == (401, "device_key_missing")
    assert Rating.objects.count() == 0


def test_unknown_window_is_refused(world: Any, site: Any, window: Any) -> None:
    _d, raw = _device(world, site)
    r = post_json(
        Client(), "/api/v1/ratings/device/ratings", {"window": "Z99", "level": 2}, **{"X-Device-Key": raw}
    )
    assert r.status_code == 400
    assert r.json() == {"code": "window_unknown", "message": "窗口“Z99”不存在或已停用"}
    page = Client().post("/ratings/q/w/not-a-window/", {"level": "2"})
    assert page.status_code == 404 and "窗口不存在或已停用" in page.content.decode()
    api = post_json(Client(), "/api/v1/ratings/public/windows/not-a-window", {"level": 2})
    assert (api.status_code, api.json()["code"]) == (404, "window_unknown")
    assert Rating.objects.count() == 0


def test_invalid_level(world: Any, site: Any, window: Any) -> None:
    _d, raw = _device(world, site)
    r = post_json(
        Client(), "/api/v1/ratings/device/ratings", {"window": "A01", "level": 7}, **{"X-Device-Key": raw}
    )
    assert (r.status_code, r.json()["code"]) == (400, "level_invalid")
    assert "1 非常满意" in r.json()["message"]


def test_batch_reports_each_item(world: Any, site: Any, window: Any) -> None:
    _d, raw = _device(world, site)
    r = post_json(Client(), "/api/v1/ratings/device/ratings/batch",
                  {"ratings": [{"window": "A01", "level": 1, "event_ref": "b1"}, {"window": "X", "level": 1},
                               {"window": "A01", "level": 1, "event_ref": "b1"}]}, **{"X-Device-Key": raw})  # fmt: skip
    assert r.status_code == 200
    body = r.json()
    assert (body["accepted"], body["rejected"]) == (1, 2)
    assert [i.get("code") for i in body["items"]] == [None, "window_unknown", "already_rated"]
    assert Rating.objects.count() == 1


def test_window_qr_page_and_followup(world: Any, site: Any, window: Any) -> None:
    c = Client()
    r = c.post(f"/ratings/q/w/{window.public_key}/", {"level": "5", "comment": "排队太久", "anonymous": "1"})
    assert r.status_code == 302
    rating = Rating.objects.get()
    assert rating.anonymous and rating.level == 5 and rating.channel == "qr"
    rect = Rectification.objects.get()
    assert rect.unit_id == site.pk and rect.status == "verify"
    page = c.get(r["Location"])
    assert "非常不满意" in page.content.decode() and "差评整改" in page.content.decode()


# --- cases ----------------------------------------------------------------------------------------


def test_enterprise_rates_its_case_then_one_followup(cases: Any) -> None:
    ticket = cases.replied()
    c = Client()
    c.force_login(cases.enterprise_user)
    url = f"/api/v1/ratings/cases/{ticket.pk}/ratings"
    r1 = post_json(c, url, {"level": 2, "comment": "不错", "resolved": True})
    assert r1.status_code == 201 and r1.json()["rating"]["stage"] == "first"
    # Rated while answered, the rating was also the case's follow-up: solved and satisfied closes it.
    assert r1.json()["followed_up"] and r1.json()["ticket_status"] == "closed"
    r2 = post_json(c, url, {"level": 1})
    assert r2.status_code == 201 and r2.json()["rating"]["stage"] == "followup"
    assert not r2.json()["followed_up"]
    r3 = post_json(c, url, {"level": 1})
    assert r3.status_code == 409
    assert r3.json() == {
        "code": "followup_exists",
        "message": "已评价并追评过，每项服务只能首评一次、追评一次",
    }
    assert Rating.objects.count() == 2


def test_followup_rating_stage_is_unique_in_the_database(cases: Any) -> None:
    from django.db import IntegrityError, transaction

    ticket = cases.replied()
    first = actions.rate_case(
        acting_user=cases.enterprise_user,
        ticket_id=ticket.pk,
        data=actions.RatingInput(level=2),
        resolved=True,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(subject=first.subject, stage="first", level=1, channel="pc", unit_id=first.unit_id,
                              created_at=first.created_at)  # fmt: skip


def test_rating_a_case_that_is_not_yours(cases: Any) -> None:
    ticket = cases.replied()
    other = make_user("ent_sq", Role.ENTERPRISE, enterprise=cases.ent_siyang, full_name="泗阳企业用户")
    c = Client()
    c.force_login(other)
    r = post_json(c, f"/api/v1/ratings/cases/{ticket.pk}/ratings", {"level": 5})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    staff = Client()
    staff.force_login(cases.dispatcher)
    r = post_json(staff, f"/api/v1/ratings/cases/{ticket.pk}/ratings", {"level": 5})
    assert r.status_code == 403
    assert r.json() == {"code": "not_your_case", "message": "只能评价本企业提交的诉求"}
    page = c.post(f"/ratings/cases/{ticket.pk}/", {"level": "5"})
    assert page.status_code == 404
    assert Rating.objects.count() == 0 and Rectification.objects.count() == 0


def test_case_not_yet_answered_cannot_be_rated(cases: Any) -> None:
    ticket = cases.in_progress()
    with pytest.raises(Exception) as exc:
        actions.rate_case(
            acting_user=cases.enterprise_user, ticket_id=ticket.pk, data=actions.RatingInput(level=1)
        )
    assert getattr(exc.value, "code", "") == "case_not_rateable"


def test_window_qr_images_still_work(cases: Any, site: Any, window: Any) -> None:
    admin = Client()
    admin.force_login(cases.biz_office)
    assert admin.get(f"/ratings/windows/{window.pk}/qr.pdf").content.startswith(b"%PDF")
    assert admin.get(f"/ratings/windows/{window.pk}/qr.png").content.startswith(b"\x89PNG")
    outsider = Client()
    outsider.force_login(cases.handler_siyang)
    assert outsider.get(f"/ratings/windows/{window.pk}/qr.png").status_code == 404


# --- SMS links ---------------------------------------------------------------------------------------


def test_sms_rating_link_works_once(cases: Any) -> None:
    ticket = cases.replied(contact_phone="13812345678")
    url = actions.do_send_sms_link(acting_user=cases.hotline_agent, ticket_id=ticket.pk, purpose="rate")
    c = Client()
    assert c.post(url, {"level": "2", "resolved": "1"}).status_code == 200
    rating = Rating.objects.get()
    assert (rating.channel, rating.proactive) == ("sms", False)
    again = c.post(url, {"level": "5"})
    assert again.status_code == 409
    assert "该短信链接已使用过" in again.content.decode() and "link_used" in again.content.decode()
    token = url.rstrip("/").rsplit("/", 1)[1]
    api = post_json(Client(), f"/api/v1/ratings/public/sms/{token}", {"level": 5})
    assert api.json() == {"code": "link_used", "message": "该短信链接已使用过，不能重复提交"}
    assert Rating.objects.count() == 1 and UsedLink.objects.count() == 1


def test_expired_sms_link(cases: Any) -> None:
    ticket = cases.replied(contact_phone="13812345678")
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        url = actions.do_send_sms_link(acting_user=cases.hotline_agent, ticket_id=ticket.pk, purpose="rate")
    with time_machine.travel(dt.datetime(2026, 10, 9, 9, 0, tzinfo=dt.UTC), tick=False):
        r = Client().post(url, {"level": "2"})
    assert r.status_code == 400
    assert "短信链接已过期" in r.content.decode() and "link_expired" in r.content.decode()
    assert Rating.objects.count() == 0 and UsedLink.objects.count() == 0


def test_tampered_sms_link(cases: Any) -> None:
    r = Client().get("/ratings/m/abc:def/")
    assert r.status_code == 404 and "短信链接无效" in r.content.decode()
