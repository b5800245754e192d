"""Periodic jobs of supervision."""

from __future__ import annotations

from bangban.core.scheduler import Job, daily_at, every_minutes, register

from .tasks import detect_inaction_task, generate_ledgers_task, refresh_dashboard_task, remind_ledgers_task

register(
    Job(
        name="supervision.generate_ledgers",
        period=daily_at(1, 30),
        task=generate_ledgers_task,
        description="每日生成上月各责任单位的月度台账（已生成的保留）",
    )
)

register(
    Job(
        name="supervision.remind_ledgers",
        period=daily_at(9, 0),
        task=remind_ledgers_task,
        description="每日提醒临近截止或逾期未报送月度台账的单位",
    )
)

register(
    Job(
        name="supervision.refresh_dashboard",
        period=every_minutes(10),
        task=refresh_dashboard_task,
        description="每 10 分钟重算数据看板本月（及尚未定稿的上月）的汇总数；以往月份定稿后不再重算",
    )
)

register(
    Job(
        name="supervision.detect_inaction",
        period=daily_at(2, 30),
        task=detect_inaction_task,
        description="每日检测上月各单位不作为、慢作为情形（重复反映、问题上交、重办、超期），按门槛提议约谈、责令检查或通报批评（同一单位同一月份同一情形只提议一次）",
    )
)
