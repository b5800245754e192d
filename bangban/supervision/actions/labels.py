"""The names of the supervision app's audit actions."""

from __future__ import annotations

ACTION_LABELS = {
    "supervision.settings_update": "修改督查排名设置",
    "supervision.ranking_compute": "计算月度排名",
    "supervision.ranking_freeze": "冻结月度排名",
    "supervision.notice_create": "起草通报",
    "supervision.notice_review": "审核通报",
    "supervision.notice_edit": "修改通报草稿",
    "supervision.notice_issue": "印发通报",
    "supervision.ledgers_generate": "生成月度台账",
    "supervision.ledger_save": "保存台账说明",
    "supervision.ledger_submit": "报送月度台账",
    "supervision.ledger_remind": "催报月度台账",
    "supervision.accountability_create": "登记奖惩问责",
    "supervision.accountability_decide": "决定奖惩问责",
    "supervision.accountability_propose": "规则提议问责",
    "supervision.special_create": "专项督查立项",
    "supervision.special_items": "纳入专项督查事项",
    "supervision.special_item_remove": "移出专项督查事项",
    "supervision.special_start": "启动专项督查",
    "supervision.special_check": "登记专项督查结论",
    "supervision.special_close": "专项督查办结",
    "supervision.notice_negative_add": "选入负面典型案例",
    "supervision.notice_negative_remove": "移出负面典型案例",
}
