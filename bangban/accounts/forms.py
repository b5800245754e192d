from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone

from .backends import AccountLocked


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
                until = timezone.localtime(exc.until).strftime("%H:%M")
                raise forms.ValidationError(
                    f"连续登录失败次数过多，账号已锁定，请于 {until} 后再试或联系系统管理员解锁。",
                    code="account_locked",
                ) from exc
            if self.user is None:
                raise forms.ValidationError("用户名或密码错误", code="invalid_login")
        return data
