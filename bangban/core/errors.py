"""One error hierarchy for the whole product.

Every error a user can cause carries a stable machine `code` (for the API and integrations) and a
Chinese `message` (for people). They are translated in exactly two places: the API exception
handler (`bangban.core.api`) and the page helper (`bangban.core.views.error_response`).
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    code = "application_error"
    message = "操作失败"
    status = 400

    def __init__(self, message: str | None = None, *, code: str | None = None, details: Any = None) -> None:
        self.message = message or self.message
        if code:
            self.code = code
        self.details = details
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            data["details"] = self.details
        return data


class ValidationFailed(ApplicationError):
    code = "validation_error"
    message = "提交的内容有误"


class NotFound(ApplicationError):
    """Missing and forbidden look the same from outside: nobody learns what exists elsewhere."""

    code = "not_found"
    message = "未找到该记录，或您无权查看"
    status = 404


class PermissionDenied(ApplicationError):
    """For actions on an object the user may see but not change."""

    code = "permission_denied"
    message = "您没有执行此操作的权限"
    status = 403


class Conflict(ApplicationError):
    code = "conflict"
    message = "记录已被他人修改，请刷新后重试"
    status = 409


class InvalidTransition(ApplicationError):
    code = "invalid_transition"
    message = "当前状态下不能执行此操作"
    status = 409


class FileRejected(ApplicationError):
    code = "file_rejected"
    message = "上传的文件无法处理"


# What a page form must not re-render as if it were a correctable mistake: a refusal answers 403/404
# (`except REFUSALS: raise` before the form's own `except ApplicationError`).
REFUSALS = (NotFound, PermissionDenied)
