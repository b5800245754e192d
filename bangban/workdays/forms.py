from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from bangban.core.errors import ValidationFailed

from .actions import FIRST_YEAR, LAST_YEAR
from .models import DayKind
from .service import parse_instant

MAX_WORKDAYS = 3650


class InstantField(forms.CharField):
    """A date or a date-and-time (Asia/Shanghai unless an offset is given)."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_instant(text)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


class DueForm(forms.Form):
    received = InstantField(label="受理时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    n = forms.IntegerField(
        label="工作日数",
        min_value=0,
        max_value=MAX_WORKDAYS,
        error_messages={
            "invalid": "工作日数必须是整数",
            "min_value": "工作日数不能为负数",
            "max_value": f"工作日数不能超过 {MAX_WORKDAYS}",
            "required": "请填写工作日数",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class BetweenForm(forms.Form):
    start = InstantField(label="起始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = InstantField(label="结束时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


def _year_of(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise forms.ValidationError(f"日期应在 {FIRST_YEAR}–{LAST_YEAR} 年之间")
    return day


class DayForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label="类型", choices=[(DayKind.HOLIDAY, "节假日（休息）"), (DayKind.WORKDAY, "调休上班")]
    )
    name = forms.CharField(label="名称", max_length=40, required=False)

    def clean_date(self) -> dt.date:
        return _year_of(self.cleaned_data["date"])


class RemoveDayForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))

    def clean_date(self) -> dt.date:
        return _year_of(self.cleaned_data["date"])


class ImportForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    file = forms.FileField(
        label="日历文件（.xlsx 或 .csv）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
