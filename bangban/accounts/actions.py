"""Every change to accounts and API tokens (R0.4). Each `do_*` runs in one transaction, locks the
row it changes and records one audit event. Passwords and token values never reach the audit log;
phone and ID numbers are recorded masked. Permission is checked by the caller (`access.py`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bangban.audit.actions import diff, record, snapshot
from bangban.core import kit
from bangban.core.errors import Conflict, NotFound, ValidationFailed
from bangban.core.kit import durable_action, require_transaction

from .access import mask_id_number, mask_phone
from .idcard import id_number_error, normalise_id_number
from .models import ApiToken, RoleRecord, User, hash_token
from .passwords import password_problems
from .roles import CITY_WIDE_ROLES, STAFF_ROLES, Rank, Role
from .second_factor import RECOVERY_CODES

USER_FIELDS = ("full_name", "email", "phone", "id_number", "unit", "rank", "title", "enterprise")
AUDITED_FIELDS = ["username", "is_active", "version", *USER_FIELDS]
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Roles whose work is bound to the unit they sit in: without a unit they would see nothing.
UNIT_BOUND_ROLES = STAFF_ROLES - CITY_WIDE_ROLES


class Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, field: str, message: str | None) -> None:
        if message:
            self.items.append({"field": field, "message": message})

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items[0]["message"], details=self.items)


def user_snapshot(user: User, roles: Iterable[str] | None = None) -> dict[str, Any]:
    data = snapshot(user, fields=AUDITED_FIELDS)
    data["phone"] = mask_phone(user.phone)
    data["id_number"] = mask_id_number(user.id_number)
    data["roles"] = sorted(user.role_codes() if roles is None else roles)
    return data


def _lock_user(user_id: int) -> User:
    require_transaction()
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user


def _validate_user(
    user: User | None, values: dict[str, Any], roles: set[str], acting_user: User, errors: Errors
) -> None:
    if not values["full_name"]:
        errors.add("full_name", "请填写姓名")
    unknown = roles - set(Role.values)
    if unknown:
        errors.add("roles", f"未知的角色：{', '.join(sorted(unknown))}")
    if values["rank"] and values["rank"] not in Rank.values:
        errors.add("rank", "请选择有效的职级")
    if values["phone"] and not MOBILE_RE.match(values["phone"]):
        errors.add("phone", "手机号应为 11 位中国大陆手机号码")
    if values["email"] and not EMAIL_RE.match(values["email"]):
        errors.add("email", "电子邮箱格式不正确")
    if values["id_number"]:
        errors.add("id_number", id_number_error(values["id_number"]))
    unit, enterprise = values["unit"], values["enterprise"]
    if unit is not None and not unit.is_active and (user is None or user.unit_id != unit.pk):
        errors.add("unit", f"单位“{unit}”已停用")
    if Role.ENTERPRISE in roles:
        if enterprise is None:
            errors.add("enterprise", "企业用户必须关联所属企业")
        staff = roles - {Role.ENTERPRISE}
        if staff:
            labels = "、".join(Role(code).label for code in sorted(staff) if code in Role.values)
            errors.add("roles", f"企业用户不能同时拥有工作人员角色（{labels}）")
        if unit is not None:
            errors.add("unit", "企业用户不属于政府单位，请清空所在单位")
    elif enterprise is not None:
        errors.add("enterprise", "只有企业用户才能关联企业")
    bound = sorted(roles & UNIT_BOUND_ROLES)
    if bound and unit is None and Role.ENTERPRISE not in roles:
        labels = "、".join(Role(code).label for code in bound)
        errors.add("unit", f"{labels}须选择所在单位（其数据范围由单位决定）")
    is_self = user is not None and acting_user is not None and user.pk == acting_user.pk
    if is_self and user is not None and Role.ADMIN in user.role_codes() and Role.ADMIN not in roles:
        errors.add("roles", "不能取消自己的系统管理员角色，请由另一位管理员操作")


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if "id_number" in cleaned:
        cleaned["id_number"] = normalise_id_number(cleaned["id_number"] or "")
    for key in ("full_name", "email", "phone", "id_number", "rank", "title"):
        if key in cleaned and cleaned[key] is None:
            cleaned[key] = ""
    return cleaned


@durable_action
def do_create_user(
    *,
    acting_user: User,
    username: str,
    password: str,
    full_name: str,
    roles: Iterable[str] = (),
    unit: Any = None,
    rank: str = "",
    title: str = "",
    phone: str = "",
    id_number: str = "",
    enterprise: Any = None,
    email: str = "",
) -> User:
    username = (username or "").strip()
    role_set = set(roles)
    values = _clean(
        {
            "full_name": full_name,
            "email": email,
            "phone": phone,
            "id_number": id_number,
            "unit": unit,
            "rank": rank,
            "title": title,
            "enterprise": enterprise,
        }
    )
    errors = Errors()
    if not username:
        errors.add("username", "请填写用户名")
    else:
        try:
            ASCIIUsernameValidator()(username)
        except ValidationError:
            errors.add("username", "用户名只能包含英文字母、数字和 @ . + - _ 符号")
        if User.objects.filter(username__iexact=username).exists():
            errors.add("username", f"用户名 {username} 已被使用")
    _validate_user(None, values, role_set, acting_user, errors)
    for problem in password_problems(password, User(username=username, **values)):
        errors.add("password", problem)
    errors.raise_if_any()
    user = User(username=username, **values)
    user.set_password(password)
    user.save()
    user.roles.set(RoleRecord.for_codes(role_set))
    record("account.created", actor=acting_user, obj=user, after=user_snapshot(user, role_set))
    return user


@durable_action
def do_update_user(
    *,
    acting_user: User,
    user_id: int,
    changes: Mapping[str, Any],
    roles: Iterable[str] | None = None,
    version: int | None = None,
) -> User:
    """Change some of `USER_FIELDS` and, if `roles` is given, replace the user's roles."""
    extra = set(changes) - set(USER_FIELDS)
    if extra:
        raise ValidationFailed(f"不能修改的字段：{', '.join(sorted(extra))}")
    with transaction.atomic():
        user = _lock_user(user_id)
        kit.check_version(user, version)
        current_roles = set(user.role_codes())
        role_set = current_roles if roles is None else set(roles)
        before = user_snapshot(user, current_roles)
        values: dict[str, Any] = {field: getattr(user, field) for field in USER_FIELDS}
        values.update(_clean(changes))
        errors = Errors()
        _validate_user(user, values, role_set, acting_user, errors)
        errors.raise_if_any()
        if role_set == current_roles and all(values[f] == getattr(user, f) for f in USER_FIELDS):
            return user
        for field in USER_FIELDS:
            setattr(user, field, values[field])
        user.version += 1
        user.save(update_fields=[*USER_FIELDS, "version"])
        if role_set != current_roles:
            user.roles.set(RoleRecord.for_codes(role_set))
            user._role_codes = frozenset(role_set)
            user.__dict__.pop("_bangban_scope", None)
        old, new = diff(before, user_snapshot(user, role_set))
        record("account.updated", actor=acting_user, obj=user, before=old, after=new)
    return user


def do_set_user_active(*, acting_user: User, user_id: int, active: bool, version: int | None = None) -> User:
    with transaction.atomic(durable=True):
        user = _lock_user(user_id)
        kit.check_version(user, version)
        if user.is_active == active:
            return user
        if not active and acting_user is not None and user.pk == acting_user.pk:
            raise ValidationFailed("不能停用自己的账号")
        if active and user.unit is not None and not user.unit.is_active:
            raise ValidationFailed(f"所在单位“{user.unit}”已停用，请先调整该账号的单位")
        user.is_active = active
        user.version += 1
        user.save(update_fields=["is_active", "version"])
        record(
            "account.activated" if active else "account.deactivated",
            actor=acting_user,
            obj=user,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return user


@durable_action
def do_reset_password(*, acting_user: User, user_id: int, password: str) -> User:
    """An administrator sets a new password (told to the person by other means)."""
    user = _lock_user(user_id)
    problems = password_problems(password, user)
    if problems:
        raise ValidationFailed(problems[0], details=[{"field": "password", "message": p} for p in problems])
    user.set_password(password)
    user.save(update_fields=["password"])
    record("account.password_reset", actor=acting_user, obj=user)
    return user


@durable_action
def do_change_own_password(*, acting_user: User, old_password: str, new_password: str) -> User:
    user = _lock_user(acting_user.pk)
    if not user.check_password(old_password):
        message = "原密码不正确"
        raise ValidationFailed(message, details=[{"field": "old_password", "message": message}])
    if old_password == new_password:
        message = "新密码不能与原密码相同"
        raise ValidationFailed(message, details=[{"field": "new_password", "message": message}])
    problems = password_problems(new_password, user)
    if problems:
        raise ValidationFailed(
            problems[0], details=[{"field": "new_password", "message": p} for p in problems]
        )
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record("account.password_changed", actor=user, obj=user)
    return user


@durable_action
def do_unlock_user(*, acting_user: User, user_id: int) -> User:
    """Lift a lock-out before it expires and forget earlier failed attempts."""
    user = _lock_user(user_id)
    if user.locked_until is None and user.failed_login_count == 0:
        return user
    before = {"locked_until": user.locked_until, "failed_login_count": user.failed_login_count}
    user.locked_until = None
    user.failed_login_count = 0
    user.save(update_fields=["locked_until", "failed_login_count"])
    record(
        "account.unlocked",
        actor=acting_user,
        obj=user,
        before=before,
        after={"locked_until": None, "failed_login_count": 0},
    )
    return user


@durable_action
def do_create_token(
    *,
    acting_user: User,
    user_id: int,
    name: str,
    expires_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new API token for `user_id`. Returns the row and the raw value, which exists only here:
    the database keeps its SHA-256, so it must be shown to the administrator once and never again."""
    now = now or timezone.now()
    name = (name or "").strip()
    errors = Errors()
    if not name:
        errors.add("name", "请填写令牌用途，如“12345 热线对接”")
    if expires_at is not None and expires_at <= now:
        errors.add("expires_at", "有效期须晚于当前时间")
    errors.raise_if_any()
    owner = _lock_user(user_id)
    if not owner.is_active:
        raise ValidationFailed("该账号已停用，不能创建令牌")
    raw = ApiToken.generate_raw()
    token = ApiToken.objects.create(
        user=owner,
        name=name[:80],
        key_prefix=raw[:11],
        key_hash=hash_token(raw),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        expires_at=expires_at,
    )
    record(
        "token.created",
        actor=acting_user,
        obj=token,
        after={
            "user": owner.username,
            "name": token.name,
            "prefix": token.key_prefix,
            "expires_at": expires_at,
        },
    )
    return token, raw


@durable_action
def do_revoke_token(*, acting_user: User, token_id: int, now: dt.datetime | None = None) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is not None:
        return token
    token.revoked_at = now or timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        "token.revoked",
        actor=acting_user,
        obj=token,
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at, "prefix": token.key_prefix},
    )
    return token


# --- second factor (TOTP) ----------------------------------------------------------------------------


@durable_action
def do_start_second_factor(*, acting_user: User) -> Any:
    """A new, unconfirmed TOTP device for the acting user (enrolment, step 1). Refused when a
    confirmed device exists: another one is enrolled only after an administrator's reset."""

    user = _lock_user(acting_user.pk)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict("已绑定身份验证器；如需更换，请联系系统管理员重置")
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if pending is not None:
        return pending
    device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    record("account.second_factor_started", actor=acting_user, obj=user, after={"device": device.pk})
    return device


@durable_action
def do_confirm_second_factor(*, acting_user: User, code: str) -> tuple[Any, list[str]]:
    """Confirm the pending TOTP device with a code from the app (enrolment, step 2) and issue
    fresh recovery codes. Returns the device and the codes, which are shown once."""

    code = "".join((code or "").split())
    user = _lock_user(acting_user.pk)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict("已绑定身份验证器；如需更换，请联系系统管理员重置")
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise ValidationFailed(
            "请先生成二维码再输入验证码", details=[{"field": "code", "message": "请先生成二维码"}]
        )
    if not (code.isdigit() and len(code) == device.digits and device.verify_token(code)):
        raise ValidationFailed(
            "验证码不正确，请核对手机时间后输入身份验证器中当前显示的 6 位数字",
            details=[{"field": "code", "message": "验证码不正确"}],
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for value in codes:
        recovery.token_set.create(token=value)
    record(
        "account.second_factor_enrolled",
        actor=acting_user,
        obj=user,
        after={"device": device.pk, "recovery_codes": len(codes)},
    )
    return device, codes


@durable_action
def do_reset_second_factor(*, acting_user: User, user_id: int) -> User:
    """Remove every second-factor device of a user (lost phone): the next login enrols anew."""

    user = _lock_user(user_id)
    totp = TOTPDevice.objects.filter(user=user).count()
    static = StaticDevice.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if not (totp or static):
        raise Conflict("该账号尚未绑定身份验证器，无需重置")
    record(
        "account.second_factor_reset",
        actor=acting_user,
        obj=user,
        before={"devices": totp + static},
        after={"devices": 0},
    )
    return user
