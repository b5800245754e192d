"""Reminders before a period ends (R3.2 monthly contact, R4.2 quarterly visit): to the officers
behind, and to the lead units of the areas where officers are behind.

The scheduler claims (job, period) once across all instances, so each reminder goes out once per
month or quarter; the outbox dedupe key makes a re-run of the same period send nothing twice.
"Before the end" counts working days (`bangban.workdays`), not calendar days."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.access import scope_of
from bangban.accounts.models import User
from bangban.notifications.actions import notify_user
from bangban.org.models import Region, RegionLevel, Unit, UnitType
from bangban.workdays.service import workdays_between

from . import queries
from .access import is_overseer
from .models import LeadReminder, LeadReminderKind
from .rules import Quarter, month_span

MONTH_REMINDER_WORKDAYS = 3
QUARTER_REMINDER_WORKDAYS = 10


def month_period(now: dt.datetime) -> str | None:
    """The month's key once it has at most MONTH_REMINDER_WORKDAYS working days left."""
    today = timezone.localdate(now)
    _, end = month_span(today.year, today.month)
    if workdays_between(today, end) > MONTH_REMINDER_WORKDAYS:
        return None
    return f"{today:%Y-%m}"


def quarter_period(now: dt.datetime) -> str | None:
    today = timezone.localdate(now)
    quarter = Quarter.of(today)
    if workdays_between(today, quarter.end) > QUARTER_REMINDER_WORKDAYS:
        return None
    return quarter.code


def remind_officers(now: dt.datetime | None = None, *, visits: bool = False) -> int:
    """Remind every officer with an enterprise not yet contacted this month (or, with `visits`,
    not yet visited this quarter). Returns how many officers were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    quarter = Quarter.of(today)
    period = queries.period_for(quarter, today)
    gaps = queries.officers_with_gaps(period)
    key = f"network.remind.{'visit:' + quarter.code if visits else 'contact:' + f'{today:%Y-%m}'}"
    link = reverse("network:mine")
    sent = 0
    for officer in User.objects.filter(pk__in=list(gaps), is_active=True):
        missing_contacts, missing_visits = gaps[officer.pk]
        count = missing_visits if visits else missing_contacts
        if not count:
            continue
        if visits:
            subject = f"提醒：本季度还有 {count} 家挂钩企业未上门走访"
            body = f"{quarter.label}即将结束，您挂钩的企业中还有 {count} 家本季度未上门走访，请尽快安排走访并登记。"
        else:
            subject = f"提醒：本月还有 {count} 家挂钩企业未联系"
            body = f"{today.month}月即将结束，您挂钩的企业中还有 {count} 家本月未联系，请尽快联系并登记。"
        notify_user(
            officer, subject, body, link=link, channels=("inapp", "sms"), dedupe_key_prefix=key, now=now
        )
        sent += 1
    return sent


# --- the lead units see the gaps (R3.2, R4.2) ------------------------------------------------------

CITY_LEAD_UNIT_CODE = "city-miit"  # 市工业和信息化局 leads R3 and R4 for the city
LEAD_UNIT_SUFFIX = "-miit"  # a county's or zone's 工信局 ("shuyang-miit")
LEAD_UNIT_NAME = "工业和信息化"
NAMES_LISTED = 10


def lead_unit_for(region: Region) -> Unit | None:
    """The unit that leads the service network in an area: 市工信局 for the city; for a county or
    zone its own 工信局 (a unit of that region whose code ends in `-miit` or whose name says
    工业和信息化), else the county government or the zone's management committee."""
    units = Unit.objects.filter(region=region, is_active=True).exclude(type=UnitType.SERVICE_SITE)
    if region.level == RegionLevel.CITY:
        return (
            units.filter(code=CITY_LEAD_UNIT_CODE).first()
            or units.filter(type=UnitType.CITY_DEPARTMENT, name__contains=LEAD_UNIT_NAME)
            .order_by("pk")
            .first()
        )
    return (
        units.filter(code__endswith=LEAD_UNIT_SUFFIX).order_by("pk").first()
        or units.filter(name__contains=LEAD_UNIT_NAME).order_by("pk").first()
        or units.filter(type__in=[UnitType.COUNTY_GOVERNMENT, UnitType.ZONE_COMMITTEE]).order_by("pk").first()
    )


def lead_recipients(unit: Unit, region: Region) -> list[User]:
    """Who in the lead unit is reminded: its active accounts that oversee the network (the
    oversight roles of `access.py`) and whose scope covers the area — the people who can open the
    matrix the reminder links to."""
    people = (
        User.objects.filter(unit=unit, is_active=True).select_related("unit", "unit__region").order_by("pk")
    )
    chosen = []
    for person in people:
        if not is_overseer(person):
            continue
        scope = scope_of(person)
        if scope.city_wide or (scope.region_path is not None and region.path.startswith(scope.region_path)):
            chosen.append(person)
    return chosen


def _lead_message(
    *,
    region: Region,
    officers: list[User],
    gaps: dict[int, tuple[int, int]],
    visits: bool,
    quarter: Quarter,
    today: dt.date,
) -> tuple[str, str]:
    area = "全市" if region.level == RegionLevel.CITY else region.name
    count = len(officers)
    listed = "、".join(
        f"{o.display_name}（{gaps[o.pk][1] if visits else gaps[o.pk][0]} 家）"
        for o in officers[:NAMES_LISTED]
    )
    more = f"等 {count} 人" if count > NAMES_LISTED else ""
    if visits:
        subject = f"提醒：{area}有 {count} 名帮办专员本季度尚有挂钩企业未上门走访"
        body = (
            f"{quarter.label}即将结束，{area}以下帮办专员仍有挂钩企业本季度未上门走访：{listed}{more}。"
            "请督促其尽快走访并登记。"
        )
    else:
        subject = f"提醒：{area}有 {count} 名帮办专员本月尚有挂钩企业未联系"
        body = (
            f"{today.month}月即将结束，{area}以下帮办专员仍有挂钩企业本月未联系：{listed}{more}。"
            "请督促其尽快联系并登记。"
        )
    return subject, body


def matrix_link(quarter: Quarter, region: Region) -> str:
    """The compliance matrix filtered to the officers behind (in a county or zone)."""
    params = {"quarter": quarter.code, "view": "officer", "behind": "1"}
    if region.level != RegionLevel.CITY:
        params["region"] = region.code
    return f"{reverse('network:compliance')}?{urlencode(params)}"


def remind_lead_units(now: dt.datetime | None = None, *, visits: bool = False) -> int:
    """Tell each lead unit which officers in its area are behind this month (contacts) or this
    quarter (visits): 市工信局 for the whole city, each county's or zone's lead unit for its own.
    A `LeadReminder` row (unique per unit, kind and period) is claimed first, in the same
    transaction as the messages, so a second run or a second worker sends nothing. Returns how
    many units were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    quarter = Quarter.of(today)
    kind = LeadReminderKind.VISIT if visits else LeadReminderKind.CONTACT
    period_code = quarter.code if visits else f"{today:%Y-%m}"
    areas = queries.gaps_by_area(queries.period_for(quarter, today))
    city = Region.objects.filter(level=RegionLevel.CITY, parent__isnull=True).order_by("pk").first()
    wanted: dict[int, dict[int, tuple[int, int]]] = {}
    for region_id, gaps in areas.items():
        lagging = {o: g for o, g in gaps.items() if (g[1] if visits else g[0])}
        if lagging:
            wanted[region_id] = lagging
    if city is not None and wanted:
        citywide: dict[int, tuple[int, int]] = {}
        for region_id, gaps in wanted.items():
            if region_id == city.pk:
                continue
            for officer_id, (c, v) in gaps.items():
                before = citywide.get(officer_id, (0, 0))
                citywide[officer_id] = (before[0] + c, before[1] + v)
        for officer_id, (c, v) in wanted.get(city.pk, {}).items():
            before = citywide.get(officer_id, (0, 0))
            citywide[officer_id] = (before[0] + c, before[1] + v)
        wanted[city.pk] = citywide
    regions = Region.objects.in_bulk(list(wanted))
    officer_ids = {o for gaps in wanted.values() for o in gaps}
    officers = User.objects.filter(pk__in=officer_ids, is_active=True).in_bulk()
    reminded = 0
    for region_id, gaps in sorted(wanted.items(), key=lambda item: regions[item[0]].path):
        region = regions[region_id]
        behind = sorted(
            (officers[o] for o in gaps if o in officers),
            key=lambda o: (-(gaps[o.pk][1] if visits else gaps[o.pk][0]), o.display_name),
        )
        unit = lead_unit_for(region)
        if not behind or unit is None:
            continue
        recipients = lead_recipients(unit, region)
        if not recipients:
            continue
        subject, body = _lead_message(
            region=region, officers=behind, gaps=gaps, visits=visits, quarter=quarter, today=today
        )
        link = matrix_link(quarter, region)
        try:
            with transaction.atomic():
                LeadReminder.objects.create(
                    unit=unit,
                    region=region,
                    kind=kind,
                    period=period_code,
                    officers_behind=len(behind),
                    recipients=len(recipients),
                )
                for person in recipients:
                    notify_user(
                        person,
                        subject,
                        body,
                        link=link,
                        channels=("inapp", "sms"),
                        dedupe_key_prefix=f"network.lead.{kind}:{period_code}:{unit.pk}",
                        now=now,
                    )
        except IntegrityError:
            continue  # another worker (or an earlier run) has reminded this unit for the period
        reminded += 1
    return reminded
