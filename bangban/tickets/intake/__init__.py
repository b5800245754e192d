"""Intake (受理): a case is created from every channel the rules name (R1.3, R2.2, R3.2, R4.1, R5.3,
R6.1, R7.3, R8.1, R13.1). Pages, imports and the API call the `do_intake_*` actions here.

Each way in is a row of the policy table (`channels.py`: who may file, required fields, intake
modes, idempotency-key owner, caps, on-the-spot closing …) and every intake runs the same steps
in `service.do_intake` driven by it. One job per module:

- `channels.py` — the policy table (`POLICIES`, `REPORT_POLICIES`, `API_POLICIES`) and who may file;
- `service.py` — `do_intake`, the one entry point; `actions.py` — the `do_intake_*` actions on it;
- `validation.py` — fields and registry look-ups; `handling.py` — hotline outcome, 即知即办;
- `idempotency.py` — keys, replays, conflicts; `repeats.py` — repeated complaints (重复反映);
- `records.py` — the case row and its "已受理" events; `notices.py` — the dispatchers' messages;
- `attachments.py` — files with a submission and added later; `verification.py` — visitors' SMS
  codes and the public forms' caps; `batch.py` — `POST /api/v1/cases/batch`.
"""

from __future__ import annotations

from bangban.core.throttle import RateLimited

from ._common import IntakeInput, IntakeResult
from .actions import (
    do_intake_api,
    do_intake_hotline,
    do_intake_mayor_public,
    do_intake_mayor_register,
    do_intake_portal,
    do_intake_report,
    do_intake_window_counter,
    do_intake_window_online,
)
from .attachments import do_add_attachments, may_add_attachments
from .batch import MAX_BATCH, BatchItem, BatchOutcome, do_intake_batch
from .channels import (
    API_POLICIES,
    POLICIES,
    REPORT_POLICIES,
    ChannelPolicy,
    allowed_api_channels,
    can_file_at_counter,
    report_channels,
)
from .handling import Handling
from .idempotency import IdempotencyConflict
from .notices import case_link
from .service import do_intake
from .verification import (
    CODE_MAX_ATTEMPTS,
    CODE_TTL,
    RESEND_INTERVAL,
    VERIFIED_TTL,
    do_send_phone_code,
    do_verify_phone_code,
    find_public_case,
    public_limits,
    verified_phone_for,
)

__all__ = [
    "API_POLICIES",
    "CODE_MAX_ATTEMPTS",
    "CODE_TTL",
    "MAX_BATCH",
    "POLICIES",
    "REPORT_POLICIES",
    "RESEND_INTERVAL",
    "VERIFIED_TTL",
    "BatchItem",
    "BatchOutcome",
    "ChannelPolicy",
    "Handling",
    "IdempotencyConflict",
    "IntakeInput",
    "IntakeResult",
    "RateLimited",
    "allowed_api_channels",
    "can_file_at_counter",
    "case_link",
    "do_add_attachments",
    "do_intake",
    "do_intake_api",
    "do_intake_batch",
    "do_intake_hotline",
    "do_intake_mayor_public",
    "do_intake_mayor_register",
    "do_intake_portal",
    "do_intake_report",
    "do_intake_window_counter",
    "do_intake_window_online",
    "do_send_phone_code",
    "do_verify_phone_code",
    "find_public_case",
    "may_add_attachments",
    "public_limits",
    "report_channels",
    "verified_phone_for",
]
