"""Forms of the work pages: one per action panel of the case page and the dispatcher queue. Every
form carries the `version` of the case the user saw, so a change made meanwhile by someone else
is refused (`Conflict`) instead of overwritten."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from bangban.core.satisfaction import Satisfaction
from bangban.org.models import Unit

from .models import Category, ContactMethod, FollowUpMethod, ReplyResult, SavedView, Urgency


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
                continue
            if isinstance(widget, forms.HiddenInput):
                continue
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else "form-control form-control-sm"
            )
            widget.attrs.setdefault("class", css)


class UnitPickerForm(VersionForm):
    """A form whose unit fields (主办 `lead_unit`, 协办 `co_units`) the page draws as the unit
    picker (core/_unit_picker.html, type-ahead over /api/v1/org/units) instead of a <select> of
    every unit: a city has thousands of units, and two such forms on the dispatcher's case page
    spent most of its time drawing options. The fields still validate against their queryset."""

    def __init__(self, *args: Any, suggested: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggested_pick = (suggested.pk, suggested.name) if suggested is not None else None

    def _picked(self, name: str) -> list[tuple[int, str]]:
        if self.is_bound:
            getlist = getattr(self.data, "getlist", None)
            raw = getlist(self.add_prefix(name)) if getlist else [self.data.get(self.add_prefix(name))]
        else:
            value = self.initial.get(name)
            raw = value if isinstance(value, list | tuple) else [value]
        ids = [int(v) for v in raw if v is not None and str(v).strip().isdigit()]
        if not ids:
            return []
        names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
        return [(pk, names[pk]) for pk in dict.fromkeys(ids) if pk in names]

    @property
    def lead_picked(self) -> list[tuple[int, str]]:
        return self._picked("lead_unit")

    @property
    def co_picked(self) -> list[tuple[int, str]]:
        return self._picked("co_units")


class DispatchForm(UnitPickerForm):
    lead_unit = forms.ModelChoiceField(
        label="主办单位", queryset=Unit.objects.none(), empty_label="请选择主办单位"
    )
    co_units = forms.ModelMultipleChoiceField(
        label="协办单位", queryset=Unit.objects.none(), required=False, help_text="可多选；主办单位不必再选"
    )
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices)
    category = forms.ModelChoiceField(
        label="诉求分类", queryset=Category.objects.none(), required=False, empty_label="（不变）"
    )
    note = forms.CharField(
        label="派单说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_reason = forms.CharField(
        label="改由其他单位牵头的理由",
        max_length=500,
        required=False,
        help_text="首问负责：主办单位不是受理单位时必填",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, units: Any = None, categories: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            lead_field: Any = self.fields["lead_unit"]
            co_field: Any = self.fields["co_units"]
            lead_field.queryset = units
            co_field.queryset = units
        if categories is not None:
            category_field: Any = self.fields["category"]
            category_field.queryset = categories

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead = data.get("lead_unit")
        co = data.get("co_units")
        if lead is not None and co is not None:
            data["co_units"] = [u for u in co if u.pk != lead.pk]
        return data


class ReassignForm(UnitPickerForm):
    lead_unit = forms.ModelChoiceField(label="改派至", queryset=Unit.objects.none(), empty_label="请选择单位")
    co_units = forms.ModelMultipleChoiceField(label="协办单位", queryset=Unit.objects.none(), required=False)
    reason = forms.CharField(
        label="改派理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "改派必须填写理由"},
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            lead_field: Any = self.fields["lead_unit"]
            co_field: Any = self.fields["co_units"]
            lead_field.queryset = units
            co_field.queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead = data.get("lead_unit")
        co = data.get("co_units")
        if lead is not None and co is not None:
            data["co_units"] = [u for u in co if u.pk != lead.pk]
        return data


class MergeForm(VersionForm):
    target = forms.CharField(
        label="合并到（诉求编号）",
        max_length=24,
        help_text="本诉求并入所选诉求后不再单独办理",
        error_messages={"required": "请填写要合并到的诉求编号"},
    )
    reason = forms.CharField(
        label="合并理由",
        max_length=500,
        initial="与该诉求反映的问题相同",
        error_messages={"required": "合并必须填写理由"},
    )


class WithdrawForm(VersionForm):
    reason = forms.CharField(
        label="撤回原因（可不填）", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(VersionForm):
    reason = forms.CharField(
        label="理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写理由"},
    )


class ReturnForm(ReasonForm):
    reason = forms.CharField(
        label="退单理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "退单必须填写理由"},
    )


class NoteForm(VersionForm):
    PUBLIC, INTERNAL = "public", "internal"
    text = forms.CharField(
        label="内容",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写内容"},
    )
    visibility = forms.ChoiceField(
        label="可见范围",
        choices=[(INTERNAL, "内部意见（企业不可见）"), (PUBLIC, "办理进展（企业可见）")],
        initial=INTERNAL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, internal_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if internal_only:
            field: Any = self.fields["visibility"]
            field.choices = [(self.INTERNAL, "内部意见（企业不可见）")]


class ExtensionForm(ReasonForm):
    workdays = forms.IntegerField(label="延长工作日数", min_value=1, max_value=30, initial=5)


class ReplyForm(VersionForm):
    """The structured reply. The rules (what is required, the contact time's bounds, the files) are
    those of `replies.check_reply`, applied by the action for the page and the API alike: the form
    only carries the input, and shows the action's message under each field."""

    # Shown in this order; the contact record is grouped apart in the template (internal).
    PUBLIC_FIELDS = ("result", "content", "attachments", "keep_attachments")
    CONTACT_FIELDS = ("contact_method", "contacted_at", "contact_person", "contact_note")

    result = forms.ChoiceField(
        label="办理结果", choices=ReplyResult.choices, required=False, widget=forms.RadioSelect
    )
    content = forms.CharField(
        label="答复内容", required=False, widget=forms.Textarea(attrs={"rows": 5, "maxlength": 5000})
    )
    # Errors only: the files come from request.FILES ("attachments").
    attachments = forms.CharField(label="附件", required=False)
    keep_attachments = forms.MultipleChoiceField(
        label="保留上次答复的附件", required=False, widget=forms.CheckboxSelectMultiple
    )
    contact_method = forms.ChoiceField(
        label="联系方式", choices=[("", "请选择"), *ContactMethod.choices], required=False
    )
    contacted_at = forms.DateTimeField(
        label="联系时间",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "联系时间格式无效，应为“年-月-日 时:分”"},
    )
    contact_person = forms.CharField(
        label="联系对象（企业联系人）", required=False, widget=forms.TextInput(attrs={"maxlength": 50})
    )
    contact_note = forms.CharField(
        label="沟通情况（内部，可不填）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )

    def __init__(self, *args: Any, returned: Any = None, **kwargs: Any) -> None:
        """`returned`: the reply the head sent back — its result, text and contact record fill the
        form, to be revised rather than typed again, its files are offered to keep, and the head's
        comment is shown under it."""
        kept: list[Any] = list(returned.attachments.all()) if returned is not None else []
        if returned is not None:
            kwargs["initial"] = {
                **(kwargs.get("initial") or {}),
                "result": returned.result,
                "content": returned.content,
                "contact_method": returned.contact_method,
                "contacted_at": timezone.localtime(returned.contacted_at) if returned.contacted_at else None,
                "contact_person": returned.contact_person,
                "contact_note": returned.contact_note,
                "keep_attachments": [str(a.pk) for a in kept],
            }
        super().__init__(*args, **kwargs)
        self.returned = returned
        keep: Any = self.fields["keep_attachments"]
        keep.choices = [(str(a.pk), a.original_name) for a in kept]
        if not kept:
            del self.fields["keep_attachments"]
        if returned is not None:
            who = returned.reviewed_by.display_name if returned.reviewed_by_id else ""
            self.fields[
                "content"
            ].help_text = f"上次提交的答复已被{who}退回，退回意见：{returned.review_comment}。原答复已填入，请修改后再提交。"

    def public_fields(self) -> list[Any]:
        return [self[name] for name in self.PUBLIC_FIELDS if name in self.fields]

    def contact_fields(self) -> list[Any]:
        return [self[name] for name in self.CONTACT_FIELDS]


class ReviewForm(VersionForm):
    decision = forms.ChoiceField(
        label="审核结果",
        choices=[("approve", "通过，答复企业"), ("reject", "退回修改")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="审核意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", "退回答复请填写审核意见")
        return data


class DecideRequestForm(VersionForm):
    request_id = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="审批", choices=[("approve", "同意"), ("reject", "不同意")])
    comment = forms.CharField(label="审批意见", max_length=500, required=False)


RESOLVED_CHOICES = [("1", "已解决"), ("0", "未解决")]


class FollowUpForm(VersionForm):
    method = forms.ChoiceField(
        label="回访方式", choices=[c for c in FollowUpMethod.choices if c[0] != FollowUpMethod.PORTAL]
    )
    resolved = forms.TypedChoiceField(
        label="问题是否解决", choices=RESOLVED_CHOICES, coerce=lambda v: v == "1", widget=forms.RadioSelect
    )
    # No level is preselected: an agent who skips the field is asked for it, never records 非常满意.
    satisfaction = forms.TypedChoiceField(
        label="满意度",
        choices=[("", "请选择满意度"), *Satisfaction.choices],
        coerce=int,
        empty_value=None,
        error_messages={"required": "请选择满意度"},
    )
    comment = forms.CharField(
        label="回访意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RateForm(VersionForm):
    satisfaction = forms.TypedChoiceField(
        label="您对办理结果是否满意",
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意度"},
    )
    resolved = forms.TypedChoiceField(
        label="问题是否已解决",
        choices=RESOLVED_CHOICES,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择问题是否已解决"},
    )
    comment = forms.CharField(
        label="意见或建议", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SavedViewForm(forms.Form):
    name = forms.CharField(label="名称", max_length=40, error_messages={"required": "请为筛选起个名字"})
    page = forms.ChoiceField(choices=[("unit", "待办诉求"), ("dispatch", "派单"), ("all", "全部诉求")])
    query = forms.CharField(max_length=1000, required=False)

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


__all__ = [
    "DecideRequestForm",
    "DispatchForm",
    "ExtensionForm",
    "FollowUpForm",
    "MergeForm",
    "NoteForm",
    "RateForm",
    "ReasonForm",
    "ReassignForm",
    "ReplyForm",
    "ReturnForm",
    "ReviewForm",
    "SavedView",
    "SavedViewForm",
    "VersionForm",
    "WithdrawForm",
]
