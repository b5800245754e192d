"""Who may see and do what in supervision. Scope follows `bangban.accounts.access.scope_of`: the city's
offices see every unit; a county (or zone, township) user sees the units of its region subtree.
Outside one's scope a page or record does not exist (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import CITY_WIDE_ROLES, STAFF_ROLES, Role
from bangban.core.errors import NotFound, PermissionDenied
from bangban.tickets.access import visible_tickets

from .models import (
    AccountabilityRecord,
    AnalysisMeeting,
    CaseAnalysis,
    DisciplineTransfer,
    InactionFinding,
    Ledger,
    Notice,
    NoticeStatus,
    SpecialInspection,
    StarDecision,
    StarNomination,
    StarRound,
    StarRoundStatus,
)

MANAGER_ROLES = frozenset({Role.BIZ_OFFICE, Role.ADMIN})
ACCOUNTABILITY_ROLES = frozenset({Role.BIZ_OFFICE, Role.CONDUCT_OFFICE, Role.ADMIN})
LEDGER_ROLES = frozenset({Role.UNIT_HEAD, Role.HANDLER})
VIEWER_ROLES = STAFF_ROLES - {Role.SERVICE_OFFICER, Role.CHIEF_SERVICE_OFFICER, Role.INSPECTOR}
# 作风之星 (R15.1) is 市作风办's: it opens, closes, decides and publishes a round.
STAR_ROLES = frozenset({Role.CONDUCT_OFFICE, Role.ADMIN})
# Who reads every nomination of a round in progress (besides the nominating unit's own).
STAR_READER_ROLES = STAR_ROLES | {Role.BIZ_OFFICE}
# Who nominates people of their own unit.
NOMINATOR_ROLES = frozenset({Role.UNIT_HEAD})
# 纪委监委: reads the hand-overs addressed to its unit (and the record and cases they name) only.
DISCIPLINE_ROLES = frozenset({Role.DISCIPLINE})


def can_view(user: Any) -> bool:
    return has_any_role(user, VIEWER_ROLES) and not scope_of(user).empty


def require_viewer(user: Any) -> None:
    if not can_view(user):
        raise NotFound()


def can_manage(user: Any) -> bool:
    return has_any_role(user, MANAGER_ROLES)


def require_manager(user: Any) -> None:
    require_viewer(user)
    if not can_manage(user):
        raise PermissionDenied("仅营商办可执行此操作")


def can_record_accountability(user: Any) -> bool:
    return has_any_role(user, ACCOUNTABILITY_ROLES)


def region_path(user: Any) -> str | None:
    """None for the whole city, else the region subtree the user may see."""
    scope = scope_of(user)
    return None if scope.city_wide else scope.region_path


def unit_q(user: Any, field: str = "region__path") -> Q:
    """A filter on units (or rows carrying a unit's region path in `field`) within the user's scope."""
    path = region_path(user)
    return Q() if path is None else Q(**{f"{field}__startswith": path})


def check_region(user: Any, region: Any) -> None:
    """A region asked for explicitly must lie within the user's scope (404 otherwise)."""
    path = region_path(user)
    if path is not None and not str(region.path).startswith(path):
        raise NotFound()


def check_unit(user: Any, unit: Any) -> None:
    check_region(user, unit.region)


def is_unit_member(user: Any, unit_id: int) -> bool:
    return bool(user.unit_id == unit_id and has_any_role(user, LEDGER_ROLES))


def visible_ledgers(user: Any) -> Any:

    qs = Ledger.objects.select_related("unit", "unit__region")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if can_view(user):
        return qs.filter(unit_q(user, "unit__region__path"))
    if user.unit_id and has_any_role(user, LEDGER_ROLES):
        return qs.filter(unit_id=user.unit_id)
    return qs.none()


def access_ledger(user: Any, pk: int | str) -> Any:
    try:
        key = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    ledger = visible_ledgers(user).filter(pk=key).first()
    if ledger is None:
        raise NotFound()
    return ledger


def can_submit_ledger(user: Any, ledger: Any) -> bool:
    return is_unit_member(user, ledger.unit_id) or (
        has_any_role(user, {Role.UNIT_HEAD}) and user.unit_id == ledger.unit_id
    )


def visible_notices(user: Any) -> Any:

    if not can_view(user):
        return Notice.objects.none()
    qs = Notice.objects.all()
    if not can_manage(user):
        qs = qs.filter(status=NoticeStatus.ISSUED)
    return qs


def access_notice(user: Any, pk: int | str) -> Any:
    try:
        key = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    notice = visible_notices(user).filter(pk=key).first()
    if notice is None:
        raise NotFound()
    return notice


def visible_records(user: Any) -> Any:

    if not can_view(user):
        return AccountabilityRecord.objects.none()
    return AccountabilityRecord.objects.select_related("unit").filter(unit_q(user, "unit__region__path"))


def openable_cases(user: Any, qs: Any) -> Any:
    """The cases of `qs` the user may open (`tickets.access.visible_tickets`). A unit-bound reader
    (a county handler, a unit head) sees in case lists, exports and packs only the cases it could
    open; the region's figures stay counts. City-wide readers see every case of `qs`."""

    if getattr(user, "is_superuser", False) or has_any_role(user, CITY_WIDE_ROLES):
        return qs
    return qs.filter(pk__in=visible_tickets(user).values("pk"))


def visible_findings(user: Any) -> Any:
    """不作为/慢作为 findings of the units in the user's scope (none outside the viewers)."""
    if not can_view(user):
        return InactionFinding.objects.none()
    return InactionFinding.objects.select_related("unit", "record").filter(unit_q(user, "unit__region__path"))


def visible_specials(user: Any) -> Any:
    """专项督查 are 营商办's (and the administrator's) alone: other staff 403, others 404."""
    require_manager(user)
    return SpecialInspection.objects.all()


def access_special(user: Any, pk: int | str) -> Any:
    try:
        key = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    inspection = visible_specials(user).filter(pk=key).first()
    if inspection is None:
        raise NotFound()
    return inspection


# --- 作风之星 (R15.1) ---------------------------------------------------------------------------


def can_run_stars(user: Any) -> bool:
    return has_any_role(user, STAR_ROLES)


def can_see_stars(user: Any) -> bool:
    """Every member of staff sees the rounds and the published lists."""
    return has_any_role(user, STAFF_ROLES)


def can_nominate(user: Any) -> bool:
    return can_run_stars(user) or bool(getattr(user, "unit_id", None) and has_any_role(user, NOMINATOR_ROLES))


def visible_rounds(user: Any) -> Any:
    return StarRound.objects.all() if can_see_stars(user) else StarRound.objects.none()


def access_round(user: Any, pk: Any) -> Any:
    try:
        key = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = visible_rounds(user).filter(pk=key).first()
    if found is None:
        raise NotFound()
    return found


def visible_nominations(user: Any, star_round: Any) -> Any:
    """作风办, 营商办 and the administrator read every nomination; a unit its own; once the round is
    published every member of staff reads the people selected."""
    qs = StarNomination.objects.filter(round=star_round).select_related("unit", "person", "record")
    if not can_see_stars(user):
        return qs.none()
    if has_any_role(user, STAR_READER_ROLES):
        return qs
    q = Q(unit_id=user.unit_id) if user.unit_id else Q(pk__in=[])
    if star_round.status == StarRoundStatus.PUBLISHED:
        q |= Q(decision=StarDecision.SELECTED)
    return qs.filter(q)


# --- 移送纪委监委 (R15.2) ------------------------------------------------------------------------


def is_discipline(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.role_codes() & DISCIPLINE_ROLES
        and getattr(user, "unit_id", None)
    )


def can_see_transfers(user: Any) -> bool:
    return can_record_accountability(user) or is_discipline(user)


def visible_transfers(user: Any) -> Any:
    """营商办, 作风办 and the administrator (who hand over) read every hand-over; a 纪委监委 reader
    those addressed to its unit; nobody else any."""
    qs = DisciplineTransfer.objects.select_related(
        "record", "record__unit", "addressee", "transferred_by", "received_by", "outcome_by"
    )
    if can_record_accountability(user):
        return qs
    if is_discipline(user):
        return qs.filter(addressee_id=user.unit_id)
    return qs.none()


def access_transfer(user: Any, pk: Any) -> Any:
    try:
        key = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = visible_transfers(user).filter(pk=key).first()
    if found is None:
        raise NotFound()
    return found


def require_addressee(user: Any, transfer: Any) -> None:
    """Only the 纪委监委 unit a hand-over is addressed to signs for it and records its outcome."""
    if not (is_discipline(user) and transfer.addressee_id == user.unit_id):
        raise PermissionDenied("仅接收移送的纪委监委可以确认接收和反馈处理结果")


ANALYSIS_READER_ROLES = CITY_WIDE_ROLES


def sees_all_analyses(user: Any) -> bool:
    """营商办 and the city's offices (and the auditor) read every unit's 研判."""
    return bool(getattr(user, "is_superuser", False) or has_any_role(user, ANALYSIS_READER_ROLES))


def can_record_analysis(user: Any) -> bool:
    """The staff of a unit record the 研判 of their own unit's cases."""
    return bool(getattr(user, "unit_id", None) and has_any_role(user, LEDGER_ROLES))


def visible_analyses(user: Any) -> Any:
    """Every unit's for 营商办 and the city's offices; the own unit's for its staff; none otherwise."""
    qs = CaseAnalysis.objects.select_related("unit", "created_by")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if sees_all_analyses(user):
        return qs
    if can_record_analysis(user):
        return qs.filter(unit_id=user.unit_id)
    return qs.none()


def access_analysis(user: Any, pk: Any, action: str = "view") -> Any:
    """404 outside the user's scope; 403 when only a reader wants to change it."""
    try:
        key = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    obj = visible_analyses(user).filter(pk=key).first()
    if obj is None:
        raise NotFound()
    if action != "view" and not (can_record_analysis(user) and user.unit_id == obj.unit_id):
        raise PermissionDenied("只有本单位人员可以修改或提交本单位的分析研判", code="analysis_not_own")
    return obj


def can_see_analysis_meetings(user: Any) -> bool:
    return can_view(user) and sees_all_analyses(user)


def visible_analysis_meetings(user: Any) -> Any:
    if not can_see_analysis_meetings(user):
        return AnalysisMeeting.objects.none()
    return AnalysisMeeting.objects.select_related("meeting")
