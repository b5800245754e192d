"""Login with lock-out after repeated failures (R0.4).

The counter lives on the user row and is updated with a conditional UPDATE, so two failed attempts
racing each other both count. A locked account refuses even the right password until the lock
expires; the lock and the unlock are audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from bangban.audit.actions import record

from .models import User


class AccountLocked(Exception):
    def __init__(self, until: dt.datetime) -> None:
        self.until = until
        super().__init__(f"locked until {until.isoformat()}")


def register_failure(user: User) -> bool:
    """Count one failed attempt; lock the account at the threshold. Returns True if now locked."""
    now = timezone.now()
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        user.refresh_from_db(fields=["failed_login_count", "locked_until"])
        locked = user.failed_login_count >= settings.LOGIN_MAX_FAILURES
        if locked:
            until = now + dt.timedelta(seconds=settings.LOGIN_LOCK_SECONDS)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
            user.locked_until = until
            record("account.locked", actor=None, obj=user, after={"locked_until": until})
        else:
            record(
                "account.login_failed",
                actor=None,
                obj=user,
                after={"failed_login_count": user.failed_login_count},
            )
    return locked


class LockoutModelBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            # Run the hasher anyway so timing does not reveal which usernames exist.
            User().set_password(password)
            return None
        if user.is_locked():
            # Hash the password as for every other attempt, so a locked account takes as long to
            # refuse as an unknown one; the login form shows both the same message.
            user.check_password(password)
            assert user.locked_until is not None
            raise AccountLocked(user.locked_until)
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
            return user
        if register_failure(user):
            assert user.locked_until is not None
            raise AccountLocked(user.locked_until)
        return None
