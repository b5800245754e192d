from __future__ import annotations

from .access import visible_enterprises

__all__ = ["visible_enterprises"]
