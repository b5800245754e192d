"""How events read on the page and in the export: before/after as a table of changed fields with
the model's own field names, personal data masked unless shown deliberately."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps

from bangban.accounts.access import mask_id_number, mask_phone

from .labels import action_label, personal_kind


@dataclass
class DiffRow:
    key: str
    label: str
    before: str
    after: str
    changed: bool
    personal: bool


def field_labels(object_type: str) -> dict[str, str]:
    """attname → verbose name for a model label such as "accounts.user" (empty if unknown)."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    labels = {}
    for f in model._meta.concrete_fields:
        labels[f.attname] = str(f.verbose_name)
        labels[f.name] = str(f.verbose_name)
    return labels


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _mask(key: str, value: Any) -> Any:
    kind = personal_kind(key)
    if kind is None or not isinstance(value, str):
        return value
    return mask_phone(value) if kind == "phone" else mask_id_number(value)


def has_personal_data(*sides: Any) -> bool:
    return any(
        isinstance(side, dict) and any(personal_kind(k) and side.get(k) for k in side) for side in sides
    )


def masked(value: Any) -> Any:
    """A before/after value with personal data masked (dicts only; other values as they are)."""
    if not isinstance(value, dict):
        return value
    return {k: _mask(k, v) for k, v in value.items()}


def diff_rows(object_type: str, before: Any, after: Any, *, unmask: bool = False) -> list[DiffRow]:
    """One row per key of either side; a side that is not a dict is shown as a single row."""
    if not isinstance(before, dict | type(None)) or not isinstance(after, dict | type(None)):
        return [DiffRow("", "值", _text(before), _text(after), before != after, False)]
    before = before or {}
    after = after or {}
    labels = field_labels(object_type)
    rows = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        personal = personal_kind(key) is not None
        if personal and not unmask:
            b, a = _mask(key, b), _mask(key, a)
        rows.append(
            DiffRow(
                key=key,
                label=labels.get(key, key),
                before=_text(b) if key in before else "",
                after=_text(a) if key in after else "",
                changed=before.get(key) != after.get(key),
                personal=personal,
            )
        )
    return rows


def describe_action(action: str) -> str:
    """What a page shows for an action: its Chinese label (every action has one:
    bangban/shell/tests/test_labels.py); the internal name only for one nobody named."""
    return action_label(action) or action
