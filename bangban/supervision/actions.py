"""Every change of supervision: one transaction, the changed row locked, permission and validation
checks, an audit record, notifications. Pages and the API both call these."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bangban.audit.actions import record
from bangban.core.errors import InvalidTransition, NotFound, ValidationFailed
from bangban.workdays.arithmetic import SHANGHAI

from . import access, definitions, figures, idsets, officedoc, sources
from .models import (
    AccountabilityKind,
    AccountabilityRecord,
    AccountabilityStatus,
    DashboardMonth,
    FrozenCaseSet,
    Ledger,
    LedgerStatus,
    Notice,
    NoticeCounter,
    NoticeKind,
    NoticeStatus,
    Ranking,
    RankingRow,
    RankingStatus,
    SupervisionSettings,
)

ACTION_LABELS = {
    "supervision.settings_update": "修改督查排名设置",
    "supervision.ranking_compute": "计算月度排名",
    "supervision.ranking_freeze": "冻结月度排名",
    "supervision.notice_create": "起草通报",
    "supervision.notice_review": "审核通报",
    "supervision.notice_edit": "修改通报草稿",
    "supervision.notice_issue": "印发通报",
    "supervision.ledgers_generate": "生成月度台账",
    "supervision.ledger_save": "保存台账说明",
    "supervision.ledger_submit": "报送月度台账",
    "supervision.ledger_remind": "催报月度台账",
    "supervision.accountability_create": "登记奖惩问责",
    "supervision.accountability_decide": "决定奖惩问责",
    "supervision.accountability_propose": "规则提议约谈",
}

FROZEN_MESSAGE = "该月排名已冻结为快照，不能重新计算或修改"


def current_settings() -> SupervisionSettings:
    obj, _ = SupervisionSettings.objects.get_or_create(pk=1)
    return obj


def validate_weights(response: Any, resolution: Any, satisfaction: Any) -> tuple[int, int, int]:
    try:
        values = (int(response), int(resolution), int(satisfaction))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("权重必须是整数", code="weights_invalid") from exc
    if any(v < 0 or v > 100 for v in values):
        raise ValidationFailed("每项权重应在 0–100 之间", code="weights_invalid")
    if sum(values) != 100:
        raise ValidationFailed(
            f"响应率、解决率、满意率三项权重之和必须为 100（当前为 {sum(values)}）",
            code="weights_sum_invalid",
            details={"sum": sum(values)},
        )
    return values


def _positive(value: Any, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(f"{name}必须是整数", code="settings_invalid") from exc
    if not low <= number <= high:
        raise ValidationFailed(f"{name}应在 {low}–{high} 之间", code="settings_invalid")
    return number


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "on", "yes"):
        return True
    if text in ("", "0", "false", "off", "no", "none"):
        return False
    raise ValidationFailed(f"{name}应为是或否", code="settings_invalid")


def do_update_settings(user: Any, **values: Any) -> SupervisionSettings:
    access.require_manager(user)
    with transaction.atomic():
        obj = current_settings()
        obj = SupervisionSettings.objects.select_for_update().get(pk=obj.pk)
        before = _settings_dict(obj)
        w = validate_weights(
            values.get("weight_response", obj.weight_response),
            values.get("weight_resolution", obj.weight_resolution),
            values.get("weight_satisfaction", obj.weight_satisfaction),
        )
        obj.weight_response, obj.weight_resolution, obj.weight_satisfaction = w
        obj.min_cases = _positive(values.get("min_cases", obj.min_cases), "最少诉求数", 0, 100000)
        obj.response_hours = _positive(values.get("response_hours", obj.response_hours), "签收时限", 1, 720)
        obj.ledger_due_day = _positive(values.get("ledger_due_day", obj.ledger_due_day), "台账截止日", 1, 28)
        obj.bottom_places = _positive(values.get("bottom_places", obj.bottom_places), "末位名次数", 0, 50)
        obj.bottom_months = _positive(values.get("bottom_months", obj.bottom_months), "连续末位月数", 1, 12)
        obj.ledger_all_units = _flag(values.get("ledger_all_units", obj.ledger_all_units), "无新增单位台账")
        obj.version += 1
        obj.save()
        # Previews kept with the dashboard summaries were computed under the old rules; stored
        # rankings keep theirs (a frozen month never changes, a draft changes when recomputed).
        DashboardMonth.objects.exclude(figures={}).update(figures={})
        record(
            "supervision.settings_update",
            actor=user,
            obj=obj,
            object_repr="督查排名设置",
            before=before,
            after=_settings_dict(obj),
        )
    return obj


def _settings_dict(obj: SupervisionSettings) -> dict[str, Any]:
    return {
        "weights": [obj.weight_response, obj.weight_resolution, obj.weight_satisfaction],
        "min_cases": obj.min_cases,
        "response_hours": obj.response_hours,
        "ledger_due_day": obj.ledger_due_day,
        "bottom_places": obj.bottom_places,
        "bottom_months": obj.bottom_months,
        "ledger_all_units": obj.ledger_all_units,
    }


# --- rankings ---------------------------------------------------------------------------------


def compute_rows(
    year: int,
    month: int,
    weights: tuple[int, int, int],
    min_cases: int,
    response_hours: int,
    bottom_places: int,
    scope: str = definitions.DEFAULT_SCOPE,
) -> tuple[list[dict[str, Any]], dict[str, bool]]:
    """The month's rows (dicts) in `scope` computed from the data now, ranked; nothing is stored."""
    from bangban.org.models import Unit

    data, available = figures.unit_figures(year, month, response_hours, scope)
    units = {
        u.pk: u
        for u in Unit.objects.filter(pk__in=list(data)).select_related("region").only("name", "region__path")
    }
    rows = []
    for unit_id, d in data.items():
        unit = units.get(unit_id)
        if unit is None:
            continue
        row = {
            "unit_id": unit_id,
            "unit_name": unit.name,
            "region_path": unit.region.path,
            "scope": scope,
            **d,
        }
        row["score"] = figures.composite_score(d, weights)
        rows.append(row)
    figures.assign_ranks(rows, min_cases, bottom_places)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, -r["total"], r["unit_name"]))
    return rows, available


def all_scope_rows(
    year: int,
    month: int,
    weights: tuple[int, int, int],
    min_cases: int,
    response_hours: int,
    bottom_places: int,
) -> tuple[list[dict[str, Any]], dict[str, bool]]:
    """The rows of every scope (`definitions.SCOPES`), as stored with a ranking."""
    rows: list[dict[str, Any]] = []
    available: dict[str, bool] = {}
    for key in definitions.SCOPES:
        scoped, found = compute_rows(year, month, weights, min_cases, response_hours, bottom_places, key)
        rows += scoped
        if key == definitions.DEFAULT_SCOPE:
            available = found
    return rows, available


def row_dicts(
    ranking: Ranking, user: Any = None, scope: str = definitions.DEFAULT_SCOPE
) -> list[dict[str, Any]]:
    qs = ranking.rows.filter(scope=scope)
    if user is not None:
        qs = qs.filter(access.unit_q(user, "region_path"))
    fields = ["unit_id", "unit_name", "region_path", *figures.COUNT_FIELDS, *figures.RATE_FIELDS]
    return [
        {
            **{f: getattr(r, f) for f in fields},
            "scope": r.scope,
            "score": r.score,
            "rank": r.rank,
            "is_bottom": r.is_bottom,
        }
        for r in qs.order_by("rank", "-total", "unit_name")
    ]


def ranking_view(user: Any, year: int, month: int, scope: Any = None) -> dict[str, Any]:
    """A month's ranking as pages, the API and exports show it, within the reader's scope: the
    stored ranking (draft or frozen) with the rules it was computed with, or — when none is
    stored — a preview computed now under the current settings. `rules` is the text of
    `definitions.rule_lines` for exactly those rules."""
    figures.month_bounds(year, month)
    scope = figures.check_scope(scope)
    ranking = Ranking.objects.filter(year=year, month=month).first()
    if ranking is not None:
        weights = (ranking.weight_response, ranking.weight_resolution, ranking.weight_satisfaction)
        min_cases, hours, bottom = ranking.min_cases, ranking.response_hours, ranking.bottom_places
        rows, available, status = row_dicts(ranking, user, scope), dict(ranking.sources), ranking.status
    else:
        # The preview kept with the month's dashboard summary (rebuilt every ten minutes while the
        # month still changes), or — for a month without one — computed now.
        summary = DashboardMonth.objects.filter(year=year, month=month, computed_at__isnull=False).first()
        cached = summary.figures if summary is not None else {}
        if cached.get("scopes", {}).get(scope) is not None and summary is not None:
            office = cached.get("office") or {}
            rules = cached["rules"]
            weights = tuple(rules["weights"])  # type: ignore[assignment]
            min_cases, hours, bottom = rules["min_cases"], rules["response_hours"], rules["bottom_places"]
            rows, available, as_of = (
                list(cached["scopes"][scope]),
                dict(cached["sources"]),
                summary.computed_at,
            )
        else:
            cfg = current_settings()
            weights = (cfg.weight_response, cfg.weight_resolution, cfg.weight_satisfaction)
            min_cases, hours, bottom = cfg.min_cases, cfg.response_hours, cfg.bottom_places
            rows, available = compute_rows(year, month, weights, min_cases, hours, bottom, scope)
            as_of = timezone.now()
            office = sources.dispatch_figures(year, month, as_of).data
        path = access.region_path(user)
        if path is not None:
            rows = [r for r in rows if r["region_path"].startswith(path)]
        status = "preview"
    if ranking is not None:
        as_of = ranking.frozen_at or ranking.computed_at
        office = ranking.office_figures
    return {
        "office": office,
        "office_rule": f"{definitions.DISPATCH_ON_TIME.label}：{definitions.DISPATCH_ON_TIME.rule}。",
        "as_of": as_of,
        "year": year,
        "month": month,
        "ranking": ranking,
        "status": status,
        "scope": scope,
        "scope_label": definitions.scope(scope).label,
        "weights": list(weights),
        "min_cases": min_cases,
        "response_hours": hours,
        "bottom_places": bottom,
        "formula": definitions.score_formula(weights),
        "rules": definitions.rule_lines(
            scope_key=scope, weights=weights, min_cases=min_cases, response_hours=hours, bottom_places=bottom
        ),
        "sources": available,
        "rows": rows,
    }


def _check_month(year: int, month: int) -> tuple[int, int]:
    figures.month_bounds(year, month)
    return int(year), int(month)


def do_compute_ranking(
    user: Any, year: int, month: int, *, weights: tuple[Any, Any, Any] | None = None, min_cases: Any = None
) -> Ranking:
    """Compute (or recompute) the month's draft ranking; a frozen ranking is refused."""
    access.require_manager(user)
    year, month = _check_month(year, month)
    cfg = current_settings()
    w = validate_weights(*weights) if weights is not None else (
        cfg.weight_response, cfg.weight_resolution, cfg.weight_satisfaction,
    )  # fmt: skip
    minimum = cfg.min_cases if min_cases in (None, "") else _positive(min_cases, "最少诉求数", 0, 100000)
    with transaction.atomic():
        ranking = Ranking.objects.select_for_update().filter(year=year, month=month).first()
        if ranking is not None and ranking.status == RankingStatus.FROZEN:
            raise InvalidTransition(FROZEN_MESSAGE, code="ranking_frozen")
        rows, available = all_scope_rows(year, month, w, minimum, cfg.response_hours, cfg.bottom_places)
        now = timezone.now()
        before = None
        if ranking is None:
            ranking = Ranking(year=year, month=month)
        else:
            before = {
                "weights": [ranking.weight_response, ranking.weight_resolution, ranking.weight_satisfaction]
            }
            ranking.version += 1
        ranking.weight_response, ranking.weight_resolution, ranking.weight_satisfaction = w
        ranking.min_cases = minimum
        ranking.response_hours = cfg.response_hours
        ranking.bottom_places = cfg.bottom_places
        ranking.sources = available
        ranking.office_figures = sources.dispatch_figures(year, month, now).data
        ranking.computed_at = now
        ranking.save()
        _store_rows(ranking, rows)
        record(
            "supervision.ranking_compute",
            actor=user,
            obj=ranking,
            object_repr=str(ranking),
            before=before,
            after={
                "weights": list(w),
                "min_cases": minimum,
                "bottom_places": cfg.bottom_places,
                "units": len([r for r in rows if r["scope"] == definitions.DEFAULT_SCOPE]),
            },
        )
    return ranking


def _store_rows(ranking: Ranking, rows: list[dict[str, Any]]) -> None:
    ranking.rows.all().delete()
    fields = ["unit_id", "unit_name", "region_path", *figures.COUNT_FIELDS, *figures.RATE_FIELDS]
    RankingRow.objects.bulk_create(
        [
            RankingRow(
                ranking=ranking,
                scope=r["scope"],
                score=r["score"],
                rank=r["rank"],
                is_bottom=r["is_bottom"],
                **{f: r[f] for f in fields},
            )
            for r in rows
        ],
        batch_size=500,
    )


def freeze_case_sets(ranking: Ranking) -> int:
    """Store, for every unit of the ranking and every drill-down figure, the ids of the cases it
    counted (compressed); returns the number of case ids stored. Called inside the freeze."""
    ranking.case_sets.all().delete()
    counted = 0
    for scope in definitions.SCOPES:
        sets = figures.drill_sets(ranking.year, ranking.month, ranking.response_hours, scope)
        units = set(ranking.rows.filter(scope=scope).values_list("unit_id", flat=True))
        FrozenCaseSet.objects.bulk_create(
            [
                FrozenCaseSet(
                    ranking=ranking,
                    scope=scope,
                    unit_id=unit_id,
                    figure=key,
                    count=len(ids),
                    ids=idsets.encode(ids),
                )
                for (unit_id, key), ids in sorted(sets.items())
                if unit_id in units and ids
            ],
            batch_size=500,
        )
        if scope == definitions.DEFAULT_SCOPE:
            counted = sum(len(ids) for (u, key), ids in sets.items() if key == "total" and u in units)
    return counted


def frozen_case_ids(
    ranking: Ranking, unit_id: int | None, figure: str, scope: str = definitions.DEFAULT_SCOPE
) -> list[int] | None:
    """The case ids behind a figure of a frozen ranking, or None when the ranking has no frozen
    case lists (a draft, or frozen before they were kept): read the current data then."""
    if ranking.status != RankingStatus.FROZEN or not ranking.cases_frozen:
        return None
    if figure not in figures.DRILLS:
        raise ValidationFailed("未知的指标", code="figure_invalid")
    sets = ranking.case_sets.filter(scope=scope, figure=figure)
    if unit_id is None:  # every unit's
        return sorted(i for data in sets.values_list("ids", flat=True) for i in idsets.decode(data))
    data = sets.filter(unit_id=unit_id).values_list("ids", flat=True).first()
    return idsets.decode(data) if data is not None else []


def drill_queryset(
    year: int, month: int, unit_id: int, figure: str, scope: str = definitions.DEFAULT_SCOPE
) -> tuple[Any, bool]:
    """(the cases behind a unit's figure, whether they come from the frozen snapshot)."""
    from bangban.tickets.models import Ticket

    if figure not in figures.DRILLS:
        raise ValidationFailed("未知的指标", code="figure_invalid")
    ranking = Ranking.objects.filter(year=year, month=month).first()
    ids = frozen_case_ids(ranking, unit_id, figure, scope) if ranking is not None else None
    if ids is not None:
        qs = Ticket.objects.filter(pk__in=ids).select_related("lead_unit").order_by("received_at", "id")
        return qs, True
    hours = ranking.response_hours if ranking is not None else current_settings().response_hours
    return figures.drill_cases(year, month, unit_id, figure, hours, scope), False


def do_freeze_ranking(user: Any, year: int, month: int, *, now: dt.datetime | None = None) -> Ranking:
    """Freeze a closed month's ranking as an immutable snapshot (computed first if needed), then
    apply the bottom-place rule (自动提议约谈)."""
    access.require_manager(user)
    year, month = _check_month(year, month)
    now = now or timezone.now()
    _, end = figures.month_bounds(year, month)
    if now < end:
        raise ValidationFailed("该月尚未结束，不能冻结排名", code="month_not_closed")
    existing = Ranking.objects.filter(year=year, month=month).first()
    if existing is not None and existing.status == RankingStatus.FROZEN:
        raise InvalidTransition(FROZEN_MESSAGE, code="ranking_frozen")
    with transaction.atomic():
        if existing is None:
            do_compute_ranking(user, year, month)
        ranking = Ranking.objects.select_for_update().get(year=year, month=month)
        if ranking.status == RankingStatus.FROZEN:
            raise InvalidTransition(FROZEN_MESSAGE, code="ranking_frozen")
        # The figures and the cases behind them are taken at the same moment: the draft's rows
        # are recomputed with its own weights and minimum, then every figure's cases are kept.
        weights = (ranking.weight_response, ranking.weight_resolution, ranking.weight_satisfaction)
        rows, available = all_scope_rows(
            year, month, weights, ranking.min_cases, ranking.response_hours, ranking.bottom_places
        )
        _store_rows(ranking, rows)
        cases = freeze_case_sets(ranking)
        ranking.sources = available
        ranking.office_figures = sources.dispatch_figures(year, month, now).data
        ranking.computed_at = now
        ranking.status = RankingStatus.FROZEN
        ranking.frozen_at = now
        ranking.frozen_by = user
        ranking.cases_frozen = True
        ranking.version += 1
        ranking.save(
            update_fields=[
                "status", "frozen_at", "frozen_by", "cases_frozen", "sources", "office_figures", "computed_at",
                "version",
            ]
        )  # fmt: skip
        record(
            "supervision.ranking_freeze",
            actor=user,
            obj=ranking,
            object_repr=str(ranking),
            before={"status": RankingStatus.DRAFT},
            after={
                "status": RankingStatus.FROZEN,
                "units": len([r for r in rows if r["scope"] == definitions.DEFAULT_SCOPE]),
                "cases": cases,
            },
        )
        propose_bottom_interviews(ranking, actor=user)
    return ranking


def propose_bottom_interviews(ranking: Ranking, *, actor: Any = None) -> list[AccountabilityRecord]:
    """Units at the bottom of `bottom_months` consecutive frozen rankings ending with this one get a
    proposed 约谈 (once per unit and month)."""
    cfg = current_settings()
    months = [(ranking.year, ranking.month)]
    for _ in range(cfg.bottom_months - 1):
        months.append(figures.previous_month(*months[-1]))
    bottom_sets = []
    for y, m in months:
        snap = Ranking.objects.filter(year=y, month=m, status=RankingStatus.FROZEN).first()
        if snap is None:
            return []
        bottom_sets.append(
            set(
                snap.rows.filter(scope=definitions.DEFAULT_SCOPE, is_bottom=True).values_list(
                    "unit_id", flat=True
                )
            )
        )
    units = set.intersection(*bottom_sets) if bottom_sets else set()
    created = []
    for unit_id in sorted(units):
        exists = AccountabilityRecord.objects.filter(
            kind=AccountabilityKind.INTERVIEW,
            unit_id=unit_id,
            year=ranking.year,
            month=ranking.month,
            automatic=True,
        ).exists()
        if exists:
            continue
        row = ranking.rows.get(scope=definitions.DEFAULT_SCOPE, unit_id=unit_id)
        label = "、".join(f"{y}年{m}月" for y, m in reversed(months))
        rec = AccountabilityRecord.objects.create(
            kind=AccountabilityKind.INTERVIEW,
            unit_id=unit_id,
            year=ranking.year,
            month=ranking.month,
            reason=f"{row.unit_name}在{label}的月度排名中连续{len(months)}个月位列末位，按规则提议约谈。",
            figures={"score": row.score, "rank": row.rank, "months": [list(x) for x in months]},
            automatic=True,
            created_by=None,
            created_at=timezone.now(),
        )
        record(
            "supervision.accountability_propose",
            actor=actor,
            obj=rec,
            object_repr=str(rec),
            after={"unit": unit_id, "months": [list(x) for x in months]},
        )
        created.append(rec)
    return created


# --- notices (通报) ----------------------------------------------------------------------------


def frozen_ranking(year: int, month: int, scope: str = definitions.DEFAULT_SCOPE) -> Ranking:
    """The month's frozen ranking, which every 通报 and the analysis pack of that month take their
    figures from; refused while the ranking is a draft or missing, and for a ranking frozen before
    it kept the figures of `scope`."""
    ranking = Ranking.objects.filter(year=year, month=month, status=RankingStatus.FROZEN).first()
    if ranking is None:
        raise InvalidTransition(
            f"{year}年{month}月的排名尚未冻结：请先冻结排名，通报的数字以冻结的排名为准",
            code="ranking_not_frozen",
        )
    if ranking.rows.exists() and not ranking.rows.filter(scope=scope).exists():
        raise InvalidTransition(
            f"{year}年{month}月的排名冻结时未保存「{definitions.scope(scope).label}」口径的数字，不能据此起草",
            code="ranking_scope_missing",
        )
    return ranking


NOTICE_SCOPES = {NoticeKind.HOTLINE: "hotline"}


def do_create_notice(user: Any, kind: str, year: int, month: int) -> Notice:
    from .notices import build_content, notice_title

    access.require_manager(user)
    if kind not in NoticeKind.values:
        raise ValidationFailed("通报类型无效", code="notice_kind_invalid")
    year, month = _check_month(year, month)
    scope = NOTICE_SCOPES.get(NoticeKind(kind), definitions.DEFAULT_SCOPE)
    ranking = frozen_ranking(year, month, scope)
    content = build_content(
        kind, year, month, row_dicts(ranking, scope=scope), definitions.ranking_rules(ranking, scope)
    )
    unit_ids = content.pop("units", [])
    with transaction.atomic():
        notice = Notice.objects.create(
            kind=kind,
            year=year,
            month=month,
            title=notice_title(kind, year, month),
            content=content,
            created_by=user,
            created_at=timezone.now(),
        )
        if unit_ids:
            notice.units.set(unit_ids)
        record(
            "supervision.notice_create",
            actor=user,
            obj=notice,
            object_repr=notice.title,
            after={"kind": kind, "year": year, "month": month, "units": unit_ids},
        )
    return notice


def _locked_notice(notice_id: int) -> Notice:
    notice = Notice.objects.select_for_update().filter(pk=notice_id).first()
    if notice is None:
        raise NotFound()
    return notice


def do_review_notice(user: Any, notice_id: int) -> Notice:
    access.require_manager(user)
    with transaction.atomic():
        notice = _locked_notice(notice_id)
        if notice.status != NoticeStatus.DRAFT:
            raise InvalidTransition(
                f"通报当前为“{notice.get_status_display()}”，不能审核", code="notice_not_draft"
            )
        notice.status = NoticeStatus.REVIEWED
        notice.reviewed_by, notice.reviewed_at = user, timezone.now()
        notice.version += 1
        notice.save()
        record(
            "supervision.notice_review",
            actor=user,
            obj=notice,
            object_repr=notice.title,
            before={"status": NoticeStatus.DRAFT},
            after={"status": NoticeStatus.REVIEWED},
        )
    return notice


def do_edit_notice(
    user: Any, notice_id: int, *, title: str | None = None, requirements: str | None = None
) -> Notice:
    """Edit a draft or reviewed notice's title and its closing 工作要求 text; an edited reviewed
    notice goes back to draft. An issued notice is immutable."""
    access.require_manager(user)
    with transaction.atomic():
        notice = _locked_notice(notice_id)
        if notice.status == NoticeStatus.ISSUED:
            raise InvalidTransition(
                f"通报已印发（{notice.doc_number}），不能修改", code="notice_already_issued"
            )
        before = {"title": notice.title, "status": notice.status}
        if title is not None:
            title = title.strip()
            if not title or len(title) > 120:
                raise ValidationFailed(
                    "标题不能为空且不超过 120 字",
                    code="title_invalid",
                    details={"fields": {"title": "请填写标题"}},
                )
            notice.title = title
        if requirements is not None:
            text = requirements.strip()
            if len(text) > 2000:
                raise ValidationFailed("工作要求不能超过 2000 字", code="requirements_invalid")
            sections = list((notice.content or {}).get("sections", []))
            if sections and text:
                sections[-1] = {**sections[-1], "paragraphs": [p for p in text.splitlines() if p.strip()]}
                notice.content = {**notice.content, "sections": sections}
        notice.status = NoticeStatus.DRAFT
        notice.reviewed_by, notice.reviewed_at = None, None
        notice.version += 1
        notice.save()
        record(
            "supervision.notice_edit",
            actor=user,
            obj=notice,
            object_repr=notice.title,
            before=before,
            after={"title": notice.title, "status": notice.status},
        )
    return notice


def render_notice(notice: Notice, *, number: str | None = None, date: dt.date | None = None) -> bytes:
    cfg = current_settings()
    content = notice.content or {}
    return officedoc.build_document(
        authority=cfg.authority_name,
        number=number
        or notice.doc_number
        or f"{cfg.doc_prefix}〔{(date or timezone.localdate()).year}〕　号",
        title=notice.title,
        salutation=content.get("salutation", ""),
        sections=content.get("sections", []),
        signed_by=cfg.authority_name,
        date=date or notice.issue_date or timezone.localdate(),
        copy_to="市委办公室，市人大常委会办公室，市政府办公室，市政协办公室，市纪委监委",
    )


def do_issue_notice(user: Any, notice_id: int, *, now: dt.datetime | None = None) -> Notice:
    """Give the reviewed notice its 发文字号, render and archive the .docx (SHA-256 recorded)."""
    access.require_manager(user)
    now = now or timezone.now()
    with transaction.atomic():
        notice = _locked_notice(notice_id)
        if notice.status == NoticeStatus.ISSUED:
            raise InvalidTransition(
                f"通报已于 {timezone.localtime(notice.issued_at):%Y-%m-%d} 印发（{notice.doc_number}），"
                "不能重复印发或修改",
                code="notice_already_issued",
            )
        if notice.status != NoticeStatus.REVIEWED:
            raise InvalidTransition("通报须先审核，才能印发", code="notice_not_reviewed")
        cfg = current_settings()
        day = now.astimezone(SHANGHAI).date()
        counter, _ = NoticeCounter.objects.get_or_create(year=day.year)
        counter = NoticeCounter.objects.select_for_update().get(pk=counter.pk)
        counter.last += 1
        counter.save()
        notice.doc_year, notice.doc_seq = day.year, counter.last
        notice.doc_number = officedoc.doc_number(cfg.doc_prefix, day.year, counter.last)
        notice.issue_date = day
        data = render_notice(notice, number=notice.doc_number, date=day)
        notice.sha256 = hashlib.sha256(data).hexdigest()
        notice.file.save(f"{notice.doc_number}.docx", ContentFile(data), save=False)
        notice.status = NoticeStatus.ISSUED
        notice.issued_by, notice.issued_at = user, now
        notice.version += 1
        notice.save()
        _notify_named_units(notice, now)
        record(
            "supervision.notice_issue",
            actor=user,
            obj=notice,
            object_repr=notice.title,
            before={"status": NoticeStatus.REVIEWED},
            after={"status": NoticeStatus.ISSUED, "doc_number": notice.doc_number, "sha256": notice.sha256},
        )
    return notice


def _notify_named_units(notice: Notice, now: dt.datetime) -> None:
    """The heads of the units a notice names are told (in-app) once it is issued."""
    from bangban.accounts.models import User
    from bangban.accounts.roles import Role
    from bangban.notifications.actions import notify_users

    unit_ids = list(notice.units.values_list("pk", flat=True))
    if not unit_ids:
        return
    heads = User.objects.filter(unit_id__in=unit_ids, is_active=True, roles__code=Role.UNIT_HEAD).distinct()
    notify_users(
        list(heads),
        f"{notice.doc_number} 点名通报了本单位",
        f"《{notice.title}》已印发，请按通报要求整改，并在下月台账中报送整改情况。",
        link=f"/supervision/notices/{notice.pk}/",
        now=now,
    )


# --- monthly ledgers (R11.1) -------------------------------------------------------------------


def ledger_due_date(year: int, month: int) -> dt.date:
    """The ledgers of (year, month) are due on the configured day of the following month."""
    ny, nm = figures.next_month(year, month)
    return dt.date(ny, nm, current_settings().ledger_due_day)


# Unit types that answer for cases and so keep monthly ledgers (service sites do not).
LEDGER_UNIT_TYPES = (
    "city_department",
    "county_government",
    "county_department",
    "zone_committee",
    "township",
)


def ledger_units(year: int, month: int, all_units: bool = False) -> tuple[list[int], set[int]]:
    """(units that get the month's ledger, those with activity). Active: every unit that led a
    case of the month, or had meeting tasks or supervision orders; with `all_units`, every active
    responsible unit gets one too (a 「本月无新增」 ledger that it still submits)."""
    from bangban.org.models import Unit

    active = set(active_ledger_units(year, month))
    ids = set(active)
    if all_units:
        ids |= set(
            Unit.objects.filter(is_active=True, type__in=LEDGER_UNIT_TYPES).values_list("pk", flat=True)
        )
    return sorted(ids), active


def active_ledger_units(year: int, month: int) -> list[int]:
    from . import sources

    ids = set(
        figures.month_cases(year, month)
        .filter(lead_unit__isnull=False)
        .values_list("lead_unit", flat=True)
        .distinct()
        .order_by()
    )
    ids |= {int(k) for k in sources.escalation_figures(year, month).data}
    ids |= set(
        Notice.objects.filter(status=NoticeStatus.ISSUED, year=year, month=month).values_list(
            "units", flat=True
        )
    ) - {None}
    ids |= set(AccountabilityRecord.objects.filter(year=year, month=month).values_list("unit_id", flat=True))
    return sorted(ids)


def do_generate_ledgers(user: Any, year: int, month: int, *, now: dt.datetime | None = None) -> list[Ledger]:
    """Create the month's pending ledgers of every responsible unit (existing ones are kept)."""
    if user is not None:
        access.require_manager(user)
    year, month = _check_month(year, month)
    now = now or timezone.now()
    due = ledger_due_date(year, month)
    created = []
    units, active = ledger_units(year, month, current_settings().ledger_all_units)
    with transaction.atomic():
        existing = set(Ledger.objects.filter(year=year, month=month).values_list("unit_id", flat=True))
        for unit_id in units:
            if unit_id in existing:
                continue
            created.append(
                Ledger.objects.create(
                    unit_id=unit_id,
                    year=year,
                    month=month,
                    due_date=due,
                    created_at=now,
                    no_activity=unit_id not in active,
                )
            )
        if created:
            record(
                "supervision.ledgers_generate",
                actor=user,
                object_type="supervision.ledger",
                object_id=f"{year}-{month:02d}",
                object_repr=f"{year}年{month}月台账",
                after={
                    "created": len(created),
                    "no_activity": sum(1 for x in created if x.no_activity),
                    "due_date": due,
                },
            )
    return created


NOTE_KEYS = ("cases", "meetings", "notices")


def _clean_notes(notes: dict[str, Any]) -> dict[str, str]:
    cleaned = {}
    for key in NOTE_KEYS:
        text = str(notes.get(key) or "").strip()
        if len(text) > 2000:
            raise ValidationFailed(
                "说明不能超过 2000 字", code="note_too_long", details={"fields": {key: "过长"}}
            )
        cleaned[key] = text
    return cleaned


def _locked_ledger(user: Any, ledger_id: int) -> Ledger:
    ledger = access.access_ledger(user, ledger_id)
    ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
    if not access.can_submit_ledger(user, ledger):
        from bangban.core.errors import PermissionDenied

        raise PermissionDenied("只有本单位承办人或负责人可以填写和报送台账")
    if ledger.status == LedgerStatus.SUBMITTED:
        raise InvalidTransition("台账已报送，不能再修改", code="ledger_already_submitted")
    return ledger


def do_save_ledger_notes(user: Any, ledger_id: int, notes: dict[str, Any]) -> Ledger:
    with transaction.atomic():
        ledger = _locked_ledger(user, ledger_id)
        before = dict(ledger.notes)
        ledger.notes = _clean_notes(notes)
        ledger.version += 1
        ledger.save(update_fields=["notes", "version"])
        record(
            "supervision.ledger_save",
            actor=user,
            obj=ledger,
            object_repr=str(ledger),
            before=before,
            after=ledger.notes,
        )
    return ledger


def do_submit_ledger(
    user: Any, ledger_id: int, notes: dict[str, Any] | None = None, *, now: dt.datetime | None = None
) -> Ledger:
    from .ledgers import ledger_content

    now = now or timezone.now()
    with transaction.atomic():
        ledger = _locked_ledger(user, ledger_id)
        if notes is not None:
            ledger.notes = _clean_notes(notes)
        ledger.content = ledger_content(ledger)
        ledger.status = LedgerStatus.SUBMITTED
        ledger.submitted_at, ledger.submitted_by = now, user
        ledger.late = now.astimezone(SHANGHAI).date() > ledger.due_date
        ledger.version += 1
        ledger.save()
        record(
            "supervision.ledger_submit",
            actor=user,
            obj=ledger,
            object_repr=str(ledger),
            before={"status": LedgerStatus.PENDING},
            after={"status": LedgerStatus.SUBMITTED, "late": ledger.late, "due_date": ledger.due_date},
        )
    return ledger


def remind_ledgers(now: dt.datetime | None = None, *, days_before: int = 3) -> int:
    """Remind the heads (or handlers) of units whose ledger is pending and due within `days_before`
    days or already late: at most once a day per ledger."""
    from bangban.accounts.models import User
    from bangban.accounts.roles import Role
    from bangban.notifications.actions import notify_user

    now = now or timezone.now()
    today = now.astimezone(SHANGHAI).date()
    horizon = today + dt.timedelta(days=days_before)
    sent = 0
    pending = Ledger.objects.filter(status=LedgerStatus.PENDING, due_date__lte=horizon).select_related("unit")
    for ledger in pending:
        if ledger.reminded_at and ledger.reminded_at.astimezone(SHANGHAI).date() == today:
            continue
        with transaction.atomic():
            locked = Ledger.objects.select_for_update().get(pk=ledger.pk)
            late = today > locked.due_date
            subject = f"{'【逾期】' if late else ''}请报送{locked.year}年{locked.month}月台账"
            body = (
                f"{locked.unit.name}的{locked.year}年{locked.month}月收集办理、会办交办、督查通报台账"
                f"应于 {locked.due_date:%Y-%m-%d} 前报送市营商办，"
                + ("现已逾期，请尽快报送。" if late else "请按时报送。")
            )
            recipients = User.objects.filter(
                unit_id=locked.unit_id, is_active=True, roles__code=Role.UNIT_HEAD
            )
            if not recipients.exists():
                recipients = User.objects.filter(
                    unit_id=locked.unit_id, is_active=True, roles__code=Role.HANDLER
                )
            for person in recipients.distinct():
                notify_user(
                    person,
                    subject,
                    body,
                    link=f"/supervision/ledgers/{locked.pk}/",
                    dedupe_key_prefix=f"ledger-{locked.pk}-{today:%Y%m%d}",
                    now=now,
                )
                sent += 1
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
            record(
                "supervision.ledger_remind",
                actor=None,
                obj=locked,
                object_repr=str(locked),
                after={"late": late, "recipients": recipients.count()},
                source="task",
            )
    return sent


# --- accountability (R15) ----------------------------------------------------------------------


def do_create_record(
    user: Any,
    *,
    kind: str,
    unit_id: Any,
    year: Any,
    month: Any,
    reason: str,
    person_name: str = "",
    ticket_numbers: list[str] | None = None,
    figures_data: dict[str, Any] | None = None,
) -> AccountabilityRecord:
    from bangban.org.models import Unit
    from bangban.tickets.models import Ticket

    access.require_viewer(user)
    if not access.can_record_accountability(user):
        from bangban.core.errors import PermissionDenied

        raise PermissionDenied("仅营商办、作风办可以登记奖惩问责")
    errors: dict[str, str] = {}
    if kind not in AccountabilityKind.values:
        errors["kind"] = "请选择类型"
    unit = (
        Unit.objects.select_related("region").filter(pk=unit_id).first()
        if str(unit_id or "").isdigit()
        else None
    )
    if unit is None:
        errors["unit"] = "请选择单位"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写事由"
    try:
        year, month = _check_month(int(year), int(month))
    except (TypeError, ValueError, ValidationFailed):
        errors["month"] = "年月无效"
    numbers = [n.strip() for n in (ticket_numbers or []) if n and n.strip()]
    found = list(Ticket.objects.filter(number__in=numbers)) if numbers else []
    missing = sorted(set(numbers) - {t.number for t in found})
    if missing:
        errors["tickets"] = f"诉求编号不存在：{'、'.join(missing)}"
    if errors:
        raise ValidationFailed(
            next(iter(errors.values())), code="accountability_invalid", details={"fields": errors}
        )
    assert unit is not None
    access.check_unit(user, unit)
    with transaction.atomic():
        rec = AccountabilityRecord.objects.create(
            kind=kind,
            unit=unit,
            person_name=(person_name or "").strip()[:50],
            year=year,
            month=month,
            reason=reason[:2000],
            figures=figures_data or {},
            created_by=user,
            created_at=timezone.now(),
        )
        if found:
            rec.tickets.set(found)
        record(
            "supervision.accountability_create",
            actor=user,
            obj=rec,
            object_repr=str(rec),
            after={"kind": kind, "unit": unit.pk, "tickets": [t.number for t in found]},
        )
    return rec


def do_decide_record(user: Any, record_id: int, status: str) -> AccountabilityRecord:
    if not access.can_record_accountability(user):
        from bangban.core.errors import PermissionDenied

        raise PermissionDenied("仅营商办、作风办可以决定奖惩问责")
    if status not in (
        AccountabilityStatus.CONFIRMED,
        AccountabilityStatus.DONE,
        AccountabilityStatus.DROPPED,
    ):
        raise ValidationFailed("状态无效", code="status_invalid")
    with transaction.atomic():
        rec = access.visible_records(user).select_for_update(of=("self",)).filter(pk=record_id).first()
        if rec is None:
            raise NotFound()
        if rec.status in (AccountabilityStatus.DONE, AccountabilityStatus.DROPPED):
            raise InvalidTransition("该记录已办结或撤销", code="record_closed")
        before = rec.status
        rec.status = status
        rec.decided_by, rec.decided_at = user, timezone.now()
        rec.version += 1
        rec.save()
        record(
            "supervision.accountability_decide",
            actor=user,
            obj=rec,
            object_repr=str(rec),
            before={"status": before},
            after={"status": status},
        )
    return rec


def scoped_tickets_q(user: Any) -> Q:
    return access.unit_q(user, "lead_unit__region__path")
