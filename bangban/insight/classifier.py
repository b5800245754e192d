"""A text classifier for routing: learns labels (a category, a handling unit) from case texts.

Pure (no ORM): it trains on `(title, text, label)` examples and predicts a label with a confidence
and the terms that weighed most for it, so a dispatcher can see why it was suggested.

Features: TF-IDF over character 1–2-grams of the cleaned text (robust to typos and to the names
and words no segmenter knows), computed on arrays of code points (`ngrams.CharNgramTfidf`); the
title is repeated so that its few words count as much as a long description; term frequency is
sublinear. jieba words can be added (`use_words=True`) for comparison; on the labelled
message-board sample they add nothing and cost three quarters of the prediction time, so the
product does without them (docs/text-intelligence.md).

Each label has its own linear SVM (one against the rest, C = 1, the two sides weighted by their
inverse frequency) trained on the features scaled by how much more often each n-gram occurs in
texts of that label than in the others (the log-count ratio of a naive Bayes model, smoothed by one
text): an n-gram typical of a label speaks louder for it. Scaling a feature and then weighting it is
one weight, so a trained model is one matrix of weights per label and a prediction costs the same as
a plain linear model. The decision values become a confidence through a softmax whose temperature
is fitted on held-out decision values of the training data (so that a confidence of 0.8 means about
8 in 10 right on texts it has not seen).

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

FORMAT_VERSION = 3  # 2: character n-grams by CharNgramTfidf; 3: per-label n-gram scaling (NB)
_MAGIC = b"BBTC"
T = TypeVar("T")
TITLE_WEIGHT = 3  # the title counts as if written three times
NGRAM_RANGE = (1, 2)  # character unigrams and bigrams: longer n-grams added noise (text-intelligence.md)
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
        self._coef: np.ndarray | None = None  # one row of weights per label
        self._intercept: np.ndarray | None = None
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
        self._chars = CharNgramTfidf(ngram_range=NGRAM_RANGE, min_df=min_df, max_df=max_df)
        parts = [self._chars.fit_transform([p[0] for p in prepared])]
        terms = list(self._chars.terms())
        if self.use_words:
            self._words = TfidfVectorizer(
                analyzer=_identity, sublinear_tf=True, min_df=min_df, max_df=max_df, lowercase=False
            )
            parts.append(self._words.fit_transform([p[1] for p in prepared]))
            terms += list(self._words.get_feature_names_out())
        self._terms = np.array(terms, dtype=object)
        features = hstack(parts).tocsr()
        present = (features > 0).astype(np.float64).tocsr()
        self.labels = sorted({str(label) for label in y})
        coef, intercept = [], []
        for label in self.labels:
            mine = y == label
            ratio = _log_count_ratio(present, mine)
            svm = LinearSVC(C=self.c, class_weight="balanced")
            svm.fit(features.multiply(ratio).tocsr(), mine.astype(np.int8))
            coef.append(svm.coef_[0] * ratio)
            intercept.append(svm.intercept_[0])
        self._coef, self._intercept = np.vstack(coef), np.array(intercept)

    def _fit_temperature(self, prepared: Sequence[Prepared], y: np.ndarray) -> float:
        """The softmax temperature that best fits (log-loss) decision values of folds held out
        from training; the final model is then trained on everything."""
        final = (self._chars, self._words, self._coef, self._intercept, self._terms, self.labels)
        scores, truth = [], []
        folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
        for train, test in folds.split(np.zeros(len(y)), y):
            self._fit_prepared([prepared[i] for i in train], y[train])
            if len(self.labels) != len(final[5]):
                continue
            scores.append(self._decision([prepared[i] for i in test]))
            truth.append(np.array([final[5].index(label) for label in y[test]]))
        self._chars, self._words, self._coef, self._intercept, self._terms, self.labels = final
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
        if self._chars is None or self._coef is None:
            raise ModelUnavailable("模型尚未训练 (the model is not trained)")
        parts = [self._chars.transform([p[0] for p in prepared])]
        if self._words is not None:
            parts.append(self._words.transform([p[1] for p in prepared]))
        return hstack(parts).tocsr()

    def _decision(self, prepared: Sequence[Prepared]) -> np.ndarray:
        return self._scores(self._features(prepared))

    def _scores(self, features: csr_matrix) -> np.ndarray:
        assert self._coef is not None and self._intercept is not None
        return np.asarray(features @ self._coef.T) + self._intercept

    def predict(self, title: str, text: str, *, reasons: int = 5) -> Prediction:
        return self.predict_many([(title, text)], reasons=reasons)[0]

    def predict_many(self, pairs: Sequence[tuple[str, str]], *, reasons: int = 5) -> list[Prediction]:
        if not pairs:
            return []
        prepared = [_prepare(title, text, with_words=self._words is not None) for title, text in pairs]
        features = self._features(prepared)
        assert self._coef is not None
        probabilities = _softmax(self._scores(features) / self.temperature)
        coef = self._coef
        out = []
        for row in range(len(pairs)):
            order = np.argsort(-probabilities[row])
            best = int(order[0])
            out.append(
                Prediction(
                    label=self.labels[best],
                    confidence=float(probabilities[row, best]),
                    reasons=self._reasons(features[row], coef[best], reasons),
                    ranking=tuple(
                        (self.labels[int(i)], float(probabilities[row, int(i)])) for i in order[:3]
                    ),
                )
            )
        return out

    def _reasons(self, row: csr_matrix, weights: np.ndarray, limit: int) -> tuple[str, ...]:
        """The readable terms (two characters or more, no spaces) that pushed most for the label."""
        assert self._terms is not None
        contribution = row.data * weights[row.indices]
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
        if self._coef is None:
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


def _log_count_ratio(present: csr_matrix, mine: np.ndarray) -> np.ndarray:
    """Per feature: log of (its share among the label's texts) over (its share among the others),
    each count smoothed by one text, from the 0/1 matrix of which texts hold which features."""
    inside = np.asarray(present[mine].sum(axis=0)).ravel() + 1.0
    outside = np.asarray(present[~mine].sum(axis=0)).ravel() + 1.0
    return np.log((inside / inside.sum()) / (outside / outside.sum()))


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = values - values.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)
