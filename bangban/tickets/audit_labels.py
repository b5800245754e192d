"""The names of the case system's audit actions other than its timeline entries (those are named
with the timeline kinds, `display.EVENT_LABELS`, and `lifecycle.LIFECYCLE_ACTION_LABELS`)."""

from __future__ import annotations

ACTION_LABELS = {
    "ticket.export": "导出诉求列表",
    "ticket.contact_reveal": "查看诉求完整联系电话",
    "tickets.phone_code_sent": "发送手机验证码",
    "tickets.phone_code_failed": "手机验证码错误",
    "tickets.phone_verified": "手机号验证通过",
    "tickets.categories_imported": "导入诉求分类",
    "tickets.category_created": "新增诉求分类",
    "tickets.category_updated": "修改诉求分类",
    "tickets.category_deleted": "删除诉求分类",
    "tickets.deadline_policy_created": "新增办理时限规则",
    "tickets.deadline_policy_updated": "修改办理时限规则",
    "tickets.deadline_policy_deleted": "删除办理时限规则",
    "tickets.routing_rule_created": "新增派单规则",
    "tickets.routing_rule_updated": "修改派单规则",
    "tickets.routing_rule_deleted": "删除派单规则",
    "tickets.defaults_loaded": "载入默认分类与时限",
}
