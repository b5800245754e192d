"""Settings shared by every environment. Values that differ per deployment come from the environment
(see `.env.example`); `prod.py` refuses to start without the secrets it needs."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("BANGBAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("BANGBAN_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")

# The audit chain's HMAC key (R0.5), kept outside the database and apart from SECRET_KEY; the
# daily anchor of the chain's head is written to BANGBAN_AUDIT_ANCHOR_DIR and e-mailed to
# BANGBAN_AUDIT_ANCHOR_EMAILS. See docs/security.md.
BANGBAN_AUDIT_KEY = os.environ.get("BANGBAN_AUDIT_KEY", "dev-only-audit-key-do-not-use-in-production")
BANGBAN_AUDIT_KEYED_FROM = env_int("BANGBAN_AUDIT_KEYED_FROM", 0) or None
BANGBAN_AUDIT_ANCHOR_DIR = Path(os.environ.get("BANGBAN_AUDIT_ANCHOR_DIR", VAR_DIR / "audit-anchors"))
BANGBAN_AUDIT_ANCHOR_EMAILS = env_list("BANGBAN_AUDIT_ANCHOR_EMAILS")
DEBUG = env_bool("BANGBAN_DEBUG", False)
ALLOWED_HOSTS = env_list("BANGBAN_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("BANGBAN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "bangban.core",
    "bangban.org",
    "bangban.enterprises",
    "bangban.accounts",
    "bangban.workdays",
    "bangban.audit",
    "bangban.notifications",
    "bangban.tickets",
    "bangban.knowledge",
    "bangban.escalation",
    "bangban.ratings",
    "bangban.network",
    "bangban.assist",
    "bangban.outreach",
    "bangban.fieldruns",
    "bangban.conduct",
    "bangban.leniency",
    "bangban.inspections",
    "bangban.insight",
    "bangban.supervision",
    "bangban.open311",
    "bangban.gridnet",
    "bangban.exports",
    "bangban.shell",
]

MIDDLEWARE = [
    # First: every response (redirects and refusals included) carries the request id, and every
    # request is timed and counted (docs/operations.md, "Metrics" and "Request ids").
    "bangban.core.observability.RequestIdMiddleware",
    "bangban.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "bangban.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "bangban.core.input_guard.InputGuardMiddleware",
    "bangban.core.error_pages.FriendlyErrorPagesMiddleware",
    "bangban.core.refusals.ApplicationErrorMiddleware",
    "bangban.core.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bangban.accounts.middleware.IdleTimeoutMiddleware",
    "bangban.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bangban.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bangban.shell.context_processors.navigation",
                "bangban.notifications.context_processors.demo_sms",
            ],
        },
    },
]

# Database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bangban.sqlite3'}"),
        conn_max_age=env_int("BANGBAN_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE makes writers queue
        # instead of failing with "database is locked" when they upgrade a read lock.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
# Reports and dashboards may read from a replica (bangban/core/replica.py): only the code paths
# that ask for it, never inside a transaction; writes and everything else use default.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("BANGBAN_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
BANGBAN_REPLICA_READS = env_bool("BANGBAN_REPLICA_READS", bool(DATABASE_REPLICA_URL))
DATABASE_ROUTERS = ["bangban.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["bangban.accounts.backends.LockoutModelBackend"]

PASSWORD_HASHERS = [
    "bangban.accounts.hashers.CityArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "bangban.accounts.validators.CharacterClassValidator"},
    {"NAME": "bangban.accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
]

# Account security (R0.4)
LOGIN_MAX_FAILURES = env_int("BANGBAN_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_SECONDS = env_int("BANGBAN_LOGIN_LOCK_SECONDS", 15 * 60)
SESSION_IDLE_SECONDS = env_int("BANGBAN_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = env_int("BANGBAN_SESSION_MAX_SECONDS", 12 * 3600)
# Reverse proxies whose X-Forwarded-For is believed (CIDRs, comma-separated); none by default, so
# the client address is REMOTE_ADDR and a forwarded header from anyone else is ignored.
BANGBAN_TRUSTED_PROXIES = env_list("BANGBAN_TRUSTED_PROXIES")
for _proxy in BANGBAN_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"BANGBAN_TRUSTED_PROXIES 中的 {_proxy!r} 不是有效的 IP 地址或网段"
        ) from _exc
# The demo city (`make run`): pages that exist only to try the product, such as 「演示短信」 (the
# text messages the outbox would send, codes included, so a newcomer can use the SMS-verified
# pages without a phone). Off unless the dev settings turn it on; production forces it off.
BANGBAN_DEMO = env_bool("BANGBAN_DEMO", False)
# Two-factor login (TOTP) for 系统管理员, 营商办 and admin-site accounts (accounts/second_factor.py).
# On unless turned off; the embedded demo (dev settings) and the tests turn it off by default.
BANGBAN_REQUIRE_SECOND_FACTOR = env_bool("BANGBAN_REQUIRE_SECOND_FACTOR", True)
OTP_TOTP_ISSUER = "帮办"
# Caps on the public forms (race-free counters, bangban/core/throttle.py): SMS codes per hour for
# the whole platform, per number and per source address; cases filed per day per verified number
# and per source address on the mayor's public column.
BANGBAN_SMS_CODES_PER_HOUR = env_int("BANGBAN_SMS_CODES_PER_HOUR", 300)
BANGBAN_SMS_CODES_PER_PHONE_PER_HOUR = env_int("BANGBAN_SMS_CODES_PER_PHONE_PER_HOUR", 5)
BANGBAN_SMS_CODES_PER_ADDRESS_PER_HOUR = env_int("BANGBAN_SMS_CODES_PER_ADDRESS_PER_HOUR", 20)
BANGBAN_PUBLIC_CASES_PER_PHONE_PER_DAY = env_int("BANGBAN_PUBLIC_CASES_PER_PHONE_PER_DAY", 5)
BANGBAN_PUBLIC_CASES_PER_ADDRESS_PER_DAY = env_int("BANGBAN_PUBLIC_CASES_PER_ADDRESS_PER_DAY", 20)
# Who processes the personal information given on the public pages, and how to reach them, as the
# 个人信息保护告知 names them (tickets/privacy.py).
BANGBAN_PRIVACY_PROCESSOR = os.environ.get("BANGBAN_PRIVACY_PROCESSOR", "宿迁市人民政府办公室")
BANGBAN_PRIVACY_CONTACT = os.environ.get("BANGBAN_PRIVACY_CONTACT", "12345 政务服务便民热线")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("BANGBAN_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("BANGBAN_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files (attachments, background exports, issued 通报, import rows): the filesystem under
# MEDIA_ROOT, or an S3-compatible bucket shared by every machine when BANGBAN_MEDIA_S3_BUCKET is
# set. Files are private either way: they are only ever served by the permission-checked views.
BANGBAN_MEDIA_S3_BUCKET = os.environ.get("BANGBAN_MEDIA_S3_BUCKET", "")
_media_storage: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if BANGBAN_MEDIA_S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BANGBAN_MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("BANGBAN_MEDIA_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("BANGBAN_MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("BANGBAN_MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("BANGBAN_MEDIA_S3_REGION") or None,
            "location": os.environ.get("BANGBAN_MEDIA_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": os.environ.get("BANGBAN_MEDIA_S3_ADDRESSING_STYLE") or None,
        },
    }
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads: files are streamed to disk past 2.5 MB; the import views refuse anything above this.
BANGBAN_MAX_UPLOAD_BYTES = env_int("BANGBAN_MAX_UPLOAD_MB", 20) * 1024 * 1024
BANGBAN_IMPORT_MAX_ROWS = env_int("BANGBAN_IMPORT_MAX_ROWS", 200_000)
# Zip bombs: uploaded workbooks are refused from their ZIP directory, before parsing, when they
# would expand past this size or a member's compression ratio exceeds this; sheets are read for at
# most this many rows, blank rows included (bangban.core.xlsx.check_zip_expansion).
BANGBAN_XLSX_MAX_UNCOMPRESSED_BYTES = env_int("BANGBAN_XLSX_MAX_UNCOMPRESSED_MB", 256) * 1024 * 1024
BANGBAN_XLSX_MAX_RATIO = env_int("BANGBAN_XLSX_MAX_RATIO", 100)
BANGBAN_XLSX_MAX_SHEET_ROWS = env_int("BANGBAN_XLSX_MAX_SHEET_ROWS", 300_000)
# Excel exports of more rows than this are written by a worker, with a progress page.
BANGBAN_EXPORT_INLINE_ROWS = env_int("BANGBAN_EXPORT_INLINE_ROWS", 5000)
BANGBAN_EXPORT_KEEP_DAYS = env_int("BANGBAN_EXPORT_KEEP_DAYS", 7)
# 评价器 ratings committed without waiting for the WAL flush (faster; see docs/ratings.md). Off by default.
BANGBAN_DEVICE_ASYNC_COMMIT = env_bool("BANGBAN_DEVICE_ASYNC_COMMIT", False)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Background work: Django's Tasks API with the database queue (any number of workers).
TASKS = {
    "default": {
        "BACKEND": "bangban.core.taskqueue.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Task workers (`manage.py task_worker`): heartbeat, lease after which a dead worker's task is
# queued again, and how many workers may be lost on one task before it is marked failed.
BANGBAN_TASK_HEARTBEAT_SECONDS = env_int("BANGBAN_TASK_HEARTBEAT_SECONDS", 10)
BANGBAN_TASK_LEASE_SECONDS = env_int("BANGBAN_TASK_LEASE_SECONDS", 60)
BANGBAN_TASK_MAX_ATTEMPTS = env_int("BANGBAN_TASK_MAX_ATTEMPTS", 5)

# Notifications (R0.6): one outbox, pluggable backends per channel.
NOTIFICATION_BACKENDS = {
    "sms": os.environ.get("BANGBAN_SMS_BACKEND", "bangban.notifications.backends.ConsoleBackend"),
    "email": os.environ.get("BANGBAN_EMAIL_BACKEND", "bangban.notifications.backends.DjangoEmailBackend"),
    "inapp": "bangban.notifications.backends.InAppBackend",
}
NOTIFICATION_MAX_ATTEMPTS = env_int("BANGBAN_NOTIFICATION_MAX_ATTEMPTS", 8)
EMAIL_BACKEND = os.environ.get(
    "BANGBAN_DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("BANGBAN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("BANGBAN_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("BANGBAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("BANGBAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("BANGBAN_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("BANGBAN_FROM_EMAIL", "bangban@localhost")

BANGBAN_CITY_NAME = os.environ.get("BANGBAN_CITY_NAME", "宿迁市")
# The address at which citizens and enterprises reach the site: every link sent by SMS or e-mail
# is built on it (bangban.core.urls_abs.absolute_url). Production requires https (core/checks.py).
BANGBAN_SITE_URL = os.environ.get("BANGBAN_SITE_URL", "http://127.0.0.1:8000")
BANGBAN_SITE_URL_HTTPS_REQUIRED = False

# 一张网 event dispatch platform (bangban.gridnet, docs/gridnet.md): the shared secret of the
# HMAC signatures both ways (empty: the connector refuses every order, 503), the platform's
# address for status reports (empty: reports wait, nothing is sent) and its timeout in seconds.
BANGBAN_GRIDNET_SECRET = os.environ.get("BANGBAN_GRIDNET_SECRET", "")
BANGBAN_GRIDNET_CALLBACK_URL = os.environ.get("BANGBAN_GRIDNET_CALLBACK_URL", "")
BANGBAN_GRIDNET_TIMEOUT = env_int("BANGBAN_GRIDNET_TIMEOUT", 10)

# Open311 GeoReport v2 (bangban.open311): a posted lat/long must fall in this box
# (lat_min,lat_max,long_min,long_max; 宿迁市 by default).
BANGBAN_OPEN311_BBOX = tuple(float(v) for v in env_list("BANGBAN_OPEN311_BBOX", "33.1,34.4,117.9,119.2"))
if len(BANGBAN_OPEN311_BBOX) != 4 or not (
    BANGBAN_OPEN311_BBOX[0] < BANGBAN_OPEN311_BBOX[1] and BANGBAN_OPEN311_BBOX[2] < BANGBAN_OPEN311_BBOX[3]
):
    raise ImproperlyConfigured("BANGBAN_OPEN311_BBOX 应为 纬度下限,纬度上限,经度下限,经度上限")

# `/metrics` (bangban.core.metrics): client addresses allowed to scrape (CIDRs, comma-separated;
# loopback by default) and an optional bearer token that allows any address.
BANGBAN_METRICS_ALLOWED = env_list("BANGBAN_METRICS_ALLOWED", "127.0.0.1/32,::1/128")
BANGBAN_METRICS_TOKEN = os.environ.get("BANGBAN_METRICS_TOKEN", "")
for _network in BANGBAN_METRICS_ALLOWED:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"BANGBAN_METRICS_ALLOWED 中的 {_network!r} 不是有效的 IP 地址或网段"
        ) from _exc

# Every record carries the request id of the request (or task) that wrote it
# (bangban.core.observability); production writes JSON lines (prod.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "bangban.core.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "bangban.core.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("BANGBAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
