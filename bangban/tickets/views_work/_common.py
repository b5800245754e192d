"""Helpers the case pages share."""

from __future__ import annotations

from django.urls import reverse


def _intake_url() -> str:
    """The enterprise's form to file a new case (the intake pages)."""
    return reverse("tickets:intake_new")
