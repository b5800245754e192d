"""`/escalation/deputy-routes`: the 对口联系副秘书长 table (R8.2)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageNumber, PageSize, page_body

from .. import access, actions, queries
from ..models import DeputyRoute
from ._common import ERRORS, router


class RouteOut(Schema):
    id: int
    category_id: int = Field(description="诉求分类")
    category: str = Field(description="分类名称（含上级路径）")
    category_code: str = Field(description="分类编码")
    deputy_id: int = Field(description="对口联系副秘书长（用户编号）")
    deputy: str = Field(description="副秘书长姓名")
    deputy_active: bool = Field(description="副秘书长账号是否有效")


class RouteIn(Schema):
    category_id: int = Field(description="诉求分类（须存在且已启用，每个分类一条）")
    deputy_id: int = Field(description="对口联系副秘书长（须为具有副秘书长角色的有效账号）")


def _route(r: DeputyRoute) -> dict[str, Any]:
    return {
        "id": r.pk, "category_id": r.category_id, "category": r.category.path or r.category.name,
        "category_code": r.category.code, "deputy_id": r.deputy_id, "deputy": r.deputy.display_name,
        "deputy_active": r.deputy.is_active,
    }  # fmt: skip


def _route_user(request: HttpRequest) -> Any:
    if not access.can_view_routes(request.user):
        raise NotFound()
    return request.user


@router.get("/deputy-routes", response=answers(Page[RouteOut]), summary="对口联系副秘书长列表",
            description="q 按分类名称、编码或副秘书长姓名搜索；分页。")  # fmt: skip
def list_routes(request: HttpRequest, q: str = "", page: PageNumber = 1, size: PageSize = 50) -> Any:
    _route_user(request)
    return page_body(queries.deputy_routes(q), page, size, _route)


@router.get("/deputy-routes/{int:route_id}", response=answers(RouteOut), summary="对口配置详情")
def get_route(request: HttpRequest, route_id: int) -> Any:
    _route_user(request)
    route = DeputyRoute.objects.select_related("category", "deputy").filter(pk=route_id).first()
    if route is None:
        raise NotFound("该对口配置不存在或已删除")
    return _route(route)


@router.post("/deputy-routes", response=answers({201: RouteOut}, ERRORS), summary="添加对口联系副秘书长",
             description="副秘书长无效返回 400 reviewer_not_deputy；分类无效返回 400 category_invalid；"
                         "该分类已有配置返回 409 mapping_exists。")  # fmt: skip
def create_route(request: AuthedHttpRequest, body: RouteIn) -> Any:
    _route_user(request)
    return Status(201, _route(actions.do_create_route(acting_user=request.user, **body.dict())))


@router.put(
    "/deputy-routes/{int:route_id}", response=answers(RouteOut, ERRORS), summary="修改对口联系副秘书长"
)
def update_route(request: AuthedHttpRequest, route_id: int, body: RouteIn) -> Any:
    _route_user(request)
    return _route(actions.do_update_route(acting_user=request.user, route_id=route_id, **body.dict()))


@router.delete(
    "/deputy-routes/{int:route_id}", response=answers({204: None}, ERRORS), summary="删除对口联系副秘书长"
)
def delete_route(request: AuthedHttpRequest, route_id: int) -> Any:
    _route_user(request)
    actions.do_delete_route(acting_user=request.user, route_id=route_id)
    return Status(204, None)
