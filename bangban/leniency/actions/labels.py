"""The names of the leniency app's audit actions."""

from __future__ import annotations

ACTION_LABELS = {
    "leniency.catalogue_import_previewed": "上传免罚轻罚清单导入文件",
    "leniency.catalogue_import_applied": "导入免罚轻罚清单",
    "leniency.catalogue_import_cancelled": "取消免罚轻罚清单导入",
    "leniency.item_retire": "停用免罚轻罚清单事项",
    "leniency.decision_record": "记录免罚轻罚决定",
    "leniency.decision_approve": "司法局审查通过免罚轻罚决定",
    "leniency.decision_correct": "司法局审查纠正免罚轻罚决定",
    "leniency.export": "导出免罚轻罚台账",
}
