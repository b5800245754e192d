"""An auditor asks for the hash chain to be verified (the auditor page): the request is recorded as
a pending `ChainVerification` and the background task that runs it is queued. The task's body is
`verification.run_chain_verification`, which queues nothing."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone

from bangban.accounts.models import User
from bangban.core.kit import durable_action

from .actions import record
from .models import ChainVerification
from .tasks import verify_audit_chain_task


@durable_action
def do_request_chain_verification(*, acting_user: User, now: dt.datetime | None = None) -> ChainVerification:
    """Create a pending verification and enqueue it once the request's transaction commits."""
    verification = ChainVerification.objects.create(
        started_at=now or timezone.now(), requested_by=acting_user
    )
    record("audit.verify", actor=acting_user, obj=verification, after={"verification": verification.pk})
    transaction.on_commit(partial(verify_audit_chain_task.enqueue, verification.pk), robust=True)
    return verification
