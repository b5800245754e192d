"""Helpers the project actions share."""

from __future__ import annotations

from django.urls import reverse

from bangban.audit.actions import diff


def _link(name: str, pk: int) -> str:
    return reverse(f"outreach:{name}", args=[pk])


def _diff(before: dict, after: dict) -> tuple[dict, dict]:

    b, a = diff(before, after)
    return b or {}, a or {}
