"""Text normalisation shared by the insight features: cleaning and Chinese word segmentation.

Pure (no ORM). Case texts arrive from web forms, the 12345 hotline and imports: they carry HTML
and tab residue, full-width letters and digits, and irregular whitespace. `clean` removes those so
that the same words look the same wherever they came from; `words` segments a cleaned text with
jieba (loaded once per process, on first use).
"""

from __future__ import annotations

import html
import logging
import re
import threading

import jieba

__all__ = ["HALF_WIDTH", "clean", "words"]

_TAG = re.compile(r"<[^>]{0,200}>")
_ENTITY_RESIDUE = re.compile(r"&(?:nbsp|amp|lt|gt|quot|#\d+);?", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
# Full-width ASCII (！ to ～) sits 0xFEE0 above its half-width form; U+3000 is the ideographic space.
HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_jieba_ready = threading.Lock()
_jieba_loaded = False


def clean(text: str | None) -> str:
    """The text without markup and tab residue, full-width ASCII made half-width, whitespace
    collapsed to single spaces, letters lower-cased."""
    if not text:
        return ""
    text = html.unescape(_TAG.sub(" ", text))
    text = _ENTITY_RESIDUE.sub(" ", text)
    text = text.translate(HALF_WIDTH).replace("\xa0", " ")
    return _SPACE.sub(" ", text).strip().lower()


def _load_jieba() -> None:
    global _jieba_loaded  # one dictionary per process, loaded on first use
    with _jieba_ready:
        if not _jieba_loaded:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _jieba_loaded = True


def words(text: str) -> list[str]:
    """The words of a cleaned text (jieba, precise mode), spaces and lone punctuation dropped."""
    if not _jieba_loaded:
        _load_jieba()
    return [w for w in jieba.lcut(text) if w.strip() and (len(w) > 1 or w.isalnum())]
