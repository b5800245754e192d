"""The mayor's channel (R8): classification, the sign-off chain, the 会商 and the dispatch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core import kit
from bangban.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.tickets import actions as ticket_actions
from bangban.tickets.access import access_ticket
from bangban.tickets.events import add_event
from bangban.tickets.guards import ReviewSignOff
from bangban.tickets.models import Category, Ticket, Urgency
from bangban.tickets.workflow import Status

from .. import access, hooks, workflow
from ..models import (
    MayorReview,
    Meeting,
    MeetingStatus,
    MeetingType,
    ProblemKind,
    ReviewStage,
    ReviewStep,
    SignDecision,
)
from ._common import _check_open, _int, _now, _tell, _text, _users, role_users
from .deputy_routes import deputy_for
from .meetings import do_create_meeting
from .portfolio import in_charge


def _lock_review(user: Any, ticket_id: Any) -> tuple[Ticket, MayorReview]:
    ticket = access_ticket(user, ticket_id, "view", for_update=True)
    if not has_any_role(user, access.MAYOR_CHAIN_ROLES):
        raise NotFound()
    found = open_review(ticket)
    missing = NotFound("该诉求不是市长直通车诉求", code="not_found")
    if found is None:
        raise missing
    return ticket, kit.lock(MayorReview, found.pk, not_found=missing)


def open_review(ticket: Ticket, *, lock: bool = False) -> MayorReview | None:
    """The case's review, opened on first use for a mayor-channel submission (R8.1)."""
    qs = MayorReview.objects.select_for_update() if lock else MayorReview.objects.all()
    review = qs.filter(ticket=ticket).first()
    if review is None and hooks.under_review(ticket):
        review, _ = MayorReview.objects.get_or_create(
            ticket=ticket, defaults={"collected_at": ticket.received_at}
        )
    return review


# What the review's steps change.
REVIEW_FIELDS = ["stage", "kind", "category", "deputy", "vice_mayor", "urgency", "consult_meeting"]

# The assessment the review records (R8.3), as the dispatch proposes it.
URGENCY_ASSESSMENTS = {
    Urgency.URGENT: "事实清楚、情况紧急（2个工作日）",
    Urgency.GENERAL: "一般问题（5个工作日）",
    Urgency.COMPLEX: "情况复杂或涉及多个单位（15个工作日）",
}


def _assessment(value: Any, current: str) -> str:
    """The urgency the reviewer assessed: the value given, else the one recorded before, else 一般."""
    text = str(value or "").strip()
    if not text:
        return current or Urgency.GENERAL
    if text not in Urgency.values:
        raise ValidationFailed(
            "请选择办理时限研判：事实清楚、情况紧急 / 一般 / 情况复杂或涉及多个单位", code="urgency_invalid"
        )
    return text


def _review_step(
    ticket: Ticket,
    review: MayorReview,
    stage: str,
    decision: str,
    comment: str,
    actor: Any,
    now: dt.datetime,
    **audit: Any,
) -> ReviewStep:
    step = ReviewStep.objects.create(
        review=review,
        stage=stage,
        decision=decision,
        comment=comment,
        actor=actor,
        actor_name=actor.display_name[:80],
        at=now,
    )
    kit.save_change(review, REVIEW_FIELDS)
    label = f"{ReviewStage(stage).label}：{SignDecision(decision).label}"
    add_event(
        ticket,
        "mayor_review",
        actor=actor,
        note=label + (f"。{comment}" if comment else ""),
        data={"stage": stage, "decision": decision, "next": review.stage},
        audit_before={"stage": stage},
        audit_after={"stage": review.stage, "decision": decision, "comment": comment[:200], **audit},
        now=now,
    )
    return step


@durable_action
def do_classify(
    *,
    acting_user: User,
    ticket_id: int,
    category_id: Any,
    kind: str,
    comment: str = "",
    urgency: str | None = None,
    version: Any = None,
    now: dt.datetime | None = None,
) -> MayorReview:
    """市政府办公室专人 classify a submission; it goes to the 对口联系副秘书长 of its category. The
    urgency assessment (R8.3) may be proposed here; the 对口联系副秘书长 confirms it."""
    now = _now(now)
    ticket, review = _lock_review(acting_user, ticket_id)
    if not has_any_role(acting_user, access.MAYOR_STAFF_ROLES):
        raise PermissionDenied("只有市政府办公室专人可以分类", code="permission_denied")
    kit.check_version(review, version)
    _check_open(ticket, "分类")
    classified = workflow.REVIEW.check(
        review.stage,
        "classify",
        message=f"该诉求当前为“{review.get_stage_display()}”，不能再分类",
        code="out_of_turn",
    )
    if kind not in ProblemKind.values:
        raise ValidationFailed("请选择问题类别（一般问题/重大问题）", code="kind_required")
    category = Category.objects.filter(
        pk=_int(category_id, code="category_required", message="请选择诉求分类"), is_active=True
    ).first()
    if category is None:
        raise ValidationFailed("请选择有效的诉求分类", code="category_required")
    deputy = deputy_for(category)
    if deputy is None:
        raise ValidationFailed(
            f"“{category.path or category.name}”未配置对口联系副秘书长，请先在对口表中配置",
            code="deputy_route_missing",
        )
    review.urgency = _assessment(urgency, review.urgency)
    review.kind, review.category, review.deputy, review.stage = kind, category, deputy, classified
    comment = _text(comment, code="comment_invalid", message="", required=False)
    _review_step(ticket, review, ReviewStage.COLLECTED, SignDecision.CLASSIFY, comment, acting_user, now,
                 kind=kind, category=category.pk, deputy=deputy.pk, urgency=review.urgency)  # fmt: skip
    _tell([deputy], acting_user, f"市长直通车待审核：{ticket.number}",
          f"诉求{ticket.number}「{ticket.title[:30]}」（{ProblemKind(kind).label}）请审核。",
          f"/escalation/mayor/{ticket.pk}/", f"mayor:{ticket.pk}:deputy:{review.version}")  # fmt: skip
    return review


def vice_mayor_of(review: MayorReview) -> User | None:
    """The 分管市长 who signs `review`: the one named when the 秘书长 accepted it, else (a review
    that reached the stage before the portfolio existed) the one in charge of its category now."""
    if review.vice_mayor_id:
        return review.vice_mayor
    return in_charge(review.category)[0] if review.stage == ReviewStage.VICE_MAYOR else None


# Who signs at which stage, and where accept / return lead.
_CHAIN = {
    ReviewStage.DEPUTY: (
        Role.DEPUTY_SECRETARY_GENERAL,
        "对口联系副秘书长",
        ReviewStage.SECRETARY,
        ReviewStage.COLLECTED,
    ),
    ReviewStage.SECRETARY: (Role.SECRETARY_GENERAL, "秘书长", ReviewStage.VICE_MAYOR, ReviewStage.DEPUTY),
    ReviewStage.VICE_MAYOR: (Role.VICE_MAYOR, "分管市长", ReviewStage.READY, ReviewStage.SECRETARY),
}


def _signing_stages(user: Any) -> list[str]:
    """The stages `user` may sign at, or 403 for a user who signs at none."""
    mine = [str(stage) for stage, (role, *_r) in _CHAIN.items() if has_any_role(user, {role})]
    if not mine and not has_any_role(user, {Role.ADMIN}):
        raise PermissionDenied("只有对口联系副秘书长、秘书长或分管市长可以审核签批")
    return mine


def _signing_stage(user: Any, review: MayorReview, mine: list[str]) -> str:
    """The stage `user` signs at now, or an error that says whose turn it is."""
    if review.stage in mine or (has_any_role(user, {Role.ADMIN}) and review.stage in _CHAIN):
        return review.stage
    whose = _CHAIN[ReviewStage(review.stage)][1] if review.stage in _CHAIN else ""
    mine_label = "、".join(_CHAIN[ReviewStage(s)][1] for s in mine) or "您"
    raise InvalidTransition(
        f"当前环节为“{review.get_stage_display()}”"
        + (f"，应由{whose}办理" if whose else "")
        + f"，{mine_label}不能越过顺序签批",
        code="out_of_turn",
    )


@durable_action
def do_sign(
    *,
    acting_user: User,
    ticket_id: int,
    decision: str,
    comment: str = "",
    urgency: str | None = None,
    version: Any = None,
    now: dt.datetime | None = None,
) -> MayorReview:
    """The 对口联系副秘书长 reviews (recording the urgency assessment, R8.3), then the 秘书长 and the
    分管市长 in charge of the category sign, each in turn: accept, or return to the previous stage
    with a comment. Only the 分管市长 in charge signs (`not_in_charge`)."""
    now = _now(now)
    ticket, review = _lock_review(acting_user, ticket_id)
    mine = _signing_stages(acting_user)
    if (
        review.stage == ReviewStage.DEPUTY
        and ReviewStage.DEPUTY in mine
        and review.deputy_id not in (acting_user.pk, None)
        and not has_any_role(acting_user, {Role.ADMIN})
    ):
        raise PermissionDenied("该诉求由其他对口联系副秘书长审核")
    signer = vice_mayor_of(review)
    if (
        review.stage == ReviewStage.VICE_MAYOR
        and ReviewStage.VICE_MAYOR in mine
        and signer is not None
        and signer.pk != acting_user.pk
        and not has_any_role(acting_user, {Role.ADMIN})
    ):
        category = review.category.path or review.category.name if review.category else "该分类"
        who = signer.display_name
        raise PermissionDenied(
            f"该诉求属“{category}”，由分管市长{who}签批；您不分管该分类，不能签批",
            code="not_in_charge",
        )
    kit.check_version(review, version)
    _check_open(ticket, "签批")
    stage = _signing_stage(acting_user, review, mine)
    if decision not in (SignDecision.ACCEPT, SignDecision.RETURN):
        raise ValidationFailed("请选择同意或退回", code="decision_invalid")
    comment = _text(
        comment,
        code="comment_required",
        message="退回必须填写意见",
        required=decision == SignDecision.RETURN,
    )
    if (
        decision == SignDecision.ACCEPT
        and stage == ReviewStage.SECRETARY
        and review.kind == ProblemKind.MAJOR
    ):
        raise InvalidTransition(
            "重大问题由秘书长提请市长或副市长会商，不走签批流程", code="major_requires_consult"
        )
    audit: dict[str, Any] = {}
    if stage == ReviewStage.DEPUTY and decision == SignDecision.ACCEPT:
        review.urgency = audit["urgency"] = _assessment(urgency, review.urgency)
    if stage == ReviewStage.SECRETARY and decision == SignDecision.ACCEPT:
        signer, how = in_charge(review.category)
        if signer is None:
            name = review.category.path or review.category.name if review.category else "该分类"
            raise ValidationFailed(
                f"“{name}”未明确分管市长，也未指定常务副市长，请营商办先在分管市长分工表中配置",
                code="vice_mayor_missing",
            )
        review.vice_mayor = signer
        audit.update(vice_mayor=signer.pk, vice_mayor_by=how)
    review.stage = workflow.REVIEW.check(
        review.stage, f"{stage}_{'accept' if decision == SignDecision.ACCEPT else 'return'}"
    )
    _review_step(ticket, review, stage, decision, comment, acting_user, now, **audit)
    nxt = _CHAIN.get(ReviewStage(review.stage))
    people: list[User | None]
    if review.stage == ReviewStage.DEPUTY:
        people = [review.deputy]
    elif review.stage == ReviewStage.VICE_MAYOR:
        people = [review.vice_mayor]
    elif nxt is not None:
        people = list(role_users(nxt[0]))
    else:
        people = list(role_users(Role.MAYOR_OFFICE))
    _tell(people, acting_user, f"市长直通车{review.get_stage_display()}：{ticket.number}",
          f"诉求{ticket.number}「{ticket.title[:30]}」{SignDecision(decision).label}"
          + (f"：{comment}" if comment else "") + f"，现为“{review.get_stage_display()}”。",
          f"/escalation/mayor/{ticket.pk}/", f"mayor:{ticket.pk}:{review.version}")  # fmt: skip
    return review


@durable_action
def do_request_consult(
    *,
    acting_user: User,
    ticket_id: int,
    chair_id: Any,
    held_at: dt.datetime | None,
    comment: str = "",
    place: str = "",
    version: Any = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Major problems: the 秘书长 asks the 市长 or a 副市长 to meet the enterprise (会商)."""
    now = _now(now)
    ticket, review = _lock_review(acting_user, ticket_id)
    if not has_any_role(acting_user, {Role.SECRETARY_GENERAL, Role.ADMIN}):
        raise PermissionDenied("只有秘书长可以提请会商")
    kit.check_version(review, version)
    _check_open(ticket, "提请会商")
    consulting = workflow.REVIEW.check(
        review.stage,
        "consult",
        message=f"当前环节为“{review.get_stage_display()}”，不能提请会商",
        code="out_of_turn",
    )
    if review.kind != ProblemKind.MAJOR:
        raise InvalidTransition("一般问题走签批流程，重大问题才提请会商", code="consult_for_major_only")
    chair = _users([chair_id] if chair_id not in (None, "") else [])
    if not chair or not has_any_role(chair[0], {Role.MAYOR, Role.VICE_MAYOR}):
        raise ValidationFailed("会商须由市长或副市长主持", code="chair_invalid")
    meeting = do_create_meeting.inner(
        acting_user=acting_user,
        type=MeetingType.CONSULT,
        title=f"{ticket.enterprise_name or (ticket.enterprise.name if ticket.enterprise else '')}问题会商：{ticket.title}"[
            :120
        ],
        held_at=held_at,
        chair_id=chair[0].pk,
        place=place,
        participant_ids=[acting_user.pk] + ([review.deputy_id] if review.deputy_id else []),
        case_ids=[ticket.pk],
        now=now,
    )
    review.stage, review.consult_meeting = consulting, meeting
    _review_step(ticket, review, ReviewStage.SECRETARY, SignDecision.CONSULT,
                 _text(comment, code="comment_invalid", message="", required=False), acting_user, now,
                 meeting=meeting.pk)  # fmt: skip
    return meeting


def may_dispatch_review(review: MayorReview, ticket: Ticket) -> bool:
    if ticket.status != Status.PENDING_DISPATCH:
        return False
    if review.stage in (ReviewStage.READY, ReviewStage.DISPATCHED):
        return True
    return bool(
        review.stage == ReviewStage.CONSULT
        and review.consult_meeting_id
        and Meeting.objects.filter(pk=review.consult_meeting_id, status=MeetingStatus.HELD).exists()
    )


@durable_action
def do_mayor_dispatch(
    *,
    acting_user: User,
    ticket_id: int,
    lead_unit_id: Any,
    urgency: str | None = None,
    co_unit_ids: Iterable[Any] = (),
    note: str = "",
    version: Any = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """After sign-off (or the 会商), 市政府办公室 dispatch the case through the case lifecycle; the
    2 / 5 / 15 working-day deadline of the mayor channel starts (R8.3). Without an urgency, the
    review's assessment is used (the proposal the page pre-fills)."""
    now = _now(now)
    ticket, review = _lock_review(acting_user, ticket_id)
    if not has_any_role(acting_user, access.MAYOR_STAFF_ROLES):
        raise PermissionDenied("只有市政府办公室专人可以交办市长直通车诉求")
    kit.check_version(review, version)
    incomplete = InvalidTransition(
        f"该诉求当前为“{review.get_stage_display()}”，须完成审核签批（或会商）后才能交办",
        code="mayor_signoff_incomplete",
    )
    dispatched = workflow.REVIEW.check(
        review.stage, "dispatch", message=incomplete.message, code=incomplete.code
    )
    if not may_dispatch_review(review, ticket):
        raise incomplete
    urgency = urgency or review.urgency or Urgency.GENERAL
    if urgency not in Urgency.values:
        raise ValidationFailed("请选择办理时限类别（紧急2日/一般5日/复杂15日）", code="urgency_invalid")
    ticket = ticket_actions.do_dispatch.inner(
        acting_user=acting_user,
        ticket_id=ticket.pk,
        lead_unit_id=lead_unit_id,
        co_unit_ids=list(co_unit_ids or ()),
        urgency=urgency,
        category_id=review.category_id,
        note=note,
        now=now,
        authorised_by=ReviewSignOff("mayor_review", ticket.pk),
    )
    previous = review.stage
    review.stage = dispatched
    ReviewStep.objects.create(
        review=review,
        stage=previous,
        decision=SignDecision.DISPATCH,
        comment=f"交办{ticket.lead_unit.name if ticket.lead_unit else ''}（{Urgency(urgency).label}）",
        actor=acting_user,
        actor_name=acting_user.display_name[:80],
        at=now,
    )
    kit.save_change(review, ["stage"])
    return ticket
