"""`/insight/hotspots/{id}/task` and `/insight/hotspot-tasks`: 类案督办 — a problem turned into one
systemic task, its one answer and its approval, which answers every linked case still 办理中."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Schema, Status

from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict, InvalidTransition
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageNumber, PageSize, page_body

from . import hotspot_task_actions as actions
from . import hotspot_task_queries as queries
from . import hotspots_access as access

router = Router(tags=["类案督办"])


class HotspotTaskIn(Schema):
    requirement: str = Field(description="督办要求（至多 800 字）")
    unit_id: int = Field(description="责任单位")
    workdays: int | None = Field(None, description="答复时限（工作日，1–60，默认 10）")
    version: int | None = Field(None, description="读取堵点时的 version（他人已修改时 409 conflict）")


class HotspotTaskAnswerIn(Schema):
    answer: str = Field(description="统一答复（至多 3000 字），审核通过后作为各诉求的答复")
    measures: str = Field(description="已采取的整改措施（至多 1500 字）")
    result: str = Field(
        "",
        description="办理结果（必填）：resolved 已解决 / partial 部分解决 / explained 解释说明；写入各诉求的答复",
    )
    version: int | None = Field(None, description="读取类案督办时的 version")


class HotspotTaskReviewIn(Schema):
    comment: str = Field("", description="审核意见（退回时必填，至多 500 字）")
    version: int | None = Field(None, description="读取类案督办时的 version")


class HotspotTaskSummaryOut(Schema):
    id: int
    problem_id: int
    label: str = Field(description="堵点")
    unit_id: int = Field(description="责任单位")
    unit: str
    requirement: str
    workdays: int
    due_at: dt.datetime
    overdue: bool
    status: str = Field(description="open 待答复 / review 答复待审核 / done 已答复")
    status_label: str
    created_at: dt.datetime
    case_count: int = Field(description="纳入的诉求数")
    replied_count: int = Field(description="已统一答复的诉求数")
    version: int


class HotspotTaskCaseOut(Schema):
    ticket_id: int
    number: str
    title: str
    received_at: dt.datetime
    enterprise: str
    lead_unit: str
    status: str = Field(description="诉求当前状态")
    status_label: str
    linked_status: str = Field(description="纳入时状态")
    outcome: str = Field(
        description="pending 待统一答复 / replied 已统一答复 / left 已办结或已答复，未改动 / refused 未能写入答复"
    )
    outcome_label: str
    note: str = Field(description="未改动或未能写入的原因")
    takes_reply: bool = Field(description="现在审核通过时，统一答复将写入该诉求")
    blocked: str = Field(description="待统一答复而现在不能写入时的原因")
    settled_at: dt.datetime | None


class HotspotTaskOut(HotspotTaskSummaryOut):
    answer: str
    measures: str
    result: str = Field(description="办理结果：resolved / partial / explained（未答复时为空）")
    result_label: str = Field(description="办理结果（中文）")
    answered_at: dt.datetime | None
    answered_by: str
    review_comment: str
    reviewed_at: dt.datetime | None
    reviewed_by: str
    created_by: str
    counts: dict[str, int] = Field(description="各结果的诉求数（pending / replied / left / refused）")
    takes_reply_count: int = Field(description="现在审核通过时将写入答复的诉求数")
    cases: list[HotspotTaskCaseOut]


def _detail(task: Any) -> dict[str, Any]:
    return queries.task_detail(queries.load_task(task.pk), timezone.now())


@router.post(
    "/hotspots/{int:problem_id}/task",
    response=answers(
        {201: HotspotTaskOut}, Conflict, (409, "task_exists"), (403, "hotspots_forbidden"),
        (403, "task_forbidden"), "content_required", "too_long", "unit_required", "unit_invalid",
        "invalid_workdays", "no_open_cases", "date_out_of_range",
    ),
    summary="堵点转为类案督办",
    description="营商办将堵点转为一项类案督办：指定责任单位与答复时限，纳入该堵点已派单且未办结的诉求"
    "（作风投诉除外，已在其他未答复类案督办中的除外）。",
)  # fmt: skip
def create_task(request: AuthedHttpRequest, problem_id: int, body: HotspotTaskIn) -> Any:
    task = actions.do_create_task(
        acting_user=request.user, problem_id=problem_id, requirement=body.requirement,
        unit_id=body.unit_id, workdays=body.workdays, version=body.version, now=timezone.now(),
    )  # fmt: skip
    return Status(201, _detail(task))


@router.get(
    "/hotspot-tasks",
    response=answers(Page[HotspotTaskSummaryOut], (403, "tasks_forbidden")),
    summary="类案督办清单",
    description="营商办、市政府办公室、系统管理员可见全部；承办单位可见本单位负责的类案督办。",
)
def list_tasks(
    request: AuthedHttpRequest, status: str = "", page: PageNumber = 1, size: PageSize = 20
) -> Any:
    access.require_task_list(request.user)
    now = timezone.now()
    return page_body(queries.tasks_for(request.user, status), page, size, lambda t: queries.task_row(t, now))


@router.get("/hotspot-tasks/{int:task_id}", response=answers(HotspotTaskOut), summary="类案督办及其诉求")
def task_detail(request: AuthedHttpRequest, task_id: int) -> Any:
    return _detail(access.access_task(request.user, task_id))


@router.post(
    "/hotspot-tasks/{int:task_id}/answer",
    response=answers(
        HotspotTaskOut, Conflict, InvalidTransition, (403, "wrong_unit"), "answer_required",
        "measures_required", "result_required", "result_invalid", "too_long",
    ),
    summary="提交类案统一答复",
    description="责任单位的承办人或负责人提交统一答复、已采取的整改措施和办理结果，交单位负责人审核；"
    "审核通过后答复和办理结果写入各诉求（12345 回访和评价据此进行）。",
)  # fmt: skip
def answer_task(request: AuthedHttpRequest, task_id: int, body: HotspotTaskAnswerIn) -> Any:
    task = actions.do_answer_task(
        acting_user=request.user, task_id=task_id, answer=body.answer, measures=body.measures,
        result=body.result, version=body.version, now=timezone.now(),
    )  # fmt: skip
    return _detail(task)


@router.post(
    "/hotspot-tasks/{int:task_id}/approve",
    response=answers(HotspotTaskOut, Conflict, InvalidTransition, (403, "head_required"), "too_long"),
    summary="审核通过类案统一答复",
    description="责任单位负责人审核通过：统一答复写入每件仍在办理中的纳入诉求，诉求进入“已答复待回访”，"
    "由各企业分别回访评价；其间已办结或已答复的诉求不改动，其他状态的诉求列明原因。"
    "两人同时审核时，后者收到 409 conflict。",
)
def approve_task(request: AuthedHttpRequest, task_id: int, body: HotspotTaskReviewIn) -> Any:
    task = actions.do_approve_task(
        acting_user=request.user, task_id=task_id, comment=body.comment, version=body.version,
        now=timezone.now(),
    )  # fmt: skip
    return _detail(task)


@router.post(
    "/hotspot-tasks/{int:task_id}/return",
    response=answers(
        HotspotTaskOut, Conflict, InvalidTransition, (403, "head_required"), "comment_required", "too_long"
    ),
    summary="退回类案统一答复",
    description="责任单位负责人退回统一答复，必须填写意见（400 comment_required）。",
)
def return_task(request: AuthedHttpRequest, task_id: int, body: HotspotTaskReviewIn) -> Any:
    task = actions.do_return_task(
        acting_user=request.user, task_id=task_id, comment=body.comment, version=body.version,
        now=timezone.now(),
    )  # fmt: skip
    return _detail(task)
