"""Absolute links for messages that leave the site (SMS, e-mail): a relative path in a text
message leads nowhere. Every such link is built here, on the configured site address
`settings.BANGBAN_SITE_URL` (e.g. https://bangban.suqian.gov.cn), never on the request's host,
so a link queued by a background job or a management command is the same as one queued by a page.
Kernel-level: imports no feature app."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    """The configured site address without a trailing slash."""
    return str(getattr(settings, "BANGBAN_SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """`path` ("/ratings/m/…/") on the site address; an absolute URL or an empty string is
    returned unchanged."""
    if not path:
        return path
    if urlsplit(path).scheme:
        return path
    return f"{site_url()}/{path.lstrip('/')}"


def site_url_problem(value: str, *, https_required: bool) -> str | None:
    """Why `value` cannot be the site address (None when it can)."""
    if not value:
        return "BANGBAN_SITE_URL 未设置（短信、邮件中的链接需要网站地址）/ BANGBAN_SITE_URL is not set"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return (
            f"BANGBAN_SITE_URL“{value}”不是有效的网址，应形如 https://bangban.suqian.gov.cn"
            f" / BANGBAN_SITE_URL {value!r} is not a valid URL"
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        return (
            f"BANGBAN_SITE_URL“{value}”只能是网站根地址（不含路径）"
            f" / BANGBAN_SITE_URL {value!r} must be the site root, without a path"
        )
    if https_required and parts.scheme != "https":
        return (
            f"生产环境的 BANGBAN_SITE_URL 必须使用 https：“{value}”"
            f" / BANGBAN_SITE_URL must use https in production: {value!r}"
        )
    return None
