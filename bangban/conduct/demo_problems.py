"""Demo data of the 直通车企业 register and the 问题清单 (R7.1), after the rest of conduct's demo
(`ConductConfig.demo` runs both; idempotent).

作风办 (`zuofeng`) designated ten enterprises two months ago — seven 直通车企业 and three 作风观察点 —
called two of them back, and keeps eight problems: three still 待转办, one closed directly, four
transferred to units as cases; 沭阳县行政审批局 answered one of them (its item shows 已办结). Made
through the actions, so everything is audited like real work."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bangban.accounts.models import User
from bangban.enterprises.models import Enterprise
from bangban.org.models import Unit
from bangban.tickets.actions import do_accept, do_approve_reply, do_submit_reply
from bangban.tickets.models import ContactMethod, ReplyResult

from . import actions, demo
from .models import Designation, DesignationKind, NegativeListItem, ProblemSource

# (source, source reference, enterprise index or None, problem, days ago, negative-list code)
PROBLEMS = [
    (
        ProblemSource.COVERT,
        "沭阳县政务服务中心不动产登记窗口",
        None,
        "暗访发现窗口要求企业重复提交已在网上上传的营业执照、法人身份证复印件。",
        6,
        "FM-11",
    ),
    (
        ProblemSource.SYMPOSIUM,
        "11月企业家座谈会（市工信局）",
        0,
        "企业反映同一月内被不同科室以同一事项检查三次，每次都要准备汇报材料。",
        12,
        "FM-02",
    ),
    (
        ProblemSource.SYMPOSIUM,
        "11月企业家座谈会（市工信局）",
        1,
        "新厂房消防验收排期超过一个月，影响按期投产。",
        12,
        "",
    ),
    (
        ProblemSource.COVERT,
        "泗阳县市场监管局注册登记窗口",
        None,
        "午休时间窗口无人值守，未按承诺实行延时服务。",
        9,
        "",
    ),
    (ProblemSource.OTHER, "作风办来信", 3, "某执法人员要求企业指定第三方机构出具检测报告。", 4, "FM-06"),
    (
        ProblemSource.COVERT,
        "宿城区政务服务中心",
        None,
        "窗口人员上班时间使用手机玩游戏，企业排队无人受理。",
        3,
        "",
    ),
]
REGIONS = {"沭阳": "321322", "泗阳": "321323", "宿城": "321302"}


def load_demo(now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    lines = demo.load_demo(now)
    return lines + load_problems(now)


def load_problems(now: dt.datetime) -> list[str]:
    names = ["zuofeng", "chengban_sy", "danwei_sy"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    zuofeng = users.get("zuofeng")
    if zuofeng is None:
        return []
    if Designation.objects.exists():
        return ["作风建设：直通车企业已存在，本次未做改动"]
    today = timezone.localdate(now)
    firms = list(Enterprise.objects.select_related("region").order_by("pk")[:10])
    for i, firm in enumerate(firms):
        actions.do_designate.inner(
            acting_user=zuofeng,
            enterprise_id=firm.pk,
            kind=DesignationKind.OBSERVATION if i % 3 == 2 else DesignationKind.THROUGH_TRAIN,
            starts_on=today - dt.timedelta(days=60),
            note="2026年第一批涉企作风建设“直通车”",
            now=now,
        )
    if len(firms) < 4:
        return [f"作风建设：直通车企业和观察点 {len(firms)} 家"]
    items = []
    cited = dict(NegativeListItem.objects.values_list("code", "pk"))
    for source, ref, index, text, days, code in PROBLEMS:
        region = next((r for name, r in REGIONS.items() if name in ref), "321302")
        items.append(
            actions.do_record_problem.inner(
                acting_user=zuofeng,
                data=actions.ProblemInput(
                    source=source,
                    source_ref=ref,
                    enterprise_id=firms[index].pk if index is not None else None,
                    region_code="" if index is not None else region,
                    text=text,
                    found_on=today - dt.timedelta(days=days),
                    item_id=cited.get(code) if code else None,
                ),
                now=now,
            )
        )
    for called, satisfied, raised in ((firms[2], False, ["环评批复迟迟没有答复，多次电话无人接听。"]),
                                    (firms[4], True, ["希望税务部门上门辅导新的申报系统。"])):  # fmt: skip
        call = actions.do_record_return_call.inner(
            acting_user=zuofeng, enterprise_id=called.pk, called_on=today - dt.timedelta(days=2), contact="企业负责人",
            satisfied=satisfied, problems=raised, now=now,
        )  # fmt: skip
        items.extend(call.problems.all())
    units = {u.code: u for u in Unit.objects.filter(code__in=["shuyang-approval", "siyang-gov"])}
    lines = [f"作风建设：直通车企业和观察点 {len(firms)} 家，问题清单 {len(items)} 条"]
    if len(units) < 2:
        return lines
    approval, siyang = units["shuyang-approval"], units["siyang-gov"]
    for item, unit in ((items[0], approval), (items[1], approval), (items[3], siyang), (items[6], siyang)):
        actions.do_transfer_problem.inner(acting_user=zuofeng, item_id=item.pk, unit_id=unit.pk, now=now)
    actions.do_resolve_problem.inner(
        acting_user=zuofeng, item_id=items[5].pk, note="已约谈窗口负责人，当场整改并通报。", now=now
    )
    if "chengban_sy" in users and "danwei_sy" in users:
        items[0].refresh_from_db()
        case_id = items[0].case_id
        assert case_id is not None
        do_accept.inner(acting_user=users["chengban_sy"], ticket_id=case_id, now=now)
        do_submit_reply.inner(
            acting_user=users["chengban_sy"], ticket_id=case_id, result=ReplyResult.RESOLVED,
            content="已责令窗口整改，网上已提交的材料不再要求纸质重复提交，并在全县窗口通报。",
            contact_method=ContactMethod.PHONE, contacted_at=now, contact_person="企业负责人", now=now,
        )  # fmt: skip
        do_approve_reply.inner(acting_user=users["danwei_sy"], ticket_id=case_id, now=now)
    lines.append("作风建设：问题清单转办 4 件（1 件已答复），直接办结 1 件")
    return lines
