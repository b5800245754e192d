"""Background work of the audit log: the task entry points only. The bodies are
`verification` and `anchor`; the auditor's request (`verify_request`) queues the verification."""

from __future__ import annotations

from django_tasks import task

from bangban.core.middleware import RequestContext, reset_context, set_context

from .anchor import do_anchor_audit_head
from .verification import run_chain_verification, verify_now


@task()
def verify_audit_chain_task(verification_id: int) -> dict:
    result = run_chain_verification(verification_id)
    return {"ok": result.ok, "checked": result.checked, "broken_seq": result.broken_seq}


@task()
def verify_audit_chain_nightly() -> dict:
    _, result = verify_now()
    return {"ok": result.ok, "checked": result.checked, "broken_seq": result.broken_seq}


@task()
def anchor_audit_head_daily() -> dict:
    token = set_context(RequestContext(ip=None, user_agent="", source="task"))
    try:
        result = do_anchor_audit_head()
    finally:
        reset_context(token)
    if not result.ok:
        raise RuntimeError(result.message)
    return {"ok": True, "seq": result.digest["seq"] if result.digest else None, "file": str(result.path)}
