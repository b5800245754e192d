"""企业家座谈会 every half year (R13): themes, nominations (by the enterprises themselves and by
departments), selection, the policies pushed to the participants, suggestions collected — major
problems become cases — and the follow-up of each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import InvalidTransition, PermissionDenied
from bangban.core.kit import durable_action
from bangban.enterprises.access import visible_enterprises
from bangban.notifications.actions import notify_user
from bangban.org.models import Unit
from bangban.tickets.intake import IntakeInput, do_intake_api
from bangban.tickets.models import Channel, TicketType

from . import checks, workflow
from .access import access_policy, access_symposium, can_run_symposia, is_enterprise_user
from .models import (
    NominationSource,
    NominationStatus,
    PolicyDelivery,
    PolicyPush,
    PushStatus,
    Symposium,
    SymposiumCoUnit,
    SymposiumNomination,
    SymposiumStatus,
    SymposiumSuggestion,
)

ACTION_LABELS = {
    "outreach.symposium_created": "安排企业家座谈会",
    "outreach.symposium_nominated": "推荐座谈会人选",
    "outreach.symposium_selected": "确定座谈会人选",
    "outreach.symposium_policies": "座谈会推送政策",
    "outreach.symposium_held": "座谈会召开",
    "outreach.symposium_suggestion": "记录座谈会建议",
    "outreach.symposium_co_units": "设定座谈会配合单位",
}
# Who of a 配合单位 is told: its heads and handlers (the unit's account holders otherwise).
TOLD_ROLES = (Role.UNIT_HEAD, Role.HANDLER)


def _link(symposium: Symposium) -> str:
    return reverse("outreach:symposium_detail", args=[symposium.pk])


def do_create_symposium(
    *, acting_user: User, data: dict[str, Any], now: dt.datetime | None = None
) -> Symposium:
    if not can_run_symposia(acting_user):
        raise PermissionDenied("只有营商办或市级牵头单位可以组织企业家座谈会")
    year = checks.optional_int(data, "year", "年度")
    half = checks.optional_int(data, "half", "半年")
    if year is None or not 2000 <= year <= 2100:
        raise checks.fail("year", "invalid_year", "请填写正确的年度")
    if half not in (1, 2):
        raise checks.fail("half", "invalid_half", "请选择上半年或下半年")
    themes = checks.text(data, "themes", "主题", max_length=2000)
    planned_on = checks.optional_date(data, "planned_on", "计划召开日期")
    if planned_on and (planned_on.year != year or (planned_on.month <= 6) != (half == 1)):
        raise checks.fail("planned_on", "planned_outside_half", "计划召开日期应在所选的半年内")
    lead = None
    lead_id = checks.optional_int(data, "lead_unit_id", "牵头单位")
    if lead_id is not None:
        lead = Unit.objects.filter(pk=lead_id, is_active=True).first()
        if lead is None:
            raise checks.fail("lead_unit_id", "unknown_unit", "牵头单位不存在或已停用")
    title = checks.text(data, "title", "名称", max_length=120, required=False) or (
        f"{year}年{'上' if half == 1 else '下'}半年企业家座谈会"
    )
    co_units = _co_units(data.get("co_unit_ids"))
    now = now or timezone.now()
    try:
        with transaction.atomic():
            symposium = Symposium.objects.create(
                year=year,
                half=half,
                title=title,
                themes=themes,
                lead_unit=lead or getattr(acting_user, "unit", None),
                planned_on=planned_on,
                created_by=acting_user,
            )
            _add_co_units(symposium, co_units, acting_user, now)
            after = snapshot(symposium)
            after["co_units"] = sorted(u.name for u in co_units)
            record("outreach.symposium_created", actor=acting_user, obj=symposium, after=after)
    except IntegrityError:
        raise checks.fail(
            "half", "symposium_exists", f"{year}年{'上' if half == 1 else '下'}半年的座谈会已安排"
        ) from None
    return symposium


def _co_units(raw: Any) -> list[Unit]:
    if raw in (None, ""):
        return []
    values = [raw] if isinstance(raw, str | int) else list(raw)
    text = [str(v).strip() for v in values if str(v).strip()]
    if any(not v.isdigit() for v in text):
        raise checks.fail("co_unit_ids", "unknown_unit", "配合单位不存在或已停用")
    ids = sorted({int(v) for v in text})
    found = list(Unit.objects.filter(pk__in=ids, is_active=True).order_by("pk"))
    if len(found) != len(ids):
        raise checks.fail("co_unit_ids", "unknown_unit", "配合单位不存在或已停用")
    return found


def _add_co_units(symposium: Symposium, units: list[Unit], by: User, now: dt.datetime) -> None:
    """Link the units and tell each unit's people (the notification outbox, in this transaction)."""
    when = f"计划 {symposium.planned_on:%Y年%m月%d日} 召开" if symposium.planned_on else "召开日期待定"
    lead = symposium.lead_unit.name if symposium.lead_unit else "—"
    body = f"贵单位为{symposium.title}的配合单位（牵头单位：{lead}）。主题：{'、'.join(symposium.theme_list)}；{when}。"
    for unit in units:
        link = SymposiumCoUnit.objects.create(symposium=symposium, unit=unit, added_by=by, added_at=now)
        people = _unit_people(unit.pk)
        for person in people:
            notify_user(person, f"请配合{symposium.title}", body, link=_link(symposium), now=now)
        link.notified_at = now
        link.notified_people = len(people)
        link.save(update_fields=["notified_at", "notified_people"])


def _unit_people(unit_id: int) -> list[User]:
    """Who of a unit is told: its heads and handlers, else every active account of the unit."""
    active = User.objects.filter(unit_id=unit_id, is_active=True)
    return list(active.filter(roles__code__in=TOLD_ROLES).distinct()) or list(active)


@durable_action
def do_set_co_units(
    *,
    acting_user: User,
    symposium_id: int,
    unit_ids: Any,
    version: Any = None,
    now: dt.datetime | None = None,
) -> Symposium:
    """Set the 配合单位 (replaces the list). A unit added is told it co-organises the symposium, a
    unit removed that it no longer does; a unit that stays is not told again. The same list again:
    nothing is written."""
    now = now or timezone.now()
    symposium = access_symposium(acting_user, symposium_id, "manage", for_update=True)
    kit.check_version(symposium, version)
    wanted = _co_units(unit_ids)
    links = {link.unit_id: link for link in SymposiumCoUnit.objects.filter(symposium=symposium)}
    wanted_ids = {u.pk for u in wanted}
    if wanted_ids == set(links):
        return symposium
    before = sorted(Unit.objects.filter(pk__in=list(links)).values_list("name", flat=True))
    removed = [links[pk] for pk in links if pk not in wanted_ids]
    for link in removed:
        for person in _unit_people(link.unit_id):
            notify_user(
                person,
                f"{symposium.title}不再需要贵单位配合",
                "配合单位已调整，贵单位不再列为配合单位。",
                link=_link(symposium),
                now=now,
            )
        link.delete()
    _add_co_units(symposium, [u for u in wanted if u.pk not in links], acting_user, now)
    kit.save_change(symposium, [])
    record(
        "outreach.symposium_co_units",
        actor=acting_user,
        obj=symposium,
        before={"co_units": before},
        after={"co_units": sorted(u.name for u in wanted)},
    )
    return symposium


def co_unit_links(symposium: Symposium) -> list[SymposiumCoUnit]:
    return list(
        SymposiumCoUnit.objects.filter(symposium=symposium).select_related("unit").order_by("unit__name")
    )


def half_end(year: int, half: int) -> dt.date:
    """The first day after the half year (1 July, or 1 January of the next year)."""
    return dt.date(year, 7, 1) if half == 1 else dt.date(year + 1, 1, 1)


def not_held_in_half(symposium: Symposium, now: dt.datetime) -> bool:
    """R13 every half year: the half year is over at `now` (local time) and its symposium, though
    arranged, was not held within it (never marked held, or held after the half year's end)."""
    end = half_end(symposium.year, symposium.half)
    if timezone.localdate(now) < end:
        return False
    return symposium.held_on is None or symposium.held_on >= end


@durable_action
def do_nominate(
    *,
    acting_user: User,
    symposium_id: int,
    enterprise_id: Any = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> SymposiumNomination:
    """An enterprise nominates itself; a department recommends an enterprise it may see."""
    now = now or timezone.now()
    reason = checks.text({"reason": reason}, "reason", "推荐理由", max_length=300, required=False)
    if is_enterprise_user(acting_user):
        source = NominationSource.SELF
        enterprise_id = acting_user.enterprise_id
        unit = None
    elif acting_user.role_codes() & STAFF_ROLES or acting_user.is_superuser:
        source = NominationSource.DEPARTMENT
        unit = acting_user.unit
        enterprise = (
            visible_enterprises(acting_user)
            .filter(pk=checks.lookup_id({"e": enterprise_id}, "e", "企业"))
            .first()
        )
        if enterprise is None:
            raise checks.fail(
                "enterprise_id", "enterprise_out_of_scope", "所选企业不存在或不在您的管辖范围内"
            )
        enterprise_id = enterprise.pk
    else:
        raise PermissionDenied("只有企业或部门可以推荐座谈会人选")
    symposium = access_symposium(acting_user, symposium_id, for_update=True)
    workflow.SYMPOSIUM.check(
        symposium.status, "nominate", message="人选已确定，不再接受推荐", code="nomination_closed"
    )
    if SymposiumNomination.objects.filter(symposium=symposium, enterprise_id=enterprise_id).exists():
        raise InvalidTransition("该企业已在推荐名单中", code="already_nominated")
    nomination = SymposiumNomination.objects.create(
        symposium=symposium,
        enterprise_id=enterprise_id,
        source=source,
        unit=unit,
        reason=reason,
        nominated_by=acting_user,
        nominated_at=now,
    )
    record(
        "outreach.symposium_nominated",
        actor=acting_user,
        obj=symposium,
        after={"enterprise": enterprise_id, "source": source, "reason": reason},
    )
    return nomination


@durable_action
def do_select(
    *,
    acting_user: User,
    symposium_id: int,
    selected_ids: list[Any],
    version: Any = None,
    now: dt.datetime | None = None,
) -> Symposium:
    """Close the nominations: the chosen ones are 入选, the others 未入选; the chosen enterprises
    are invited."""
    now = now or timezone.now()
    chosen = {int(v) for v in selected_ids if str(v).strip().isdigit()}
    symposium = access_symposium(acting_user, symposium_id, "manage", for_update=True)
    kit.check_version(symposium, version)
    if not chosen:
        raise checks.fail("selected_ids", "selection_required", "请至少选择一家参会企业")
    selected = workflow.SYMPOSIUM.check(
        symposium.status, "select", message="人选已确定", code="already_selected"
    )
    nominations = SymposiumNomination.objects.filter(symposium=symposium)
    known = dict(nominations.values_list("pk", "status"))
    if not chosen <= set(known):
        raise checks.fail("selected_ids", "unknown_nomination", "所选人选不在推荐名单中")
    # Every nomination is settled at once: each moves by the nomination table.
    for pk, status in known.items():
        workflow.NOMINATION.check(status, "select" if pk in chosen else "pass_over")
    nominations.filter(pk__in=chosen).update(status=NominationStatus.SELECTED)
    nominations.exclude(pk__in=chosen).update(status=NominationStatus.NOT_SELECTED)
    symposium.status = selected
    kit.save_change(symposium, ["status"])
    enterprise_ids = list(nominations.filter(pk__in=chosen).values_list("enterprise_id", flat=True))
    record(
        "outreach.symposium_selected",
        actor=acting_user,
        obj=symposium,
        before={"status": SymposiumStatus.NOMINATING},
        after={"status": symposium.status, "enterprises": sorted(enterprise_ids)},
    )
    for person in User.objects.filter(
        enterprise_id__in=enterprise_ids, is_active=True, roles__code=Role.ENTERPRISE
    ).distinct():
        notify_user(
            person,
            f"诚邀参加{symposium.title}",
            f"主题：{'、'.join(symposium.theme_list)}"
            + (f"；计划 {symposium.planned_on:%Y年%m月%d日} 召开" if symposium.planned_on else ""),
            link=_link(symposium),
            channels=("inapp", "sms"),
            now=now,
        )
    return symposium


def participant_ids(symposium: Symposium) -> list[int]:
    return list(
        SymposiumNomination.objects.filter(symposium=symposium, status=NominationStatus.SELECTED).values_list(
            "enterprise_id", flat=True
        )
    )


@durable_action
def do_push_policies(
    *, acting_user: User, symposium_id: int, policy_ids: list[Any], now: dt.datetime | None = None
) -> Symposium:
    """The new policies presented at the symposium, delivered to every participant (set-based)."""
    now = now or timezone.now()
    ids = {int(v) for v in policy_ids if str(v).strip().isdigit()}
    symposium = access_symposium(acting_user, symposium_id, "manage", for_update=True)
    if not ids:
        raise checks.fail("policy_ids", "policy_required", "请选择要推送的政策")
    participants = participant_ids(symposium)
    if not participants:
        raise InvalidTransition("请先确定参会企业，再推送政策", code="no_participants")
    for pid in sorted(ids):
        policy = access_policy(acting_user, pid, "push")
        push = PolicyPush.objects.create(
            policy=policy,
            pushed_by=acting_user,
            send_sms=False,
            total=len(participants),
            processed=len(participants),
            status=PushStatus.DONE,
            created_at=now,
            finished_at=now,
        )
        already = set(
            PolicyDelivery.objects.filter(policy=policy, enterprise_id__in=participants).values_list(
                "enterprise_id", flat=True
            )
        )
        new = [eid for eid in participants if eid not in already]
        PolicyDelivery.objects.bulk_create(
            [PolicyDelivery(policy=policy, push=push, enterprise_id=eid, delivered_at=now) for eid in new],
            ignore_conflicts=True,
        )
        PolicyPush.objects.filter(pk=push.pk).update(delivered=len(new))
        for person in User.objects.filter(
            enterprise_id__in=new, is_active=True, roles__code=Role.ENTERPRISE
        ).distinct():
            notify_user(
                person,
                f"惠企政策：{policy.title}",
                policy.summary[:120],
                link=reverse("outreach:my_policies"),
                now=now,
            )
        symposium.policies.add(policy)
    record("outreach.symposium_policies", actor=acting_user, obj=symposium, after={"policies": sorted(ids)})
    return symposium


@durable_action
def do_mark_held(
    *,
    acting_user: User,
    symposium_id: int,
    held_on: Any,
    version: Any = None,
    now: dt.datetime | None = None,
) -> Symposium:
    """Record that the symposium was held on `held_on` (not after the day of `now`)."""
    held = checks.required_date({"held_on": held_on}, "held_on", "召开日期")
    symposium = access_symposium(acting_user, symposium_id, "manage", for_update=True)
    kit.check_version(symposium, version)
    status = workflow.SYMPOSIUM.check(
        symposium.status, "hold", message="请先确定参会人选", code="not_selected"
    )
    if held > timezone.localdate(now or timezone.now()):
        raise checks.fail("held_on", "held_in_future", "召开日期不能晚于今天")
    symposium.status = status
    symposium.held_on = held
    kit.save_change(symposium, ["status", "held_on"])
    record("outreach.symposium_held", actor=acting_user, obj=symposium, after={"held_on": held})
    return symposium


@durable_action
def do_record_suggestion(
    *,
    acting_user: User,
    symposium_id: int,
    enterprise_id: Any,
    content: str,
    is_major: bool = False,
    now: dt.datetime | None = None,
) -> SymposiumSuggestion:
    """A suggestion made at the symposium; a major problem becomes a case at once (intake)."""

    now = now or timezone.now()
    content = checks.text({"content": content}, "content", "意见建议", max_length=5000)
    symposium = access_symposium(acting_user, symposium_id, "manage", for_update=True)
    if symposium.status == SymposiumStatus.NOMINATING:
        raise InvalidTransition("座谈会人选确定后才能记录建议", code="not_selected")
    eid = checks.optional_int({"enterprise_id": enterprise_id}, "enterprise_id", "企业")
    if eid not in participant_ids(symposium):
        raise checks.fail("enterprise_id", "not_a_participant", "请选择参会企业")
    ticket = None
    if is_major:
        result = do_intake_api(
            acting_user=acting_user,
            channel=Channel.API,
            data=IntakeInput(
                title=f"[企业家座谈会] {content.splitlines()[0]}"[:120],
                content=f"{content}\n\n（{symposium.title}上企业反映的重大问题）",
                type=TicketType.HELP,
                enterprise_id=eid,
            ),
            now=now,
        )
        ticket = result.ticket
    suggestion = SymposiumSuggestion.objects.create(
        symposium=symposium,
        enterprise_id=eid,
        content=content,
        is_major=bool(is_major),
        ticket=ticket,
        recorded_by=acting_user,
        recorded_at=now,
    )
    record(
        "outreach.symposium_suggestion",
        actor=acting_user,
        obj=symposium,
        after={"enterprise": eid, "major": bool(is_major), "ticket": ticket.number if ticket else None},
    )
    return suggestion


def remind_symposium(now: dt.datetime) -> int:
    """R13: a symposium every half year. From the third month of a half year without one arranged,
    营商办 is reminded in-app once a week. Returns the number of people reminded."""
    local = timezone.localtime(now)
    half = 1 if local.month <= 6 else 2
    month_in_half = local.month - (0 if half == 1 else 6)
    if month_in_half < 3 or Symposium.objects.filter(year=local.year, half=half).exists():
        return 0
    week = local.isocalendar()
    label = f"{local.year}年{'上' if half == 1 else '下'}半年"
    people = list(User.objects.filter(is_active=True, roles__code=Role.BIZ_OFFICE).distinct())
    with transaction.atomic():
        for person in people:
            notify_user(
                person,
                f"{label}企业家座谈会尚未安排",
                "企业家座谈会每半年召开一次，请安排主题并征集参会人选。",
                link=reverse("outreach:symposium_create"),
                dedupe_key_prefix=f"symposium-due-{local.year}-{half}-w{week.week}",
                now=now,
            )
    return len(people)
