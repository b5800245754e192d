"""Demo data of outreach for `load_demo_city` (idempotent: nothing is created twice).

* 首席服务员 `shouxi` (经开区) serves two investment projects: one in the zone with a 全程代办
  procedure in progress and a 告知 procedure with its solution, and one of the demo enterprise
  account's (`qiye`) company; this month's problems of the zone include one solved there and one
  transferred to 市商务局 as a case.
* 营商办 `yingshangban` keeps two 惠企政策 and has pushed them; `qiye` has read one.
* An association's opinion answered; the association's own account `xiehui` is linked to it and
  has submitted one opinion itself (awaiting 市工信局's answer); a supervisor's (`jianduyuan`) report forwarded as a case, a
  恳谈会, and this half year's 企业家座谈会 with `qiye`'s self-nomination.
Made through the actions, so every record is audited like real work."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bangban.accounts.models import User
from bangban.enterprises.models import Enterprise, Industry, Tier
from bangban.org.models import Region, Unit

from . import forums, policies, projects, pushes, symposia, talks
from .models import (
    Association,
    AssociationOpinion,
    Event,
    EventItem,
    EventKind,
    InvestmentProject,
    Policy,
    PolicyDelivery,
    SupervisorReport,
    Symposium,
)

ASSOCIATION = "宿迁市纺织服装商会"
ZONE_PROJECT = "新能源电池正极材料项目"
OWN_PROJECT = "智能化改造扩产项目"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def load_demo(now: dt.datetime | None = None) -> list[str]:
    chief, office, ent_user, supervisor, admin = (
        _user(n) for n in ("shouxi", "yingshangban", "qiye", "jianduyuan", "admin")
    )
    if chief is None or office is None or chief.unit is None:
        return ["项目服务与政企互动：缺少示范账号，未载入"]
    today = timezone.localdate(now or timezone.now())
    lines: list[str] = []
    lines += _projects(chief, office, ent_user, today)
    lines += _policies(office, ent_user)
    lines += _forums(office, supervisor, admin, ent_user, today)
    lines += _association_account(office, _user("xiehui"), ent_user)
    return lines or ["项目服务与政企互动：示范数据已存在，本次未做改动"]


def _projects(chief: User, office: User, ent_user: User | None, today: dt.date) -> list[str]:
    if InvestmentProject.objects.filter(name=ZONE_PROJECT).exists():
        return []
    zone: Region = chief.unit.region  # type: ignore[union-attr]
    local = (
        Enterprise.objects.filter(region__path__startswith=zone.path, is_active=True).order_by("id").first()
    )
    project = projects.do_create_project.inner(
        acting_user=office,
        data={
            "name": ZONE_PROJECT,
            "enterprise_id": local.pk if local else None,
            "investor": "" if local else "江苏某新能源科技集团",
            "region": zone.code,
            "amount": "186000",
            "stage": "approving",
            "chief_officer_id": chief.pk,
            "description": "总投资18.6亿元，建设年产5万吨正极材料生产线，分两期建设。",
        },
    )
    proxy = projects.do_add_procedure.inner(
        acting_user=chief,
        project_id=project.pk,
        data={
            "name": "建筑工程施工许可",
            "mode": "proxy",
            "due_date": (today + dt.timedelta(days=20)).isoformat(),
        },
    )
    projects.do_record_progress.inner(
        acting_user=chief,
        procedure_id=proxy.pk,
        note="已代为提交施工图审查合格书和质量安全监督手续",
        status="in_progress",
    )
    projects.do_add_procedure.inner(
        acting_user=chief,
        project_id=project.pk,
        data={
            "name": "排污许可证（二期）",
            "mode": "inform",
            "inform_reason": "二期尚未完成环评批复，排污许可须由企业在投产前自行申领，不能代办",
            "inform_solution": "开发区生态环境分局安排专人指导环评编制，批复后5个工作日内协助企业在线申领",
        },
    )
    solved = projects.do_add_problem.inner(
        acting_user=chief,
        project_id=project.pk,
        data={"title": "临时施工用水未接通", "content": "项目一期施工需临时用水，水务公司尚未排期接管"},
    )
    projects.do_solve_problem.inner(
        acting_user=chief, problem_id=solved.pk, solution="开发区协调水务公司三日内完成临时接管"
    )
    moved = projects.do_add_problem.inner(
        acting_user=chief,
        project_id=project.pk,
        data={
            "title": "110千伏专线接入需市级协调",
            "content": "项目二期需新建110千伏专线，涉及跨区线路走廊，开发区层面无法协调",
            "delays_project": True,
        },
    )
    lines = [f"招商项目：{project.name}（首席服务员 {chief.display_name}）"]
    try:
        projects.do_transfer_problem.inner(
            acting_user=chief, problem_id=moved.pk, note="请市商务局协调供电公司"
        )
        lines.append("  项目问题：1 个本级解决，1 个已转市商务局")
    except Exception as exc:  # the rest of the demo stays usable
        lines.append(f"  项目问题转办未完成：{exc}")
    if ent_user is not None and ent_user.enterprise_id:
        enterprise = ent_user.enterprise
        own = projects.do_create_project.inner(
            acting_user=office,
            data={
                "name": OWN_PROJECT,
                "enterprise_id": enterprise.pk,  # type: ignore[union-attr]
                "region": enterprise.region.code,  # type: ignore[union-attr]
                "amount": "32000",
                "stage": "constructing",
                "chief_officer_id": chief.pk,
            },
        )
        projects.do_add_procedure.inner(
            acting_user=chief,
            project_id=own.pk,
            data={"name": "不动产权证（新增用地）", "mode": "proxy"},
        )
        lines.append(f"招商项目：{own.name}（{enterprise}）")
    return lines


def _policies(office: User, ent_user: User | None) -> list[str]:
    if Policy.objects.filter(title="制造业智能化改造和数字化转型奖补").exists():
        return []
    issuer = Unit.objects.filter(code="city-miit").first()
    first = policies.do_create_policy.inner(
        acting_user=office,
        data={
            "title": "制造业智能化改造和数字化转型奖补",
            "doc_number": "宿政办发〔2024〕15号",
            "issuer_id": issuer.pk if issuer else None,
            "summary": "对当年完成智能化改造、设备投资500万元以上的工业企业，按设备投资额的10%给予补助，单个项目最高300万元。",
            "published_on": "2024-03-01",
            "industries": [Industry.C],
            "tiers": [Tier.CITY_TOP100, Tier.COUNTY_KEY],
            "keywords": ["智能化改造", "数字化转型", "技改"],
        },
    )
    second = policies.do_create_policy.inner(
        acting_user=office,
        data={
            "title": "中小微企业稳岗扩岗补贴",
            "summary": "吸纳高校毕业生就业并签订一年以上劳动合同的中小微企业，按每人1500元给予一次性扩岗补助。",
            "published_on": "2025-02-10",
            "scales": ["small", "micro"],
            "keywords": ["稳岗", "扩岗补贴"],
        },
    )
    lines = []
    for policy in (first, second):
        try:
            push = pushes.do_push_policy.inner(acting_user=office, policy_id=policy.pk, send_sms=False)
        except Exception:  # no matching enterprise in this city
            continue
        if push.running:
            push = policies.run_push(push.pk)
        lines.append(f"惠企政策：{policy.title}，已送达 {push.delivered} 家企业")
    if ent_user is not None and ent_user.enterprise_id:
        delivery = PolicyDelivery.objects.filter(enterprise_id=ent_user.enterprise_id).order_by("id").first()
        if delivery is not None:
            policies.do_mark_read.inner(acting_user=ent_user, delivery_id=delivery.pk)
    return lines


def _forums(
    office: User, supervisor: User | None, admin: User | None, ent_user: User | None, today: dt.date
) -> list[str]:
    lines: list[str] = []
    city = Region.objects.filter(parent__isnull=True).order_by("id").first()
    if city is not None and not Association.objects.filter(name=ASSOCIATION).exists():
        members = [ent_user.enterprise_id] if ent_user and ent_user.enterprise_id else []
        association = forums.do_create_association.inner(
            acting_user=office,
            data={"name": ASSOCIATION, "region": city.code, "member_ids": members},
        )
        unit = Unit.objects.filter(code="city-hrss").first() or office.unit
        opinion = forums.do_submit_opinion.inner(
            acting_user=office,
            data={
                "association_id": association.pk,
                "title": "旺季用工缺口大，希望开展校企对接",
                "content": "会员企业反映每年三季度订单高峰期普工缺口约800人，建议人社部门组织专场招聘和职业院校定向培养。",
                "answer_unit_id": unit.pk if unit else None,
                "enterprise_ids": members,
            },
        )
        if admin is not None:
            forums.do_answer_opinion.inner(
                acting_user=admin,
                opinion_id=opinion.pk,
                answer="市人社局将于每年6月、8月举办纺织服装行业专场招聘会，并与市职教中心开设订单班。",
            )
        lines.append("议事厅：1 条协会意见（已答复，待企业评价）")
    if supervisor is not None and not SupervisorReport.objects.exists():
        report = forums.do_submit_report.inner(
            acting_user=supervisor,
            data={
                "title": "政务服务中心窗口要求重复提交材料",
                "content": "企业办理变更登记时，窗口要求再次提交已在系统中的营业执照复印件和法人身份证复印件。",
                "enterprise_name": "",
            },
        )
        forums.do_forward_report.inner(acting_user=office, report_id=report.pk, note="请行政审批局核查并整改")
        forums.do_submit_report.inner(
            acting_user=supervisor,
            data={
                "title": "园区道路夜间照明不足",
                "content": "开发区某路段路灯损坏一周未修，影响企业员工夜班通勤。",
            },
        )
        lines.append("监督员：2 个问题（1 个已转办）")
    if not Event.objects.exists():
        forums.do_record_event.inner(
            acting_user=office,
            data={
                "kind": "talk",
                "theme": "民营企业融资难、融资贵",
                "held_on": (today - dt.timedelta(days=12)).isoformat(),
                "location": "市民服务中心三楼会议室",
                "participants": "市营商办、市地方金融监管局、6家银行、12家民营企业负责人",
                "outcomes": "银行现场对接授信需求3.2亿元；企业建议扩大应急转贷资金规模，已转市财政局研究。",
            },
        )
        lines.append("恳谈会：1 场")
    lines += _talk_follow_up(office, ent_user, today)
    half = 1 if today.month <= 6 else 2
    co_units = list(
        Unit.objects.filter(code__in=["city-agriculture", "city-ndrc"], is_active=True).values_list(
            "pk", flat=True
        )
    )
    if not Symposium.objects.filter(year=today.year, half=half).exists():
        symposium = symposia.do_create_symposium(
            acting_user=office,
            data={
                "year": today.year,
                "half": half,
                "themes": "重点产业链\n现代服务业\n现代农业",
                "co_unit_ids": co_units,
            },
        )
        if ent_user is not None:
            symposia.do_nominate.inner(
                acting_user=ent_user, symposium_id=symposium.pk, reason="行业龙头，愿分享链主经验"
            )
        lines.append(f"企业家座谈会：{symposium.title}（征集人选中，配合单位 {len(co_units)} 个）")
    # The half year before: arranged but never held — the list flags it (R13 every half year).
    year, prev = (today.year, 1) if half == 2 else (today.year - 1, 2)
    if not Symposium.objects.filter(year=year, half=prev).exists():
        symposia.do_create_symposium(
            acting_user=office,
            data={"year": year, "half": prev, "themes": "民营经济高质量发展", "co_unit_ids": co_units},
        )
        lines.append(f"企业家座谈会：{year}年{'上' if prev == 1 else '下'}半年已安排未召开（列表标示）")
    return lines


def _talk_follow_up(office: User, ent_user: User | None, today: dt.date) -> list[str]:
    """The 恳谈会's problems and suggestions (one turned into a case and followed up) and a
    宿商讲坛 with its attendance."""
    lines: list[str] = []
    now = timezone.now()
    talk = Event.objects.filter(kind=EventKind.TALK).order_by("id").first()
    ent_id = ent_user.enterprise_id if ent_user else None
    if talk is not None and not EventItem.objects.exists():
        problem = talks.do_record_item.inner(
            acting_user=office,
            event_id=talk.pk,
            data={
                "kind": "problem",
                "content": "到期贷款续贷审批时间长，银行要求先还后贷，企业需高息过桥",
                "enterprise_id": ent_id,
                "raised_by": "企业负责人",
            },
            now=now,
        )
        talks.do_record_item.inner(
            acting_user=office,
            event_id=talk.pk,
            data={
                "kind": "suggestion",
                "content": "扩大应急转贷资金规模，简化申请手续",
                "raised_by": "市工商联",
            },
            now=now,
        )
        talks.do_convert_item.inner(acting_user=office, item_id=problem.pk, now=now)
        talks.do_follow_item.inner(
            acting_user=office, item_id=problem.pk, note="已请市地方金融监管局约谈相关银行", now=now
        )
        lines.append("恳谈会：2 条问题建议（1 条已转诉求并跟踪）")
    if not Event.objects.filter(kind=EventKind.FORUM).exists():
        forum = forums.do_record_event.inner(
            acting_user=office,
            data={
                "kind": "forum",
                "theme": "宿商讲坛：民营企业数字化转型",
                "held_on": (today - dt.timedelta(days=5)).isoformat(),
                "location": "市民服务中心报告厅",
                "participants": "市工信局讲师、民营企业经营管理人员",
            },
        )
        for name, position, enterprise in (
            ("陈经理", "总经理", ent_id),
            ("刘主管", "信息化主管", ent_id),
            ("孙女士", "财务总监", None),
        ):
            talks.do_record_attendance.inner(
                acting_user=office,
                event_id=forum.pk,
                data={"name": name, "position": position, "enterprise_id": enterprise},
                now=now,
            )
        lines.append("宿商讲坛：1 场（签到 3 人）")
    return lines


def _association_account(office: User, account: User | None, ent_user: User | None) -> list[str]:
    """Link the demo association account and let it submit an opinion of its own."""
    association = Association.objects.filter(name=ASSOCIATION).first()
    if account is None or association is None:
        return []
    lines: list[str] = []
    if not association.accounts.filter(pk=account.pk).exists():
        linked = [*association.accounts.values_list("pk", flat=True), account.pk]
        forums.do_set_association_accounts.inner(
            acting_user=office, association_id=association.pk, data={"account_ids": linked}
        )
        lines.append(f"协会商会账号：{account.username} 已关联{association.name}")
    if not AssociationOpinion.objects.filter(submitted_by=account).exists():
        unit = Unit.objects.filter(code="city-miit", is_active=True).first() or office.unit
        members = list(association.members.values_list("pk", flat=True))
        forums.do_submit_opinion.inner(
            acting_user=account,
            data={
                "title": "印染企业用能指标紧张，希望统筹分配",
                "content": "会员企业反映今年新增订单多，但用能指标不足，部分印染产线只能间歇生产。"
                "建议工信部门统筹年度用能指标，优先保障技改后能效达标的企业。",
                "answer_unit_id": unit.pk if unit else None,
                "enterprise_ids": members[:1],
            },
        )
        lines.append("议事厅：协会商会账号自行提交 1 条意见（待答复）")
    return lines
