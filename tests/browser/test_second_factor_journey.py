"""Two-factor sign-in in a real browser, with the requirement on as in production: a system
administrator signs in with the password, is sent to enrol an authenticator, reads the secret
(the authenticator app is played by django-otp's own TOTP), confirms with a code, keeps the
recovery codes and reaches the home page; signs out; signs in again and must pass a code, where a
wrong one gets the Chinese error."""

from __future__ import annotations

import base64
import time
from typing import Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bangban.audit.models import AuditEvent
from bangban.conftest import PASSWORD

WRONG_CODE = "验证码不正确或已使用"


def authenticator_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret typed from the page (`steps_ahead` time
    steps later: a code is accepted once, and one step of drift is tolerated)."""
    key = base64.b32decode("".join(secret.split()).upper())
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def submit_code(page: Any, code: str) -> None:
    page.fill("#id_code", code)
    page.click("form:has(#id_code) button[type=submit]")


def test_admin_enrols_an_authenticator_and_must_pass_it_at_the_next_sign_in(
    world: Any, live_server: Any, page: Any, settings: Any
) -> None:
    settings.BANGBAN_REQUIRE_SECOND_FACTOR = True
    base = live_server.url
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    # The password alone leads to enrolment, whatever page was asked for.
    sign_in(page, base)
    page.wait_for_selector("[data-testid=second-factor-setup]")
    assert "/accounts/2fa/setup/" in page.url
    assert page.locator("[data-testid=second-factor-qr] svg").count() == 1
    secret = page.inner_text("[data-testid=second-factor-secret]")

    # A wrong code does not enrol.
    submit_code(page, "000000" if authenticator_code(secret) != "000000" else "111111")
    page.wait_for_selector("[data-testid=second-factor-error]")
    assert "验证码不正确" in page.inner_text("[data-testid=second-factor-error]")
    assert page.inner_text("[data-testid=second-factor-secret]") == secret  # the same secret
    assert not TOTPDevice.objects.filter(user=world.admin, confirmed=True).exists()

    submit_code(page, authenticator_code(secret))
    page.wait_for_selector("[data-testid=second-factor-codes]")
    assert page.locator("[data-testid=recovery-code]").count() == 10
    page.click("text=我已保存，继续")
    page.wait_for_selector("[data-testid=current-user]")
    assert page.url.rstrip("/") == base
    assert page.goto(f"{base}/accounts/users/").status == 200  # verified: the pages are open now

    # Sign out; the next sign-in asks for a code.
    page.click("form[action$='/accounts/logout/'] button[type=submit]")
    page.wait_for_url("**/accounts/login/**")
    sign_in(page, base)
    page.wait_for_selector("[data-testid=second-factor-verify]")
    assert "/accounts/2fa/verify/" in page.url
    assert page.goto(f"{base}/accounts/users/") is not None and "/accounts/2fa/verify/" in page.url

    wrong = authenticator_code(secret, steps_ahead=5)  # a code of another moment
    submit_code(page, wrong)
    page.wait_for_selector("[data-testid=second-factor-error]")
    assert WRONG_CODE in page.inner_text("[data-testid=second-factor-error]")
    assert "/accounts/2fa/verify/" in page.url

    # django-otp slows down repeated failures (one second after the first); the code of the next
    # time step is still accepted (the one used to enrol cannot be used twice).
    time.sleep(1.5)
    submit_code(page, authenticator_code(secret, steps_ahead=1))
    page.wait_for_url("**/accounts/users/")
    page.wait_for_selector("[data-testid=current-user]")
    assert violations == []  # the QR code and the forms work under the page policy
    assert (
        AuditEvent.objects.filter(action="account.second_factor_verified", actor_id=world.admin.pk).count()
        == 1
    )
