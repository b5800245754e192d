"""The personal-information notice (个人信息保护告知) that a visitor without an account reads and accepts
before giving a phone number on a public page (《个人信息保护法》 arts. 14, 17). The notice text is the
template `tickets/privacy_notice.html`; its version is stored with each phone verification, so the city
can show which wording a person agreed to. Change `NOTICE_VERSION` whenever the wording changes.

The processor named in the notice and its contact come from settings (`BANGBAN_PRIVACY_PROCESSOR`,
`BANGBAN_PRIVACY_CONTACT`), so each city names its own office."""

from __future__ import annotations

from django.conf import settings

NOTICE_VERSION = "2026-12"
CONSENT_FIELD = "privacy_consent"
CONSENT_MESSAGE = "请先阅读并勾选同意《个人信息保护告知》，再获取验证码"


def notice_context() -> dict[str, str]:
    return {
        "notice_version": NOTICE_VERSION,
        "processor": settings.BANGBAN_PRIVACY_PROCESSOR,
        "contact": settings.BANGBAN_PRIVACY_CONTACT,
    }
