"""随手拍 and the complaint phone (R7.3) — the rules, no queries: the files a 随手拍 may carry (limits
from settings), the two ways a report comes in as a 作风直通车 case (intake policies), the event
kinds its timeline shows, and who may know the complainant (`tickets.access.complainant_hidden`).

Settings (defaults in brackets): `BANGBAN_SNAP_IMAGE_MAX_BYTES` [10 MB] per photo (JPEG, PNG, WebP,
HEIC), `BANGBAN_SNAP_VIDEO_MAX_BYTES` [20 MB] per short video (MP4, MOV), `BANGBAN_SNAP_MAX_FILES`
[6] per report. Every file is recognised by its content, not its name (`tickets.attachments.sniff`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings

from bangban.accounts.roles import Role
from bangban.tickets.attachments import ALLOWED_KINDS, MEDIA_KINDS, CheckedFile, check_files
from bangban.tickets.intake.channels import (
    DEFAULT,
    KEY_PHONE,
    PUBLIC,
    PUBLIC_CAPS,
    UNIT_OF_FILER,
    VERIFIED_VISITOR,
    ChannelPolicy,
)
from bangban.tickets.models import Channel, IntakeMode

from .models import SnapCategory

MB = 1024 * 1024
IMAGE_CODES = ("jpeg", "png", "webp", "heic")
VIDEO_CODES = ("mp4", "mov")
SNAP_KINDS = {code: {**ALLOWED_KINDS, **MEDIA_KINDS}[code] for code in (*IMAGE_CODES, *VIDEO_CODES)}
SNAP_ALLOWED_TEXT = "照片（JPG、PNG、WebP、HEIC）或短视频（MP4、MOV）"


def snap_limits() -> dict[str, int]:
    return {
        "image_bytes": int(getattr(settings, "BANGBAN_SNAP_IMAGE_MAX_BYTES", 10 * MB)),
        "video_bytes": int(getattr(settings, "BANGBAN_SNAP_VIDEO_MAX_BYTES", 20 * MB)),
        "files": int(getattr(settings, "BANGBAN_SNAP_MAX_FILES", 6)),
    }


def check_snap_files(uploads: Sequence[Any]) -> list[CheckedFile]:
    """The photos and videos of one report, checked by content, size per kind and count:
    `attachment_type_not_allowed`, `attachment_type_mismatch`, `attachment_too_large`,
    `attachment_too_many`, `attachment_empty`."""
    limits = snap_limits()
    by_kind = {code: limits["image_bytes"] for code in IMAGE_CODES}
    by_kind.update({code: limits["video_bytes"] for code in VIDEO_CODES})
    return check_files(
        list(uploads),
        max_files=limits["files"],
        max_bytes=limits["image_bytes"],
        kinds=SNAP_KINDS,
        max_bytes_by_kind=by_kind,
        allowed_text=SNAP_ALLOWED_TEXT,
    )


# A visitor with an SMS-confirmed number (the mayor column's verification, reused), no account.
SNAP_POLICY = ChannelPolicy(
    name="conduct_snap",
    channel=Channel.CONDUCT,
    modes=(IntakeMode.ONLINE,),
    other_modes=DEFAULT,
    filers=VERIFIED_VISITOR,
    enterprise=PUBLIC,
    key_owner=KEY_PHONE,
    daily_caps=PUBLIC_CAPS,
)
# 作风办 staff register a call to the complaint phone.
PHONE_POLICY = ChannelPolicy(
    name="conduct_phone",
    channel=Channel.CONDUCT,
    modes=(IntakeMode.PHONE,),
    other_modes=DEFAULT,
    roles=frozenset({Role.CONDUCT_OFFICE}),
    refusal="只有作风办可以登记投诉电话",
    required=frozenset({"contact_phone"}),
    enterprise=PUBLIC,
    intake_unit=UNIT_OF_FILER,
)

CATEGORY_HELP = {
    SnapCategory.BREACH: "承诺不兑现、合同不履行、新官不理旧账",
    SnapCategory.BUCK_PASSING: "部门之间、上下之间推来推去，事情没人管",
    SnapCategory.PERFUNCTORY: "办事拖拉、应付了事、只表态不落实",
    SnapCategory.POLICY_DISCOUNT: "惠企政策不兑现、打折扣、设门槛",
}

# The case timeline's entries written by the conduct office (`tickets.events.register_event_kinds`).
EVENT_KINDS = {
    "conduct_snap_verify": "作风办开始核实",
    "conduct_snap_investigate": "作风办转入查处",
    "conduct_snap_dismiss": "作风办核实不属实",
    "conduct_snap_conclude": "作风办查处办结",
    "conduct_snap_publish": "作风办曝光典型案例",
}
