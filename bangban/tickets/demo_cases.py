"""A handful of demo cases in every state, so that someone trying the product (`make run`) finds
work in each queue. Created once, through the same intake and lifecycle actions as real cases, with
instants in the past so that deadlines, 临期 and 超期 show as they would."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bangban.accounts.models import User
from bangban.core.satisfaction import Satisfaction
from bangban.org.models import Unit

from . import actions
from .defaults import ensure_defaults
from .intake import IntakeInput, do_intake_hotline, do_intake_portal
from .models import Category, ContactMethod, HotlineOutcome, ReplyResult, Ticket, TicketType, Urgency
from .sweeper import sweep_deadlines

HANDLING_UNIT = "shuyang-approval"  # 沭阳县行政审批局: where the demo handler and unit head sit

PROBLEMS = [
    (
        "施工许可审批材料反复补正",
        "我公司新建厂房项目申请施工许可，已三次按要求补充材料，每次窗口都提出新的要求，请一次性告知所需材料。",
    ),
    ("企业开办后银行开户进度慢", "公司完成登记已两周，基本账户仍未开立，影响发放工资和采购，请协调加快。"),
    ("惠企资金申报结果长期未公示", "去年申报的技改补助，至今没有公示结果，也无人答复进度。"),
    ("厂区周边道路破损影响货车通行", "厂区门口道路多处塌陷，大货车进出困难，已影响正常发货。"),
    ("用电增容申请迟迟未受理", "因新增生产线需要增容，申请已提交一个月，供电部门尚未现场勘查。"),
    ("招聘补贴申领流程不清楚", "想了解新招用高校毕业生的社保补贴申领条件和流程。"),
    ("不动产登记证书办理超时", "公司购置的办公用房提交不动产登记申请已超过承诺时限，仍未领到证书。"),
]


def _data(user: User, index: int, category: Category | None, urgency: str = Urgency.GENERAL) -> IntakeInput:
    title, content = PROBLEMS[index]
    return IntakeInput(
        title=title,
        content=content,
        category_id=category.pk if category else None,
        type=TicketType.HELP,
        urgency=urgency,
        enterprise_id=user.enterprise_id,
        contact_name=user.display_name,
        contact_phone=user.phone,
    )


def load_demo_cases(now: dt.datetime | None = None) -> list[str]:
    if Ticket.objects.exists():
        return []
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["qiye", "rexian", "paidan", "chengban_sy", "danwei_sy"])
    }
    unit = Unit.objects.filter(code=HANDLING_UNIT).first()
    if len(users) < 5 or unit is None:
        return []
    now = now or timezone.now()
    category = Category.objects.filter(level=3, is_active=True).order_by("code").first()
    enterprise, dispatcher = users["qiye"], users["paidan"]
    handler, head = users["chengban_sy"], users["danwei_sy"]

    def filed(index: int, days_ago: int, urgency: str = Urgency.GENERAL) -> Ticket:
        at = now - dt.timedelta(days=days_ago)
        return do_intake_portal(
            acting_user=enterprise, data=_data(enterprise, index, category, urgency), now=at
        ).ticket

    def handled(ticket: Ticket, days_ago: int) -> Ticket:
        at = now - dt.timedelta(days=days_ago)
        actions.do_dispatch.inner(acting_user=dispatcher, ticket_id=ticket.pk, lead_unit_id=unit.pk, now=at)
        return actions.do_accept.inner(
            acting_user=handler, ticket_id=ticket.pk, now=at + dt.timedelta(hours=1)
        )

    filed(0, 0)  # 待派单
    overdue = handled(filed(1, 21), 20)  # 办理中，超期
    handled(filed(2, 6, Urgency.COMPLEX), 5)  # 办理中
    review = handled(filed(3, 4), 3)
    actions.do_submit_reply.inner(
        acting_user=handler,
        ticket_id=review.pk,
        result=ReplyResult.PARTIAL,
        content="已安排施工单位本周内修复，修复后回复贵公司。",
        contact_method=ContactMethod.PHONE,
        contacted_at=now - dt.timedelta(days=1, hours=2),
        contact_person="张经理",
        contact_note="电话告知修复安排，企业同意本周内施工。",
        now=now - dt.timedelta(days=1),
    )
    replied = handled(filed(4, 8), 7)
    actions.do_submit_reply.inner(
        acting_user=handler,
        ticket_id=replied.pk,
        result=ReplyResult.RESOLVED,
        content="已协调供电公司本周五现场勘查，勘查后十个工作日内完成增容。",
        contact_method=ContactMethod.VISIT,
        contacted_at=now - dt.timedelta(days=3, hours=3),
        contact_person="李主任",
        now=now - dt.timedelta(days=3),
    )
    actions.do_approve_reply.inner(acting_user=head, ticket_id=replied.pk, now=now - dt.timedelta(days=2))
    closed = handled(filed(6, 30), 29)
    actions.do_submit_reply.inner(
        acting_user=handler,
        ticket_id=closed.pk,
        result=ReplyResult.RESOLVED,
        content="已协调不动产登记中心加急办理，证书已于今日制证，请携带营业执照领取。",
        contact_method=ContactMethod.PHONE,
        contacted_at=now - dt.timedelta(days=27, hours=1),
        contact_person="王会计",
        now=now - dt.timedelta(days=27),
    )
    actions.do_approve_reply.inner(acting_user=head, ticket_id=closed.pk, now=now - dt.timedelta(days=27))
    actions.do_follow_up.inner(
        acting_user=enterprise,
        ticket_id=closed.pk,
        resolved=True,
        satisfaction=Satisfaction.SATISFIED,
        method="portal",
        now=now - dt.timedelta(days=26),
    )
    do_intake_hotline(
        acting_user=users["rexian"],
        data=_data(enterprise, 5, category),
        outcome=HotlineOutcome.DIRECT_ANSWER,
        answer="新招用高校毕业生可申领社保补贴，请通过人社网上办事大厅提交劳动合同和缴费记录，审核后按月发放。",
        now=now - dt.timedelta(hours=2),
    )
    sweep_deadlines(now)  # mark 临期 / 超期 at once, as the scheduler would within minutes
    return [f"示范诉求 {Ticket.objects.count()} 件（其中超期 1 件：{overdue.number}）"]


def load_demo(now: dt.datetime | None = None) -> list[str]:
    """The case system's part of the demo city (`TicketsConfig.demo`): its default deadline
    policies, category catalogue and routing rules, then the demo cases."""

    return [ensure_defaults().summary(), *load_demo_cases(now)]
