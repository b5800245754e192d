"""Loads the demo city. Filled in by the org/enterprise seeding module."""

from __future__ import annotations


def load_demo_city() -> list[str]:
    return []
