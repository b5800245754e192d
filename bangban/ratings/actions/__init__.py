"""Every change in ratings: windows and devices, ratings (好差评) from every channel, the
rectification of bad ratings (差评整改), follow-up calls (回访). 回头看 is in recheck.py.

Each `do_*` runs in one transaction, locks what it changes, checks permission and input, writes an
audit event and queues its notifications. Errors are `bangban.core.errors` subclasses with a
Chinese message and a stable code. Unique constraints back up "once only" rules: a duplicate that
slips past the checks (two requests at once) becomes `Conflict` too, and nothing is counted twice.

One submodule per job, re-exported here (import from `bangban.ratings.actions`): `inputs` (levels,
sub-item scores, what can be rated), `parameters` (the 好差评 settings), `tokens` (signed subject and
SMS links), `devices` (windows, service items, counter devices and their caches), `cases` (an
enterprise's rating of its case), `services` (ratings of service events: devices, window QR codes,
追评 links), `rectifications` (差评整改), `follow_ups` (回访 calls), `voiding` (作废) and `labels`
(the audit actions' names). Shared helpers are in `_common`; writing one rating with the
rectification and the case follow-up it leads to is in `_recording`.
"""

from __future__ import annotations

from .cases import CaseRated, answer_sms_link, do_rate_case, rate_case
from .devices import (
    DEVICE_CACHE_SECONDS,
    DeviceInfo,
    DeviceKeyRejected,
    device_async_commit,
    device_for_key,
    do_create_device,
    do_create_service_item,
    do_create_window,
    do_revoke_device,
    do_set_window_active,
    forget_caches,
    window_id_for,
)
from .follow_ups import do_record_call
from .inputs import LEVEL_HELP, RATEABLE_STATUSES, SUB_ITEMS, RatingInput, parse_level, parse_scores
from .labels import ACTION_LABELS
from .parameters import do_update_settings, get_settings
from .rectifications import do_add_link, do_classify, do_rectify, do_verify, rater_link
from .services import (
    rate_batch_from_device,
    rate_followup_by_token,
    rate_from_device,
    rate_service,
    rate_window_qr,
)
from .tokens import (
    CASE_QR_REMOVED,
    SMS_SALT,
    SUBJECT_SALT,
    SUBJECT_TOKEN_DAYS,
    CaseQrRemoved,
    SmsClaim,
    do_send_sms_link,
    make_sms_token,
    read_sms_token,
    read_subject_token,
    sms_url,
    subject_token,
)
from .voiding import do_void_rating

__all__ = [
    "ACTION_LABELS",
    "CASE_QR_REMOVED",
    "DEVICE_CACHE_SECONDS",
    "LEVEL_HELP",
    "RATEABLE_STATUSES",
    "SMS_SALT",
    "SUBJECT_SALT",
    "SUBJECT_TOKEN_DAYS",
    "SUB_ITEMS",
    "CaseQrRemoved",
    "CaseRated",
    "DeviceInfo",
    "DeviceKeyRejected",
    "RatingInput",
    "SmsClaim",
    "answer_sms_link",
    "device_async_commit",
    "device_for_key",
    "do_add_link",
    "do_classify",
    "do_create_device",
    "do_create_service_item",
    "do_create_window",
    "do_rate_case",
    "do_record_call",
    "do_rectify",
    "do_revoke_device",
    "do_send_sms_link",
    "do_set_window_active",
    "do_update_settings",
    "do_verify",
    "do_void_rating",
    "forget_caches",
    "get_settings",
    "make_sms_token",
    "parse_level",
    "parse_scores",
    "rate_batch_from_device",
    "rate_case",
    "rate_followup_by_token",
    "rate_from_device",
    "rate_service",
    "rate_window_qr",
    "rater_link",
    "read_sms_token",
    "read_subject_token",
    "sms_url",
    "subject_token",
    "window_id_for",
]
