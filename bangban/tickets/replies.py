"""The structured reply (答复): its 办理结果, the contact record and its files — checked here for the
case page and the API alike (`actions.do_submit_reply` is the one writer), and cut here to what a
reader may see.

A new reply needs:
- a result (`ReplyResult`: resolved 已解决 / partial 部分解决 / explained 解释说明);
- the reply text (≤ 5000 characters);
- the contact record: how the enterprise was contacted (`ContactMethod`), when (not later than
  now, not before the case was received — compared to the minute, as a form gives it) and with
  whom (the contact person, ≤ 50 characters); "other" needs a word on the contact in the note
  (沟通情况, ≤ 500 characters, internal);
- optionally files, checked like the case's own (`attachments.check_files`: content, size, at most
  `BANGBAN_ATTACHMENT_MAX_FILES` per reply), and the files of the reply the head sent back that the
  handler keeps.

Every problem is reported at once: `ValidationFailed` with the first problem's stable code, all
messages, and `details = {"fields": {field: message}, "codes": {field: code}}`.

Codes: `result_required`, `result_invalid`, `content_required`, `too_long` (the text),
`contact_method_required`, `contact_method_invalid`, `contacted_at_required`,
`contacted_at_invalid`, `contact_person_required`, `contact_person_too_long`,
`contact_note_required`, `contact_note_too_long`, `attachment_keep_invalid` and the attachment
codes (`attachment_too_many`, `attachment_too_large`, `attachment_type_not_allowed`,
`attachment_type_mismatch`, `attachment_empty`).

Who sees what: the enterprise sees an approved reply's result, text and files (the files become
public when the head approves the reply); the contact record and its note are for staff only — the
head reviewing the reply and the 12345 follow-up (回访) that checks it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from bangban.core.errors import ApplicationError, ValidationFailed

from .attachments import CheckedFile, check_files, max_attachment_files, store_attachments
from .models import (
    Attachment,
    ContactMethod,
    Reply,
    ReplyResult,
    ReviewStatus,
    Ticket,
    Visibility,
)

MAX_CONTENT = 5000
MAX_CONTACT_PERSON = 50
MAX_CONTACT_NOTE = 500

RESULT_HELP = "、".join(f"{value} {label}" for value, label in ReplyResult.choices)
CONTACT_METHOD_HELP = "、".join(f"{value} {label}" for value, label in ContactMethod.choices)

# The codes `check_reply` may answer (the API documents them).
REPLY_ERRORS = (
    "result_required",
    "result_invalid",
    "content_required",
    "too_long",
    "contact_method_required",
    "contact_method_invalid",
    "contacted_at_required",
    "contacted_at_invalid",
    "contact_person_required",
    "contact_person_too_long",
    "contact_note_required",
    "contact_note_too_long",
    "attachment_keep_invalid",
    "attachment_too_many",
    "attachment_too_large",
    "attachment_type_not_allowed",
    "attachment_type_mismatch",
    "attachment_empty",
)


@dataclass
class CheckedReply:
    """A reply that passed every check, ready to be stored."""

    result: str
    content: str
    contact_method: str
    contacted_at: dt.datetime
    contact_person: str
    contact_note: str
    files: list[CheckedFile] = field(default_factory=list)
    kept: list[Attachment] = field(default_factory=list)

    def model_fields(self) -> dict[str, Any]:
        return {
            "result": self.result,
            "content": self.content,
            "contact_method": self.contact_method,
            "contacted_at": self.contacted_at,
            "contact_person": self.contact_person,
            "contact_note": self.contact_note,
        }


class _Problems:
    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.codes: dict[str, str] = {}

    def add(self, name: str, code: str, message: str) -> None:
        if name not in self.fields:
            self.fields[name] = message
            self.codes[name] = code

    def raise_any(self) -> None:
        if not self.fields:
            return
        first = next(iter(self.codes.values()))
        raise ValidationFailed(
            "；".join(self.fields.values()),
            code=first,
            details={"fields": dict(self.fields), "codes": dict(self.codes)},
        )


def _text(value: Any) -> str:
    return str(value if value is not None else "").strip()


def _moment(value: Any) -> dt.datetime | None:
    """A datetime from a form, the API (ISO 8601) or code; naive means local time (Asia/Shanghai)."""
    moment: dt.datetime | None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = _text(value)
        if not text:
            return None
        try:
            moment = parse_datetime(text.replace(" ", "T", 1))
        except ValueError:
            moment = None
        if moment is None:
            raise ValueError(text)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def _minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def returned_reply(ticket: Ticket) -> Reply | None:
    """The case's latest reply when the head sent it back (退回修改) and none was submitted since:
    the reply form starts from it (text, result, contact record, and its files to keep)."""
    latest = (
        Reply.objects.filter(ticket=ticket)
        .select_related("reviewed_by")
        .order_by("-drafted_at", "-id")
        .first()
    )
    return latest if latest is not None and latest.status == ReviewStatus.REJECTED else None


def check_reply(
    ticket: Ticket,
    *,
    result: Any,
    content: Any,
    contact_method: Any,
    contacted_at: Any,
    contact_person: Any,
    contact_note: Any = "",
    attachments: Sequence[Any] = (),
    keep_attachment_ids: Iterable[Any] = (),
    now: dt.datetime,
) -> CheckedReply:
    """Check a new reply of `ticket` (see the module's docstring); every problem at once."""
    problems = _Problems()

    result = _text(result)
    if not result:
        problems.add("result", "result_required", "请选择办理结果（已解决、部分解决或解释说明）")
    elif result not in ReplyResult.values:
        problems.add("result", "result_invalid", f"办理结果无效，应为：{RESULT_HELP}")

    content = _text(content)
    if not content:
        problems.add("content", "content_required", "请填写答复内容")
    elif len(content) > MAX_CONTENT:
        problems.add("content", "too_long", f"答复内容过长，最多 {MAX_CONTENT} 字")

    method = _text(contact_method)
    if not method:
        problems.add("contact_method", "contact_method_required", "请选择联系企业的方式")
    elif method not in ContactMethod.values:
        problems.add("contact_method", "contact_method_invalid", f"联系方式无效，应为：{CONTACT_METHOD_HELP}")

    moment: dt.datetime | None = None
    try:
        moment = _moment(contacted_at)
    except (TypeError, ValueError):
        problems.add("contacted_at", "contacted_at_invalid", "联系时间格式无效，应为“年-月-日 时:分”")
    else:
        if moment is None:
            problems.add("contacted_at", "contacted_at_required", "请填写联系企业的时间")
        elif moment > now:
            problems.add("contacted_at", "contacted_at_invalid", "联系时间不能晚于现在")
        elif moment < _minute(ticket.received_at):
            received = timezone.localtime(ticket.received_at).strftime("%Y-%m-%d %H:%M")
            problems.add(
                "contacted_at", "contacted_at_invalid", f"联系时间不能早于诉求受理时间（{received}）"
            )

    person = _text(contact_person)
    if not person:
        problems.add("contact_person", "contact_person_required", "请填写联系对象（企业联系人姓名）")
    elif len(person) > MAX_CONTACT_PERSON:
        problems.add(
            "contact_person", "contact_person_too_long", f"联系对象过长，最多 {MAX_CONTACT_PERSON} 字"
        )

    note = _text(contact_note)
    if len(note) > MAX_CONTACT_NOTE:
        problems.add("contact_note", "contact_note_too_long", f"沟通情况过长，最多 {MAX_CONTACT_NOTE} 字")
    elif method == ContactMethod.OTHER and not note:
        problems.add(
            "contact_note", "contact_note_required", "联系方式为“其他”时，请在沟通情况中说明如何联系"
        )

    kept: list[Attachment] = []
    files: list[CheckedFile] = []
    try:
        kept = kept_attachments(ticket, keep_attachment_ids)
        files = check_reply_files(attachments, already=len(kept))
    except ValidationFailed as exc:
        problems.add("attachments", exc.code, exc.message)

    problems.raise_any()
    assert moment is not None
    return CheckedReply(
        result=result,
        content=content,
        contact_method=method,
        contacted_at=moment,
        contact_person=person,
        contact_note=note,
        files=files,
        kept=kept,
    )


def kept_attachments(ticket: Ticket, ids: Iterable[Any]) -> list[Attachment]:
    """The files of the reply the head sent back that the handler keeps for the new one."""
    try:
        wanted = list(dict.fromkeys(int(i) for i in ids or () if str(i).strip()))
    except (TypeError, ValueError):
        raise ValidationFailed("要保留的附件编号无效", code="attachment_keep_invalid") from None
    if not wanted:
        return []
    returned = returned_reply(ticket)
    found = {a.pk: a for a in Attachment.objects.filter(reply=returned, pk__in=wanted)} if returned else {}
    if len(found) != len(wanted):
        raise ValidationFailed("只能保留上次被退回的答复中的附件", code="attachment_keep_invalid")
    return [found[i] for i in wanted]


def check_reply_files(uploads: Sequence[Any], *, already: int = 0) -> list[CheckedFile]:
    """The reply's new files, checked like a case's (content, size), at most
    `BANGBAN_ATTACHMENT_MAX_FILES` per reply (`already`: the files kept from the returned one)."""
    uploads = [u for u in uploads or () if u is not None]
    if not uploads:
        return []
    return check_files(uploads, already=already, max_files=max_attachment_files(), per="每份答复")


def store_reply_files(reply: Reply, checked: CheckedReply, *, uploaded_by: Any) -> list[Attachment]:
    """Store the reply's files (internal until the reply is approved); a kept file of the returned
    reply becomes a new row of this reply pointing at the same stored file."""
    stored: list[Attachment] = []
    for old in checked.kept:
        stored.append(
            Attachment.objects.create(
                ticket_id=reply.ticket_id,
                reply=reply,
                file=old.file.name,
                original_name=old.original_name,
                content_type=old.content_type,
                size=old.size,
                sha256=old.sha256,
                uploaded_by=old.uploaded_by,
                visibility=Visibility.INTERNAL,
            )
        )
    stored += store_attachments(
        reply.ticket, checked.files, uploaded_by=uploaded_by, visibility=Visibility.INTERNAL, reply=reply
    )
    return stored


def publish_reply_files(reply: Reply) -> int:
    """The head approved the reply: its files become visible to the enterprise."""
    return Attachment.objects.filter(reply=reply).update(visibility=Visibility.PUBLIC)


def form_problems(exc: ApplicationError) -> dict[str, str]:
    """The per-field messages of a refused reply (for the form), or {}."""
    details = exc.details if isinstance(exc.details, dict) else {}
    fields = details.get("fields")
    return dict(fields) if isinstance(fields, dict) else {}
