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
    "supervision.star_round_open": "发起作风之星评选",
    "supervision.star_nominate": "推荐作风之星",
    "supervision.star_round_close": "截止作风之星推荐",
    "supervision.star_decide": "评审作风之星",
    "supervision.star_round_publish": "公布作风之星",
    "supervision.transfer_create": "移送纪委监委",
    "supervision.transfer_receive": "纪委监委确认接收移送",
    "supervision.transfer_outcome": "纪委监委反馈处理结果",
}
