"""Pages of 帮办代办 (`/assist/`), one module per area; every change goes through `actions`."""

from __future__ import annotations

from .errands import errand_action, errand_detail, errand_list
from .figures import figures_export, figures_page
from .rate import rate
from .records import index, record_detail, record_export, record_new, record_qr
from .sites import roster_add, roster_end, site_detail, site_list

__all__ = [
    "errand_action",
    "errand_detail",
    "errand_list",
    "figures_export",
    "figures_page",
    "index",
    "rate",
    "record_detail",
    "record_export",
    "record_new",
    "record_qr",
    "roster_add",
    "roster_end",
    "site_detail",
    "site_list",
]
