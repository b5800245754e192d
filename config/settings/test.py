"""Settings for the test suite: SQLite by default, PostgreSQL when DATABASE_URL is set (CI)."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, STATIC_ROOT

DEBUG = False
# Argon2 stays the default hasher in production; tests hash with MD5 for speed except where a
# test asks for Argon2 explicitly.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "bangban.accounts.hashers.CityArgon2PasswordHasher",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The replica is a TEST MIRROR of default (the same test database). Reads stay on default unless a
# test turns BANGBAN_REPLICA_READS on (bangban/core/tests/test_replica.py) and allows the alias.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
BANGBAN_REPLICA_READS = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The fault tests start real task workers in other processes, which must share the database queue.
if os.environ.get("BANGBAN_TEST_TASK_BACKEND") == "database":
    TASKS = {"default": {"BACKEND": "bangban.core.taskqueue.DatabaseBackend", "QUEUES": ["default"]}}
NOTIFICATION_BACKENDS = {
    "sms": "bangban.notifications.backends.MemoryBackend",
    "email": "bangban.notifications.backends.MemoryBackend",
    "inapp": "bangban.notifications.backends.InAppBackend",
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The test client's address is loopback: no address may scrape /metrics unless a test allows it.
BANGBAN_METRICS_ALLOWED = []

BANGBAN_REQUIRE_SECOND_FACTOR = False  # tests that need it turn it on

STATIC_ROOT.mkdir(parents=True, exist_ok=True)
