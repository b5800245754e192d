"""The header entry of the answer knowledge base (`KnowledgeConfig.nav`): after the case system's
登记诉求 (15), for everyone who reads it."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from . import access

NAV: list[NavItem] = [NavItem("答复知识库", "knowledge:list", lambda u: access.is_reader(u), order=16)]
