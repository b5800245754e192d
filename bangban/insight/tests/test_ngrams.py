"""The code-point n-gram TF-IDF gives exactly what scikit-learn's character vectoriser gives (the
reference the classifier used before), for Chinese, mixed, astral and empty texts."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from bangban.insight.classifier import Example, TextClassifier
from bangban.insight.ngrams import CharNgramTfidf

TRAIN = [
    "小区 物业 乱收费 停车费 上涨",
    "小区停车位 捆绑销售",
    "搅拌站 噪音 扰民 夜间施工",
    "夜间施工噪音扰民 搅拌站",
    "学校 乱收费 补课费",
    "公交 线路 停运 出行不便 abc123",
    "企业 用电 难 𠀀𠀁 办证 慢",  # characters beyond the basic plane
    "",
    "物业",
]
NEW = ["物业 乱收费", "搅拌站夜间施工噪音", "", "完全没见过的字词", "𠀀𠀁 用电 难", "a"]


@pytest.mark.parametrize(
    ("ngram_range", "min_df", "max_df"), [((1, 3), 2, 0.9), ((1, 3), 1, 1.0), ((2, 3), 1, 0.5)]
)
def test_the_weights_are_those_of_the_reference_vectoriser(ngram_range, min_df, max_df):
    ours = CharNgramTfidf(ngram_range=ngram_range, min_df=min_df, max_df=max_df)
    reference = TfidfVectorizer(
        analyzer="char",
        ngram_range=ngram_range,
        sublinear_tf=True,
        min_df=min_df,
        max_df=max_df,
        lowercase=False,
    )
    fitted, expected = ours.fit_transform(TRAIN), reference.fit_transform(TRAIN)
    names = {name: i for i, name in enumerate(reference.get_feature_names_out())}
    terms = ours.terms()
    assert sorted(terms) == sorted(names)
    columns = np.array([names[t] for t in terms])
    assert np.abs(fitted.toarray() - expected[:, columns].toarray()).max() < 1e-12
    new = ours.transform(NEW).toarray()
    assert np.abs(new - reference.transform(NEW)[:, columns].toarray()).max() < 1e-12
    assert not new[2].any() and not new[3].any()  # empty and unseen texts have no features


def test_nothing_to_learn_gives_empty_rows_not_an_error():
    vectoriser = CharNgramTfidf(min_df=5)
    assert vectoriser.fit_transform(["甲乙", "丙丁"]).shape == (2, 0)
    assert vectoriser.transform(["甲乙"]).shape == (1, 0)
    assert CharNgramTfidf().fit_transform([]).shape == (0, 0)


def test_jieba_words_can_still_be_added_for_comparison():
    examples = [
        Example("道路拥堵", "早高峰公交站附近道路拥堵严重", "交通"),
        Example("公交停运", "公交线路停运，出行不便", "交通"),
        Example("学校收费", "学校乱收费，家长负担重", "教育"),
        Example("入学难", "小学入学难，学区划分不合理", "教育"),
    ]
    model = TextClassifier(use_words=True, calibrate=False).fit(examples)
    again = TextClassifier.from_bytes(model.to_bytes())
    assert again.predict("", "公交站道路拥堵").label == "交通"
    assert again.predict("学校", "乱收费").label == "教育"
