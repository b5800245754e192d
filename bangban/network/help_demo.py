"""The demo city's 解难帮扶会办会 (R3.3), dated from the demo clock (`now`): one held three days
before — one 百强's road problem (and any other open problem) 会办 by 市住建局 with 市工信局, another
百强's problem 批办 to 市发展改革委 and 办结 — and one scheduled a week after on a 沭阳 key
enterprise's problem. Made through the
actions (their `.inner`, inside the demo city's one transaction), so every record is audited."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bangban.accounts.models import User
from bangban.enterprises.models import Tier
from bangban.org.models import Unit

from . import actions
from .models import Assignment, ContactKind, HelpMeeting


def _at(now: dt.datetime, days: int, hour: int) -> dt.datetime:
    local = timezone.localtime(now) + dt.timedelta(days=days)
    return local.replace(hour=hour, minute=30, second=0, microsecond=0)


def load_help_demo(now: dt.datetime) -> list[str]:
    office = User.objects.filter(username="yingshangban").first()
    units = {
        u.code: u
        for u in Unit.objects.filter(code__in=["city-housing", "city-miit", "city-ndrc", "shuyang-miit"])
    }
    if office is None or len(units) < 4 or HelpMeeting.objects.exists():
        return []
    served = list(
        Assignment.objects.filter(ended_on__isnull=True, enterprise__tier__in=[Tier.CITY_TOP100, Tier.COUNTY_KEY])
        .select_related("officer", "enterprise")
        .order_by("enterprise__uscc")
    )  # fmt: skip
    city = [a for a in served if a.enterprise.tier == Tier.CITY_TOP100]
    county = [a for a in served if a.enterprise.tier == Tier.COUNTY_KEY]
    if len(city) < 2 or not county:
        return []
    earlier = now - dt.timedelta(days=10)
    problems = [
        (city[0], "新建厂房周边道路未通，原材料运输车辆绕行较远，希望协调打通断头路。"),
        (city[1], "企业技改项目设备补助申报材料被退回两次，退回原因不明确。"),
        (county[0], "新厂区自来水接入迟迟未排期，影响试生产。"),
    ]
    for a, raised in problems:
        actions.do_log_contact(
            acting_user=a.officer,
            data=actions.ContactInput(
                enterprise_id=a.enterprise_id, kind=ContactKind.WECHAT, contact_on=earlier.date(),
                summary="电话了解项目建设进度。", raised=raised,
            ),
            now=earlier,
        )  # fmt: skip
    held_at = _at(now, -3, 9)
    planned = now - dt.timedelta(days=7)
    held = actions.do_schedule_help_meeting.inner(
        acting_user=office,
        data=actions.MeetingInput(
            title="市工业百强企业解难帮扶会办会", held_at=held_at, place="市政府第三会议室", host="分管副市长 周建国",
            enterprise_ids=[city[0].enterprise_id, city[1].enterprise_id],
            unit_ids=[units["city-housing"].pk, units["city-miit"].pk, units["city-ndrc"].pk],
        ),
        now=planned,
    )  # fmt: skip
    actions.do_hold_help_meeting.inner(
        acting_user=office, meeting_id=held.pk, now=held_at,
        minutes="会议听取了两家百强企业的问题汇报，逐项明确了责任单位和办理时限。",
    )  # fmt: skip
    done_one = False
    for item in held.items.order_by("id"):
        if item.enterprise_id == city[1].enterprise_id and item.contact_id is not None and not done_one:
            data = actions.DisposalInput(disposal="instruct", unit_id=units["city-ndrc"].pk, workdays=5,
                                         instructed_by="周建国副市长", instruction="请市发展改革委一次性告知补正材料，一周内完成审核。")  # fmt: skip
            actions.do_dispose_item.inner(acting_user=office, item_id=item.pk, data=data, now=held_at)
            actions.do_complete_item.inner(acting_user=office, item_id=item.pk, now=held_at + dt.timedelta(days=2),
                                           result="已一次性告知补正清单，企业补正后审核通过。")  # fmt: skip
            done_one = True
        else:
            data = actions.DisposalInput(disposal="joint", unit_id=units["city-housing"].pk,
                                         co_unit_ids=[units["city-miit"].pk], workdays=10)  # fmt: skip
            actions.do_dispose_item.inner(acting_user=office, item_id=item.pk, data=data, now=held_at)
    scheduled = actions.do_schedule_help_meeting.inner(
        acting_user=office,
        data=actions.MeetingInput(
            title="沭阳县重点企业解难帮扶会办会", held_at=_at(now, 7, 14), place="沭阳县政府会议中心", host="分管副县长 刘志强",
            enterprise_ids=[county[0].enterprise_id], unit_ids=[units["shuyang-miit"].pk],
        ),
        now=now,
    )  # fmt: skip
    return [
        f"解难帮扶会办会：已召开 1 次（{held.items.count()} 项议题），已安排 1 次（{scheduled.items.count()} 项议题）"
    ]
