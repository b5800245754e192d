"""Demo 随手拍 and complaint-phone reports for `load_demo_city` (idempotent), after the registers of
`demo.py` and the 问题清单 of `demo_problems.py`: five reports in every state — one waiting, one being verified, one under investigation,
one found unfounded and one founded and published on the 曝光台. Made through the actions, so every
record is numbered, timed and audited like real work; the demo visitors' numbers count as confirmed
by SMS."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bangban.accounts.models import User
from bangban.tickets.models import PhoneVerification
from bangban.tickets.privacy import NOTICE_VERSION

from . import actions, demo_problems
from .models import ConductComplaint

REPORTS = [
    # (phone, name, category, text, how far it got)
    (
        "13905270101",
        "",
        "buck_passing",
        "办理厂房竣工验收，住建和消防两个窗口互相让我们先去对方那里盖章，跑了四趟。",
        "",
    ),
    (
        "13905270102",
        "陈先生",
        "perfunctory",
        "咨询技改项目备案，窗口人员只说“回去等通知”，两周无人联系。",
        "verify",
    ),
    ("13905270103", "", "policy_discount", "申报的稳岗补贴被要求先参加收费培训才给办理。", "investigate"),
    ("13905270104", "刘女士", "breach", "园区承诺的标准厂房租金减免至今未兑现。", "dismiss"),
]
PHONE_CALL = ("13605270105", "孙经理", "breach", "招商时约定的配套道路三年未建，多次反映无果。")


def _confirmed(phone: str, now: dt.datetime) -> int:
    """A demo visitor's number, confirmed (no SMS is sent while loading the demo)."""
    return PhoneVerification.objects.create(
        phone=phone,
        code_hash="demo",
        created_at=now,
        expires_at=now,
        verified_at=now,
        privacy_notice=NOTICE_VERSION,
    ).pk


def load_demo(now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    lines = demo_problems.load_demo(now)
    office = User.objects.filter(username="zuofeng").first()
    inspector = User.objects.filter(username="zhifa").first()
    if office is None or ConductComplaint.objects.exists():
        return lines
    unit = inspector.unit_id if inspector is not None else None
    made = []
    for i, (phone, name, category, text, reached) in enumerate(REPORTS):
        at = now - dt.timedelta(days=6 - i, hours=2)
        complaint = actions.do_submit_snap.inner(
            verification_id=_confirmed(phone, at),
            phone=phone,
            data=actions.SnapInput(category=category, content=text, contact_name=name),
            now=at,
        )
        if reached:
            actions.do_start_verification.inner(
                acting_user=office,
                complaint_id=complaint.pk,
                unit_id=unit,
                now=at,
            )
        if reached == "investigate":
            actions.do_investigate.inner(
                acting_user=office, complaint_id=complaint.pk, note="调阅材料并约谈经办人，基本属实。", now=at
            )
        if reached == "dismiss":
            actions.do_dismiss.inner(
                acting_user=office,
                complaint_id=complaint.pk,
                note="经查租金减免已按协议分期兑现，反映不属实。",
                now=at,
            )
        made.append(complaint)
    phone, name, category, text = PHONE_CALL
    at = now - dt.timedelta(days=9)
    call = actions.do_register_phone_complaint.inner(
        acting_user=office,
        data=actions.SnapInput(category=category, content=text, contact_name=name, contact_phone=phone),
        now=at,
    )
    actions.do_start_verification.inner(acting_user=office, complaint_id=call.pk, unit_id=unit, now=at)
    actions.do_investigate.inner(
        acting_user=office, complaint_id=call.pk, note="调取招商协议，属实。", now=at
    )
    actions.do_conclude.inner(
        acting_user=office, complaint_id=call.pk, penalty="责令限期建成；对责任人通报批评。", now=at
    )
    actions.do_publish.inner(
        acting_user=office,
        complaint_id=call.pk,
        title="某园区招商承诺配套道路三年未兑现被通报",
        summary="经查，某园区招商时约定的配套道路三年未建，属违约失信。已责令限期建成，并对相关责任人通报批评。",
        now=now - dt.timedelta(days=2),
    )
    lines.append(f"作风建设：随手拍与投诉电话 {len(made) + 1} 件，其中曝光典型案例 1 件")
    return lines
