"""Repeated complaints (重复反映): a new case close to one of the same enterprise's (or, without an
enterprise, the same phone's) cases of the last 90 days is linked and flagged, with an event on
both cases."""

from __future__ import annotations

import datetime as dt

import pytest

from bangban.tickets.duplicates import DEFAULT_THRESHOLD, best_match, bigrams, normalise, similarity
from bangban.tickets.intake import IntakeInput, do_intake_hotline, do_intake_portal
from bangban.tickets.models import Ticket, TicketEvent
from bangban.tickets.workflow import Status
from bangban.workdays.arithmetic import SHANGHAI

PERMIT = "我公司于3月申请的建筑工程施工许可证至今未办理，影响项目开工，请尽快处理"
PERMIT_AGAIN = "再次反映：我公司于3月申请的建筑工程施工许可证至今仍未办理，已严重影响项目开工，请尽快处理"
PERMIT_RETOLD = "再次反映：我公司3月份申请的建筑工程施工许可证到现在还没办下来，项目无法开工，请尽快处理"
PLANNING = "我公司申请的建筑工程规划许可证办理时间过长，请相关部门尽快处理"
ROAD = "厂区门口道路破损严重，货车进出困难，希望尽快维修"
ROAD_AGAIN = "厂区门口的道路破损得很严重，大货车进出很困难，请尽快安排维修"
POWER = "企业用电报装申请已经提交两个月，供电公司一直没有接电"
POWER_AGAIN = "企业用电报装申请已提交两个多月，至今供电公司还没有安排接电，严重影响生产"
WATER = "企业用水报装申请已经提交一个月，水务公司一直没有通水"

NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)


# --- the measure (pure) ---------------------------------------------------------------------------


def test_normalising_drops_spacing_punctuation_width_and_filler_words():
    assert normalise("  请尽快处理：ＡＢ  施工 许可！") == "ab施工许可"


def test_bigrams_of_a_short_text():
    assert bigrams("施工许可") == frozenset({"施工", "工许", "许可"})
    assert bigrams("电") == frozenset({"电"})
    assert bigrams("，。") == frozenset()


def test_identical_texts_score_one_and_unrelated_zero():
    assert similarity(PERMIT, PERMIT) == 1.0
    assert similarity(ROAD, "我公司申请的稳岗补贴一直没有到账") == 0.0


@pytest.mark.parametrize("first,second", [(PERMIT, PERMIT_AGAIN), (ROAD, ROAD_AGAIN), (POWER, POWER_AGAIN)])
def test_the_same_complaint_sent_again_reaches_the_threshold(first, second):
    assert similarity(first, second) >= DEFAULT_THRESHOLD


@pytest.mark.parametrize("first,second", [(PERMIT, PLANNING), (POWER, WATER)])
def test_a_different_problem_of_the_same_kind_stays_below(first, second):
    assert similarity(first, second) < 0.45


def test_a_complaint_retold_in_new_words_is_left_to_the_dispatcher():
    assert 0.5 < similarity(PERMIT, PERMIT_RETOLD) < DEFAULT_THRESHOLD


def test_best_match_picks_the_closest_candidate_above_the_threshold():
    match = best_match(POWER_AGAIN, [(1, WATER), (2, POWER), (3, ROAD)])
    assert match is not None and match.id == 2
    assert best_match(POWER_AGAIN, [(1, WATER)]) is None
    assert best_match(POWER_AGAIN, [(1, WATER)], threshold=0.2) is not None


# --- linking at intake ---------------------------------------------------------------------------


def _portal(cases, content, now=NOW, title="施工许可办理问题"):
    return do_intake_portal(
        acting_user=cases.enterprise_user, data=IntakeInput(title=title, content=content), now=now
    )


def test_a_repeated_complaint_is_linked_flagged_and_noted_on_both_cases(cases):
    first = _portal(cases, PERMIT, now=NOW - dt.timedelta(days=30)).ticket
    result = _portal(cases, PERMIT_AGAIN)
    again = result.ticket
    assert again.duplicate_of_id == first.pk
    assert again.is_repeat is True
    assert result.similarity is not None and result.similarity >= DEFAULT_THRESHOLD
    on_new = TicketEvent.objects.get(ticket=again, kind="duplicate_linked")
    on_old = TicketEvent.objects.get(ticket=first, kind="duplicate_linked")
    assert first.number in on_new.note and again.number in on_old.note
    first.refresh_from_db()
    assert first.is_repeat is False  # the original is not itself a repeat


def test_a_case_older_than_90_days_is_not_linked(cases):
    _portal(cases, PERMIT, now=NOW - dt.timedelta(days=91))
    again = _portal(cases, PERMIT_AGAIN).ticket
    assert again.duplicate_of_id is None and again.is_repeat is False
    assert not TicketEvent.objects.filter(kind="duplicate_linked").exists()


def test_another_enterprises_case_is_not_linked(cases):
    do_intake_hotline(
        acting_user=cases.hotline_agent,
        data=IntakeInput(
            title="施工许可", content=PERMIT, contact_phone="13800000001", enterprise_id=cases.ent_siyang.pk
        ),
        outcome="work_order",
        now=NOW - dt.timedelta(days=3),
    )
    again = _portal(cases, PERMIT_AGAIN).ticket
    assert again.is_repeat is False


def test_a_different_problem_of_the_same_enterprise_is_not_linked(cases):
    _portal(cases, POWER, now=NOW - dt.timedelta(days=3))
    assert _portal(cases, WATER).ticket.is_repeat is False


def test_merged_or_withdrawn_cases_are_not_candidates(cases):
    first = _portal(cases, PERMIT, now=NOW - dt.timedelta(days=3)).ticket
    Ticket.objects.filter(pk=first.pk).update(status=Status.WITHDRAWN)
    assert _portal(cases, PERMIT_AGAIN).ticket.is_repeat is False


def test_without_an_enterprise_the_same_phone_links(cases):
    def call(content, phone, now):
        return do_intake_hotline(
            acting_user=cases.hotline_agent,
            data=IntakeInput(title="道路破损", content=content, contact_phone=phone),
            outcome="work_order",
            now=now,
        ).ticket

    first = call(ROAD, "13900001111", NOW - dt.timedelta(days=5))
    assert call(ROAD_AGAIN, "13900002222", NOW).is_repeat is False
    repeat = call(ROAD_AGAIN, "13900001111", NOW)
    assert repeat.duplicate_of_id == first.pk
