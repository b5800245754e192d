"""Demo data of 局长跑现场 for `load_demo_city` (idempotent).

The unit head of 沭阳县行政审批局 (`danwei_sy`) has five runs, made through the actions: one closed
(两项整改按期核验销项), one 整改中 with an item reported and one overdue, one with no problem found,
one cancelled and one booked for next week. Dates are relative to the `now` passed in."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bangban.accounts.models import User
from bangban.org.models import Unit

from . import actions
from .models import Finding, Run

HEAD = "danwei_sy"
OTHER_UNIT = "city-approval"


def load_demo(now: dt.datetime | None = None) -> list[str]:
    """Create the demo runs if missing; return lines for the console report."""
    now = now or timezone.now()
    head = User.objects.filter(username=HEAD, is_active=True).first()
    if head is None or head.unit_id is None:
        return []
    if Run.objects.filter(unit_id=head.unit_id).exists():
        return ["局长跑现场：示范记录已存在，本次未做改动"]
    other = Unit.objects.filter(code=OTHER_UNIT).first()
    other_id = other.pk if other else head.unit_id

    def at(days: int) -> dt.datetime:
        return now - dt.timedelta(days=days)

    def book(days: int, service: str, place: str, kind: str, role: str, ahead: int = 0) -> int:
        planned = timezone.localdate(at(days)) + dt.timedelta(days=ahead)
        data = actions.RunInput(planned, service, place, kind, role)
        return actions.do_book_run.inner(acting_user=head, data=data, now=at(days)).pk

    def done(
        run: int, days: int, steps: str, minutes: int, findings: list[str], checked: str = ""
    ) -> list[int]:
        data = actions.RecordInput(
            done_on=timezone.localdate(at(days)), steps=steps, minutes=minutes, findings=findings,
            no_problem=not findings, checked=checked,
        )  # fmt: skip
        actions.do_record_run.inner(acting_user=head, run_id=run, data=data, now=at(days))
        return list(Finding.objects.filter(run_id=run).order_by("seq").values_list("pk", flat=True))

    def item(run: int, finding: int, unit: int, person: str, days: int) -> int:
        data = actions.ItemInput(finding_id=finding, owner_unit_id=unit, owner_person=person, workdays=5)
        return actions.do_add_item.inner(acting_user=head, run_id=run, data=data, now=at(days)).pk

    def fixed(pk: int, change: str, days: int, verify: bool = True) -> None:
        actions.do_report_item.inner(acting_user=head, item_id=pk, change=change, now=at(days))
        if verify:
            actions.do_verify_item.inner(acting_user=head, item_id=pk, verdict="verify", now=at(days))

    first = book(62, "企业开办", "沭阳县政务服务中心一楼企业开办专区", "experience", "applicant")
    problems = done(
        first, 60, "网上申报→窗口核验→刻章→领取执照，全程以申请人身份办理", 95,
        ["网上申报系统要求重复上传身份证正反面", "刻章环节需到另一楼层排队，无引导标识"],
    )  # fmt: skip
    a = item(first, problems[0], head.unit_id, "综合窗口科 刘科长", 59)
    b = item(first, problems[1], head.unit_id, "办公室 陈主任", 59)
    fixed(a, "申报系统已对接电子证照库，身份证只需授权调取，不再上传", 55)
    fixed(b, "刻章窗口已移入企业开办专区，一窗办结；增设地面引导标识", 54)
    actions.do_close_run.inner(acting_user=head, run_id=first, now=at(50))

    second = book(22, "施工许可", "沭阳县政务服务中心三楼工程建设项目窗口", "check", "window")
    problems = done(
        second, 20, "以窗口人员身份受理两件施工许可申请，跟踪至出证", 180,
        ["联合图审意见回传窗口需人工转录", "出证前需申请人再次到窗口签字"],
    )  # fmt: skip
    item(second, problems[0], other_id, "信息科 周工", 19)
    c = item(second, problems[1], head.unit_id, "工程建设科 吴科长", 19)
    fixed(c, "已改为电子签名确认，申请人无需二次到窗口", 10, verify=False)

    third = book(12, "不动产登记", "沭阳县不动产登记中心", "experience", "escort")
    done(third, 10, "陪同企业办理抵押登记：取号→受理→缴费→领证", 40, [],
         checked="取号等候、材料清单、一窗受理、缴费、领证各环节均按承诺时限办结，导办人员在岗")  # fmt: skip

    cancelled = book(8, "食品经营许可", "沭阳县政务服务中心二楼", "experience", "applicant")
    actions.do_cancel_run.inner(
        acting_user=head, run_id=cancelled, reason="当日全县安全生产会议，改期", now=at(7)
    )
    book(0, "水电气报装", "沭阳县政务服务中心水电气联办窗口", "check", "escort", ahead=7)
    return ["局长跑现场：示范记录 5 次（已销号 1、整改中 1、已完成 1、已取消 1、已预约 1）"]
