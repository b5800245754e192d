from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone

from bangban.enterprises.access import visible_enterprises
from bangban.org.models import Unit

from .access import visible_users
from .backends import AccountLocked
from .roles import Rank, Role

# One message for an unknown user, a wrong password and a locked account (no user enumeration).
LOGIN_REFUSED = "用户名或密码错误。连续输错多次的账号会被暂时锁定，请稍后再试或联系系统管理员解锁。"


class LoginForm(forms.Form):
    username = forms.CharField(
        label="用户名",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: Any = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        username, password = data.get("username"), data.get("password")
        if username and password:
            try:
                self.user = authenticate(self.request, username=username, password=password)
            except AccountLocked as exc:
                # The same answer as for an unknown user or a wrong password: a different message
                # would tell anyone which user names exist.
                raise forms.ValidationError(LOGIN_REFUSED, code="invalid_login") from exc
            if self.user is None:
                raise forms.ValidationError(LOGIN_REFUSED, code="invalid_login")
        return data


# --- administration -------------------------------------------------------------------------------


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


def apply_errors(form: forms.Form, exc: Any) -> None:
    """Put an action's field errors (`ValidationFailed.details`) onto the form's fields."""
    details = exc.details if isinstance(exc.details, list) else []
    if not details:
        form.add_error(None, exc.message)
        return
    aliases = {"enterprise": "enterprise_uscc", "expires_at": "expires_on", "password": "password1"}
    for item in details:
        field = item.get("field")
        field = aliases.get(field, field) if field not in form.fields else field
        form.add_error(field if field in form.fields else None, item.get("message", exc.message))


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.region.name}）"


class UserForm(forms.Form):
    """Create (with username and password) or edit an account."""

    username = forms.CharField(
        label="用户名", max_length=150, help_text="登录用，英文字母、数字和 @ . + - _，创建后不能修改"
    )
    full_name = forms.CharField(label="姓名", max_length=50)
    password1 = forms.CharField(
        label="初始密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 10 位，包含大写字母、小写字母、数字、符号中的三类",
    )
    password2 = forms.CharField(
        label="确认密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    unit = UnitField(label="所在单位", queryset=None, required=False, empty_label="（无）")
    rank = forms.ChoiceField(label="职级", choices=[("", "（未定）"), *Rank.choices], required=False)
    title = forms.CharField(label="职务", max_length=50, required=False)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    email = forms.CharField(label="电子邮箱", max_length=254, required=False)
    enterprise_uscc = forms.CharField(
        label="所属企业（统一社会信用代码）",
        max_length=18,
        required=False,
        help_text="仅企业用户填写",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, acting_user: Any, editing: Any = None, **kwargs: Any) -> None:

        super().__init__(*args, **kwargs)
        self.acting_user = acting_user
        self.editing = editing
        units = Unit.objects.filter(is_active=True)
        if editing is not None:
            del self.fields["username"], self.fields["password1"], self.fields["password2"]
            if editing.unit_id:
                units = units | Unit.objects.filter(pk=editing.unit_id)
        self.fields["unit"].queryset = units.select_related("region").order_by(  # type: ignore[attr-defined]
            "region__path", "type", "name"
        )
        _style(self)

    @staticmethod
    def initial_for(user: Any) -> dict[str, Any]:
        return {
            "full_name": user.full_name,
            "roles": sorted(user.role_codes()),
            "unit": user.unit_id,
            "rank": user.rank,
            "title": user.title,
            "phone": user.phone,
            "id_number": user.id_number,
            "email": user.email,
            "enterprise_uscc": user.enterprise.uscc if user.enterprise_id else "",
            "version": user.version,
        }

    def clean_enterprise_uscc(self) -> str:
        value = (self.cleaned_data.get("enterprise_uscc") or "").strip().upper()
        self.enterprise = None
        if value:
            self.enterprise = visible_enterprises(self.acting_user).filter(uscc=value).first()
            if self.enterprise is None:
                raise forms.ValidationError(f"未找到统一社会信用代码为 {value} 的企业")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "password1" in self.fields:
            first, second = data.get("password1"), data.get("password2")
            if first and second and first != second:
                self.add_error("password2", "两次输入的密码不一致")
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "unit": data["unit"],
            "rank": data["rank"],
            "title": data["title"],
            "phone": data["phone"],
            "id_number": data["id_number"],
            "email": data["email"],
            "enterprise": getattr(self, "enterprise", None),
        }


class SetPasswordForm(forms.Form):
    """An administrator sets someone's new password."""

    password1 = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 10 位，包含大写字母、小写字母、数字、符号中的三类",
    )
    password2 = forms.CharField(
        label="确认新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致")
        return data


class OwnPasswordForm(forms.Form):
    old_password = forms.CharField(
        label="原密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 10 位，包含大写字母、小写字母、数字、符号中的三类",
    )
    new_password2 = forms.CharField(
        label="确认新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("new_password")
            and data.get("new_password2")
            and data["new_password"] != data["new_password2"]
        ):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class TokenForm(forms.Form):
    username = forms.CharField(label="所属账号（用户名）", max_length=150)
    name = forms.CharField(
        label="用途", max_length=80, help_text="如“12345 热线平台对接”，便于日后识别和吊销"
    )
    expires_on = forms.DateField(
        label="有效期至（含当日）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="留空表示长期有效，直至吊销",
    )

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acting_user = acting_user
        self.owner: Any = None
        _style(self)

    def clean_username(self) -> str:

        value = (self.cleaned_data.get("username") or "").strip()
        self.owner = visible_users(self.acting_user).filter(username=value).first()
        if self.owner is None:
            raise forms.ValidationError(f"账号 {value} 不存在")
        return value

    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
