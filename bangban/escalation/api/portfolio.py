"""`/escalation/vice-portfolio`: which 分管市长 is in charge of which category (R8.2), and the
常务副市长 who signs the categories no one is in charge of."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageNumber, PageSize, page_body

from .. import access, actions, queries
from ..models import VicePortfolio
from ._common import ERRORS, router


class PortfolioOut(Schema):
    id: int
    category_id: int = Field(description="诉求分类")
    category: str = Field(description="分类名称（含上级路径）")
    category_code: str = Field(description="分类编码")
    vice_mayor_id: int = Field(description="分管市长（用户编号）")
    vice_mayor: str = Field(description="分管市长姓名")
    vice_mayor_active: bool = Field(description="分管市长账号是否有效")


class PortfolioIn(Schema):
    category_id: int = Field(description="诉求分类（须存在且已启用，每个分类一位分管市长）")
    vice_mayor_id: int = Field(description="分管市长（须为具有分管市长角色的有效账号）")


class ExecutiveIO(Schema):
    vice_mayor_id: int | None = Field(
        None, description="常务副市长（具有分管市长角色的有效账号）；为空表示未指定"
    )
    vice_mayor: str = Field("", description="常务副市长姓名（只读）")


def _row(r: VicePortfolio) -> dict[str, Any]:
    return {
        "id": r.pk, "category_id": r.category_id, "category": r.category.path or r.category.name,
        "category_code": r.category.code, "vice_mayor_id": r.vice_mayor_id,
        "vice_mayor": r.vice_mayor.display_name, "vice_mayor_active": r.vice_mayor.is_active,
    }  # fmt: skip


def _reader(request: HttpRequest) -> Any:
    if not access.can_view_portfolio(request.user):
        raise NotFound()
    return request.user


@router.get("/vice-portfolio", response=answers(Page[PortfolioOut]), summary="分管市长分工列表",
            description="q 按分类名称、编码或分管市长姓名搜索；分页。")  # fmt: skip
def list_portfolio(request: HttpRequest, q: str = "", page: PageNumber = 1, size: PageSize = 50) -> Any:
    _reader(request)
    return page_body(queries.portfolio(q), page, size, _row)


@router.post("/vice-portfolio", response=answers({201: PortfolioOut}, ERRORS), summary="明确分类的分管市长",
             description="营商办、系统管理员维护。账号不是分管市长返回 400 not_vice_mayor；分类无效返回 400 "
                         "category_invalid；该分类已有分管市长返回 409 portfolio_exists。")  # fmt: skip
def assign_portfolio(request: AuthedHttpRequest, body: PortfolioIn) -> Any:
    _reader(request)
    return Status(201, _row(actions.do_assign_portfolio(acting_user=request.user, **body.dict())))


@router.delete("/vice-portfolio/{int:portfolio_id}", response=answers({204: None}, ERRORS),
               summary="删除分管市长分工")  # fmt: skip
def remove_portfolio(request: AuthedHttpRequest, portfolio_id: int) -> Any:
    _reader(request)
    actions.do_remove_portfolio(acting_user=request.user, portfolio_id=portfolio_id)
    return Status(204, None)


def _executive() -> dict[str, Any]:
    user = actions.settings_row().executive_vice_mayor
    return {"vice_mayor_id": user.pk if user else None, "vice_mayor": user.display_name if user else ""}


@router.get("/vice-portfolio/executive", response=answers(ExecutiveIO), summary="常务副市长",
            description="未明确分管市长的分类由常务副市长签批。")  # fmt: skip
def get_executive(request: HttpRequest) -> Any:
    _reader(request)
    return _executive()


@router.put("/vice-portfolio/executive", response=answers(ExecutiveIO, ERRORS), summary="指定常务副市长")
def put_executive(request: AuthedHttpRequest, body: ExecutiveIO) -> Any:
    _reader(request)
    actions.do_set_executive(acting_user=request.user, vice_mayor_id=body.vice_mayor_id)
    return _executive()
