"""The monthly problem collection per county/zone: rounds, problems, their solution or transfer to 市商务局, and reminders (R1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record, snapshot
from bangban.core.errors import InvalidTransition, PermissionDenied
from bangban.core.kit import durable_action
from bangban.notifications.actions import notify_user
from bangban.org.models import Region
from bangban.tickets.intake import IntakeInput, do_intake_api, do_intake_report, report_channels
from bangban.tickets.models import Category, Channel, TicketType
from bangban.workdays.service import due, workdays_between

from .. import checks
from ..access import PROJECT_ROLES, access_problem, access_project, access_round, may_run_round
from ..models import CollectionRound, InvestmentProject, ProblemOutcome, ProjectProblem
from ._common import _link
from .registry import collection_due_day, collection_region, commerce_unit, lead_unit_for


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


@durable_action
def do_open_round(*, acting_user: User, region_code: str, year: int, month: int) -> CollectionRound:
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


@durable_action
def do_add_problem(
    *, acting_user: User, project_id: int, data: dict[str, Any], now: dt.datetime | None = None
) -> ProjectProblem:
    """A problem met by the chief service officer, collected into this month's round of the
    project's county/zone."""
    now = now or timezone.now()
    access_project(acting_user, project_id, "edit")  # out of scope: not found, whatever was typed
    title = checks.text(data, "title", "问题", max_length=120)
    content = checks.text(data, "content", "问题描述", max_length=5000)
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


@durable_action
def do_solve_problem(
    *, acting_user: User, problem_id: int, solution: str, now: dt.datetime | None = None
) -> ProjectProblem:
    now = now or timezone.now()
    solution = checks.text({"solution": solution}, "solution", "解决情况", max_length=2000)
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


@durable_action
def do_transfer_problem(
    *, acting_user: User, problem_id: int, note: str = "", now: dt.datetime | None = None
) -> ProjectProblem:
    """Transfer a problem the county/zone cannot solve to 市商务局 — as a case, through intake
    (the case is at city level, so routing suggests 市商务局), linked back to the problem."""

    now = now or timezone.now()
    note = checks.text({"note": note}, "note", "转办说明", max_length=1000, required=False)
    target = commerce_unit()
    problem = access_problem(acting_user, problem_id, "handle", for_update=True)
    _check_open(problem)
    project = problem.project
    city = Region.objects.filter(parent__isnull=True, path=f"/{project.region.path.split('/')[1]}/").first()
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


@durable_action
def do_submit_round(*, acting_user: User, round_id: int, now: dt.datetime | None = None) -> CollectionRound:
    """The county/zone reports the month: every problem must be solved or transferred first."""
    now = now or timezone.now()
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
