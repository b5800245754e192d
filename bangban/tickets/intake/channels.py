"""The intake channel policies: one row per way a case comes in, stating what differs between them.

Every intake runs the same steps (`service.do_intake`); a `ChannelPolicy` says, for its way in:
who may file (roles, counter staff, or a visitor with an SMS-confirmed number), the channel and
intake modes, how the enterprise is named, which fields are required, the urgencies offered,
whose contact details fill in blanks, who owns the idempotency key, which unit and account are
recorded as intake unit and submitter, the daily caps, and whether the case may be closed on the
spot. What does not differ is stated once, in the service: every case starts in 待派单 with the
dispatch clock of its channel (`dispatch_clock`, e.g. the mayor's review for 市长直通车), writes one
PUBLIC "已受理" event, and — unless closed on the spot — the dispatchers of its area are told.

`POLICIES` holds the pages' (and imports') ways in, by name; `REPORT_POLICIES` the two report
channels; `API_POLICIES` the channels of `POST /api/v1/cases` (and its batch form), by channel.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.core.errors import PermissionDenied, ValidationFailed

from ..access import works_at_service_site
from ..models import Channel, IntakeMode, Urgency

# Who may file (`ChannelPolicy.filers`).
BY_ROLE = "role"  # holders of `roles` (and administrators)
AT_COUNTER = "counter"  # staff of a service site, handlers and unit heads (and administrators)
VERIFIED_VISITOR = "visitor"  # no account: a mobile number confirmed by SMS (`verification.py`)
KEYED_CALLER = "caller"  # no account: a registered integration whose key its app checked (Open311)

# How the enterprise a case is about is named (`ChannelPolicy.enterprise`).
OWN = "own"  # an enterprise user: always its own enterprise
SCOPE = "scope"  # staff: a registered enterprise they may see, or just a name
PUBLIC = "public"  # no account: a name, and a USCC that may match the registry

# Whose details fill in a blank contact (`ChannelPolicy.contact_default`).
FROM_ACCOUNT = "account"  # the filing user's name and phone
FROM_ENTERPRISE = "enterprise"  # the enterprise's liaison, when neither name nor phone is given

# Whom an idempotency key is private to (`ChannelPolicy.key_owner`).
KEY_ACCOUNT = "account"
KEY_PHONE = "phone"  # the visitor's verified number
KEY_CALLER = "caller"  # the keyed integration (`do_intake(caller=…)`)

# Which unit is recorded as the intake unit (`ChannelPolicy.intake_unit`).
UNIT_OF_FILER = "filer"  # the filing user's unit
UNIT_OF_STAFF = "staff"  # the filing user's unit when the user is staff

# What an invalid intake mode gets (`ChannelPolicy.other_modes`).
REFUSE = "refuse"  # 400 invalid_intake_mode
DEFAULT = "default"  # the channel's default mode


@dataclass(frozen=True)
class DailyCap:
    """At most `public_limits()[cap]` cases a day per source address or per verified number."""

    scope: str  # the throttle's name (core.throttle)
    per: str  # "address" | "phone"
    cap: str  # key of `verification.public_limits()`
    message: str


@dataclass(frozen=True)
class ChannelPolicy:
    """One way a case comes in. `name` is its key in `POLICIES`; `channel` the case's channel."""

    name: str
    channel: str
    # The intake modes allowed, the default first; any other gets a refusal or the default.
    modes: tuple[str, ...]
    other_modes: str = REFUSE
    # Who may file: holders of `roles` (and administrators), counter staff, or a verified visitor;
    # anyone else is refused (403) with `refusal` (code `refusal_code`, else permission_denied).
    filers: str = BY_ROLE
    roles: frozenset[str] = frozenset()
    refusal: str = ""
    refusal_code: str = ""
    enterprise: str = SCOPE
    # Required besides title and content, of: contact_phone, contact_name, enterprise,
    # enterprise_name, category.
    required: frozenset[str] = frozenset()
    # The urgencies offered, when fewer than all, and the message for any other.
    urgencies: tuple[str, ...] = ()
    urgency_message: str = ""
    contact_default: str = ""
    key_owner: str = KEY_ACCOUNT
    intake_unit: str = ""
    # The filing account is recorded as the case's submitter (an enterprise user filing itself).
    submitter: bool = False
    daily_caps: tuple[DailyCap, ...] = ()
    # May be closed at intake with the answer given (`handling.py`), telling no dispatcher.
    on_spot: bool = False

    @property
    def default_mode(self) -> str:
        return self.modes[0]


PUBLIC_CAPS = (
    DailyCap(
        "cases.public.address",
        "address",
        "cases_per_address",
        "本网络今日提交的诉求已达上限（每日最多 {limit} 件），请明日再试或拨打 12345 热线",
    ),
    DailyCap(
        "cases.public.phone",
        "phone",
        "cases_per_phone",
        "该手机号今日提交的诉求已达上限（每日最多 {limit} 件），请明日再试或拨打 12345 热线",
    ),
)

REPORT_ROLES: dict[str, frozenset[str]] = {
    Channel.OFFICER: frozenset({Role.SERVICE_OFFICER, Role.CHIEF_SERVICE_OFFICER, Role.BIZ_OFFICE}),
    Channel.SUPERVISOR: frozenset({Role.VOLUNTEER_SUPERVISOR, Role.BIZ_OFFICE}),
}

POLICIES: dict[str, ChannelPolicy] = {
    # 12345 营商环境专席 (R6.1), 首接负责: the agent records how the call was handled.
    "hotline": ChannelPolicy(
        name="hotline",
        channel=Channel.HOTLINE,
        modes=(IntakeMode.PHONE,),
        roles=frozenset({Role.HOTLINE_AGENT}),
        refusal="只有12345热线坐席可以登记热线诉求",
        required=frozenset({"contact_phone"}),
        intake_unit=UNIT_OF_FILER,
        on_spot=True,
    ),
    # "办不成事" window online (R2.2): simple (一般, same working day) or complex (复杂, 5 days).
    "window_online": ChannelPolicy(
        name="window_online",
        channel=Channel.WINDOW,
        modes=(IntakeMode.ONLINE,),
        roles=frozenset({Role.ENTERPRISE}),
        refusal="只有企业用户可以在线反映“办不成事”问题",
        enterprise=OWN,
        urgencies=(Urgency.GENERAL, Urgency.COMPLEX),
        urgency_message="请选择问题是简单还是复杂",
        contact_default=FROM_ACCOUNT,
        submitter=True,
    ),
    # "办不成事" window at the counter: staff file for the visitor; 即知即办 closes it on the spot.
    "window_counter": ChannelPolicy(
        name="window_counter",
        channel=Channel.WINDOW,
        modes=(IntakeMode.COUNTER,),
        filers=AT_COUNTER,
        refusal="只有政务服务场所工作人员或承办人员可以窗口代填",
        required=frozenset({"contact_phone", "contact_name"}),
        intake_unit=UNIT_OF_FILER,
        on_spot=True,
    ),
    # The enterprise portal (usable on a phone): an enterprise user files for its own enterprise.
    "portal": ChannelPolicy(
        name="portal",
        channel=Channel.PORTAL,
        modes=(IntakeMode.ONLINE,),
        roles=frozenset({Role.ENTERPRISE}),
        refusal="只有企业用户可以在企业端提交诉求",
        enterprise=OWN,
        contact_default=FROM_ACCOUNT,
        submitter=True,
    ),
    # The mayor's public column and mailbox (R8.1), without an account.
    "mayor_public": ChannelPolicy(
        name="mayor_public",
        channel=Channel.MAYOR,
        modes=(IntakeMode.ONLINE, IntakeMode.MAILBOX),
        filers=VERIFIED_VISITOR,
        other_modes=DEFAULT,
        enterprise=PUBLIC,
        required=frozenset({"contact_name", "enterprise_name"}),
        key_owner=KEY_PHONE,
        daily_caps=PUBLIC_CAPS,
    ),
    # 市政府办公室 staff register a submission received by the direct phone or the mailbox.
    "mayor_register": ChannelPolicy(
        name="mayor_register",
        channel=Channel.MAYOR,
        modes=(IntakeMode.PHONE, IntakeMode.MAILBOX, IntakeMode.ONLINE),
        roles=frozenset({Role.MAYOR_OFFICE}),
        refusal="只有市政府办公室专人可以登记市长直通车诉求",
        required=frozenset({"contact_phone", "enterprise_name"}),
        intake_unit=UNIT_OF_FILER,
    ),
    # Open311 GeoReport v2 (bangban.open311): a registered client application files for a citizen
    # or an enterprise; the Open311 app has checked the client's key. A system interface (接口).
    "open311": ChannelPolicy(
        name="open311",
        channel=Channel.API,
        modes=(IntakeMode.SYSTEM,),
        filers=KEYED_CALLER,
        enterprise=PUBLIC,
        required=frozenset({"category"}),
        key_owner=KEY_CALLER,
    ),
    # 一张网 event dispatch platform (bangban.gridnet, R6.2): the platform's work orders, filed by
    # the connector after it checked the platform's signature; the order id is the idempotency key.
    "gridnet": ChannelPolicy(
        name="gridnet",
        channel=Channel.API,
        modes=(IntakeMode.SYSTEM,),
        filers=KEYED_CALLER,
        enterprise=PUBLIC,
        required=frozenset({"category"}),
        key_owner=KEY_CALLER,
    ),
}

# A service officer's visit report (帮办专员/驻厂员, 首席服务员; the enterprise is required) or a
# 营商环境监督员's report (R3.3, R4.1, R5.3); 营商办 may file either on their behalf.
REPORT_POLICIES: dict[str, ChannelPolicy] = {
    channel: ChannelPolicy(
        name=f"report_{channel}",
        channel=channel,
        modes=(IntakeMode.VISIT,),
        roles=roles,
        refusal=f"您的角色不能登记“{Channel(channel).label}”诉求",
        required=frozenset({"enterprise"}) if channel == Channel.OFFICER else frozenset(),
        contact_default=FROM_ENTERPRISE,
        intake_unit=UNIT_OF_STAFF,
    )
    for channel, roles in REPORT_ROLES.items()
}
POLICIES.update({p.name: p for p in REPORT_POLICIES.values()})


def _api(
    channel: str, mode: str, roles: frozenset[str] = frozenset(), filers: str = BY_ROLE
) -> ChannelPolicy:
    return ChannelPolicy(
        name=f"api_{channel}",
        channel=channel,
        modes=(mode, *(m for m in IntakeMode.values if m != mode)),
        filers=filers,
        roles=roles,
        refusal=f"您的角色不能以“{Channel(channel).label}”渠道登记诉求",
        refusal_code="channel_not_allowed",
        required=frozenset({"enterprise"}) if channel == Channel.OFFICER else frozenset(),
        intake_unit=UNIT_OF_STAFF,
    )


# `POST /api/v1/cases`: the channels each role may file in (administrators: any) and their default
# intake modes; a caller names any intake mode.
API_POLICIES: dict[str, ChannelPolicy] = {
    Channel.PORTAL: _api(Channel.PORTAL, IntakeMode.ONLINE, frozenset({Role.ENTERPRISE})),
    Channel.HOTLINE: _api(Channel.HOTLINE, IntakeMode.PHONE, frozenset({Role.HOTLINE_AGENT})),
    Channel.WINDOW: _api(Channel.WINDOW, IntakeMode.COUNTER, filers=AT_COUNTER),
    Channel.MAYOR: _api(Channel.MAYOR, IntakeMode.ONLINE, frozenset({Role.MAYOR_OFFICE})),
    Channel.OFFICER: _api(Channel.OFFICER, IntakeMode.VISIT, REPORT_ROLES[Channel.OFFICER]),
    Channel.SUPERVISOR: _api(Channel.SUPERVISOR, IntakeMode.VISIT, REPORT_ROLES[Channel.SUPERVISOR]),
    Channel.ASSOCIATION: _api(Channel.ASSOCIATION, IntakeMode.ONLINE, frozenset({Role.BIZ_OFFICE})),
    Channel.CONDUCT: _api(Channel.CONDUCT, IntakeMode.ONLINE, frozenset({Role.CONDUCT_OFFICE})),
    Channel.API: _api(Channel.API, IntakeMode.SYSTEM, STAFF_ROLES),
}
# An enterprise user files through the API in the portal, for its own enterprise, as on the page.
API_OWN_PORTAL = replace(
    API_POLICIES[Channel.PORTAL],
    name="api_portal_own",
    enterprise=OWN,
    contact_default=FROM_ACCOUNT,
    submitter=True,
)


def can_file_at_counter(user: Any) -> bool:
    """Staff of a service site (政务服务场所), or any handler or unit head, file for a visitor."""
    return has_any_role(user, {Role.ADMIN, Role.HANDLER, Role.UNIT_HEAD}) or works_at_service_site(user)


def may_file(policy: ChannelPolicy, user: Any) -> bool:
    """Whether `user` may file in the way `policy` describes (visitors are checked by their SMS
    confirmation instead)."""
    if policy.filers == AT_COUNTER:
        return can_file_at_counter(user)
    if policy.filers in (VERIFIED_VISITOR, KEYED_CALLER):
        return True
    return has_any_role(user, set(policy.roles) | {Role.ADMIN})


def report_channels(user: Any) -> list[str]:
    """The report channels `user` may file in (officers' visits, supervisors' reports)."""
    return [c for c, policy in REPORT_POLICIES.items() if may_file(policy, user)]


def allowed_api_channels(user: Any) -> list[str]:
    """The channels `user` may file in through the API."""
    return [c for c, policy in API_POLICIES.items() if may_file(policy, user)]


def api_policy(user: Any, channel: str | None) -> ChannelPolicy:
    """The policy of an API caller's channel: the one named, or by default the portal for an
    enterprise user and "api" for integrations. Whether the caller may use it is checked at intake."""
    is_enterprise = has_any_role(user, {Role.ENTERPRISE}) and not has_any_role(user, STAFF_ROLES)
    channel = channel or (Channel.PORTAL if is_enterprise else Channel.API)
    if channel not in API_POLICIES:
        raise ValidationFailed(
            f"未知的渠道：{channel}", code="invalid_channel", details={"fields": {"channel": "未知的渠道"}}
        )
    if channel == Channel.PORTAL and is_enterprise:
        return API_OWN_PORTAL
    return API_POLICIES[channel]


def admit(policy: ChannelPolicy, user: Any) -> None:
    """Refuse (403) a user who may not file in this way."""
    if not may_file(policy, user):
        raise PermissionDenied(policy.refusal, code=policy.refusal_code or None)


def intake_mode_for(policy: ChannelPolicy, requested: str | None) -> str:
    """The intake mode of one intake: the one requested if the channel allows it, else the default
    or a refusal, as the channel says; the default when none is requested."""
    mode = policy.default_mode if requested is None else requested
    if mode in policy.modes:
        return mode
    if policy.other_modes == DEFAULT:
        return policy.default_mode
    raise ValidationFailed(
        "受理方式无效", code="invalid_intake_mode", details={"fields": {"intake_mode": "受理方式无效"}}
    )


def intake_unit_for(policy: ChannelPolicy, user: Any) -> int | None:
    """The unit recorded as having taken the case in."""
    if policy.intake_unit == UNIT_OF_FILER:
        return user.unit_id
    if policy.intake_unit == UNIT_OF_STAFF and has_any_role(user, STAFF_ROLES):
        return user.unit_id
    return None


def submitter_for(policy: ChannelPolicy, user: Any) -> Any:
    """The account recorded as the case's submitter (an enterprise user filing itself), or None."""
    return user if policy.submitter else None
