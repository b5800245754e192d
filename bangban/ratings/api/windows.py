"""`/ratings/windows`, `/devices`: service windows and their rating devices."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import InvalidTransition
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from .. import access, actions
from ..models import RatingDevice, Window
from ._common import router


class WindowIn(Schema):
    site_id: int = Field(description="政务服务场所（单位）ID")
    code: str = Field(description="窗口编号")
    name: str = Field(description="窗口名称")


def window_out(w: Window) -> dict[str, Any]:
    return {"id": w.pk, "site_id": w.site_id, "code": w.code, "name": w.name, "is_active": w.is_active,
            "qr_key": w.public_key}  # fmt: skip


@router.get("/windows", response=answers(Page[dict[str, Any]]), summary="窗口列表（分页）")
def list_windows(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return page_body(access.visible_windows(request.user), query, out=window_out)


@router.post(
    "/windows",
    response=answers(
        {201: dict},
        "site_invalid",
        "site_unknown",
        "code_required",
        "name_required",
        "too_long",
        (409, "window_exists"),
    ),
    summary="登记窗口",
)
def create_window(request: AuthedHttpRequest, payload: WindowIn) -> Any:
    window = actions.do_create_window(acting_user=request.user, site_id=payload.site_id, code=payload.code,
                                      name=payload.name)  # fmt: skip
    return Status(201, window_out(window))


class DeviceIn(Schema):
    site_id: int = Field(description="政务服务场所（单位）ID")
    name: str = Field(description="设备名称")
    window_id: int | None = Field(None, description="默认窗口ID")
    reversed_codes: bool = Field(False, description="设备按省级接口计分（1=非常不满意）")


@router.post(
    "/devices",
    response=answers(
        {201: dict}, "site_invalid", "site_unknown", "name_required", "too_long", "window_unknown"
    ),
    summary="登记评价器（密钥只返回这一次）",
)
def create_device(request: AuthedHttpRequest, payload: DeviceIn) -> Any:
    device, raw = actions.do_create_device(acting_user=request.user, site_id=payload.site_id, name=payload.name,
                                           window_id=payload.window_id, reversed_codes=payload.reversed_codes)  # fmt: skip
    return Status(201, {"id": device.pk, "key": raw, "key_prefix": device.key_prefix})


@router.post(
    "/devices/{device_id}/revoke",
    response=answers(dict, InvalidTransition, (409, "device_revoked")),
    summary="吊销评价器密钥",
)
def revoke_device(request: AuthedHttpRequest, device_id: int) -> dict[str, Any]:
    device: RatingDevice = actions.do_revoke_device(acting_user=request.user, device_id=device_id)
    return {"id": device.pk, "revoked_at": device.revoked_at or timezone.now()}
