"""Background work of the audit log."""

from __future__ import annotations

from django_tasks import task

from .verification import run_chain_verification, verify_now


@task()
def verify_audit_chain_task(verification_id: int) -> dict:
    result = run_chain_verification(verification_id)
    return {"ok": result.ok, "checked": result.checked, "broken_seq": result.broken_seq}


@task()
def verify_audit_chain_nightly() -> dict:
    _, result = verify_now()
    return {"ok": result.ok, "checked": result.checked, "broken_seq": result.broken_seq}
