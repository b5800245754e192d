"""A text classifier for routing: learns labels (a category, a handling unit) from case texts.

Pure (no ORM): it trains on `(title, text, label)` examples and predicts a label with a confidence
and the terms that weighed most for it, so a dispatcher can see why it was suggested.

Features: TF-IDF over character 1–3-grams of the cleaned text (robust to typos and to the names
and words no segmenter knows), computed on arrays of code points (`ngrams.CharNgramTfidf`); the
title is repeated so that its few words count as much as a long description; term frequency is
sublinear. jieba words can be added (`use_words=True`) for comparison: on the labelled
message-board sample they add about a point of macro-F1 and cost three quarters of the prediction
time, so the product does without them (docs/text-intelligence.md). A linear SVM (C = 1, classes
weighted by their inverse frequency) separates the labels; its decision values become a confidence
through a softmax whose temperature is fitted on held-out decision values of the training data
(so that a confidence of 0.8 means about 8 in 10 right on texts it has not seen).

A trained model serialises to bytes (`to_bytes`) with a format version; `from_bytes` refuses a
corrupt, foreign or outdated blob with `ModelUnavailable`, which callers turn into "no suggestion".
"""

from __future__ import annotations

import math
import pickle
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from .ngrams import CharNgramTfidf
from .text import clean, words

__all__ = [
    "FORMAT_VERSION",
    "Example",
    "ModelUnavailable",
    "Prediction",
    "TextClassifier",
    "TrainingRefused",
    "dumps",
    "loads",
]

FORMAT_VERSION = 2  # 2: character n-grams by CharNgramTfidf; words optional
_MAGIC = b"BBTC"
T = TypeVar("T")
TITLE_WEIGHT = 3  # the title counts as if written three times
MAX_CHARS = 3000  # longer texts add little and cost time: the first 3,000 characters are read


class ModelUnavailable(Exception):
    """The stored model cannot be used (missing, corrupt, or of another format version)."""


class TrainingRefused(ValueError):
    """The examples cannot train a classifier (too few, or one label only)."""


@dataclass(frozen=True)
class Example:
    title: str
    text: str
    label: str


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float  # 0–1
    reasons: tuple[str, ...]  # the terms that weighed most for `label`, strongest first
    ranking: tuple[tuple[str, float], ...] = field(default=())  # (label, confidence), best first


Prepared = tuple[str, list[str]]  # the text the character n-grams are read from; its words


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _prepare(title: str, text: str, *, with_words: bool) -> Prepared:
    title, text = clean(title), clean(text)[:MAX_CHARS]
    chars = " ".join(part for part in [title] * TITLE_WEIGHT + [text] if part)
    if not with_words:
        return chars, []
    return chars, words(title) * TITLE_WEIGHT + words(text)


class TextClassifier:
    """Train with `fit(examples)`; then `predict(title, text)` or `predict_many(pairs)`."""

    def __init__(self, *, c: float = 1.0, use_words: bool = False, calibrate: bool = True) -> None:
        self.c = c
        self.use_words = use_words
        self.calibrate = calibrate
        self.labels: list[str] = []
        self.temperature = 1.0
        self.trained_on = 0
        self._chars: CharNgramTfidf | None = None
        self._words: TfidfVectorizer | None = None
        self._svm: LinearSVC | None = None
        self._terms: np.ndarray | None = None

    # --- training ---------------------------------------------------------------------------

    def fit(self, examples: Sequence[Example]) -> TextClassifier:
        counts = Counter(e.label for e in examples)
        if len(counts) < 2:
            raise TrainingRefused("训练数据至少需要两个类别 (at least two labels are needed)")
        prepared = [_prepare(e.title, e.text, with_words=self.use_words) for e in examples]
        y = np.array([e.label for e in examples])
        self._fit_prepared(prepared, y)
        if self.calibrate and min(counts.values()) >= 3:
            self.temperature = self._fit_temperature(prepared, y)
        self.trained_on = len(examples)
        return self

    def _fit_prepared(self, prepared: Sequence[Prepared], y: np.ndarray) -> None:
        # A small city's first cases: keep every term (a term seen once may be all there is).
        min_df, max_df = (2, 0.9) if len(prepared) >= 200 else (1, 1.0)
        self._chars = CharNgramTfidf(ngram_range=(1, 3), min_df=min_df, max_df=max_df)
        parts = [self._chars.fit_transform([p[0] for p in prepared])]
        terms = list(self._chars.terms())
        if self.use_words:
            self._words = TfidfVectorizer(
                analyzer=_identity, sublinear_tf=True, min_df=min_df, max_df=max_df, lowercase=False
            )
            parts.append(self._words.fit_transform([p[1] for p in prepared]))
            terms += list(self._words.get_feature_names_out())
        self._terms = np.array(terms, dtype=object)
        self._svm = LinearSVC(C=self.c, class_weight="balanced")
        self._svm.fit(hstack(parts).tocsr(), y)
        self.labels = [str(label) for label in self._svm.classes_]

    def _fit_temperature(self, prepared: Sequence[Prepared], y: np.ndarray) -> float:
        """The softmax temperature that best fits (log-loss) decision values of folds held out
        from training; the final model is then trained on everything."""
        final = (self._chars, self._words, self._svm, self._terms, self.labels)
        scores, truth = [], []
        folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
        for train, test in folds.split(np.zeros(len(y)), y):
            self._fit_prepared([prepared[i] for i in train], y[train])
            if len(self.labels) != len(final[4]):
                continue
            scores.append(self._decision([prepared[i] for i in test]))
            truth.append(np.array([final[4].index(label) for label in y[test]]))
        self._chars, self._words, self._svm, self._terms, self.labels = final
        if not scores:
            return 1.0
        decision, index = np.vstack(scores), np.concatenate(truth)
        best, best_loss = 1.0, math.inf
        for temperature in np.geomspace(0.02, 2.0, 40):
            p = _softmax(decision / temperature)
            loss = -float(np.mean(np.log(p[np.arange(len(index)), index] + 1e-12)))
            if loss < best_loss:
                best, best_loss = float(temperature), loss
        return best

    # --- prediction -------------------------------------------------------------------------

    def _features(self, prepared: Sequence[Prepared]) -> csr_matrix:
        if self._chars is None or self._svm is None:
            raise ModelUnavailable("模型尚未训练 (the model is not trained)")
        parts = [self._chars.transform([p[0] for p in prepared])]
        if self._words is not None:
            parts.append(self._words.transform([p[1] for p in prepared]))
        return hstack(parts).tocsr()

    def _decision(self, prepared: Sequence[Prepared]) -> np.ndarray:
        assert self._svm is not None
        decision = self._svm.decision_function(self._features(prepared))
        if decision.ndim == 1:  # two labels: one column, positive for the second
            decision = np.column_stack([-decision, decision])
        return decision

    def predict(self, title: str, text: str, *, reasons: int = 5) -> Prediction:
        return self.predict_many([(title, text)], reasons=reasons)[0]

    def predict_many(self, pairs: Sequence[tuple[str, str]], *, reasons: int = 5) -> list[Prediction]:
        if not pairs:
            return []
        prepared = [_prepare(title, text, with_words=self._words is not None) for title, text in pairs]
        features = self._features(prepared)
        assert self._svm is not None and self._terms is not None
        decision = self._svm.decision_function(features)
        if decision.ndim == 1:
            decision = np.column_stack([-decision, decision])
        probabilities = _softmax(decision / self.temperature)
        coef = self._svm.coef_
        out = []
        for row in range(len(pairs)):
            order = np.argsort(-probabilities[row])
            best = int(order[0])
            out.append(
                Prediction(
                    label=self.labels[best],
                    confidence=float(probabilities[row, best]),
                    reasons=self._reasons(
                        features[row],
                        coef[best if coef.shape[0] > 1 else 0],
                        reasons,
                        sign=1.0 if coef.shape[0] > 1 or best == 1 else -1.0,
                    ),
                    ranking=tuple(
                        (self.labels[int(i)], float(probabilities[row, int(i)])) for i in order[:3]
                    ),
                )
            )
        return out

    def _reasons(self, row: csr_matrix, weights: np.ndarray, limit: int, *, sign: float) -> tuple[str, ...]:
        """The readable terms (two characters or more, no spaces) that pushed most for the label."""
        assert self._terms is not None
        contribution = row.data * weights[row.indices] * sign
        chosen: list[str] = []
        for i in np.argsort(-contribution):
            if contribution[i] <= 0 or len(chosen) >= limit:
                break
            term = str(self._terms[row.indices[i]]).strip()
            if len(term) < 2 or " " in term or term.isdigit():
                continue
            if any(term in other or other in term for other in chosen):
                continue
            chosen.append(term)
        return tuple(chosen)

    # --- storage ----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        if self._svm is None:
            raise ModelUnavailable("模型尚未训练 (the model is not trained)")
        return dumps(self)

    @classmethod
    def from_bytes(cls, blob: bytes | memoryview | None) -> TextClassifier:
        return loads(blob, cls)


def dumps(model: object) -> bytes:
    """`model` as bytes: a marker, the format version, a checksum and the compressed pickle."""
    body = zlib.compress(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), 6)
    return _MAGIC + FORMAT_VERSION.to_bytes(2, "big") + zlib.crc32(body).to_bytes(4, "big") + body


def loads(blob: bytes | memoryview | None, kind: type[T]) -> T:
    """The model of type `kind` stored in `blob` by `dumps`; `ModelUnavailable` when it is missing,
    damaged or of another format version (never another exception)."""
    if not blob:
        raise ModelUnavailable("没有可用的模型 (no model stored)")
    blob = bytes(blob)
    if len(blob) < 10 or blob[:4] != _MAGIC:
        raise ModelUnavailable("模型数据已损坏 (the stored model is not a routing model)")
    version = int.from_bytes(blob[4:6], "big")
    if version != FORMAT_VERSION:
        raise ModelUnavailable(
            f"模型格式版本 {version} 与当前版本 {FORMAT_VERSION} 不符，请重新训练 "
            f"(model format {version}, expected {FORMAT_VERSION}: retrain)"
        )
    body = blob[10:]
    if zlib.crc32(body) != int.from_bytes(blob[6:10], "big"):
        raise ModelUnavailable("模型数据已损坏（校验失败）(the stored model failed its checksum)")
    try:
        model = pickle.loads(zlib.decompress(body))  # our own blob, checksummed above
    except Exception as exc:
        raise ModelUnavailable(f"模型数据无法读取 (the stored model cannot be read: {exc})") from exc
    if not isinstance(model, kind):
        raise ModelUnavailable("模型数据类型不符 (the stored object is not the expected model)")
    return model


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = values - values.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)
