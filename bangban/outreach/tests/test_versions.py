"""Status changes carry the version the user read: a change made on a stale copy (someone acted
meanwhile) is refused with 409 `conflict` / 「记录已被他人修改，请刷新后重试」 and changes nothing."""

from __future__ import annotations

from bangban.outreach.models import AssociationOpinion, OpinionStatus, ReportStatus, SupervisorReport
from bangban.tickets.models import Ticket

from .conftest import API, post
from .test_forums import _opinion


def test_an_answer_on_a_stale_opinion_is_a_409_conflict(cast, login):
    opinion = _opinion(cast, login)
    assert opinion["version"] == 1
    AssociationOpinion.objects.filter(pk=opinion["id"]).update(version=2)  # changed meanwhile
    handler = login(cast.world.handler_shuyang)
    url = f"{API}/opinions/{opinion['id']}/answer"
    stale = post(handler, url, {"answer": "县人社局每月举办专场招聘会", "version": 1})
    assert stale.status_code == 409
    assert stale.json() == {"code": "conflict", "message": "记录已被他人修改，请刷新后重试"}
    assert AssociationOpinion.objects.get().status == OpinionStatus.SUBMITTED
    fresh = post(handler, url, {"answer": "县人社局每月举办专场招聘会", "version": 2})
    assert fresh.status_code == 200 and fresh.json()["status"] == "answered" and fresh.json()["version"] == 3


def test_the_report_page_sends_its_version_and_a_stale_one_is_refused(cast, login):
    report = post(
        login(cast.supervisor), f"{API}/reports", {"title": "路灯不亮", "content": "园区路灯"}
    ).json()
    staff = login(cast.world.biz_office)
    page = staff.get(f"/outreach/reports/{report['id']}/").content.decode()
    assert '<input type="hidden" name="version" value="1">' in page
    SupervisorReport.objects.filter(pk=report["id"]).update(version=2)
    stale = staff.post(
        f"/outreach/reports/{report['id']}/", {"do": "forward", "note": "", "version": "1"}, follow=True
    )
    assert "记录已被他人修改，请刷新后重试" in stale.content.decode()
    assert SupervisorReport.objects.get().status == ReportStatus.SUBMITTED and not Ticket.objects.exists()
    staff.post(
        f"/outreach/reports/{report['id']}/", {"do": "decline", "reason": "不属于涉企问题", "version": "2"}
    )
    assert SupervisorReport.objects.get().status == ReportStatus.DECLINED
