"""The working-day calendar of the demo city (`WorkdaysConfig.demo`): the holidays and adjusted
working days of every year the holiday package knows."""

from __future__ import annotations

import datetime as dt
import logging

from . import loader

log = logging.getLogger(__name__)


def load_demo(now: dt.datetime | None = None) -> list[str]:
    """Load the package's years; a failure is reported and leaves the rest of the demo usable."""
    try:
        result = loader.load_package_years()
    except Exception as exc:  # the rest of the demo city is usable without the calendar
        log.exception("loading the working-day calendar failed")
        return [f"工作日历：载入失败（{exc}），其余示范数据不受影响"]
    if not result:
        return ["工作日历：节假日数据已是最新"]
    return [f"工作日历：已载入 {_year_ranges(sorted(int(y) for y in result))} 年的法定节假日与调休"]


def _year_ranges(years: list[int]) -> str:
    """[2004, 2005, 2006, 2010] → "2004–2006、2010"."""
    parts: list[str] = []
    start = previous = years[0]
    for year in [*years[1:], None]:
        if year is not None and year == previous + 1:
            previous = year
            continue
        parts.append(str(start) if start == previous else f"{start}–{previous}")
        if year is not None:
            start = previous = year
    return "、".join(parts)
