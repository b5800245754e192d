"""Attachments of a case, checked by what they really are.

A file is accepted when all three agree: its extension, the type the browser or client declared,
and the type read from its first bytes (its "magic number"). Accepted types: JPEG, PNG, GIF, WebP
images, PDF, Word (.docx) and Excel (.xlsx) — the last two are ZIP packages recognised by the main
part named in their `[Content_Types].xml`, so a renamed .zip, a macro-enabled .docm/.xlsm or any
other archive is refused. Limits (defaults, configurable in settings):
`BANGBAN_ATTACHMENT_MAX_BYTES` = 10 MB per file, `BANGBAN_ATTACHMENT_MAX_FILES` = 5 per case (and
5 per reply: a reply's files, `replies.py`, do not count against the case's).

Refusals (stable codes, Chinese messages): `attachment_type_not_allowed` (an extension that is not
on the list), `attachment_type_mismatch` (a file posing as another type, e.g. a program renamed
`.jpg`), `attachment_too_large`, `attachment_too_many`, `attachment_empty`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.core.files.base import ContentFile, File

from bangban.core.errors import ValidationFailed
from bangban.core.xlsx import human_size

from .models import Attachment, Visibility

__all__ = [
    "ALLOWED_KINDS",
    "KNOWN_KINDS",
    "MEDIA_KINDS",
    "CheckedFile",
    "Kind",
    "check_file",
    "check_files",
    "max_attachment_bytes",
    "max_attachment_files",
    "sniff",
    "store_attachments",
]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_FILES = 5

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DOCX_MAIN = DOCX_TYPE + ".main+xml"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
# A client that does not know the type sends one of these; only the content then decides.
_GENERIC_TYPES = frozenset(
    {"", "application/octet-stream", "binary/octet-stream", "application/x-download", "application/unknown"}
)
# [Content_Types].xml of an Office file is a few KB; anything far larger is not one we accept.
_MAX_CONTENT_TYPES_BYTES = 512 * 1024


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]
    # Other spellings clients use for the same type.
    aliases: frozenset[str] = frozenset()

    def accepts_declared(self, declared: str) -> bool:
        declared = (declared or "").split(";", 1)[0].strip().lower()
        return declared in _GENERIC_TYPES or declared == self.content_type or declared in self.aliases


ALLOWED_KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("jpeg", "JPEG 图片", "image/jpeg", (".jpg", ".jpeg"), frozenset({"image/jpg", "image/pjpeg"})),
        Kind("png", "PNG 图片", "image/png", (".png",), frozenset({"image/x-png"})),
        Kind("gif", "GIF 图片", "image/gif", (".gif",)),
        Kind("webp", "WebP 图片", "image/webp", (".webp",)),
        Kind("pdf", "PDF 文档", "application/pdf", (".pdf",), frozenset({"application/x-pdf"})),
        Kind(
            "docx",
            "Word 文档（.docx）",
            DOCX_TYPE,
            (".docx",),
            frozenset({"application/zip", "application/x-zip-compressed"}),
        ),
        Kind(
            "xlsx",
            "Excel 表格（.xlsx）",
            XLSX_TYPE,
            (".xlsx",),
            frozenset({"application/zip", "application/x-zip-compressed"}),
        ),
    )
}
ALLOWED_TEXT = "图片（JPG、PNG、GIF、WebP）、PDF、Word（.docx）或 Excel（.xlsx）"

# Photos and short videos taken on a phone (the conduct office's 随手拍): not accepted on a case
# unless a caller names them in `check_files(kinds=...)`. All three are ISO media files, told apart
# by the brand of their `ftyp` box.
MEDIA_KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("heic", "HEIC 图片", "image/heic", (".heic", ".heif"), frozenset({"image/heif"})),
        Kind("mp4", "MP4 视频", "video/mp4", (".mp4", ".m4v"), frozenset({"video/x-m4v"})),
        Kind("mov", "MOV 视频", "video/quicktime", (".mov",)),
    )
}
KNOWN_KINDS: dict[str, Kind] = {**ALLOWED_KINDS, **MEDIA_KINDS}
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
_MP4_BRANDS = frozenset({b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "})


def max_attachment_bytes() -> int:
    return int(getattr(settings, "BANGBAN_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_attachment_files() -> int:
    return int(getattr(settings, "BANGBAN_ATTACHMENT_MAX_FILES", DEFAULT_MAX_FILES))


# --- what a file really is ----------------------------------------------------------------------


def _office_kind(fileobj: Any) -> str | None:
    """docx/xlsx from the main part declared in `[Content_Types].xml`, or None."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _MAX_CONTENT_TYPES_BYTES:
                return None
            xml = archive.read(info)
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, RuntimeError, NotImplementedError):
        return None
    finally:
        with contextlib.suppress(OSError, ValueError):
            fileobj.seek(0)
    try:
        # A small, size-checked file; expat refuses entity-expansion bombs.
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return None
    types = {
        (el.get("PartName") or "").lower(): (el.get("ContentType") or "").lower()
        for el in root
        if el.tag.endswith("Override")
    }
    if types.get("/word/document.xml") == _DOCX_MAIN:
        return "docx"
    if types.get("/xl/workbook.xml") == _XLSX_MAIN:
        return "xlsx"
    return None


def sniff(head: bytes, fileobj: Any = None) -> str | None:
    """The allowed kind the bytes are, or None. `head` is the first bytes of the file (≥ 1 KB is
    enough); `fileobj` (seekable) is needed only to look inside a ZIP package."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    # PDF readers accept the header anywhere in the first 1024 bytes.
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") and fileobj is not None:
        return _office_kind(fileobj)
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return "heic"
        if brand == b"qt  ":
            return "mov"
        if brand in _MP4_BRANDS:
            return "mp4"
    return None


# --- checking uploads ---------------------------------------------------------------------------


@dataclass
class CheckedFile:
    upload: Any
    name: str
    kind: Kind
    size: int
    sha256: str

    @property
    def extension(self) -> str:
        return self.kind.extensions[0]


def _clean_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    return (base or "附件")[:200]


def _read_head(upload: Any, length: int = 2048) -> bytes:
    fileobj = getattr(upload, "file", upload)
    fileobj.seek(0)
    head = fileobj.read(length)
    fileobj.seek(0)
    return head if isinstance(head, bytes) else bytes(head or b"")


def _digest(upload: Any) -> str:
    sha = hashlib.sha256()
    if hasattr(upload, "chunks"):
        for chunk in upload.chunks():
            sha.update(chunk)
    else:
        upload.seek(0)
        sha.update(upload.read())
    fileobj = getattr(upload, "file", upload)
    fileobj.seek(0)
    return sha.hexdigest()


def _reject(code: str, message: str, name: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"fields": {"attachments": message}, "file": name})


def check_file(
    upload: Any,
    *,
    max_bytes: int | None = None,
    kinds: dict[str, Kind] | None = None,
    max_bytes_by_kind: dict[str, int] | None = None,
    allowed_text: str = "",
) -> CheckedFile:
    """Check one uploaded file (a Django `UploadedFile` or any object with `name`, `size`,
    `content_type` and a seekable `file`). `kinds` narrows or widens the accepted types (default
    `ALLOWED_KINDS`); `max_bytes_by_kind` sets a limit per kind code (others: `max_bytes`)."""
    accepted = ALLOWED_KINDS if kinds is None else kinds
    by_kind = max_bytes_by_kind or {}
    limit = max_attachment_bytes() if max_bytes is None else max_bytes
    if by_kind:
        limit = max(limit, *by_kind.values())
    name = _clean_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    if size is None:
        fileobj = getattr(upload, "file", upload)
        fileobj.seek(0, os.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(0)
    if size > limit:
        raise _reject(
            "attachment_too_large",
            f"附件“{name}”大小为 {human_size(size)}，超过了单个文件 {human_size(limit)} 的上限",
            name,
        )
    if size == 0:
        raise _reject("attachment_empty", f"附件“{name}”是空文件", name)
    extension = os.path.splitext(name)[1].lower()
    expected = next((k for k in accepted.values() if extension in k.extensions), None)
    if expected is None:
        raise _reject(
            "attachment_type_not_allowed",
            f"不支持附件“{name}”的文件类型，只能上传{allowed_text or ALLOWED_TEXT}",
            name,
        )
    fileobj = getattr(upload, "file", upload)
    real = sniff(_read_head(upload), fileobj)
    if real != expected.code:
        actual = f"实际是{KNOWN_KINDS[real].label}" if real else "实际内容不是该类型"
        raise _reject(
            "attachment_type_mismatch",
            f"附件“{name}”的扩展名表明是{expected.label}，但{actual}，文件已被拒绝",
            name,
        )
    declared = getattr(upload, "content_type", "") or ""
    if not expected.accepts_declared(declared):
        raise _reject(
            "attachment_type_mismatch",
            f"附件“{name}”声明的类型（{declared[:60]}）与文件内容（{expected.label}）不符，文件已被拒绝",
            name,
        )
    own_limit = by_kind.get(expected.code)
    if own_limit is not None and size > own_limit:
        raise _reject(
            "attachment_too_large",
            f"{expected.label}“{name}”大小为 {human_size(size)}，超过了 {human_size(own_limit)} 的上限",
            name,
        )
    return CheckedFile(upload=upload, name=name, kind=expected, size=int(size), sha256=_digest(upload))


def check_files(
    uploads: Sequence[Any],
    *,
    already: int = 0,
    max_files: int | None = None,
    max_bytes: int | None = None,
    kinds: dict[str, Kind] | None = None,
    max_bytes_by_kind: dict[str, int] | None = None,
    allowed_text: str = "",
    per: str = "每件诉求",
) -> list[CheckedFile]:
    """Check a batch; `already` is the number of files the case has (the limit is per case — or
    per whatever `per` names, e.g. "每份答复" for the files of a reply)."""
    limit = max_attachment_files() if max_files is None else max_files
    uploads = [u for u in uploads if u is not None]
    if already + len(uploads) > limit:
        message = f"{per}最多上传 {limit} 个附件" + (f"（已有 {already} 个）" if already else "")
        raise ValidationFailed(
            message, code="attachment_too_many", details={"fields": {"attachments": message}}
        )
    return [
        check_file(
            u,
            max_bytes=max_bytes,
            kinds=kinds,
            max_bytes_by_kind=max_bytes_by_kind,
            allowed_text=allowed_text,
        )
        for u in uploads
    ]


def store_attachments(
    ticket: Any,
    files: Iterable[CheckedFile],
    *,
    uploaded_by: Any = None,
    visibility: str = "",
    reply: Any = None,
) -> list:
    """Save checked files under a random name (the original name is kept for display). Call inside
    the transaction that creates or changes the case. `reply`: the files belong to that reply."""

    created = []
    user = uploaded_by if getattr(uploaded_by, "pk", None) else None
    for checked in files:
        attachment = Attachment(
            ticket=ticket,
            original_name=checked.name,
            content_type=checked.kind.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=user,
            visibility=visibility or Visibility.PUBLIC,
            reply=reply,
        )
        upload = checked.upload
        content: File = upload if isinstance(upload, File) else ContentFile(_read_all(upload))
        attachment.file.save(f"{uuid.uuid4().hex}{checked.extension}", content, save=False)
        attachment.save()
        created.append(attachment)
    return created


def _read_all(upload: Any) -> bytes:
    fileobj = getattr(upload, "file", upload)
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    return data
