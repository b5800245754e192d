"""Helpers for the intake, routing and configuration tests: the people who file cases beyond the
`cases` cast, real files of every accepted type (and impostors), and a category by its path."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.conftest import make_user
from bangban.org.models import Unit, UnitType
from bangban.tickets.models import Category

from .conftest import Cases


@dataclass
class Filers:
    """People who file cases: a window officer at 沭阳县政务服务中心, the mayor's office, a service
    officer of 沭阳县, a volunteer supervisor and an administrator."""

    site: Unit
    site_staff: User
    mayor_office: User
    officer: User
    supervisor: User


def make_filers(cases: Cases) -> Filers:
    w = cases.world
    site = Unit.objects.create(
        code="site-shuyang",
        name="沭阳县政务服务中心",
        short_name="沭阳县政务服务中心",
        type=UnitType.SERVICE_SITE,
        site_level="county",
        region=w.shuyang,
    )
    gov_office = Unit.objects.create(
        code="city-gov-office",
        name="宿迁市人民政府办公室",
        short_name="市政府办公室",
        type=UnitType.CITY_DEPARTMENT,
        region=w.city,
    )
    return Filers(
        site=site,
        site_staff=make_user("window_sy", Role.HANDLER, unit=site, full_name="窗口工作人员"),
        mayor_office=make_user("mayor_office", Role.MAYOR_OFFICE, unit=gov_office, full_name="市长信箱专人"),
        officer=make_user("officer_sy", Role.SERVICE_OFFICER, unit=w.shuyang_gov, full_name="沭阳帮办专员"),
        supervisor=make_user("supervisor", Role.VOLUNTEER_SUPERVISOR, full_name="营商环境监督员"),
    )


def category(path: str) -> Category:
    return Category.objects.get(path=path)


# --- files -------------------------------------------------------------------------------------


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def jpeg_bytes() -> bytes:
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
    )


def gif_bytes() -> bytes:
    return b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def webp_bytes() -> bytes:
    body = b"WEBPVP8 " + struct.pack("<I", 10) + b"\x00" * 10
    return b"RIFF" + struct.pack("<I", len(body)) + body


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _office(main_part: str, content_type: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="{main_part}" ContentType="{content_type}"/>'
            "</Types>",
        )
        archive.writestr(main_part.lstrip("/"), "<x/>")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return _office(
        "/word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    )


def xlsx_bytes() -> bytes:
    return _office(
        "/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    )


def docm_bytes() -> bytes:
    return _office("/word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def received_sms_code(phone: str) -> str:
    """The latest code as the phone received it: the SMS waiting in the outbox for `phone` are
    delivered (the outbox itself shows only a placeholder for a code) and the code is read from
    what the test SMS backend sent."""
    import re

    from bangban.notifications import backends
    from bangban.notifications.delivery import deliver
    from bangban.notifications.models import OutboxMessage

    for message in OutboxMessage.objects.filter(channel="sms", address=phone, status="pending").order_by(
        "id"
    ):
        deliver(message.pk, message.next_attempt_at)
    bodies = [m.body for m in backends.sent if m.channel == "sms" and m.address == phone]
    assert bodies, f"no SMS was sent to {phone}"
    found = re.search(r"\d{6}", bodies[-1])
    assert found is not None
    return found.group(0)
