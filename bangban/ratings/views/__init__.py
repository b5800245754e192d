"""Pages of ratings: the phone rating pages (case QR, window QR, SMS link, 追评), the enterprise's
PC rating page, windows/devices, the 差评整改 queue, 回访, 回头看 and the monthly figures.

Reads are scoped by `access`; writes go through `actions` / `recheck`. An ApplicationError from an
action is shown next to the form that caused it and nothing is saved.
"""

from __future__ import annotations

from .enterprise_rechecks import enterprise_recheck, enterprise_rechecks
from .figures import audit, figures
from .follow_ups import follow_up_case, follow_ups, recheck_detail, rechecks
from .rating_pages import (
    LEVELS,
    case_qr_gone,
    case_rate,
    case_rating_context,
    sms_page,
    subject_page,
    window_qr,
    window_qr_image,
)
from .rectification import index, rect_detail, rect_queue
from .windows import windows

__all__ = [
    "LEVELS",
    "audit",
    "case_qr_gone",
    "case_rate",
    "case_rating_context",
    "enterprise_recheck",
    "enterprise_rechecks",
    "figures",
    "follow_up_case",
    "follow_ups",
    "index",
    "recheck_detail",
    "rechecks",
    "rect_detail",
    "rect_queue",
    "sms_page",
    "subject_page",
    "window_qr",
    "window_qr_image",
    "windows",
]
