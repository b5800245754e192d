"""Attachments of a case: the files uploaded with a submission (checked before anything is written,
stored with the case), and files added later to an open case (`do_add_attachments`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core.errors import PermissionDenied
from bangban.core.kit import durable_action

from ..access import DISPATCH_ROLES, UNIT_ROLES, access_ticket
from ..attachments import CheckedFile, check_files, store_attachments
from ..events import add_event
from ..models import Ticket, Visibility
from ..workflow import FINAL_STATUSES
from ._common import field_error


def checked_uploads(attachments: Sequence[Any]) -> list[CheckedFile]:
    """The files uploaded with a submission, checked (type, size, count); none → []."""
    return check_files(list(attachments)) if attachments else []


def may_add_attachments(user: Any, ticket: Ticket) -> bool:
    """The submitter or the enterprise, whoever registered the case, the units working on it and
    the dispatchers — while the case is open."""
    if ticket.status in FINAL_STATUSES:
        return False
    if user.pk in (ticket.submitter_id, ticket.created_by_id) or has_any_role(user, DISPATCH_ROLES):
        return True
    if has_any_role(user, {Role.ENTERPRISE}):
        return bool(user.enterprise_id and user.enterprise_id == ticket.enterprise_id)
    unit_id = getattr(user, "unit_id", None)
    return bool(
        unit_id and has_any_role(user, UNIT_ROLES) and unit_id in (ticket.lead_unit_id, ticket.intake_unit_id)
    )


@durable_action
def do_add_attachments(
    *, acting_user: User, ticket_id: int, attachments: Sequence[Any], now: dt.datetime | None = None
) -> list[Any]:
    """Add files to an open case (at most `BANGBAN_ATTACHMENT_MAX_FILES` per case in all)."""
    now = now or timezone.now()
    if not attachments:
        raise field_error("attachments", "attachment_missing", "请选择要上传的附件")
    ticket = access_ticket(acting_user, ticket_id, for_update=True)
    if not may_add_attachments(acting_user, ticket):
        raise PermissionDenied("只有提交人、本企业、登记人、办理单位或派单员可以为未办结的诉求补充附件")
    files = check_files(list(attachments), already=ticket.attachments.filter(reply__isnull=True).count())
    enterprise_side = has_any_role(acting_user, {Role.ENTERPRISE}) or acting_user.pk == ticket.submitter_id
    stored = store_attachments(
        ticket,
        files,
        uploaded_by=acting_user,
        visibility=Visibility.PUBLIC if enterprise_side else Visibility.INTERNAL,
    )
    add_event(
        ticket,
        "attachments_added",
        actor=acting_user,
        visibility=Visibility.PUBLIC if enterprise_side else Visibility.INTERNAL,
        note="补充附件：" + "、".join(a.original_name for a in stored),
        data={"attachments": [a.pk for a in stored]},
        audit_after={
            "attachments": [{"id": a.pk, "name": a.original_name, "sha256": a.sha256} for a in stored]
        },
        now=now,
    )
    return stored
