"""R5 and R13: the 议事厅 (opinion → answer → rating), volunteer supervisors' reports forwarded as
cases and followed up, 恳谈会/宿商讲坛 events, and the half-yearly entrepreneurs' symposia."""

from __future__ import annotations

import datetime as dt

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user
from bangban.outreach.models import (
    AssociationOpinion,
    Event,
    FollowUp,
    OpinionStatus,
    ReportStatus,
    SupervisorReport,
    Symposium,
    SymposiumNomination,
)
from bangban.tickets.models import Channel, Ticket

from .conftest import API, post


def _opinion(cast, login):
    staff = login(cast.world.biz_office)
    assoc = post(staff, f"{API}/associations", {"name": "宿迁市纺织服装商会", "region": "321300"}).json()
    response = post(
        staff,
        f"{API}/opinions",
        {
            "association_id": assoc["id"],
            "title": "纺织企业用工招聘难",
            "content": "会员企业反映旺季招工难，希望搭建用工对接平台。",
            "answer_unit_id": cast.world.shuyang_gov.pk,
            "enterprise_ids": [cast.world.ent_shuyang.pk],
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_opinion_answered_by_the_unit_then_rated_by_the_enterprise(cast, login):
    opinion = _opinion(cast, login)
    ent = login(cast.world.enterprise_user)
    early = post(ent, f"{API}/opinions/{opinion['id']}/rating", {"level": 1})
    assert early.status_code == 409 and early.json()["code"] == "opinion_not_answered"
    assert (
        post(
            login(cast.world.handler_siyang), f"{API}/opinions/{opinion['id']}/answer", {"answer": "x"}
        ).status_code
        == 404
    )
    answered = post(
        login(cast.world.handler_shuyang),
        f"{API}/opinions/{opinion['id']}/answer",
        {"answer": "县人社局每月举办专场招聘会"},
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    bad = post(ent, f"{API}/opinions/{opinion['id']}/rating", {"level": 9})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_level"
    rated = post(ent, f"{API}/opinions/{opinion['id']}/rating", {"level": 2, "comment": "有效"})
    assert rated.status_code == 201 and rated.json()["ratings"] == [
        {"enterprise_id": cast.world.ent_shuyang.pk, "level": 2, "comment": "有效"}
    ]
    twice = post(ent, f"{API}/opinions/{opinion['id']}/rating", {"level": 1})
    assert twice.status_code == 409 and twice.json()["code"] == "already_rated"
    assert AssociationOpinion.objects.get().status == OpinionStatus.RATED
    assert AuditEvent.objects.filter(action__startswith="outreach.opinion_").count() == 3


def test_opinion_not_visible_to_other_enterprises_or_units(cast, login):
    opinion = _opinion(cast, login)
    other = make_user("ent_sq", Role.ENTERPRISE, enterprise=cast.world.ent_siyang)
    assert login(other).get(f"/outreach/opinions/{opinion['id']}/").status_code == 404
    assert login(cast.world.handler_shuyang).get(f"/outreach/opinions/{opinion['id']}/").status_code == 200


def test_supervisor_reports_from_the_phone_page_and_biz_office_forwards(cast, login):
    sup = login(cast.supervisor)
    page = sup.get("/outreach/reports/new/")
    assert page.status_code == 200 and "max-width: 40rem" in page.content.decode()
    missing = sup.post("/outreach/reports/new/", {"title": "", "content": "x"})
    assert missing.status_code == 400 and 'data-testid="error-title"' in missing.content.decode()
    response = sup.post(
        "/outreach/reports/new/",
        {
            "title": "窗口要求重复提交材料",
            "content": "某窗口要求企业重复提交营业执照复印件",
            "region": "321322",
        },
    )
    assert response.status_code == 302
    report = SupervisorReport.objects.get()
    staff = login(cast.world.biz_office)
    assert "窗口要求重复提交材料" in staff.get("/outreach/reports/").content.decode()
    forwarded = post(staff, f"{API}/reports/{report.pk}/forward", {"note": "请县政务办核查"})
    assert forwarded.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.SUPERVISOR and ticket.region == cast.world.shuyang
    assert forwarded.json()["ticket_number"] == ticket.number
    follow = post(staff, f"{API}/reports/{report.pk}/follow-ups", {"note": "已督促县政务办整改"})
    assert follow.status_code == 201 and FollowUp.objects.count() == 1
    again = post(staff, f"{API}/reports/{report.pk}/forward", {})
    assert again.status_code == 409 and again.json()["code"] == "report_handled"
    # the supervisor follows their own report, and sees nobody else's
    mine = sup.get(f"{API}/reports").json()
    assert mine["count"] == 1 and mine["items"][0]["ticket_number"] == ticket.number
    other = make_user("jdy2", Role.VOLUNTEER_SUPERVISOR)
    assert login(other).get(f"/outreach/reports/{report.pk}/").status_code == 404
    assert post(sup, f"{API}/reports/{report.pk}/follow-ups", {"note": "x"}).status_code == 403


def test_decline_needs_a_reason(cast, login):
    report = post(
        login(cast.supervisor), f"{API}/reports", {"title": "路灯不亮", "content": "园区路灯"}
    ).json()
    staff = login(cast.world.biz_office)
    assert (
        post(staff, f"{API}/reports/{report['id']}/decline", {"reason": ""}).json()["code"]
        == "reason_required"
    )
    assert (
        post(staff, f"{API}/reports/{report['id']}/decline", {"reason": "不属于涉企问题"}).status_code == 200
    )
    assert SupervisorReport.objects.get().status == ReportStatus.DECLINED
    assert not Ticket.objects.exists()


def test_only_supervisors_report(cast, login):
    response = post(login(cast.world.enterprise_user), f"{API}/reports", {"title": "x", "content": "y"})
    assert response.status_code == 403


def test_events_recorded_and_listed(cast, login):
    staff = login(cast.world.biz_office)
    response = post(
        staff,
        f"{API}/events",
        {
            "kind": "talk",
            "theme": "民营企业融资难题",
            "held_on": "2026-11-10",
            "outcomes": "银行现场对接授信3亿元",
        },
    )
    assert response.status_code == 201
    assert (
        post(staff, f"{API}/events", {"kind": "x", "theme": "t", "held_on": "2026-11-10"}).json()["code"]
        == "invalid_kind"
    )
    html = staff.get("/outreach/events/?kind=talk").content.decode()
    assert "民营企业融资难题" in html
    assert Event.objects.count() == 1
    assert (
        "没有符合条件"
        in login(cast.world.handler_shuyang).get("/outreach/events/?kind=forum").content.decode()
    )
    assert login(cast.world.enterprise_user).get(f"{API}/events").json()["count"] == 0


# --- symposia --------------------------------------------------------------------------------------


def _symposium(client, **extra):
    body = {"year": 2026, "half": 2, "themes": "重点产业链\n服务业", "planned_on": "2026-12-15", **extra}
    return post(client, f"{API}/symposia", body)


def test_one_symposium_per_half_year_inside_its_half(cast, login):
    staff = login(cast.world.biz_office)
    assert _symposium(staff).status_code == 201
    twice = _symposium(staff)
    assert twice.status_code == 400 and twice.json()["code"] == "symposium_exists"
    outside = _symposium(staff, year=2027, half=1, planned_on="2027-08-01")
    assert outside.status_code == 400 and outside.json()["code"] == "planned_outside_half"
    assert Symposium.objects.count() == 1
    assert (
        _symposium(login(cast.world.handler_shuyang), year=2027, half=1, planned_on=None).status_code == 403
    )


def test_symposium_from_nominations_to_followed_up_cases(cast, login):
    w = cast.world
    staff = login(w.biz_office)
    symposium = _symposium(staff).json()
    sid = symposium["id"]
    ent = login(w.enterprise_user)
    assert post(ent, f"{API}/symposia/{sid}/nominations", {"reason": "行业龙头"}).status_code == 201
    assert post(ent, f"{API}/symposia/{sid}/nominations", {}).json()["code"] == "already_nominated"
    dept = post(
        login(w.handler_siyang), f"{API}/symposia/{sid}/nominations", {"enterprise_id": w.ent_siyang.pk}
    )
    assert dept.status_code == 201
    out_of_scope = post(
        login(w.handler_siyang), f"{API}/symposia/{sid}/nominations", {"enterprise_id": w.ent_shuyang.pk}
    )
    assert out_of_scope.json()["code"] == "enterprise_out_of_scope"
    sources = dict(SymposiumNomination.objects.values_list("enterprise_id", "source"))
    assert sources == {w.ent_shuyang.pk: "self", w.ent_siyang.pk: "department"}
    chosen = SymposiumNomination.objects.get(enterprise=w.ent_shuyang)
    selected = post(staff, f"{API}/symposia/{sid}/selection", {"selected_ids": [chosen.pk]})
    assert selected.status_code == 200 and selected.json()["status"] == "selected"
    late = post(
        login(w.handler_shuyang), f"{API}/symposia/{sid}/nominations", {"enterprise_id": w.ent_shuyang.pk}
    )
    assert late.json()["code"] == "nomination_closed"
    policy = post(
        staff, f"{API}/policies", {"title": "产业链协同奖励", "summary": "链主企业带动配套奖励"}
    ).json()
    pushed = post(staff, f"{API}/symposia/{sid}/policies", {"policy_ids": [policy["id"]]})
    assert pushed.status_code == 200 and pushed.json()["policies"] == [policy["id"]]
    from bangban.outreach.models import PolicyDelivery

    assert list(PolicyDelivery.objects.values_list("enterprise_id", flat=True)) == [w.ent_shuyang.pk]
    not_participant = post(
        staff, f"{API}/symposia/{sid}/suggestions", {"enterprise_id": w.ent_siyang.pk, "content": "x"}
    )
    assert not_participant.json()["code"] == "not_a_participant"
    minor = post(
        staff,
        f"{API}/symposia/{sid}/suggestions",
        {"enterprise_id": w.ent_shuyang.pk, "content": "建议简化用工备案"},
    )
    assert minor.status_code == 201 and not Ticket.objects.exists()
    major = post(
        staff,
        f"{API}/symposia/{sid}/suggestions",
        {"enterprise_id": w.ent_shuyang.pk, "content": "园区污水管网容量不足，影响扩产", "is_major": True},
    )
    assert major.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.enterprise == w.ent_shuyang and "企业家座谈会" in ticket.content
    suggestion_id = major.json()["suggestions"][-1]["id"]
    assert (
        post(
            staff, f"{API}/suggestions/{suggestion_id}/follow-ups", {"note": "住建局已纳入明年管网计划"}
        ).status_code
        == 201
    )
    detail = staff.get(f"/outreach/symposia/{sid}/").content.decode()
    assert ticket.number in detail and "住建局已纳入明年管网计划" in detail
    future = post(
        staff,
        f"{API}/symposia/{sid}/held",
        {"held_on": (dt.date.today() + dt.timedelta(days=30)).isoformat()},
    )
    assert future.json()["code"] == "held_in_future"
    assert (
        post(staff, f"{API}/symposia/{sid}/held", {"held_on": dt.date.today().isoformat()}).json()["status"]
        == "held"
    )


def test_symposium_pages(cast, login):
    staff = login(cast.world.biz_office)
    assert "暂无企业家座谈会" in staff.get("/outreach/symposia/").content.decode()
    response = staff.post(
        "/outreach/symposia/new/", {"year": "2026", "half": "2", "themes": "", "planned_on": ""}
    )
    assert response.status_code == 400 and 'data-testid="error-themes"' in response.content.decode()
    response = staff.post("/outreach/symposia/new/", {"year": "2026", "half": "2", "themes": "农业"})
    assert response.status_code == 302
    assert "2026年下半年企业家座谈会" in staff.get("/outreach/symposia/").content.decode()


def test_single_records_through_the_api_are_scoped(cast, login):
    opinion = _opinion(cast, login)
    assert (
        login(cast.world.handler_shuyang).get(f"{API}/opinions/{opinion['id']}").json()["title"]
        == "纺织企业用工招聘难"
    )
    assert login(cast.world.handler_siyang).get(f"{API}/opinions/{opinion['id']}").status_code == 404
    report = post(
        login(cast.supervisor), f"{API}/reports", {"title": "路灯不亮", "content": "园区路灯"}
    ).json()
    assert login(cast.supervisor).get(f"{API}/reports/{report['id']}").json()["status"] == "submitted"
    assert login(cast.world.handler_shuyang).get(f"{API}/reports/{report['id']}").status_code == 404
    assert login(cast.world.biz_office).get(f"{API}/associations").json()["count"] == 1
    assert login(cast.supervisor).get(f"{API}/associations").status_code == 404


def test_biz_office_is_reminded_when_the_half_year_has_no_symposium(cast, login):
    from zoneinfo import ZoneInfo

    from bangban.notifications.models import OutboxMessage
    from bangban.outreach.symposia import remind_symposium

    sh = ZoneInfo("Asia/Shanghai")
    assert remind_symposium(dt.datetime(2026, 8, 20, 9, 10, tzinfo=sh)) == 0  # too early in the half
    assert remind_symposium(dt.datetime(2026, 9, 2, 9, 10, tzinfo=sh)) == 1
    remind_symposium(dt.datetime(2026, 9, 3, 9, 10, tzinfo=sh))  # same week: not again
    assert (
        OutboxMessage.objects.filter(recipient=cast.world.biz_office, subject__contains="座谈会").count() == 1
    )
    _symposium(login(cast.world.biz_office))
    assert remind_symposium(dt.datetime(2026, 10, 2, 9, 10, tzinfo=sh)) == 0
