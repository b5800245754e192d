"""Browser hardening headers on every response (R0.4).

Django's `SecurityMiddleware` and `XFrameOptionsMiddleware` already send X-Content-Type-Options,
Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options and, in production, HSTS. This adds:

- a Content Security Policy on every page: scripts only from this origin (no inline script, no
  inline event handlers, no eval), styles only from this origin except `style` attributes (see
  `docs/security.md` for why `style-src-attr 'unsafe-inline'` is kept), no plugins, no framing;
- a Permissions-Policy that turns off the powerful browser features the platform never uses;
- on every download (a response with Content-Disposition: files, exports, packs) a sandboxing
  policy, so even a file that a browser chose to render cannot run script in the site's origin.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

DOWNLOAD_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"
)

POWERFUL_FEATURES = (
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in POWERFUL_FEATURES)


def allow_features(response: HttpResponse, *features: str) -> HttpResponse:
    """Let one page use some of the features the policy turns off, for this origin only (the visit
    form's 获取位置 needs `geolocation`); every other feature stays off."""
    response["Permissions-Policy"] = ", ".join(
        f"{feature}=(self)" if feature in features else f"{feature}=()" for feature in POWERFUL_FEATURES
    )
    return response


def is_download(response: HttpResponse) -> bool:
    return response.has_header("Content-Disposition")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_download(response):
            response["Content-Security-Policy"] = DOWNLOAD_POLICY
            response["X-Content-Type-Options"] = "nosniff"
        elif not response.has_header("Content-Security-Policy"):
            response["Content-Security-Policy"] = getattr(settings, "BANGBAN_CSP", PAGE_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
