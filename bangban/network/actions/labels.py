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
}
