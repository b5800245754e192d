"""The classifier's own promises: cleaning, a stored model that comes back the same, and a clear
refusal (never a crash) for a missing, damaged or outdated model."""

from __future__ import annotations

import pytest

from bangban.insight.classifier import FORMAT_VERSION, Example, ModelUnavailable, TextClassifier
from bangban.insight.text import clean

EXAMPLES = [
    Example("道路拥堵", "早高峰公交站附近道路拥堵严重", "交通"),
    Example("公交停运", "公交线路停运，出行不便", "交通"),
    Example("道路破损", "道路破损坑洼，车辆通行困难", "交通"),
    Example("学校收费", "学校乱收费，家长负担重", "教育"),
    Example("入学难", "小学入学难，学区划分不合理", "教育"),
    Example("教师补课", "教师有偿补课，学校不管", "教育"),
]


def test_cleaning_removes_markup_and_full_width_residue():
    assert clean("<p>ＡＢＣ１２３&nbsp;\t道路　拥堵</p>") == "abc123 道路 拥堵"
    assert clean(None) == ""


def test_a_stored_model_predicts_the_same_with_its_reasons():
    model = TextClassifier().fit(EXAMPLES)
    again = TextClassifier.from_bytes(model.to_bytes())
    first = model.predict("", "公交站道路拥堵")
    second = again.predict("", "公交站道路拥堵")
    assert first.label == second.label == "交通"
    assert first.confidence == pytest.approx(second.confidence)
    assert 0.5 < first.confidence <= 1
    assert first.reasons and all(len(term) >= 2 for term in first.reasons)


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (None, "没有可用的模型"),
        (b"", "没有可用的模型"),
        (b"not a model at all", "模型数据已损坏"),
        (b"BBTC\x00\x09\x00\x00\x00\x00xx", f"模型格式版本 9 与当前版本 {FORMAT_VERSION} 不符"),
        # a model of the first format (scikit-learn's character vectoriser) asks for a retraining
        (b"BBTC\x00\x01\x00\x00\x00\x00xx", f"模型格式版本 1 与当前版本 {FORMAT_VERSION} 不符，请重新训练"),
        (b"BBTC" + FORMAT_VERSION.to_bytes(2, "big") + b"\x00\x00\x00\x00garbage", "校验失败"),
    ],
)
def test_a_missing_damaged_or_outdated_model_is_refused_clearly(blob, message):
    with pytest.raises(ModelUnavailable, match=message):
        TextClassifier.from_bytes(blob)
