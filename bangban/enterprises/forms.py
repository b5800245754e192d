"""Page forms of the enterprise registry. Values are checked with the same rules as the API and
the Excel import (`validation.py`); the actions check them again and add what needs the
database (duplicates, scope, concurrent edits)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from bangban.accounts.access import mask_id_number, mask_phone
from bangban.org.models import Region

from .access import editable_regions
from .models import Enterprise, Industry, Scale, Tier
from .validation import (
    FieldError,
    parse_date,
    parse_id_number,
    parse_mobile,
    parse_phone,
    parse_uscc,
)

PERSONAL_FIELDS = ("liaison_phone", "liaison_id_number", "contact_phone")
_MASKERS = {"liaison_phone": mask_phone, "contact_phone": mask_phone, "liaison_id_number": mask_id_number}


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        indent = "\u3000" * max(obj.depth - 2, 0)
        return f"{indent}{obj.name}（{obj.code}）"


def _run(parser: Any, value: Any) -> Any:
    try:
        return parser(value)
    except FieldError as exc:
        raise forms.ValidationError(exc.message, code=exc.code) from exc


class EnterpriseForm(forms.Form):
    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=40,
        strip=True,
        error_messages={"required": "统一社会信用代码不能为空"},
    )
    name = forms.CharField(label="企业名称", max_length=120)
    region = RegionChoiceField(label="所属区划", queryset=Region.objects.none(), empty_label="请选择")
    industry = forms.ChoiceField(label="行业门类（GB/T 4754）", choices=[("", "请选择"), *Industry.choices])
    scale = forms.ChoiceField(label="企业规模", choices=[("", "请选择"), *Scale.choices])
    tier = forms.ChoiceField(label="企业层级", choices=Tier.choices, initial=Tier.GENERAL)
    legal_representative = forms.CharField(label="法定代表人", max_length=50, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    established = forms.CharField(
        label="成立日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    liaison_name = forms.CharField(label="工作联络员", max_length=50, required=False)
    liaison_phone = forms.CharField(label="联络员手机", max_length=30, required=False)
    liaison_id_number = forms.CharField(label="联络员身份证号", max_length=30, required=False)
    contact_phone = forms.CharField(label="企业联系电话", max_length=30, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        user: Any,
        instance: Enterprise | None = None,
        show_personal: bool = True,
        **kwargs: Any,
    ) -> None:
        self.instance = instance
        self.show_personal = show_personal
        if instance is not None and "initial" not in kwargs:
            initial = {name: getattr(instance, name) for name in self.base_fields if hasattr(instance, name)}
            initial["region"] = instance.region_id
            initial["established"] = instance.established.isoformat() if instance.established else ""
            if not show_personal:
                for name in PERSONAL_FIELDS:
                    initial[name] = ""
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = editable_regions(user)  # type: ignore[attr-defined]
        for name in ("uscc", "liaison_phone", "liaison_id_number", "contact_phone"):
            self.fields[name].widget.attrs["class"] = "bb-mono"
        self.fields["uscc"].widget.attrs.update({"autocomplete": "off", "placeholder": "18位代码"})
        if instance is not None and not show_personal:
            # Someone who may not see phone and ID numbers edits without seeing them: the field
            # shows the masked value as a hint, and leaving it empty keeps what is stored.
            for name in PERSONAL_FIELDS:
                current = getattr(instance, name)
                if current:
                    self.fields[name].widget.attrs["placeholder"] = (
                        f"{_MASKERS[name](current)}（留空则不修改）"
                    )

    def clean_uscc(self) -> str:
        return _run(parse_uscc, self.cleaned_data.get("uscc"))

    def clean_established(self) -> dt.date | None:
        today = timezone.localdate()
        return _run(lambda v: parse_date(v, today=today), self.cleaned_data.get("established"))

    def clean_liaison_phone(self) -> str:
        return _run(parse_mobile, self.cleaned_data.get("liaison_phone"))

    def clean_contact_phone(self) -> str:
        return _run(parse_phone, self.cleaned_data.get("contact_phone"))

    def clean_liaison_id_number(self) -> str:
        return _run(parse_id_number, self.cleaned_data.get("liaison_id_number"))

    def changes(self) -> dict[str, Any]:
        """The submitted values for an action (without `version`; masked-and-empty fields left out)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if self.instance is not None and not self.show_personal:
            for name in PERSONAL_FIELDS:
                if not data.get(name):
                    data.pop(name, None)
        return data


class LiaisonForm(forms.Form):
    liaison_name = forms.CharField(label="工作联络员", max_length=50, required=False)
    liaison_phone = forms.CharField(label="联络员手机", max_length=30, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_liaison_phone(self) -> str:
        return _run(parse_mobile, self.cleaned_data.get("liaison_phone"))


class ImportApplyForm(forms.Form):
    confirm_partial = forms.BooleanField(label="我已核对：有误的行不导入，仅导入有效行", required=False)
