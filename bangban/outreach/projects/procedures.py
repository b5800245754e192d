"""A project's procedures (全程代办 or 告知 with a solution) and their progress (R1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import InvalidTransition, NotFound
from bangban.core.kit import durable_action
from bangban.notifications.actions import notify_user
from bangban.org.models import Unit

from .. import checks, workflow
from ..access import access_project
from ..models import ProcedureMode, ProcedureStatus, ProcedureStep, ProjectProcedure
from ._common import _link
from .registry import INFORM_REASON_REQUIRED, INFORM_SOLUTION_REQUIRED


@durable_action
def do_add_procedure(
    *, acting_user: User, project_id: int, data: dict[str, Any], now: dt.datetime | None = None
) -> ProjectProcedure:
    """R1.2: a procedure is handled on the owner's behalf (全程代办), or — when that is impossible —
    the owner is told why and given a solution (告知): 告知 without a solution is refused."""
    now = now or timezone.now()
    access_project(acting_user, project_id, "edit")  # out of scope: not found, whatever was typed
    name = checks.text(data, "name", "办理事项", max_length=120)
    mode = checks.choice(data, "mode", "办理方式", ProcedureMode)
    reason = checks.text(data, "inform_reason", "不能代办的原因", max_length=2000, required=False)
    solution = checks.text(data, "inform_solution", "解决办法", max_length=2000, required=False)
    if mode == ProcedureMode.INFORM:
        if not reason:
            raise checks.fail("inform_reason", "inform_reason_required", INFORM_REASON_REQUIRED)
        if not solution:
            raise checks.fail("inform_solution", "inform_solution_required", INFORM_SOLUTION_REQUIRED)
    else:
        reason = solution = ""
    due_date = checks.optional_date(data, "due_date", "计划办结日期")
    unit_id = checks.optional_int(data, "handling_unit_id", "办理单位")
    unit = None
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
        if unit is None:
            raise checks.fail("handling_unit_id", "unknown_unit", "办理单位不存在或已停用")
    project = access_project(acting_user, project_id, "edit", for_update=True)
    procedure = ProjectProcedure.objects.create(
        project=project,
        name=name,
        handling_unit=unit,
        mode=mode,
        status=ProcedureStatus.INFORMED if mode == ProcedureMode.INFORM else ProcedureStatus.PENDING,
        due_date=due_date,
        inform_reason=reason,
        inform_solution=solution,
        created_by=acting_user,
    )
    record(
        "outreach.procedure_added",
        actor=acting_user,
        obj=procedure,
        object_repr=f"{project.name}：{procedure.name}",
        after=snapshot(procedure),
    )
    if mode == ProcedureMode.INFORM and project.enterprise_id:
        for owner in _enterprise_users(project.enterprise_id):
            notify_user(
                owner,
                f"“{procedure.name}”不能代办：告知与解决办法",
                f"原因：{reason}\n解决办法：{solution}",
                link=_link("project_detail", project.pk),
                now=now,
            )
    return procedure


def _enterprise_users(enterprise_id: int) -> list[User]:
    return list(
        User.objects.filter(
            enterprise_id=enterprise_id, is_active=True, roles__code=Role.ENTERPRISE
        ).distinct()
    )


PROGRESS_ACTIONS = {
    ProcedureStatus.PENDING: "progress_pending",
    ProcedureStatus.IN_PROGRESS: "progress",
    ProcedureStatus.DONE: "complete",
}


@durable_action
def do_record_progress(
    *,
    acting_user: User,
    procedure_id: int,
    note: str,
    status: str,
    version: Any = None,
    now: dt.datetime | None = None,
) -> ProcedureStep:
    now = now or timezone.now()
    data = {"note": note, "status": status}
    found = ProjectProcedure.objects.filter(
        pk=checks.lookup_id({"id": procedure_id}, "id", "代办事项")
    ).first()
    if found is None:
        raise NotFound()
    # Access first: another region's procedure is not found, whatever the body says.
    access_project(acting_user, found.project_id, "edit")
    procedure = kit.lock(ProjectProcedure, found.pk)
    kit.check_version(procedure, version)
    note = checks.text(data, "note", "进展情况", max_length=500)
    status = checks.choice(data, "status", "办理状态", ProcedureStatus)
    if procedure.mode != ProcedureMode.PROXY:
        raise InvalidTransition(
            "“告知”的事项没有代办进展；如改为代办，请另行登记", code="procedure_not_proxy"
        )
    if status == ProcedureStatus.INFORMED:
        raise checks.fail("status", "invalid_status", "代办事项的状态应为未开始、办理中或已办结")
    before = {"status": procedure.status}
    procedure.status = workflow.PROCEDURE.check(
        procedure.status,
        PROGRESS_ACTIONS[ProcedureStatus(status)],
        message="该事项已办结",
        code="procedure_done",
    )
    procedure.done_at = now if status == ProcedureStatus.DONE else None
    kit.save_change(procedure, ["status", "done_at"])
    step = ProcedureStep.objects.create(
        procedure=procedure, note=note, status_after=status, by=acting_user, at=now
    )
    record(
        "outreach.procedure_progress",
        actor=acting_user,
        obj=procedure,
        object_repr=f"{procedure.project.name}：{procedure.name}",
        before=before,
        after={"status": status, "note": note},
    )
    return step
