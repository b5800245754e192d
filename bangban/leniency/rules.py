"""The 首违不罚 decision aid (R9.2) as a pure function: `propose(facts, history, item)` reads the
facts the inspector answered, the enterprise's record in the two years before the case date and
the catalogue item, and proposes 不予处罚 / 减轻处罚 / 从轻处罚 / 依法处罚 with the reasons and the
legal basis. No queries, no clock: the caller counts the history (`queries.history`).

The rules are tried in the order of `RULES`; the first that applies gives the proposal. The same
table is printed on the decision page and in docs/leniency.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .models import Discretion, Outcome

# The questions the inspector answers, in the order the page asks them: (key, question, hint).
QUESTIONS: list[tuple[str, str, str]] = [
    ("first_offence", "是否初次违法？", "据执法人员掌握；系统另查本企业近两年的违法记录"),
    ("minor", "违法情节是否轻微？", ""),
    ("intentional", "是否存在主观故意？", ""),
    ("harmful", "是否造成危害后果？", ""),
    ("corrected", "是否在责令期限内及时改正？", ""),
    ("harm_removed", "是否主动消除或者减轻违法行为危害后果？", ""),
    ("new_economy", "是否属于新技术、新产业、新业态、新模式领域？", ""),
    ("safety_line", "是否触碰质量安全底线？", "如危及人身健康和生命财产安全、生态环境安全"),
]
FACT_KEYS = [key for key, _q, _h in QUESTIONS]

# How far back a confirmed violation counts against "first offence", from the case date.
HISTORY_YEARS = 2

RULE_SAFETY = "safety_line"
RULE_FIRST = "first_offence"
RULE_PRUDENT = "prudent"
RULE_MITIGATED = "mitigated"
RULE_DEFAULT = "default"

# code: (name, when it applies, what it proposes, legal basis of the rule)
RULES: dict[str, tuple[str, str, str, str]] = {
    RULE_SAFETY: (
        "守住质量安全底线",
        "触碰质量安全底线",
        "依法处罚（不适用免罚轻罚）",
        "宿政办发〔2024〕15号：包容审慎监管以不触碰质量安全底线为前提",
    ),
    RULE_FIRST: (
        "首违不罚",
        "初次违法（执法人员确认且本企业近两年无违法记录）、情节轻微、无主观故意、未造成危害后果并及时改正",
        "清单裁量为不予处罚的事项：不予处罚；其他事项：按清单裁量从轻或减轻",
        "《中华人民共和国行政处罚法》第三十三条第一款；宿政办发〔2024〕15号 首违不罚",
    ),
    RULE_PRUDENT: (
        "包容审慎监管",
        "新技术、新产业、新业态、新模式领域，无主观故意，未触碰质量安全底线",
        "清单裁量为不予处罚的事项：不予处罚；其他事项：从轻处罚",
        "宿政办发〔2024〕15号：对新技术、新产业、新业态、新模式实行包容审慎监管",
    ),
    RULE_MITIGATED: (
        "主动消除或减轻危害后果",
        "主动消除或者减轻违法行为危害后果",
        "清单裁量为不予处罚或减轻处罚的事项：减轻处罚；从轻处罚的事项：从轻处罚",
        "《中华人民共和国行政处罚法》第三十二条第（一）项",
    ),
    RULE_DEFAULT: (
        "依法处罚",
        "以上规则均不适用",
        "依法处罚",
        "处罚依据所列条款",
    ),
}

# Outcomes from the most lenient down.
LENIENCY_ORDER = [Outcome.NO_PENALTY, Outcome.REDUCED, Outcome.LIGHTER, Outcome.PENALTY]


@dataclass(frozen=True)
class Facts:
    first_offence: bool
    minor: bool
    intentional: bool
    harmful: bool
    corrected: bool
    harm_removed: bool
    new_economy: bool
    safety_line: bool

    def as_dict(self) -> dict[str, bool]:
        return {key: getattr(self, key) for key in FACT_KEYS}


@dataclass(frozen=True)
class History:
    """The enterprise's confirmed violations in the `HISTORY_YEARS` before the case date."""

    since: dt.date
    count: int
    numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemTerms:
    """What the aid reads of a catalogue item (a model instance has these attributes too)."""

    code: str
    behaviour: str
    violated_basis: str
    penalty_basis: str
    discretion: str


@dataclass
class Proposal:
    outcome: str
    rule: str
    reasons: list[str] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)

    @property
    def rule_name(self) -> str:
        return RULES[self.rule][0]


def history_since(case_date: dt.date) -> dt.date:
    """The first day that counts: the same day `HISTORY_YEARS` years before (28 Feb for 29 Feb)."""
    try:
        return case_date.replace(year=case_date.year - HISTORY_YEARS)
    except ValueError:
        return case_date.replace(year=case_date.year - HISTORY_YEARS, day=28)


def _basis(item: Any, rule: str) -> list[str]:
    return [
        f"违法依据：{item.violated_basis}",
        f"处罚依据：{item.penalty_basis}",
        f"适用规则：{RULES[rule][3]}",
    ]


def _history_reason(history: History) -> str:
    if history.count == 0:
        return f"本企业自 {history.since:%Y-%m-%d} 起无违法记录"
    shown = "、".join(history.numbers[:5])
    return f"本企业自 {history.since:%Y-%m-%d} 起已有 {history.count} 条违法记录（{shown}），不属于初次违法"


def propose(facts: Facts, history: History, item: Any) -> Proposal:
    """The aid's proposal for one case (see the module's docstring and `RULES`)."""
    discretion = str(item.discretion)
    history_line = _history_reason(history)
    if facts.safety_line:
        return Proposal(
            Outcome.PENALTY,
            RULE_SAFETY,
            ["触碰质量安全底线，不适用免罚轻罚", history_line],
            _basis(item, RULE_SAFETY),
        )
    first = facts.first_offence and history.count == 0
    if first and facts.minor and not facts.intentional and not facts.harmful and facts.corrected:
        outcome = Outcome.NO_PENALTY if discretion == Discretion.NO_PENALTY else Outcome(discretion)
        reasons = [
            "初次违法：" + history_line,
            "违法情节轻微，无主观故意，未造成危害后果，并已及时改正",
            f"清单裁量：{Discretion(discretion).label}",
        ]
        return Proposal(outcome, RULE_FIRST, reasons, _basis(item, RULE_FIRST))
    if facts.new_economy and not facts.intentional:
        outcome = Outcome.NO_PENALTY if discretion == Discretion.NO_PENALTY else Outcome.LIGHTER
        reasons = [
            "属于新技术、新产业、新业态、新模式领域，无主观故意，未触碰质量安全底线",
            f"清单裁量：{Discretion(discretion).label}",
            history_line,
        ]
        return Proposal(outcome, RULE_PRUDENT, reasons, _basis(item, RULE_PRUDENT))
    if facts.harm_removed:
        outcome = Outcome.LIGHTER if discretion == Discretion.LIGHTER else Outcome.REDUCED
        reasons = [
            "主动消除或者减轻了违法行为危害后果",
            f"清单裁量：{Discretion(discretion).label}",
            history_line,
        ]
        return Proposal(outcome, RULE_MITIGATED, reasons, _basis(item, RULE_MITIGATED))
    reasons = [_why_not(facts, history), history_line]
    return Proposal(Outcome.PENALTY, RULE_DEFAULT, reasons, _basis(item, RULE_DEFAULT))


def _why_not(facts: Facts, history: History) -> str:
    missing = []
    if not facts.first_offence or history.count:
        missing.append("非初次违法")
    if not facts.minor:
        missing.append("情节不属轻微")
    if facts.intentional:
        missing.append("存在主观故意")
    if facts.harmful:
        missing.append("造成了危害后果")
    if not facts.corrected:
        missing.append("未及时改正")
    return "不符合首违不罚条件（" + "、".join(missing or ["—"]) + "），也无其他从轻、减轻情形"
