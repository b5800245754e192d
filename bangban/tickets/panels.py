"""The action panels of the case page: which actions a user may take on a case now (the
transition table allows it in the current status, the role rules in `access.check_action` allow it
for this user, and the lifecycle function exists), the form of each, and the call to the
`actions.do_*` function behind it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms

from bangban.accounts.access import has_any_role
from bangban.core.errors import NotFound, PermissionDenied, ValidationFailed

from . import actions, queries, rating_hook
from . import forms_work as f
from .access import DISPATCH_ROLES, check_action
from .models import Category, DeadlineRequest, FollowUpMethod, Ticket
from .workflow import FINAL_STATUSES, Action, Status, allowed_actions


def has_action(name: str) -> bool:
    """Whether the lifecycle function exists (the panels of an action appear with it)."""
    return callable(getattr(actions, name, None))


def may_take(user: Any, ticket: Ticket, check: str) -> bool:
    if check == "resume" and has_any_role(user, DISPATCH_ROLES):
        return True  # a dispatcher may end a suspension too
    try:
        check_action(user, ticket, check)
    except (PermissionDenied, NotFound):
        return False
    return True


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    check: str
    function: str
    transition: Action | None = None
    needs: Callable[[queries.CasePage], bool] | None = None
    button: str = "提交"
    css: str = "btn-primary"
    confirm: str = ""


def _can_request_extension(p: queries.CasePage) -> bool:
    t = p.ticket
    return (
        t.status == Status.IN_PROGRESS
        and t.due_at is not None
        and t.extensions_used < t.max_extensions
        and "extension" not in p.pending_kinds
    )


def _can_request_suspension(p: queries.CasePage) -> bool:
    return p.ticket.status == Status.IN_PROGRESS and "suspension" not in p.pending_kinds


def _has_pending_request(p: queries.CasePage) -> bool:
    return bool(p.pending_kinds)


def _is_open(p: queries.CasePage) -> bool:
    return p.ticket.status not in FINAL_STATUSES


def _replied(p: queries.CasePage) -> bool:
    return p.ticket.status == Status.REPLIED


PANELS: list[Panel] = [
    Panel("dispatch", "派单", "dispatch", "do_dispatch", Action.DISPATCH, button="派单"),
    Panel("accept", "签收", "accept", "do_accept", Action.ACCEPT, button="签收"),
    Panel(
        "review", "审核答复", "approve_reply", "do_approve_reply", Action.APPROVE_REPLY, button="提交审核结果"
    ),
    Panel("reply", "提交答复", "submit_reply", "do_submit_reply", Action.SUBMIT_REPLY, button="提交答复"),
    Panel("resume", "恢复办理", "resume", "do_resume", Action.RESUME, button="恢复办理"),
    Panel("decide", "审批延期/挂起申请", "decide_request", "do_decide_request", None, _has_pending_request),
    Panel("follow_up", "回访", "follow_up", "do_follow_up", Action.FOLLOW_UP_CLOSE, button="登记回访"),
    Panel("rate", "评价办理结果", "rate", "do_follow_up", None, _replied, button="提交评价"),
    Panel(
        "note", "添加记录", "note", "do_add_note", None, _is_open, button="添加", css="btn-outline-primary"
    ),
    Panel(
        "comment",
        "内部意见",
        "comment",
        "do_add_note",
        None,
        _is_open,
        button="添加",
        css="btn-outline-primary",
    ),
    Panel(
        "extension",
        "申请延期",
        "request_extension",
        "do_request_extension",
        None,
        _can_request_extension,
        button="提交延期申请",
        css="btn-outline-secondary",
    ),
    Panel(
        "suspension",
        "申请挂起",
        "request_suspension",
        "do_request_suspension",
        None,
        _can_request_suspension,
        button="提交挂起申请",
        css="btn-outline-secondary",
    ),
    Panel("return", "退单", "return", "do_return", Action.RETURN, button="退单", css="btn-outline-danger"),
    Panel(
        "reassign",
        "改派",
        "reassign",
        "do_reassign",
        Action.REASSIGN,
        button="改派",
        css="btn-outline-secondary",
    ),
    Panel(
        "merge",
        "合并重复诉求",
        "merge",
        "do_merge",
        Action.MERGE,
        button="合并",
        css="btn-outline-danger",
        confirm="合并后本诉求不再单独办理，确定合并？",
    ),
    Panel(
        "withdraw",
        "撤回诉求",
        "withdraw",
        "do_withdraw",
        Action.WITHDRAW,
        button="撤回",
        css="btn-outline-danger",
        confirm="确定撤回这件诉求？",
    ),
]
PANELS_BY_KEY = {p.key: p for p in PANELS}


def available_panels(user: Any, page: queries.CasePage) -> list[Panel]:
    """The actions this user may take on the case now: the transition table allows it in the
    current status, the role rules allow it for this user, and the action exists."""
    in_turn = set(allowed_actions(page.ticket.status))
    out: list[Panel] = []
    for panel in PANELS:
        if panel.transition is not None and panel.transition not in in_turn:
            continue
        if panel.needs is not None and not panel.needs(page):
            continue
        if not may_take(user, page.ticket, panel.check):
            continue
        if not has_action(panel.function):
            continue
        out.append(panel)
    keys = {p.key for p in out}
    if "note" in keys and "comment" in keys:
        out = [p for p in out if p.key != "comment"]
    if "follow_up" in keys and "rate" in keys:
        out = [p for p in out if p.key != "rate"]
    if "rate" in keys and rating_hook.handler() is not None:
        # The enterprise's rating is recorded by the registered rating handler, whose card on the
        # case page carries the one rating form (评价办理结果 and 好差评 together).
        out = [p for p in out if p.key != "rate"]
    return out


def make_form(key: str, ticket: Ticket, data: Any = None, user: Any = None) -> forms.Form:
    initial: dict[str, Any] = {"version": ticket.version}
    units = queries.dispatch_targets()
    categories = Category.objects.filter(is_active=True).order_by("path")
    if key == "dispatch":
        initial.update(
            lead_unit=ticket.suggested_unit_id or ticket.lead_unit_id,
            urgency=ticket.urgency,
            category=ticket.category_id,
        )
        return f.DispatchForm(
            data, initial=initial, units=units, categories=categories, suggested=ticket.suggested_unit
        )
    if key == "reassign":
        return f.ReassignForm(data, initial=initial, units=units.exclude(pk=ticket.lead_unit_id or 0))
    if key == "merge":
        if ticket.duplicate_of_id and ticket.duplicate_of is not None:
            initial["target"] = ticket.duplicate_of.number
        return f.MergeForm(data, initial=initial)
    if key == "return":
        return f.ReturnForm(data, initial=initial)
    if key == "suspension":
        return f.ReasonForm(data, initial=initial)
    if key == "withdraw":
        return f.WithdrawForm(data, initial=initial)
    if key == "extension":
        return f.ExtensionForm(data, initial=initial)
    if key == "reply":
        return f.ReplyForm(data, initial=initial, returned=queries.returned_reply(ticket))
    if key == "review":
        return f.ReviewForm(data, initial=initial)
    if key == "decide":
        return f.DecideRequestForm(data, initial=initial)
    if key == "follow_up":
        return f.FollowUpForm(data, initial=initial)
    if key == "rate":
        return f.RateForm(data, initial=initial)
    if key == "note":
        return f.NoteForm(data, initial=initial)
    if key == "comment":
        return f.NoteForm(data, initial=initial, internal_only=True)
    return f.VersionForm(data, initial=initial)


def run_action(key: str, user: Any, ticket: Ticket, data: dict[str, Any], files: Sequence[Any] = ()) -> str:
    """Call the action behind a panel; returns the success message. `files`: the uploaded files
    (the reply's attachments)."""

    common = {"acting_user": user, "ticket_id": ticket.pk, "expected_version": data["version"]}
    fn: Any
    if key == "dispatch":
        actions.do_dispatch(
            **common,
            lead_unit_id=data["lead_unit"].pk,
            co_unit_ids=[u.pk for u in data.get("co_units") or []],
            urgency=data["urgency"],
            category_id=data["category"].pk if data.get("category") else None,
            note=data.get("note", ""),
            lead_reason=data.get("lead_reason", ""),
        )
        return "已派单"
    if key == "accept":
        actions.do_accept(**common)
        return "已签收，诉求进入办理"
    if key == "return":
        actions.do_return(**common, reason=data["reason"])
        return "已退单，诉求退回派单员"
    if key == "reassign":
        actions.do_reassign(
            **common,
            lead_unit_id=data["lead_unit"].pk,
            co_unit_ids=[u.pk for u in data.get("co_units") or []],
            reason=data["reason"],
        )
        return "已改派"
    if key == "merge":
        number = data["target"].strip()
        target = Ticket.objects.filter(number=number).only("pk").first()
        if target is None:
            raise ValidationFailed(f"未找到编号为“{number[:24]}”的诉求", code="merge_target_missing")
        actions.do_merge(**common, into_ticket_id=target.pk, reason=data["reason"])
        return f"已合并至{number}"
    if key in ("note", "comment"):
        fn = actions.do_add_note
        fn(**common, text=data["text"], public=data["visibility"] == f.NoteForm.PUBLIC)
        return "已添加记录"
    if key == "extension":
        actions.do_request_extension(**common, reason=data["reason"], workdays=data["workdays"])
        return "延期申请已提交，等待派单员审批"
    if key == "suspension":
        actions.do_request_suspension(**common, reason=data["reason"])
        return "挂起申请已提交，等待派单员审批"
    if key == "decide":
        if not DeadlineRequest.objects.filter(pk=data["request_id"], ticket_id=ticket.pk).exists():
            raise NotFound()
        actions.do_decide_request(
            acting_user=user,
            request_id=data["request_id"],
            approve=data["decision"] == "approve",
            comment=data.get("comment", ""),
            expected_version=data["version"],
        )
        return "已审批"
    if key == "resume":
        actions.do_resume(**common)
        return "已恢复办理"
    if key == "reply":
        actions.do_submit_reply(
            **common,
            result=data.get("result", ""),
            content=data["content"],
            contact_method=data.get("contact_method", ""),
            contacted_at=data.get("contacted_at"),
            contact_person=data.get("contact_person", ""),
            contact_note=data.get("contact_note", ""),
            attachments=list(files),
            keep_attachment_ids=data.get("keep_attachments") or [],
        )
        return "答复已提交，等待单位负责人审核"
    if key == "review":
        if data["decision"] == "approve":
            actions.do_approve_reply(**common, comment=data.get("comment", ""))
            return "答复已审核通过，已答复企业"
        actions.do_reject_reply(**common, comment=data["comment"])
        return "答复已退回修改"
    if key == "follow_up":
        actions.do_follow_up(
            **common,
            method=data["method"],
            resolved=data["resolved"],
            satisfaction=data["satisfaction"],
            comment=data.get("comment", ""),
        )
        return "回访已登记"
    if key == "rate":
        actions.do_follow_up(
            **common,
            method=FollowUpMethod.PORTAL,
            resolved=data["resolved"],
            satisfaction=data["satisfaction"],
            comment=data.get("comment", ""),
        )
        return "感谢您的评价"
    if key == "withdraw":
        actions.do_withdraw(**common, reason=data.get("reason", ""))
        return "诉求已撤回"
    raise NotFound()
