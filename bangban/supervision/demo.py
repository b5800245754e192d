"""Demo data of supervision for `load_demo_city` (idempotent): a few cases of last month made through
the intake and lifecycle actions, last month's ranking frozen, one issued 12345 通报, and the ledgers
of the latest month whose due date has passed, with one submitted on time and one late; the last
quarter's 作风之星 round published and this quarter's open for nominations; an accountability record
handed over to 市纪委监委 and acknowledged by its reader `jiwei`.

Everything is dated relative to the demo's clock `now`, so the demo looks the same on any day of a
month: the ledgers shown are last month's from the day after their due date, and the month before's
until then (a late ledger cannot exist before its due date has passed)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bangban.accounts.models import User
from bangban.core.errors import ApplicationError
from bangban.org.models import Unit
from bangban.tickets import actions as ticket_actions
from bangban.tickets.intake import IntakeInput, do_intake_hotline, do_intake_portal
from bangban.tickets.models import Category, ContactMethod, HotlineOutcome, ReplyResult, TicketType
from bangban.tickets.public import all_cases
from bangban.workdays.arithmetic import SHANGHAI

from . import actions, dashboard, dashboard_counts, sources
from .figures import month_bounds, previous_month
from .models import (
    AccountabilityKind,
    CaseAnalysis,
    DisciplineTransfer,
    Ledger,
    Notice,
    NoticeKind,
    NoticeStatus,
    Ranking,
    SpecialInspection,
    StarPeriod,
    StarRound,
)

NAMES = ["yingshangban", "qiye", "paidan", "chengban_sy", "danwei_sy", "chengban_sq", "rexian"]
DEMO_TITLE = "【上月】"


# (unit code, handler, channel, day of the month, accept after hours or None, follow-up (resolved,
# level) or None). 沭阳县行政审批局 and 泗阳县人民政府 have enough cases to be ranked, in both scopes;
# 市商务局's two cases are too few (the default minimum is 5): it is listed as 不参与排名.
PLANS: list[tuple[str, str, str, int, int | None, tuple[bool, int] | None]] = [
    ("shuyang-approval", "chengban_sy", "hotline", 2, 2, (True, 1)),
    ("shuyang-approval", "chengban_sy", "hotline", 5, 3, (True, 2)),
    ("shuyang-approval", "chengban_sy", "hotline", 9, 5, (False, 4)),
    ("shuyang-approval", "chengban_sy", "hotline", 13, 4, (True, 1)),
    ("shuyang-approval", "chengban_sy", "hotline", 17, 6, None),
    ("shuyang-approval", "chengban_sy", "portal", 20, 2, (True, 3)),
    ("siyang-gov", "chengban_sq", "hotline", 3, 30, None),
    ("siyang-gov", "chengban_sq", "hotline", 8, 50, None),
    ("siyang-gov", "chengban_sq", "hotline", 11, 20, None),
    ("siyang-gov", "chengban_sq", "hotline", 15, 28, None),
    ("siyang-gov", "chengban_sq", "hotline", 19, 4, None),
    ("city-commerce", "", "hotline", 6, None, None),
    ("city-commerce", "", "hotline", 16, None, None),
]


def _last_month_cases(users: dict[str, User], year: int, month: int) -> int:
    start, _ = month_bounds(year, month)
    if all_cases().filter(title__startswith=DEMO_TITLE).exists():
        return 0
    units = {u.code: u for u in Unit.objects.filter(code__in={p[0] for p in PLANS})}
    if len(units) < len({p[0] for p in PLANS}):
        return 0
    category = Category.objects.filter(level=3, is_active=True).order_by("code").first()
    enterprise = users["qiye"]
    made = 0
    for index, (code, handler, channel, day, hours, follow_up) in enumerate(PLANS):
        at = start + dt.timedelta(days=day - 1, hours=9)
        data = IntakeInput(
            title=f"{DEMO_TITLE}企业诉求示例{index + 1}",
            content="上月受理的企业诉求，用于演示月度排名、通报和台账。",
            category_id=category.pk if category else None,
            type=TicketType.HELP,
            enterprise_id=enterprise.enterprise_id,
            contact_name=enterprise.display_name,
            contact_phone=enterprise.phone,
        )
        try:
            if channel == "hotline":
                result = do_intake_hotline(
                    acting_user=users["rexian"], data=data, outcome=HotlineOutcome.WORK_ORDER, now=at
                )
            else:
                result = do_intake_portal(acting_user=enterprise, data=data, now=at)
            ticket = result.ticket
            ticket_actions.do_dispatch.inner(
                acting_user=users["paidan"],
                ticket_id=ticket.pk,
                lead_unit_id=units[code].pk,
                now=at + dt.timedelta(hours=1),
            )
            if hours is not None:
                ticket_actions.do_accept.inner(
                    acting_user=users[handler], ticket_id=ticket.pk, now=at + dt.timedelta(hours=1 + hours)
                )
            if follow_up is not None:
                reply_at = at + dt.timedelta(days=2)
                ticket_actions.do_submit_reply.inner(
                    acting_user=users[handler],
                    ticket_id=ticket.pk,
                    result=ReplyResult.RESOLVED,
                    content="已协调办理完毕。",
                    contact_method=ContactMethod.PHONE,
                    contacted_at=reply_at - dt.timedelta(hours=1),
                    contact_person=enterprise.display_name or "企业联系人",
                    now=reply_at,
                )
                ticket_actions.do_approve_reply.inner(
                    acting_user=users["danwei_sy"], ticket_id=ticket.pk, now=reply_at + dt.timedelta(hours=2)
                )
                ticket_actions.do_follow_up.inner(
                    acting_user=users["rexian"],
                    ticket_id=ticket.pk,
                    resolved=follow_up[0],
                    satisfaction=follow_up[1],
                    now=reply_at + dt.timedelta(days=1),
                )
            made += 1
        except ApplicationError:
            continue
    return made


def ledger_demo_month(now: dt.datetime) -> tuple[int, int]:
    """The latest month whose ledgers can already have been submitted late at `now`: last month
    once the day after its due date has begun, the month before otherwise."""
    today = timezone.localdate(now)
    year, month = previous_month(today.year, today.month)
    if today <= actions.ledger_due_date(year, month):
        year, month = previous_month(year, month)
    return year, month


def load_demo(now: dt.datetime | None = None) -> list[str]:
    """Create the demo records if missing; return lines for the console report. `now` is the
    clock of the demo (the present by default)."""
    users = {u.username: u for u in User.objects.filter(username__in=NAMES)}
    if len(users) < len(NAMES):
        return []
    now = now or timezone.now()
    office = users["yingshangban"]
    today = timezone.localdate(now)
    year, month = previous_month(today.year, today.month)
    lines: list[str] = []
    made = _last_month_cases(users, year, month)
    if made:
        lines.append(f"督查：上月演示诉求 {made} 件")
    if not Ranking.objects.filter(year=year, month=month).exists():
        try:
            actions.do_compute_ranking.inner(office, year, month)
            actions.do_freeze_ranking.inner(office, year, month, now=now)
            lines.append(f"督查：{year}年{month}月排名已冻结")
        except ApplicationError as exc:
            lines.append(f"督查：排名未生成（{exc.message}）")
    if not Notice.objects.filter(status=NoticeStatus.ISSUED).exists():
        try:
            notice = actions.do_create_notice.inner(office, NoticeKind.HOTLINE, year, month)
            actions.do_review_notice.inner(office, notice.pk)
            notice = actions.do_issue_notice.inner(office, notice.pk, now=now)
            lines.append(f"督查：已印发通报 {notice.doc_number}")
        except ApplicationError as exc:
            lines.append(f"督查：通报未印发（{exc.message}）")
    lines += _ledgers(users, now)
    lines += _special(office, now)
    lines += _stars(now)
    lines += _transfer(year, month, now)
    lines += _analysis(users, year, month, now)
    # The dashboard's monthly summaries, so the dashboard opens full at once.
    built = dashboard_counts.build_months(dashboard.months_ending(today.year, today.month, 6))
    lines.append(f"督查：数据看板 {built} 个月汇总已生成")
    return lines


def _special(office: User, now: dt.datetime) -> list[str]:
    """A 专项督查 under way over the demo's mayor-channel cases and open meeting decisions."""
    if SpecialInspection.objects.exists():
        return []
    cases = sources.mayor_case_candidates(5).data
    tasks = [t["id"] for t in sources.meeting_tasks(open_only=True).data[:5]]
    if not cases and not tasks:
        return []
    numbers = list(all_cases().filter(pk__in=cases).values_list("number", flat=True))
    try:
        inspection = actions.do_create_special.inner(
            office, title="市长直通车及市政府会办事项专项督查", basis="逐件核查办理进展和实效", now=now
        )
        actions.do_add_special_items.inner(
            office, inspection.pk, case_numbers=numbers, task_ids=tasks, now=now
        )
        actions.do_start_special.inner(office, inspection.pk, now=now)
    except ApplicationError as exc:
        return [f"督查：专项督查未生成（{exc.message}）"]
    return [f"督查：专项督查（督查中）{len(numbers) + len(tasks)} 项"]


def _ledgers(users: dict[str, User], now: dt.datetime) -> list[str]:
    """The ledgers of the latest month past its due date: one submitted on time, one late."""
    year, month = ledger_demo_month(now)
    if Ledger.objects.filter(year=year, month=month).exists():
        return []
    office = users["yingshangban"]
    actions.do_generate_ledgers.inner(office, year, month)
    due = actions.ledger_due_date(year, month)
    on_time = dt.datetime.combine(due - dt.timedelta(days=3), dt.time(10), tzinfo=SHANGHAI)
    late = min(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(10), tzinfo=SHANGHAI), now)
    for username, when, note in (
        ("chengban_sy", on_time, "上月诉求均已办理，未解决的一件已重办。"),
        ("chengban_sq", late, "因人员调整，台账逾期报送。"),
    ):
        user = users[username]
        if user.unit_id is None:
            continue
        ledger = Ledger.objects.filter(year=year, month=month, unit_id=user.unit_id).first()
        if ledger is None:
            continue
        try:
            actions.do_submit_ledger.inner(user, ledger.pk, {"cases": note}, now=when)
        except ApplicationError:
            continue
    return [f"督查：{year}年{month}月台账 {Ledger.objects.filter(year=year, month=month).count()} 份"]


def _stars(now: dt.datetime) -> list[str]:
    """Last quarter's round, published (沭阳县行政审批局's handler nominated by its head and
    selected), and this quarter's round open for nominations."""
    people = {
        u.username: u for u in User.objects.filter(username__in=["zuofeng", "danwei_sy", "chengban_sy"])
    }
    if len(people) < 3 or StarRound.objects.exists():
        return []
    today = timezone.localdate(now)
    quarter = (today.month - 1) // 3 + 1
    last_year, last_quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    conduct = people["zuofeng"]
    lines = []
    try:
        past = actions.do_open_star_round.inner(
            conduct, year=last_year, period=StarPeriod.QUARTER, number=last_quarter, now=now
        )
        nomination = actions.do_nominate_star.inner(
            people["danwei_sy"], past.pk, person_id=people["chengban_sy"].pk,
            reason="主动靠前服务企业，诉求办结快、回访满意度高", now=now,
        )  # fmt: skip
        actions.do_close_star_round.inner(conduct, past.pk, now=now)
        actions.do_decide_nomination.inner(
            conduct,
            nomination.pk,
            decision="selected",
            reason="按期办结率和满意率均居前列，无问责记录",
            now=now,
        )
        actions.do_publish_star_round.inner(conduct, past.pk, now=now)
        lines.append(f"作风之星：{past.title}已公布")
    except ApplicationError as exc:
        lines.append(f"作风之星：上季度评选未完成（{exc.message}）")
    current = actions.do_open_star_round.inner(
        conduct, year=today.year, period=StarPeriod.QUARTER, number=quarter, now=now
    )
    lines.append(f"作风之星：{current.title}提名中")
    return lines


def _transfer(year: int, month: int, now: dt.datetime) -> list[str]:
    """A 移交纪委监委 record on 泗阳县人民政府's handler, with last month's cases, handed over to
    市纪委监委 by 作风办 and acknowledged by `jiwei`."""
    people = {u.username: u for u in User.objects.filter(username__in=["zuofeng", "jiwei", "chengban_sq"])}
    unit = Unit.objects.filter(code="siyang-gov").first()
    if len(people) < 3 or unit is None or DisciplineTransfer.objects.exists():
        return []
    jiwei = people["jiwei"]
    if jiwei.unit_id is None:
        return []
    start, end = month_bounds(year, month)
    numbers = list(
        all_cases()
        .filter(lead_unit=unit, received_at__gte=start, received_at__lt=end)
        .order_by("received_at")
        .values_list("number", flat=True)[:3]
    )
    try:
        record = actions.do_create_record.inner(
            people["zuofeng"], kind=AccountabilityKind.TRANSFER, unit_id=unit.pk, year=year, month=month,
            reason="多件涉企诉求长期未签收、未答复，企业重复反映，涉嫌不作为，按程序移送纪委监委",
            person_name=people["chengban_sq"].full_name, ticket_numbers=numbers,
        )  # fmt: skip
        transfer = actions.do_transfer_record.inner(
            people["zuofeng"], record.pk, addressee_id=jiwei.unit_id, transferred_on=timezone.localdate(now),
            materials="问责记录；相关诉求办理记录；单位情况说明", now=now,
        )  # fmt: skip
        actions.do_receive_transfer.inner(jiwei, transfer.pk, note="材料齐全，已登记", now=now)
    except ApplicationError as exc:
        return [f"移送纪委监委：未生成（{exc.message}）"]
    return [f"移送纪委监委：{unit.name}一条问责记录已移送并确认接收"]


def _analysis(users: dict[str, User], year: int, month: int, now: dt.datetime) -> list[str]:
    """One submitted 分析研判 of last month by 沭阳县行政审批局 (R10), over the cases it led."""
    handler = users["chengban_sy"]
    if not handler.unit_id or CaseAnalysis.objects.filter(unit_id=handler.unit_id).exists():
        return []
    start, end = month_bounds(year, month)
    numbers = list(
        all_cases()
        .filter(lead_unit_id=handler.unit_id, received_at__gte=start, received_at__lt=end)
        .order_by("received_at")
        .values_list("number", flat=True)[:5]
    )
    obj = actions.do_create_analysis.inner(
        acting_user=handler,
        data={
            "title": f"{year}年{month}月涉企审批诉求分析研判",
            "period_start": start.date(),
            "period_end": (end - dt.timedelta(days=1)).date(),
            "case_numbers": numbers,
            "findings": "施工许可、不动产登记类诉求集中，材料反复补正是主要堵点。",
            "causes": "一次性告知清单未覆盖联审事项，窗口与后台审核标准不一致。",
            "measures": "编制联审事项材料清单并在窗口、网上公示；每周会商统一审核口径。",
        },
        submit=True,
        now=now,
    )
    return [f"督查：分析研判「{obj.title}」"]
