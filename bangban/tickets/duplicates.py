"""Repeated complaints (重复反映): how close two case texts are. Pure: no ORM.

The text of a case is its title and content, normalised: full-width → half-width, lower case,
whitespace and punctuation removed, and the words every complaint shares dropped (courtesy and
framing phrases such as 再次反映 / 请尽快处理 / 希望 / 我公司, and function characters such as 的 了 在),
so that what remains is what the complaint is about. It is cut into overlapping character pairs
(bigrams: "施工许可" → 施工, 工许, 许可): Chinese has no spaces between words, and bigrams match the way
people re-word the same text far better than whole words would. Two texts are compared by the
cosine of their bigram sets (the Otsuka–Ochiai coefficient |A∩B| / √(|A|·|B|)): 1.0 for the same
text, 0 for nothing in common; unlike Jaccard it does not punish a follow-up that adds a sentence
to the original complaint.

A new case is linked to an earlier one when the similarity reaches `DEFAULT_THRESHOLD` (0.6) and the
earlier case belongs to the same enterprise (or, without an enterprise, came from the same contact
phone) and was received within `WINDOW_DAYS` (90) days. On the examples in
`tests/test_duplicates.py`: the same complaint sent again with edits scores 0.68–0.93; a different
problem of the same enterprise (用电 vs 用水 报装, 施工许可 vs 规划许可) stays below 0.4. A complaint told
again in mostly new words (到现在还没办下来 for 至今未办理) scores about 0.56 and is not linked: the link
is a hint, and the dispatcher merges what the text alone does not catch. The threshold is a
parameter of `best_match`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DEFAULT_THRESHOLD",
    "WINDOW_DAYS",
    "Match",
    "best_match",
    "bigrams",
    "normalise",
    "similarity",
]

DEFAULT_THRESHOLD = 0.6
WINDOW_DAYS = 90
# Only this much of a text is compared: enough to recognise a complaint, bounded in cost.
MAX_CHARS = 2000

_DROP = re.compile(r"[\W_]+", re.UNICODE)
# Phrases nearly every complaint contains; longest first so that 再次反映 goes before 反映.
FILLER_PHRASES = tuple(
    sorted(
        {
            "再次反映",
            "再次",
            "反映",
            "请尽快",
            "尽快",
            "希望",
            "请帮忙",
            "帮忙",
            "协调",
            "相关部门",
            "麻烦",
            "谢谢",
            "您好",
            "你好",
            "处理",
            "解决",
            "问题",
            "关于",
            "一直",
            "至今",
            "现在",
            "还没有",
            "没有",
            "已经",
            "我公司",
            "我们",
            "企业",
            "公司",
            "非常",
            "严重",
        },
        key=len,
        reverse=True,
    )
)
_FILLER_RE = re.compile("|".join(re.escape(p) for p in FILLER_PHRASES))
FILLER_CHARS = frozenset("的了是在和与及我贵请要能够得很还到已也都就把被给对让")
_FILLER_TABLE = {ord(c): None for c in FILLER_CHARS}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _DROP.sub("", text)[: MAX_CHARS * 2]
    return _FILLER_RE.sub("", text).translate(_FILLER_TABLE)[:MAX_CHARS]


def bigrams(text: str) -> frozenset[str]:
    """The set of character pairs of the normalised text (a one-character text is its own set)."""
    norm = normalise(text)
    if len(norm) < 2:
        return frozenset({norm}) if norm else frozenset()
    return frozenset(norm[i : i + 2] for i in range(len(norm) - 1))


def _cosine(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def similarity(a: str, b: str) -> float:
    """0.0 (nothing in common) … 1.0 (the same text after normalisation)."""
    return _cosine(bigrams(a), bigrams(b))


@dataclass(frozen=True)
class Match:
    id: int
    score: float


def best_match(
    text: str, candidates: Iterable[tuple[int, str]], threshold: float = DEFAULT_THRESHOLD
) -> Match | None:
    """The most similar candidate `(id, text)` at or above the threshold; the earliest-listed wins
    a tie (pass candidates newest first to link to the latest repeat)."""
    grams = bigrams(text)
    if not grams:
        return None
    best: Match | None = None
    for candidate_id, candidate_text in candidates:
        score = _cosine(grams, bigrams(candidate_text))
        if score >= threshold and (best is None or score > best.score):
            best = Match(candidate_id, round(score, 4))
    return best
