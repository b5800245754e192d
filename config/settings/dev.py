"""The embedded default: SQLite, DEBUG on, everything on one machine (`make run`)."""

from .base import *  # noqa: F403
from .base import STATIC_ROOT, STORAGES, env_bool

DEBUG = env_bool("BANGBAN_DEBUG", True)
# The demo pages (「演示短信」): on here, off in production (config/settings/prod.py).
BANGBAN_DEMO = env_bool("BANGBAN_DEMO", True)
STORAGES = {
    "default": STORAGES["default"],  # the filesystem unless BANGBAN_MEDIA_S3_BUCKET is set
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The demo city signs in with published passwords; set BANGBAN_REQUIRE_SECOND_FACTOR=1 to try
# the two-factor login here. Production settings require it (docs/security.md).
BANGBAN_REQUIRE_SECOND_FACTOR = env_bool("BANGBAN_REQUIRE_SECOND_FACTOR", False)

STATIC_ROOT.mkdir(parents=True, exist_ok=True)
