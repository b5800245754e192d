"""政社企沟通 (R5): the 行业协会商会议事厅 (opinions → answers → ratings), 营商环境监督员 reports
(forwarded by 营商办 as cases and followed up), 恳谈会 and 宿商讲坛 events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.access import own_enterprise_id
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import InvalidTransition, NotFound, PermissionDenied
from bangban.core.kit import durable_action
from bangban.core.satisfaction import Satisfaction
from bangban.enterprises.models import Enterprise
from bangban.notifications.actions import notify_user
from bangban.org.models import Region, Unit
from bangban.tickets.intake import IntakeInput, do_intake_report
from bangban.tickets.models import Channel, TicketType

from . import checks, workflow
from .access import (
    access_opinion,
    access_report,
    access_symposium,
    can_report_as_supervisor,
    can_run_forums,
    is_association_user,
    is_enterprise_user,
    may_answer,
    own_associations,
)
from .models import (
    Association,
    AssociationOpinion,
    Event,
    EventKind,
    FollowUp,
    OpinionRating,
    OpinionStatus,
    ReportStatus,
    SupervisorReport,
    SymposiumSuggestion,
)

ACTION_LABELS = {
    "outreach.association_created": "登记行业协会商会",
    "outreach.association_accounts": "关联协会商会账号",
    "outreach.opinion_submitted": "议事厅提交意见",
    "outreach.opinion_answered": "答复议事厅意见",
    "outreach.opinion_rated": "企业评价答复",
    "outreach.report_submitted": "监督员反映问题",
    "outreach.report_forwarded": "转办监督员反映的问题",
    "outreach.report_declined": "监督员问题不予转办",
    "outreach.follow_up": "跟踪问效",
    "outreach.event_recorded": "登记恳谈会/讲坛",
}


def _require_forums(user: Any) -> None:
    if not can_run_forums(user):
        raise PermissionDenied("只有营商办可以办理此操作")


def _unit(data: dict[str, Any], name: str, label: str, *, required: bool) -> Unit | None:
    pk = checks.optional_int(data, name, label)
    if pk is None:
        if required:
            raise checks.fail(name, f"{name}_required", f"请选择{label}")
        return None
    unit = Unit.objects.filter(pk=pk, is_active=True).first()
    if unit is None:
        raise checks.fail(name, "unknown_unit", f"{label}不存在或已停用")
    return unit


def _enterprises(data: dict[str, Any], name: str) -> list[Enterprise]:
    raw = data.get(name) or []
    ids = sorted({int(v) for v in raw if str(v).strip().isdigit()})
    found = list(Enterprise.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise checks.fail(name, "unknown_enterprise", "所选企业不存在")
    return found


# --- associations ----------------------------------------------------------------------------------


@durable_action
def do_create_association(*, acting_user: User, data: dict[str, Any]) -> Association:
    _require_forums(acting_user)
    name = checks.text(data, "name", "协会商会名称", max_length=120)
    region = Region.objects.filter(code=str(data.get("region") or "").strip(), is_active=True).first()
    if region is None:
        raise checks.fail("region", "region_required", "请选择协会商会所在区划")
    if Association.objects.filter(name=name).exists():
        raise checks.fail("name", "association_exists", "该协会商会已登记")
    association = Association.objects.create(
        name=name,
        region=region,
        contact_name=checks.text(data, "contact_name", "联系人", max_length=50, required=False),
        contact_phone=checks.text(data, "contact_phone", "联系电话", max_length=30, required=False),
    )
    association.members.set(_enterprises(data, "member_ids"))
    accounts = _association_accounts(data, "account_ids")
    association.accounts.set(accounts)
    after = snapshot(association)
    after["accounts"] = [u.username for u in accounts]
    record("outreach.association_created", actor=acting_user, obj=association, after=after)
    return association


def _association_accounts(data: dict[str, Any], name: str) -> list[User]:
    """Accounts to link to an association: active users holding the 行业协会商会 role."""
    raw = data.get(name) or []
    if isinstance(raw, str | int):
        raw = [raw]
    values = [str(v).strip() for v in raw if str(v).strip()]
    ids = sorted({int(v) for v in values if v.isdigit()})
    found = list(
        User.objects.filter(pk__in=ids, is_active=True, roles__code=Role.ASSOCIATION)
        .distinct()
        .order_by("pk")
    )
    if len(found) != len(ids) or any(not v.isdigit() for v in values):
        raise checks.fail(
            name, "not_an_association_account", "所选账号不存在，或不是“行业协会商会”角色的账号"
        )
    return found


@durable_action
def do_set_association_accounts(
    *, acting_user: User, association_id: int, data: dict[str, Any]
) -> Association:
    """营商办 links the 行业协会商会 accounts that speak for an association (replaces the list)."""
    _require_forums(acting_user)
    accounts = _association_accounts(data, "account_ids")
    association = Association.objects.select_for_update().filter(pk=association_id).first()
    if association is None:
        raise NotFound()
    before = sorted(association.accounts.values_list("username", flat=True))
    association.accounts.set(accounts)
    after = sorted(u.username for u in accounts)
    record(
        "outreach.association_accounts",
        actor=acting_user,
        obj=association,
        before={"accounts": before},
        after={"accounts": after},
    )
    return association


@durable_action
def do_submit_opinion(
    *, acting_user: User, data: dict[str, Any], now: dt.datetime | None = None
) -> AssociationOpinion:
    """An association's own account submits the opinions it collected, or 营商办 (or 市工商联/
    市民政局 staff holding that role) enters them on the association's behalf; either names the
    unit that must answer and the enterprises who raised them."""
    now = now or timezone.now()
    association = _submitting_association(acting_user, data)
    title = checks.text(data, "title", "议题", max_length=120)
    content = checks.text(data, "content", "意见建议", max_length=5000)
    unit = _unit(data, "answer_unit_id", "答复单位", required=True)
    assert unit is not None
    enterprises = _enterprises(data, "enterprise_ids")
    if is_association_user(acting_user):
        members = set(association.members.values_list("pk", flat=True))
        outsider = next((e for e in enterprises if e.pk not in members), None)
        if outsider is not None:
            raise checks.fail(
                "enterprise_ids",
                "enterprise_not_member",
                f"“{outsider.name}”不是本会会员企业，不能列为提出意见的企业",
            )
    opinion = AssociationOpinion.objects.create(
        association=association,
        title=title,
        content=content,
        answer_unit=unit,
        submitted_by=acting_user,
        submitted_at=now,
    )
    opinion.enterprises.set(enterprises)
    record("outreach.opinion_submitted", actor=acting_user, obj=opinion, after=snapshot(opinion))
    for person in User.objects.filter(
        unit=unit, is_active=True, roles__code__in=[Role.UNIT_HEAD, Role.HANDLER]
    ).distinct():
        notify_user(
            person,
            f"议事厅意见待答复：{title}",
            f"{association.name}提交",
            link=reverse("outreach:opinion_detail", args=[opinion.pk]),
            now=now,
        )
    return opinion


def _submitting_association(acting_user: User, data: dict[str, Any]) -> Association:
    if can_run_forums(acting_user):
        association = Association.objects.filter(
            pk=checks.lookup_id(data, "association_id", "协会商会"), is_active=True
        ).first()
        if association is None:
            raise checks.fail("association_id", "association_required", "请选择提交意见的协会商会")
        return association
    if not is_association_user(acting_user):
        raise PermissionDenied("只有行业协会商会账号或营商办可以提交议事厅意见")
    own = list(own_associations(acting_user).order_by("name"))
    if not own:
        raise PermissionDenied("该账号尚未关联协会商会，请联系营商办关联后再提交")
    chosen = checks.optional_int(data, "association_id", "协会商会")
    if chosen is None:
        if len(own) > 1:
            raise checks.fail("association_id", "association_required", "请选择以哪个协会商会的名义提交")
        return own[0]
    association = next((a for a in own if a.pk == chosen), None)
    if association is None:
        raise checks.fail("association_id", "association_not_own", "只能以本账号所属协会商会的名义提交意见")
    return association


@durable_action
def do_answer_opinion(
    *, acting_user: User, opinion_id: int, answer: str, version: Any = None, now: dt.datetime | None = None
) -> AssociationOpinion:
    now = now or timezone.now()
    answer = checks.text({"answer": answer}, "answer", "答复", max_length=5000)
    with transaction.atomic():
        opinion = access_opinion(acting_user, opinion_id, for_update=True)
        if not may_answer(acting_user, opinion):
            raise PermissionDenied("只有答复单位的承办人或负责人可以答复")
        kit.check_version(opinion, version)
        opinion.status = workflow.OPINION.check(
            opinion.status, "answer", message="该意见已答复", code="opinion_answered"
        )
        opinion.answer = answer
        opinion.answered_by = acting_user
        opinion.answered_at = now
        kit.save_change(opinion, ["answer", "answered_by", "answered_at", "status"])
        record(
            "outreach.opinion_answered",
            actor=acting_user,
            obj=opinion,
            before={"status": OpinionStatus.SUBMITTED},
            after={"status": opinion.status, "answer": answer},
        )
        for person in User.objects.filter(
            enterprise__in=opinion.enterprises.all(), is_active=True, roles__code=Role.ENTERPRISE
        ).distinct():
            notify_user(
                person,
                f"议事厅意见已答复，请评价：{opinion.title}",
                answer[:120],
                link=reverse("outreach:opinion_detail", args=[opinion.pk]),
                now=now,
            )
        for person in opinion.association.accounts.filter(is_active=True):
            notify_user(
                person,
                f"本会提交的意见已答复：{opinion.title}",
                f"{opinion.answer_unit.name}：{answer[:100]}",
                link=reverse("outreach:opinion_detail", args=[opinion.pk]),
                now=now,
            )
    return opinion


@durable_action
def do_rate_answer(
    *, acting_user: User, opinion_id: int, level: Any, comment: str = "", now: dt.datetime | None = None
) -> OpinionRating:
    now = now or timezone.now()
    try:
        value = Satisfaction(int(level))
    except (TypeError, ValueError):
        raise checks.fail("level", "invalid_level", "满意度应为 1（非常满意）到 5（非常不满意）") from None
    comment = checks.text({"comment": comment}, "comment", "评价", max_length=500, required=False)
    if not is_enterprise_user(acting_user):
        raise PermissionDenied("只有提出意见的企业可以评价答复")
    enterprise_id = own_enterprise_id(acting_user)
    opinion = access_opinion(acting_user, opinion_id, for_update=True)
    rated = workflow.OPINION.check(
        opinion.status, "rate", message="该意见尚未答复，答复后才能评价", code="opinion_not_answered"
    )
    if OpinionRating.objects.filter(opinion=opinion, enterprise_id=enterprise_id).exists():
        raise InvalidTransition("本企业已评价过该答复", code="already_rated")
    rating = OpinionRating.objects.create(
        opinion=opinion,
        enterprise_id=enterprise_id,
        level=value,
        comment=comment,
        rated_by=acting_user,
        rated_at=now,
    )
    if opinion.status != rated:
        opinion.status = rated
        opinion.save(update_fields=["status"])
    record(
        "outreach.opinion_rated",
        actor=acting_user,
        obj=opinion,
        after={"enterprise": acting_user.enterprise_id, "level": int(value), "comment": comment},
    )
    for person in opinion.association.accounts.filter(is_active=True):
        notify_user(
            person,
            f"会员企业评价了答复：{opinion.title}",
            f"{Satisfaction(value).label}" + (f"：{comment[:100]}" if comment else ""),
            link=reverse("outreach:opinion_detail", args=[opinion.pk]),
            now=now,
        )
    return rating


# --- supervisors ------------------------------------------------------------------------------------


@durable_action
def do_submit_report(
    *, acting_user: User, data: dict[str, Any], now: dt.datetime | None = None
) -> SupervisorReport:
    if not can_report_as_supervisor(acting_user):
        raise PermissionDenied("只有营商环境监督员可以在此反映问题")
    now = now or timezone.now()
    title = checks.text(data, "title", "问题", max_length=120)
    content = checks.text(data, "content", "问题描述", max_length=5000)
    enterprise_name = checks.text(data, "enterprise_name", "涉及企业", max_length=120, required=False)
    region = None
    code = str(data.get("region") or "").strip()
    if code:
        region = Region.objects.filter(code=code, is_active=True).first()
        if region is None:
            raise checks.fail("region", "unknown_region", "发生地区划不存在")
    report = SupervisorReport.objects.create(
        reporter=acting_user,
        title=title,
        content=content,
        enterprise_name=enterprise_name,
        region=region,
        submitted_at=now,
    )
    record("outreach.report_submitted", actor=acting_user, obj=report, after=snapshot(report))
    for person in User.objects.filter(is_active=True, roles__code=Role.BIZ_OFFICE).distinct():
        notify_user(
            person,
            f"监督员反映问题：{title}",
            f"{acting_user.display_name}｜{region.name if region else ''}",
            link=reverse("outreach:report_detail", args=[report.pk]),
            now=now,
        )
    return report


@durable_action
def do_forward_report(
    *, acting_user: User, report_id: int, note: str = "", version: Any = None, now: dt.datetime | None = None
) -> SupervisorReport:
    """营商办 forwards the report as a case (the supervisors' intake channel)."""

    now = now or timezone.now()
    note = checks.text({"note": note}, "note", "转办说明", max_length=1000, required=False)
    report = access_report(acting_user, report_id, "forward", for_update=True)
    kit.check_version(report, version)
    forwarded = workflow.REPORT.check(
        report.status, "forward", message=f"该问题{report.get_status_display()}", code="report_handled"
    )
    content = report.content + (f"\n营商办转办说明：{note}" if note else "")
    content += f"\n（营商环境监督员 {report.reporter.display_name} 反映）"
    result = do_intake_report(
        acting_user=acting_user,
        channel=Channel.SUPERVISOR,
        data=IntakeInput(
            title=report.title,
            content=content,
            type=TicketType.HELP,
            enterprise_name=report.enterprise_name,
            region_code=report.region.code if report.region else "",
            contact_name=report.reporter.display_name,
            contact_phone=report.reporter.phone,
        ),
        now=now,
    )
    report.status = forwarded
    report.ticket = result.ticket
    report.handled_by = acting_user
    report.handled_at = now
    kit.save_change(report, ["status", "ticket", "handled_by", "handled_at"])
    record(
        "outreach.report_forwarded",
        actor=acting_user,
        obj=report,
        before={"status": ReportStatus.SUBMITTED},
        after={"status": report.status, "ticket": result.ticket.pk, "number": result.ticket.number},
    )
    notify_user(
        report.reporter,
        f"您反映的问题已转办：{report.title}",
        f"诉求编号 {result.ticket.number}，营商办将跟踪办理结果。",
        link=reverse("outreach:report_detail", args=[report.pk]),
        now=now,
    )
    return report


@durable_action
def do_decline_report(
    *, acting_user: User, report_id: int, reason: str, version: Any = None, now: dt.datetime | None = None
) -> SupervisorReport:
    now = now or timezone.now()
    reason = checks.text({"reason": reason}, "reason", "不予转办的理由", max_length=300)
    report = access_report(acting_user, report_id, "forward", for_update=True)
    kit.check_version(report, version)
    report.status = workflow.REPORT.check(
        report.status, "decline", message=f"该问题{report.get_status_display()}", code="report_handled"
    )
    report.decline_reason = reason
    report.handled_by = acting_user
    report.handled_at = now
    kit.save_change(report, ["status", "decline_reason", "handled_by", "handled_at"])
    record("outreach.report_declined", actor=acting_user, obj=report, after={"reason": reason})
    notify_user(
        report.reporter,
        f"您反映的问题未予转办：{report.title}",
        reason,
        link=reverse("outreach:report_detail", args=[report.pk]),
        now=now,
    )
    return report


@durable_action
def do_follow_up(
    *,
    acting_user: User,
    note: str,
    report_id: int | None = None,
    suggestion_id: int | None = None,
    now: dt.datetime | None = None,
) -> FollowUp:
    """跟踪问效 on a forwarded report or a symposium suggestion."""

    now = now or timezone.now()
    # Access first: a report or suggestion outside one's scope is not found, whatever the note.
    if report_id is not None:
        report = access_report(acting_user, report_id, "follow", for_update=True)
        note = checks.text({"note": note}, "note", "跟踪情况", max_length=500)
        item = FollowUp.objects.create(report=report, note=note, by=acting_user, at=now)
        obj: Any = report
    else:
        suggestion = SymposiumSuggestion.objects.filter(pk=suggestion_id or 0).first()
        if suggestion is None:
            raise NotFound()
        access_symposium(acting_user, suggestion.symposium_id, "manage")
        note = checks.text({"note": note}, "note", "跟踪情况", max_length=500)
        item = FollowUp.objects.create(suggestion=suggestion, note=note, by=acting_user, at=now)
        obj = suggestion
    record(
        "outreach.follow_up",
        actor=acting_user,
        obj=obj,
        object_repr=str(obj)[:200] or "建议",
        after={"note": note},
    )
    return item


# --- events -------------------------------------------------------------------------------------------


@durable_action
def do_record_event(*, acting_user: User, data: dict[str, Any]) -> Event:
    _require_forums(acting_user)
    kind = checks.choice(data, "kind", "类型", EventKind)
    theme = checks.text(data, "theme", "主题", max_length=120)
    held_on = checks.required_date(data, "held_on", "举办日期")
    organiser = _unit(data, "organiser_id", "主办单位", required=False)
    enterprises = _enterprises(data, "enterprise_ids")
    event = Event.objects.create(
        kind=kind,
        theme=theme,
        held_on=held_on,
        location=checks.text(data, "location", "地点", max_length=120, required=False),
        organiser=organiser,
        participants=checks.text(data, "participants", "参加人员", max_length=5000, required=False),
        outcomes=checks.text(data, "outcomes", "反映问题和建议/成果", max_length=5000, required=False),
        created_by=acting_user,
    )
    event.enterprises.set(enterprises)
    record("outreach.event_recorded", actor=acting_user, obj=event, after=snapshot(event))
    return event
