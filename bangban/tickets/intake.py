"""Intake (受理): a case is created from every channel the rules name (R1.3, R2.2, R3.2, R4.1, R5.3,
R6.1, R7.3, R8.1, R13.1). Pages, the API and imports call the `do_intake_*` actions here.

Every intake, whatever the channel, in one transaction:
1. validates the submission (Chinese messages, stable codes; all field problems at once in
   `details["fields"]`) and the uploaded attachments (attachments.py);
2. replays an earlier submission with the same idempotency key and content (`IntakeResult.replayed`)
   or refuses the key with different content (`idempotency_conflict`, 409);
3. numbers the case (numbering.py), suggests the responsible unit (routing.py), links it to a
   close earlier case of the same enterprise or phone (duplicates.py: `duplicate_of`, `is_repeat`,
   and a `duplicate_linked` event on both cases);
4. writes one PUBLIC `intake` event (timeline + audit) and, when the case waits for dispatch,
   notifies the dispatchers whose region covers it (in-app, delivered once the transaction commits).
A problem solved on the spot (12345 直接答复, a 三方连线/在线转接 that solved it, 即知即办 at the
window) is then closed with the answer as a PUBLIC `close_on_spot` event.

The deadline is not set here: the clock starts when the lead unit receives the case (dispatch).

The mayor's public column has no accounts: a visitor confirms a mobile number with an SMS code
(`do_send_phone_code` / `do_verify_phone_code`), and may then file and follow cases under it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bangban.accounts.access import has_any_role, mask_phone
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.audit.actions import record, snapshot
from bangban.core import throttle
from bangban.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from bangban.core.throttle import RateLimited
from bangban.enterprises.access import visible_enterprises
from bangban.enterprises.models import Enterprise
from bangban.enterprises.uscc import USCCError, validate_uscc
from bangban.enterprises.validation import FieldError, parse_mobile, parse_phone
from bangban.notifications.actions import notify, notify_each
from bangban.org.models import Region, Unit

from . import dispatch_clock, duplicates
from .attachments import CheckedFile, check_files, store_attachments
from .events import EventSpec, add_event, add_events
from .models import (
    Category,
    Channel,
    DispatchClockSettings,
    HotlineOutcome,
    IntakeMode,
    PhoneVerification,
    Ticket,
    TicketType,
    Urgency,
    Visibility,
)
from .numbering import next_number
from .routing import suggest_unit_id
from .workflow import FINAL_STATUSES, Status

__all__ = [
    "CODE_MAX_ATTEMPTS",
    "CODE_TTL",
    "RESEND_INTERVAL",
    "VERIFIED_TTL",
    "IdempotencyConflict",
    "IntakeInput",
    "IntakeResult",
    "RateLimited",
    "allowed_api_channels",
    "can_file_at_counter",
    "do_add_attachments",
    "do_intake_api",
    "do_intake_hotline",
    "do_intake_mayor_public",
    "do_intake_mayor_register",
    "do_intake_portal",
    "do_intake_report",
    "do_intake_window_counter",
    "do_intake_window_online",
    "do_send_phone_code",
    "do_verify_phone_code",
    "find_public_case",
    "verified_phone_for",
]

TITLE_MAX = 120
CONTENT_MAX = 5000
ANSWER_MAX = 5000
IDEMPOTENCY_KEY_MAX = 80
CONTACT_NAME_MAX = 50
ENTERPRISE_NAME_MAX = 120

CODE_TTL = dt.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
RESEND_INTERVAL = dt.timedelta(seconds=60)
# A number confirmed by SMS stays usable for filing and following cases for this long.
VERIFIED_TTL = dt.timedelta(minutes=30)
# At most this many codes per source address per hour (a second brake besides the per-number one).
CODES_PER_IP_PER_HOUR = 20


class IdempotencyConflict(ApplicationError):
    code = "idempotency_conflict"
    message = "该幂等键已用于内容不同的另一次提交，请换用新的幂等键"
    status = 409


HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def public_limits() -> dict[str, int]:
    """The caps on the public forms (settings override the defaults; see docs/operations.md)."""
    return {
        "sms_per_hour": int(getattr(settings, "BANGBAN_SMS_CODES_PER_HOUR", 300)),
        "sms_per_phone": int(getattr(settings, "BANGBAN_SMS_CODES_PER_PHONE_PER_HOUR", 5)),
        "sms_per_address": int(
            getattr(settings, "BANGBAN_SMS_CODES_PER_ADDRESS_PER_HOUR", CODES_PER_IP_PER_HOUR)
        ),
        "cases_per_phone": int(getattr(settings, "BANGBAN_PUBLIC_CASES_PER_PHONE_PER_DAY", 5)),
        "cases_per_address": int(getattr(settings, "BANGBAN_PUBLIC_CASES_PER_ADDRESS_PER_DAY", 20)),
    }


# --- input ------------------------------------------------------------------------------------


@dataclass
class IntakeInput:
    """A submission as typed (pages) or posted (API). Everything is validated by the action."""

    title: str = ""
    content: str = ""
    category_id: int | None = None
    category_code: str = ""
    type: str = TicketType.HELP
    urgency: str = Urgency.GENERAL
    multi_unit: bool = False
    enterprise_id: int | None = None
    enterprise_name: str = ""
    enterprise_uscc: str = ""
    region_code: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass
class IntakeResult:
    ticket: Ticket
    replayed: bool = False
    duplicate_of: Ticket | None = None
    similarity: float | None = None


@dataclass
class _Clean:
    title: str
    content: str
    category: Category | None
    type: str
    urgency: str
    multi_unit: bool
    enterprise: Enterprise | None
    enterprise_name: str
    enterprise_uscc: str
    region: Region | None
    contact_name: str
    contact_phone: str


@dataclass
class _Errors:
    fields: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, code: str, message: str) -> None:
        if name not in self.fields:
            self.fields[name] = message
            self.codes[name] = code

    def raise_if_any(self) -> None:
        if not self.fields:
            return
        first = next(iter(self.fields))
        message = self.fields[first] if len(self.fields) == 1 else "；".join(self.fields.values())
        raise ValidationFailed(
            message, code=self.codes[first], details={"fields": dict(self.fields), "codes": dict(self.codes)}
        )


# How an intake finds the enterprise a case is about.
_OWN = "own"  # an enterprise user: always its own enterprise
_SCOPE = "scope"  # staff: a registered enterprise they may see, or just a name
_PUBLIC = "public"  # no account: a name, and a USCC that may match the registry


def _text(value: Any) -> str:
    return str(value or "").strip()


def _one(qs: Any) -> Any:
    """The single row of a unique lookup, or None — without the ORDER BY `first()` adds."""
    rows = list(qs.order_by()[:1])
    return rows[0] if rows else None


class Lookups:
    """The registry reads that validating one submission needs, one query each. The batch intake
    passes `PrefetchedLookups`, which answers them for a whole batch from a few queries."""

    def category(self, category_id: int | None, code: str) -> Category | None:
        qs = Category.objects.select_related("parent__parent").filter(is_active=True)
        return _one(qs.filter(pk=category_id)) if category_id else _one(qs.filter(code=code))

    def region(self, code: str) -> Region | None:
        return _one(Region.objects.filter(code=code, is_active=True))

    def visible_enterprise(self, user: Any, enterprise_id: int) -> Enterprise | None:
        return _one(visible_enterprises(user).select_related("region").filter(pk=enterprise_id))


_DB_LOOKUPS = Lookups()


class PrefetchedLookups(Lookups):
    """Categories, regions and the caller's visible enterprises that a batch names, read once."""

    def __init__(self, user: Any, items: Sequence[IntakeInput]) -> None:
        codes = {_text(i.category_code) for i in items if not i.category_id and _text(i.category_code)}
        ids = {int(i.category_id) for i in items if i.category_id}
        qs = Category.objects.select_related("parent__parent").filter(is_active=True)
        found = list(qs.filter(Q(code__in=codes) | Q(pk__in=ids)))
        self._categories_by_code = {c.code: c for c in found}
        self._categories_by_id = {c.pk: c for c in found}
        region_codes = {_text(i.region_code) for i in items if _text(i.region_code)}
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


def _clean(
    data: IntakeInput,
    user: Any,
    *,
    enterprise_mode: str,
    errors: _Errors | None = None,
    require_phone: bool = False,
    require_contact_name: bool = False,
    require_enterprise: bool = False,
    require_enterprise_name: bool = False,
    require_category: bool = False,
    lookups: Lookups = _DB_LOOKUPS,
) -> _Clean:
    errors = errors or _Errors()
    title = _text(data.title)
    content = _text(data.content).replace("\r\n", "\n")
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
    if data.category_id or _text(data.category_code):
        category = lookups.category(data.category_id, _text(data.category_code))
        if category is None:
            errors.add("category", "unknown_category", "诉求分类不存在或已停用，请重新选择")
    elif require_category:
        errors.add("category", "category_required", "请选择诉求分类")

    if data.type not in TicketType.values:
        errors.add("type", "invalid_type", "诉求类型无效，应为咨询、投诉、建议、求助或举报")
    if data.urgency not in Urgency.values:
        errors.add("urgency", "invalid_urgency", "紧急程度无效，应为紧急、一般或复杂")

    contact_phone = ""
    raw_phone = _text(data.contact_phone)
    if raw_phone:
        try:
            contact_phone = parse_phone(raw_phone)
        except FieldError:
            errors.add(
                "contact_phone",
                "invalid_phone",
                "联系电话格式不正确，应为11位手机号或固定电话（如 0527-84361234）",
            )
    elif require_phone:
        errors.add("contact_phone", "phone_required", "请填写联系电话")
    contact_name = _text(data.contact_name)
    if len(contact_name) > CONTACT_NAME_MAX:
        errors.add(
            "contact_name",
            "contact_name_too_long",
            f"联系人不能超过 {CONTACT_NAME_MAX} 个字（现有 {len(contact_name)} 个字）",
        )
    if require_contact_name and not contact_name:
        errors.add("contact_name", "contact_name_required", "请填写联系人姓名")

    enterprise_name = _text(data.enterprise_name)
    if len(enterprise_name) > ENTERPRISE_NAME_MAX:
        errors.add(
            "enterprise_name",
            "enterprise_name_too_long",
            f"企业名称不能超过 {ENTERPRISE_NAME_MAX} 个字（现有 {len(enterprise_name)} 个字）",
        )
    enterprise_uscc = ""
    raw_uscc = _text(data.enterprise_uscc)
    if raw_uscc:
        try:
            enterprise_uscc = validate_uscc(raw_uscc)
        except USCCError as exc:
            errors.add("enterprise_uscc", "invalid_uscc", f"统一社会信用代码有误：{exc}")

    enterprise = _resolve_enterprise(data, user, enterprise_mode, enterprise_uscc, errors, lookups)
    if enterprise is not None:
        enterprise_name = enterprise.name
        enterprise_uscc = enterprise.uscc
    elif require_enterprise and "enterprise" not in errors.fields:
        errors.add("enterprise", "enterprise_required", "请选择诉求涉及的企业")
    elif require_enterprise_name and not enterprise_name and "enterprise" not in errors.fields:
        errors.add("enterprise_name", "enterprise_name_required", "请填写企业名称")

    region = None
    region_code = _text(data.region_code)
    if region_code:
        region = lookups.region(region_code)
        if region is None:
            errors.add("region", "unknown_region", "问题所在区划不存在")
    elif enterprise is not None:
        region = enterprise.region

    errors.raise_if_any()
    return _Clean(
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


def _resolve_enterprise(
    data: IntakeInput, user: Any, mode: str, uscc: str, errors: _Errors, lookups: Lookups = _DB_LOOKUPS
) -> Enterprise | None:
    out_of_scope = "所选企业不存在或不在您的服务范围内"
    if mode == _OWN:
        own_id = getattr(user, "enterprise_id", None)
        if own_id is None:
            errors.add("enterprise", "enterprise_missing", "您的账号尚未关联企业，请联系管理员")
            return None
        if data.enterprise_id and int(data.enterprise_id) != own_id:
            errors.add("enterprise", "enterprise_out_of_scope", "企业用户只能为本企业提交诉求")
            return None
        return Enterprise.objects.select_related("region").get(pk=own_id)
    if mode == _PUBLIC:
        if uscc:
            return _one(Enterprise.objects.select_related("region").filter(uscc=uscc, is_active=True))
        return None
    # Staff: a registered enterprise must be one they may see.
    if data.enterprise_id:
        found = lookups.visible_enterprise(user, data.enterprise_id)
        if found is None:
            errors.add("enterprise", "enterprise_out_of_scope", out_of_scope)
        return found
    if uscc:
        registered = _one(Enterprise.objects.select_related("region").filter(uscc=uscc))
        if registered is None:
            return None  # not in the registry: kept as typed
        if not visible_enterprises(user).filter(pk=registered.pk).exists():
            errors.add("enterprise", "enterprise_out_of_scope", out_of_scope)
            return None
        return registered
    return None


def _content_hash(channel: str, c: _Clean) -> str:
    payload = [
        channel,
        c.title,
        c.content,
        c.category.code if c.category else "",
        c.type,
        c.urgency,
        c.multi_unit,
        c.enterprise.pk if c.enterprise else c.enterprise_name,
        c.region.code if c.region else "",
        c.contact_name,
        c.contact_phone,
    ]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


def _scoped_key(prefix: str, key: str | None) -> str | None:
    """Idempotency keys are private to whoever sends them: the same key from two clients never
    collides."""
    key = _text(key)
    if not key:
        return None
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationFailed(
            f"幂等键不能超过 {IDEMPOTENCY_KEY_MAX} 个字符",
            code="invalid_idempotency_key",
            details={"fields": {"idempotency_key": f"幂等键不能超过 {IDEMPOTENCY_KEY_MAX} 个字符"}},
        )
    return f"{prefix}:{key}"


def _replay(key: str, content_hash: str) -> Ticket | None:
    found = _one(Ticket.objects.filter(idempotency_key=key).values_list("pk", "content_hash"))
    if found is None:
        return None
    if found[1] != content_hash:
        raise IdempotencyConflict()
    return Ticket.objects.get(pk=found[0])


# --- the shared core --------------------------------------------------------------------------


def case_link(ticket: Ticket) -> str:
    """The case page once it exists; the intake confirmation page until then."""
    try:
        return reverse("tickets:detail", args=[ticket.pk])
    except NoReverseMatch:
        return reverse("tickets:intake_done", args=[ticket.pk])


# The newest cases of the same enterprise (or phone) a new one is compared with.
REPEAT_CANDIDATES = 200


def repeat_candidates(channel: str, since: dt.datetime) -> Any:
    """The cases a new one of `channel` may repeat. Conduct complaints (作风直通车) are compared only
    with each other: a link to the enterprise's other cases would name the complainant to the units
    handling those (R0.4)."""
    qs = Ticket.objects.filter(received_at__gte=since).exclude(status__in=[Status.MERGED, Status.WITHDRAWN])
    if channel == Channel.CONDUCT:
        return qs.filter(channel=Channel.CONDUCT)
    return qs.exclude(channel=Channel.CONDUCT)


def _path_prefixes(path: str) -> list[str]:
    """ "/321300/321322/321322001/" → ["/321300/", "/321300/321322/", "/321300/321322/321322001/"]."""
    codes = [code for code in (path or "").split("/") if code]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def dispatchers_for_intake(region: Region | None) -> list[int]:
    """Ids of the active dispatchers whose area covers a new case (one query): those of a city
    unit always; those of a county, zone or township unit when the case's region lies in their
    region — the cases `access.visible_tickets` shows them."""
    from bangban.accounts.models import User

    city = Q(unit__region__parent__isnull=True)
    prefixes = _path_prefixes(getattr(region, "path", ""))
    qs = User.objects.filter(is_active=True, roles__code=Role.DISPATCHER, unit__isnull=False)
    qs = qs.filter(city | Q(unit__region__path__in=prefixes) if prefixes else city)
    return sorted(set(qs.values_list("pk", flat=True)))


def dispatcher_message(ticket: Ticket) -> tuple[str, str, str]:
    """(subject, body, link) of the message telling dispatchers a new case waits for them."""
    body = f"{ticket.get_channel_display()}｜{ticket.title}"
    if ticket.is_repeat:
        body += "（重复反映）"
    return f"新诉求待派单：{ticket.number}", body, case_link(ticket)


def _recent_texts(
    key_field: str, values: set[Any], channel: str, since: dt.datetime
) -> dict[Any, list[tuple[int, str]]]:
    """The newest cases (id, text) per enterprise or per phone, at most `REPEAT_CANDIDATES` each, newest
    first, for all of `values` in one query."""
    if not values:
        return {}
    qs = repeat_candidates(channel, since)
    if key_field == "enterprise_id":
        qs = qs.filter(enterprise_id__in=values)
    else:
        qs = qs.filter(enterprise__isnull=True, contact_phone__in=values)
    newest_first = [F("received_at").desc(), F("id").desc()]
    rows = (
        qs.annotate(position=Window(RowNumber(), partition_by=[F(key_field)], order_by=newest_first))
        .filter(position__lte=REPEAT_CANDIDATES)
        .order_by(*newest_first)
        .values_list("id", key_field, "title", "content")
    )
    grouped: dict[Any, list[tuple[int, str]]] = {}
    for pk, group, title, content in rows:
        grouped.setdefault(group, []).append((pk, f"{title}\n{content}"))
    return grouped


def find_repeats(
    cleans: list[_Clean], channel: str, now: dt.datetime
) -> list[tuple[Ticket | int, float] | None]:
    """For each submission in order, the case it repeats (重复反映) and the similarity: an earlier
    case (a Ticket) or an earlier submission of the same list (its position, an int), or None.
    One query per key kind (enterprise, phone) however many submissions."""
    since = now - dt.timedelta(days=duplicates.WINDOW_DAYS)
    by_enterprise = _recent_texts(
        "enterprise_id", {c.enterprise.pk for c in cleans if c.enterprise}, channel, since
    )
    phones = {c.contact_phone for c in cleans if c.enterprise is None and c.contact_phone}
    by_phone = _recent_texts("contact_phone", phones, channel, since)
    earlier: dict[tuple[str, Any], list[int]] = {}
    matches: list[tuple[int, float] | None] = []
    for position, c in enumerate(cleans):
        group: tuple[str, Any]
        if c.enterprise is not None:
            group, stored = ("e", c.enterprise.pk), by_enterprise.get(c.enterprise.pk, [])
        elif c.contact_phone:
            group, stored = ("p", c.contact_phone), by_phone.get(c.contact_phone, [])
        else:
            matches.append(None)
            continue
        # Earlier submissions of the list are newer than anything stored; ids below zero name them.
        mine = [
            (-(j + 1), f"{cleans[j].title}\n{cleans[j].content}") for j in reversed(earlier.get(group, []))
        ]
        candidates = (mine + stored)[:REPEAT_CANDIDATES]
        match = duplicates.best_match(f"{c.title}\n{c.content}", candidates)
        matches.append((match.id, match.score) if match is not None else None)
        earlier.setdefault(group, []).append(position)
    originals = Ticket.objects.in_bulk([m[0] for m in matches if m is not None and m[0] > 0])
    result: list[tuple[Ticket | int, float] | None] = []
    for m in matches:
        if m is None:
            result.append(None)
        elif m[0] < 0:
            result.append((-m[0] - 1, m[1]))
        else:
            result.append((originals[m[0]], m[1]))
    return result


def notify_dispatchers(tickets: list[Ticket], actor: Any, now: dt.datetime) -> None:
    """Tell the dispatchers whose area covers each new case that it waits for them (in-app; queued
    in the outbox with the intake, one INSERT for all, delivered once it commits)."""
    from bangban.accounts.models import User

    actor_id = getattr(actor, "pk", None)
    by_region: dict[Any, list[int]] = {}
    messages = []
    for ticket in tickets:
        region_id = ticket.region_id
        if region_id not in by_region:
            by_region[region_id] = [pk for pk in dispatchers_for_intake(ticket.region) if pk != actor_id]
        subject, body, link = dispatcher_message(ticket)
        messages += [(User(pk=pk), subject, body, link) for pk in by_region[region_id]]
    notify_each(messages, channels=("inapp",), now=now)


def _create(*, key: str | None, channel: str, clean: _Clean, **kwargs: Any) -> IntakeResult:
    try:
        return _create_once(key=key, channel=channel, clean=clean, **kwargs)
    except IntegrityError:
        # A concurrent request committed the same idempotency key between our check and our
        # insert: the whole intake rolled back (no savepoint needed on the common path); answer as
        # for a replay.
        if key:
            existing = _replay(key, _content_hash(channel, clean))
            if existing is not None:
                return IntakeResult(ticket=existing, replayed=True)
        raise


_AUDITED_FIELDS = [
    "number",
    "channel",
    "intake_mode",
    "type",
    "urgency",
    "category",
    "title",
    "enterprise",
    "enterprise_name",
    "region",
    "suggested_unit",
    "duplicate_of",
    "hotline_outcome",
    "status",
]


def new_ticket(
    *,
    clean: _Clean,
    channel: str,
    intake_mode: str,
    actor: Any,
    now: dt.datetime,
    number: str,
    key: str | None,
    content_hash: str,
    duplicate_of: Ticket | None,
    suggested_unit_id: int | None,
    submitter: Any = None,
    intake_unit_id: int | None = None,
    hotline_outcome: str = "",
    clock_settings: DispatchClockSettings | None = None,
) -> Ticket:
    """The case row a validated submission makes (not saved), its dispatch clock started."""
    ticket = Ticket(
        number=number,
        channel=channel,
        intake_mode=intake_mode,
        type=clean.type,
        urgency=clean.urgency,
        category=clean.category,
        multi_unit=clean.multi_unit,
        title=clean.title,
        content=clean.content,
        enterprise=clean.enterprise,
        enterprise_name=clean.enterprise_name,
        enterprise_uscc=clean.enterprise_uscc,
        region=clean.region,
        submitter=submitter,
        contact_name=clean.contact_name,
        contact_phone=clean.contact_phone,
        created_by=actor,
        intake_unit_id=intake_unit_id,
        hotline_outcome=hotline_outcome,
        status=Status.PENDING_DISPATCH,
        suggested_unit_id=suggested_unit_id,
        received_at=now,
        duplicate_of=duplicate_of,
        is_repeat=duplicate_of is not None,
        idempotency_key=key,
        content_hash=content_hash,
    )
    dispatch_clock.start(ticket, now, clock_settings)
    return ticket


def intake_events(
    ticket: Ticket,
    *,
    actor: Any,
    now: dt.datetime,
    event_data: dict[str, Any] | None = None,
    attachments: int = 0,
    duplicate: tuple[Ticket, float] | None = None,
) -> list[EventSpec]:
    """The timeline entries of an intake: "已受理" and, for a repeated complaint, the link on both
    cases."""
    data: dict[str, Any] = {
        "channel": ticket.channel,
        "intake_mode": ticket.intake_mode,
        **(event_data or {}),
    }
    if ticket.suggested_unit_id:
        data["suggested_unit"] = ticket.suggested_unit_id
    if attachments:
        data["attachments"] = attachments
    specs = [
        EventSpec(
            ticket,
            "intake",
            actor=actor,
            to_status=Status.PENDING_DISPATCH,
            visibility=Visibility.PUBLIC,
            note=f"已受理，诉求编号 {ticket.number}",
            data=data,
            audit_after=snapshot(ticket, fields=_AUDITED_FIELDS),
            now=now,
        )
    ]
    if duplicate is not None:
        original, score = duplicate
        specs += [
            EventSpec(
                ticket,
                "duplicate_linked",
                actor=actor,
                note=f"与 {original.number} 内容相近（相似度 {score:.2f}），已标记为重复反映",
                data={"duplicate_of": original.pk, "number": original.number, "similarity": score},
                now=now,
            ),
            EventSpec(
                original,
                "duplicate_linked",
                actor=actor,
                note=f"企业再次反映，新诉求 {ticket.number} 与本件内容相近（相似度 {score:.2f}）",
                data={"duplicate": ticket.pk, "number": ticket.number, "similarity": score},
                now=now,
            ),
        ]
    return specs


def _create_once(
    *,
    acting_user: Any,
    channel: str,
    intake_mode: str,
    clean: _Clean,
    files: Sequence[CheckedFile],
    now: dt.datetime,
    key: str | None,
    submitter: Any = None,
    intake_unit_id: int | None = None,
    hotline_outcome: str = "",
    event_data: dict[str, Any] | None = None,
    on_spot: str | None = None,
) -> IntakeResult:
    content_hash = _content_hash(channel, clean)
    actor = acting_user if getattr(acting_user, "pk", None) else None
    with transaction.atomic():
        if key:
            existing = _replay(key, content_hash)
            if existing is not None:
                return IntakeResult(ticket=existing, replayed=True)
        repeat = find_repeats([clean], channel, now)[0]
        found = (repeat[0], repeat[1]) if repeat is not None and isinstance(repeat[0], Ticket) else None
        suggested_unit_id = suggest_unit_id(clean.category, clean.region)
        # The number is taken after every read, right before the writes: the per-channel counter
        # row stays locked from here to the commit, so concurrent intakes queue only behind each
        # other's writes.
        ticket = new_ticket(
            clean=clean,
            channel=channel,
            intake_mode=intake_mode,
            actor=actor,
            now=now,
            number=next_number(channel, now),
            key=key,
            content_hash=content_hash,
            duplicate_of=found[0] if found else None,
            suggested_unit_id=suggested_unit_id,
            submitter=submitter,
            intake_unit_id=intake_unit_id,
            hotline_outcome=hotline_outcome,
        )
        ticket.save(force_insert=True)
        if files:
            store_attachments(ticket, files, uploaded_by=actor)
        if on_spot is None:
            # Before the timeline events: those take the audit chain's lock, held until commit.
            notify_dispatchers([ticket], actor, now)
        add_events(
            intake_events(
                ticket, actor=actor, now=now, event_data=event_data, attachments=len(files), duplicate=found
            )
        )
        if on_spot is not None:
            _close_on_spot(ticket, actor, on_spot, now)
    return IntakeResult(
        ticket=ticket, duplicate_of=found[0] if found else None, similarity=found[1] if found else None
    )


def _close_on_spot(ticket: Ticket, actor: Any, answer: str, now: dt.datetime) -> None:
    """Close a case solved during intake through the lifecycle's own action (the answer becomes an
    approved reply and a PUBLIC event; the enterprise is told)."""
    from .actions import do_close_on_spot

    closed = do_close_on_spot(acting_user=actor, ticket_id=ticket.pk, answer=answer, now=now)
    for name in (
        "status",
        "replied_at",
        "closed_at",
        "version",
        "updated_at",
        "dispatch_settled_at",
        "dispatch_state",
    ):
        setattr(ticket, name, getattr(closed, name))


# --- permissions ------------------------------------------------------------------------------


def _require(user: Any, roles: set[str] | frozenset[str], message: str) -> None:
    if not has_any_role(user, set(roles) | {Role.ADMIN}):
        raise PermissionDenied(message)


def can_file_at_counter(user: Any) -> bool:
    """Staff of a service site (政务服务场所), or any handler or unit head, file for a visitor."""
    from .access import works_at_service_site

    return has_any_role(user, {Role.ADMIN, Role.HANDLER, Role.UNIT_HEAD}) or works_at_service_site(user)


def _user_key_prefix(user: Any) -> str:
    return f"u{user.pk}"


def _files(attachments: Sequence[Any]) -> list[CheckedFile]:
    return check_files(list(attachments)) if attachments else []


# --- the channels -----------------------------------------------------------------------------


def do_intake_hotline(
    *,
    acting_user: Any,
    data: IntakeInput,
    outcome: str,
    answer: str = "",
    connected_unit_id: int | None = None,
    connected_name: str = "",
    outcome_text: str = "",
    resolved: bool = False,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """12345 营商环境专席 (R6.1), 首接负责: 直接答复 closes the case on the spot; 三方连线 and 在线转接
    are recorded with the unit connected and the outcome (solved → closed on the spot, not solved
    → a work order waiting for dispatch); 转派工单 waits for dispatch."""
    _require(acting_user, {Role.HOTLINE_AGENT}, "只有12345热线坐席可以登记热线诉求")
    now = now or timezone.now()
    errors = _Errors()
    if outcome not in HotlineOutcome.values:
        errors.add("outcome", "invalid_outcome", "请选择首接处理方式")
    answer = _text(answer)
    outcome_text = _text(outcome_text)
    event_data: dict[str, Any] = {"outcome": outcome}
    on_spot: str | None = None
    if outcome == HotlineOutcome.DIRECT_ANSWER:
        if not answer:
            errors.add("answer", "answer_required", "直接答复须填写答复内容")
        elif len(answer) > ANSWER_MAX:
            errors.add("answer", "answer_too_long", f"答复内容不能超过 {ANSWER_MAX} 个字")
        on_spot = answer
    elif outcome in (HotlineOutcome.THREE_WAY_CALL, HotlineOutcome.TRANSFER):
        unit = (
            Unit.objects.filter(pk=connected_unit_id, is_active=True).first() if connected_unit_id else None
        )
        name = unit.name if unit else _text(connected_name)[:80]
        if connected_unit_id and unit is None:
            errors.add("connected_unit", "unknown_unit", "所选单位不存在或已停用")
        elif not name:
            errors.add("connected_unit", "connected_unit_required", "请填写连线或转接的单位（部门）")
        if not outcome_text:
            errors.add("outcome_text", "outcome_text_required", "请填写连线或转接的结果")
        elif len(outcome_text) > ANSWER_MAX:
            errors.add("outcome_text", "outcome_text_too_long", f"结果说明不能超过 {ANSWER_MAX} 个字")
        event_data.update(
            {
                "connected_unit": unit.pk if unit else None,
                "connected_name": name,
                "outcome_text": outcome_text,
                "resolved": bool(resolved),
            }
        )
        if resolved:
            label = HotlineOutcome(outcome).label
            on_spot = f"{label}（{name}）：{outcome_text}"
    clean = _clean(data, acting_user, enterprise_mode=_SCOPE, errors=errors, require_phone=True)
    files = _files(attachments)
    return _create(
        acting_user=acting_user,
        channel=Channel.HOTLINE,
        intake_mode=IntakeMode.PHONE,
        clean=clean,
        files=files,
        now=now,
        key=_scoped_key(_user_key_prefix(acting_user), idempotency_key),
        intake_unit_id=acting_user.unit_id,
        hotline_outcome=outcome,
        event_data=event_data,
        on_spot=on_spot,
    )


def do_intake_window_online(
    *,
    acting_user: Any,
    data: IntakeInput,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """ "办不成事" window online (R2.2): an enterprise user reports a problem met while getting
    things done; simple problems (一般) are answered the same working day, complex ones (复杂)
    within 5 working days."""
    _require(acting_user, {Role.ENTERPRISE}, "只有企业用户可以在线反映“办不成事”问题")
    now = now or timezone.now()
    errors = _Errors()
    if data.urgency not in (Urgency.GENERAL, Urgency.COMPLEX):
        errors.add("urgency", "invalid_urgency", "请选择问题是简单还是复杂")
    clean = _clean(data, acting_user, enterprise_mode=_OWN, errors=errors)
    _default_contact(clean, acting_user)
    return _create(
        acting_user=acting_user,
        channel=Channel.WINDOW,
        intake_mode=IntakeMode.ONLINE,
        clean=clean,
        files=_files(attachments),
        now=now,
        key=_scoped_key(_user_key_prefix(acting_user), idempotency_key),
        submitter=acting_user,
    )


def do_intake_window_counter(
    *,
    acting_user: Any,
    data: IntakeInput,
    on_spot: bool,
    answer: str = "",
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """ "办不成事" window at the counter: staff file for the visitor. 即知即办 (`on_spot`) closes the
    case with the answer given; otherwise it is complex and waits for dispatch (5 working days)."""
    if not can_file_at_counter(acting_user):
        raise PermissionDenied("只有政务服务场所工作人员或承办人员可以窗口代填")
    now = now or timezone.now()
    errors = _Errors()
    answer = _text(answer)
    if on_spot:
        if not answer:
            errors.add("answer", "answer_required", "即知即办须填写当场答复的内容")
        elif len(answer) > ANSWER_MAX:
            errors.add("answer", "answer_too_long", f"答复内容不能超过 {ANSWER_MAX} 个字")
        data.urgency = Urgency.GENERAL
    else:
        data.urgency = Urgency.COMPLEX
    clean = _clean(
        data,
        acting_user,
        enterprise_mode=_SCOPE,
        errors=errors,
        require_phone=True,
        require_contact_name=True,
    )
    return _create(
        acting_user=acting_user,
        channel=Channel.WINDOW,
        intake_mode=IntakeMode.COUNTER,
        clean=clean,
        files=_files(attachments),
        now=now,
        key=_scoped_key(_user_key_prefix(acting_user), idempotency_key),
        intake_unit_id=acting_user.unit_id,
        event_data={"handling": "on_spot" if on_spot else "refer"},
        on_spot=answer if on_spot else None,
    )


def _default_contact(clean: _Clean, user: Any) -> None:
    if not clean.contact_name:
        clean.contact_name = (getattr(user, "full_name", "") or "")[:50]
    if not clean.contact_phone:
        clean.contact_phone = getattr(user, "phone", "") or ""


def do_intake_portal(
    *,
    acting_user: Any,
    data: IntakeInput,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """The enterprise portal (usable on a phone): an enterprise user files for its own enterprise."""
    _require(acting_user, {Role.ENTERPRISE}, "只有企业用户可以在企业端提交诉求")
    now = now or timezone.now()
    clean = _clean(data, acting_user, enterprise_mode=_OWN)
    _default_contact(clean, acting_user)
    return _create(
        acting_user=acting_user,
        channel=Channel.PORTAL,
        intake_mode=IntakeMode.ONLINE,
        clean=clean,
        files=_files(attachments),
        now=now,
        key=_scoped_key(_user_key_prefix(acting_user), idempotency_key),
        submitter=acting_user,
    )


def do_intake_mayor_public(
    *,
    verification_id: int | None,
    phone: str,
    data: IntakeInput,
    intake_mode: str = IntakeMode.ONLINE,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """The mayor's public column and mailbox (R8.1), without an account: the phone number must have
    been confirmed by SMS within `VERIFIED_TTL`; it becomes the case's contact number. One
    verified number and one source address may file only a few cases a day (`public_limits`)."""
    now = now or timezone.now()
    verification = _verified(verification_id, phone, now)
    if verification is None:
        raise ValidationFailed(
            "请先通过短信验证码验证手机号",
            code="sms_verification_required",
            details={"fields": {"phone": "请先通过短信验证码验证手机号"}},
        )
    if intake_mode not in (IntakeMode.ONLINE, IntakeMode.MAILBOX):
        intake_mode = IntakeMode.ONLINE
    caps = public_limits()
    throttle.hit(
        "cases.public.address",
        ip or "unknown",
        caps["cases_per_address"],
        DAY,
        "本网络今日提交的诉求已达上限（每日最多 {limit} 件），请明日再试或拨打 12345 热线",
        now,
    )
    throttle.hit(
        "cases.public.phone",
        verification.phone,
        caps["cases_per_phone"],
        DAY,
        "该手机号今日提交的诉求已达上限（每日最多 {limit} 件），请明日再试或拨打 12345 热线",
        now,
    )
    data.contact_phone = verification.phone
    data.enterprise_id = None
    clean = _clean(
        data,
        None,
        enterprise_mode=_PUBLIC,
        require_contact_name=True,
        require_enterprise_name=True,
    )
    return _create(
        acting_user=None,
        channel=Channel.MAYOR,
        intake_mode=intake_mode,
        clean=clean,
        files=_files(attachments),
        now=now,
        key=_scoped_key(f"p{verification.phone}", idempotency_key),
        event_data={"verified_phone": mask_phone(verification.phone)},
    )


def do_intake_mayor_register(
    *,
    acting_user: Any,
    data: IntakeInput,
    intake_mode: str = IntakeMode.PHONE,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """市政府办公室 staff register a submission received by the direct phone or the mailbox."""
    _require(acting_user, {Role.MAYOR_OFFICE}, "只有市政府办公室专人可以登记市长直通车诉求")
    now = now or timezone.now()
    if intake_mode not in (IntakeMode.PHONE, IntakeMode.MAILBOX, IntakeMode.ONLINE):
        raise ValidationFailed(
            "受理方式无效", code="invalid_intake_mode", details={"fields": {"intake_mode": "受理方式无效"}}
        )
    clean = _clean(
        data, acting_user, enterprise_mode=_SCOPE, require_phone=True, require_enterprise_name=True
    )
    return _create(
        acting_user=acting_user,
        channel=Channel.MAYOR,
        intake_mode=intake_mode,
        clean=clean,
        files=_files(attachments),
        now=now,
        key=_scoped_key(_user_key_prefix(acting_user), idempotency_key),
        intake_unit_id=acting_user.unit_id,
    )


REPORT_ROLES: dict[str, frozenset[str]] = {
    Channel.OFFICER: frozenset({Role.SERVICE_OFFICER, Role.CHIEF_SERVICE_OFFICER, Role.BIZ_OFFICE}),
    Channel.SUPERVISOR: frozenset({Role.VOLUNTEER_SUPERVISOR, Role.BIZ_OFFICE}),
}


def report_channels(user: Any) -> list[str]:
    """The report channels `user` may file in (officers' visits, supervisors' reports)."""
    return [c for c, roles in REPORT_ROLES.items() if has_any_role(user, roles | {Role.ADMIN})]


def do_intake_report(
    *,
    acting_user: Any,
    channel: str,
    data: IntakeInput,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """A service officer's (帮办专员/驻厂员, 首席服务员) visit report — the enterprise is required —
    or a 营商环境监督员's report (R3.3, R4.1, R5.3); 营商办 may file either on their behalf."""
    if channel not in REPORT_ROLES:
        raise ValidationFailed(
            "报告渠道无效", code="invalid_channel", details={"fields": {"channel": "报告渠道无效"}}
        )
    if channel not in report_channels(acting_user):
        raise PermissionDenied(f"您的角色不能登记“{Channel(channel).label}”诉求")
    now = now or timezone.now()
    clean = _clean(data, acting_user, enterprise_mode=_SCOPE, require_enterprise=channel == Channel.OFFICER)
    _default_contact_from_enterprise(clean)
    return _create(
        acting_user=acting_user,
        channel=channel,
        intake_mode=IntakeMode.VISIT,
        clean=clean,
        files=_files(attachments),
        now=now,
        key=_scoped_key(_user_key_prefix(acting_user), idempotency_key),
        intake_unit_id=acting_user.unit_id if has_any_role(acting_user, STAFF_ROLES) else None,
    )


def _default_contact_from_enterprise(clean: _Clean) -> None:
    e = clean.enterprise
    if e is not None and not clean.contact_name and not clean.contact_phone:
        clean.contact_name = e.liaison_name
        clean.contact_phone = e.liaison_phone


# Channels each role may file in through the API (admins: any).
API_CHANNEL_ROLES: dict[str, frozenset[str]] = {
    Channel.PORTAL: frozenset({Role.ENTERPRISE}),
    Channel.HOTLINE: frozenset({Role.HOTLINE_AGENT}),
    Channel.WINDOW: frozenset({Role.HANDLER, Role.UNIT_HEAD}),
    Channel.MAYOR: frozenset({Role.MAYOR_OFFICE}),
    Channel.OFFICER: REPORT_ROLES[Channel.OFFICER],
    Channel.SUPERVISOR: REPORT_ROLES[Channel.SUPERVISOR],
    Channel.ASSOCIATION: frozenset({Role.BIZ_OFFICE}),
    Channel.CONDUCT: frozenset({Role.CONDUCT_OFFICE}),
    Channel.API: STAFF_ROLES,
}
_API_MODES = {
    Channel.PORTAL: IntakeMode.ONLINE,
    Channel.HOTLINE: IntakeMode.PHONE,
    Channel.WINDOW: IntakeMode.COUNTER,
    Channel.MAYOR: IntakeMode.ONLINE,
    Channel.OFFICER: IntakeMode.VISIT,
    Channel.SUPERVISOR: IntakeMode.VISIT,
    Channel.ASSOCIATION: IntakeMode.ONLINE,
    Channel.CONDUCT: IntakeMode.ONLINE,
    Channel.API: IntakeMode.SYSTEM,
}


def allowed_api_channels(user: Any) -> list[str]:
    channels = [c for c, roles in API_CHANNEL_ROLES.items() if has_any_role(user, roles | {Role.ADMIN})]
    if Channel.WINDOW not in channels and can_file_at_counter(user):
        channels.append(Channel.WINDOW)
    return channels


@dataclass(frozen=True)
class ApiIntake:
    """How a caller of the API files: its channel, intake mode and way of naming the enterprise."""

    channel: str
    intake_mode: str
    enterprise_mode: str

    def clean(self, acting_user: Any, data: IntakeInput, lookups: Lookups = _DB_LOOKUPS) -> _Clean:
        clean = _clean(
            data,
            acting_user,
            enterprise_mode=self.enterprise_mode,
            require_enterprise=self.channel == Channel.OFFICER,
            lookups=lookups,
        )
        if self.enterprise_mode == _OWN:
            _default_contact(clean, acting_user)
        return clean

    def submitter(self, acting_user: Any) -> Any:
        return acting_user if self.enterprise_mode == _OWN else None

    def intake_unit_id(self, acting_user: Any) -> int | None:
        return acting_user.unit_id if has_any_role(acting_user, STAFF_ROLES) else None


def api_intake(acting_user: Any, channel: str | None, intake_mode: str | None) -> ApiIntake:
    """The channel the caller files in (an enterprise user: the portal; integrations: "api"),
    refused when its roles do not allow it."""
    is_enterprise = has_any_role(acting_user, {Role.ENTERPRISE}) and not has_any_role(
        acting_user, STAFF_ROLES
    )
    channel = channel or (Channel.PORTAL if is_enterprise else Channel.API)
    if channel not in Channel.values:
        raise ValidationFailed(
            f"未知的渠道：{channel}", code="invalid_channel", details={"fields": {"channel": "未知的渠道"}}
        )
    if channel not in allowed_api_channels(acting_user):
        raise PermissionDenied(
            f"您的角色不能以“{Channel(channel).label}”渠道登记诉求", code="channel_not_allowed"
        )
    mode = intake_mode or _API_MODES[Channel(channel)]
    if mode not in IntakeMode.values:
        raise ValidationFailed(
            "受理方式无效", code="invalid_intake_mode", details={"fields": {"intake_mode": "受理方式无效"}}
        )
    return ApiIntake(channel, mode, _OWN if channel == Channel.PORTAL and is_enterprise else _SCOPE)


def api_key(acting_user: Any, idempotency_key: str | None) -> str | None:
    """The caller's idempotency key, made private to the caller."""
    return _scoped_key(_user_key_prefix(acting_user), idempotency_key)


def do_intake_api(
    *,
    acting_user: Any,
    data: IntakeInput,
    channel: str | None = None,
    intake_mode: str | None = None,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """`POST /api/v1/cases`: any role files in its own channel (an enterprise user: the portal;
    integrations: "api"). With an idempotency key, the same submission twice makes one case."""
    now = now or timezone.now()
    how = api_intake(acting_user, channel, intake_mode)
    clean = how.clean(acting_user, data)
    return _create(
        acting_user=acting_user,
        channel=how.channel,
        intake_mode=how.intake_mode,
        clean=clean,
        files=_files(attachments),
        now=now,
        key=api_key(acting_user, idempotency_key),
        submitter=how.submitter(acting_user),
        intake_unit_id=how.intake_unit_id(acting_user),
    )


# --- attachments added after intake -------------------------------------------------------------


def may_add_attachments(user: Any, ticket: Ticket) -> bool:
    """The submitter or the enterprise, whoever registered the case, the units working on it and
    the dispatchers — while the case is open."""
    from .access import DISPATCH_ROLES, UNIT_ROLES

    if ticket.status in FINAL_STATUSES:
        return False
    if user.pk in (ticket.submitter_id, ticket.created_by_id) or has_any_role(user, DISPATCH_ROLES):
        return True
    if has_any_role(user, {Role.ENTERPRISE}):
        return bool(user.enterprise_id and user.enterprise_id == ticket.enterprise_id)
    unit_id = getattr(user, "unit_id", None)
    return bool(
        unit_id and has_any_role(user, UNIT_ROLES) and unit_id in (ticket.lead_unit_id, ticket.intake_unit_id)
    )


def do_add_attachments(
    *, acting_user: Any, ticket_id: int, attachments: Sequence[Any], now: dt.datetime | None = None
) -> list[Any]:
    """Add files to an open case (at most `BANGBAN_ATTACHMENT_MAX_FILES` per case in all)."""
    from .access import access_ticket

    now = now or timezone.now()
    if not attachments:
        message = "请选择要上传的附件"
        raise ValidationFailed(
            message, code="attachment_missing", details={"fields": {"attachments": message}}
        )
    with transaction.atomic():
        ticket = access_ticket(acting_user, ticket_id, for_update=True)
        if not may_add_attachments(acting_user, ticket):
            raise PermissionDenied("只有提交人、本企业、登记人、办理单位或派单员可以为未办结的诉求补充附件")
        files = check_files(list(attachments), already=ticket.attachments.count())
        enterprise_side = (
            has_any_role(acting_user, {Role.ENTERPRISE}) or acting_user.pk == ticket.submitter_id
        )
        stored = store_attachments(
            ticket,
            files,
            uploaded_by=acting_user,
            visibility=Visibility.PUBLIC if enterprise_side else Visibility.INTERNAL,
        )
        add_event(
            ticket,
            "attachments_added",
            actor=acting_user,
            visibility=Visibility.PUBLIC if enterprise_side else Visibility.INTERNAL,
            note="补充附件：" + "、".join(a.original_name for a in stored),
            data={"attachments": [a.pk for a in stored]},
            audit_after={
                "attachments": [{"id": a.pk, "name": a.original_name, "sha256": a.sha256} for a in stored]
            },
            now=now,
        )
    return stored


# --- phone verification for visitors without an account -----------------------------------------


def _code_hash(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, f"phone-code:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _parse_mobile(phone: str) -> str:
    try:
        mobile = parse_mobile(phone)
    except FieldError:
        mobile = ""
    if not mobile:
        message = "请输入正确的11位手机号码"
        raise ValidationFailed(message, code="invalid_phone", details={"fields": {"phone": message}})
    return mobile


def do_send_phone_code(
    *, phone: str, ip: str | None = None, now: dt.datetime | None = None
) -> PhoneVerification:
    """Send a 6-digit code by SMS (through the outbox). One code per number per minute; the code
    is valid for 10 minutes and 5 attempts."""
    now = now or timezone.now()
    mobile = _parse_mobile(phone)
    recent = (
        PhoneVerification.objects.filter(phone=mobile, created_at__gt=now - RESEND_INTERVAL)
        .order_by("-created_at")
        .first()
    )
    if recent is not None:
        wait = int((recent.created_at + RESEND_INTERVAL - now).total_seconds()) + 1
        raise RateLimited(f"验证码已发送，请 {wait} 秒后再重新获取", details={"retry_after": wait})
    caps = public_limits()
    # Race-free counters (core.throttle): per source address, per number, and one budget for the
    # whole platform, so that no forwarded header or list of numbers can run up an SMS bill.
    throttle.hit(
        "sms.address",
        ip or "unknown",
        caps["sms_per_address"],
        HOUR,
        "本网络获取验证码过于频繁（每小时最多 {limit} 次），请 {minutes} 分钟后再试",
        now,
    )
    throttle.hit(
        "sms.phone",
        mobile,
        caps["sms_per_phone"],
        HOUR,
        "该手机号获取验证码过于频繁（每小时最多 {limit} 次），请 {minutes} 分钟后再试",
        now,
    )
    throttle.hit(
        "sms.global",
        "*",
        caps["sms_per_hour"],
        HOUR,
        "验证码发送量已达本时段上限，请 {minutes} 分钟后再试",
        now,
    )
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        verification = PhoneVerification.objects.create(
            phone=mobile,
            code_hash=_code_hash(mobile, code),
            created_at=now,
            expires_at=now + CODE_TTL,
            ip=ip or None,
        )
        notify(
            channel="sms",
            address=mobile,
            subject="验证码",
            body=f"【帮办】您的验证码为 {code}，{int(CODE_TTL.total_seconds() // 60)} 分钟内有效。如非本人操作，请忽略。",
            now=now,
            one_time=True,
        )
        record(
            "tickets.phone_code_sent",
            actor=None,
            obj=verification,
            after={"phone": mask_phone(mobile)},
            ip=ip,
        )
    return verification


def do_verify_phone_code(
    *, phone: str, code: str, ip: str | None = None, now: dt.datetime | None = None
) -> PhoneVerification:
    """Check the code of the latest verification of `phone`. A wrong code counts an attempt
    (kept even though the check fails); the fifth wrong attempt uses the code up."""
    now = now or timezone.now()
    mobile = _parse_mobile(phone)
    code = _text(code)
    failure: ValidationFailed | None = None
    with transaction.atomic():
        verification = (
            PhoneVerification.objects.select_for_update()
            .filter(phone=mobile, verified_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if verification is None:
            failure = _code_error("sms_code_missing", "请先获取短信验证码")
        elif verification.expires_at <= now:
            failure = _code_error("sms_code_expired", "验证码已过期，请重新获取")
        elif verification.attempts >= CODE_MAX_ATTEMPTS:
            failure = _code_error("sms_code_locked", "验证码错误次数过多，请重新获取")
        elif not hmac.compare_digest(verification.code_hash, _code_hash(mobile, code)):
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
            left = CODE_MAX_ATTEMPTS - verification.attempts
            record(
                "tickets.phone_code_failed",
                actor=None,
                obj=verification,
                after={"phone": mask_phone(mobile), "attempts": verification.attempts},
                ip=ip,
            )
            failure = (
                _code_error("sms_code_invalid", f"验证码不正确，还可尝试 {left} 次")
                if left
                else _code_error("sms_code_locked", "验证码错误次数过多，请重新获取")
            )
        else:
            verification.verified_at = now
            verification.save(update_fields=["verified_at"])
            record(
                "tickets.phone_verified",
                actor=None,
                obj=verification,
                after={"phone": mask_phone(mobile)},
                ip=ip,
            )
    if failure is not None:
        raise failure
    assert verification is not None
    return verification


def _code_error(code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"fields": {"code": message}})


def _verified(verification_id: int | None, phone: str, now: dt.datetime) -> PhoneVerification | None:
    if not verification_id or not phone:
        return None
    return PhoneVerification.objects.filter(
        pk=verification_id, phone=phone, verified_at__isnull=False, verified_at__gt=now - VERIFIED_TTL
    ).first()


def verified_phone_for(verification_id: int | None, phone: str, now: dt.datetime | None = None) -> str:
    """The phone number if that verification is confirmed and still fresh, else ""."""
    found = _verified(verification_id, phone, now or timezone.now())
    return found.phone if found else ""


def find_public_case(number: str, phone: str) -> Ticket | None:
    """The case with that number whose contact phone is `phone` (a verified number), or None —
    the same answer for "no such number" and "not your number"."""
    number = _text(number).upper()
    if not number or not phone:
        return None
    return (
        Ticket.objects.select_related("category", "lead_unit")
        .filter(number=number, contact_phone=phone, channel=Channel.MAYOR)
        .first()
    )
