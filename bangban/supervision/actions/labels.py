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
    "supervision.analysis_create": "登记分析研判（草稿）",
    "supervision.analysis_edit": "修改分析研判",
    "supervision.analysis_submit": "提交分析研判",
    "supervision.analysis_meeting_schedule": "安排处置分析会",
}
