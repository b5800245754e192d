"""Every change in ratings: windows and devices, ratings (好差评) from every channel, the
rectification of bad ratings (差评整改), follow-up calls (回访). 回头看 is in recheck.py.

Each `do_*` runs in one transaction, locks what it changes, checks permission and input, writes an
audit event and queues its notifications. Errors are `bangban.core.errors` subclasses with a
Chinese message and a stable code. Unique constraints back up "once only" rules: a duplicate that
slips past the checks (two requests at once) becomes `Conflict` too, and nothing is counted twice.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record, snapshot
from bangban.core.errors import (
    ApplicationError,
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from bangban.core.satisfaction import BAD_RATINGS, SATISFIED_LEVELS, Satisfaction, from_reversed_code
from bangban.core.urls_abs import absolute_url
from bangban.notifications.actions import notify, notify_user
from bangban.org.models import Unit
from bangban.workdays import service as workday_service

from . import access
from .models import (
    CallOutcome,
    FollowUpCall,
    RatedSubject,
    Rating,
    RatingChannel,
    RatingDevice,
    RatingSettings,
    RectCategory,
    Rectification,
    RectificationLink,
    RectStatus,
    ServiceItem,
    Stage,
    SubjectKind,
    UsedLink,
    Window,
    hash_key,
)

# Sub-items rated on the same five levels (分项评价).
SUB_ITEMS = {"efficiency": "服务效率", "quality": "服务水平", "attitude": "服务态度"}
LEVEL_HELP = "评价等级应为 1–5（1 非常满意、2 满意、3 基本满意、4 不满意、5 非常不满意）"
RATEABLE_STATUSES = frozenset({"replied", "closed"})
DEVICE_CACHE_SECONDS = 5.0


def device_async_commit() -> bool:
    """Whether a counter device's rating is committed without waiting for the WAL flush
    (PostgreSQL `synchronous_commit = off` for that transaction only; setting
    `BANGBAN_DEVICE_ASYNC_COMMIT`, off by default): faster, but a crash of the database server can
    lose the acknowledged ratings of its last fraction of a second — whole transactions, the
    rating with its audit event. See docs/ratings.md ("评价器的提交方式")."""
    return bool(getattr(settings, "BANGBAN_DEVICE_ASYNC_COMMIT", False))


ACTION_LABELS = {
    "ratings.rate": "好差评",
    "ratings.window_create": "新增窗口",
    "ratings.window_update": "修改窗口",
    "ratings.item_create": "新增服务事项",
    "ratings.device_create": "登记评价器",
    "ratings.device_revoke": "吊销评价器密钥",
    "ratings.sms_link": "发送短信评价/回访链接",
    "ratings.rect_create": "差评转整改",
    "ratings.rect_verify": "整改核实",
    "ratings.rect_classify": "整改定性",
    "ratings.rect_rectify": "整改反馈",
    "ratings.rect_rated": "评价人评价整改",
    "ratings.rect_link": "举一反三",
    "ratings.void": "作废评价",
    "ratings.follow_up_call": "回访记录",
    "ratings.settings": "修改好差评参数",
    "ratings.recheck_draw": "回头看抽样",
    "ratings.recheck_outcome": "回头看复核结果",
    "ticket.follow_up_escalate": "回访未解决（重办已达上限，提请督办）",
}


class DeviceKeyRejected(ApplicationError):
    code = "device_key_invalid"
    message = "评价器密钥无效"
    status = 401


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def get_settings() -> RatingSettings:
    found = RatingSettings.objects.filter(pk=1).first()
    if found is None:
        found, _ = RatingSettings.objects.get_or_create(pk=1)
    return found


def _text(value: Any, max_length: int, *, required: str = "", code: str = "text_required") -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(required, code=code)
    if len(text) > max_length:
        raise ValidationFailed(f"内容过长，最多 {max_length} 字", code="too_long")
    return text


def parse_level(value: Any, *, reversed_codes: bool = False, field: str = "评价等级") -> Satisfaction:
    """A level from outside: GB/T 39046 codes (1 = 非常满意), or the provincial reversed codes."""
    try:
        code = int(value)
        return from_reversed_code(code) if reversed_codes else Satisfaction(code)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{field}无效：{LEVEL_HELP}", code="level_invalid") from None


def parse_scores(scores: Any, *, reversed_codes: bool = False) -> dict[str, int]:
    if not scores:
        return {}
    if not isinstance(scores, dict):
        raise ValidationFailed("分项评价格式不正确", code="scores_invalid")
    result = {}
    for key, value in scores.items():
        if key not in SUB_ITEMS:
            raise ValidationFailed(
                f"未知的分项：{key}（可用：{'、'.join(f'{k} {v}' for k, v in SUB_ITEMS.items())}）",
                code="scores_invalid",
            )
        if value in (None, ""):
            continue
        result[key] = int(parse_level(value, reversed_codes=reversed_codes, field=SUB_ITEMS[key]))
    return result


def _active_unit_members(unit_id: int, roles: frozenset[str] = access.UNIT_ROLES) -> list[User]:
    return list(User.objects.filter(unit_id=unit_id, is_active=True, roles__code__in=roles).distinct())


def _managers() -> list[User]:
    return list(User.objects.filter(is_active=True, roles__code=Role.BIZ_OFFICE).distinct())


# --- tokens: service follow-up, SMS links ---------------------------------------------------------

SUBJECT_SALT = "bangban.ratings.subject"
SMS_SALT = "bangban.ratings.sms"
SUBJECT_TOKEN_DAYS = 30
CASE_QR_REMOVED = (
    "诉求评价二维码已停用：诉求只能由提交诉求的企业登录后评价，或通过发送到诉求联系电话的短信链接评价"
)


class CaseQrRemoved(ApplicationError):
    """The per-case QR code (issue #11): whoever held it could rate the case, the rated unit
    included. Its pages and API answer 410 with this error."""

    code = "case_qr_removed"
    message = CASE_QR_REMOVED
    status = 410


def subject_token(subject_id: int) -> str:
    return signing.dumps({"s": subject_id}, salt=SUBJECT_SALT, compress=True)


def read_subject_token(token: str) -> int:
    try:
        return int(signing.loads(token, salt=SUBJECT_SALT, max_age=SUBJECT_TOKEN_DAYS * 86400)["s"])
    except signing.SignatureExpired:
        raise ValidationFailed("追评链接已过期", code="link_expired") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("链接无效", code="link_invalid") from None


@dataclass(frozen=True)
class SmsClaim:
    ticket_id: int
    jti: str
    purpose: str  # "rate" or "followup"
    by_id: int | None


def make_sms_token(ticket_id: int, purpose: str, by_id: int | None) -> str:
    return signing.dumps(
        {"t": ticket_id, "j": secrets.token_urlsafe(12), "p": purpose, "b": by_id},
        salt=SMS_SALT,
        compress=True,
    )


def read_sms_token(token: str, *, now: dt.datetime | None = None) -> SmsClaim:
    """The claim of a signed SMS link; expired → `link_expired`, tampered → `link_invalid`. Whether
    it has been used is checked when it is used (UsedLink, unique)."""
    days = get_settings().sms_link_days
    try:
        data = signing.loads(token, salt=SMS_SALT, max_age=days * 86400)
        return SmsClaim(int(data["t"]), str(data["j"]), str(data["p"]), data.get("b"))
    except signing.SignatureExpired:
        raise ValidationFailed(
            f"短信链接已过期（有效期 {days} 天），请联系热线重新获取", code="link_expired"
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("短信链接无效", code="link_invalid") from None


def _use_link(claim: SmsClaim, now: dt.datetime) -> None:
    """Mark the link used inside the caller's transaction; a replay hits the primary key."""
    if UsedLink.objects.filter(jti=claim.jti).exists():
        raise Conflict("该短信链接已使用过，不能重复提交", code="link_used")
    UsedLink.objects.create(jti=claim.jti, purpose=claim.purpose, used_at=now)


def sms_url(token: str) -> str:
    """The link texted to the case's contact: absolute, on the configured site address."""
    return absolute_url(reverse("ratings:sms", args=[token]))


def do_send_sms_link(
    *, acting_user: Any, ticket_id: int, purpose: str = "rate", now: dt.datetime | None = None
) -> str:
    """Text the case's contact a signed, single-use, expiring link (评价 or 回访). Returns the URL
    (for the caller's own use: pages and the API do not show it — the link is the contact's
    credential). A member of a unit handling the case may not send one (`own_unit_case`)."""
    from bangban.tickets.access import access_ticket, check_action
    from bangban.tickets.models import Ticket

    now = _now(now)
    if purpose not in ("rate", "followup"):
        raise ValidationFailed("链接用途无效（rate / followup）", code="purpose_invalid")
    if not has_any_role(acting_user, access.FOLLOW_UP_ROLES):
        raise PermissionDenied("只有热线坐席、派单员或营商办可以发送短信链接")
    with transaction.atomic():
        ticket: Ticket = access_ticket(acting_user, ticket_id, "view")
        check_action(acting_user, ticket, "follow_up")
        access.require_not_handling(acting_user, ticket)
        if ticket.status not in RATEABLE_STATUSES:
            raise InvalidTransition("诉求尚未答复，不能发送评价或回访链接", code="case_not_rateable")
        phone = ticket.contact_phone or (ticket.submitter.phone if ticket.submitter_id else "")  # type: ignore[union-attr]
        if not phone:
            raise ValidationFailed("该诉求没有联系电话，不能发送短信", code="phone_missing")
        url = sms_url(make_sms_token(ticket.pk, purpose, acting_user.pk))
        what = "评价" if purpose == "rate" else "回访"
        notify(
            channel="sms",
            address=phone,
            subject=f"诉求{what}",
            body=f"您反映的诉求（编号{ticket.number}）已办理，请点击链接{what}：{url}（{get_settings().sms_link_days} 天内有效，仅可使用一次）",
            link=url,
            now=now,
        )
        record(
            "ratings.sms_link",
            actor=acting_user,
            obj=ticket,
            after={"purpose": purpose, "phone_tail": phone[-4:]},
        )
    return url


# --- windows, service items, devices -------------------------------------------------------------


def _site(site_id: Any) -> Unit:
    try:
        site = Unit.objects.get(pk=int(site_id))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise ValidationFailed("服务场所不存在", code="site_unknown") from None
    if site.type != "service_site" or not site.is_active:
        raise ValidationFailed(f"“{site.name}”不是启用的政务服务场所", code="site_invalid")
    return site


def do_create_window(*, acting_user: Any, site_id: Any, code: str, name: str) -> Window:
    site = _site(site_id)
    if not access.can_manage_site(acting_user, site.pk):
        raise PermissionDenied("只有营商办或该场所负责人可以登记窗口")
    code = _text(code, 20, required="请填写窗口编号", code="code_required")
    name = _text(name, 80, required="请填写窗口名称", code="name_required")
    try:
        with transaction.atomic():
            window = Window.objects.create(site=site, code=code, name=name)
            record("ratings.window_create", actor=acting_user, obj=window, after=snapshot(window))
    except IntegrityError:
        raise Conflict(f"{site.name}已有编号为“{code}”的窗口", code="window_exists") from None
    _forget_windows()
    return window


def do_set_window_active(*, acting_user: Any, window_id: int, active: bool) -> Window:
    with transaction.atomic():
        window = (
            access.visible_windows(acting_user).select_for_update(of=("self",)).filter(pk=window_id).first()
        )
        if window is None:
            raise NotFound()
        if not access.can_manage_site(acting_user, window.site_id):
            raise PermissionDenied("只有营商办或该场所负责人可以修改窗口")
        before = snapshot(window)
        window.is_active = bool(active)
        window.version += 1
        window.save(update_fields=["is_active", "version"])
        record("ratings.window_update", actor=acting_user, obj=window, before=before, after=snapshot(window))
    _forget_windows()
    return window


def do_create_service_item(*, acting_user: Any, site_id: Any, code: str, name: str) -> ServiceItem:
    site = _site(site_id)
    if not access.can_manage_site(acting_user, site.pk):
        raise PermissionDenied("只有营商办或该场所负责人可以登记服务事项")
    code = _text(code, 40, required="请填写事项编码", code="code_required")
    name = _text(name, 120, required="请填写事项名称", code="name_required")
    try:
        with transaction.atomic():
            item = ServiceItem.objects.create(site=site, code=code, name=name)
            record("ratings.item_create", actor=acting_user, obj=item, after=snapshot(item))
    except IntegrityError:
        raise Conflict(f"{site.name}已有编码为“{code}”的事项", code="item_exists") from None
    return item


def do_create_device(
    *, acting_user: Any, site_id: Any, name: str, window_id: Any = None, reversed_codes: bool = False
) -> tuple[RatingDevice, str]:
    """Register a counter device; returns it with its raw key (shown once, only the hash is kept)."""
    site = _site(site_id)
    if not access.can_manage_site(acting_user, site.pk):
        raise PermissionDenied("只有营商办或该场所负责人可以登记评价器")
    name = _text(name, 80, required="请填写设备名称", code="name_required")
    window = None
    if window_id not in (None, ""):
        window = Window.objects.filter(pk=window_id, site=site).first()
        if window is None:
            raise ValidationFailed("该场所没有这个窗口", code="window_unknown")
    raw = RatingDevice.generate_raw()
    with transaction.atomic():
        device = RatingDevice.objects.create(
            site=site,
            window=window,
            name=name,
            reversed_codes=bool(reversed_codes),
            key_prefix=raw[:8],
            key_hash=hash_key(raw),
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        record(
            "ratings.device_create",
            actor=acting_user,
            obj=device,
            after=snapshot(device, exclude=("key_hash",)),
        )
    return device, raw


def do_revoke_device(*, acting_user: Any, device_id: int, now: dt.datetime | None = None) -> RatingDevice:
    now = _now(now)
    with transaction.atomic():
        device = RatingDevice.objects.select_for_update().filter(pk=device_id).first()
        if device is None or not access.can_manage_site(acting_user, device.site_id):
            raise NotFound()
        if device.revoked_at is not None:
            raise InvalidTransition("该评价器密钥已吊销", code="device_revoked")
        device.revoked_at = now
        device.save(update_fields=["revoked_at"])
        record("ratings.device_revoke", actor=acting_user, obj=device, after={"revoked_at": now})
    _DEVICE_CACHE.pop(device.key_hash, None)
    return device


# The device path is the hot one (every counter in the city posts here). A key's row is cached
# per process for DEVICE_CACHE_SECONDS: a revocation takes effect at once in the process that
# made it and within that many seconds everywhere else. Windows are cached the same way.


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    site_id: int
    window_id: int | None
    name: str
    reversed_codes: bool
    revoked: bool


_DEVICE_CACHE: dict[str, tuple[float, DeviceInfo | None]] = {}
_WINDOW_CACHE: dict[tuple[int, str], tuple[float, int | None]] = {}
_CACHE_LOCK = threading.Lock()


def _forget_windows() -> None:
    with _CACHE_LOCK:
        _WINDOW_CACHE.clear()


def forget_caches() -> None:
    with _CACHE_LOCK:
        _WINDOW_CACHE.clear()
        _DEVICE_CACHE.clear()


def device_for_key(raw: str | None, *, now: dt.datetime | None = None) -> DeviceInfo:
    if not raw:
        raise DeviceKeyRejected("缺少评价器密钥（请求头 X-Device-Key）", code="device_key_missing")
    digest = hash_key(raw)
    clock = time.monotonic()
    cached = _DEVICE_CACHE.get(digest)
    if cached is None or clock - cached[0] > DEVICE_CACHE_SECONDS:
        row = (
            RatingDevice.objects.filter(key_hash=digest)
            .values("id", "site_id", "window_id", "name", "reversed_codes", "revoked_at", "last_used_at")
            .first()
        )
        info = None
        if row is not None:
            info = DeviceInfo(
                row["id"], row["site_id"], row["window_id"], row["name"], row["reversed_codes"],
                row["revoked_at"] is not None,
            )  # fmt: skip
            stamp = _now(now)
            if not info.revoked and (
                row["last_used_at"] is None or stamp - row["last_used_at"] > dt.timedelta(minutes=1)
            ):
                RatingDevice.objects.filter(pk=info.id).update(last_used_at=stamp)
        cached = (clock, info)
        _DEVICE_CACHE[digest] = cached
    info = cached[1]
    if info is None:
        raise DeviceKeyRejected("评价器密钥无效", code="device_key_invalid")
    if info.revoked:
        raise DeviceKeyRejected("该评价器密钥已吊销，请联系管理员重新登记", code="device_revoked")
    return info


def window_id_for(site_id: int, code: str) -> int:
    key = (site_id, code)
    clock = time.monotonic()
    cached = _WINDOW_CACHE.get(key)
    if cached is None or clock - cached[0] > DEVICE_CACHE_SECONDS:
        found = (
            Window.objects.filter(site_id=site_id, code=code, is_active=True)
            .values_list("pk", flat=True)
            .first()
        )
        cached = (clock, found)
        _WINDOW_CACHE[key] = cached
    if cached[1] is None:
        raise ValidationFailed(f"窗口“{code}”不存在或已停用", code="window_unknown")
    return cached[1]


# --- ratings ---------------------------------------------------------------------------------------


@dataclass
class RatingInput:
    level: Any
    scores: Any = None
    comment: str = ""
    anonymous: bool = False
    reversed_codes: bool = False


def _clean(data: RatingInput) -> tuple[Satisfaction, dict[str, int], str]:
    level = parse_level(data.level, reversed_codes=data.reversed_codes)
    scores = parse_scores(data.scores, reversed_codes=data.reversed_codes)
    comment = _text(data.comment, 500)
    return level, scores, comment


def _insert_rating(
    subject: RatedSubject,
    stage: str,
    data: RatingInput,
    *,
    channel: str,
    rater: Any,
    proactive: bool,
    now: dt.datetime,
    device: DeviceInfo | None = None,
    audit: bool = True,
) -> Rating:
    level, scores, comment = _clean(data)
    rating = Rating.objects.create(
        subject=subject,
        stage=stage,
        level=level,
        scores=scores,
        comment=comment,
        channel=channel,
        anonymous=bool(data.anonymous),
        proactive=proactive,
        rater=rater if getattr(rater, "pk", None) else None,
        device_id=device.id if device else None,
        unit_id=subject.unit_id,
        created_at=now,
    )
    if audit:
        record(
            "ratings.rate",
            actor=rater if getattr(rater, "pk", None) and not data.anonymous else None,
            object_type="ratings.rating",
            object_id=rating.pk,
            object_repr=f"{subject} {Stage(stage).label} {level.label}",
            after={
                "subject": subject.pk,
                "stage": stage,
                "level": int(level),
                "channel": channel,
                "anonymous": bool(data.anonymous),
                "device": device.id if device else None,
                "unit": subject.unit_id,
            },
        )
    # A bad first rating opens a rectification; so does a bad 追评 of a service that had none. A
    # 追评 after the rectification's feedback is the rater's rating of the rectification.
    had_rectification = stage == Stage.FOLLOW_UP and subject.rectifications.exists()
    if stage == Stage.FOLLOW_UP:
        _close_rectification_by_rating(subject, rating, rater, now)
    if level in BAD_RATINGS and not had_rectification:
        _open_rectification(rating, subject, rater, now)
    return rating


def _next_stage(subject: RatedSubject) -> str:
    """The stage of the subject's next rating; a voided rating (作废) leaves its stage free."""
    stages = set(
        Rating.objects.filter(subject=subject, voided_at__isnull=True).values_list("stage", flat=True)
    )
    if Stage.FIRST not in stages:
        return Stage.FIRST
    if Stage.FOLLOW_UP not in stages:
        pending = subject.rectifications.filter(
            status__in=[RectStatus.VERIFY, RectStatus.CLASSIFY, RectStatus.RECTIFYING]
        ).exists()
        if pending:
            raise InvalidTransition("差评正在整改，请在收到整改反馈后再追评", code="rectification_pending")
        return Stage.FOLLOW_UP
    raise Conflict("已评价并追评过，每项服务只能首评一次、追评一次", code="followup_exists")


def _responsible_unit(ticket: Any) -> int:
    unit_id = ticket.lead_unit_id or ticket.intake_unit_id or ticket.suggested_unit_id
    if unit_id is None:
        raise InvalidTransition("该诉求没有责任单位，暂不能评价", code="case_not_rateable")
    return int(unit_id)


@dataclass
class CaseRated:
    """What an enterprise's rating of its case recorded: the 好差评 rating (None when the case's
    ratings are taken — see `do_rate_case`), and whether it was also the case's follow-up."""

    ticket_id: int
    rating: Rating | None
    followed_up: bool = False
    resolved: bool | None = None
    reopened: bool = False
    escalation_flagged: bool = False
    status: str = ""


def _is_resolved(value: Any) -> bool:
    return value in (True, "true", "1", 1, "on", "yes")


def do_rate_case(
    *,
    acting_user: Any,
    ticket_id: Any,
    data: RatingInput,
    resolved: Any = None,
    channel: str = RatingChannel.PC,
    proactive: bool = True,
    expected_version: Any = None,
    now: dt.datetime | None = None,
    sms_claim: SmsClaim | None = None,
) -> CaseRated:
    """The case's enterprise (its users or the submitter, logged in) or the holder of an SMS link
    rates the case — one rating, whichever door (the case page, `POST …/ratings/cases/{id}/ratings`,
    `POST /api/v1/cases/{id}/follow-up` through `tickets.rating_hook`, the SMS link page).

    In one transaction: the 好差评 `Rating` (first rating, then one 追评; a 不满意/非常不满意 first
    rating opens its 差评整改), and, while the case is answered (已答复待回访), the case's follow-up
    with the same satisfaction and 已解决/未解决 (`tickets.actions.do_follow_up`): solved and
    satisfied closes the case, otherwise it is reopened (重办) up to `max_reopens`, then flagged for
    escalation. When the case is answered again after a reopen and its ratings are taken (a 差评
    under rectification, or first rating and 追评 both given), the answer is recorded as the
    follow-up only. A member of a unit handling the case is refused (`own_unit_case`), whatever
    credential they hold."""
    from bangban.tickets import rating_hook
    from bangban.tickets.access import visible_tickets
    from bangban.tickets.models import FollowUp, FollowUpMethod, Ticket

    now = _now(now)
    if channel not in (RatingChannel.PC, RatingChannel.SMS):
        raise ValidationFailed("评价渠道无效：诉求只能在线（PC）或凭短信链接评价", code="channel_invalid")
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if data.level in (None, ""):
        raise ValidationFailed("请选择评价等级", code="level_required")
    try:
        with transaction.atomic():
            if sms_claim is not None:
                ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
                if ticket is None:
                    raise NotFound("短信链接无效", code="link_invalid")
                access.require_not_handling(acting_user, ticket)
            else:
                if not visible_tickets(acting_user).filter(pk=pk).exists():
                    raise NotFound("未找到该诉求，或这不是本企业的诉求", code="not_found")
                ticket = Ticket.objects.select_for_update().get(pk=pk)
                access.require_not_handling(acting_user, ticket)
                if not access.owns_case(acting_user, ticket):
                    raise PermissionDenied("只能评价本企业提交的诉求", code="not_your_case")
            if expected_version not in (None, "") and str(expected_version) != str(ticket.version):
                raise Conflict()
            level, _scores, comment = _clean(data)
            answered = ticket.status == "replied"
            subject = RatedSubject.objects.filter(ticket=ticket).first()
            stage: str | None
            if subject is None or not subject.ratings.filter(voided_at__isnull=True).exists():
                if ticket.status not in RATEABLE_STATUSES:
                    raise InvalidTransition("诉求尚未答复，暂不能评价", code="case_not_rateable")
                stage = Stage.FIRST
            else:
                try:
                    stage = _next_stage(subject)
                except ApplicationError:
                    if not answered:
                        raise
                    stage = None
            agent: Any = acting_user if getattr(acting_user, "is_authenticated", False) else None
            method = FollowUpMethod.PORTAL
            if sms_claim is not None:
                agent = (
                    User.objects.filter(pk=sms_claim.by_id, is_active=True).first()
                    if sms_claim.by_id
                    else None
                )
                method = FollowUpMethod.SMS
            follow_up = answered and agent is not None
            if follow_up and resolved in (None, ""):
                raise ValidationFailed("请选择问题是否已解决", code="resolved_required")
            if sms_claim is not None:
                _use_link(sms_claim, now)
            rating = None
            if stage is not None:
                if subject is None:
                    subject = RatedSubject.objects.create(
                        kind=SubjectKind.CASE,
                        ticket=ticket,
                        unit_id=_responsible_unit(ticket),
                        created_at=now,
                    )
                rater = acting_user if getattr(acting_user, "is_authenticated", False) else None
                rating = _insert_rating(
                    subject, stage, data, channel=channel, rater=rater, proactive=proactive, now=now
                )
            result = CaseRated(ticket_id=ticket.pk, rating=rating)
            if follow_up:
                result.followed_up, result.resolved = True, _is_resolved(resolved)
                with rating_hook.handling():
                    result.reopened, result.escalation_flagged = _follow_up(
                        agent=agent, ticket_id=ticket.pk, resolved=result.resolved, satisfaction=level,
                        method=method, comment=comment, now=now,
                    )  # fmt: skip
                if rating is not None:
                    rating.follow_up = (
                        FollowUp.objects.filter(ticket_id=ticket.pk, at=now).order_by("-id").first()
                    )
                    rating.save(update_fields=["follow_up"])
                if sms_claim is not None:
                    FollowUpCall.objects.create(
                        ticket=ticket, method="sms", outcome=CallOutcome.CONNECTED, resolved=result.resolved,
                        satisfaction=level, comment=comment, reopened=result.reopened,
                        escalation_flagged=result.escalation_flagged, by=agent, at=now,
                    )  # fmt: skip
            result.status = Ticket.objects.values_list("status", flat=True).get(pk=ticket.pk)
            return result
    except IntegrityError:
        raise Conflict("该诉求已有这一次评价，不能重复评价", code="already_rated") from None


def rate_case(
    *,
    acting_user: Any,
    ticket_id: Any,
    data: RatingInput,
    resolved: Any = None,
    channel: str = RatingChannel.PC,
    proactive: bool = True,
    now: dt.datetime | None = None,
) -> Rating:
    """`do_rate_case` for a caller that needs the rating itself: refused, and nothing kept, when the
    case's ratings are taken."""
    with transaction.atomic():
        result = do_rate_case(
            acting_user=acting_user, ticket_id=ticket_id, data=data, resolved=resolved, channel=channel,
            proactive=proactive, now=now,
        )  # fmt: skip
        if result.rating is None:
            raise Conflict("已评价并追评过，每项服务只能首评一次、追评一次", code="followup_exists")
        return result.rating


def _enterprise_follow_up(
    *,
    acting_user: Any,
    ticket_id: int,
    resolved: Any,
    satisfaction: Any,
    comment: str = "",
    expected_version: Any = None,
    now: dt.datetime | None = None,
) -> CaseRated:
    """`tickets.rating_hook` handler: an enterprise's follow-up through the case system's doors
    (the 「我的诉求」 rating form, `POST /api/v1/cases/{id}/follow-up`) is its rating of the case."""
    return do_rate_case(
        acting_user=acting_user, ticket_id=ticket_id, data=RatingInput(level=satisfaction, comment=comment or ""),
        resolved=resolved, channel=RatingChannel.PC, expected_version=expected_version, now=now,
    )  # fmt: skip


def rate_service(
    *,
    acting_user: Any,
    site_id: int,
    window_id: int | None,
    data: RatingInput,
    channel: str,
    staff_name: str = "",
    service_item: Any = None,
    event_ref: str = "",
    device: DeviceInfo | None = None,
    now: dt.datetime | None = None,
) -> Rating:
    """A first rating of one service event at a site (评价器, 二维码 or PC)."""
    now = _now(now)
    staff_name = _text(staff_name, 50)
    event_ref = _text(event_ref, 64)
    item_id = None
    if service_item not in (None, ""):
        item_id = (
            ServiceItem.objects.filter(site_id=site_id, is_active=True)
            .filter(**({"pk": service_item} if str(service_item).isdigit() else {"code": service_item}))
            .values_list("pk", flat=True)
            .first()
        )
        if item_id is None:
            raise ValidationFailed("服务事项不存在", code="service_item_unknown")
    rater = acting_user if getattr(acting_user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            if device is not None and device_async_commit() and connection.vendor == "postgresql":
                _async_commit()
            subject = RatedSubject.objects.create(
                kind=SubjectKind.SERVICE,
                unit_id=site_id,
                window_id=window_id,
                service_item_id=item_id,
                staff_name=staff_name,
                event_ref=event_ref,
                created_at=now,
            )
            return _insert_rating(
                subject,
                Stage.FIRST,
                data,
                channel=channel,
                rater=rater,
                proactive=True,
                now=now,
                device=device,
            )
    except IntegrityError:
        raise Conflict(f"办件“{event_ref}”已评价过，不能重复评价", code="already_rated") from None


def _async_commit() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def rate_from_device(*, raw_key: str | None, window_code: str | None, payload: dict[str, Any]) -> Rating:
    device = device_for_key(raw_key)
    if window_code:
        window_id = window_id_for(device.site_id, str(window_code))
    elif device.window_id is not None:
        window_id = device.window_id
    else:
        raise ValidationFailed("请指定窗口编号", code="window_required")
    data = RatingInput(
        level=payload.get("level"),
        scores=payload.get("scores"),
        comment=payload.get("comment") or "",
        anonymous=bool(payload.get("anonymous", True)),
        reversed_codes=device.reversed_codes,
    )
    return rate_service(
        acting_user=None,
        site_id=device.site_id,
        window_id=window_id,
        data=data,
        channel=RatingChannel.DEVICE,
        staff_name=payload.get("staff_name") or "",
        service_item=payload.get("service_item"),
        event_ref=payload.get("event_ref") or "",
        device=device,
    )


def rate_batch_from_device(
    *, raw_key: str | None, items: list[dict[str, Any]], now: dt.datetime | None = None
) -> list[Rating | ApplicationError]:
    """Ratings a device buffered (offline, or a busy hall): each item is checked as in
    `rate_from_device` and gets its own result; the accepted ones are written in one transaction
    with bulk inserts and one audit event each. A service event (event_ref) already rated, or
    repeated in the batch, is refused for that item only; if another request stores the same event
    at the same moment, the unique constraint refuses the whole batch (`already_rated`) and the
    device sends it again."""
    from bangban.audit import actions as audit

    device = device_for_key(raw_key)
    now = _now(now)
    results: list[Rating | ApplicationError | None] = [None] * len(items)
    refs = {str(i.get("event_ref") or "").strip() for i in items} - {""}
    taken = set(
        RatedSubject.objects.filter(unit_id=device.site_id, event_ref__in=refs).values_list(
            "event_ref", flat=True
        )
    )
    codes = {str(i["service_item"]) for i in items if i.get("service_item") not in (None, "")}
    service_items = dict(
        ServiceItem.objects.filter(site_id=device.site_id, is_active=True, code__in=codes).values_list(
            "code", "pk"
        )
    )
    accepted: list[tuple[int, RatedSubject, Rating]] = []
    for index, payload in enumerate(items):
        try:
            code = payload.get("window")
            if code:
                window_id: int | None = window_id_for(device.site_id, str(code))
            elif device.window_id is not None:
                window_id = device.window_id
            else:
                raise ValidationFailed("请指定窗口编号", code="window_required")
            data = RatingInput(
                level=payload.get("level"),
                scores=payload.get("scores"),
                comment=payload.get("comment") or "",
                anonymous=bool(payload.get("anonymous", True)),
                reversed_codes=device.reversed_codes,
            )
            level, scores, comment = _clean(data)
            ref = _text(payload.get("event_ref"), 64)
            if ref and ref in taken:
                raise Conflict(f"办件“{ref}”已评价过，不能重复评价", code="already_rated")
            item_code = payload.get("service_item")
            item_id = None
            if item_code not in (None, ""):
                item_id = service_items.get(str(item_code))
                if item_id is None:
                    raise ValidationFailed("服务事项不存在", code="service_item_unknown")
            if ref:
                taken.add(ref)
            subject = RatedSubject(
                kind=SubjectKind.SERVICE, unit_id=device.site_id, window_id=window_id, service_item_id=item_id,
                staff_name=_text(payload.get("staff_name"), 50), event_ref=ref, created_at=now,
            )  # fmt: skip
            rating = Rating(
                stage=Stage.FIRST, level=level, scores=scores, comment=comment, channel=RatingChannel.DEVICE,
                anonymous=data.anonymous, proactive=True, device_id=device.id, unit_id=device.site_id, created_at=now,
            )  # fmt: skip
            accepted.append((index, subject, rating))
        except ApplicationError as exc:
            results[index] = exc
    if accepted:
        try:
            with transaction.atomic():
                RatedSubject.objects.bulk_create([a[1] for a in accepted])
                for _index, subject, rating in accepted:
                    rating.subject = subject
                Rating.objects.bulk_create([a[2] for a in accepted])
                entries: list[dict[str, Any]] = [
                    dict(
                        action="ratings.rate",
                        object_type="ratings.rating",
                        object_id=rating.pk,
                        object_repr=f"{subject} {Stage.FIRST.label} {Satisfaction(rating.level).label}",
                        after={
                            "subject": subject.pk,
                            "stage": Stage.FIRST,
                            "level": rating.level,
                            "channel": RatingChannel.DEVICE,
                            "anonymous": rating.anonymous,
                            "device": device.id,
                            "unit": subject.unit_id,
                        },
                    )
                    for _index, subject, rating in accepted
                ]
                record_many = getattr(audit, "record_many", None)
                if record_many is not None:
                    record_many([audit.Entry(**e) for e in entries])  # type: ignore[attr-defined]
                else:  # pragma: no cover - older audit module
                    for e in entries:
                        record(**e)
                for _index, subject, rating in accepted:
                    if rating.level in BAD_RATINGS:
                        _open_rectification(rating, subject, None, now)
        except IntegrityError:
            raise Conflict("批次中有办件已被评价，请重新上报", code="already_rated") from None
        for index, _subject, rating in accepted:
            results[index] = rating
    return [r for r in results if r is not None]


def rate_window_qr(*, acting_user: Any, public_key: str, data: RatingInput, **fields: Any) -> Rating:
    window = Window.objects.filter(public_key=public_key, is_active=True).first()
    if window is None:
        raise NotFound("窗口不存在或已停用，请核对二维码", code="window_unknown")
    return rate_service(
        acting_user=acting_user, site_id=window.site_id, window_id=window.pk, data=data, channel=RatingChannel.QR,
        **fields,
    )  # fmt: skip


def rate_followup_by_token(
    *, acting_user: Any, token: str, data: RatingInput, now: dt.datetime | None = None
) -> Rating:
    """追评 of a service event by whoever got its link after rating (or the rectification feedback)."""
    now = _now(now)
    subject_id = read_subject_token(token)
    try:
        with transaction.atomic():
            subject = RatedSubject.objects.select_for_update().filter(pk=subject_id).first()
            if subject is None:
                raise NotFound()
            stage = _next_stage(subject)
            if stage == Stage.FIRST:
                raise InvalidTransition("尚无首次评价", code="no_first_rating")
            rater = acting_user if getattr(acting_user, "is_authenticated", False) else None
            channel = RatingChannel.QR if subject.kind == SubjectKind.SERVICE else RatingChannel.PC
            return _insert_rating(subject, stage, data, channel=channel, rater=rater, proactive=True, now=now)
    except IntegrityError:
        raise Conflict("已评价并追评过，每项服务只能首评一次、追评一次", code="followup_exists") from None


# --- rectification (差评整改) -----------------------------------------------------------------------


def _rect_event(action: str, rect: Rectification, actor: Any, before: dict | None, note: str = "") -> None:
    after = snapshot(rect, fields=["status", "category", "due_at", "rectified_at", "rater_level", "version"])
    if note:
        after["note"] = note[:500]
    record(action, actor=actor if getattr(actor, "pk", None) else None, obj=rect, before=before, after=after)


def rect_link(rect: Rectification) -> str:
    try:
        return reverse("ratings:rect_detail", args=[rect.pk])
    except Exception:  # pragma: no cover - URLs not loaded
        return ""


def _open_rectification(rating: Rating, subject: RatedSubject, rater: Any, now: dt.datetime) -> Rectification:
    rect = Rectification.objects.create(
        rating=rating,
        subject=subject,
        unit_id=subject.unit_id,
        number=f"ZG-{timezone.localtime(now):%Y%m%d}-{rating.pk:06d}",
        created_at=now,
    )
    _rect_event(
        "ratings.rect_create", rect, rater, None, note=f"{rating.get_level_display()}：{rating.comment}"
    )
    what = (
        f"诉求 {subject.ticket.number}"  # type: ignore[union-attr]
        if subject.ticket_id
        else f"窗口服务（{subject.event_ref or subject.pk}）"
    )  # type: ignore[union-attr]
    for user in _active_unit_members(subject.unit_id):
        notify_user(
            user,
            f"差评整改：{rect.number}",
            f"{what}收到“{rating.get_level_display()}”评价，请核实并整改。",
            link=rect_link(rect),
            now=now,
        )
    return rect


def _close_rectification_by_rating(
    subject: RatedSubject, rating: Rating, rater: Any, now: dt.datetime
) -> None:
    rect = subject.rectifications.select_for_update().filter(status=RectStatus.FED_BACK).first()
    if rect is None:
        return
    before = snapshot(rect, fields=["status", "rater_level", "version"])
    rect.status = RectStatus.CLOSED
    rect.rater_level = rating.level
    rect.closed_at = now
    rect.version += 1
    rect.save(update_fields=["status", "rater_level", "closed_at", "version"])
    _rect_event("ratings.rect_rated", rect, rater, before, note=rating.get_level_display())
    for user in _active_unit_members(rect.unit_id):
        notify_user(
            user,
            f"整改已评价：{rect.number}",
            f"评价人对整改的评价：{rating.get_level_display()}。",
            link=rect_link(rect),
            now=now,
        )


def _lock_rect(acting_user: Any, rect_id: Any, expected_version: Any) -> tuple[Rectification, dict]:
    rect = access.access_rectification(acting_user, rect_id, for_update=True)
    if expected_version not in (None, "") and int(expected_version) != rect.version:
        raise Conflict()
    return rect, snapshot(
        rect, fields=["status", "category", "due_at", "rectified_at", "rater_level", "version"]
    )


def _require_rect_status(rect: Rectification, status: str, doing: str) -> None:
    if rect.status != status:
        raise InvalidTransition(
            f"整改当前为“{RectStatus(rect.status).label}”，不能{doing}", code="invalid_transition"
        )


def do_verify(
    *,
    acting_user: Any,
    rect_id: Any,
    verification: str,
    expected_version: Any = None,
    now: dt.datetime | None = None,
) -> Rectification:
    """The responsible unit records what it found (核实)."""
    now = _now(now)
    with transaction.atomic():
        rect, before = _lock_rect(acting_user, rect_id, expected_version)
        access.require_unit_member(acting_user, rect)
        _require_rect_status(rect, RectStatus.VERIFY, "核实")
        rect.verification = _text(verification, 2000, required="请填写核实情况", code="verification_required")
        rect.status = RectStatus.CLASSIFY
        rect.version += 1
        rect.save(update_fields=["verification", "status", "version"])
        _rect_event("ratings.rect_verify", rect, acting_user, before, note=rect.verification)
        for user in _managers():
            notify_user(
                user,
                f"差评整改待定性：{rect.number}",
                "责任单位已核实，请定性。",
                link=rect_link(rect),
                now=now,
            )
    return rect


def do_classify(
    *,
    acting_user: Any,
    rect_id: Any,
    category: str,
    note: str = "",
    workdays: Any = None,
    expected_version: Any = None,
    now: dt.datetime | None = None,
) -> Rectification:
    """营商办 decides: 立行立改 (today), 限期整改 (N working days, default 5), 解释说明, or 申诉复核
    (the rating is false or malicious: it no longer counts as a 差评)."""
    now = _now(now)
    access.require_manager(acting_user, "整改定性由营商办决定")
    if category not in RectCategory.values:
        raise ValidationFailed("定性无效：立行立改、限期整改、解释说明或申诉复核", code="category_invalid")
    note = _text(note, 500)
    with transaction.atomic():
        rect, before = _lock_rect(acting_user, rect_id, expected_version)
        _require_rect_status(rect, RectStatus.CLASSIFY, "定性")
        rect.category = category
        rect.classify_note = note
        rect.version += 1
        fields = ["category", "classify_note", "status", "version"]
        if category == RectCategory.APPEAL:
            if not note:
                raise ValidationFailed("申诉复核成立须写明理由", code="note_required")
            rect.status = RectStatus.DISMISSED
            rect.closed_at = now
            fields.append("closed_at")
            Rating.objects.filter(pk=rect.rating_id).update(invalidated=True)
        else:
            if category == RectCategory.IMMEDIATE:
                days = 0
            else:
                try:
                    days = get_settings().rectification_workdays if workdays in (None, "") else int(workdays)
                except (TypeError, ValueError):
                    raise ValidationFailed("整改时限应为工作日数", code="workdays_invalid") from None
                if not 0 <= days <= 60:
                    raise ValidationFailed("整改时限应在 0–60 个工作日之间", code="workdays_invalid")
            rect.due_at = _due(now, days)
            rect.status = RectStatus.RECTIFYING
            fields.append("due_at")
        rect.save(update_fields=fields)
        _rect_event("ratings.rect_classify", rect, acting_user, before, note=note)
        for user in _active_unit_members(rect.unit_id):
            text = (
                "营商办认定申诉成立，该评价不计入差评。"
                if rect.status == RectStatus.DISMISSED
                else f"营商办定性为“{RectCategory(category).label}”，请于 {timezone.localtime(rect.due_at):%Y-%m-%d} 前完成并反馈评价人。"  # type: ignore[arg-type]
            )
            notify_user(user, f"差评整改已定性：{rect.number}", text, link=rect_link(rect), now=now)
    return rect


def _due(now: dt.datetime, days: int) -> dt.datetime:
    return workday_service.due(now, days).at


def do_rectify(
    *,
    acting_user: Any,
    rect_id: Any,
    measures: str,
    feedback: str,
    expected_version: Any = None,
    now: dt.datetime | None = None,
) -> Rectification:
    """The unit reports what it did and the feedback for the rater, who is told and asked to rate."""
    now = _now(now)
    with transaction.atomic():
        rect, before = _lock_rect(acting_user, rect_id, expected_version)
        access.require_unit_member(acting_user, rect)
        _require_rect_status(rect, RectStatus.RECTIFYING, "反馈整改结果")
        rect.measures = _text(measures, 2000, required="请填写整改措施", code="measures_required")
        rect.feedback = _text(feedback, 2000, required="请填写给评价人的反馈", code="feedback_required")
        rect.status = RectStatus.FED_BACK
        rect.rectified_at = now
        rect.version += 1
        rect.save(update_fields=["measures", "feedback", "status", "rectified_at", "version"])
        _rect_event("ratings.rect_rectify", rect, acting_user, before, note=rect.feedback)
        _tell_rater(rect, now)
    return rect


def rater_link(subject: RatedSubject) -> str:
    """Where the rater of a service event gives the 追评 (its signed follow-up page). A case has no
    such link: its rater is told through the enterprise's login or a fresh SMS link (`_tell_rater`)."""
    if subject.kind == SubjectKind.CASE:
        raise ValueError("a case is rated by its enterprise or through an SMS link, not by a subject link")
    return reverse("ratings:subject", args=[subject_token(subject.pk)])


def _tell_rater(rect: Rectification, now: dt.datetime) -> None:
    """Tell the rater the rectification's feedback and ask for the 追评: for a case, its enterprise's
    users (and the rater) on the case page, or — a visitor without an account — a fresh one-time SMS
    link to the case's contact phone; for a service event, the rater on its follow-up page."""
    from bangban.tickets.notifications import enterprise_people

    rating = Rating.objects.select_related("rater").get(pk=rect.rating_id)
    subject = rect.subject
    body = f"您的评价已整改：{rect.feedback}。请对整改结果进行评价。"
    people: dict[int, Any] = {}
    rater = rating.rater
    # A rater of the unit's own case (a rating given in breach) is not asked to rate it again.
    if rater is not None and not (subject.ticket_id and access.handles_case(rater, subject.ticket)):
        people[rater.pk] = rater
    if subject.ticket_id:
        ticket = subject.ticket
        link = reverse("tickets:detail", args=[subject.ticket_id])
        for user in enterprise_people(ticket):  # type: ignore[arg-type]
            people[user.pk] = user
        phone = ticket.contact_phone  # type: ignore[union-attr]
        if phone and not people:
            url = sms_url(make_sms_token(subject.ticket_id, "rate", None))  # type: ignore[arg-type]
            notify(
                channel="sms", address=phone, subject="差评整改反馈",
                body=f"{body}评价链接：{url}（{get_settings().sms_link_days} 天内有效，仅可使用一次）", link=url, now=now,
            )  # fmt: skip
    else:
        link = rater_link(subject)
    for user in people.values():
        notify_user(user, f"差评整改反馈：{rect.number}", body, link=link, now=now)


def do_add_link(
    *,
    acting_user: Any,
    rect_id: Any,
    unit_id: Any,
    note: str,
    ticket_id: Any = None,
    now: dt.datetime | None = None,
) -> RectificationLink:
    """举一反三: record a similar problem elsewhere (another unit, optionally one of its cases)."""
    from bangban.tickets.models import Ticket

    now = _now(now)
    with transaction.atomic():
        rect, _ = _lock_rect(acting_user, rect_id, None)
        if not access.is_manager(acting_user):
            access.require_unit_member(acting_user, rect)
        try:
            unit = Unit.objects.get(pk=int(unit_id), is_active=True)
        except (Unit.DoesNotExist, TypeError, ValueError):
            raise ValidationFailed("相关单位不存在", code="unit_invalid") from None
        ticket = None
        if ticket_id not in (None, ""):
            ticket = (
                Ticket.objects.filter(pk=ticket_id).first() or Ticket.objects.filter(number=ticket_id).first()
            )
            if ticket is None:
                raise ValidationFailed("相关诉求不存在", code="ticket_invalid")
        link = RectificationLink.objects.create(
            rectification=rect,
            unit=unit,
            ticket=ticket,
            note=_text(note, 500, required="请填写类似问题及举措", code="note_required"),
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
            created_at=now,
        )
        record(
            "ratings.rect_link",
            actor=acting_user,
            obj=rect,
            after={"unit": unit.pk, "ticket": ticket.pk if ticket else None, "note": link.note},
        )
        if unit.pk != rect.unit_id:
            for user in _active_unit_members(unit.pk, frozenset({Role.UNIT_HEAD})):
                notify_user(
                    user,
                    f"举一反三：{rect.number}",
                    f"请对照排查类似问题：{link.note}",
                    link=rect_link(rect),
                    now=now,
                )
    return link


# --- follow-up (回访) --------------------------------------------------------------------------------


def _follow_up(
    *,
    agent: Any,
    ticket_id: int,
    resolved: bool,
    satisfaction: Satisfaction,
    method: str,
    comment: str,
    now: dt.datetime,
) -> tuple[bool, bool]:
    """Call the case system's follow-up; returns (reopened, escalation flagged)."""
    from bangban.tickets.actions import do_follow_up
    from bangban.tickets.models import Ticket

    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    needs_reopen = not (resolved and satisfaction in SATISFIED_LEVELS)
    limit_reached = needs_reopen and ticket.reopen_count >= get_settings().max_reopens
    do_follow_up(
        acting_user=agent,
        ticket_id=ticket_id,
        resolved=resolved,
        satisfaction=int(satisfaction),
        method=method,
        comment=comment,
        now=now,
        reopen=not limit_reached,
    )
    return needs_reopen and not limit_reached, limit_reached


def do_record_call(
    *,
    acting_user: Any,
    ticket_id: Any,
    outcome: str,
    resolved: Any = None,
    satisfaction: Any = None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> FollowUpCall:
    """An agent's 回访 call. Connected: resolved + satisfaction go to the case's follow-up, which
    closes the case or reopens it (重办) — up to the configured maximum, then escalation is flagged."""
    from bangban.tickets.access import access_ticket, check_action

    now = _now(now)
    if outcome not in CallOutcome.values:
        raise ValidationFailed("呼叫结果无效", code="outcome_invalid")
    comment = _text(comment, 500)
    with transaction.atomic():
        ticket = access_ticket(acting_user, ticket_id, "view", for_update=True)
        check_action(acting_user, ticket, "follow_up")
        if ticket.status != "replied":
            raise InvalidTransition("该诉求不在“已答复待回访”状态，不能登记回访", code="invalid_transition")
        call = FollowUpCall(
            ticket=ticket, method="phone", outcome=outcome, comment=comment, by=acting_user, at=now
        )
        if outcome == CallOutcome.CONNECTED:
            if resolved in (None, ""):
                raise ValidationFailed("请选择问题是否解决", code="resolved_required")
            if satisfaction in (None, ""):
                raise ValidationFailed("请选择满意度", code="level_required")
            level = parse_level(satisfaction, field="满意度")
            call.resolved = resolved in (True, "true", "1", 1, "on", "yes")
            call.satisfaction = level
            call.reopened, call.escalation_flagged = _follow_up(
                agent=acting_user,
                ticket_id=ticket.pk,
                resolved=call.resolved,
                satisfaction=level,
                method="phone",
                comment=comment,
                now=now,
            )
        call.save()
        record(
            "ratings.follow_up_call",
            actor=acting_user,
            obj=ticket,
            after={
                "outcome": outcome,
                "resolved": call.resolved,
                "satisfaction": call.satisfaction,
                "reopened": call.reopened,
                "escalation": call.escalation_flagged,
            },
        )
    return call


def answer_sms_link(
    *,
    token: str,
    resolved: Any = None,
    data: RatingInput | None = None,
    acting_user: Any = None,
    ticket_id: Any = None,
    now: dt.datetime | None = None,
) -> CaseRated:
    """Use a signed SMS link once: the rating of the case by its contact (`do_rate_case`, channel
    短信), which while the case is answered is also its follow-up, recorded as the 短信回访 of the
    agent who sent the link. A `ticket_id` given with the link must be the link's case. Opened in
    the session of a member of a unit handling the case, the link is refused and stays unused."""
    now = _now(now)
    claim = read_sms_token(token, now=now)
    if ticket_id not in (None, "") and str(ticket_id) != str(claim.ticket_id):
        raise NotFound("该短信链接不是这件诉求的评价链接", code="link_invalid")
    return do_rate_case(
        acting_user=acting_user,
        ticket_id=claim.ticket_id,
        data=data or RatingInput(level=None),
        resolved=resolved,
        channel=RatingChannel.SMS,
        proactive=False,
        now=now,
        sms_claim=claim,
    )


def _label(name: str) -> str:
    return str(getattr(RatingSettings._meta.get_field(name), "verbose_name", name))


def do_update_settings(*, acting_user: Any, values: dict[str, Any]) -> RatingSettings:
    access.require_manager(acting_user, "只有营商办或管理员可以修改参数")
    limits = {
        "rectification_workdays": (0, 60),
        "max_reopens": (0, 10),
        "recheck_percent": (1, 100),
        "recheck_minimum": (0, 100000),
        "sms_link_days": (1, 90),
    }
    with transaction.atomic():
        conf = get_settings()
        conf = RatingSettings.objects.select_for_update().get(pk=conf.pk)
        before = snapshot(conf)
        for name, (low, high) in limits.items():
            if name not in values or values[name] in (None, ""):
                continue
            try:
                value = int(values[name])
            except (TypeError, ValueError):
                raise ValidationFailed(f"{_label(name)}应为整数", code="invalid") from None
            if not low <= value <= high:
                raise ValidationFailed(
                    f"{_label(name)}应在 {low}–{high} 之间",
                    code="out_of_range",
                )
            setattr(conf, name, value)
        conf.version += 1
        conf.save()
        record("ratings.settings", actor=acting_user, obj=conf, before=before, after=snapshot(conf))
    return conf


# --- voiding ratings given in breach (评价核查与作废) ---------------------------------------------------


def do_void_rating(
    *,
    acting_user: Any,
    rating_id: Any,
    reason: str,
    expected_version: Any = None,
    now: dt.datetime | None = None,
) -> Rating:
    """营商办 voids a rating given in breach of the rules (e.g. by the rated unit itself, or through
    the removed case QR code). The rating stays, marked voided (who, when, why), shown as 已作废,
    and no longer counts in any figure; its rectification, if still open, ends as 评价已作废. A
    voided rating leaves its stage free, so the real rater can still rate."""
    now = _now(now)
    if not has_any_role(acting_user, access.VOID_ROLES):
        raise PermissionDenied("只有营商办可以作废评价", code="void_forbidden")
    reason = _text(reason, 500, required="请填写作废理由", code="reason_required")
    try:
        pk = int(rating_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    with transaction.atomic():
        rating = Rating.objects.select_for_update().filter(pk=pk).first()
        if rating is None:
            raise NotFound()
        if rating.voided_at is not None:
            raise Conflict("该评价已作废，不能重复作废", code="already_voided")
        if expected_version not in (None, "") and str(expected_version) != str(rating.version):
            raise Conflict()
        before = snapshot(rating, fields=["voided_at", "void_reason", "version"])
        rating.voided_at = now
        rating.voided_by = acting_user
        rating.void_reason = reason
        rating.version += 1
        rating.save(update_fields=["voided_at", "voided_by", "void_reason", "version"])
        rect = (
            Rectification.objects.select_for_update()
            .filter(rating=rating)
            .exclude(status__in=[RectStatus.CLOSED, RectStatus.DISMISSED, RectStatus.VOIDED])
            .first()
        )
        if rect is not None:
            rect.status = RectStatus.VOIDED
            rect.closed_at = now
            rect.version += 1
            rect.save(update_fields=["status", "closed_at", "version"])
            for user in _active_unit_members(rect.unit_id):
                notify_user(
                    user,
                    f"差评整改已终止：{rect.number}",
                    f"营商办已作废该评价（{reason}），整改不再办理。",
                    link=rect_link(rect),
                    now=now,
                )
        record(
            "ratings.void",
            actor=acting_user,
            object_type="ratings.rating",
            object_id=rating.pk,
            object_repr=f"{rating.subject} {rating.get_stage_display()} {rating.get_level_display()}",
            before=before,
            after={
                "voided_at": now,
                "reason": reason,
                "version": rating.version,
                "rectification": rect.number if rect is not None else None,
            },
        )
    return rating
