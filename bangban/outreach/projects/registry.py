"""Registering and editing investment projects, and who handles them: the collection day, 市商务局, the collection region and the lead unit (R1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from bangban.accounts.access import scope_of
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import PermissionDenied
from bangban.core.kit import durable_action
from bangban.enterprises.access import visible_enterprises
from bangban.notifications.actions import notify_user
from bangban.org.models import Region, RegionLevel, Unit, UnitType

from .. import checks, workflow
from ..access import access_project, can_manage_projects
from ..models import InvestmentProject, ProjectStage
from ._common import _diff, _link

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
    "outreach.problem_coordinated": "项目问题协调相关职能部门",
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


@durable_action
def do_create_project(
    *, acting_user: User, data: dict[str, Any], now: dt.datetime | None = None
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


@durable_action
def do_update_project(
    *,
    acting_user: User,
    project_id: int,
    version: Any,
    changes: dict[str, Any],
    now: dt.datetime | None = None,
) -> InvestmentProject:
    now = now or timezone.now()
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
        project.description = checks.text(changes, "description", "项目概况", max_length=5000, required=False)
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
