"""The names of the 跑现场 audit actions."""

from __future__ import annotations

ACTION_LABELS = {
    "fieldruns.run_book": "预约跑现场",
    "fieldruns.run_record": "记录跑现场",
    "fieldruns.run_cancel": "取消跑现场预约",
    "fieldruns.run_close": "跑现场销号",
    "fieldruns.item_add": "交办跑现场整改事项",
    "fieldruns.finding_case": "跑现场发现问题转为诉求",
    "fieldruns.item_report": "报告跑现场整改完成",
    "fieldruns.item_verify": "核验跑现场整改事项销项",
    "fieldruns.item_send_back": "退回跑现场整改事项",
    "fieldruns.export": "导出跑现场年度清单",
}
