"""The same problem from different callers (同一问题多人反映). Pure: no ORM.

`duplicates.py` links a case to an earlier one of the same enterprise or phone. A problem in the
street — a collapsed road, a blocked drain — is reported by whoever passes: the hotline, a service
officer on a visit, an enterprise. A case is proposed for merging into an earlier open case when,
within `WINDOW_DAYS`, both are about the same place or enterprise (the same enterprise, or a place
name — a road, street, bridge, estate, village … — found in both texts) and their texts are close
(`duplicates.similarity` at least `THRESHOLD`, lower than for the same caller because different
people word the same thing differently). The dispatcher sees the proposal and decides; nothing
is merged by itself. Conduct complaints (作风直通车) are compared only with each other.

On the examples of `tests/test_merge_proposals.py`: three reports of the same road collapse by the
hotline and a service officer score 0.45–0.58 with a shared road name; a different problem on the
same road scores about 0.2.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from .duplicates import bigrams

__all__ = ["THRESHOLD", "WINDOW_DAYS", "Candidate", "Proposal", "places", "propose"]

WINDOW_DAYS = 30
THRESHOLD = 0.4

_PLACE_SUFFIX = re.compile(r"大道|路|街|巷|桥|小区|花园|新村|村|社区|广场|市场|园区|工业园")
_CJK = re.compile(r"[\u4e00-\u9fff0-9]")
# A character right before the suffix that makes it a position or a common word, not a name:
# 东侧路面, 路口 (路路), 马路, 道路, 公路, 的路.
_NOT_NAME = frozenset("侧口面边旁上下里内外的和与及在路街马道公条座")


def places(text: str) -> frozenset[str]:
    """Place names in a text: the two and three characters before a place suffix, with it (unless
    the character before the suffix marks a position or a common word)."""
    found = set()
    for match in _PLACE_SUFFIX.finditer(text or ""):
        for width in (2, 3):
            start = match.start() - width
            name = (text or "")[max(0, start) : match.start()]
            if start >= 0 and name[-1] not in _NOT_NAME and all(_CJK.match(ch) for ch in name):
                found.add(name + match.group())
    return frozenset(found)


@dataclass(frozen=True)
class Candidate:
    id: int
    number: str
    text: str
    received_at: dt.datetime
    enterprise_id: int | None = None
    conduct: bool = False

    # Computed once per candidate however many cases it is compared with.
    @cached_property
    def grams(self) -> frozenset[str]:
        return bigrams(self.text)

    @cached_property
    def places(self) -> frozenset[str]:
        return places(self.text)


@dataclass(frozen=True)
class Proposal:
    id: int
    number: str
    score: float
    reason: str  # 同一企业 / 同在“人民路”


def propose(case: Candidate, others: Iterable[Candidate], threshold: float = THRESHOLD) -> Proposal | None:
    """The earlier case (received before `case`, within the window) this one most likely repeats,
    or None. The best score wins; on a tie, the earliest case."""
    grams = case.grams
    if not grams:
        return None
    mine = case.places
    since = case.received_at - dt.timedelta(days=WINDOW_DAYS)
    best: tuple[float, dt.datetime, Candidate, str] | None = None
    for other in others:
        if other.id == case.id or other.conduct != case.conduct:
            continue
        if not (since <= other.received_at <= case.received_at) or (
            other.received_at == case.received_at and other.id > case.id
        ):
            continue
        if case.enterprise_id and other.enterprise_id == case.enterprise_id:
            reason = "同一企业"
        else:
            shared = sorted(mine & other.places, key=lambda p: (-len(p), p))
            if not shared:
                continue
            reason = f"同在“{shared[0]}”"
        theirs = other.grams
        score = len(grams & theirs) / (len(grams) * len(theirs)) ** 0.5 if theirs else 0.0
        if score < threshold:
            continue
        if best is None or score > best[0] or (score == best[0] and other.received_at < best[1]):
            best = (score, other.received_at, other, reason)
    if best is None:
        return None
    return Proposal(best[2].id, best[2].number, round(best[0], 2), best[3])
