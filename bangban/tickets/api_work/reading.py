"""Reading cases: list, dispatch figures, detail and timeline.

Reads use the same scope (`access.visible_tickets`) and the same filter (`filters.TicketFilter`) as
the pages: a case outside the caller's scope is `not_found` (404) whether it exists or not; a bad
filter value is 400 `invalid_filter`. Enterprise callers see only public timeline events, approved
replies and public attachments; contact phones are masked unless the caller's role needs them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Schema

from bangban.accounts.access import has_any_role, show_phone
from bangban.accounts.roles import Role
from bangban.core.answers import answers
from bangban.core.errors import NotFound, ValidationFailed
from bangban.core.pagination import Page, PageQuery, page_body
from bangban.core.schemas import Month, Year

from .. import queries as work_queries
from ..access import access_ticket, complainant_hidden
from ..deadlines import deadline_state_at
from ..display import event_label
from ..figures import dispatch_month_figures
from ..filters import TicketFilter
from ..models import Ticket, TicketEvent
from ..schemas import ReplyOut, dispatch_clock_out, reply_out
from ..workflow import Status
from ._common import router


class UnitRef(Schema):
    code: str = Field(description="单位编码")
    name: str = Field(description="单位名称")


class EnterpriseRef(Schema):
    id: int = Field(description="企业ID")
    name: str = Field(description="企业名称")


class CaseItemOut(Schema):
    id: int = Field(description="诉求ID")
    number: str = Field(description="诉求编号，如 RX-20261127-0001")
    title: str = Field(description="标题")
    status: str = Field(description="状态代码：" + "、".join(f"{v} {label}" for v, label in Status.choices))
    status_label: str = Field(description="状态名称")
    channel: str = Field(description="来源渠道代码")
    type: str = Field(
        description="诉求类型：consult 咨询 / complaint 投诉 / suggestion 建议 / help 求助 / report 举报"
    )
    urgency: str = Field(description="紧急程度：urgent 紧急 / general 一般 / complex 复杂")
    category_code: str | None = Field(description="诉求分类编码")
    category_path: str | None = Field(description="诉求分类完整名称（一级/二级/三级）")
    enterprise: EnterpriseRef | None = Field(description="企业")
    region_code: str | None = Field(description="问题所在区划代码")
    lead_unit: UnitRef | None = Field(description="主办单位")
    handler: str | None = Field(description="承办人")
    contact_name: str = Field(description="联系人")
    contact_phone: str = Field(description="联系电话（无权查看个人信息的角色看到脱敏值）")
    complainant_protected: bool = Field(
        description="作风投诉的投诉人信息受保护（R0.4）：企业、联系人、联系电话对本调用者不显示"
    )
    received_at: dt.datetime = Field(description="受理时间")
    dispatched_at: dt.datetime | None = Field(description="派单时间")
    due_at: dt.datetime | None = Field(description="办理期限")
    warn_at: dt.datetime | None = Field(description="临期提醒时间")
    due_provisional: bool = Field(description="期限为临时推算（该年度节假日安排未加载）")
    deadline_state: str = Field(
        description="当前期限状态（实时计算）：normal 正常 / warning 临期 / overdue 超期 / none 无"
    )
    extensions_used: int = Field(description="已延期次数")
    dispatch_clock: str = Field(
        description="派单计时：dispatch 待派单（受理至首次派单）/ review 市长直通车审核（受理至交办）/ 空 无（旧诉求）"
    )
    dispatch_due_at: dt.datetime | None = Field(description="派单期限（或审核交办期限）")
    dispatch_warn_at: dt.datetime | None = Field(description="派单临期时间")
    dispatch_provisional: bool = Field(description="派单期限为临时推算（该年度节假日安排未加载）")
    dispatch_state: str = Field(
        description="派单期限状态：等待派单时实时计算，派单（或当场办结、合并、撤回）后为当时的状态："
        "normal 正常 / warning 临期 / overdue 超期 / none 无"
    )
    dispatch_overdue_at: dt.datetime | None = Field(description="派单首次超期时间")
    dispatch_settled_at: dt.datetime | None = Field(
        description="派单计时结束时间（首次派单、当场办结、合并或撤回）；退单不重新计时"
    )
    is_repeat: bool = Field(description="重复反映")
    duplicate_of: str | None = Field(description="相似的原诉求编号")
    merged_into: str | None = Field(description="已合并至的诉求编号")
    satisfaction: int | None = Field(description="满意度 1 非常满意 … 5 非常不满意")
    version: int = Field(description="版本号；办理操作时原样提交，用于发现并发修改")


class EventOut(Schema):
    id: int
    at: dt.datetime = Field(description="时间")
    kind: str = Field(description="类型代码（如 dispatch、accept、note、comment、overdue）")
    label: str = Field(description="类型名称")
    actor: str = Field(description="操作人")
    from_status: str = Field(description="原状态")
    to_status: str = Field(description="新状态")
    note: str = Field(description="说明")
    visibility: str = Field(description="public 企业可见 / internal 仅内部")


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="文件名")
    content_type: str = Field(description="类型")
    size: int = Field(description="大小（字节）")
    url: str = Field(description="下载地址（需登录，按诉求的查看权限控制）")


class CaseDetailOut(CaseItemOut):
    content: str = Field(description="诉求内容")
    co_units: list[UnitRef] = Field(description="协办单位")
    replies: list[ReplyOut] = Field(
        description="答复（企业用户只看到已审核通过的，且不含联系记录和审核意见）"
    )
    attachments: list[AttachmentOut] = Field(description="诉求附件（答复的附件在各答复的 attachments 中）")
    timeline: list[EventOut] = Field(description="办理过程（企业用户只看到企业可见的记录）")


class CaseQuery(PageQuery):
    view: str = Field(
        "all", description="列表：all 可见的全部诉求 / unit 本单位待办 / dispatch 待派单 / mine 本企业的诉求"
    )
    status: list[str] | None = Field(None, description="状态代码，可重复或以逗号分隔")
    urgency: str | None = Field(None, description="紧急程度：urgent / general / complex")
    channel: str | None = Field(None, description="来源渠道代码")
    type: str | None = Field(None, description="诉求类型代码")
    category: str | None = Field(None, description="诉求分类编码（含下级分类）")
    region: str | None = Field(None, description="区划代码（含下级区划）")
    lead_unit: str | None = Field(None, description="主办单位编码")
    deadline: str | None = Field(None, description="overdue 超期 / warning 临期 / alert 临期或超期")
    dispatch_deadline: str | None = Field(
        None, description="派单期限（等待首次派单的诉求）：overdue 超期 / warning 临期 / alert 临期或超期"
    )
    sort: str | None = Field(None, description="排序（仅 view=dispatch）：dispatch_due 派单期限最近在前")
    repeat: str | None = Field(None, description="1：仅重复反映")
    mine: str | None = Field(None, description="1：仅本人承办")
    q: str | None = Field(None, description="编号、标题或企业名称包含的文字")
    received_from: str | None = Field(None, description="受理日期起（YYYY-MM-DD，含）")
    received_to: str | None = Field(None, description="受理日期止（YYYY-MM-DD，含）")


def case_out(user: Any, t: Ticket, now: dt.datetime) -> dict[str, Any]:
    protected = complainant_hidden(user, t)
    return {
        "id": t.pk,
        "number": t.number,
        "title": t.title,
        "status": t.status,
        "status_label": t.get_status_display(),
        "channel": t.channel,
        "type": t.type,
        "urgency": t.urgency,
        "category_code": t.category.code if t.category_id and t.category else None,
        "category_path": t.category.path if t.category_id and t.category else None,
        "enterprise": {"id": t.enterprise.pk, "name": t.enterprise.name}
        if t.enterprise_id and t.enterprise and not protected
        else None,
        "region_code": t.region.code if t.region_id and t.region and not protected else None,
        "lead_unit": {"code": t.lead_unit.code, "name": t.lead_unit.name}
        if t.lead_unit_id and t.lead_unit
        else None,
        "handler": t.handler.display_name if t.handler_id and t.handler else None,
        "contact_name": "" if protected else t.contact_name,
        "contact_phone": "" if protected else show_phone(user, t.contact_phone),
        "complainant_protected": protected,
        "received_at": t.received_at,
        "dispatched_at": t.dispatched_at,
        "due_at": t.due_at,
        "warn_at": t.warn_at,
        "due_provisional": t.due_provisional,
        "deadline_state": str(deadline_state_at(t, now)),
        "extensions_used": t.extensions_used,
        **dispatch_clock_out(t, now),
        "is_repeat": t.is_repeat,
        "duplicate_of": t.duplicate_of.number if t.duplicate_of_id and t.duplicate_of else None,
        "merged_into": t.merged_into.number if t.merged_into_id and t.merged_into else None,
        "satisfaction": t.satisfaction,
        "version": t.version,
    }


def event_out(e: TicketEvent, protected: bool = False) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": e.at,
        "kind": e.kind,
        "label": event_label(e.kind),
        # As on the case page: outside government an actor is the complainant's side.
        "actor": "投诉人" if protected and e.actor_id and not e.actor_unit_id else e.actor_name,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "note": e.note,
        "visibility": e.visibility,
    }


_LIST_RELATED = ("category", "enterprise", "region", "lead_unit", "handler", "duplicate_of", "merged_into")


@router.get(
    "",
    response=answers(Page[CaseItemOut], "invalid_filter"),
    summary="诉求列表",
    description="调用者可见范围内的诉求，与页面使用同一套筛选条件；筛选值无效时返回 400 invalid_filter。",
)
def list_cases(request: HttpRequest, query: Query[CaseQuery]) -> Any:
    user = request.user
    if query.view not in work_queries.QUEUES:
        raise ValidationFailed("view 无效，可选值：all、unit、dispatch、mine", code="invalid_filter")
    params = query.dict(exclude={"page", "size", "view"}, exclude_none=True)
    filters = TicketFilter(params, user)
    filters.raise_for_errors()
    qs = work_queries.queue_page(query.view, filters, _LIST_RELATED)
    now = timezone.now()
    return page_body(qs, query, out=lambda t: case_out(user, t, now))


# Who may read the dispatch figure (city-wide counts, no case details).
FIGURE_READERS = frozenset({Role.DISPATCHER, Role.BIZ_OFFICE, Role.ADMIN, Role.MAYOR_OFFICE})


class DispatchMonthFiguresOut(Schema):
    year: int = Field(description="年份")
    month: int = Field(description="月份（按受理时间，北京时间）")
    received: int = Field(description="当月受理、计派单时限的诉求数（不含直达市长）")
    dispatched_in_time: int = Field(description="按期派单：首次派单不晚于派单期限")
    dispatched_late: int = Field(description="超期派单：首次派单晚于派单期限")
    waiting_overdue: int = Field(description="待派单已超期（截至查询时刻）")
    waiting: int = Field(description="待派单未超期")
    closed_without_dispatch: int = Field(description="未派单即结束（当场办结、合并、撤回），不计入及时率")
    review_received: int = Field(description="当月受理的直达市长诉求数")
    review_dispatched_in_time: int = Field(description="直达市长：审核签批后按期交办")
    review_dispatched_late: int = Field(description="直达市长：超期交办")
    review_waiting_overdue: int = Field(description="直达市长：仍在审核中且已超期")
    review_waiting: int = Field(description="直达市长：仍在审核中未超期")
    decided: int = Field(description="及时率分母：按期派单 + 超期派单 + 待派单已超期")
    on_time_rate: float | None = Field(description="派单及时率（%，两位小数）；分母为 0 时为 null")


@router.get(
    "/dispatch-figures",
    response=answers(DispatchMonthFiguresOut),
    summary="派单及时率（月度）",
    description="全市当月受理诉求的派单情况（派单员、营商办、系统管理员可查）。"
    "派单及时率 = 按期派单 ÷（按期派单 + 超期派单 + 待派单已超期）× 100%。",
)
def dispatch_figures(request: HttpRequest, year: Year, month: Month) -> Any:
    if not has_any_role(request.user, FIGURE_READERS):
        raise NotFound()
    return dispatch_month_figures(year, month)


@router.get(
    "/{int:ticket_id}",
    response=answers(CaseDetailOut),
    summary="诉求详情",
    description="含办理过程；不存在或不在调用者可见范围内时均返回 404 not_found。",
)
def get_case(request: HttpRequest, ticket_id: int) -> Any:

    user = request.user
    page = work_queries.case_page(user, access_ticket(user, ticket_id))
    t = page.ticket
    data = case_out(user, t, timezone.now())
    protected = data["complainant_protected"]
    data.update(
        {
            "content": t.content,
            "co_units": [{"code": u.code, "name": u.name} for u in page.co_units],
            "replies": [reply_out(r, staff=page.staff, protected=protected) for r in page.replies],
            "attachments": [
                {
                    "id": a.pk,
                    # A file's own name may name the complainant (complainant_hidden).
                    "name": f"附件{i}" if protected else a.original_name,
                    "content_type": a.content_type,
                    "size": a.size,
                    "url": reverse("tickets:attachment", args=[t.pk, a.pk]),
                }
                for i, a in enumerate(page.attachments, 1)
            ],
            "timeline": [event_out(e, protected) for e in page.events],
        }
    )
    return data


@router.get(
    "/{int:ticket_id}/events",
    response=answers(list[EventOut]),
    summary="诉求办理过程",
    description="按时间顺序；企业用户只看到企业可见的记录。",
)
def list_case_events(request: HttpRequest, ticket_id: int) -> Any:
    user = request.user
    ticket = access_ticket(user, ticket_id)
    protected = complainant_hidden(user, ticket)
    return [event_out(e, protected) for e in work_queries.case_events(user, ticket)]
