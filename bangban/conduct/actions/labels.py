"""The names of the conduct app's audit actions."""

from __future__ import annotations

ACTION_LABELS = {
    "conduct.negative_list_publish": "发布负面清单",
    "conduct.settings_update": "修改作风建设设置",
    "conduct.entry_register": "入企登记",
    "conduct.entry_leave": "登记离开企业",
    "conduct.entry_confirm": "企业确认入企登记",
    "conduct.entry_report": "企业反映入企不当",
    "conduct.unregistered_report": "企业反映未登记入企",
    "conduct.figures_export": "导出入企情况月度统计",
    "conduct.snap_export": "导出作风投诉台账",
}
