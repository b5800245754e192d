"""`/api/v1/ratings`: 好差评, 差评整改, 回访, 回头看 and the monthly figures.

Counter devices (评价器) post with their own key in `X-Device-Key` (no user token). Public
endpoints (a window's QR code, an SMS link) take the signed token of the link. A case is rated only
by its enterprise (logged in) or with the one-time SMS link sent to its contact phone; the per-case
QR code was removed (its endpoint answers 410 `case_qr_removed`).
Everything else is authenticated like the rest of the API. Satisfaction codes are GB/T 39046
(1 = 非常满意 … 5 = 非常不满意); `code_system: "reversed"` accepts the provincial order
(1 = 非常不满意), and a device registered as such is converted the same way.
"""

from __future__ import annotations

# In the order the operations were declared: the router lists them (and the OpenAPI
# document shows them) in the order the submodules are imported.
from ._common import (
    CASE_RATING,
    DEVICE_KEY,
    DEVICE_RATING,
    FOLLOW_UP,
    LINK,
    MAX_BATCH,
    RATING_INPUT,
    RECTIFICATION,
    router,
)

# isort: split
from .rating import (
    CaseRatedOut,
    CaseRatingIn,
    DeviceBatchIn,
    DeviceRatingIn,
    FollowUpResultOut,
    RatingBatchItemOut,
    RatingBatchOut,
    RatingIn,
    RatingOut,
    SmsAnswerIn,
    WindowRatingIn,
    answer_sms,
    case_rated_out,
    device_rate,
    device_rate_batch,
    rate_case,
    rate_case_qr,
    rate_window,
    rating_out,
)

# isort: split
from .records import (
    RatingFilter,
    SuspiciousFilter,
    VoidIn,
    get_rating,
    list_ratings,
    suspicious_out,
    suspicious_ratings,
    void_rating,
)

# isort: split
from .rectifications import (
    LinkIn,
    RatingClassifyIn,
    RatingVerifyIn,
    RectFilter,
    RectifyIn,
    add_link,
    classify,
    get_rect,
    list_rects,
    rect_out,
    rectify,
    verify,
)

# isort: split
from .follow_ups import (
    CallIn,
    DrawIn,
    OutcomeIn,
    SmsLinkIn,
    draw,
    draw_out,
    list_draws,
    outcome,
    record_call,
    rederive,
    send_sms_link,
)

# isort: split
from .figures import RatingMonthQuery, figures

# isort: split
from .windows import DeviceIn, WindowIn, create_device, create_window, list_windows, revoke_device, window_out

# isort: split
from .enterprise_rechecks import (
    EnterpriseFiguresOut,
    EnterpriseOutcomeIn,
    EnterpriseRecheckDetailOut,
    EnterpriseRecheckOut,
    EnterpriseRecheckRowOut,
    EnterpriseSampleIn,
    get_enterprise_recheck,
    list_enterprise_rechecks,
    record_enterprise_outcome,
    sample_enterprises,
)

# isort: split

__all__ = [
    "CASE_RATING",
    "DEVICE_KEY",
    "DEVICE_RATING",
    "FOLLOW_UP",
    "LINK",
    "MAX_BATCH",
    "RATING_INPUT",
    "RECTIFICATION",
    "CallIn",
    "CaseRatedOut",
    "CaseRatingIn",
    "DeviceBatchIn",
    "DeviceIn",
    "DeviceRatingIn",
    "DrawIn",
    "EnterpriseFiguresOut",
    "EnterpriseOutcomeIn",
    "EnterpriseRecheckDetailOut",
    "EnterpriseRecheckOut",
    "EnterpriseRecheckRowOut",
    "EnterpriseSampleIn",
    "FollowUpResultOut",
    "LinkIn",
    "OutcomeIn",
    "RatingBatchItemOut",
    "RatingBatchOut",
    "RatingClassifyIn",
    "RatingFilter",
    "RatingIn",
    "RatingMonthQuery",
    "RatingOut",
    "RatingVerifyIn",
    "RectFilter",
    "RectifyIn",
    "SmsAnswerIn",
    "SmsLinkIn",
    "SuspiciousFilter",
    "VoidIn",
    "WindowIn",
    "WindowRatingIn",
    "add_link",
    "answer_sms",
    "case_rated_out",
    "classify",
    "create_device",
    "create_window",
    "device_rate",
    "device_rate_batch",
    "draw",
    "draw_out",
    "figures",
    "get_enterprise_recheck",
    "get_rating",
    "get_rect",
    "list_draws",
    "list_enterprise_rechecks",
    "list_ratings",
    "list_rects",
    "list_windows",
    "outcome",
    "rate_case",
    "rate_case_qr",
    "rate_window",
    "rating_out",
    "record_call",
    "record_enterprise_outcome",
    "rect_out",
    "rectify",
    "rederive",
    "revoke_device",
    "router",
    "sample_enterprises",
    "send_sms_link",
    "suspicious_out",
    "suspicious_ratings",
    "verify",
    "void_rating",
    "window_out",
]
