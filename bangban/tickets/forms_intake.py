"""Forms of the intake pages. They only read what was typed; every rule (required fields, lengths,
phone numbers, categories, enterprise scope, attachments) is checked by the `do_intake_*` actions,
whose field errors `apply_error` puts back next to the fields — one set of messages for the pages
and the API."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from bangban.core.errors import ApplicationError

from .intake import IntakeInput
from .models import Category, HotlineOutcome, IntakeMode, TicketType, Urgency


def category_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """Active categories for one select: a group per first level, the first level itself first
    ("不细分"), then its second and third levels by full name."""
    groups: list[tuple[str, list[tuple[int, str]]]] = []
    for c in (
        Category.objects.filter(is_active=True).only("id", "name", "path", "level", "code").order_by("code")
    ):
        if c.level == 1:
            groups.append((c.name, [(c.pk, f"{c.name}（不细分）")]))
        elif groups and c.path.startswith(groups[-1][0] + "/"):
            groups[-1][1].append((c.pk, c.path.split("/", 1)[1].replace("/", " / ")))
    return [g for g in groups if g[1]]


def new_idempotency_key() -> str:
    """A fresh key per rendered form: submitting the same form twice (a double tap, a resend after
    a lost response) makes one case."""
    return uuid.uuid4().hex


def _int_or_invalid(value: Any) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return -1  # never a row: the action answers "unknown"


class IntakeForm(forms.Form):
    """The fields every channel shares."""

    title = forms.CharField(label="标题", required=False, strip=True)
    content = forms.CharField(label="诉求内容", required=False, strip=True)
    category = forms.CharField(label="诉求分类", required=False)
    type = forms.CharField(label="诉求类型", required=False)
    urgency = forms.CharField(label="紧急程度", required=False)
    idempotency_key = forms.CharField(required=False)
    attachments = forms.CharField(label="附件", required=False)  # errors only; files come from request.FILES

    default_type = TicketType.HELP
    default_urgency = Urgency.GENERAL

    def initial_key(self) -> str:
        return self.data.get("idempotency_key") or new_idempotency_key()

    def to_input(self) -> IntakeInput:
        d = self.cleaned_data
        return IntakeInput(
            title=d.get("title", ""),
            content=d.get("content", ""),
            category_id=_int_or_invalid(d.get("category")),
            type=d.get("type") or self.default_type,
            urgency=d.get("urgency") or self.default_urgency,
            multi_unit=bool(d.get("multi_unit")),
            enterprise_id=_int_or_invalid(d.get("enterprise")),
            enterprise_name=d.get("enterprise_name", ""),
            enterprise_uscc=d.get("enterprise_uscc", ""),
            region_code=d.get("region", ""),
            contact_name=d.get("contact_name", ""),
            contact_phone=d.get("contact_phone", ""),
        )

    def apply_error(self, exc: ApplicationError) -> None:
        """Show an action's error next to the fields it names (or above the form)."""
        fields = (exc.details or {}).get("fields") if isinstance(exc.details, dict) else None
        if not fields:
            self.add_error(None, exc.message)
            return
        for name, message in fields.items():
            self.add_error(name if name in self.fields else None, message)


class _ContactFields(forms.Form):
    contact_name = forms.CharField(label="联系人", required=False)
    contact_phone = forms.CharField(label="联系电话", required=False)
    enterprise = forms.CharField(label="企业", required=False)
    enterprise_name = forms.CharField(label="企业名称", required=False)
    enterprise_uscc = forms.CharField(label="统一社会信用代码", required=False)
    region = forms.CharField(label="问题所在区划", required=False)


class HotlineForm(IntakeForm, _ContactFields):
    multi_unit = forms.BooleanField(label="多部门联办", required=False)
    outcome = forms.CharField(label="首接处理方式", required=False)
    answer = forms.CharField(label="答复内容", required=False)
    connected_unit = forms.CharField(label="连线/转接单位", required=False)
    connected_name = forms.CharField(label="连线/转接单位（部门）名称", required=False)
    outcome_text = forms.CharField(label="连线/转接结果", required=False)
    resolved = forms.BooleanField(label="问题已解决", required=False)
    answer_result = forms.CharField(label="办理结果", required=False)
    connected_result = forms.CharField(label="办理结果", required=False)

    outcomes = HotlineOutcome.choices


class WindowOnlineForm(IntakeForm):
    pass


class CounterForm(IntakeForm, _ContactFields):
    handling = forms.ChoiceField(
        label="处理方式",
        choices=[("on_spot", "即知即办（当场答复办结）"), ("refer", "复杂问题，转派办理（5个工作日）")],
        required=False,
    )
    answer = forms.CharField(label="当场答复内容", required=False)
    answer_result = forms.CharField(label="办理结果", required=False)


class PortalForm(IntakeForm):
    pass


class MayorPhoneForm(forms.Form):
    phone = forms.CharField(label="手机号码", required=False)
    code = forms.CharField(label="短信验证码", required=False)
    privacy_consent = forms.CharField(label="同意个人信息保护告知", required=False)


class MayorForm(IntakeForm, _ContactFields):
    intake_mode = forms.ChoiceField(
        label="提交方式",
        choices=[(IntakeMode.ONLINE, "直达市长专栏"), (IntakeMode.MAILBOX, "市长信箱")],
        required=False,
    )
    default_type = TicketType.COMPLAINT


class MayorRegisterForm(IntakeForm, _ContactFields):
    intake_mode = forms.ChoiceField(
        label="来源",
        choices=[
            (IntakeMode.PHONE, "直通电话"),
            (IntakeMode.MAILBOX, "市长信箱来信"),
            (IntakeMode.ONLINE, "网上专栏"),
        ],
        required=False,
    )


class ReportForm(IntakeForm, _ContactFields):
    channel = forms.CharField(label="报告类别", required=False)


TYPE_CHOICES = TicketType.choices
URGENCY_CHOICES = Urgency.choices
