"""The sample objects the permission matrix names in its addresses: one of each kind the product has
an address for, all of 沭阳县 — led by, answered by or belonging to 沭阳县政府 (the unit of
`handler_shuyang`), of 沭阳示例纺织有限公司 (the enterprise of `enterprise_user`), in 沭阳's region.

Next to them, the callers whose scope the matrix exercises besides the shared `world` cast:
`handler_shuyang_other_unit`, a handler of 沭阳县市场监督管理局 (another unit of the same county), and
`enterprise_other`, the user of 沭阳另一家机械有限公司 (another enterprise of the same county).

Objects are written straight into their tables where the lifecycle that would produce them is not
what the matrix is about (a case in progress, an escalated case, a meeting with a task…), and made
through the product's actions where one exists and is short (tokens, the ranking,
accountability records, windows, the 回头看 draw)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType

from bangban.accounts.actions import do_create_token
from bangban.accounts.roles import Rank, Role
from bangban.conftest import DEMO_NOW, World, make_enterprise, make_user
from bangban.org.models import SiteLevel, Unit, UnitType

D = DEMO_NOW
TODAY = DEMO_NOW.date()


class Samples:
    """Named sample objects (attributes are set by `build`)."""

    handler_shuyang_other_unit: Any
    enterprise_other: Any
    values: dict[str, str]
    analysis: Any

    def __init__(self) -> None:
        self.values = {}


def _tickets(w: World, s: Samples) -> None:
    from bangban.tickets import defaults
    from bangban.tickets.models import (
        AssignmentRole,
        Attachment,
        Category,
        Channel,
        DeadlinePolicy,
        DeadlineRequest,
        RoutingRule,
        SavedView,
        Ticket,
        TicketAssignment,
    )

    defaults.ensure_defaults()
    s.category = Category.objects.create(code="PERM-01", name="涉企审批", level=1, path="涉企审批")
    s.policy = DeadlinePolicy.objects.order_by("pk").first()
    s.rule = RoutingRule.objects.create(unit=w.shuyang_gov, region=w.shuyang, category=s.category)

    def case(number: str, **fields: Any) -> Ticket:
        values: dict[str, Any] = {
            "channel": Channel.PORTAL,
            "status": "in_progress",
            "lead_unit": w.shuyang_gov,
            "title": "沭阳示例纺织有限公司反映的问题",
            "content": "企业反映的问题内容。",
            "enterprise": w.ent_shuyang,
            "region": w.shucheng,
            "submitter": w.enterprise_user,
            "received_at": D - dt.timedelta(days=3),
            "dispatched_at": D - dt.timedelta(days=3),
            "accepted_at": D - dt.timedelta(days=2),
            "due_at": D + dt.timedelta(days=10),
        }
        values.update(fields)
        ticket = Ticket.objects.create(number=number, **values)
        TicketAssignment.objects.create(
            ticket=ticket, unit=w.shuyang_gov, role=AssignmentRole.LEAD, assigned_at=ticket.received_at
        )
        return ticket

    s.case = case("TS-20261115-90001")
    s.mayor_case = case("SZ-20261115-90002", channel=Channel.MAYOR, status="pending_dispatch", lead_unit=None)
    s.escalated_case = case("TS-20261115-90003")
    october = dt.datetime(2026, 10, 12, 10, 0, tzinfo=D.tzinfo)
    s.closed_case = case(
        "TS-20261012-90004", status="closed", received_at=october, dispatched_at=october,
        accepted_at=october, due_at=october + dt.timedelta(days=7), closed_at=october + dt.timedelta(days=3),
    )  # fmt: skip
    s.request = DeadlineRequest.objects.create(
        ticket=s.case, kind="extension", reason="需要补充材料", workdays=5,
        requested_by=w.handler_shuyang, requested_at=D - dt.timedelta(days=1),
    )  # fmt: skip
    s.attachment = Attachment.objects.create(
        ticket=s.case, file="cases/perm.txt", original_name="材料.txt", content_type="text/plain",
        size=3, sha256="0" * 64, uploaded_by=w.enterprise_user,
    )  # fmt: skip
    s.view = SavedView.objects.create(
        user=w.handler_shuyang, name="我的视图", page="work", query="status=open"
    )


def _escalation(w: World, s: Samples) -> None:
    from bangban.escalation.actions import ensure_default_tiers, settings_row
    from bangban.escalation.models import (
        CaseEscalation,
        DeputyRoute,
        Dispute,
        MayorReview,
        Meeting,
        MeetingTask,
        SupervisionOrder,
        Tier,
        VicePortfolio,
    )

    ensure_default_tiers()
    settings_row()
    s.tier = Tier.objects.order_by("level").first()
    gov_office = Unit.objects.create(
        code="perm-gov-office", name="宿迁市人民政府办公室", short_name="市政府办公室",
        type=UnitType.CITY_DEPARTMENT, region=w.city,
    )  # fmt: skip
    deputy = make_user("perm_deputy", Role.DEPUTY_SECRETARY_GENERAL, unit=gov_office, full_name="副秘书长")
    s.route = DeputyRoute.objects.create(category=s.category, deputy=deputy)
    vice_mayor = make_user("perm_vice_mayor", Role.VICE_MAYOR, unit=gov_office, full_name="分管副市长")
    s.portfolio = VicePortfolio.objects.create(category=s.category, vice_mayor=vice_mayor)
    CaseEscalation.objects.create(ticket=s.escalated_case, tier=s.tier, entered_at=D - dt.timedelta(days=1))
    MayorReview.objects.create(ticket=s.mayor_case, collected_at=D - dt.timedelta(days=2))
    s.meeting = Meeting.objects.create(
        type="topic", title="沭阳诉求专题会办", held_at=D - dt.timedelta(days=1), chair=w.biz_office,
        created_by=w.biz_office, created_at=D - dt.timedelta(days=2),
    )  # fmt: skip
    s.task = MeetingTask.objects.create(
        meeting=s.meeting, ticket=s.escalated_case, content="限期解决", owner_unit=w.shuyang_gov,
        workdays=5, due_at=D + dt.timedelta(days=7), created_at=D - dt.timedelta(days=1),
    )  # fmt: skip
    s.order = SupervisionOrder.objects.create(
        kind="supervise", ticket=s.escalated_case, unit=w.shuyang_gov, content="请加快办理",
        issued_by=w.biz_office, issued_at=D - dt.timedelta(days=1), workdays=3,
        due_at=D + dt.timedelta(days=3),
    )  # fmt: skip
    s.dispute = Dispute.objects.create(
        ticket=s.case, unit=w.shuyang_gov, reason="不属于本单位职责", raised_by=w.handler_shuyang,
        raised_at=D - dt.timedelta(days=1), decide_due_at=D + dt.timedelta(days=2),
    )  # fmt: skip


def _ratings(w: World, s: Samples) -> None:
    from bangban.ratings import actions, recheck, recheck_enterprises
    from bangban.ratings.models import (
        RatedSubject,
        Rating,
        RatingDevice,
        RecheckItem,
        Rectification,
    )

    actions.forget_caches()
    s.site = Unit.objects.create(
        code="perm-shuyang-hall", name="沭阳县政务服务中心", short_name="沭阳政务服务中心",
        type=UnitType.SERVICE_SITE, site_level=SiteLevel.COUNTY, region=w.shuyang, parent=w.shuyang_gov,
    )  # fmt: skip
    s.window = actions.do_create_window(
        acting_user=w.biz_office, site_id=s.site.pk, code="A01", name="企业开办窗口"
    )
    s.device = RatingDevice.objects.create(
        site=s.site, name="A01 评价器", key_prefix="permdev1", key_hash="x" * 64
    )
    subject = RatedSubject.objects.create(
        kind="case", ticket=s.closed_case, unit=w.shuyang_gov, created_at=D - dt.timedelta(days=1)
    )
    s.rating = Rating.objects.create(
        subject=subject, level=5, channel="pc", rater=w.enterprise_user, unit=w.shuyang_gov,
        created_at=D - dt.timedelta(days=1),
    )  # fmt: skip
    s.rect = Rectification.objects.create(
        rating=s.rating, subject=subject, unit=w.shuyang_gov, number="ZG-2026-9001",
        created_at=D - dt.timedelta(days=1),
    )  # fmt: skip
    # October's 回头看 draw, whose population is the one case closed that month.
    s.draw = recheck.do_draw(acting_user=w.biz_office, year=2026, month=10, seed=1, now=D)
    s.enterprise_recheck = recheck_enterprises.do_sample_enterprises(
        acting_user=w.biz_office, year=2026, month=10, seed=1, now=D
    )
    RecheckItem.objects.get_or_create(
        draw=s.draw, ticket=s.closed_case, defaults={"unit": w.shuyang_gov, "outcome": "pending"}
    )
    s.sms_token = actions.make_sms_token(s.closed_case.pk, "rate", None)
    s.subject_token = actions.subject_token(subject.pk)


def _network(w: World, s: Samples) -> None:
    from django.core.files.base import ContentFile

    from bangban.network.actions import verify_token
    from bangban.network.models import (
        Assignment,
        AssignmentBatch,
        Contact,
        ContactPhoto,
        HelpItem,
        HelpMeeting,
    )

    officer = make_user(
        "perm_officer_sy", Role.SERVICE_OFFICER, unit=w.shuyang_gov, rank=Rank.FU_KE, full_name="沭阳帮办专员"
    )
    s.officer = officer
    s.assignment = Assignment.objects.create(
        officer=officer,
        enterprise=w.ent_shuyang,
        started_on=TODAY - dt.timedelta(days=60),
        created_by=w.admin,
    )
    s.contact = Contact.objects.create(
        officer=officer, enterprise=w.ent_shuyang, kind="visit", contact_on=TODAY - dt.timedelta(days=3),
        summary="上门走访，了解用工需求",
    )  # fmt: skip
    s.contact_photo = ContactPhoto(
        contact=s.contact, original_name="现场.jpg", content_type="image/jpeg", size=16, sha256="0" * 64,
        uploaded_by=officer,
    )  # fmt: skip
    s.contact_photo.file.save("perm.jpg", ContentFile(b"\xff\xd8\xff\xe0" + b"\x00" * 12), save=True)
    s.assignment_batch = AssignmentBatch.objects.create(
        file_name="帮办分配.xlsx", created_by=w.handler_shuyang
    )
    s.verify_token = verify_token(s.contact)
    # A held 解难帮扶会办会 of 沭阳's enterprise, 沭阳县政府 invited, its one item (the visit) not yet disposed.
    s.help_meeting = HelpMeeting.objects.create(
        title="沭阳示例纺织解难帮扶会办会", held_at=D - dt.timedelta(days=1), place="县政府会议室", host="分管副县长",
        area_path="", area_name="全市", status="held", minutes="纪要", created_by=w.biz_office, created_at=D,
    )  # fmt: skip
    s.help_meeting.enterprises.set([w.ent_shuyang])
    s.help_meeting.units.set([w.shuyang_gov])
    s.help_item = HelpItem.objects.create(
        meeting=s.help_meeting, enterprise=w.ent_shuyang, contact=s.contact, problem="用工缺口较大"
    )


def _conduct(w: World, s: Samples) -> None:
    from bangban.conduct.models import Designation, Entry, NegativeListItem, NegativeListVersion, ProblemItem
    from bangban.conduct.rules import gate_token

    s.list_version = NegativeListVersion.objects.create(
        number=1, title="干扰企业生产经营负面清单", effective_from=TODAY, published_by=w.admin, published_at=D
    )
    NegativeListItem.objects.create(list_version=s.list_version, code="FM-01", title="吃拿卡要", position=1)
    s.entry = Entry.objects.create(
        enterprise=w.ent_shuyang, official=w.handler_shuyang, unit=w.shuyang_gov, purpose="research",
        description="了解用工需求", entered_at=D - dt.timedelta(hours=2), registered_at=D - dt.timedelta(hours=2),
    )  # fmt: skip
    s.gate_token = gate_token(w.ent_shuyang.pk, D)
    # R7.1: the sample enterprise is a 直通车企业, and a 明察暗访 problem of 沭阳县 waits for 转办.
    s.designation = Designation.objects.create(
        enterprise=w.ent_shuyang,
        kind="through_train",
        starts_on=TODAY,
        designated_by=w.admin,
        designated_at=D,
    )
    s.problem = ProblemItem.objects.create(
        source="covert", region=w.shuyang, text="窗口要求重复提交材料", found_on=TODAY, found_by=w.admin,
        recorded_at=D, unit=w.shuyang_gov,
    )  # fmt: skip

    _snap(w, s)


def _leniency(w: World, s: Samples) -> None:
    from bangban.leniency.models import CatalogueImport, CatalogueItem, Decision

    s.leniency_item = CatalogueItem.objects.create(
        code="SC-01", field="市场监管", behaviour="未按规定公示年度报告", violated_basis="《企业信息公示暂行条例》第八条",
        penalty_basis="《企业信息公示暂行条例》第十七条", conditions="首次且及时补报", discretion="no_penalty",
        unit=w.shuyang_gov, created_by=w.admin, created_at=D,
    )  # fmt: skip
    s.decision = Decision.objects.create(
        number="MF2026-000001", enterprise=w.ent_shuyang, item=s.leniency_item, unit=w.shuyang_gov, case_date=TODAY,
        facts={}, narrative="未按期公示年度报告", proposal="no_penalty", proposal_rule="first_offence",
        outcome="no_penalty", decided_by=w.handler_shuyang, decided_at=D,
    )  # fmt: skip
    s.leniency_import = CatalogueImport.objects.create(
        file_name="清单.xlsx", created_by=w.admin, created_at=D
    )


def _fieldruns(w: World, s: Samples) -> None:
    from bangban.fieldruns.models import Finding, Item, Run

    s.field_run = Run.objects.create(
        number="PXC2026-00001", unit=w.shuyang_gov, runner=w.admin, planned_on=TODAY, service="企业开办",
        place="沭阳县政务服务中心", kind="experience", role="applicant", status="rectifying", done_on=TODAY,
        steps="取号→受理→出照", minutes=60, booked_at=D, recorded_at=D,
    )  # fmt: skip
    s.field_finding = Finding.objects.create(run=s.field_run, seq=1, text="重复提交材料")
    s.field_item = Item.objects.create(
        run=s.field_run, finding=s.field_finding, owner_unit=w.shuyang_gov, owner_person="刘科长",
        deadline=TODAY, created_by=w.admin, created_at=D,
    )  # fmt: skip


def _knowledge(w: World, s: Samples) -> None:
    from bangban.knowledge.models import Entry

    s.knowledge_entry = Entry.objects.create(
        question="企业开办要多长时间？", answer="全程0.5个工作日办结。", area="企业开办",
        created_by=w.biz_office, created_at=D, updated_by=w.biz_office, updated_at=D,
    )  # fmt: skip


def _assist(w: World, s: Samples) -> None:
    """A 县级 帮办代办 site of 沭阳 whose roster holds `handler_shuyang`; one of its services for the
    sample enterprise, and a 代办 of it with a material handed over."""
    from bangban.assist.models import Errand, Handover, RosterEntry, ServiceRecord, Site

    s.assist_site = Site.objects.create(
        name="沭阳县帮办代办窗口", level=SiteLevel.COUNTY, region=w.shuyang, unit=w.shuyang_gov, created_at=D
    )
    s.assist_roster = RosterEntry.objects.create(
        site=s.assist_site,
        user=w.handler_shuyang,
        start_on=TODAY - dt.timedelta(days=30),
        added_by=w.biz_office,
    )
    start = D - dt.timedelta(hours=3)
    s.assist_record = ServiceRecord.objects.create(
        site=s.assist_site, officer=w.handler_shuyang, service_type="accompany", enterprise=w.ent_shuyang,
        enterprise_name=w.ent_shuyang.name, matter="食品经营许可证新办", started_at=start,
        ended_at=start + dt.timedelta(minutes=40), minutes=40, outcome="done", created_at=start,
    )  # fmt: skip
    s.assist_errand = Errand.objects.create(
        number="DB001-20261118-01", site=s.assist_site, officer=w.handler_shuyang, record=s.assist_record,
        enterprise=w.ent_shuyang, enterprise_name=w.ent_shuyang.name, matter="食品经营许可证新办",
        status="in_progress", opened_at=start, due_on=TODAY + dt.timedelta(days=3),
    )  # fmt: skip
    s.assist_material = Handover.objects.create(
        errand=s.assist_errand, name="营业执照复印件", count=1, handed_at=start
    )


def _snap(w: World, s: Samples) -> None:
    """A 随手拍 report about 沭阳县政府, on a case of its own (channel 作风直通车)."""
    from bangban.conduct.models import ConductComplaint
    from bangban.tickets.models import Channel, Ticket

    ticket = Ticket.objects.create(
        number="ZF-PERM-0001", channel=Channel.CONDUCT, title="【相互推诿】验收推诿", content="两个科室互相推诿。",
        contact_phone="13912340000", contact_name="投诉人", received_at=D - dt.timedelta(hours=1),
    )  # fmt: skip
    s.snap = ConductComplaint.objects.create(
        ticket=ticket, source="snap", category="buck_passing", unit=w.shuyang_gov, received_at=D
    )


def _inspections(w: World, s: Samples) -> None:
    from bangban.inspections.models import Duty, Link, Plan, PlanStatus, PlanUnit, Visit

    inspector = make_user("insp_perm", Role.INSPECTOR, unit=w.shuyang_gov, full_name="沭阳执法员")
    s.plan = Plan.objects.create(
        number="SSJ-2026-0001", title="沭阳联合双随机抽查", lead_unit=w.shuyang_gov, ratio_a=1, ratio_b=3,
        ratio_c=10, ratio_d=30, starts_on=TODAY - dt.timedelta(days=10), ends_on=TODAY + dt.timedelta(days=10),
        status=PlanStatus.ANNOUNCED, seed="0" * 32, created_by=w.admin, created_at=D, announced_at=D,
    )  # fmt: skip
    PlanUnit.objects.create(plan=s.plan, unit=w.shuyang_gov, items="安全生产检查")
    s.visit = Visit.objects.create(
        plan=s.plan, task_number="SSJ-2026-0001-00001", enterprise=w.ent_shuyang, tier="B",
        team=[[w.shuyang_gov.pk, inspector.pk]],
    )  # fmt: skip
    Duty.objects.create(plan=s.plan, inspector=inspector, unit=w.shuyang_gov, visit_ids=[s.visit.pk])
    s.link = Link.objects.create(
        inspector=inspector, enterprise=w.ent_shuyang, kind="other", declared_by=w.admin, declared_at=D
    )


def _outreach(w: World, s: Samples) -> None:
    from bangban.outreach.models import (
        Association,
        AssociationOpinion,
        CollectionRound,
        Event,
        EventItem,
        FollowUp,
        InvestmentProject,
        Policy,
        PolicyDelivery,
        PolicyImport,
        PolicyPush,
        ProjectProblem,
        ProjectProcedure,
        SupervisorReport,
        Symposium,
        SymposiumSuggestion,
    )

    chief = make_user(
        "perm_chief_sy",
        Role.CHIEF_SERVICE_OFFICER,
        unit=w.shuyang_gov,
        rank=Rank.ZHENG_KE,
        full_name="首席服务员",
    )
    supervisor = make_user("perm_supervisor", Role.VOLUNTEER_SUPERVISOR, full_name="监督员陈")
    s.project = InvestmentProject.objects.create(
        name="年产10万吨功能纤维项目", enterprise=w.ent_shuyang, region=w.shuyang, amount="52000",
        chief_officer=chief, lead_unit=w.shuyang_gov, created_by=chief,
    )  # fmt: skip
    s.procedure = ProjectProcedure.objects.create(
        project=s.project, name="施工许可", handling_unit=w.shuyang_gov, mode="proxy", created_by=chief
    )
    s.round = CollectionRound.objects.create(
        region=w.shuyang, year=2026, month=11, lead_unit=w.shuyang_gov, due_date=TODAY + dt.timedelta(days=7)
    )
    s.problem = ProjectProblem.objects.create(
        round=s.round, project=s.project, title="用电增容", content="需要增容到 2 万千伏安",
        raised_by=chief, raised_at=D - dt.timedelta(days=1),
    )  # fmt: skip
    s.policy = Policy.objects.create(
        title="沭阳县纺织企业技改补贴", summary="技改设备投资补贴", region_codes=[w.shuyang.code],
        created_by=w.biz_office,
    )  # fmt: skip
    s.policy_import = PolicyImport.objects.create(
        file_name="惠企政策.xlsx", created_by=w.biz_office, created_at=D - dt.timedelta(hours=1)
    )
    s.push = PolicyPush.objects.create(
        policy=s.policy,
        pushed_by=w.biz_office,
        scope_path=w.shuyang.path,
        created_at=D - dt.timedelta(days=1),
    )
    s.delivery = PolicyDelivery.objects.create(
        policy=s.policy, push=s.push, enterprise=w.ent_shuyang, delivered_at=D - dt.timedelta(days=1)
    )
    s.association = Association.objects.create(name="沭阳县纺织行业协会", region=w.shuyang)
    s.opinion = AssociationOpinion.objects.create(
        association=s.association, title="用工难", content="纺织企业招工困难", answer_unit=w.shuyang_gov,
        submitted_by=w.biz_office, submitted_at=D - dt.timedelta(days=2),
    )  # fmt: skip
    s.report = SupervisorReport.objects.create(
        reporter=supervisor, title="窗口推诿", content="沭阳某窗口推诿企业", enterprise_name="沭阳示例纺织有限公司",
        region=w.shuyang, submitted_at=D - dt.timedelta(days=2),
    )  # fmt: skip
    s.event = Event.objects.create(
        kind="talk", theme="沭阳民营企业恳谈", held_on=TODAY, created_by=w.biz_office
    )
    s.event_item = EventItem.objects.create(
        event=s.event, kind="problem", content="用地指标紧张", enterprise=w.ent_shuyang,
        recorded_by=w.biz_office, recorded_at=D - dt.timedelta(days=1),
    )  # fmt: skip
    s.symposium = Symposium.objects.create(
        year=2026, half=2, title="2026年下半年企业家座谈会", themes="融资", lead_unit=w.shuyang_gov,
        created_by=w.biz_office,
    )  # fmt: skip
    s.suggestion = SymposiumSuggestion.objects.create(
        symposium=s.symposium, enterprise=w.ent_shuyang, content="希望简化审批", recorded_by=w.biz_office,
        recorded_at=D - dt.timedelta(days=1),
    )  # fmt: skip
    FollowUp.objects.create(suggestion=s.suggestion, note="已转交", by=w.biz_office, at=D)


def _supervision(w: World, s: Samples) -> None:
    from bangban.supervision import actions
    from bangban.supervision.models import (
        Ledger,
        Notice,
        NoticeCase,
        SpecialInspection,
        SpecialInspectionItem,
    )

    s.ledger = Ledger.objects.create(
        unit=w.shuyang_gov,
        year=2026,
        month=10,
        due_date=dt.date(2026, 11, 25),
        created_at=D - dt.timedelta(days=5),
    )
    actions.do_compute_ranking(w.biz_office, 2026, 10)
    actions.do_freeze_ranking(w.biz_office, 2026, 10, now=D)
    s.notice = Notice.objects.create(
        kind="hotline", year=2026, month=10, title="2026年10月12345热线办理情况通报",
        created_by=w.biz_office, created_at=D,
    )  # fmt: skip
    s.notice_case = NoticeCase.objects.create(
        notice=s.notice,
        ticket=s.case,
        unit=w.shuyang_gov,
        note="服务企业不到位",
        added_by=w.biz_office,
        added_at=D,
    )
    s.special = SpecialInspection.objects.create(
        title="市长直通车专项督查", created_by=w.biz_office, created_at=D
    )
    s.special_item = SpecialInspectionItem.objects.create(
        inspection=s.special, kind="mayor", ticket=s.mayor_case, title=s.mayor_case.title, unit=w.shuyang_gov,
        added_at=D,
    )  # fmt: skip
    # 作风之星: a round of 2026 Q4 with 沭阳's handler nominated (before 沭阳县政府 has an open 约谈).
    s.star_round = actions.do_open_star_round(w.admin, year=2026, period="quarter", number=4, now=D)
    s.star_nomination = actions.do_nominate_star(
        w.admin, s.star_round.pk, person_id=w.handler_shuyang.pk, reason="服务企业主动靠前", now=D
    )
    s.record = actions.do_create_record(
        w.biz_office,
        kind="interview",
        unit_id=w.shuyang_gov.pk,
        year=2026,
        month=10,
        reason="超期诉求多",
        ticket_numbers=[s.case.number],
    )
    # 移送纪委监委: the record handed over to 沭阳县纪委监委, whose reader is `s.discipline`.
    discipline_unit = Unit.objects.create(
        code="shuyang-jiwei", name="沭阳县纪委监委", short_name="沭阳县纪委监委",
        type=UnitType.COUNTY_DEPARTMENT, region=w.shuyang,
    )  # fmt: skip
    s.discipline = make_user("jiwei_sy", Role.DISCIPLINE, unit=discipline_unit, full_name="沭阳纪委监委干部")
    s.transfer = actions.do_transfer_record(
        w.biz_office, s.record.pk, addressee_id=discipline_unit.pk, transferred_on=TODAY,
        materials="问责记录及情况说明", now=D,
    )  # fmt: skip
    actions.do_detect_inaction(w.biz_office, 2026, 10, now=D)
    s.analysis = actions.do_create_analysis(
        acting_user=w.handler_shuyang,
        data={"title": "10月诉求研判", "period_start": "2026-10-01", "period_end": "2026-10-31",
              "findings": "材料补正多", "causes": "告知不清", "measures": "公示清单"},
        now=D,
    )  # fmt: skip


def _elsewhere(w: World, s: Samples) -> None:
    from bangban.audit.models import AuditEvent, ChainVerification
    from bangban.core.models import ExportJob, ScheduledRun
    from bangban.enterprises.models import ImportBatch
    from bangban.notifications.models import InAppMessage, OutboxMessage
    from bangban.workdays.models import CalendarDay, CalendarVersion

    s.token, _raw = do_create_token(acting_user=w.admin, user_id=w.handler_shuyang.pk, name="沭阳对接")
    s.import_batch = ImportBatch.objects.create(
        file_name="企业名录.xlsx", sha256="0" * 64, created_by=w.handler_shuyang
    )
    s.export = ExportJob.objects.create(user=w.handler_shuyang, kind="tickets", label="诉求清单", file="")
    s.message = InAppMessage.objects.create(user=w.handler_shuyang, subject="新派单", body="请签收")
    s.outbox = OutboxMessage.objects.create(
        channel="sms", recipient=w.handler_shuyang, address="13800000000", subject="新派单", body="请签收",
        next_attempt_at=D, status="failed",
    )  # fmt: skip
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    s.audit_seq, s.audit_seq_pk = event.seq, event.pk
    s.scheduled_run = ScheduledRun.objects.create(job="perm-sample", period="2026-11-18")
    s.calendar_day = CalendarDay.objects.order_by("date").first() or CalendarDay.objects.create(
        date=dt.date(2026, 10, 10), kind="workday", source="manual", name="国庆节调休"
    )
    s.calendar_version = CalendarVersion.objects.order_by("pk").first() or CalendarVersion.objects.create(
        pk=1, token="perm", changed_at=D
    )
    s.verification = ChainVerification.objects.create(started_at=D)
    s.unit_type = ContentType.objects.get_for_model(Unit)


def _insight(w: World, s: Samples) -> None:
    from bangban.insight.models import (
        HotspotCase,
        HotspotProblem,
        HotspotRun,
        HotspotTask,
        HotspotTaskCase,
        RunStatus,
    )

    run = HotspotRun.objects.create(
        window_start=D - dt.timedelta(days=30), window_end=D, window_days=30, requested_at=D,
        status=RunStatus.DONE, progress=100, case_count=1, problem_count=1,
    )  # fmt: skip
    s.hotspot = HotspotProblem.objects.create(
        run=run, rank=1, label="沭阳施工许可办理慢", representative=s.case, case_count=1, enterprise_count=1,
        region_count=1, unit_count=1, day_span=0, repeat_count=0, bad_rating_count=0, baseline=0.0, heat=3.0,
    )  # fmt: skip
    HotspotCase.objects.create(problem=s.hotspot, ticket=s.case)
    # A 类案督办 of 沭阳县政府 (the sample unit) on a second problem of the same run, linking the case.
    problem = HotspotProblem.objects.create(
        run=run, rank=2, label="沭阳竣工验收材料反复退回", representative=s.case, case_count=1,
        enterprise_count=1, region_count=1, unit_count=1, day_span=0, repeat_count=0, bad_rating_count=0,
        baseline=0.0, heat=2.0,
    )  # fmt: skip
    HotspotCase.objects.create(problem=problem, ticket=s.case)
    s.hotspot_task = HotspotTask.objects.create(
        problem=problem, unit=w.shuyang_gov, requirement="请统一答复", workdays=10,
        due_at=D + dt.timedelta(days=14), created_by=w.biz_office, created_at=D,
    )  # fmt: skip
    HotspotTaskCase.objects.create(task=s.hotspot_task, ticket=s.case, linked_status=s.case.status)


def build(w: World) -> Samples:
    s = Samples()
    other_unit = Unit.objects.create(
        code="shuyang-amr", name="沭阳县市场监督管理局", short_name="沭阳县市场监管局",
        type=UnitType.COUNTY_DEPARTMENT, region=w.shuyang, parent=w.shuyang_gov,
    )  # fmt: skip
    s.handler_shuyang_other_unit = make_user(
        "handler_sy_amr", Role.HANDLER, unit=other_unit, full_name="沭阳市场监管承办人"
    )
    s.ent_other = make_enterprise("沭阳另一家机械有限公司", w.shucheng, "321322", 3)
    s.enterprise_other = make_user(
        "ent_sy_other", Role.ENTERPRISE, enterprise=s.ent_other, full_name="另一企业用户"
    )
    _tickets(w, s)
    _escalation(w, s)
    _ratings(w, s)
    _network(w, s)
    _conduct(w, s)
    _leniency(w, s)
    _fieldruns(w, s)
    _knowledge(w, s)
    _assist(w, s)
    _inspections(w, s)
    _outreach(w, s)
    _supervision(w, s)
    _elsewhere(w, s)
    _insight(w, s)
    return s
