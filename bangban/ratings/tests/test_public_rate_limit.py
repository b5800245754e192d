"""The public rating channels (QR pages of windows and cases, SMS link pages, the unauthenticated
API) are rate limited per client address, in the database: too many submissions → 429
`rate_limited` with a Chinese message, and nothing is counted."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from bangban.core.models import RateCounter
from bangban.ratings import actions, throttle
from bangban.ratings.models import Rating

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 11, 27, 2, 1, tzinfo=dt.UTC)


@pytest.fixture
def tight(settings: Any) -> None:
    settings.BANGBAN_RATINGS_PUBLIC_PER_TARGET = 3
    settings.BANGBAN_RATINGS_PUBLIC_PER_ADDRESS = 5


def post_json(client: Client, url: str, data: dict[str, Any], **headers: str) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_defaults() -> None:
    assert throttle.limits() == (30, 120)
    assert throttle.WINDOW.total_seconds() == 600


def test_window_qr_api_is_limited_per_address_and_window(
    tight: None, world: Any, site: Any, window: Any
) -> None:
    url = f"/api/v1/ratings/public/windows/{window.public_key}"
    client = from_address("10.0.0.1")
    with time_machine.travel(T, tick=False):
        for _ in range(3):
            assert post_json(client, url, {"level": 1}).status_code == 201
        refused = post_json(client, url, {"level": 1})
        assert refused.status_code == 429
        body = refused.json()
        assert body["code"] == "rate_limited"
        assert (
            body["message"] == "对同一窗口或同一诉求提交评价过于频繁（10 分钟内最多 3 次），请 9 分钟后再试"
        )
        assert body["details"]["retry_after"] == 540
        assert Rating.objects.count() == 3  # nothing counted
        # Another address is not affected.
        assert post_json(from_address("10.0.0.2"), url, {"level": 1}).status_code == 201
        # The phone page of the same window says the same, in the form.
        page = client.post(f"/ratings/q/w/{window.public_key}/", {"level": "1"})
        assert page.status_code == 429
        assert "对同一窗口或同一诉求提交评价过于频繁" in page.content.decode()
        assert Rating.objects.count() == 4
    # The next 10-minute window starts afresh.
    with time_machine.travel(T + dt.timedelta(minutes=10), tick=False):
        assert post_json(client, url, {"level": 1}).status_code == 201


def test_all_targets_of_one_address_together(tight: None, world: Any, site: Any, window: Any) -> None:
    other = actions.do_create_window(
        acting_user=world.biz_office, site_id=site.pk, code="A02", name="税务窗口"
    )
    client = from_address("10.0.0.3")
    with time_machine.travel(T, tick=False):
        for key in (
            window.public_key,
            window.public_key,
            other.public_key,
            other.public_key,
            other.public_key,
        ):
            assert post_json(client, f"/api/v1/ratings/public/windows/{key}", {"level": 2}).status_code == 201
        refused = post_json(client, f"/api/v1/ratings/public/windows/{window.public_key}", {"level": 2})
        assert (
            refused.status_code == 429
            and "本网络提交评价过于频繁（10 分钟内最多 5 次）" in refused.json()["message"]
        )
        # Malformed targets count too: an unknown window is refused by the limit, not looked up.
        unknown = post_json(client, "/api/v1/ratings/public/windows/not-a-window", {"level": 2})
        assert unknown.status_code == 429
    assert Rating.objects.count() == 5


def test_forwarded_address_is_the_client_behind_a_trusted_proxy(
    tight: None, world: Any, site: Any, window: Any, settings: Any
) -> None:
    """Behind a proxy listed in BANGBAN_TRUSTED_PROXIES, X-Forwarded-For names the client."""
    settings.BANGBAN_TRUSTED_PROXIES = ["192.168.0.0/24"]
    url = f"/api/v1/ratings/public/windows/{window.public_key}"
    proxy = from_address("192.168.0.1")
    with time_machine.travel(T, tick=False):
        for _ in range(3):
            assert post_json(proxy, url, {"level": 1}, **{"X-Forwarded-For": "36.1.1.1"}).status_code == 201
        assert post_json(proxy, url, {"level": 1}, **{"X-Forwarded-For": "36.1.1.1"}).status_code == 429
        assert post_json(proxy, url, {"level": 1}, **{"X-Forwarded-For": "36.1.1.2"}).status_code == 201


@pytest.mark.parametrize("trusted", [[], ["192.168.0.0/24"]])
def test_a_forged_forwarded_header_from_an_untrusted_address_is_ignored(
    tight: None, world: Any, site: Any, window: Any, settings: Any, trusted: list[str]
) -> None:
    """A client that sends its own random X-Forwarded-For is still one address (10.9.9.9)."""
    settings.BANGBAN_TRUSTED_PROXIES = trusted
    url = f"/api/v1/ratings/public/windows/{window.public_key}"
    client = from_address("10.9.9.9")
    with time_machine.travel(T, tick=False):
        answers = [
            post_json(client, url, {"level": 1}, **{"X-Forwarded-For": f"36.2.{n}.{n}"}).status_code
            for n in range(6)
        ]
    assert answers == [201, 201, 201, 429, 429, 429]
    assert Rating.objects.count() == 3


def test_sms_link_page_and_api(tight: None, cases: Any) -> None:
    ticket = cases.replied(contact_phone="13812345678")
    client = from_address("10.0.0.5")
    with time_machine.travel(T, tick=False):
        url = actions.do_send_sms_link(acting_user=cases.hotline_agent, ticket_id=ticket.pk, purpose="rate")
        token = url.rstrip("/").rsplit("/", 1)[1]
        # Three bad submissions (no level) use up the case's slots from this address …
        for _ in range(3):
            assert client.post(url, {}).status_code == 400
        page = client.post(url, {"level": "2"})
        assert page.status_code == 429 and "请 9 分钟后再试" in page.content.decode()
        api = post_json(client, f"/api/v1/ratings/public/sms/{token}", {"level": 2})
        assert api.status_code == 429 and api.json()["code"] == "rate_limited"
        assert Rating.objects.count() == 0
        # … and guessing tokens counts against the address.
        guesser = from_address("10.0.0.9")
        for _ in range(5):
            assert post_json(guesser, "/api/v1/ratings/public/sms/abc:def", {"level": 2}).status_code == 404
        assert post_json(guesser, "/api/v1/ratings/public/sms/abc:def", {"level": 2}).status_code == 429
    # The link itself is still good, from the holder's own phone.
    with time_machine.travel(T, tick=False):
        assert from_address("10.0.0.6").post(url, {"level": "2", "resolved": "1"}).status_code == 200
    assert Rating.objects.count() == 1


def test_subject_followup_page(tight: None, world: Any, site: Any, window: Any) -> None:
    client = from_address("10.0.0.7")
    with time_machine.travel(T, tick=False):
        first = client.post(f"/ratings/q/w/{window.public_key}/", {"level": "2"})
        subject_url = first["Location"]
        for _ in range(3):
            assert client.post(subject_url, {}).status_code == 400  # no level
        page = client.post(subject_url, {"level": "1"})
        assert page.status_code == 429 and "rate_limited" in page.content.decode()
    assert Rating.objects.count() == 1


def test_counter_devices_are_not_limited(tight: None, world: Any, site: Any, window: Any) -> None:
    _device, raw = actions.do_create_device(acting_user=world.biz_office, site_id=site.pk, name="一号评价器")
    client = from_address("10.0.0.8")
    with time_machine.travel(T, tick=False):
        for n in range(8):
            r = post_json(client, "/api/v1/ratings/device/ratings", {"window": "A01", "level": 1, "event_ref": f"Q{n}"},
                          **{"X-Device-Key": raw})  # fmt: skip
            assert r.status_code == 201
    assert not RateCounter.objects.exists()
