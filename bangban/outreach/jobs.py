"""Periodic jobs of outreach: open each month's project-problem collection and remind the lead
investment departments before (and after) its due date; remind 营商办 of the half-yearly
entrepreneurs' symposium."""

from __future__ import annotations

from bangban.core.scheduler import Job, daily_at, register

from .tasks import open_collection_rounds_task, remind_collection_rounds_task, remind_symposium_task

register(
    Job(
        name="outreach.open_collection_rounds",
        period=daily_at(1, 20),
        task=open_collection_rounds_task,
        description="每日确保本月各县区、功能区的招商项目问题收集已开启",
    )
)

register(
    Job(
        name="outreach.remind_collection_rounds",
        period=daily_at(9, 0),
        task=remind_collection_rounds_task,
        description="每日提醒临近截止（1个工作日内）或已逾期未报送的月度项目问题收集",
    )
)

register(
    Job(
        name="outreach.remind_symposium",
        period=daily_at(9, 10),
        task=remind_symposium_task,
        description="半年过去两个月仍未安排企业家座谈会时，每周提醒营商办",
    )
)
