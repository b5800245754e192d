"""The 首违不罚 decision aid (R9.2): an inspector answers the facts of a case, the aid proposes an
outcome from the enterprise's record and the catalogue item (`rules.propose`), and the inspector
records the decision — with a reason whenever it departs from the proposal. 司法局 reviews each
decision once: 审查通过, or 审查纠正 with a note."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import ValidationFailed
from bangban.core.inputs import parse_date
from bangban.core.kit import durable_action
from bangban.enterprises.access import visible_enterprises
from bangban.enterprises.models import Enterprise

from .. import queries, workflow
from ..access import access_decision, own_unit_id, require_inspector
from ..models import CatalogueItem, Decision, Outcome, Review
from ..rules import QUESTIONS, Facts, History, Proposal, propose
from ._common import _required, _text

TRUE_WORDS = {"1", "true", "yes", "y", "on", "是"}
FALSE_WORDS = {"0", "false", "no", "n", "off", "否"}
VERDICTS = {"approve": "leniency.decision_approve", "correct": "leniency.decision_correct"}


@dataclass
class DecisionInput:
    enterprise_id: Any = None
    item_id: Any = None
    case_date: Any = None
    facts: dict[str, Any] = field(default_factory=dict)
    narrative: str = ""
    outcome: str = ""
    reason: str = ""


@dataclass
class Prepared:
    """Everything the aid read and proposed for one case (nothing written)."""

    enterprise: Enterprise
    item: CatalogueItem
    case_date: dt.date
    facts: Facts
    narrative: str
    history: History
    proposal: Proposal


def _answer(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def read_facts(raw: Any) -> Facts:
    """Every question must be answered 是 or 否: a decision without its facts is refused."""
    values = raw if isinstance(raw, dict) else {}
    answers = {key: _answer(values.get(key)) for key, _q, _h in QUESTIONS}
    missing = [question for key, question, _h in QUESTIONS if answers[key] is None]
    if missing:
        raise ValidationFailed(
            "请逐项回答案件事实：" + "；".join(missing),
            code="facts_required",
            details={"field": "facts", "missing": [k for k, v in answers.items() if v is None]},
        )
    return Facts(**{k: bool(v) for k, v in answers.items()})


def _enterprise(user: Any, value: Any) -> Enterprise:
    if value in (None, ""):
        raise ValidationFailed("请选择企业", code="enterprise_required", details={"field": "enterprise"})
    text = _text(value)
    pk = int(text) if text.isdigit() and len(text) < 12 else 0
    found = visible_enterprises(user).filter(pk=pk, is_active=True).first()
    if found is None:
        raise ValidationFailed(
            "所选企业不存在或不在您的管辖范围内", code="enterprise_not_found", details={"field": "enterprise"}
        )
    return found


def prepare_decision(*, acting_user: User, data: DecisionInput, now: dt.datetime) -> Prepared:
    """Check the case and compute the aid's proposal — the dry run the page and the API show
    before anything is recorded."""
    require_inspector(acting_user)
    item = queries.citable_item(data.item_id)
    enterprise = _enterprise(acting_user, data.enterprise_id)
    case_date = parse_date(data.case_date, "case_date", "违法行为发现日期")
    if case_date > timezone.localdate(now):
        raise ValidationFailed(
            "违法行为发现日期不能晚于今天", code="case_date_in_future", details={"field": "case_date"}
        )
    facts = read_facts(data.facts)
    narrative = _required(data.narrative, "narrative", "请填写案情简述", 2000)
    history = queries.history(enterprise.pk, case_date)
    return Prepared(enterprise, item, case_date, facts, narrative, history, propose(facts, history, item))


@durable_action
def do_record_decision(*, acting_user: User, data: DecisionInput, now: dt.datetime) -> Decision:
    """Record the inspector's decision with the proposal computed again here (never taken from the
    form). A decision other than the proposal needs a reason (`deviation_reason_required`)."""
    require_inspector(acting_user)
    named = _text(data.enterprise_id)
    if named.isdigit() and len(named) < 12:
        # Decisions on one enterprise are recorded one at a time, so the record each reads is whole.
        list(Enterprise.objects.select_for_update().filter(pk=int(named)).values_list("pk", flat=True))
    prepared = prepare_decision(acting_user=acting_user, data=data, now=now)
    outcome = _text(data.outcome)
    if not outcome:
        raise ValidationFailed("请选择处理决定", code="outcome_required", details={"field": "outcome"})
    if outcome not in Outcome.values:
        raise ValidationFailed(
            "处理决定应为不予处罚、减轻处罚、从轻处罚或依法处罚",
            code="invalid_outcome",
            details={"field": "outcome"},
        )
    reason = _text(data.reason, 2000)
    deviated = outcome != prepared.proposal.outcome
    if deviated and not reason:
        raise ValidationFailed(
            f"决定与系统建议（{prepared.proposal.outcome_label}）不一致，请填写理由",
            code="deviation_reason_required",
            details={"field": "reason"},
        )
    decision = Decision.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:24]}",
        enterprise=prepared.enterprise,
        item=prepared.item,
        unit_id=own_unit_id(acting_user),
        case_date=prepared.case_date,
        facts=prepared.facts.as_dict(),
        narrative=prepared.narrative,
        prior_count=prepared.history.count,
        proposal=prepared.proposal.outcome,
        proposal_rule=prepared.proposal.rule,
        proposal_reasons=[*prepared.proposal.reasons, *prepared.proposal.basis],
        outcome=outcome,
        deviated=deviated,
        reason=reason,
        decided_by=acting_user,
        decided_at=now,
    )
    decision.number = f"MF{timezone.localdate(now).year}-{decision.pk:06d}"
    decision.save(update_fields=["number"])
    record("leniency.decision_record", actor=acting_user, obj=decision, after=snapshot(decision))
    return decision


@durable_action
def do_review_decision(
    *,
    acting_user: User,
    decision_id: Any,
    verdict: str,
    note: str = "",
    version: Any = None,
    now: dt.datetime,
) -> Decision:
    """司法局 approves a decision, or corrects it with a note saying what was wrong."""
    access_decision(acting_user, decision_id, "review")
    action = _text(verdict)
    if action not in VERDICTS:
        raise ValidationFailed(
            "审查结论无效，应为 approve（审查通过）或 correct（审查纠正）", code="invalid_verdict",
            details={"field": "verdict"},
        )  # fmt: skip
    decision = kit.lock(Decision, decision_id)
    kit.check_version(decision, version)
    moved = workflow.REVIEW.check(
        decision.status, action, message="该决定已审查，不能重复审查", code="already_reviewed"
    )
    text = _text(note, 2000)
    if action == "correct" and not text:
        raise ValidationFailed(
            "审查纠正须填写审查意见（纠正的理由和要求）",
            code="review_note_required",
            details={"field": "note"},
        )
    before = snapshot(decision, ["status", "review_note"])
    decision.status = moved
    decision.review_note = text
    decision.reviewed_by = acting_user
    decision.reviewed_at = now
    kit.save_change(decision, ["status", "review_note", "reviewed_by", "reviewed_at"])
    record(
        VERDICTS[action],
        actor=acting_user,
        obj=decision,
        before=before,
        after=snapshot(decision, ["status", "review_note"]),
    )
    return decision


def is_reviewed(decision: Decision) -> bool:
    return decision.status != Review.DECIDED
