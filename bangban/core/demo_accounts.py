"""The demo city's accounts, one per role (created by `load_demo_city`)."""

from __future__ import annotations

DEMO_PASSWORD = "Bangban@2024"

# username, full name, roles, unit code (from bangban.org.demo_data), rank, enterprise index or None
DEMO_ACCOUNTS: list[dict] = []


def demo_account_lines() -> list[str]:
    lines = [f"{a['username']:<14} {a['label']}" for a in DEMO_ACCOUNTS]
    lines.append(f"密码：{DEMO_PASSWORD}")
    return lines
