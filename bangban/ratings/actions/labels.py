"""The names of the ratings app's audit actions."""

from __future__ import annotations

ACTION_LABELS = {
    "ratings.rate": "好差评",
    "ratings.window_create": "新增窗口",
    "ratings.window_update": "修改窗口",
    "ratings.item_create": "新增服务事项",
    "ratings.device_create": "登记评价器",
    "ratings.device_revoke": "吊销评价器密钥",
    "ratings.sms_link": "发送短信评价/回访链接",
    "ratings.rect_create": "差评转整改",
    "ratings.rect_verify": "整改核实",
    "ratings.rect_classify": "整改定性",
    "ratings.rect_rectify": "整改反馈",
    "ratings.rect_rated": "评价人评价整改",
    "ratings.rect_link": "举一反三",
    "ratings.void": "作废评价",
    "ratings.follow_up_call": "回访记录",
    "ratings.settings": "修改好差评参数",
    "ratings.recheck_draw": "回头看抽样",
    "ratings.recheck_outcome": "回头看复核结果",
    "ratings.enterprise_recheck_draw": "企业满意度回头看抽样",
    "ratings.enterprise_recheck_outcome": "企业满意度回头看结果",
    "ticket.follow_up_escalate": "回访未解决（重办已达上限，提请督办）",
    "ticket.recheck_escalate": "回头看办结不实（重办已达上限，提请督办）",
}
