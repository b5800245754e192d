"""Two-factor login (TOTP, django-otp) for the roles that change settings, rankings or accounts.

Who must use it: `SECOND_FACTOR_ROLES` (系统管理员 — accounts, tokens, organisation, calendar and
case settings; 营商办 — rankings, 通报 and the other supervision records) and every account that
may enter the Django admin site (`is_staff` / `is_superuser`), when
`BANGBAN_REQUIRE_SECOND_FACTOR` is on (production). After the password, such a user is signed in
but "unverified": `SecondFactorMiddleware` sends every page to enrolment (no confirmed device yet)
or to the verification step, and answers session API calls with 403 `second_factor_required`.
API tokens are not affected: they are revocable secrets of their own. A user with a confirmed
device cannot enrol another without passing the verification first or an administrator's reset."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Role

SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.BIZ_OFFICE})
RECOVERY_CODES = 10
ISSUER = "帮办"


def is_required() -> bool:
    return bool(getattr(settings, "BANGBAN_REQUIRE_SECOND_FACTOR", False))


def requires_second_factor(user: Any) -> bool:
    """Whether this signed-in user must pass a second factor (whatever the setting says)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or user.has_role(*SECOND_FACTOR_ROLES))


def is_verified(user: Any) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def must_verify(user: Any) -> bool:
    """Signed in with the password, but the second factor is still owed."""
    return is_required() and requires_second_factor(user) and not is_verified(user)


def is_enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL of the device as an inline SVG (no script, no external image)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four, for typing into an app by hand."""

    raw = base64.b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def match(user: Any, code: str) -> Any:
    """The confirmed device (TOTP or a one-off recovery code) that accepts `code`, or None. A
    recovery code is used up; TOTP devices refuse a replayed code and slow down repeated failures
    (django-otp's throttling)."""
    code = "".join(code.split())
    if not code or len(code) > 16:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            allowed = isinstance(device, TOTPDevice | StaticDevice) and device.verify_is_allowed()[0]
            if allowed and device.verify_token(code):
                return device
    return None
