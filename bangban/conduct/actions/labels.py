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
    "conduct.designate": "确定直通车企业或作风观察点",
    "conduct.designation_end": "终止直通车企业或作风观察点",
    "conduct.return_call": "登记电话回访",
    "conduct.problem_record": "登记问题清单事项",
    "conduct.problem_transfer": "问题清单转办",
    "conduct.problem_resolve": "问题清单直接办结",
    "conduct.ztc_export": "导出直通车企业名单或问题清单",
    "conduct.snap_export": "导出作风投诉台账",
}
