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
    "account.created": "新建账号",
    "account.updated": "修改账号",
    "account.activated": "启用账号",
    "account.deactivated": "停用账号",
    "account.password_changed": "修改密码",
    "account.password_reset": "重置密码",
    "account.second_factor_started": "开始绑定身份验证器",
    "account.second_factor_enrolled": "绑定身份验证器",
    "account.second_factor_verified": "通过二次验证",
    "account.second_factor_reset": "重置身份验证器",
    "token.created": "创建接口令牌",
    "token.revoked": "吊销接口令牌",
    "audit.anchor": "审计链锚定",
    "org.region.created": "新增行政区划",
    "org.region.updated": "修改行政区划",
    "org.region.activated": "启用行政区划",
    "org.region.deactivated": "停用行政区划",
    "org.unit.created": "新增单位",
    "org.unit.updated": "修改单位",
    "org.unit.activated": "启用单位",
    "org.unit.deactivated": "停用单位",
    "enterprise.create": "新增企业",
    "enterprise.update": "修改企业信息",
    "enterprise.deactivate": "停用企业",
    "enterprise.reactivate": "恢复企业",
    "enterprise.update_liaison": "修改工作联络员",
    "enterprise.import": "导入企业",
    "enterprise.import_cancel": "取消企业导入",
    "enterprise.export": "导出企业名录",
    "demo.loaded": "载入示范数据",
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
