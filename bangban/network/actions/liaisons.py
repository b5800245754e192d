"""The enterprise names its 工作联络员, copied into the enterprise registry (R3.2)."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import own_enterprise_id
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.core.errors import PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.enterprises.models import Enterprise
from bangban.enterprises.validation import FieldError, parse_mobile

from ..access import is_enterprise_user
from ..models import Liaison
from ._common import _text


def _liaison_phone(person: User, phone: Any) -> str:
    """The liaison's mobile: the number given when naming him or her, else the account's. It goes
    to the enterprise registry, where the 核验 SMS is sent, so it must be a mobile number."""
    given = _text(phone)
    try:
        if given:
            return parse_mobile(given)
        account = parse_mobile(person.phone or "")
    except FieldError as exc:
        if given:
            raise ValidationFailed(
                f"手机号码“{given[:30]}”格式不正确，应为11位手机号码",
                code="liaison_phone_invalid",
                details={"field": "phone"},
            ) from exc
        account = ""
    if not account:
        raise ValidationFailed(
            "请填写工作联络员的手机号码（用于接收走访核验短信）",
            code="liaison_phone_required",
            details={"field": "phone"},
        )
    return account


@durable_action
def do_name_liaison(*, acting_user: User, user_id: int | str, phone: Any = "") -> Liaison:
    """An enterprise names its one 工作联络员 among its own accounts. The liaison's name and mobile
    are copied into the enterprise registry's 工作联络员 fields in the same transaction (audited as
    `network.liaison_registry_sync`), so the registry and the 核验 SMS agree."""
    if not is_enterprise_user(acting_user):
        raise PermissionDenied("只有企业用户可以指定本企业的工作联络员")
    enterprise_id = own_enterprise_id(acting_user)
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        pk = 0
    person = User.objects.filter(pk=pk, enterprise_id=enterprise_id, is_active=True).first()
    if person is None or not person.has_role(Role.ENTERPRISE):
        raise ValidationFailed(
            "工作联络员须为本企业在用的企业账号", code="liaison_invalid", details={"field": "user"}
        )
    mobile = _liaison_phone(person, phone)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise_id)
    current = Liaison.objects.filter(enterprise_id=enterprise_id).first()
    before = {"user": current.user_id} if current else None
    if current is None:
        liaison = Liaison.objects.create(enterprise_id=enterprise_id, user=person, named_by=acting_user)
    else:
        current.user = person
        current.named_by = acting_user
        current.save(update_fields=["user", "named_by", "named_at"])
        liaison = current
    record(
        "network.liaison_name",
        actor=acting_user,
        obj=liaison,
        before=before,
        after={"user": person.pk, "name": person.display_name},
    )
    _sync_registry_liaison(enterprise, person, mobile, acting_user)
    return liaison


def _sync_registry_liaison(enterprise: Enterprise, person: User, mobile: str, actor: Any) -> None:
    """Copy the named liaison into the registry's 工作联络员 fields (locked row). The 联络员身份证号
    of a previous liaison is cleared when the person changes: it is not the new liaison's."""
    name = person.display_name[: Enterprise._meta.get_field("liaison_name").max_length]  # type: ignore[union-attr]
    before = {"liaison_name": enterprise.liaison_name, "liaison_phone": enterprise.liaison_phone}
    if before == {"liaison_name": name, "liaison_phone": mobile}:
        return
    fields = ["liaison_name", "liaison_phone", "version", "updated_at"]
    if enterprise.liaison_name != name and enterprise.liaison_id_number:
        before["liaison_id_number"] = "（已清除）"
        enterprise.liaison_id_number = ""
        fields.append("liaison_id_number")
    enterprise.liaison_name = name
    enterprise.liaison_phone = mobile
    enterprise.version += 1
    enterprise.save(update_fields=fields)
    record(
        "network.liaison_registry_sync",
        actor=actor,
        obj=enterprise,
        before=before,
        after={"liaison_name": name, "liaison_phone": mobile, "liaison_user": person.pk},
    )
