"""The 首违不罚 decision aid (R9.2) in a real browser.

An inspector of 沭阳 picks a catalogue item and the enterprise, forgets one fact (a clear Chinese
error), answers every question, sees the proposal 不予处罚 with the legal basis, records the
decision; a second case a week later is no first offence any more, the inspector departs from the
proposal and must give a reason. 司法局 reviews the first decision and corrects the second with a
note, and the monthly figures count them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bangban.conftest import PASSWORD, _fresh_workday_calendar, login, world  # noqa: F401
from bangban.leniency.demo import FIRST
from bangban.leniency.models import Decision, Review
from bangban.leniency.tests.conftest import cast  # noqa: F401

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def answer_facts(page: Any, facts: dict[str, bool], skip: str = "") -> None:
    for key, value in facts.items():
        if key != skip:
            page.click(f"[data-testid=fact-{key}-{'yes' if value else 'no'}]")


def fill_case(page: Any, people: Any, code: str, day: dt.date, narrative: str) -> None:
    page.select_option("[data-testid=field-item]", str(people.items[code].pk))
    page.fill("[data-testid=field-enterprise]", people.world.ent_shuyang.name)
    page.fill("[data-testid=field-case-date]", day.isoformat())
    page.fill("[data-testid=field-narrative]", narrative)


def test_the_inspector_decides_with_the_aid_and_the_justice_bureau_reviews(
    live_server: Any,
    page: Any,
    cast: Any,  # noqa: F811
) -> None:
    base = live_server.url
    today = timezone.localdate()

    # 1. The inspector opens the aid from the register and leaves one fact unanswered.
    log_in(page, base, cast.inspector.username, PASSWORD)
    page.goto(f"{base}/leniency/")
    page.click("[data-testid=new-decision]")
    fill_case(page, cast, "HB-01", today - dt.timedelta(days=7), "危废贮存间未设识别标志，当场补设。")
    answer_facts(page, FIRST, skip="harmful")
    page.click("[data-testid=propose]")
    assert "是否造成危害后果" in page.inner_text("[data-testid=error-facts]")

    # 2. Every fact answered: the proposal cites the legal basis; recording keeps it.
    page.click("[data-testid=fact-harmful-no]")
    page.click("[data-testid=propose]")
    assert page.inner_text("[data-testid=proposal-outcome]") == "不予处罚"
    basis = page.inner_text("[data-testid=proposal-basis]")
    assert "《中华人民共和国固体废物污染环境防治法》第七十七条" in basis and "第三十三条" in basis
    page.click("[data-testid=record]")
    page.wait_for_selector("[data-testid=decision-detail]")
    first = Decision.objects.get()
    assert first.outcome == "no_penalty" and not first.deviated

    # 3. A second case today: the record of the last two years ends the first offence.
    page.goto(f"{base}/leniency/decisions/new/")
    fill_case(page, cast, "HB-02", today, "排污许可证执行报告逾期20日提交。")
    answer_facts(page, FIRST)
    page.click("[data-testid=propose]")
    assert page.inner_text("[data-testid=proposal-outcome]") == "依法处罚"
    assert first.number in page.inner_text("[data-testid=proposal]")
    page.select_option("[data-testid=field-outcome]", "lighter")
    page.click("[data-testid=record]")
    assert "请填写理由" in page.inner_text("[data-testid=error-reason]")
    page.fill("[data-testid=field-reason]", "逾期时间短，已主动补交。")
    page.click("[data-testid=record]")
    page.wait_for_selector("[data-testid=decision-detail]")
    second = Decision.objects.exclude(pk=first.pk).get()
    assert second.deviated and second.outcome == "lighter" and second.proposal == "penalty"

    # 4. 司法局 reviews both: approves the first, corrects the second (a note is required).
    page.context.clear_cookies()
    log_in(page, base, cast.sifa.username, PASSWORD)
    page.goto(f"{base}/leniency/?deviated=1")
    page.click("[data-testid=decision-row]")
    page.click("[data-testid=correct]")
    assert "审查意见" in page.inner_text("[data-testid=form-error]")
    page.fill("[data-testid=field-note]", "两年内已有违法记录，偏离理由不足，应依法处罚。")
    page.click("[data-testid=correct]")
    assert page.inner_text("[data-testid=decision-status]") == "审查纠正"
    page.goto(f"{base}/leniency/decisions/{first.pk}/")
    page.click("[data-testid=approve]")
    assert page.inner_text("[data-testid=decision-status]") == "审查通过"
    assert {d.status for d in Decision.objects.all()} == {Review.APPROVED, Review.CORRECTED}

    # 5. The month's figures count them.
    page.goto(f"{base}/leniency/figures/")
    cells = page.locator("[data-testid=figure-row] td").all_inner_texts()
    assert cells == [cast.world.shuyang_gov.name, "2", "1", "0", "1", "0", "1", "1"]


def test_the_aid_fits_a_phone(live_server: Any, phone_page: Any, cast: Any) -> None:  # noqa: F811
    log_in(phone_page, live_server.url, cast.inspector.username, PASSWORD)
    phone_page.goto(f"{live_server.url}/leniency/decisions/new/")
    fill_case(phone_page, cast, "SC-01", timezone.localdate(), "未按期公示年度报告，已补报。")
    answer_facts(phone_page, FIRST)
    phone_page.click("[data-testid=propose]")
    assert phone_page.inner_text("[data-testid=proposal-outcome]") == "不予处罚"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
