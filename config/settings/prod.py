"""Production: PostgreSQL, secrets and hosts from the environment, HTTPS assumed behind a proxy.

Fails fast when a required variable is missing, so a misconfigured process never starts serving.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_int


def require(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"环境变量 {name} 未设置（生产环境必须设置）")
    return value


DEBUG = False
# Never the demo pages in production: 「演示短信」 would show every SMS code to anyone.
BANGBAN_DEMO = False
SECRET_KEY = require("BANGBAN_SECRET_KEY")
require("DATABASE_URL")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("BANGBAN_SECRET_KEY 过短或为开发用密钥：请生成至少 50 个字符的随机值")
BANGBAN_AUDIT_KEY = require("BANGBAN_AUDIT_KEY")
if len(BANGBAN_AUDIT_KEY) < 32 or BANGBAN_AUDIT_KEY.startswith("dev-only") or BANGBAN_AUDIT_KEY == SECRET_KEY:
    raise ImproperlyConfigured(
        "BANGBAN_AUDIT_KEY 过短、为开发用密钥或与 BANGBAN_SECRET_KEY 相同：请单独生成至少 32 个字符的随机值"
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("BANGBAN_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("BANGBAN_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("BANGBAN_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Cookies travel over https only. BANGBAN_COOKIE_SECURE=false exists for one purpose: the
# loopback production smoke test (scripts/prod_smoke.py), which serves plain http on 127.0.0.1.
SESSION_COOKIE_SECURE = env_bool("BANGBAN_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Links sent by SMS and e-mail are built on this address; it must be set and use https (checked by
# the system check core.E001, which every management command and the WSGI start-up run).
BANGBAN_SITE_URL = os.environ.get("BANGBAN_SITE_URL", "")
BANGBAN_SITE_URL_HTTPS_REQUIRED = True

# Logs: one JSON object per line on standard error, each with the request id (docs/operations.md).
# BANGBAN_LOG_FORMAT=plain keeps the text lines.
_log_format = os.environ.get("BANGBAN_LOG_FORMAT", "json")
if _log_format not in {"json", "plain"}:
    raise ImproperlyConfigured("BANGBAN_LOG_FORMAT 只能是 json 或 plain")
LOGGING = {
    **LOGGING,  # noqa: F405
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": _log_format, "filters": ["request_id"]}
    },
}
