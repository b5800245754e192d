"""A plan from its making to its published results: the lead unit makes it (units, items, ratios
per credit tier, team size, period), draws it (again, with a new seed, until it is announced),
announces the draw, and publishes the results its teams record."""

from __future__ import annotations

import datetime as dt
import gc
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

try:
    import psycopg
except ImportError:  # pragma: no cover - SQLite-only installations
    psycopg = None  # type: ignore[assignment]

from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from bangban.core.inputs import parse_date
from bangban.core.kit import durable_action
from bangban.enterprises.models import Industry
from bangban.org.models import Region, Unit
from bangban.tickets.bulk import EncodedJSON, insert_rows

from .. import draw, workflow
from ..access import access_plan, is_manager, require_planner
from ..models import DrawSnapshot, Duty, Plan, PlanStatus, PlanUnit, Publication, Result, Visit
from ..queries import build_pool, linked_enterprises, linked_targets, ratios_of
from ._common import number_id, percent, required, text

MIN_TEAM, MAX_TEAM = 2, 10
MAX_UNITS = 20


@dataclass
class PlanInput:
    title: str = ""
    lead_unit_id: Any = None
    items: str = ""  # the lead unit's 检查事项
    joining: list[dict[str, Any]] = field(default_factory=list)  # [{unit_id, items}], items "" = shared
    region: str = ""  # region code (optional)
    industry: str = ""
    ratios: dict[str, Any] = field(default_factory=dict)  # tier → percent
    team_size: Any = 2
    starts_on: Any = None
    ends_on: Any = None


def _lead_unit(user: User, data: PlanInput) -> Unit:
    if not is_manager(user):
        if user.unit is None:
            raise PermissionDenied("该账号未关联单位，不能制定抽查计划")
        return user.unit
    pk = number_id(data.lead_unit_id)
    if pk is None:
        raise ValidationFailed("请选择牵头单位", code="lead_unit_required", details={"field": "lead_unit"})
    unit = Unit.objects.filter(pk=pk, is_active=True).first()
    if unit is None:
        raise ValidationFailed(
            "所选单位不存在或已停用", code="unit_not_found", details={"field": "lead_unit"}
        )
    return unit


def _joining(data: PlanInput, lead: Unit, items: str) -> list[tuple[Unit, str]]:
    rows: list[tuple[Unit, str]] = []
    seen = {lead.pk}
    for row in data.joining[: MAX_UNITS + 1]:
        pk = number_id(row.get("unit_id"))
        if pk is None:
            continue
        unit = Unit.objects.filter(pk=pk, is_active=True).first()
        if unit is None:
            raise ValidationFailed(
                "参加单位不存在或已停用", code="unit_not_found", details={"field": "units"}
            )
        if unit.pk in seen:
            raise ValidationFailed(
                f"“{unit.name}”重复填写（牵头单位不必再列为参加单位）", code="duplicate_unit",
                details={"field": "units"},
            )  # fmt: skip
        seen.add(unit.pk)
        rows.append((unit, text(row.get("items"), 1000) or items))
    if not rows:
        raise ValidationFailed(
            "联合抽查须至少有一个参加部门（与牵头单位合并检查）",
            code="units_required",
            details={"field": "units"},
        )
    if len(rows) > MAX_UNITS:
        raise ValidationFailed(
            f"参加单位不能超过 {MAX_UNITS} 个", code="too_many_units", details={"field": "units"}
        )
    return rows


def _scope(data: PlanInput) -> tuple[Region | None, str]:
    region = None
    code = text(data.region)
    if code:
        region = Region.objects.filter(code=code, is_active=True).first()
        if region is None:
            raise ValidationFailed("抽查区域不存在", code="region_not_found", details={"field": "region"})
    industry = text(data.industry).upper()
    if industry and industry not in Industry.values:
        raise ValidationFailed("行业门类无效", code="invalid_industry", details={"field": "industry"})
    return region, industry


def _team_size(value: Any) -> int:
    try:
        size = int(text(value))
    except ValueError:
        raise ValidationFailed(
            "每组执法人员数应为整数", code="invalid_team_size", details={"field": "team_size"}
        ) from None
    if size < MIN_TEAM:
        raise ValidationFailed(
            "每个检查组至少 2 名执法人员（行政执法须两人以上）", code="team_size_too_small",
            details={"field": "team_size"},
        )  # fmt: skip
    if size > MAX_TEAM:
        raise ValidationFailed(
            f"每组执法人员不能超过 {MAX_TEAM} 名", code="invalid_team_size", details={"field": "team_size"}
        )
    return size


def _period(data: PlanInput, today: dt.date) -> tuple[dt.date, dt.date]:
    starts = parse_date(data.starts_on, "starts_on", "检查开始日期")
    if abs(starts.year - today.year) > 1:
        raise ValidationFailed(
            "检查开始日期应在今年、去年或明年", code="starts_on_out_of_range", details={"field": "starts_on"}
        )
    ends = parse_date(data.ends_on, "ends_on", "检查截止日期")
    if ends < starts:
        raise ValidationFailed(
            "检查截止日期不能早于开始日期", code="period_reversed", details={"field": "ends_on"}
        )
    if (ends - starts).days > 366:
        raise ValidationFailed("检查期限不能超过一年", code="period_too_long", details={"field": "ends_on"})
    return starts, ends


def _next_number(year: int) -> str:
    prefix = f"SSJ-{year}-"
    last = (
        Plan.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


@durable_action
def do_create_plan(*, acting_user: User, data: PlanInput, now: dt.datetime) -> Plan:
    """A unit head (for his or her unit) or a manager (naming the lead unit) makes a plan in 草拟."""
    require_planner(acting_user)
    title = required(data.title, "title", "计划名称", 120)
    items = required(data.items, "items", "检查事项", 1000)
    lead = _lead_unit(acting_user, data)
    joining = _joining(data, lead, items)
    region, industry = _scope(data)
    ratios = {
        t: percent(data.ratios.get(t), f"ratio_{t.lower()}", f"{t} 级抽查比例") for t in draw.TIER_ORDER
    }
    if not any(ratios.values()):
        raise ValidationFailed(
            "各信用等级的抽查比例不能全为 0", code="ratios_all_zero", details={"field": "ratio_b"}
        )
    team_size = _team_size(data.team_size)
    starts, ends = _period(data, timezone.localdate(now))
    plan = Plan.objects.create(
        number=_next_number(starts.year),
        title=title,
        lead_unit=lead,
        region=region,
        industry=industry,
        ratio_a=ratios["A"],
        ratio_b=ratios["B"],
        ratio_c=ratios["C"],
        ratio_d=ratios["D"],
        team_size=team_size,
        starts_on=starts,
        ends_on=ends,
        created_by=acting_user,
        created_at=now,
    )
    PlanUnit.objects.bulk_create(
        [
            PlanUnit(plan=plan, unit=lead, items=items),
            *(PlanUnit(plan=plan, unit=u, items=i) for u, i in joining),
        ]
    )
    after = snapshot(plan)
    after["units"] = [lead.pk, *(u.pk for u, _ in joining)]
    record("inspections.plan_create", actor=acting_user, obj=plan, after=after)
    return plan


def _check_drawer(user: User, pool: draw.Pool) -> None:
    """The person who runs a draw may not be linked to an enterprise it draws from: he or she could
    re-run it until that enterprise is (or is not) drawn."""
    hits = linked_targets(pool, linked_enterprises(user))
    if hits:
        raise Conflict(
            f"您与本次抽查范围内的 {len(hits)} 家企业存在关联，应当回避，请由本单位其他负责人或营商办抽取",
            code="drawer_recused",
        )


def _check_pool(plan: Plan, pool: draw.Pool) -> None:
    if not any(pool.targets.values()):
        raise ValidationFailed("抽查范围内没有企业，请调整区域或行业", code="no_targets")
    names = dict(Unit.objects.filter(pk__in=list(pool.inspectors)).values_list("pk", "name"))
    for unit, ids in pool.inspectors.items():
        if len(ids) < plan.team_size:
            raise ValidationFailed(
                f"“{names.get(unit, unit)}”登记执法资格的执法人员只有 {len(ids)} 名，不足每组 {plan.team_size} 名",
                code="not_enough_inspectors",
                details={"unit_id": unit},
            )


def _team_texts(visits: list[draw.DrawnVisit]) -> list[str]:
    """Each visit's team as the JSON kept in its row — `[[unit, inspector], …]` by unit, then
    inspector — built directly (a unit's places in one join): far cheaper than `json.dumps` of
    a quarter of a million pairs."""
    heads: dict[int, tuple[str, str]] = {}
    texts = []
    for visit in visits:
        parts = []
        for unit, ids in visit.teams:
            head, sep = heads.get(unit) or heads.setdefault(unit, (f"[{unit},", f"],[{unit},"))
            parts.append(head + sep.join(map(str, ids)) + "]")
        texts.append("[" + ",".join(parts) + "]")
    return texts


def _duties(visits: list[draw.DrawnVisit], visit_ids: list[int]) -> list[tuple[int, int, list[int]]]:
    """(inspector, unit, visit ids ascending) per drawn inspector, by inspector id."""
    duties: dict[int, tuple[int, list[int]]] = {}
    for visit, visit_id in zip(visits, visit_ids, strict=True):
        for unit, ids in visit.teams:
            for inspector in ids:
                found = duties.get(inspector)
                if found is None:
                    duties[inspector] = (unit, [visit_id])
                else:
                    found[1].append(visit_id)
    return [(inspector, unit, ids) for inspector, (unit, ids) in sorted(duties.items())]


VISIT_COLUMNS = (
    "plan_id",
    "task_number",
    "enterprise_id",
    "tier",
    "result",
    "note",
    "state",
    "team",
    "version",
)


def _write_visits(plan: Plan, outcome: draw.Outcome) -> int:
    """The visits, each with its team in the row, and one duty row per drawn inspector (the visits
    he or she joins) — no model instances. On PostgreSQL the rows are streamed with COPY, the
    visits' ids taken from their sequence first; elsewhere set-based INSERTs (the visits' ids
    returned by the insert itself). Task numbers follow the visits' order (ascending enterprise)."""
    visits = outcome.visits
    if not visits:
        return 0
    teams = _team_texts(visits)
    numbers = [f"{plan.number}-{i:05d}" for i in range(1, len(visits) + 1)]
    if connection.vendor == "postgresql":
        _copy_visits(plan, visits, numbers, teams)
        return len(visits)
    rows = [
        (
            plan.pk,
            number,
            v.enterprise_id,
            v.tier,
            Result.PENDING,
            "",
            Publication.PENDING,
            EncodedJSON(team),
            1,
        )
        for v, number, team in zip(visits, numbers, teams, strict=True)
    ]
    ids = dict(insert_rows(Visit, VISIT_COLUMNS, rows, returning=("task_number", "id")))
    duties = _duties(visits, [ids[number] for number in numbers])
    insert_rows(
        Duty,
        ("plan_id", "inspector_id", "unit_id", "visit_ids"),
        [(plan.pk, inspector, unit, visit_ids) for inspector, unit, visit_ids in duties],
    )
    return len(rows)


def _copy_visits(plan: Plan, visits: list[draw.DrawnVisit], numbers: list[str], teams: list[str]) -> None:
    """PostgreSQL: the visits' ids from their sequence (one array, ascending with the task numbers),
    then the visits and the duties each with one COPY in text format. No value needs escaping:
    numbers, the plan's generated number, fixed codes and JSON of integers."""
    qn = connection.ops.quote_name
    visit_table, duty_table = Visit._meta.db_table, Duty._meta.db_table
    pending, state = str(Result.PENDING), str(Publication.PENDING)
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as raw:
        raw.execute(
            "SELECT ARRAY(SELECT nextval(s.seq) FROM (SELECT pg_get_serial_sequence(%s::text, 'id')::regclass AS seq) s,"
            " generate_series(1, %s::integer) ORDER BY 1)",
            [visit_table, len(visits)],
            binary=True,
        )
        row = raw.fetchone()
        ids: list[int] = list(row[0]) if row else []
        plan_id = plan.pk
        text = "".join(
            [
                f"{pk}\t{plan_id}\t{number}\t{v.enterprise_id}\t{v.tier}\t{pending}\t\t{state}\t{team}\t1\n"
                for pk, number, v, team in zip(ids, numbers, visits, teams, strict=True)
            ]
        )
        columns = ", ".join(qn(c) for c in ("id", *VISIT_COLUMNS))
        with raw.copy(f"COPY {qn(visit_table)} ({columns}) FROM STDIN") as copy:
            copy.write(text)
        text = "".join(
            [
                f"{plan_id}\t{inspector}\t{unit}\t[{','.join(map(str, visit_ids))}]\n"
                for inspector, unit, visit_ids in _duties(visits, ids)
            ]
        )
        columns = ", ".join(qn(c) for c in ("plan_id", "inspector_id", "unit_id", "visit_ids"))
        with raw.copy(f"COPY {qn(duty_table)} ({columns}) FROM STDIN") as copy:
            copy.write(text)


def _write_snapshot(plan: Plan, data: bytes) -> None:
    """The draw's snapshot, inserted or replaced in one statement (the ORM's update_or_create would
    first read the previous megabyte back). On PostgreSQL the bytes are sent as a binary parameter
    instead of being quoted into the statement."""
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(DrawSnapshot._meta.db_table)} (plan_id, data) VALUES (%s, %s)"
        " ON CONFLICT (plan_id) DO UPDATE SET data = excluded.data"
    )
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as raw:
            raw.execute(sql.replace("VALUES (%s, %s)", "VALUES (%s, %b)"), [plan.pk, data])
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan.pk, data])


def _clear_visits(plan: Plan) -> int:
    """A draw replaced before 公示: its duties, then its visits — two DELETE statements (the ORM's
    delete would first load every visit to look for what refers to it; nothing does). Returns how
    many visits the replaced draw had."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Duty._meta.db_table} WHERE plan_id = %s", [plan.pk])
        cursor.execute(f"DELETE FROM {Visit._meta.db_table} WHERE plan_id = %s", [plan.pk])
        return max(cursor.rowcount, 0)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a draw builds and writes its rows. The draw
    makes hundreds of thousands of short-lived objects (ids, teams, rows), each allocation counting
    towards a collection, and every full collection walks every object the process holds — on a
    draw of 500,000 enterprises a third of a second of collections finding nothing. Memory is still
    freed as usual (reference counting); the collector resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@durable_action
def do_draw_plan(
    *, acting_user: User, plan_id: Any, version: Any = None, now: dt.datetime, seed: str | None = None
) -> Plan:
    """Draw the plan's visits with a new random seed (recorded), or draw it again before the draw is
    announced (the old visits are replaced; the audit names both seeds). After 公示 → 409 draw_published."""
    # The draw's objects die when `_draw_plan` returns, still under the pause: none of them is left
    # for the collector to walk once it resumes.
    with _collector_paused():
        return _draw_plan(acting_user, plan_id, version, now, seed)


def _draw_plan(acting_user: User, plan_id: Any, version: Any, now: dt.datetime, seed: str | None) -> Plan:
    access_plan(acting_user, plan_id, "manage")
    plan = kit.lock(Plan, plan_id)
    kit.check_version(plan, version)
    moved = workflow.PLAN.check(
        plan.status, "draw", message="抽取结果已公示，不能重新抽取或更换随机种子", code="draw_published"
    )
    pool = build_pool(plan)
    _check_drawer(acting_user, pool)
    _check_pool(plan, pool)
    new_seed = seed or secrets.token_hex(16)
    try:
        outcome = draw.run(pool, ratios_of(plan), plan.team_size, new_seed)
    except draw.TeamUnavailable as exc:
        unit = Unit.objects.filter(pk=exc.unit_id).values_list("name", flat=True).first()
        raise ValidationFailed(
            f"“{unit}”的执法人员回避后不足以组成检查组（企业ID {exc.enterprise_id}），请增加执法人员",
            code="team_unavailable",
            details={"unit_id": exc.unit_id, "enterprise_id": exc.enterprise_id},
        ) from None
    replaced = _clear_visits(plan)
    before = {"seed": plan.seed, "visits": replaced, "digest": plan.snapshot_digest} if plan.seed else None
    data, digest = draw.encode(pool)
    _write_snapshot(plan, data)
    count = _write_visits(plan, outcome)
    plan.status = moved
    plan.seed = new_seed
    plan.snapshot_digest = digest
    plan.target_count = sum(len(ids) for ids in pool.targets.values())
    plan.inspector_count = sum(len(ids) for ids in pool.inspectors.values())
    plan.recused_count = outcome.recusals
    plan.drawn_by = acting_user
    plan.drawn_at = now
    fields = ["status", "seed", "snapshot_digest", "target_count", "inspector_count", "recused_count"]
    kit.save_change(plan, [*fields, "drawn_by", "drawn_at"])
    after = {"seed": new_seed, "visits": count, "digest": digest, "recusals": outcome.recusals}
    record(
        "inspections.plan_redraw" if before else "inspections.plan_draw",
        actor=acting_user,
        obj=plan,
        before=before,
        after=after,
    )
    return plan


@durable_action
def do_announce_draw(*, acting_user: User, plan_id: Any, version: Any = None, now: dt.datetime) -> Plan:
    """公示: the draw, its seed and the snapshot's digest become public, and the draw is frozen."""
    access_plan(acting_user, plan_id, "manage")
    plan = kit.lock(Plan, plan_id)
    kit.check_version(plan, version)
    moved = workflow.PLAN.check(plan.status, "announce", message="计划尚未抽取或已公示", code="not_drawn")
    plan.status = moved
    plan.announced_at = now
    kit.save_change(plan, ["status", "announced_at"])
    record(
        "inspections.plan_announce",
        actor=acting_user,
        obj=plan,
        before={"status": PlanStatus.DRAWN},
        after={"status": moved, "seed": plan.seed, "digest": plan.snapshot_digest},
    )
    return plan


@durable_action
def do_publish_results(*, acting_user: User, plan_id: Any, version: Any = None, now: dt.datetime) -> int:
    """Publish every recorded, not yet public result of the plan; when no visit is left, the plan
    is closed (已公开检查结果). Returns how many were published."""
    access_plan(acting_user, plan_id, "manage")
    plan = kit.lock(Plan, plan_id)
    kit.check_version(plan, version)
    if plan.status != PlanStatus.ANNOUNCED:
        raise InvalidTransition("抽取结果公示后才能公开检查结果", code="draw_not_announced")
    workflow.VISIT.check(Publication.RECORDED, "publish")
    ready = plan.visits.filter(state=Publication.RECORDED)
    numbers = list(ready.order_by("task_number").values_list("task_number", flat=True))
    if not numbers:
        raise Conflict("没有已录入、待公开的检查结果", code="nothing_to_publish")
    ready.update(state=Publication.PUBLISHED, published_at=now, version=F("version") + 1)
    fields = []
    if not plan.visits.exclude(state=Publication.PUBLISHED).exists():
        plan.status = workflow.PLAN.check(plan.status, "close")
        fields.append("status")
    kit.save_change(plan, fields)
    record(
        "inspections.results_publish",
        actor=acting_user,
        obj=plan,
        after={"count": len(numbers), "tasks": numbers[:200], "status": plan.status},
    )
    return len(numbers)
