"""`manage.py text_model evaluate`: figures on good files, a clear refusal for every bad one."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Sequence
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bangban.insight.classifier import TextClassifier
from bangban.insight.evaluation import cross_validate, read_examples

REAL = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "tipdm2020" / "labelled_train.jsonl"

TOPICS = {
    "交通运输": ["公交线路调整", "道路拥堵严重", "出租车拒载", "高速收费站排队", "地铁站出口封闭"],
    "环境保护": ["工厂排放废气", "河道污水发臭", "夜间施工噪音", "垃圾焚烧异味", "扬尘污染严重"],
    "教育文体": ["学校乱收费", "幼儿园入学难", "教师补课收费", "学区划分不公", "体育馆不开放"],
}


def _rows(per_label: int = 8, seed: int = 1) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for label, phrases in TOPICS.items():
        for i in range(per_label):
            a, b = rng.sample(phrases, 2)
            rows.append(
                {"title": f"{a}问题", "text": f"我们小区附近{a}，还有{b}，请尽快处理（{i}）", "label": label}
            )
    rng.shuffle(rows)
    return rows


def _write(path: Path, rows: Sequence[object] | None = None, raw: str | None = None) -> Path:
    if raw is None:
        raw = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows or [])
    path.write_text(raw, encoding="utf-8")
    return path


def _run(*args: str) -> str:
    out = StringIO()
    call_command("text_model", "evaluate", *args, stdout=out)
    return out.getvalue()


def test_train_test_prints_the_figures(tmp_path):
    train = _write(tmp_path / "train.jsonl", _rows(8, seed=1))
    test = _write(tmp_path / "test.jsonl", _rows(3, seed=2))
    out = _run("--train", str(train), "--test", str(test))
    assert "macro-F1: 1.0000" in out
    assert "准确率 accuracy: 1.0000" in out
    assert "训练耗时 training time:" in out and "texts/s" in out
    for label in TOPICS:
        assert f"  {label}" in out


def test_cross_validation_on_the_train_file(tmp_path):
    train = _write(tmp_path / "train.jsonl", _rows(8))
    out = _run("--train", str(train), "--cv", "4")
    assert "4 折交叉验证" in out
    assert "样本 examples: 24" in out
    value = float(out.split("macro-F1: ")[1].split()[0])
    assert value >= 0.9


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            '{"title": "a", "text": "b", "label": "x"}\n{"title": "a", "text": \n',
            ["第 2 行", "line 2", "invalid JSON"],
        ),
        ('{"title": "a", "label": "x"}\n', ["第 1 行", "缺少字段 text", "missing field 'text'"]),
        ('{"title": "a", "text": "b"}\n', ["缺少字段 label", "missing field 'label'"]),
        ('{"title": "a", "text": "b", "label": ""}\n', ["label 为空", "empty label"]),
        ('{"title": "a", "text": 3, "label": "x"}\n', ["应为字符串", "must be a string"]),
        ('["a", "b", "x"]\n', ["应为 JSON 对象", "expected a JSON object"]),
        ("", ["空文件", "is empty"]),
        ("\n\n", ["空文件", "is empty"]),
    ],
)
def test_a_malformed_train_file_is_refused_with_its_line(tmp_path, raw, expected):
    train = _write(tmp_path / "train.jsonl", raw=raw)
    with pytest.raises(CommandError) as refused:
        _run("--train", str(train), "--cv", "2")
    for words in expected:
        assert words in str(refused.value)


def test_one_class_only_is_refused(tmp_path):
    rows = [r for r in _rows(8) if r["label"] == "交通运输"]
    train = _write(tmp_path / "train.jsonl", rows)
    with pytest.raises(CommandError, match=r"只有一个类别.*one label only"):
        _run("--train", str(train), "--cv", "2")


def test_a_test_label_unknown_to_the_training_file_is_refused(tmp_path):
    rows = _rows(8)
    train = _write(tmp_path / "train.jsonl", [r for r in rows if r["label"] != "教育文体"])
    test = _write(
        tmp_path / "test.jsonl", [*rows[:6], {"title": "学校", "text": "学校乱收费", "label": "教育文体"}]
    )
    with pytest.raises(CommandError, match=r"没有的类别：教育文体.*unknown to the training file: 教育文体"):
        _run("--train", str(train), "--test", str(test))


def test_a_missing_file_and_a_bad_fold_count_are_refused(tmp_path):
    with pytest.raises(CommandError, match=r"无法读取文件.*cannot read"):
        _run("--train", str(tmp_path / "nowhere.jsonl"), "--cv", "2")
    train = _write(tmp_path / "train.jsonl", _rows(3))
    with pytest.raises(CommandError, match=r"少于折数 5.*fewer than 5 folds"):
        _run("--train", str(train), "--cv", "5")
    with pytest.raises(CommandError, match="至少为 2"):
        _run("--train", str(train), "--cv", "1")


def test_the_command_exits_non_zero_with_the_message(tmp_path):
    train = _write(tmp_path / "train.jsonl", raw='{"title": "a", "text": "b", "label": "x"}\nnot json\n')
    done = subprocess.run(
        [sys.executable, "manage.py", "text_model", "evaluate", "--train", str(train), "--cv", "2"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )
    assert done.returncode == 1
    assert "第 2 行不是有效的 JSON" in done.stderr and "line 2: invalid JSON" in done.stderr


def test_real_city_texts_are_classified_well_in_cross_validation():
    if not REAL.exists():
        pytest.skip(f"真实留言数据不在本机（{REAL} 不存在），跳过 / real message data absent")
    examples = read_examples(REAL)
    sample = random.Random(7).sample(examples, 1500)
    # The labels do not depend on the confidence calibration; leaving it out keeps the test fast.
    report = cross_validate(sample, 2, factory=lambda: TextClassifier(calibrate=False))
    assert report.examples == 1500
    assert report.macro_f1 > 0.75, report.lines()
