"""The names of the escalation app's audit actions."""

from __future__ import annotations

ACTION_LABELS = {
    "ticket.escalate": "诉求升级会办",
    "ticket.meeting_treated": "诉求提交会办",
    "ticket.mayor_review": "市长直通车审核签批",
    "ticket.dispute": "职责异议",
    "ticket.dispute_decided": "专班认定职责",
    "ticket.supervision": "督办/催办",
    "ticket.supervision_answered": "答复督办/催办",
    "escalation.tiers": "修改会办层级",
    "escalation.settings": "修改分级会办参数",
    "escalation.deputy_route": "修改对口联系副秘书长",
    "escalation.vice_portfolio": "修改分管市长分工",
    "escalation.meeting_created": "登记会办会议",
    "escalation.meeting_minutes": "填写会议纪要",
    "escalation.attendance": "确认参会",
    "escalation.task_created": "会议议定任务",
    "escalation.task_done": "议定任务完成",
    "escalation.supervision_issued": "下发督办单",
    "escalation.supervision_answered": "答复督办单",
    "escalation.supervision_reminded": "督办提醒",
    "escalation.task_reminded": "议定任务到期提醒",
    "escalation.sweep": "自动升级巡检",
}

# The timeline entries escalation writes on a case (registered with tickets.events.register_event_kinds).
EVENT_LABELS = {
    "escalate": "升级会办",
    "meeting_treated": "提交会办",
    "mayor_review": "市长直通车审核签批",
    "dispute": "职责异议",
    "dispute_decided": "专班认定职责",
    "supervision": "督办/催办",
    "supervision_answered": "答复督办/催办",
}
