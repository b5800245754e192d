"""`/api/v1/assist`: 帮办代办 (R2.1) — the sites of the four levels and their roster (营商办 keeps
them), the services given (帮办代办员 of the site), 代办 as tracked work with the enterprise's
confirmation (the enterprise confirms with its own account), and the month's figures.

Outside one's scope → 404 `not_found`; visible but not allowed (not on the site's roster, not the
enterprise of the 代办, not 营商办) → 403 `permission_denied`; bad input → 400 with its code; a
duplicate or overlapping service → 409 `record_duplicate` / `record_overlaps`; a move the 代办's
state does not allow → 409 (`invalid_transition`, `confirmation_required` …). Rules: docs/assist.md."""

from __future__ import annotations

from ._common import router

# isort: split
from . import sites  # noqa: F401  (operations, in the order the document lists them)

# isort: split
from . import records  # noqa: F401

# isort: split
from . import errands  # noqa: F401

# isort: split
from . import figures  # noqa: F401

__all__ = ["router"]
