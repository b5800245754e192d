"""What the 随手拍 tests share: fake photos and videos (the bytes their type is recognised by), a
visitor confirming a number by SMS, a report filed, and clients signed in by token."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from bangban.accounts.actions import do_create_token
from bangban.conduct.actions import SnapInput, do_submit_snap
from bangban.tickets.intake import do_send_phone_code, do_verify_phone_code
from bangban.tickets.privacy import NOTICE_VERSION
from bangban.tickets.tests.intake_helpers import received_sms_code

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 400
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 400
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + b"\x00" * 400
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00" + b"\x00" * 400
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 400
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 400


def photo(
    name: str = "现场.jpg", content: bytes = JPEG, content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def video(name: str = "视频.mp4", size: int = 0, content_type: str = "video/mp4") -> SimpleUploadedFile:
    content = MP4 if size <= len(MP4) else MP4 + b"\x00" * (size - len(MP4))
    return SimpleUploadedFile(name, content, content_type=content_type)


def verify_phone(phone: str) -> int:
    """Send a code to `phone`, read it as the phone did and confirm it: the verification id."""
    do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=phone, ip="127.0.0.9")
    return do_verify_phone_code(phone=phone, code=received_sms_code(phone), ip="127.0.0.9").pk


def file_snap(phone: str, *, files: tuple[Any, ...] = (), **fields: Any) -> Any:
    data = {"category": "buck_passing", "content": "办理厂房验收，两个科室互相推诿，三次上门无人受理。"}
    data.update(fields)
    return do_submit_snap(
        verification_id=verify_phone(phone),
        phone=phone,
        data=SnapInput(**data),
        attachments=list(files),
        ip="127.0.0.9",
        now=timezone.now(),
    )


def token_client(admin: Any, user: Any) -> Client:
    _token, raw = do_create_token(acting_user=admin, user_id=user.pk, name="对接系统")
    return Client(headers={"Authorization": f"Bearer {raw}"})
