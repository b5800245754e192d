"""Answers given outside the reply review: 即知即办 (a case answered and closed at intake, on the
hotline or at the window) and one answer approved for several cases (类案统一答复). Both write an
approved reply with its 办理结果, so the 12345 follow-up (回访) and the ratings read it like any
other reply (see `actions.py`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bangban.accounts.models import User
from bangban.core.errors import NotFound, ValidationFailed
from bangban.core.kit import durable_action

from . import dispatch_clock, notifications
from .access import check_action
from .lifecycle import MAX_CONTENT, _Change, _lock, _now, _text
from .models import ContactMethod, Reply, ReplyResult, ReviewStatus, Ticket, Visibility
from .workflow import Action, check_transition


def _result(value: Any) -> str:
    """The 办理结果 of an answer given outside the reply review; empty means 已解决."""
    result = str(value or "").strip() or ReplyResult.RESOLVED
    if result not in ReplyResult.values:
        raise ValidationFailed(
            "办理结果无效，应为已解决、部分解决或解释说明",
            code="result_invalid",
            details={"field": "result"},
        )
    return result


@dataclass(frozen=True)
class SharedAnswer:
    """Passed as `do_shared_reply(answer=...)` by the flow that had one answer drafted and approved
    for several cases of the same problem: `flow` names it (`"hotspot_task"`), `ref` is its
    record's id, `source` how messages name it (「类案督办“…”」), `drafted_by` / `drafted_at` who
    wrote the answer and when (the reply's drafter; the acting user approved it)."""

    flow: str
    ref: int
    source: str
    drafted_by: Any = None
    drafted_at: dt.datetime | None = None
    result: str = ""  # 办理结果 (`ReplyResult`) the flow recorded with the answer; empty: 已解决


@durable_action
def do_shared_reply(
    *,
    acting_user: User,
    ticket_id: Any,
    content: str,
    answer: SharedAnswer,
    now: dt.datetime | None = None,
) -> Ticket:
    """One answer approved for several cases (类案统一答复, `Action.SHARED_REPLY`): the case, 办理中,
    becomes 已答复待回访 with `content` as its approved reply — the enterprise sees it on its case
    and is told, exactly as after 审核通过答复 — and is then followed up (回访) and rated on its own.

    The answer was drafted and approved in the flow `answer` names (a hotspot's 类案督办: the
    responsible unit drafts it, the unit's head approves it), which decides who may give it: the
    case's own lead-unit roles are not asked, since the answer may come from another unit. A case
    in any other status is refused with `invalid_transition` (only 办理中 takes a reply, as for
    提交答复); the caller reports it."""
    now = _now(now)
    try:
        ticket = Ticket.objects.select_for_update().get(pk=int(ticket_id))
    except (Ticket.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    target = check_transition(ticket.status, Action.SHARED_REPLY)
    content = _text(content, code="content_required", message="请填写答复内容", max_length=MAX_CONTENT)
    result = _result(answer.result)
    change = _Change(ticket, acting_user, now)
    reply = Reply.objects.create(
        ticket=ticket,
        content=content,
        result=result,
        status=ReviewStatus.APPROVED,
        drafted_by=answer.drafted_by or acting_user,
        drafted_at=answer.drafted_at or now,
        reviewed_by=acting_user,
        reviewed_at=now,
        review_comment=f"{answer.source}统一答复"[:500],
    )
    ticket.status = target
    ticket.replied_at = now
    change.save(["status", "replied_at"])
    change.event(
        Action.SHARED_REPLY,
        note=content,
        visibility=Visibility.PUBLIC,
        data={"reply_id": reply.pk, "flow": answer.flow, "ref": answer.ref},
    )
    notifications.shared_reply(ticket, acting_user, answer.source)
    return ticket


@durable_action
def do_close_on_spot(
    *,
    acting_user: User,
    ticket_id: int,
    answer: str,
    result: str = "",
    contact_method: str = "",
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """即知即办 at the window or on the hotline: the case is answered and closed on the spot. The
    reply carries its 办理结果 (`result`, default 已解决) and, with `contact_method`, the contact
    record: the caller or visitor, at that moment."""
    now = _now(now)
    ticket = _lock(acting_user, ticket_id, "view", expected_version)
    check_action(acting_user, ticket, "close_on_spot")
    target = check_transition(ticket.status, Action.CLOSE_ON_SPOT)
    answer = _text(answer, code="answer_required", message="请填写答复内容", max_length=MAX_CONTENT)
    result = _result(result)
    method = contact_method if contact_method in ContactMethod.values else ""
    change = _Change(ticket, acting_user, now)
    Reply.objects.create(
        ticket=ticket,
        content=answer,
        result=result,
        contact_method=method,
        contacted_at=now if method else None,
        contact_person=(ticket.contact_name or "")[:50] if method else "",
        status=ReviewStatus.APPROVED,
        drafted_by=acting_user,
        drafted_at=now,
        reviewed_by=acting_user,
        reviewed_at=now,
        review_comment="即知即办",
    )
    fields = ["status", "replied_at", "closed_at", *dispatch_clock.settle(ticket, now)]
    ticket.status = target
    ticket.replied_at = now
    ticket.closed_at = now
    change.save(fields)
    change.event(Action.CLOSE_ON_SPOT, note=answer, visibility=Visibility.PUBLIC)
    notifications.closed_on_spot(ticket, acting_user)
    return ticket
