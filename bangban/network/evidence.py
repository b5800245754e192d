"""Evidence of a visit (R4.2): photos taken on the spot and where the visit took place.

Photos: JPEG, PNG, WebP or HEIC, recognised by their content, not their name
(`tickets.attachments.check_files`); at most `BANGBAN_VISIT_PHOTO_MAX_FILES` [6] per contact, each
at most `BANGBAN_VISIT_PHOTO_MAX_BYTES` [10 MB]. Refusals: `attachment_type_not_allowed`,
`attachment_type_mismatch`, `attachment_too_large`, `attachment_too_many`, `attachment_empty`.

Location (optional): latitude −90…90 and longitude −180…180 (both or neither), the accuracy the
phone reported in metres (0…100,000), and the place in words (地点, ≤ 200 characters). Refusals:
`location_incomplete`, `latitude_invalid`, `longitude_invalid`, `accuracy_invalid`, `place_too_long`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File

from bangban.tickets.attachments import KNOWN_KINDS, CheckedFile, check_files

from .models import Contact, ContactPhoto

MB = 1024 * 1024
PHOTO_CODES = ("jpeg", "png", "webp", "heic")
PHOTO_KINDS = {code: KNOWN_KINDS[code] for code in PHOTO_CODES}
PHOTO_ALLOWED_TEXT = "照片（JPG、PNG、WebP、HEIC）"
PHOTO_ACCEPT = "image/*"
# Shown in the browser (thumbnails); HEIC is downloaded instead.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
PLACE_MAX = 200
ACCURACY_MAX = 100_000
PHOTO_ERRORS = (
    "attachment_type_not_allowed",
    "attachment_type_mismatch",
    "attachment_too_large",
    "attachment_too_many",
    "attachment_empty",
)
LOCATION_ERRORS = (
    "location_incomplete",
    "latitude_invalid",
    "longitude_invalid",
    "accuracy_invalid",
    "place_too_long",
)


def photo_limits() -> dict[str, int]:
    return {
        "bytes": int(getattr(settings, "BANGBAN_VISIT_PHOTO_MAX_BYTES", 10 * MB)),
        "files": int(getattr(settings, "BANGBAN_VISIT_PHOTO_MAX_FILES", 6)),
    }


def check_photos(uploads: Sequence[Any], *, already: int = 0) -> list[CheckedFile]:
    """The photos of one contact, checked by content, size and count (`already`: photos it has)."""
    uploads = [u for u in uploads or () if u is not None]
    if not uploads:
        return []
    limits = photo_limits()
    return check_files(
        uploads,
        already=already,
        max_files=limits["files"],
        max_bytes=limits["bytes"],
        kinds=PHOTO_KINDS,
        allowed_text=PHOTO_ALLOWED_TEXT,
        per="每条走访记录",
    )


def _number(value: Any) -> Decimal | None:
    """A number from a form or the API; empty is None; anything else raises ValueError."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not number.is_finite():
        raise ValueError(text)
    return number


def clean_location(latitude: Any, longitude: Any, accuracy: Any, place: Any, add: Any) -> dict[str, Any]:
    """The location fields of a contact, checked; each problem goes to `add(field, code, message)`."""
    out: dict[str, Any] = {"latitude": None, "longitude": None, "location_accuracy": None}
    values: dict[str, Decimal | None] = {}
    for name, raw, low, high, label in (
        ("latitude", latitude, -90, 90, "纬度"),
        ("longitude", longitude, -180, 180, "经度"),
    ):
        try:
            number = _number(raw)
        except ValueError:
            add(name, f"{name}_invalid", f"{label}应为数字")
            continue
        if number is not None and not (low <= number <= high):
            add(name, f"{name}_invalid", f"{label}应在 {low} 到 {high} 之间")
            continue
        values[name] = number
    lat, lon = values.get("latitude"), values.get("longitude")
    if len(values) == 2 and (lat is None) != (lon is None):
        add("latitude", "location_incomplete", "位置须同时有纬度和经度，请重新获取位置")
    elif lat is not None and lon is not None:
        step = Decimal("0.000001")
        out["latitude"] = lat.quantize(step, rounding=ROUND_HALF_UP)
        out["longitude"] = lon.quantize(step, rounding=ROUND_HALF_UP)
    try:
        acc = _number(accuracy)
    except ValueError:
        add("location_accuracy", "accuracy_invalid", "定位精度应为数字（米）")
    else:
        if acc is not None:
            if not (0 <= acc <= ACCURACY_MAX):
                add("location_accuracy", "accuracy_invalid", f"定位精度应在 0 到 {ACCURACY_MAX} 米之间")
            elif out["latitude"] is not None:
                out["location_accuracy"] = int(acc.to_integral_value(rounding=ROUND_HALF_UP))
    text = str(place if place is not None else "").strip()
    if len(text) > PLACE_MAX:
        add("place", "place_too_long", f"地点不能超过 {PLACE_MAX} 个字")
    out["place"] = text
    return out


def store_photos(contact: Contact, files: Iterable[CheckedFile], *, uploaded_by: Any) -> list[ContactPhoto]:
    """Save checked photos under a random name (the original name is kept for display); call inside
    the transaction that writes the contact."""
    stored: list[ContactPhoto] = []
    for checked in files:
        photo = ContactPhoto(
            contact=contact,
            original_name=checked.name,
            content_type=checked.kind.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=uploaded_by,
        )
        upload = checked.upload
        content: File = upload if isinstance(upload, File) else ContentFile(_read_all(upload))
        photo.file.save(f"{uuid.uuid4().hex}{checked.extension}", content, save=False)
        photo.save()
        stored.append(photo)
    return stored


def _read_all(upload: Any) -> bytes:
    fileobj = getattr(upload, "file", upload)
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    return data
