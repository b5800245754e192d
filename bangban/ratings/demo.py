"""Demo data of ratings for `load_demo_city` (idempotent): windows and a service item at the
沭阳县 service centre, window ratings, the enterprise's 追评 of its closed demo case as 不满意
(which opens a rectification for 沭阳县行政审批局), and last month's 回头看 draw."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bangban.accounts.models import User
from bangban.org.models import Unit
from bangban.ratings import actions, recheck
from bangban.ratings.models import Rating, RecheckDraw, ServiceItem, Window
from bangban.tickets.public import all_cases
from bangban.tickets.workflow import Status

SITE = "site-shuyang"


def load_demo(now: dt.datetime | None = None) -> list[str]:
    """Create the demo records if missing; return lines for the console report. `now` is the
    clock of the demo (the present by default)."""
    site = Unit.objects.filter(code=SITE).first()
    office = User.objects.filter(username="yingshangban").first()
    enterprise = User.objects.filter(username="qiye").first()
    if site is None or office is None or Window.objects.filter(site=site).exists():
        return []
    lines = []
    now = now or timezone.now()
    a01 = Window.objects.create(site=site, code="A01", name="企业开办综合窗口")
    Window.objects.create(site=site, code="A02", name="工程建设项目审批窗口")
    ServiceItem.objects.create(site=site, code="QYKB-001", name="企业设立登记")
    for i, (level, comment) in enumerate([(1, "办理很快，一次办好"), (2, ""), (4, "排队等了一个多小时")]):
        actions.rate_service(
            acting_user=None,
            site_id=site.pk,
            window_id=a01.pk,
            data=actions.RatingInput(level=level, comment=comment, anonymous=True),
            channel="qr" if i else "device",
            event_ref=f"DEMO-{i + 1:04d}",
            now=now - dt.timedelta(days=2 - i),
        )
    lines.append(f"好差评：{site.name} 2 个窗口、3 条窗口评价（差评 1 条转整改）")
    if enterprise is not None and enterprise.enterprise_id is not None:
        case = (
            all_cases()
            .filter(
                enterprise_id=enterprise.enterprise_id,
                status=Status.CLOSED,
                lead_unit__code="shuyang-approval",
            )
            .order_by("id")
            .first()
        )
        # The closed demo case was rated 满意 when the enterprise answered its reply (its rating is
        # also the case's follow-up); its 追评 of 不满意 opens a rectification.
        if case is not None and not Rating.objects.filter(subject__ticket=case, stage="followup").exists():
            result = actions.do_rate_case(
                acting_user=enterprise,
                ticket_id=case.pk,
                data=actions.RatingInput(level=4, comment="证书领取后发现信息有误，至今未更正"),
                now=now,
            )
            if result.rating is not None:
                lines.append(
                    f"好差评：企业对诉求 {case.number} {result.rating.get_stage_display()}“不满意”，已转差评整改"
                )
    year, month = recheck.previous_month(now)
    if not RecheckDraw.objects.filter(year=year, month=month).exists():
        draw = recheck.do_draw(acting_user=office, year=year, month=month, now=now)
        lines.append(f"回头看：{year}年{month}月抽取 {len(draw.sample_ids)} / {draw.population_count} 件")
    return lines
