"""The mayor's review and a meeting's minutes carry the version the user read: a change made on a
stale copy (someone acted meanwhile) is refused with 409 `conflict` / 「记录已被他人修改，请刷新后重试」
and changes nothing. A user outside the record's scope still gets 404, and one who may not act 403 —
never the conflict."""

from __future__ import annotations

from bangban.escalation.models import MayorReview, Meeting, MeetingStatus, ReviewStep

from .test_mayor import classify, post, submission
from .test_meetings import make_meeting

CONFLICT = "记录已被他人修改，请刷新后重试"


def test_signing_with_a_stale_version_is_a_409_conflict(esc, login):
    ticket = submission(esc)
    read = classify(esc, login, ticket)
    MayorReview.objects.filter(ticket=ticket).update(version=read["version"] + 1)  # changed meanwhile
    url = f"/api/v1/escalation/mayor/{ticket.pk}/sign"
    deputy = login(esc.deputy)
    steps = ReviewStep.objects.count()
    stale = post(deputy, url, {"decision": "accept", "version": read["version"]})
    assert stale.status_code == 409
    assert stale.json() == {"code": "conflict", "message": CONFLICT}
    assert MayorReview.objects.get(ticket=ticket).stage == "deputy" and ReviewStep.objects.count() == steps
    # Outside the chain: 404; in the chain but not allowed to sign: 403 — whatever the version.
    assert post(login(esc.handler_shuyang), url, {"decision": "accept", "version": 1}).status_code == 404
    assert post(login(esc.staff), url, {"decision": "accept", "version": 1}).status_code == 403
    fresh = post(deputy, url, {"decision": "accept", "version": read["version"] + 1})
    assert fresh.status_code == 200, fresh.content
    assert fresh.json()["stage"] == "secretary" and fresh.json()["version"] == read["version"] + 2


def test_the_minutes_form_sends_its_version_and_a_stale_one_is_refused(esc, login):
    meeting, _ticket = make_meeting(esc, login)
    Meeting.objects.filter(pk=meeting["id"]).update(version=2, minutes="同事记录的纪要")
    url = f"/escalation/meetings/{meeting['id']}/"
    organiser = login(esc.biz_office)
    assert '<input type="hidden" name="version" value="2">' in organiser.get(url).content.decode()
    stale = organiser.post(url, {"op": "minutes", "minutes": "我的旧稿", "version": "1"}, follow=True)
    assert CONFLICT in stale.content.decode()
    stored = Meeting.objects.get(pk=meeting["id"])
    assert (stored.minutes, stored.status, stored.version) == ("同事记录的纪要", MeetingStatus.PLANNED, 2)
    # A unit that may read the meeting but not record its minutes is refused (403), not told of a conflict.
    assert (
        login(esc.handler_shuyang).post(url, {"op": "minutes", "minutes": "x", "version": "1"}).status_code
        == 403
    )
    organiser.post(url, {"op": "minutes", "minutes": "最新纪要", "version": "2"})
    stored.refresh_from_db()
    assert (stored.minutes, stored.status, stored.version) == ("最新纪要", MeetingStatus.HELD, 3)
