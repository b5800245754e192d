"""Forms of the organisation pages. They check the shape of the input; the rules themselves are
checked by the actions, whose errors `apply_errors` puts back onto the fields."""

from __future__ import annotations

from typing import Any

from django import forms

from bangban.core.errors import ValidationFailed

from .models import Region, RegionLevel, SiteLevel, Unit, UnitType
from .queries import region_choices, unit_choices


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        indent = "\u3000" * max(obj.depth - 1, 0)
        return f"{indent}{obj.name}（{obj.code}）"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.region.name}）"


def apply_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Show an action's field errors on the form; errors of other fields at the top."""
    details = exc.details if isinstance(exc.details, list) else []
    if not details:
        form.add_error(None, exc.message)
        return
    for item in details:
        field = item.get("field")
        form.add_error(field if field in form.fields else None, item.get("message", exc.message))


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render fields in one loop."""

    def style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")


class RegionForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label="行政区划代码",
        max_length=12,
        help_text="市、县区、功能区 6 位；乡镇街道 9 位；村社区 12 位，均为数字",
    )
    name = forms.CharField(label="名称", max_length=60)
    level = forms.ChoiceField(label="层级", choices=RegionLevel.choices)
    parent = RegionChoiceField(
        label="上级区划",
        queryset=Region.objects.none(),
        required=False,
        to_field_name="code",
        empty_label="（无，仅市级）",
    )
    official_code = forms.BooleanField(
        label="国家标准代码", required=False, initial=True, help_text="不勾选表示本地自定义代码"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, region: Region | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = region_choices(parents_only=True)
        if region is not None:
            # The current parent stays selectable even if it was deactivated meanwhile.
            if region.parent_id is not None:
                choices = choices | Region.objects.filter(pk=region.parent_id)
            choices = choices.exclude(path__startswith=region.path)
        self.fields["parent"].queryset = choices.order_by("path")  # type: ignore[attr-defined]
        self.style()

    @staticmethod
    def initial_for(region: Region) -> dict[str, Any]:
        return {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "parent": region.parent.code if region.parent else None,
            "official_code": region.official_code,
            "version": region.version,
        }


class UnitForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label="单位编码",
        max_length=40,
        help_text="小写字母、数字和连字符，如 city-commerce；创建后用于接口对接",
    )
    name = forms.CharField(label="单位名称", max_length=80)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    type = forms.ChoiceField(label="单位类型", choices=UnitType.choices)
    site_level = forms.ChoiceField(
        label="场所层级",
        choices=[("", "（非政务服务场所）"), *SiteLevel.choices],
        required=False,
        help_text="仅政务服务场所填写",
    )
    region = RegionChoiceField(label="所属区划", queryset=Region.objects.none(), to_field_name="code")
    parent = UnitChoiceField(
        label="上级单位", queryset=Unit.objects.none(), required=False, empty_label="（无）"
    )
    duties = forms.CharField(
        label="职责说明", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = region_choices()
        units = unit_choices()
        if unit is not None:
            regions = regions | Region.objects.filter(pk=unit.region_id)
            if unit.parent_id is not None:
                units = units | Unit.objects.filter(pk=unit.parent_id)
            units = units.exclude(pk=unit.pk)
        self.fields["region"].queryset = regions.order_by("path")  # type: ignore[attr-defined]
        self.fields["parent"].queryset = units.select_related("region").order_by(  # type: ignore[attr-defined]
            "region__path", "type", "name"
        )
        self.style()

    @staticmethod
    def initial_for(unit: Unit) -> dict[str, Any]:
        return {
            "code": unit.code,
            "name": unit.name,
            "short_name": unit.short_name,
            "type": unit.type,
            "site_level": unit.site_level,
            "region": unit.region.code,
            "parent": unit.parent_id,
            "duties": unit.duties,
            "phone": unit.phone,
            "version": unit.version,
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            field: data[field]
            for field in (
                "code",
                "name",
                "short_name",
                "type",
                "site_level",
                "region",
                "parent",
                "duties",
                "phone",
            )
        }
