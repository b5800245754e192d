"""Grouping complaint texts into problems (`insight/clustering.py`)."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import cast

import pytest

from bangban.insight.clustering import Document, cluster_texts, key_phrases

DATA = Path(
    os.environ.get("BANGBAN_TIPDM_DIR", Path(__file__).resolve().parents[4] / "shared/data/tipdm2020")
)
SAMPLE = DATA / "hotspot_messages.xlsx"


def test_same_place_and_problem_group_together_and_apart_from_others() -> None:
    docs = [
        Document(1, "金阳花园旁搅拌站噪音扰民", "金阳花园小区旁边的宏达搅拌站每天夜里施工，噪音很大"),
        Document(2, "投诉金阳花园附近搅拌站", "宏达搅拌站就在金阳花园小区旁边，灰尘噪音严重"),
        Document(3, "金阳花园小区旁搅拌站夜间施工", "请管一管宏达搅拌站，金阳花园居民晚上睡不着"),
        Document(4, "春江苑开发商捆绑销售车位", "春江苑要求购房必须同时购买车位，否则不卖房"),
        Document(5, "春江苑强制捆绑车位销售", "春江苑开发商捆绑销售车位，侵害购房者权益"),
        Document(6, "人民路路灯不亮", "人民路东段路灯坏了一个月"),
    ]
    clusters = cluster_texts(docs)
    groups = sorted(sorted(cast(list[int], c.members)) for c in clusters)
    assert groups == [[1, 2, 3], [4, 5]]
    plant = next(c for c in clusters if 1 in c.members)
    assert "金阳花园" in plant.label or "搅拌站" in plant.label
    assert plant.representative in {1, 2, 3}


def test_no_texts_no_problems() -> None:
    assert cluster_texts([]) == []
    assert cluster_texts([Document(1, "", "")]) == []


def test_key_phrases_skip_framing_words() -> None:
    titles = ["投诉丽发新城搅拌站噪音", "丽发新城附近搅拌站扰民", "关于丽发新城搅拌站的问题"]
    background = "\n".join(["投诉路灯", "关于停车问题", "投诉噪音扰民"] * 30)
    phrases = key_phrases(titles, background, 90)
    assert phrases[0] in {"丽发新城", "丽发新城搅拌站"}
    assert all("投诉" not in p and "关于" not in p for p in phrases)


def _sample() -> list[tuple[int, str, str]]:
    if not SAMPLE.exists():
        pytest.skip(f"the 2020 message-board sample is not present ({SAMPLE}); see docs/text-intelligence.md")
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE, read_only=True)
    return [
        (int(r[0]), str(r[2] or ""), str(r[4] or ""))
        for r in wb.active.iter_rows(min_row=2, values_only=True)
    ]


# Big real topics of the sample, each found by what its messages name (checked by reading them).
TOPICS = {
    "丽发新城旁的搅拌站": lambda t, b: "丽发" in t + b and "搅拌" in t + b,
    "伊景园滨河苑捆绑销售车位": lambda t, b: "滨河苑" in t + b and ("车位" in t + b or "广铁" in t + b),
    "58车贷案": lambda t, b: "58车贷" in t + b,
    "月亮岛路架设高压线": lambda t, b: "月亮岛" in t + b and "高压" in t + b,
    "绿地海外滩与高铁": lambda t, b: "海外滩" in t + b and "高铁" in t + b,
}


def test_big_real_topics_come_out_as_one_problem_each() -> None:
    rows = _sample()
    clusters = cluster_texts([Document(pk, title, re.sub(r"\s+", "", body)) for pk, title, body in rows])
    where = {member: i for i, c in enumerate(clusters) for member in c.members}
    homes: dict[str, int] = {}
    for name, is_about in TOPICS.items():
        gold = [pk for pk, title, body in rows if is_about(title, body)]
        assert len(gold) >= 8, name
        home, held = Counter(where.get(pk) for pk in gold).most_common(1)[0]
        assert home is not None, f"{name}: most of its messages are in no problem"
        assert held >= 0.7 * len(gold), f"{name}: only {held} of {len(gold)} messages in one problem"
        homes[name] = home
    # No problem holds two of the topics, and none is swollen with unrelated messages.
    assert len(set(homes.values())) == len(TOPICS)
    for name, home in homes.items():
        about = {pk for pk, title, body in rows if TOPICS[name](title, body)}
        others = set(clusters[home].members) - about
        assert len(others) <= max(3, len(about) // 2), f"{name}: {len(others)} others"
    lifa = clusters[homes["丽发新城旁的搅拌站"]]
    assert "丽发新城" in lifa.label and "搅拌" in lifa.label
