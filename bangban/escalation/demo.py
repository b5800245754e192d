"""Demo data of escalation for `load_demo_city` (idempotent): the 对口联系副秘书长 table and the
分管市长 portfolio (fenguan in charge of every top category, also 常务副市长), a mayor-channel
submission assessed 事实清楚、情况紧急 and waiting for the 秘书长, the overdue demo case
escalated to 市营商办 and treated in a 专题会办 with a task for the handling unit, a 督办 on
it, and a dispute."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bangban.accounts.models import User
from bangban.core.errors import ApplicationError
from bangban.tickets.intake import IntakeInput, do_intake_mayor_register
from bangban.tickets.models import Category, TicketType
from bangban.tickets.public import all_cases
from bangban.tickets.workflow import Status

from . import actions
from .models import DeputyRoute, EscalationStep, MayorReview, MeetingType, VicePortfolio

NAMES = ["shizhengfu", "fumishuzhang", "mishuzhang", "fenguan", "yingshangban", "zuofeng", "paidan",
         "chengban_sy", "danwei_sy", "qiye"]  # fmt: skip
MAYOR_TITLE = "新厂区配套供水管网接入迟迟未落实"


def load_demo(now: dt.datetime | None = None) -> list[str]:
    """Create the demo records if missing; return lines for the console report. `now` is the
    clock of the demo (the present by default): every record is dated relative to it."""
    users = {u.username: u for u in User.objects.filter(username__in=NAMES)}
    if len(users) < len(NAMES) or MayorReview.objects.exists() or EscalationStep.objects.exists():
        return []
    now = now or timezone.now()
    lines: list[str] = []
    actions.ensure_default_tiers()
    actions.settings_row()
    deputy = users["fumishuzhang"]
    vice_mayor = users["fenguan"]
    for top in Category.objects.filter(level=1, is_active=True):
        DeputyRoute.objects.get_or_create(category=top, defaults={"deputy": deputy})
        VicePortfolio.objects.get_or_create(category=top, defaults={"vice_mayor": vice_mayor})
    # The 分管市长 of the demo is also its 常务副市长 (signs whatever no one is in charge of).
    settings = actions.settings_row()
    settings.executive_vice_mayor = vice_mayor
    settings.save(update_fields=["executive_vice_mayor"])
    category = Category.objects.filter(level=1, is_active=True).order_by("sort", "code").first()

    try:
        if category is not None:
            ent = users["qiye"]
            mayor_case = do_intake_mayor_register(
                acting_user=users["shizhengfu"],
                data=IntakeInput(
                    title=MAYOR_TITLE,
                    content="我公司新厂区已建成，供水管网接入申请半年未落实，试生产受影响，恳请市长协调。",
                    type=TicketType.HELP,
                    enterprise_id=ent.enterprise_id,
                    enterprise_name=ent.enterprise.name if ent.enterprise else "示范企业",
                    contact_name=ent.display_name,
                    contact_phone=ent.phone or "13800000000",
                ),
                now=now - dt.timedelta(days=2),
            ).ticket
            actions.do_classify.inner(acting_user=users["shizhengfu"], ticket_id=mayor_case.pk, category_id=category.pk,
                                kind="general", comment="一般问题，送分管副秘书长审核", now=now - dt.timedelta(days=2))  # fmt: skip
            actions.do_sign.inner(acting_user=deputy, ticket_id=mayor_case.pk, decision="accept", comment="拟同意交办",
                            urgency="urgent", now=now - dt.timedelta(days=1))  # fmt: skip
            lines.append(f"市长直通车：{mayor_case.number} 待秘书长签批")

        case = (
            all_cases()
            .filter(status=Status.IN_PROGRESS, lead_unit__isnull=False)
            .order_by("due_at", "id")
            .first()
        )
        if case is not None and case.lead_unit is not None:
            biz, lead = users["yingshangban"], case.lead_unit
            actions.do_escalate.inner(acting_user=users["danwei_sy"], ticket_id=case.pk, reason="涉及多个部门，需专题会办",
                                to_level=2, now=now - dt.timedelta(days=6))  # fmt: skip
            actions.do_escalate.inner(acting_user=biz, ticket_id=case.pk, reason="专题会办后仍未解决，提请市营商办协调",
                                to_level=3, now=now - dt.timedelta(days=1))  # fmt: skip
            meeting = actions.do_create_meeting.inner(
                acting_user=biz,
                type=MeetingType.TOPIC,
                title=f"{case.title}专题会办",
                held_at=now - dt.timedelta(days=5),
                chair_id=biz.pk,
                place="市政务服务中心三楼会议室",
                unit_ids=[lead.pk],
                participant_ids=[users["danwei_sy"].pk, users["chengban_sy"].pk],
                case_ids=[case.pk],
                now=now - dt.timedelta(days=6),
            )
            actions.do_record_minutes.inner(acting_user=biz, meeting_id=meeting.pk,
                                      minutes="一、由承办单位牵头，三个工作日内完成现场核查。\n二、市营商办跟踪督办。",
                                      now=now - dt.timedelta(days=5))  # fmt: skip
            actions.do_confirm_attendance.inner(
                acting_user=users["danwei_sy"], meeting_id=meeting.pk, now=now - dt.timedelta(days=5)
            )
            actions.do_add_task.inner(acting_user=biz, meeting_id=meeting.pk, content="完成现场核查并形成处理意见",
                                owner_unit_id=lead.pk, workdays=3, ticket_id=case.pk, now=now - dt.timedelta(days=5))  # fmt: skip
            actions.do_issue_order.inner(acting_user=users["zuofeng"], kind="supervise", ticket_id=case.pk,
                                   content="该诉求已超期并升级会办，请书面说明原因及整改措施。", workdays=3, now=now)  # fmt: skip
            lines.append(f"分级会办：{case.number} 已升至第3级，专题会办 1 次，督办 1 件")

        fresh = all_cases().filter(status=Status.DISPATCHED, lead_unit=users["chengban_sy"].unit).first()
        if fresh is not None:
            actions.do_raise_dispute.inner(acting_user=users["chengban_sy"], ticket_id=fresh.pk,
                                     reason="该事项属供电企业职责，建议改派。", now=now)  # fmt: skip
            lines.append(f"职责异议：{fresh.number} 待专班认定")
    except ApplicationError as exc:  # demo data must never stop the demo city from loading
        lines.append(f"分级会办示范数据未完整创建：{exc.message}")
    return lines
