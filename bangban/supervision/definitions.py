"""The one definition of every figure that judges a unit: rankings, 通报, ledgers, the analysis
pack and the dashboard all count through `figures.py`, and every page and document that shows a
figure shows the rule text written here (`rule_lines`). Change a rule here and in `figures.py`
together; `tests/test_reconciliation.py` recomputes each published figure from the raw cases with
an independent query and fails when they drift apart.

Pure module: no ORM, no Django settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HOTLINE_CHANNEL = "hotline"


@dataclass(frozen=True)
class Scope:
    """Which cases a set of figures counts."""

    key: str
    label: str
    channels: tuple[str, ...] | None  # None: every channel
    rule: str
    ratings: bool = True  # whether 好差评 (ratings, not tied to a channel) count in 满意率/差评


SCOPES: dict[str, Scope] = {
    "all": Scope(
        "all",
        "全部渠道",
        None,
        "全部受理渠道（12345热线、“办不成事”窗口、企业网上诉求、市长直通车、走访、监督员、协会商会、作风直通车、系统接口）",
    ),
    "hotline": Scope(
        "hotline",
        "12345热线",
        (HOTLINE_CHANNEL,),
        "仅12345营商环境专席受理的诉求；满意率、差评只计这些诉求的回访，不计好差评",
        ratings=False,
    ),
}
DEFAULT_SCOPE = "all"


def scope(key: str | None) -> Scope:
    """The scope named `key` (the default scope for None or ""); unknown keys are refused by the
    callers that take them from users (`figures.check_scope`)."""
    return SCOPES[key or DEFAULT_SCOPE]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    rule: str


# The cases of a month: the base of every per-unit figure.
MONTH_RULE = (
    "统计对象：当月受理（以受理时间计，北京时间）、已确定主办单位的涉企诉求，按主办单位归集；"
    "已合并、已撤回的诉求不计"
)

FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        Figure("total", "诉求数", "当月受理、由该单位主办的诉求件数"),
        Figure(
            "response_rate",
            "响应率",
            "派单后在签收时限内（且不晚于办理期限）签收的件数 ÷ 已派单件数（以最后一次派单时间起算）",
        ),
        Figure("on_time_rate", "按期办结率", "办结时间不晚于办理期限的件数 ÷ 已办结件数"),
        Figure("resolution_rate", "解决率", "回访结果为“已解决”的回访次数 ÷ 回访次数"),
        Figure(
            "satisfaction_rate",
            "满意率",
            "当月受理诉求的回访及该单位当月收到的好差评首评（含窗口服务评价）中“非常满意、满意、基本满意”的次数"
            " ÷ 回访及首评总次数（企业在诉求页面的一次评价只计一次；已作废的评价不计）",
        ),
        Figure(
            "rectification_rate",
            "差评整改率",
            "当月差评对应的整改中已整改反馈的件数 ÷ 当月差评整改件数",
        ),
        Figure("repeat_count", "重复反映", "被标记为重复反映的诉求件数"),
        Figure(
            "overdue_count",
            "曾超期",
            "办理期限届满时仍处于待签收、办理中、答复待审核或退单待重新派单状态、被标记为超期的诉求件数"
            "（含此后已办结的）；挂起期间和已答复待回访的诉求不计时，不会因此超期",
        ),
        Figure(
            "bad",
            "差评",
            "回访及好差评首评中“不满意、非常不满意”的次数（申诉成立或已作废的不计）；每条好差评差评都转差评整改",
        ),
        Figure(
            "score", "综合得分", "响应率、解决率、满意率按权重加权平均；没有分母的项不计，其余权重按比例折算"
        ),
    )
}

# The same figures where ratings (好差评) are not counted (a scope with `ratings=False`).
FOLLOW_UP_ONLY: dict[str, Figure] = {
    "satisfaction_rate": Figure(
        "satisfaction_rate",
        "满意率",
        "当月受理诉求的回访中“非常满意、满意、基本满意”的次数 ÷ 回访次数",
    ),
    "bad": Figure("bad", "差评", "当月受理诉求的回访中“不满意、非常不满意”的次数"),
}

# Figures that are not per-unit monthly counts of the month's cases, named so that nobody takes
# them for one of the above.
NEW_OVERDUE = Figure(
    "new_overdue", "当月新增超期", "当月内被标记为超期的诉求件数（按超期发生时间计，不论何时受理）"
)
FOLLOW_UP_SATISFACTION = Figure(
    "follow_up_satisfaction",
    "回访满意率",
    "当月完成的回访中“非常满意、满意、基本满意”的次数 ÷ 当月回访次数（按回访时间计）",
)
BAD_RATINGS = Figure(
    "bad_ratings",
    "好差评差评",
    "当月作出的好差评首评中“不满意、非常不满意”的评价（含窗口服务评价；申诉成立或已作废的不计），每条都转差评整改",
)
DISPATCH_ON_TIME = Figure(
    "dispatch_on_time_rate",
    "派单及时率",
    "派单机构的指标：当月受理的诉求中，在派单时限内首次派单的件数 ÷（及时派单 + 超时派单 + 仍待派单且已超过派单时限的件数）；"
    "当场办结、合并、撤回的不计；市长直通车诉求按审核交办时限另计（tickets.figures.dispatch_month_figures）",
)
CURRENTLY_OVERDUE = Figure(
    "currently_overdue",
    "超期未办结",
    "目前已超过办理期限、仍由承办单位办理中的诉求（随时间变化，不用于排名）",
)


def rank_rule(min_cases: int, bottom_places: int) -> str:
    return (
        f"参与排名：当月诉求数不少于{min_cases}件且至少有一项比率有分母的单位参与排名，其余单位列为“不参与排名”，"
        f"不排名次、不列末位、不予通报批评；名次按综合得分从高到低（同分同名次），排名最后{bottom_places}个名次为末位"
    )


def score_formula(weights: tuple[int, int, int] | list[int]) -> str:
    return (
        f"综合得分 = (响应率×{weights[0]} + 解决率×{weights[1]} + 满意率×{weights[2]}) ÷ 100"
        "（无分母的项不计，权重按比例折算）"
    )


def rule_lines(
    *,
    scope_key: str,
    weights: tuple[int, int, int] | list[int],
    min_cases: int,
    response_hours: int,
    bottom_places: int,
) -> list[str]:
    """The rule text shown under every ranking, in every 通报 and analysis pack: the same lines
    wherever the figures appear."""
    s = scope(scope_key)
    shown = {**FIGURES, **({} if s.ratings else FOLLOW_UP_ONLY)}
    return [
        f"统计范围：{s.rule}。",
        f"{MONTH_RULE}。",
        f"签收时限：派单后{response_hours}小时。",
        *(
            f"{shown[k].label}：{shown[k].rule}。"
            for k in (
                "response_rate",
                "on_time_rate",
                "resolution_rate",
                "satisfaction_rate",
                "overdue_count",
                "bad",
            )
        ),
        f"{score_formula(weights)}。",
        f"{rank_rule(min_cases, bottom_places)}。",
    ]


def ranking_rules(ranking: Any, scope_key: str = DEFAULT_SCOPE) -> list[str]:
    """`rule_lines` of a stored ranking: the rules it was computed (and frozen) with."""
    return rule_lines(
        scope_key=scope_key,
        weights=(ranking.weight_response, ranking.weight_resolution, ranking.weight_satisfaction),
        min_cases=ranking.min_cases,
        response_hours=ranking.response_hours,
        bottom_places=ranking.bottom_places,
    )
