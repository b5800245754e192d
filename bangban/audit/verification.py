"""Running the hash-chain verification and keeping its result (`ChainVerification`), for the
auditor page (as a background task queued by `verify_request`), the nightly job and the command.
The body of the tasks: it queues nothing itself."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import ChainVerification
from .verify import VerifyResult, verify_chain


def run_chain_verification(verification_id: int) -> VerifyResult:
    """Verify the whole chain, updating the row's progress as it goes and its result at the end."""
    rows = ChainVerification.objects.filter(pk=verification_id)

    def progress(checked: int, total: int) -> None:
        rows.update(checked=checked, total=total)

    try:
        result = verify_chain(progress=progress)
    except Exception as exc:
        rows.update(finished_at=timezone.now(), ok=False, reason=f"校验未完成：{exc}"[:300])
        raise
    rows.update(
        finished_at=timezone.now(),
        ok=result.ok,
        checked=result.checked,
        broken_seq=result.broken_seq,
        reason=result.reason[:300],
    )
    return result


def verify_now(*, requested_by: Any = None) -> tuple[ChainVerification, VerifyResult]:
    """Verify in this process (the command and the nightly job), keeping the result."""
    verification = ChainVerification.objects.create(started_at=timezone.now(), requested_by=requested_by)
    result = run_chain_verification(verification.pk)
    verification.refresh_from_db()
    return verification, result


def latest_verification() -> ChainVerification | None:
    return ChainVerification.objects.select_related("requested_by").first()
