"""Investment projects and their chief service officers (R1): projects, procedures (全程代办 or
告知 with a solution), the monthly problem collection per county/zone and its transfer to 市商务局.

Every `do_*` runs in one transaction, locks the row it changes, checks the caller, validates,
writes one audit event and queues its notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import InvalidTransition, NotFound, PermissionDenied
from bangban.enterprises.access import visible_enterprises
from bangban.notifications.actions import notify_user
from bangban.org.models import Region, RegionLevel, Unit, UnitType
from bangban.workdays.service import due

from . import checks, workflow
from .access import (
    PROJECT_ROLES,
    access_problem,
    access_project,
    access_round,
    can_manage_projects,
    may_run_round,
)
from .models import (
    CollectionRound,
    InvestmentProject,
    ProblemOutcome,
    ProcedureMode,
    ProcedureStatus,
    ProcedureStep,
    ProjectProblem,
    ProjectProcedure,
    ProjectStage,
)

ACTION_LABELS = {
    "outreach.project_created": "登记招商项目",
    "outreach.project_updated": "修改招商项目",
    "outreach.procedure_added": "登记代办事项",
    "outreach.procedure_progress": "记录代办进展",
    "outreach.round_opened": "开启月度问题收集",
    "outreach.round_submitted": "报送月度问题",
    "outreach.round_reminded": "提醒报送月度问题",
    "outreach.problem_added": "登记项目问题",
    "outreach.problem_solved": "项目问题本级解决",
    "outreach.problem_transferred": "项目问题转市商务局",
}

INFORM_SOLUTION_REQUIRED = "“告知”的事项必须写明解决办法：不能代办时，要告诉项目方原因并给出解决办法"
INFORM_REASON_REQUIRED = "“告知”的事项必须写明不能代办的原因"


def collection_due_day() -> int:
    """The day of the month by which a county/zone reports its problems (default: the 25th, the
    monthly ledger day)."""
    return int(getattr(settings, "BANGBAN_OUTREACH_COLLECTION_DUE_DAY", 25))


def commerce_unit() -> Unit | None:
    """市商务局: the unit that receives transferred problems and keeps the monthly overview."""
    code = getattr(settings, "BANGBAN_OUTREACH_COMMERCE_UNIT", "city-commerce")
    found = Unit.objects.filter(code=code, is_active=True).first()
    if found is None:
        found = (
            Unit.objects.filter(
                type=UnitType.CITY_DEPARTMENT,
                is_active=True,
                region__parent__isnull=True,
                name__contains="商务局",
            )
            .order_by("id")
            .first()
        )
    return found


def collection_region(region: Region) -> Region:
    """The county or zone (or the city itself) whose lead investment department collects the
    problems of a project in `region`."""
    codes = [c for c in region.path.split("/") if c]
    if len(codes) <= 2:
        return region
    return Region.objects.get(code=codes[1])


def lead_unit_for(region: Region) -> Unit | None:
    units = Unit.objects.filter(region=region, is_active=True)
    found = units.filter(name__contains="商务").order_by("id").first()
    if found is None and region.parent_id is None:
        return commerce_unit()
    if found is None:
        found = (
            units.filter(type__in=[UnitType.ZONE_COMMITTEE, UnitType.COUNTY_GOVERNMENT])
            .order_by("id")
            .first()
        )
    return found


def _link(name: str, pk: int) -> str:
    return reverse(f"outreach:{name}", args=[pk])


# --- projects ------------------------------------------------------------------------------------


def _chief_officer(data: dict[str, Any]) -> User:
    officer_id = checks.optional_int(data, "chief_officer_id", "首席服务员")
    if officer_id is None:
        raise checks.fail("chief_officer_id", "chief_officer_required", "请选择项目的首席服务员")
    officer = (
        User.objects.filter(pk=officer_id, is_active=True, roles__code=Role.CHIEF_SERVICE_OFFICER)
        .select_related("unit")
        .first()
    )
    if officer is None:
        raise checks.fail(
            "chief_officer_id",
            "not_a_chief_officer",
            "所选人员不是在岗的首席服务员，请选择具有“首席服务员”角色的人员",
        )
    return officer


def _project_region(user: Any, data: dict[str, Any]) -> Region:
    code = str(data.get("region") or "").strip()
    if not code:
        raise checks.fail("region", "region_required", "请选择项目所在区划")
    region = Region.objects.filter(code=code, is_active=True).first()
    scope = scope_of(user)
    in_scope = region is not None and (
        scope.city_wide or (scope.region_path is not None and region.path.startswith(scope.region_path))
    )
    if region is None or not in_scope or region.level == RegionLevel.VILLAGE:
        raise checks.fail("region", "region_out_of_scope", "项目所在区划不存在或不在您的管辖范围内")
    return region


def _enterprise(user: Any, data: dict[str, Any]) -> Any:
    enterprise_id = checks.optional_int(data, "enterprise_id", "项目企业")
    if enterprise_id is None:
        return None
    found = visible_enterprises(user).filter(pk=enterprise_id).first()
    if found is None:
        raise checks.fail("enterprise_id", "enterprise_out_of_scope", "所选企业不存在或不在您的管辖范围内")
    return found


def do_create_project(
    *, acting_user: Any, data: dict[str, Any], now: dt.datetime | None = None
) -> InvestmentProject:
    if not can_manage_projects(acting_user):
        raise PermissionDenied("只有首席服务员、牵头招商部门或营商办可以登记招商项目")
    now = now or timezone.now()
    name = checks.text(data, "name", "项目名称", max_length=120)
    enterprise = _enterprise(acting_user, data)
    investor = checks.text(data, "investor", "投资方", max_length=120, required=False)
    if enterprise is None and not investor:
        raise checks.fail("investor", "investor_required", "请选择项目企业或填写投资方")
    region = _project_region(acting_user, data)
    amount = checks.amount(data, "amount", "投资额（万元）")
    stage = checks.choice(data, "stage", "项目阶段", ProjectStage, default=ProjectStage.SIGNED)
    officer = _chief_officer(data)
    description = checks.text(data, "description", "项目概况", max_length=5000, required=False)
    with transaction.atomic():
        project = InvestmentProject.objects.create(
            name=name,
            enterprise=enterprise,
            investor=investor or (enterprise.name if enterprise else ""),
            region=region,
            amount=amount,
            stage=stage,
            chief_officer=officer,
            lead_unit=lead_unit_for(collection_region(region)),
            description=description,
            created_by=acting_user,
        )
        record("outreach.project_created", actor=acting_user, obj=project, after=snapshot(project))
        if officer.pk != acting_user.pk:
            notify_user(
                officer,
                f"您被确定为项目“{project.name}”的首席服务员",
                f"{region.name}｜投资额 {amount} 万元｜{project.get_stage_display()}",
                link=_link("project_detail", project.pk),
                now=now,
            )
    return project


# The columns `do_update_project` may change (saved by name, with the version).
PROJECT_FIELDS = ("name", "investor", "amount", "stage", "chief_officer", "description", "is_active")
PROJECT_EDITABLE = ("name", "investor", "amount", "stage", "chief_officer_id", "description", "is_active")


def do_update_project(
    *,
    acting_user: Any,
    project_id: int,
    version: Any,
    changes: dict[str, Any],
    now: dt.datetime | None = None,
) -> InvestmentProject:
    now = now or timezone.now()
    with transaction.atomic():
        project = access_project(acting_user, project_id, "edit", for_update=True)
        kit.check_version(project, version, what="项目", required=True)
        before = snapshot(project, exclude=("updated_at",))
        new_officer = None
        if "name" in changes:
            project.name = checks.text(changes, "name", "项目名称", max_length=120)
        if "investor" in changes:
            project.investor = checks.text(changes, "investor", "投资方", max_length=120, required=False)
            if not project.investor and project.enterprise_id is None:
                raise checks.fail("investor", "investor_required", "项目没有关联企业时必须填写投资方")
        if "amount" in changes:
            project.amount = checks.amount(changes, "amount", "投资额（万元）")
        if "stage" in changes:
            stage = checks.choice(changes, "stage", "项目阶段", ProjectStage)
            if stage != project.stage:
                project.stage = workflow.PROJECT.check(project.stage, f"stage_{stage}")
        if "description" in changes:
            project.description = checks.text(
                changes, "description", "项目概况", max_length=5000, required=False
            )
        if "is_active" in changes:
            project.is_active = bool(changes["is_active"])
        wanted = checks.optional_int(changes, "chief_officer_id", "首席服务员")
        if wanted is not None and wanted != project.chief_officer_id:
            new_officer = _chief_officer(changes)
            project.chief_officer = new_officer
        kit.save_change(project, PROJECT_FIELDS)
        before, after = _diff(before, snapshot(project, exclude=("updated_at",)))
        record("outreach.project_updated", actor=acting_user, obj=project, before=before, after=after)
        if new_officer is not None and new_officer.pk != acting_user.pk:
            notify_user(
                new_officer,
                f"您被确定为项目“{project.name}”的首席服务员",
                f"{project.region.name}｜{project.get_stage_display()}",
                link=_link("project_detail", project.pk),
                now=now,
            )
    return project


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    from bangban.audit.actions import diff

    b, a = diff(before, after)
    return b or {}, a or {}


# --- procedures ----------------------------------------------------------------------------------


def do_add_procedure(
    *, acting_user: Any, project_id: int, data: dict[str, Any], now: dt.datetime | None = None
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
    with transaction.atomic():
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


def do_record_progress(
    *,
    acting_user: Any,
    procedure_id: int,
    note: str,
    status: str,
    version: Any = None,
    now: dt.datetime | None = None,
) -> ProcedureStep:
    now = now or timezone.now()
    data = {"note": note, "status": status}
    with transaction.atomic():
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


# --- monthly collection ----------------------------------------------------------------------------


def _round_due(year: int, month: int) -> dt.date:
    """The working day on or after the due day of the month."""
    day = min(collection_due_day(), 28)
    return due(dt.date(year, month, day) - dt.timedelta(days=1), 1).date


def _get_or_open_round(region: Region, year: int, month: int, actor: Any) -> CollectionRound:
    existing = CollectionRound.objects.filter(region=region, year=year, month=month).first()
    if existing is not None:
        return existing
    rnd, created = CollectionRound.objects.get_or_create(
        region=region,
        year=year,
        month=month,
        defaults={"lead_unit": lead_unit_for(region), "due_date": _round_due(year, month)},
    )
    if created:
        record(
            "outreach.round_opened",
            actor=actor,
            obj=rnd,
            after={"region": region.code, "year": year, "month": month, "due_date": rnd.due_date},
        )
    return rnd


def do_open_round(*, acting_user: Any, region_code: str, year: int, month: int) -> CollectionRound:
    if not has_any_role(acting_user, PROJECT_ROLES - {Role.CHIEF_SERVICE_OFFICER}):
        raise PermissionDenied("只有牵头招商部门或营商办可以开启月度问题收集")
    if not (2000 <= int(year) <= 2100 and 1 <= int(month) <= 12):
        raise checks.fail("month", "invalid_month", "年月无效")
    region = Region.objects.filter(code=region_code, is_active=True).first()
    scope = scope_of(acting_user)
    if region is None or not (
        scope.city_wide or (scope.region_path is not None and region.path.startswith(scope.region_path))
    ):
        raise checks.fail("region", "region_out_of_scope", "区划不存在或不在您的管辖范围内")
    region = collection_region(region)
    with transaction.atomic():
        return _get_or_open_round(region, int(year), int(month), acting_user)


def open_rounds_for_month(year: int, month: int) -> int:
    """The scheduler's monthly step: a round for every county/zone (or the city) with projects in
    service. Idempotent."""
    codes = set()
    for path in (
        InvestmentProject.objects.filter(is_active=True).values_list("region__path", flat=True).distinct()
    ):
        parts = [c for c in path.split("/") if c]
        codes.add(parts[1] if len(parts) > 1 else parts[0])
    done = set(
        CollectionRound.objects.filter(year=year, month=month, region__code__in=codes).values_list(
            "region__code", flat=True
        )
    )
    opened = 0
    with transaction.atomic():
        for region in Region.objects.filter(code__in=codes - done):
            _get_or_open_round(region, year, month, None)
            opened += 1
    return opened


def do_add_problem(
    *, acting_user: Any, project_id: int, data: dict[str, Any], now: dt.datetime | None = None
) -> ProjectProblem:
    """A problem met by the chief service officer, collected into this month's round of the
    project's county/zone."""
    now = now or timezone.now()
    access_project(acting_user, project_id, "edit")  # out of scope: not found, whatever was typed
    title = checks.text(data, "title", "问题", max_length=120)
    content = checks.text(data, "content", "问题描述", max_length=5000)
    with transaction.atomic():
        project = access_project(acting_user, project_id, "edit", for_update=True)
        local = timezone.localtime(now)
        rnd = _get_or_open_round(collection_region(project.region), local.year, local.month, acting_user)
        problem = ProjectProblem.objects.create(
            round=rnd,
            project=project,
            title=title,
            content=content,
            cannot_do=bool(data.get("cannot_do")),
            delays_project=bool(data.get("delays_project")),
            raised_by=acting_user,
            raised_at=now,
        )
        record(
            "outreach.problem_added",
            actor=acting_user,
            obj=problem,
            after=snapshot(problem, fields=["round", "project", "title", "cannot_do", "delays_project"]),
        )
    return problem


def do_solve_problem(
    *, acting_user: Any, problem_id: int, solution: str, now: dt.datetime | None = None
) -> ProjectProblem:
    now = now or timezone.now()
    solution = checks.text({"solution": solution}, "solution", "解决情况", max_length=2000)
    with transaction.atomic():
        problem = access_problem(acting_user, problem_id, "handle", for_update=True)
        _check_open(problem)
        problem.outcome = ProblemOutcome.SOLVED
        problem.solution = solution
        problem.handled_at = now
        problem.version += 1
        problem.save(update_fields=["outcome", "solution", "handled_at", "version"])
        record(
            "outreach.problem_solved",
            actor=acting_user,
            obj=problem,
            before={"outcome": ProblemOutcome.OPEN},
            after={"outcome": problem.outcome, "solution": solution},
        )
    return problem


def _check_open(problem: ProjectProblem) -> None:
    if problem.outcome != ProblemOutcome.OPEN:
        raise InvalidTransition(
            f"该问题已{problem.get_outcome_display()}，不能再次处理", code="problem_handled"
        )


def do_transfer_problem(
    *, acting_user: Any, problem_id: int, note: str = "", now: dt.datetime | None = None
) -> ProjectProblem:
    """Transfer a problem the county/zone cannot solve to 市商务局 — as a case, through intake
    (the case is at city level, so routing suggests 市商务局), linked back to the problem."""
    from bangban.tickets.intake import IntakeInput, do_intake_api, do_intake_report, report_channels
    from bangban.tickets.models import Category, Channel, TicketType

    now = now or timezone.now()
    note = checks.text({"note": note}, "note", "转办说明", max_length=1000, required=False)
    target = commerce_unit()
    with transaction.atomic():
        problem = access_problem(acting_user, problem_id, "handle", for_update=True)
        _check_open(problem)
        project = problem.project
        city = Region.objects.filter(
            parent__isnull=True, path=f"/{project.region.path.split('/')[1]}/"
        ).first()
        category = (
            Category.objects.filter(is_active=True, name="项目落地服务", parent__name="招商引资")
            .order_by("id")
            .first()
        )
        content = (
            f"招商项目：{project.name}（{project.region.name}，投资额 {project.amount} 万元，"
            f"首席服务员 {project.chief_officer.display_name}）\n"
            f"问题：{problem.content}"
        )
        if note:
            content += f"\n转办说明：{note}"
        if problem.cannot_do:
            content += "\n（项目方反映“办不成事”）"
        data = IntakeInput(
            title=f"[招商项目问题] {problem.title}"[:120],
            content=content,
            category_id=category.pk if category else None,
            type=TicketType.HELP,
            enterprise_id=project.enterprise_id,
            enterprise_name="" if project.enterprise_id else project.investor,
            region_code=city.code if city else "",
        )
        if Channel.OFFICER in report_channels(acting_user) and project.enterprise_id:
            result = do_intake_report(acting_user=acting_user, channel=Channel.OFFICER, data=data, now=now)
        else:
            result = do_intake_api(acting_user=acting_user, data=data, channel=Channel.API, now=now)
        problem.outcome = ProblemOutcome.TRANSFERRED
        problem.ticket = result.ticket
        problem.target_unit = target
        problem.solution = note
        problem.handled_at = now
        problem.version += 1
        problem.save(update_fields=["outcome", "ticket", "target_unit", "solution", "handled_at", "version"])
        record(
            "outreach.problem_transferred",
            actor=acting_user,
            obj=problem,
            before={"outcome": ProblemOutcome.OPEN},
            after={
                "outcome": problem.outcome,
                "ticket": result.ticket.pk,
                "number": result.ticket.number,
                "target_unit": target.pk if target else None,
            },
        )
        if target is not None:
            staff = User.objects.filter(
                unit=target, is_active=True, roles__code__in=[Role.UNIT_HEAD, Role.HANDLER]
            ).distinct()
            for person in staff:
                notify_user(
                    person,
                    f"县区转来招商项目问题：{problem.title}",
                    f"{project.region.name}｜{project.name}｜诉求 {result.ticket.number}",
                    link=_link("problem_detail", problem.pk),
                    now=now,
                )
    return problem


def do_submit_round(*, acting_user: Any, round_id: int, now: dt.datetime | None = None) -> CollectionRound:
    """The county/zone reports the month: every problem must be solved or transferred first."""
    now = now or timezone.now()
    with transaction.atomic():
        rnd = access_round(acting_user, round_id, "submit", for_update=True)
        if rnd.submitted_at is not None:
            raise InvalidTransition("本月问题已报送", code="round_submitted")
        open_count = rnd.problems.filter(outcome=ProblemOutcome.OPEN).count()
        if open_count:
            raise InvalidTransition(
                f"还有 {open_count} 个问题未处理：请先本级解决或转市商务局，再报送",
                code="round_has_open_problems",
            )
        rnd.submitted_at = now
        rnd.submitted_by = acting_user
        rnd.save(update_fields=["submitted_at", "submitted_by"])
        late = timezone.localtime(now).date() > rnd.due_date
        record(
            "outreach.round_submitted",
            actor=acting_user,
            obj=rnd,
            after={"submitted_at": now, "late": late, "problems": rnd.problems.count()},
        )
    return rnd


def round_is_late(rnd: CollectionRound, today: dt.date) -> bool:
    if rnd.submitted_at is not None:
        return timezone.localtime(rnd.submitted_at).date() > rnd.due_date
    return today > rnd.due_date


def late_rounds_q(today: dt.date) -> Q:
    """Rounds not reported by their due date (still open, or reported after it)."""
    return Q(submitted_at__isnull=True, due_date__lt=today) | Q(submitted_at__date__gt=F("due_date"))


def remind_rounds(now: dt.datetime) -> int:
    """Daily: remind the lead departments of rounds due within one working day or overdue (once a
    day per round), and the chief officers with open problems in them."""
    from bangban.workdays.service import workdays_between

    today = timezone.localtime(now).date()
    sent = 0
    rounds = CollectionRound.objects.filter(submitted_at__isnull=True).select_related("region", "lead_unit")
    for rnd in rounds:
        if rnd.reminded_at is not None and timezone.localtime(rnd.reminded_at).date() == today:
            continue
        left = workdays_between(today, rnd.due_date)
        if left > 1:
            continue
        with transaction.atomic():
            locked = CollectionRound.objects.select_for_update().get(pk=rnd.pk)
            if locked.submitted_at is not None or (
                locked.reminded_at is not None and timezone.localtime(locked.reminded_at).date() == today
            ):
                continue
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
            subject = (
                f"{rnd.region.name}{rnd.month}月项目问题已逾期未报送"
                if left < 0 or today > rnd.due_date
                else f"{rnd.region.name}{rnd.month}月项目问题请于 {rnd.due_date:%m月%d日} 前报送"
            )
            people: dict[int, User] = {}
            if rnd.lead_unit_id:
                for u in User.objects.filter(
                    unit_id=rnd.lead_unit_id, is_active=True, roles__code__in=[Role.UNIT_HEAD, Role.HANDLER]
                ):
                    people[u.pk] = u
            for u in User.objects.filter(
                pk__in=rnd.problems.filter(outcome=ProblemOutcome.OPEN).values("project__chief_officer_id")
            ):
                people[u.pk] = u
            for person in people.values():
                notify_user(
                    person,
                    subject,
                    "请处理本月收集的项目问题（本级解决或转市商务局）并报送。",
                    link=_link("round_detail", rnd.pk),
                    channels=("inapp", "sms"),
                    dedupe_key_prefix=f"outreach-round-{rnd.pk}-{today:%Y%m%d}",
                    now=now,
                )
            record("outreach.round_reminded", actor=None, obj=rnd, after={"recipients": sorted(people)})
            sent += 1
    return sent


def may_submit(user: Any, rnd: CollectionRound) -> bool:
    return rnd.submitted_at is None and may_run_round(user, rnd)
