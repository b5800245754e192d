"""Character n-gram TF-IDF computed on arrays of code points, for the routing classifier.

Pure (no ORM). scikit-learn's `TfidfVectorizer(analyzer="char")` builds a Python string for every
n-gram of every text; on case texts of a few hundred characters that costs milliseconds per text
and dominated the time of a suggestion. Here a batch of texts becomes one array of code points
(UTF-32), each n-gram one 63-bit integer (three 21-bit code points; Unicode ends at 0x10FFFF), and
the vocabulary a sorted array searched with `np.searchsorted`: a text costs microseconds.

The weighting matches what the classifier used before: term frequency `1 + log(count)`, smoothed
inverse document frequency `1 + log((1 + n) / (1 + df))`, rows scaled to unit length; n-grams in
fewer than `min_df` texts or in more than `max_df` of them are not kept. N-grams never span two
texts; spaces are characters like the others (a text is already cleaned).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

__all__ = ["CharNgramTfidf"]

_BITS = 21  # code points are below 2**21
_SEPARATOR = 0  # joins texts; no n-gram contains it


def _codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The code points of all texts joined by a separator, and the text each position belongs to."""
    joined = "\0".join(text.replace("\0", " ") for text in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    lengths = np.fromiter((len(text) + 1 for text in texts), dtype=np.int64, count=len(texts))
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)[: len(codes)]
    return codes, doc


def _grams(texts: Sequence[str], n_min: int, n_max: int) -> tuple[np.ndarray, np.ndarray]:
    """(text index, n-gram key) of every n-gram of length n_min…n_max of every text."""
    codes, doc = _codes(texts)
    keys, docs = [], []
    for n in range(n_min, n_max + 1):
        if len(codes) < n:
            break
        span = len(codes) - n + 1
        key = np.zeros(span, dtype=np.int64)
        valid = np.ones(span, dtype=bool)
        for offset in range(n):
            part = codes[offset : offset + span]
            valid &= part != _SEPARATOR
            key |= part << (_BITS * (2 - offset))
        keys.append(key[valid])
        docs.append(doc[:span][valid])
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(docs), np.concatenate(keys)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (a sort beats numpy's hash-based `unique` on these arrays)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _decode(key: int) -> str:
    chars = [(key >> (_BITS * (2 - i))) & ((1 << _BITS) - 1) for i in range(3)]
    return "".join(chr(c) for c in chars if c)


class CharNgramTfidf:
    """`fit_transform(texts)` learns the vocabulary and document frequencies; `transform(texts)`
    maps new texts onto them. `terms()` gives the n-gram of each column."""

    def __init__(
        self, *, ngram_range: tuple[int, int] = (1, 3), min_df: int = 2, max_df: float = 0.9
    ) -> None:
        if not 1 <= ngram_range[0] <= ngram_range[1] <= 3:
            raise ValueError("n-grams of 1 to 3 characters are supported")
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.vocabulary: np.ndarray = np.zeros(0, dtype=np.int64)  # sorted n-gram keys
        self.idf: np.ndarray = np.zeros(0, dtype=np.float64)

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        doc, key = _grams(texts, *self.ngram_range)
        vocabulary = _distinct(key)
        column = np.searchsorted(vocabulary, key)
        # document frequency: distinct (text, n-gram) pairs per n-gram
        pairs = _distinct(doc * len(vocabulary) + column)
        df = np.bincount(pairs % len(vocabulary), minlength=len(vocabulary))
        keep = (df >= self.min_df) & (df <= self.max_df * len(texts))
        self.vocabulary = vocabulary[keep]
        self.idf = 1.0 + np.log((1.0 + len(texts)) / (1.0 + df[keep]))
        return self.transform(texts)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        doc, key = _grams(texts, *self.ngram_range)
        shape = (len(texts), len(self.vocabulary))
        if not len(self.vocabulary) or not len(key):
            return sparse.csr_matrix(shape, dtype=np.float64)
        column = np.searchsorted(self.vocabulary, key)
        column[column == len(self.vocabulary)] = 0
        known = self.vocabulary[column] == key
        counts = sparse.coo_matrix(
            (np.ones(int(known.sum()), dtype=np.float64), (doc[known], column[known])), shape=shape
        ).tocsr()  # duplicates are summed: raw counts
        counts.sum_duplicates()
        counts.data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ counts)

    def terms(self) -> np.ndarray:
        return np.array([_decode(int(k)) for k in self.vocabulary], dtype=object)
