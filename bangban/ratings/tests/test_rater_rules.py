"""Issue #11: a case is rated only by its enterprise (or submitter) or with the one-time SMS link
sent to its contact phone — never by the unit that handles it; the enterprise's rating is one
record whichever door it uses (the case page, the ratings API, the case system's follow-up API),
and a 差评 always opens its rectification; no level is ever preselected."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from bangban.conftest import make_user
from bangban.notifications.models import OutboxMessage
from bangban.ratings import actions
from bangban.ratings.models import FollowUpCall, Rating, RatingSettings, Rectification, UsedLink
from bangban.tickets.models import AssignmentRole, FollowUp, Ticket, TicketAssignment

pytestmark = pytest.mark.django_db
LEVEL_CHECKED = re.compile(r'<input[^>]*name="(level|satisfaction)"[^>]*checked')


def post_json(client: Client, url: str, data: dict) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def logged_in(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def co_handled(cases: Any, **fields: Any) -> Ticket:
    """An answered case of 沭阳县政府 co-handled (协办) by 泗阳县政府."""
    ticket = cases.replied(**fields)
    TicketAssignment.objects.create(
        ticket=ticket, unit=cases.siyang_gov, role=AssignmentRole.CO, assigned_at=ticket.dispatched_at
    )
    return ticket


def sms_link(cases: Any, ticket: Ticket, purpose: str = "rate") -> tuple[str, str]:
    """Send the link as a hotline agent; return (url, token) as texted to the contact."""
    actions.do_send_sms_link(acting_user=cases.hotline_agent, ticket_id=ticket.pk, purpose=purpose)
    url = OutboxMessage.objects.filter(channel="sms").latest("pk").link
    return url, url.rstrip("/").rsplit("/", 1)[1]


# --- the removed case QR code ---------------------------------------------------------------------


def test_old_case_qr_links_answer_410_and_rate_nothing(cases: Any) -> None:
    from django.core import signing

    ticket = cases.replied()
    # A token as the removed QR code carried it.
    token = signing.dumps({"t": ticket.pk}, salt="bangban.ratings.case-qr", compress=True)
    staff = logged_in(cases.handler_shuyang)
    for client in (Client(), staff):
        page = client.get(f"/ratings/q/c/{token}/")
        assert page.status_code == 410 and "诉求评价二维码已停用" in page.content.decode()
        assert client.post(f"/ratings/q/c/{token}/", {"level": "1"}).status_code == 410
    for fmt in ("png", "pdf"):
        image = staff.get(f"/ratings/cases/{ticket.pk}/qr.{fmt}")
        assert image.status_code == 410 and "case_qr_removed" in image.content.decode()
    api = post_json(Client(), f"/api/v1/ratings/public/case-qr/{token}", {"level": 1})
    assert api.status_code == 410
    assert api.json()["code"] == "case_qr_removed" and "短信链接" in api.json()["message"]
    assert Rating.objects.count() == 0
    # Nothing on the staff's rating page hands out a credential any more.
    html = staff.get(f"/ratings/cases/{ticket.pk}/").content.decode()
    assert "qr." not in html and "/ratings/q/c/" not in html and 'data-testid="rate-form"' not in html


# --- the handling units cannot rate -----------------------------------------------------------------


def test_lead_and_co_handling_units_cannot_rate_the_case(cases: Any) -> None:
    ticket = co_handled(cases)
    lead = post_json(logged_in(cases.handler_shuyang), f"/api/v1/ratings/cases/{ticket.pk}/ratings",
                     {"level": 1, "resolved": True})  # fmt: skip
    assert lead.status_code == 403
    assert lead.json() == {
        "code": "own_unit_case",
        "message": "您所在单位承办该诉求，不能评价本单位办理的诉求，也不能使用该诉求的评价链接",
    }
    co = post_json(logged_in(cases.handler_siyang), f"/api/v1/ratings/cases/{ticket.pk}/ratings",
                   {"level": 1, "resolved": True})  # fmt: skip
    assert co.status_code in (403, 404) and co.json()["code"] in ("own_unit_case", "not_found")
    page = logged_in(cases.head_shuyang).post(f"/ratings/cases/{ticket.pk}/", {"level": "1", "resolved": "1"})
    assert page.status_code == 403 and "不能评价本单位办理的诉求" in page.content.decode()
    assert Rating.objects.count() == 0 and FollowUp.objects.count() == 0
    assert Ticket.objects.get(pk=ticket.pk).status == "replied"


def test_sms_link_in_a_handling_units_session_is_refused_and_stays_usable(cases: Any) -> None:
    ticket = co_handled(cases, contact_phone="13812345678")
    url, token = sms_link(cases, ticket)
    for member in (cases.handler_shuyang, cases.handler_siyang):
        client = logged_in(member)
        opened = client.get(url)
        assert opened.status_code == 403 and "不能评价本单位办理的诉求" in opened.content.decode()
        assert client.post(url, {"level": "1", "resolved": "1"}).status_code == 403
        api = post_json(client, f"/api/v1/ratings/public/sms/{token}", {"level": 1, "resolved": True})
        assert api.status_code == 403 and api.json()["code"] == "own_unit_case"
    assert UsedLink.objects.count() == 0 and Rating.objects.count() == 0
    # The contact, on their own phone, still can.
    done = Client().post(url, {"level": "2", "resolved": "1"})
    assert done.status_code == 200 and "感谢" in done.content.decode()
    assert UsedLink.objects.count() == 1
    assert list(Rating.objects.values_list("channel", "level", "rater")) == [("sms", 2, None)]


def test_sms_link_replayed_expired_or_for_another_case(cases: Any) -> None:
    a = cases.replied(contact_phone="13812345678")
    b = cases.replied(contact_phone="13812345679")
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        _url, token = sms_link(cases, a)
    with time_machine.travel(dt.datetime(2026, 10, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        # Case A's token presented for case B: refused, nothing used.
        other = post_json(Client(), f"/api/v1/ratings/public/sms/{token}",
                          {"level": 5, "resolved": False, "ticket_id": b.pk})  # fmt: skip
        assert other.status_code == 404 and other.json()["code"] == "link_invalid"
        assert UsedLink.objects.count() == 0
        first = post_json(Client(), f"/api/v1/ratings/public/sms/{token}",
                          {"level": 2, "resolved": True, "ticket_id": a.pk})  # fmt: skip
        assert first.status_code == 201 and first.json()["rating"]["ticket_id"] == a.pk
        replay = post_json(Client(), f"/api/v1/ratings/public/sms/{token}", {"level": 5, "resolved": False})
        assert replay.status_code == 409 and replay.json()["code"] == "link_used"
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        _url_b, token_b = sms_link(cases, b)
    with time_machine.travel(dt.datetime(2026, 10, 9, 9, 1, tzinfo=dt.UTC), tick=False):
        expired = post_json(Client(), f"/api/v1/ratings/public/sms/{token_b}", {"level": 1, "resolved": True})
        assert expired.status_code == 400 and expired.json()["code"] == "link_expired"
    assert [r.subject.ticket_id for r in Rating.objects.all()] == [a.pk]
    assert Ticket.objects.get(pk=b.pk).status == "replied"


def test_who_may_send_sms_links(cases: Any) -> None:
    ticket = cases.replied(contact_phone="13812345678")
    # The county dispatcher works in the lead unit (沭阳县政府): it may not send its own case's link.
    own = post_json(logged_in(cases.county_dispatcher), "/api/v1/ratings/follow-ups/sms-links",
                    {"ticket_id": ticket.pk, "purpose": "rate"})  # fmt: skip
    assert own.status_code == 403 and own.json()["code"] == "own_unit_case"
    handler = post_json(logged_in(cases.handler_shuyang), "/api/v1/ratings/follow-ups/sms-links",
                        {"ticket_id": ticket.pk, "purpose": "rate"})  # fmt: skip
    assert handler.status_code == 403
    assert not OutboxMessage.objects.filter(channel="sms").exists()
    # The hotline may; the link goes to the contact's phone only, absolute on the site address.
    sent = post_json(logged_in(cases.hotline_agent), "/api/v1/ratings/follow-ups/sms-links",
                     {"ticket_id": ticket.pk, "purpose": "rate"})  # fmt: skip
    assert sent.status_code == 201 and "/ratings/m/" not in sent.content.decode()
    sms = OutboxMessage.objects.get(channel="sms")
    assert sms.address == "13812345678" and sms.link.startswith("http") and sms.link in sms.body
    page = logged_in(cases.hotline_agent).post(
        f"/ratings/follow-ups/{ticket.pk}/", {"op": "sms"}, follow=True
    )
    assert "/ratings/m/" not in page.content.decode() and "已发送至诉求联系电话" in page.content.decode()


# --- one rating on the case page, whichever door --------------------------------------------------


def test_enterprise_rates_very_dissatisfied_unresolved_on_the_case_page(cases: Any) -> None:
    ticket = cases.replied()
    ent = logged_in(cases.enterprise_user)
    before = ent.get(f"/cases/{ticket.pk}/").content.decode()
    # One widget: the ratings card carries the form, the case system's own rate panel is gone.
    assert before.count('data-testid="rate-form"') == 1 and 'data-testid="panel-rate"' not in before
    assert 'name="level"' in before and not LEVEL_CHECKED.search(before)
    r = ent.post(
        f"/ratings/cases/{ticket.pk}/",
        {
            "level": "5",
            "resolved": "0",
            "comment": "路还没修",
            "version": ticket.version,
            "next": f"/cases/{ticket.pk}/",
        },
    )
    assert r.status_code == 302 and r["Location"] == f"/cases/{ticket.pk}/"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count, ticket.satisfaction) == ("in_progress", 1, 5)
    rating = Rating.objects.get()
    assert (rating.stage, rating.level, rating.channel, rating.rater_id) == (
        "first",
        5,
        "pc",
        cases.enterprise_user.pk,
    )
    fu = FollowUp.objects.get()
    assert (fu.method, fu.resolved, fu.satisfaction) == ("portal", False, 5)
    rect = Rectification.objects.get(rating=rating)
    assert rect.unit_id == cases.shuyang_gov.pk and rect.status == "verify"
    assert OutboxMessage.objects.filter(
        recipient=cases.world.handler_shuyang, subject=f"差评整改：{rect.number}"
    ).exists()
    after = ent.get(f"/cases/{ticket.pk}/").content.decode()
    assert after.count('data-testid="case-rating"') == 1 and "暂无评价" not in after
    assert 'data-level="5"' in after and "差评正在核实整改" in after
    # The unit sees the rectification in its queue.
    queue = logged_in(cases.world.handler_shuyang).get("/ratings/rectifications/").content.decode()
    assert rect.number in queue


def test_the_case_systems_follow_up_api_by_the_enterprise_is_the_same_rating(cases: Any) -> None:
    ticket = cases.replied()
    ent = logged_in(cases.enterprise_user)
    r = post_json(ent, f"/api/v1/cases/{ticket.pk}/follow-up",
                  {"resolved": False, "satisfaction": 4, "comment": "没解决", "version": ticket.version})  # fmt: skip
    assert r.status_code == 200, r.content
    rating = Rating.objects.get()
    assert (rating.level, rating.channel, rating.comment) == (4, "pc", "没解决")
    assert Rectification.objects.filter(rating=rating).count() == 1
    assert FollowUp.objects.count() == 1 and Ticket.objects.get(pk=ticket.pk).status == "in_progress"
    # The other door now: the 差评 is under rectification, nothing more is recorded.
    again = post_json(ent, f"/api/v1/ratings/cases/{ticket.pk}/ratings", {"level": 1, "resolved": True})
    assert again.status_code == 409 and again.json()["code"] == "rectification_pending"
    assert (Rating.objects.count(), FollowUp.objects.count()) == (1, 1)


def test_ratings_api_records_the_follow_up_and_the_mine_page_form_too(cases: Any) -> None:
    first, second = cases.replied(), cases.replied()
    ent = logged_in(cases.enterprise_user)
    r = post_json(ent, f"/api/v1/ratings/cases/{first.pk}/ratings", {"level": 5, "resolved": True})
    body = r.json()
    assert r.status_code == 201 and body["rating"]["level"] == 5 and body["rating"]["rectification_id"]
    assert body["followed_up"] and body["reopened"] and body["ticket_status"] == "in_progress"
    prefix = f"r{second.pk}"
    ent.post(f"/cases/{second.pk}/do/rate/", {"_prefix": prefix, f"{prefix}-version": second.version,
             f"{prefix}-satisfaction": 2, f"{prefix}-resolved": "1"})  # fmt: skip
    assert Ticket.objects.get(pk=second.pk).status == "closed"
    assert sorted(Rating.objects.values_list("subject__ticket_id", "level")) == sorted(
        [(first.pk, 5), (second.pk, 2)]
    )
    assert FollowUp.objects.count() == 2 and Rectification.objects.count() == 1


def test_unresolved_rating_at_the_reopen_limit_is_flagged_not_reopened(cases: Any) -> None:
    RatingSettings.objects.update_or_create(pk=1, defaults={"max_reopens": 0})
    ticket = cases.replied()
    result = actions.do_rate_case(acting_user=cases.enterprise_user, ticket_id=ticket.pk,
                                  data=actions.RatingInput(level=4), resolved=False)  # fmt: skip
    ticket.refresh_from_db()
    assert (result.reopened, result.escalation_flagged) == (False, True)
    assert ticket.status == "replied" and ticket.events.filter(kind="follow_up_escalate").exists()
    assert Rectification.objects.filter(rating=result.rating).exists()


def test_answered_rating_needs_resolved_and_a_level(cases: Any) -> None:
    ticket = cases.replied()
    ent = logged_in(cases.enterprise_user)
    no_level = ent.post(f"/ratings/cases/{ticket.pk}/", {"resolved": "1"})
    assert no_level.status_code == 400 and "请选择评价等级" in no_level.content.decode()
    no_resolved = ent.post(f"/ratings/cases/{ticket.pk}/", {"level": "1"})
    assert no_resolved.status_code == 400 and "请选择问题是否已解决" in no_resolved.content.decode()
    api = post_json(ent, f"/api/v1/ratings/cases/{ticket.pk}/ratings", {"resolved": True})
    assert api.status_code == 400 and api.json()["code"] == "level_required"
    stale = post_json(ent, f"/api/v1/ratings/cases/{ticket.pk}/ratings",
                      {"level": 1, "resolved": True, "version": ticket.version - 1})  # fmt: skip
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert Rating.objects.count() == 0 and FollowUp.objects.count() == 0


# --- no level preselected anywhere --------------------------------------------------------------------


def test_no_form_preselects_a_level_and_none_stores_without_one(cases: Any, site: Any, window: Any) -> None:
    ticket = cases.replied(contact_phone="13812345678")
    agent = logged_in(cases.hotline_agent)
    # The case system's 回访 form: no level selected, refused without one.
    detail = logged_in(cases.dispatcher).get(f"/cases/{ticket.pk}/").content.decode()
    # The select's first option is the empty one (a browser shows the first option as chosen).
    select = re.search(r'<select name="satisfaction"[^>]*>\s*<option value="([^"]*)"', detail)
    assert select is not None and select.group(1) == ""
    r = logged_in(cases.dispatcher).post(
        f"/cases/{ticket.pk}/do/follow_up/", {"version": ticket.version, "method": "phone", "resolved": "1"}
    )
    assert r.status_code == 400 and "请选择满意度" in r.content.decode()
    # The case system's follow-up API, by an agent and by the enterprise.
    for user in (cases.dispatcher, cases.enterprise_user):
        no_level = post_json(logged_in(user), f"/api/v1/cases/{ticket.pk}/follow-up",
                             {"resolved": True, "version": ticket.version})  # fmt: skip
        assert no_level.status_code == 400
        assert no_level.json() == {"code": "level_required", "message": "请选择满意度"}
    # The ratings 回访 page and API.
    page = agent.post(f"/ratings/follow-ups/{ticket.pk}/", {"outcome": "connected", "resolved": "1"})
    assert page.status_code == 400 and "请选择满意度" in page.content.decode()
    api = post_json(agent, "/api/v1/ratings/follow-ups/calls",
                    {"ticket_id": ticket.pk, "outcome": "connected", "resolved": True})  # fmt: skip
    assert api.status_code == 400 and api.json()["code"] == "level_required"
    # Window QR and SMS link pages.
    qr = Client().get(f"/ratings/q/w/{window.public_key}/").content.decode()
    assert 'name="level"' in qr and not LEVEL_CHECKED.search(qr)
    assert Client().post(f"/ratings/q/w/{window.public_key}/", {"comment": "x"}).status_code == 400
    url, _token = sms_link(cases, ticket)
    sms_page = Client().get(url).content.decode()
    assert 'name="level"' in sms_page and not LEVEL_CHECKED.search(sms_page)
    refused = Client().post(url, {"resolved": "1"})
    assert refused.status_code == 400 and "请选择评价等级" in refused.content.decode()
    assert Rating.objects.count() == 0 and FollowUp.objects.count() == 0 and FollowUpCall.objects.count() == 0
    assert UsedLink.objects.count() == 0


# --- telling the rater after a rectification ------------------------------------------------------------


def test_rectification_feedback_reaches_the_rater_without_a_qr_token(cases: Any) -> None:
    visitor = cases.replied(contact_phone="13900001111", submitter=None, enterprise=None)
    url, _ = sms_link(cases, visitor)
    Client().post(url, {"level": "5", "resolved": "0"})
    rect = Rectification.objects.get()
    actions.do_verify(acting_user=cases.world.handler_shuyang, rect_id=rect.pk, verification="属实")
    actions.do_classify(acting_user=cases.biz_office, rect_id=rect.pk, category="immediate")
    actions.do_rectify(
        acting_user=cases.world.handler_shuyang, rect_id=rect.pk, measures="已整改", feedback="已修复"
    )
    sms = OutboxMessage.objects.filter(channel="sms", subject="差评整改反馈").get()
    assert "/ratings/m/" in sms.link and sms.link.startswith("http") and "/ratings/q/c/" not in sms.body
    # The fresh one-time link gives the 追评.
    assert Client().post(sms.link, {"level": "2"}).status_code == 200
    rect.refresh_from_db()
    assert (rect.status, rect.rater_level) == ("closed", 2)

    ticket = cases.replied()
    actions.rate_case(acting_user=cases.enterprise_user, ticket_id=ticket.pk,
                      data=actions.RatingInput(level=4), resolved=False)  # fmt: skip
    rect = Rectification.objects.get(subject__ticket=ticket)
    actions.do_verify(acting_user=cases.world.handler_shuyang, rect_id=rect.pk, verification="属实")
    actions.do_classify(acting_user=cases.biz_office, rect_id=rect.pk, category="immediate")
    actions.do_rectify(
        acting_user=cases.world.handler_shuyang, rect_id=rect.pk, measures="已整改", feedback="已修复"
    )
    told = OutboxMessage.objects.get(recipient=cases.enterprise_user, subject=f"差评整改反馈：{rect.number}")
    assert told.link == f"/cases/{ticket.pk}/"


def test_a_second_enterprise_user_also_may_rate_but_another_enterprise_may_not(cases: Any) -> None:
    ticket = cases.replied()
    colleague = make_user("ent_sy2", "enterprise", enterprise=cases.ent_shuyang)
    stranger = make_user("ent_sq", "enterprise", enterprise=cases.ent_siyang)
    assert post_json(logged_in(stranger), f"/api/v1/ratings/cases/{ticket.pk}/ratings",
                     {"level": 1, "resolved": True}).status_code == 404  # fmt: skip
    ok = post_json(
        logged_in(colleague), f"/api/v1/ratings/cases/{ticket.pk}/ratings", {"level": 1, "resolved": True}
    )
    assert ok.status_code == 201 and Rating.objects.get().rater_id == colleague.pk
