"""Pages of the leniency registers: the 免罚轻罚清单 (and 司法局's import), the decision aid, the
register of decisions with 司法局's review, and the monthly figures. Every change goes through
`actions`."""

from __future__ import annotations

from .catalogue import (
    catalogue,
    catalogue_export,
    catalogue_template,
    import_preview,
    import_upload,
    item_retire,
)
from .decisions import decision_aid, decision_detail, decision_export, decision_list
from .figures import figures, figures_export

__all__ = [
    "catalogue",
    "catalogue_export",
    "catalogue_template",
    "decision_aid",
    "decision_detail",
    "decision_export",
    "decision_list",
    "figures",
    "figures_export",
    "import_preview",
    "import_upload",
    "item_retire",
]
