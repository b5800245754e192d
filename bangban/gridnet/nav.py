"""Header entry of the 一张网 connector's ledger."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from .actions import can_see_ledger

NAV: list[NavItem] = [NavItem("一张网工单", "gridnet:ledger", can_see_ledger, order=190, admin=True)]
