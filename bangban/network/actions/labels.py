"""The names of the service network app's audit actions."""

from __future__ import annotations

ACTION_LABELS = {
    "network.assign": "安排帮办专员",
    "network.reassign": "调整帮办专员",
    "network.assignment_end": "结束挂钩",
    "network.assignment_import": "批量导入挂钩安排",
    "network.assignment_import_cancel": "取消挂钩安排导入",
    "network.contact_log": "登记联系企业",
    "network.leader_visit": "登记领导走访",
    "network.contact_case": "走访需求转为诉求",
    "network.visit_confirm": "企业确认走访",
    "network.visit_dispute": "企业对走访有异议",
    "network.liaison_name": "指定工作联络员",
    "network.liaison_registry_sync": "同步工作联络员至企业库",
    "network.officer_rate": "评价帮办专员",
    "network.compliance_export": "导出联系走访达标情况",
    "network.contact_photos": "补充走访照片",
    "network.help_meeting_scheduled": "安排解难帮扶会办会",
    "network.help_meeting_held": "会办会召开（记录纪要）",
    "network.help_meeting_cancelled": "取消解难帮扶会办会",
    "network.help_meeting_closed": "办结解难帮扶会办会",
    "network.help_item_disposed": "处置会办会议题（分办/批办/会办）",
    "network.help_item_done": "会办会议题办结",
    "network.help_ledger_export": "导出会办会台账",
}
