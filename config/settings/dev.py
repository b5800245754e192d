"""The embedded default: SQLite, DEBUG on, everything on one machine (`make run`)."""

from .base import *  # noqa: F403
from .base import STATIC_ROOT, env_bool

DEBUG = env_bool("BANGBAN_DEBUG", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)
