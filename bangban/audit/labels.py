"""Readable names for audit actions and for the personal-data keys that are masked when shown.
Pure: no ORM. Apps may add their actions' labels with `register_action_labels`."""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    "account.login": "登录",
    "account.logout": "退出登录",
    "account.login_failed": "登录失败",
    "account.locked": "账号锁定",
    "account.unlocked": "账号解锁",
    "audit.export": "导出审计日志",
    "audit.verify": "校验哈希链",
    "personal_data.view": "查看个人信息",
    "notifications.retry": "重发失败消息",
}

SOURCE_LABELS: dict[str, str] = {
    "web": "网页",
    "api": "接口",
    "command": "命令行",
    "task": "后台任务",
    "system": "系统",
}


def register_action_labels(labels: dict[str, str]) -> None:
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, "")


PHONE_KEYS = ("phone", "mobile", "tel")
ID_NUMBER_KEYS = ("id_number", "id_card", "idcard")


def personal_kind(key: str) -> str | None:
    """'phone' or 'id_number' for keys holding protected personal data, else None."""
    lowered = key.lower()
    if any(part in lowered for part in ID_NUMBER_KEYS):
        return "id_number"
    if any(part in lowered for part in PHONE_KEYS):
        return "phone"
    return None
