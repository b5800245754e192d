"""The client address (`client_ip`): X-Forwarded-For is believed only from configured proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from bangban.core.middleware import client_ip


def ip(remote: str, forwarded: str = "") -> str | None:
    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = remote
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(request)


def test_without_configured_proxies_the_header_is_ignored(settings):
    settings.BANGBAN_TRUSTED_PROXIES = []
    assert ip("203.0.113.9", "1.2.3.4") == "203.0.113.9"
    assert ip("127.0.0.1", "1.2.3.4") == "127.0.0.1"


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.0.0.5", "36.1.1.1", "36.1.1.1"),  # the documented proxy overwrites the header
        ("10.0.0.5", "6.6.6.6, 36.1.1.1", "36.1.1.1"),  # a client-made first hop is not believed
        ("10.0.0.5", "6.6.6.6, 36.1.1.1, 10.0.0.7", "36.1.1.1"),  # two proxies in a row
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("10.0.0.5", "", "10.0.0.5"),
        ("203.0.113.9", "36.1.1.1", "203.0.113.9"),  # not from a proxy: the header is a forgery
    ],
)
def test_behind_a_trusted_proxy_the_first_untrusted_hop_from_the_right_is_the_client(
    settings, remote, forwarded, client
):
    settings.BANGBAN_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert ip(remote, forwarded) == client
