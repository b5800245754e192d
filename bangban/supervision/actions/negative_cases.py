"""负面典型案例 (R14.2): 营商办 chooses a case into a draft 通报 as a negative example with a short
说明, or takes it out again. The notice's content gets its 「负面典型案例」 section rebuilt from the
chosen cases, the case's unit is named by the notice, and a reviewed notice goes back to draft (like
any edit); an issued notice is immutable."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import Conflict, NotFound, ValidationFailed
from bangban.core.kit import durable_action
from bangban.tickets.public import cases_numbered

from .. import access, workflow
from ..models import Notice, NoticeCase
from ..notices import with_negative_cases


def negative_rows(notice: Notice) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "number": c.ticket.number,
            "title": c.ticket.title,
            "unit_name": c.unit.name if c.unit else "",
            "note": c.note,
        }
        for c in notice.negative_cases.select_related("ticket", "unit").order_by("id")
    ]


def _editable(user: Any, notice_id: Any, version: Any) -> Notice:
    access.require_manager(user)
    access.access_notice(user, notice_id)
    notice = kit.lock(Notice, notice_id)
    kit.check_version(notice, version)
    notice.status = workflow.NOTICE.check(
        notice.status,
        "edit",
        message=f"通报已印发（{notice.doc_number}），不能修改",
        code="notice_already_issued",
    )
    return notice


def _save(notice: Notice) -> None:
    notice.content = with_negative_cases(notice.content or {}, negative_rows(notice))
    notice.reviewed_by, notice.reviewed_at = None, None
    kit.save_change(notice, ["content", "status", "reviewed_by", "reviewed_at"])


@durable_action
def do_add_negative_case(
    user: Any, notice_id: Any, *, case_number: Any, note: Any, version: Any = None, now: dt.datetime
) -> NoticeCase:
    notice = _editable(user, notice_id, version)
    number = str(case_number or "").strip()
    ticket = cases_numbered([number]).select_related("lead_unit").first() if number else None
    if ticket is None:
        raise ValidationFailed(
            f"诉求编号不存在：{number or '（未填写）'}", code="case_not_found",
            details={"fields": {"case_number": "请填写诉求编号"}},
        )  # fmt: skip
    text = str(note or "").strip()
    if not text or len(text) > 300:
        raise ValidationFailed(
            "请写明选入负面典型案例的说明（不超过 300 字）", code="note_invalid",
            details={"fields": {"note": "请填写说明"}},
        )  # fmt: skip
    if notice.negative_cases.filter(ticket=ticket).exists():
        raise Conflict(f"诉求 {ticket.number} 已选入本通报的负面典型案例", code="negative_case_exists")
    case = NoticeCase.objects.create(
        notice=notice, ticket=ticket, unit=ticket.lead_unit, note=text, added_by=user, added_at=now
    )
    if ticket.lead_unit_id:
        notice.units.add(ticket.lead_unit_id)
    _save(notice)
    record(
        "supervision.notice_negative_add", actor=user, obj=notice, object_repr=notice.title,
        after={"case": ticket.number, "unit": ticket.lead_unit_id, "note": text, "status": notice.status},
    )  # fmt: skip
    return case


@durable_action
def do_remove_negative_case(user: Any, notice_id: Any, case_id: Any, *, version: Any = None) -> Notice:
    notice = _editable(user, notice_id, version)
    try:
        case = notice.negative_cases.select_related("ticket").get(pk=int(case_id))
    except (TypeError, ValueError, NoticeCase.DoesNotExist):
        raise NotFound("本通报没有该负面典型案例", code="negative_case_not_found") from None
    before = {"case": case.ticket.number, "note": case.note}
    case.delete()
    _save(notice)
    record(
        "supervision.notice_negative_remove", actor=user, obj=notice, object_repr=notice.title, before=before,
        after={"status": notice.status},
    )  # fmt: skip
    return notice
