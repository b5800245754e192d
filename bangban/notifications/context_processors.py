"""What every page may link to from the notifications app: the demo city's 「演示短信」 page,
offered only when the demo is on (`BANGBAN_DEMO`)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def demo_sms(request: HttpRequest) -> dict[str, str]:
    return {"demo_sms_url": reverse("notifications:demo_sms") if settings.BANGBAN_DEMO else ""}
