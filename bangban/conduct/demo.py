"""Demo data of conduct for `load_demo_city` (idempotent).

作风办 (`zuofeng`) publishes the first 负面清单 of eleven items, in force from today. The inspector
`zhifa` (市市场监管局) entered the demo enterprise (`qiye`) twice this week — a routine inspection
inside the quiet period and an enforcement visit without a task number — and a county handler
came for 调研; the enterprise confirmed one entry, reported one as improper and reported a visit
nobody registered. The month's flags are computed at the end. Made through the actions, so every
record is audited like real work."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bangban.accounts.models import User

from . import actions
from .flags import compute_flags
from .models import NegativeListVersion, Purpose
from .rules import Month

FIRST_LIST = [
    ("FM-01", "吃拿卡要", "借入企检查、调研、服务之机索取或收受财物、宴请、礼品，或要求企业报销费用。"),
    (
        "FM-02",
        "多头重复检查",
        "同一部门对同一企业短期内就同一事项重复检查；能联合检查的不联合，能合并的不合并。",
    ),
    ("FM-03", "随意要求企业迎检", "要求企业停产停工迎检、准备汇报材料、安排人员陪同或布置迎检场地。"),
    ("FM-04", "无依据检查", "无法律法规依据、无检查任务编号开展检查，或超出检查事项范围检查。"),
    (
        "FM-05",
        "安静期例行检查",
        "在企业安静期内开展非必要的例行检查（依法处置投诉举报、安全隐患的执法除外）。",
    ),
    ("FM-06", "指定服务", "指定或变相指定中介机构、培训、产品和服务，或强制企业参加有偿活动。"),
    ("FM-07", "乱摊派", "向企业摊派赞助、捐赠、订购报刊书籍，或要求企业参加评比达标表彰。"),
    ("FM-08", "干预经营自主权", "干预企业正常的生产经营、人事任免、招投标等自主决策事项。"),
    ("FM-09", "随意查封扣押", "未经法定程序查封、扣押企业财产，或超范围、超期限查封扣押。"),
    ("FM-10", "泄露商业秘密", "泄露入企检查、调研中获取的企业商业秘密和个人信息。"),
    ("FM-11", "刁难推诿", "对企业诉求推诿扯皮、敷衍塞责，或以检查相威胁施加不当压力。"),
]


def load_demo(now: dt.datetime | None = None) -> list[str]:
    """Create the demo records if missing; return lines for the console report."""
    now = now or timezone.now()
    users = {u.username: u for u in User.objects.filter(username__in=["zuofeng", "zhifa", "bangban", "qiye"])}
    if "zuofeng" not in users:
        return []
    if NegativeListVersion.objects.exists():
        return ["作风建设：负面清单已存在，本次未做改动"]
    version = actions.do_publish_negative_list.inner(
        acting_user=users["zuofeng"],
        title="宿迁市干扰企业生产经营负面清单",
        effective_from=timezone.localdate(now),
        items=[{"code": c, "title": t, "description": d} for c, t, d in FIRST_LIST],
        note="首次发布。",
        now=now,
    )
    lines = [f"作风建设：负面清单第 {version.number} 版（{len(FIRST_LIST)} 项）"]
    company = users.get("qiye")
    inspector = users.get("zhifa")
    if company is None or company.enterprise_id is None or inspector is None:
        return lines
    enterprise = company.enterprise_id
    inspection = actions.do_register_entry.inner(
        acting_user=inspector,
        data=actions.EntryInput(
            enterprise_id=enterprise,
            purpose=Purpose.INSPECTION,
            description="食品生产许可条件现场核查",
            legal_basis="《食品生产许可管理办法》第四十五条",
            task_number="SQSJ-2026-0815",
            entered_at=now - dt.timedelta(days=2, hours=1),
        ),
        now=now,
    )
    actions.do_leave_entry.inner(
        acting_user=inspector, entry_id=inspection.pk, left_at=now - dt.timedelta(days=2), now=now
    )
    enforcement = actions.do_register_entry.inner(
        acting_user=inspector,
        data=actions.EntryInput(
            enterprise_id=enterprise,
            purpose=Purpose.ENFORCEMENT,
            description="核查群众举报的标签标识问题",
            legal_basis="《中华人民共和国产品质量法》第十八条",
            entered_at=now - dt.timedelta(days=1, hours=3),
        ),
        now=now,
    )
    actions.do_leave_entry.inner(
        acting_user=inspector, entry_id=enforcement.pk, left_at=now - dt.timedelta(days=1, hours=1), now=now
    )
    actions.do_respond_entry.inner(acting_user=company, entry_id=inspection.pk, decision="confirm", now=now)
    items = {i.code: i for i in version.items.all()}
    actions.do_respond_entry.inner(
        acting_user=company,
        entry_id=enforcement.pk,
        decision="report",
        item_id=items["FM-03"].pk,
        note="要求企业停产两小时、由总经理全程陪同迎检。",
        now=now,
    )
    if "bangban" in users:
        actions.do_register_entry.inner(
            acting_user=users["bangban"],
            data=actions.EntryInput(
                enterprise_id=enterprise, purpose=Purpose.RESEARCH, description="了解企业用工和融资需求"
            ),
            now=now,
        )
    actions.do_report_unregistered.inner(
        acting_user=company,
        occurred_on=timezone.localdate(now) - dt.timedelta(days=5),
        unit_name="某区消防救援大队（未出示证件）",
        description="两人未登记即进入车间拍照检查，未说明检查依据。",
        item_id=items["FM-04"].pk,
        now=now,
    )
    counts = compute_flags.inner(Month.of(timezone.localdate(now)), now=now)
    lines.append(f"作风建设：入企登记 3 次，作风预警 {sum(counts.values())} 条")
    return lines
