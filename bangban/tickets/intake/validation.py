"""Validating a submission: the fields (Chinese messages, stable codes, every problem at once in
`details["fields"]`), the registry rows it names (category, enterprise, region), and the contact
details a channel fills in when left blank."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q

from bangban.enterprises.access import visible_enterprise, visible_enterprises
from bangban.enterprises.models import Enterprise
from bangban.enterprises.uscc import USCCError, validate_uscc
from bangban.enterprises.validation import FieldError, parse_phone
from bangban.org.models import Region

from ..config_cache import Config
from ..models import Category, TicketType, Urgency
from ._common import (
    CONTACT_NAME_MAX,
    CONTENT_MAX,
    ENTERPRISE_NAME_MAX,
    TITLE_MAX,
    Clean,
    FieldErrors,
    IntakeInput,
    one,
    text,
)
from .channels import FROM_ACCOUNT, FROM_ENTERPRISE, OWN, PUBLIC, ChannelPolicy


class Lookups:
    """The registry reads that validating one submission needs, one query each. The batch intake
    passes `PrefetchedLookups`, which answers them for a whole batch from a few queries."""

    def category(self, category_id: int | None, code: str) -> Category | None:
        qs = Category.objects.select_related("parent__parent").filter(is_active=True)
        return one(qs.filter(pk=category_id)) if category_id else one(qs.filter(code=code))

    def region(self, code: str) -> Region | None:
        return one(Region.objects.filter(code=code, is_active=True))

    def visible_enterprise(self, user: Any, enterprise_id: int) -> Enterprise | None:
        return visible_enterprise(user, enterprise_id)


DB_LOOKUPS = Lookups()


class ConfigLookups(Lookups):
    """The categories from the process's copy of the configuration (`config_cache`): one intake
    reads the configuration's token once instead of the category."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def category(self, category_id: int | None, code: str) -> Category | None:
        try:
            return self.config.category(int(category_id) if category_id else None, code)
        except (TypeError, ValueError):
            return None


class PrefetchedLookups(Lookups):
    """Categories, regions and the caller's visible enterprises that a batch names, read once."""

    def __init__(self, user: Any, items: Sequence[IntakeInput]) -> None:
        codes = {text(i.category_code) for i in items if not i.category_id and text(i.category_code)}
        ids = {int(i.category_id) for i in items if i.category_id}
        qs = Category.objects.select_related("parent__parent").filter(is_active=True)
        found = list(qs.filter(Q(code__in=codes) | Q(pk__in=ids)))
        self._categories_by_code = {c.code: c for c in found}
        self._categories_by_id = {c.pk: c for c in found}
        region_codes = {text(i.region_code) for i in items if text(i.region_code)}
        self._regions = {r.code: r for r in Region.objects.filter(code__in=region_codes, is_active=True)}
        enterprise_ids = {int(i.enterprise_id) for i in items if i.enterprise_id}
        self._enterprises = {
            e.pk: e for e in visible_enterprises(user).select_related("region").filter(pk__in=enterprise_ids)
        }

    def category(self, category_id: int | None, code: str) -> Category | None:
        if category_id:
            return self._categories_by_id.get(int(category_id))
        return self._categories_by_code.get(code)

    def region(self, code: str) -> Region | None:
        return self._regions.get(code)

    def visible_enterprise(self, user: Any, enterprise_id: int) -> Enterprise | None:
        return self._enterprises.get(int(enterprise_id))


def clean_submission(
    data: IntakeInput,
    user: Any,
    *,
    enterprise_mode: str,
    errors: FieldErrors | None = None,
    required: frozenset[str] = frozenset(),
    lookups: Lookups = DB_LOOKUPS,
) -> Clean:
    """Check every field (all problems at once, `FieldErrors`) and resolve the category, the
    enterprise and the region the submission names. `required` names the fields a channel
    requires besides title and content."""
    errors = errors or FieldErrors()
    title = text(data.title)
    content = text(data.content).replace("\r\n", "\n")
    if not title:
        errors.add("title", "title_required", "请填写标题")
    elif len(title) > TITLE_MAX:
        errors.add("title", "title_too_long", f"标题不能超过 {TITLE_MAX} 个字（现有 {len(title)} 个字）")
    if not content:
        errors.add("content", "content_required", "请填写诉求内容")
    elif len(content) > CONTENT_MAX:
        errors.add(
            "content", "content_too_long", f"诉求内容不能超过 {CONTENT_MAX} 个字（现有 {len(content)} 个字）"
        )

    category = None
    if data.category_id or text(data.category_code):
        category = lookups.category(data.category_id, text(data.category_code))
        if category is None:
            errors.add("category", "unknown_category", "诉求分类不存在或已停用，请重新选择")
    elif "category" in required:
        errors.add("category", "category_required", "请选择诉求分类")

    if data.type not in TicketType.values:
        errors.add("type", "invalid_type", "诉求类型无效，应为咨询、投诉、建议、求助或举报")
    if data.urgency not in Urgency.values:
        errors.add("urgency", "invalid_urgency", "紧急程度无效，应为紧急、一般或复杂")

    contact_phone = ""
    raw_phone = text(data.contact_phone)
    if raw_phone:
        try:
            contact_phone = parse_phone(raw_phone)
        except FieldError:
            errors.add(
                "contact_phone",
                "invalid_phone",
                "联系电话格式不正确，应为11位手机号或固定电话（如 0527-84361234）",
            )
    elif "contact_phone" in required:
        errors.add("contact_phone", "phone_required", "请填写联系电话")
    contact_name = text(data.contact_name)
    if len(contact_name) > CONTACT_NAME_MAX:
        errors.add(
            "contact_name",
            "contact_name_too_long",
            f"联系人不能超过 {CONTACT_NAME_MAX} 个字（现有 {len(contact_name)} 个字）",
        )
    if "contact_name" in required and not contact_name:
        errors.add("contact_name", "contact_name_required", "请填写联系人姓名")

    enterprise_name = text(data.enterprise_name)
    if len(enterprise_name) > ENTERPRISE_NAME_MAX:
        errors.add(
            "enterprise_name",
            "enterprise_name_too_long",
            f"企业名称不能超过 {ENTERPRISE_NAME_MAX} 个字（现有 {len(enterprise_name)} 个字）",
        )
    enterprise_uscc = ""
    raw_uscc = text(data.enterprise_uscc)
    if raw_uscc:
        try:
            enterprise_uscc = validate_uscc(raw_uscc)
        except USCCError as exc:
            errors.add("enterprise_uscc", "invalid_uscc", f"统一社会信用代码有误：{exc}")

    enterprise = resolve_enterprise(data, user, enterprise_mode, enterprise_uscc, errors, lookups)
    if enterprise is not None:
        enterprise_name = enterprise.name
        enterprise_uscc = enterprise.uscc
    elif "enterprise" in required and "enterprise" not in errors.fields:
        errors.add("enterprise", "enterprise_required", "请选择诉求涉及的企业")
    elif "enterprise_name" in required and not enterprise_name and "enterprise" not in errors.fields:
        errors.add("enterprise_name", "enterprise_name_required", "请填写企业名称")

    region = None
    region_code = text(data.region_code)
    if region_code:
        region = lookups.region(region_code)
        if region is None:
            errors.add("region", "unknown_region", "问题所在区划不存在")
    elif enterprise is not None:
        region = enterprise.region

    errors.raise_if_any()
    return Clean(
        title=title,
        content=content,
        category=category,
        type=data.type,
        urgency=data.urgency,
        multi_unit=bool(data.multi_unit),
        enterprise=enterprise,
        enterprise_name=enterprise_name,
        enterprise_uscc=enterprise_uscc,
        region=region,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )


def resolve_enterprise(
    data: IntakeInput, user: Any, mode: str, uscc: str, errors: FieldErrors, lookups: Lookups = DB_LOOKUPS
) -> Enterprise | None:
    out_of_scope = "所选企业不存在或不在您的服务范围内"
    if mode == OWN:
        own_id = getattr(user, "enterprise_id", None)
        if own_id is None:
            errors.add("enterprise", "enterprise_missing", "您的账号尚未关联企业，请联系管理员")
            return None
        if data.enterprise_id and int(data.enterprise_id) != own_id:
            errors.add("enterprise", "enterprise_out_of_scope", "企业用户只能为本企业提交诉求")
            return None
        return Enterprise.objects.select_related("region").get(pk=own_id)
    if mode == PUBLIC:
        # A visitor's words link the case to the register when they name one active enterprise: by
        # its USCC, or else by its exact registered name.
        active = Enterprise.objects.select_related("region").filter(is_active=True)
        if uscc:
            return one(active.filter(uscc=uscc))
        name = text(data.enterprise_name)
        return one(active.filter(name=name)) if name else None
    # Staff: a registered enterprise must be one they may see.
    if data.enterprise_id:
        found = lookups.visible_enterprise(user, data.enterprise_id)
        if found is None:
            errors.add("enterprise", "enterprise_out_of_scope", out_of_scope)
        return found
    if uscc:
        registered = one(Enterprise.objects.select_related("region").filter(uscc=uscc))
        if registered is None:
            return None  # not in the registry: kept as typed
        if not visible_enterprises(user).filter(pk=registered.pk).exists():
            errors.add("enterprise", "enterprise_out_of_scope", out_of_scope)
            return None
        return registered
    return None


def clean_for(
    policy: ChannelPolicy,
    user: Any,
    data: IntakeInput,
    errors: FieldErrors | None = None,
    lookups: Lookups = DB_LOOKUPS,
) -> Clean:
    """A submission validated as its channel requires, with the blank contact details filled in
    the channel's way. `errors` may hold the channel's own problems (e.g. a hotline outcome)."""
    errors = errors or FieldErrors()
    if policy.urgencies and data.urgency not in policy.urgencies:
        errors.add("urgency", "invalid_urgency", policy.urgency_message)
    clean = clean_submission(
        data,
        user,
        enterprise_mode=policy.enterprise,
        errors=errors,
        required=policy.required,
        lookups=lookups,
    )
    if policy.contact_default == FROM_ACCOUNT:
        default_contact_from_account(clean, user)
    elif policy.contact_default == FROM_ENTERPRISE:
        default_contact_from_enterprise(clean)
    return clean


def default_contact_from_account(clean: Clean, user: Any) -> None:
    if not clean.contact_name:
        clean.contact_name = (getattr(user, "full_name", "") or "")[:50]
    if not clean.contact_phone:
        clean.contact_phone = getattr(user, "phone", "") or ""


def default_contact_from_enterprise(clean: Clean) -> None:
    e = clean.enterprise
    if e is not None and not clean.contact_name and not clean.contact_phone:
        clean.contact_name = e.liaison_name
        clean.contact_phone = e.liaison_phone
