"""Every change of the answer knowledge base. Each `do_*` checks who acts, validates with a Chinese
message and a stable code, runs in one transaction that locks the entry it changes, compares the
version the keeper read, and records one audit event.

Citing an entry (`do_record_use`, when a hotline agent inserts its answer into a 直接答复) only
counts: it records no audit event — the answer itself is kept with the case it closed, whose own
events say who answered what — and it does not change the entry's version, so an agent's citation
never makes a keeper's open edit stale."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import Conflict, ValidationFailed
from bangban.core.input_guard import MESSAGE as FORBIDDEN_MESSAGE
from bangban.core.input_guard import has_forbidden_characters
from bangban.core.kit import durable_action

from . import workflow
from .access import parse_id, require_keeper, visible_entries
from .models import ANSWER_MAX, AREA_MAX, BASIS_MAX, KEYWORDS_MAX, QUESTION_MAX, Entry, EntryStatus

ACTION_LABELS = {
    "knowledge.entry_create": "新增答复知识条目",
    "knowledge.entry_update": "修改答复知识条目",
    "knowledge.entry_retire": "停用答复知识条目",
    "knowledge.entry_restore": "恢复答复知识条目",
    "knowledge.export": "导出答复知识库",
}

# field → (label, limit, required)
FIELDS: dict[str, tuple[str, int, bool]] = {
    "question": ("问题", QUESTION_MAX, True),
    "answer": ("标准答复", ANSWER_MAX, True),
    "keywords": ("关键词", KEYWORDS_MAX, False),
    "basis": ("政策依据/来源", BASIS_MAX, False),
    "area": ("领域", AREA_MAX, False),
}
CONTENT = tuple(FIELDS)
SPACES = re.compile(r"\s+")


@dataclass
class EntryInput:
    question: Any = ""
    answer: Any = ""
    keywords: Any = ""
    basis: Any = ""
    area: Any = ""


def _clean(name: str, value: Any) -> str:
    label, limit, required = FIELDS[name]
    if value is not None and not isinstance(value, str | int | float):
        raise ValidationFailed(f"{label}应为文字", code=f"invalid_{name}", details={"field": name})
    text = str(value if value is not None else "")
    if has_forbidden_characters(text):
        raise ValidationFailed(FORBIDDEN_MESSAGE, code="invalid_characters", details={"field": name})
    # The answer keeps its lines; any other field is one line (runs of spaces become one space).
    text = text.replace("\r\n", "\n").strip() if name == "answer" else SPACES.sub(" ", text).strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code=f"{name}_required", details={"field": name})
    if len(text) > limit:
        raise ValidationFailed(
            f"{label}不能超过 {limit} 个字（现有 {len(text)} 个字）",
            code=f"{name}_too_long",
            details={"field": name},
        )
    return text


def clean_input(data: EntryInput) -> dict[str, str]:
    """The entry's fields as stored, or the first field's error."""
    return {name: _clean(name, getattr(data, name)) for name in CONTENT}


def _duplicate(question: str) -> ValidationFailed:
    return ValidationFailed(
        f"知识库中已有在用的同一问题“{question[:40]}”，请修改那一条，或换一种问法",
        code="question_duplicate",
        details={"field": "question"},
    )


def _check_unique(question: str, exclude: int | None = None) -> None:
    others = Entry.objects.filter(status=EntryStatus.ACTIVE, question=question)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise _duplicate(question)


def _save(entry: Entry, fields: list[str] | None = None) -> None:
    """Save, turning the database's refusal of a second active question (a concurrent keeper
    added it meanwhile) into the same `question_duplicate` as the check before."""
    try:
        with transaction.atomic():
            if fields is None:
                entry.save()
            else:
                kit.save_change(entry, fields)
    except IntegrityError as exc:
        raise _duplicate(entry.question) from exc


def _check_version(entry: Entry, expected: Any, *, required: bool = False) -> None:
    try:
        kit.check_version(entry, expected, what="知识条目", required=required)
    except Conflict as exc:
        raise Conflict(exc.message, code="version_conflict") from None


def _lock(user: User, entry_id: Any) -> Entry:
    return kit.lock(visible_entries(user), parse_id(entry_id))


@durable_action
def do_create_entry(*, acting_user: User, data: EntryInput, now: dt.datetime) -> Entry:
    require_keeper(acting_user)
    fields = clean_input(data)
    _check_unique(fields["question"])
    entry = Entry(created_by=acting_user, created_at=now, updated_by=acting_user, updated_at=now, **fields)
    _save(entry)
    record("knowledge.entry_create", actor=acting_user, obj=entry, after=fields)
    return entry


@durable_action
def do_update_entry(
    *, acting_user: User, entry_id: Any, data: EntryInput, expected_version: Any, now: dt.datetime
) -> Entry:
    """Edit an entry in use; the version the keeper read must be the entry's current one."""
    require_keeper(acting_user)
    entry = _lock(acting_user, entry_id)
    _check_version(entry, expected_version, required=True)
    workflow.ENTRY.check(entry.status, "update", message="该条目已停用，请先恢复再修改", code="entry_retired")
    fields = clean_input(data)
    before = {name: getattr(entry, name) for name in CONTENT if getattr(entry, name) != fields[name]}
    if not before:
        return entry
    _check_unique(fields["question"], exclude=entry.pk)
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.updated_by, entry.updated_at = acting_user, now
    _save(entry, [*before, "updated_by", "updated_at"])
    record(
        "knowledge.entry_update",
        actor=acting_user,
        obj=entry,
        before=before,
        after={name: fields[name] for name in before},
    )
    return entry


@durable_action
def do_retire_entry(
    *, acting_user: User, entry_id: Any, expected_version: Any = None, now: dt.datetime
) -> Entry:
    """Take an entry out of use: it leaves the default search and can no longer be cited."""
    require_keeper(acting_user)
    entry = _lock(acting_user, entry_id)
    _check_version(entry, expected_version)
    entry.status = workflow.ENTRY.check(
        entry.status, "retire", message="该条目已停用", code="already_retired"
    )
    entry.updated_by, entry.updated_at = acting_user, now
    kit.save_change(entry, ["status", "updated_by", "updated_at"])
    record(
        "knowledge.entry_retire",
        actor=acting_user,
        obj=entry,
        before={"status": EntryStatus.ACTIVE},
        after={"status": entry.status},
    )
    return entry


@durable_action
def do_restore_entry(
    *, acting_user: User, entry_id: Any, expected_version: Any = None, now: dt.datetime
) -> Entry:
    """Put a retired entry back in use, unless its question is in use again in another entry."""
    require_keeper(acting_user)
    entry = _lock(acting_user, entry_id)
    _check_version(entry, expected_version)
    entry.status = workflow.ENTRY.check(
        entry.status, "restore", message="该条目在用，无需恢复", code="not_retired"
    )
    _check_unique(entry.question, exclude=entry.pk)
    entry.updated_by, entry.updated_at = acting_user, now
    _save(entry, ["status", "updated_by", "updated_at"])
    record(
        "knowledge.entry_restore",
        actor=acting_user,
        obj=entry,
        before={"status": EntryStatus.RETIRED},
        after={"status": entry.status},
    )
    return entry


@durable_action
def do_record_use(*, acting_user: User, entry_id: Any) -> Entry:
    """Count one citation of an entry in use (no audit event, no new version: see the module)."""
    entry = kit.lock(visible_entries(acting_user), parse_id(entry_id))
    workflow.ENTRY.check(entry.status, "use", message="该条目已停用，不能引用", code="entry_retired")
    Entry.objects.filter(pk=entry.pk).update(use_count=F("use_count") + 1)
    entry.refresh_from_db(fields=["use_count"])
    return entry


@durable_action
def do_record_export(*, acting_user: User, count: int, filters: dict[str, str]) -> None:
    record(
        "knowledge.export",
        actor=acting_user,
        object_type="knowledge.export",
        object_repr="答复知识库",
        after={"count": count, **{k: v for k, v in filters.items() if v}},
    )


__all__ = [
    "ACTION_LABELS",
    "EntryInput",
    "do_create_entry",
    "do_record_export",
    "do_record_use",
    "do_restore_entry",
    "do_retire_entry",
    "do_update_entry",
]
