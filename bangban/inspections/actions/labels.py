"""The names of the inspection app's audit actions."""

from __future__ import annotations

ACTION_LABELS = {
    "inspections.plan_create": "制定双随机抽查计划",
    "inspections.plan_draw": "双随机抽取",
    "inspections.plan_redraw": "双随机重新抽取",
    "inspections.plan_announce": "公示抽取结果",
    "inspections.results_publish": "公开检查结果",
    "inspections.result_record": "录入检查结果",
    "inspections.tier_set": "设置企业信用等级",
    "inspections.tiers_import": "导入企业信用等级",
    "inspections.qualification_save": "登记执法资格",
    "inspections.link_declare": "申报回避关联",
    "inspections.link_remove": "撤销回避关联",
    "inspections.draw_export": "导出抽取结果",
}
