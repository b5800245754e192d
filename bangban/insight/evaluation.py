"""Reading labelled example files and measuring a classifier on them (pure, no ORM).

`manage.py text_model evaluate` and the routing training use the same `TextClassifier`; this module
adds what measuring needs: a strict reader of `.jsonl` example files (one `{"title", "text",
"label"}` object per line) that names the first problem with its line number, and the figures
(macro-F1, accuracy, F1 per label, training time, texts per second).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from .classifier import Example, TextClassifier

__all__ = ["DatasetError", "Report", "cross_validate", "evaluate", "macro_f1", "read_examples", "score"]

FIELDS = ("title", "text", "label")


class DatasetError(ValueError):
    """An example file that cannot be used; the message names the file, the line and the problem
    in Chinese and English."""


def read_examples(path: str | Path) -> list[Example]:
    """The examples of a `.jsonl` file. A blank line is skipped; anything else that is not a JSON
    object with string fields `title` (may be empty), `text` and `label` (not empty) is refused."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise DatasetError(f"无法读取文件 {path}（cannot read {path}: {exc.strerror}）") from exc
    examples: list[Example] = []
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                examples.append(_example(path, number, line))
        except UnicodeDecodeError as exc:
            raise DatasetError(f"{path} 不是 UTF-8 编码（{path} is not UTF-8 text）") from exc
    if not examples:
        raise DatasetError(f"{path} 是空文件，没有任何样本（{path} is empty: no examples）")
    return examples


def _example(path: Path, number: int, line: str) -> Example:
    where = f"{path} 第 {number} 行"
    where_en = f"{path} line {number}"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{where}不是有效的 JSON（{where_en}: invalid JSON, {exc.msg}）") from exc
    if not isinstance(row, dict):
        raise DatasetError(f"{where}应为 JSON 对象（{where_en}: expected a JSON object）")
    for name in FIELDS:
        if name not in row:
            raise DatasetError(f"{where}缺少字段 {name}（{where_en}: missing field {name!r}）")
        if not isinstance(row[name], str):
            raise DatasetError(
                f"{where}字段 {name} 应为字符串（{where_en}: field {name!r} must be a string）"
            )
    if not row["label"].strip():
        raise DatasetError(f"{where}字段 label 为空（{where_en}: empty label）")
    if not (row["title"].strip() or row["text"].strip()):
        raise DatasetError(f"{where}标题和正文都为空（{where_en}: both title and text are empty）")
    return Example(title=row["title"], text=row["text"], label=row["label"].strip())


def check_trainable(examples: Sequence[Example], source: str) -> None:
    labels = {e.label for e in examples}
    if len(labels) < 2:
        raise DatasetError(
            f"{source} 只有一个类别（{next(iter(labels))}），无法训练分类器"
            f"（{source} has one label only: a classifier needs at least two）"
        )


@dataclass(frozen=True)
class Report:
    """What a measurement found."""

    macro_f1: float
    accuracy: float
    per_label: dict[str, float]  # F1 per label
    support: dict[str, int]  # test examples per label
    train_seconds: float  # mean time to train one model
    texts_per_second: float  # prediction throughput, in batches
    examples: int  # examples predicted
    folds: int = 0  # 0: a train/test split

    def lines(self) -> list[str]:
        how = (
            f"{self.folds} 折交叉验证 ({self.folds}-fold CV)" if self.folds else "训练集/测试集 (train/test)"
        )
        out = [
            f"评估方式 method: {how}，样本 examples: {self.examples}",
            f"macro-F1: {self.macro_f1:.4f}",
            f"准确率 accuracy: {self.accuracy:.4f}",
            f"训练耗时 training time: {self.train_seconds:.1f} s",
            f"预测速度 prediction: {self.texts_per_second:.0f} texts/s",
            "各类别 F1 (per-label F1):",
        ]
        width = max(len(label) for label in self.per_label)
        for label, value in sorted(self.per_label.items(), key=lambda kv: -kv[1]):
            out.append(f"  {label:<{width}}  {value:.4f}  (n={self.support.get(label, 0)})")
        return out


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    return float(f1_score(list(truth), list(predicted), average="macro", zero_division=0))


def score(
    truth: Sequence[str],
    predicted: Sequence[str],
    *,
    train_seconds: float,
    predict_seconds: float,
    folds: int = 0,
) -> Report:
    labels = sorted(set(truth))
    per_label = f1_score(list(truth), list(predicted), labels=labels, average=None, zero_division=0)
    return Report(
        macro_f1=macro_f1(truth, predicted),
        accuracy=float(accuracy_score(list(truth), list(predicted))),
        per_label={label: float(v) for label, v in zip(labels, per_label, strict=True)},
        support={label: sum(1 for t in truth if t == label) for label in labels},
        train_seconds=train_seconds,
        texts_per_second=len(truth) / predict_seconds if predict_seconds > 0 else float("inf"),
        examples=len(truth),
        folds=folds,
    )


Factory = Callable[[], TextClassifier]


def evaluate(
    train: Sequence[Example], test: Sequence[Example], *, factory: Factory = TextClassifier
) -> Report:
    """Train on `train`, measure on `test`. A test label the training file does not have is refused
    (the classifier could never predict it)."""
    check_trainable(train, "训练文件 (training file)")
    known = {e.label for e in train}
    unknown = sorted({e.label for e in test} - known)
    if unknown:
        raise DatasetError(
            f"测试文件含有训练文件中没有的类别：{'、'.join(unknown)}"
            f"（test labels unknown to the training file: {', '.join(unknown)}）"
        )
    started = time.perf_counter()
    model = factory().fit(train)
    trained = time.perf_counter() - started
    started = time.perf_counter()
    predicted = [p.label for p in model.predict_many([(e.title, e.text) for e in test], reasons=0)]
    return score(
        [e.label for e in test],
        predicted,
        train_seconds=trained,
        predict_seconds=time.perf_counter() - started,
    )


def cross_validate(examples: Sequence[Example], folds: int, *, factory: Factory = TextClassifier) -> Report:
    """Stratified `folds`-fold cross-validation (shuffled with a fixed seed: repeatable)."""
    check_trainable(examples, "训练文件 (training file)")
    if folds < 2:
        raise DatasetError(f"折数至少为 2（--cv must be at least 2, got {folds}）")
    y = np.array([e.label for e in examples])
    smallest = min(int((y == label).sum()) for label in set(y))
    if smallest < folds:
        raise DatasetError(
            f"有类别只有 {smallest} 个样本，少于折数 {folds}（a label has {smallest} examples, fewer than {folds} folds）"
        )
    predicted = np.empty(len(y), dtype=object)
    train_seconds = predict_seconds = 0.0
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in splitter.split(np.zeros(len(y)), y):
        started = time.perf_counter()
        model = factory().fit([examples[i] for i in train])
        train_seconds += time.perf_counter() - started
        started = time.perf_counter()
        found = model.predict_many([(examples[i].title, examples[i].text) for i in test], reasons=0)
        predict_seconds += time.perf_counter() - started
        predicted[test] = [p.label for p in found]
    return score(
        list(y),
        list(predicted),
        train_seconds=train_seconds / folds,
        predict_seconds=predict_seconds,
        folds=folds,
    )
