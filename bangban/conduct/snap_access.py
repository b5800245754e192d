"""Who sees the 随手拍 / complaint-phone reports, and what of them (R7.3, R0.4).

* 作风办 and administrators handle them; auditors read them. These are
  `tickets.access.COMPLAINANT_READERS`: the only viewers who see the complainant (name, phone,
  enterprise, the verified number, the files' original names).
* Staff of the unit complained about see the reports about their unit (`unit_reports`) —
  category, text, state, finding — never the complainant.
* Everyone (no account) sees the 曝光台: published typical cases, their title and summary only.
* The complainant follows a report with the tracking code under the number confirmed by SMS.
Out of scope → 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.core.errors import NotFound
from bangban.tickets.access import COMPLAINANT_READERS

from .access import is_manager
from .models import ConductComplaint, SnapCategory, SnapSource, SnapStatus

RELATED = ("ticket", "unit", "cited_item", "cited_item__list_version")


def is_snap_reader(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_any_role(user, COMPLAINANT_READERS)


def is_snap_handler(user: Any) -> bool:
    return is_manager(user)


def is_unit_staff(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and getattr(user, "unit_id", None) is not None
        and has_any_role(user, STAFF_ROLES)
        and not has_any_role(user, {Role.ENTERPRISE})
    )


def visible_complaints(user: Any) -> QuerySet[ConductComplaint]:
    if not is_snap_reader(user):
        return ConductComplaint.objects.none()
    return ConductComplaint.objects.select_related(*RELATED)


def unit_reports(user: Any) -> QuerySet[ConductComplaint]:
    """The reports about the user's own unit, once 作风办 named it (complainant never shown)."""
    if not is_unit_staff(user):
        return ConductComplaint.objects.none()
    return ConductComplaint.objects.select_related(*RELATED).filter(unit_id=user.unit_id)


def access_complaint(user: Any, complaint_id: Any) -> ConductComplaint:
    try:
        pk = int(complaint_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = visible_complaints(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


FILTERS = ("status", "category", "source", "published", "q")


def filter_complaints(qs: QuerySet[ConductComplaint], params: dict[str, Any]) -> QuerySet[ConductComplaint]:
    """The queue's filters; unknown values are ignored (the page shows the choices)."""
    status = str(params.get("status") or "")
    if status in SnapStatus.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.filter(status__in=[SnapStatus.PENDING, SnapStatus.VERIFYING, SnapStatus.INVESTIGATING])
    category = str(params.get("category") or "")
    if category in SnapCategory.values:
        qs = qs.filter(category=category)
    source = str(params.get("source") or "")
    if source in SnapSource.values:
        qs = qs.filter(source=source)
    if str(params.get("published") or "") == "1":
        qs = qs.filter(published=True)
    q = str(params.get("q") or "").strip()[:60]
    if q:
        qs = qs.filter(
            Q(ticket__number__icontains=q)
            | Q(ticket__title__icontains=q)
            | Q(ticket__content__icontains=q)
            | Q(unit__name__icontains=q)
        )
    return qs


def published_cases() -> QuerySet[ConductComplaint]:
    """The 曝光台: founded, published cases, newest first."""
    return (
        ConductComplaint.objects.select_related("unit")
        .filter(published=True, status=SnapStatus.FOUNDED)
        .order_by("-published_at", "-pk")
    )


def track(number: str, phone: str) -> ConductComplaint | None:
    """The report with that tracking code filed under `phone` (a verified number): the same None
    for "no such code" and "not your number"."""
    number = (number or "").strip().upper()[:24]
    if not number or not phone:
        return None
    return (
        ConductComplaint.objects.select_related("ticket")
        .filter(ticket__number=number, ticket__contact_phone=phone)
        .first()
    )
