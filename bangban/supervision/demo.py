"""Demo data of supervision for `load_demo_city` (idempotent)."""

from __future__ import annotations


def load_demo() -> list[str]:
    """Create the demo records if missing; return lines for the console report."""
    return []
