"""The answer shapes the outreach API's submodules share: projects, procedures, problems, rounds, policies, pushes and deliveries."""

from __future__ import annotations

from ninja import Field, Schema


class OutreachStepOut(Schema):
    note: str = Field(description="进展情况")
    status: str = Field(description="记录后的办理状态")
    by: str = Field(description="记录人")
    at: str | None = Field(description="记录时间")


class ProcedureOut(Schema):
    id: int = Field(description="办理事项ID")
    name: str = Field(description="办理事项")
    mode: str = Field(description="proxy 全程代办 / inform 告知")
    mode_label: str = Field(description="办理方式名称")
    status: str = Field(description="pending/in_progress/done/informed")
    status_label: str = Field(description="办理状态名称")
    handling_unit: str = Field(description="办理单位")
    due_date: str | None = Field(description="计划办结日期")
    done_at: str | None = Field(description="办结时间")
    inform_reason: str = Field(description="不能代办的原因（告知）")
    inform_solution: str = Field(description="解决办法（告知）")
    steps: list[OutreachStepOut] = Field(description="代办进展")
    version: int = Field(description="版本号")


class ProjectOut(Schema):
    id: int = Field(description="项目ID")
    name: str = Field(description="项目名称")
    enterprise_id: int | None = Field(description="项目企业ID")
    enterprise_name: str = Field(description="项目企业")
    investor: str = Field(description="投资方")
    region_code: str = Field(description="所在区划代码")
    region_name: str = Field(description="所在区划")
    amount: str = Field(description="投资额（万元）")
    stage: str = Field(description="项目阶段")
    stage_label: str = Field(description="项目阶段名称")
    chief_officer_id: int = Field(description="首席服务员用户ID")
    chief_officer_name: str = Field(description="首席服务员")
    lead_unit: str = Field(description="牵头招商部门")
    is_active: bool = Field(description="在服务")
    version: int = Field(description="版本号；修改时原样提交")
    description: str | None = Field(None, description="项目概况（详情）")
    procedures: list[ProcedureOut] | None = Field(None, description="办理事项（详情）")


class CoordinationUnitOut(Schema):
    id: int
    name: str


class CoordinationOut(Schema):
    id: int = Field(description="协调记录ID")
    problem_id: int = Field(description="项目问题ID")
    problem_title: str = Field(description="问题")
    project_id: int = Field(description="项目ID")
    project_name: str = Field(description="项目名称")
    units: list[CoordinationUnitOut] = Field(description="参与协调的职能部门")
    held_on: str = Field(description="协调日期")
    outcome: str = Field(description="协调结果")
    follow_ups: list[str] = Field(description="后续事项")
    recorded_by: str = Field(description="记录人")
    recorded_at: str | None = Field(description="记录时间")


class ProblemOut(Schema):
    id: int = Field(description="问题ID")
    project_id: int = Field(description="项目ID")
    project_name: str = Field(description="项目名称")
    round_id: int = Field(description="收集轮次ID")
    year: int = Field(description="收集年")
    month: int = Field(description="收集月")
    title: str = Field(description="问题")
    content: str = Field(description="问题描述")
    cannot_do: bool = Field(description="“办不成事”")
    delays_project: bool = Field(description="影响项目进度")
    outcome: str = Field(
        description="open 待处理 / solved 本级解决 / transferred 转市商务局 / coordinated 协调相关职能部门"
    )
    outcome_label: str = Field(description="处理结果名称")
    solution: str = Field(description="解决情况或转办说明")
    ticket_id: int | None = Field(description="转办诉求ID")
    ticket_number: str = Field(description="转办诉求编号")
    raised_at: str | None = Field(description="登记时间")
    handled_at: str | None = Field(description="处理时间")
    coordination: CoordinationOut | None = Field(None, description="协调相关职能部门的记录")


class RoundOut(Schema):
    id: int = Field(description="收集轮次ID")
    region_code: str = Field(description="县区/功能区代码")
    region_name: str = Field(description="县区/功能区")
    year: int = Field(description="年")
    month: int = Field(description="月")
    lead_unit: str = Field(description="牵头招商部门")
    due_date: str = Field(description="报送截止日（工作日）")
    submitted_at: str | None = Field(description="报送时间")
    late: bool = Field(description="逾期（迟报或到期未报）")
    problems: int | None = Field(None, description="问题数（列表中）")


class PolicyOut(Schema):
    id: int = Field(description="政策ID")
    title: str = Field(description="政策名称")
    doc_number: str = Field(description="文号")
    issuer: str = Field(description="发布单位")
    summary: str = Field(description="政策要点")
    body: str = Field(description="政策正文")
    url: str = Field(description="原文链接")
    published_on: str | None = Field(description="发布日期")
    valid_until: str | None = Field(description="有效期至")
    industries: list[str] = Field(description="适用行业（空为不限）")
    region_codes: list[str] = Field(description="适用区划（空为全市）")
    scales: list[str] = Field(description="适用规模（空为不限）")
    tiers: list[str] = Field(description="适用层级（空为不限）")
    keywords: list[str] = Field([], description="关联关键词")
    is_active: bool = Field(description="有效")
    version: int = Field(description="版本号")


class PushOut(Schema):
    id: int = Field(description="推送ID")
    policy_id: int = Field(description="政策ID")
    status: str = Field(description="queued 排队中 / running 推送中 / done 已完成 / failed 失败")
    status_label: str = Field(description="状态名称")
    total: int = Field(description="匹配的企业数")
    processed: int = Field(description="已处理")
    delivered: int = Field(description="新送达")
    percent: int = Field(description="进度百分比")
    send_sms: bool = Field(description="同时发短信")
    error: str = Field(description="失败原因")
    created_at: str | None = Field(description="推送时间")
    finished_at: str | None = Field(description="完成时间")


class DeliveryOut(Schema):
    id: int = Field(description="送达ID")
    policy_id: int = Field(description="政策ID")
    policy_title: str = Field(description="政策名称")
    enterprise_id: int = Field(description="企业ID")
    enterprise_name: str = Field(description="企业")
    delivered_at: str | None = Field(description="送达时间")
    read_at: str | None = Field(description="阅读时间（回执）；未读为空")
