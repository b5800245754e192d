"""The dispatch clock in a real browser (issue 11): a case the enterprise filed and nobody
dispatched shows 超期 in the dispatcher's queue after a sweep, counts in the queue's overdue count,
and leaves it once dispatched."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.conftest import PASSWORD, World, _fresh_workday_calendar, login, make_user, world  # noqa: F401
from bangban.tickets import dispatch_clock
from bangban.tickets.models import Ticket
from bangban.tickets.sweeper import sweep_deadlines
from bangban.tickets.workflow import Status

from .conftest import log_in, pick_unit

# The live server needs committed data. Rows seeded by data migrations (roles, deadline policies)
# are recreated on demand, so no serialized rollback is needed.
pytestmark = pytest.mark.django_db(transaction=True)

DANGER_RED = "rgb(220, 53, 69)"  # Bootstrap 5 --bs-danger


def test_a_case_left_in_the_queue_turns_overdue_and_leaves_the_count_once_dispatched(
    live_server: Any,
    page: Any,
    world: World,  # noqa: F811
) -> None:
    from bangban.tickets.defaults import ensure_defaults

    ensure_defaults()
    dispatcher = make_user("dispatcher", Role.DISPATCHER, unit=world.biz_office_unit, full_name="市派单员")
    base = live_server.url

    # 1. The enterprise files a case.
    log_in(page, base, world.enterprise_user.username, PASSWORD)
    page.goto(f"{base}/cases/intake/new/")
    page.fill("[data-testid=field-title]", "企业开办登记材料被反复退回")
    page.fill("[data-testid=field-content]", "我公司提交的设立登记材料被退回三次，每次理由不同，请协调。")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=case-number]")
    number = page.inner_text("[data-testid=case-number]").strip()
    ticket = Ticket.objects.get(number=number)
    assert ticket.dispatch_clock == "dispatch" and ticket.dispatch_due_at is not None

    # 2. Nobody dispatches it: as if it had been received a week ago (its clock counted from then),
    #    and the scheduler's sweep runs now.
    received = timezone.now() - dt.timedelta(days=7)
    ticket.received_at = received
    dispatch_clock.start(ticket, received)
    ticket.save(update_fields=["received_at", *dispatch_clock.CLOCK_FIELDS])
    counts = sweep_deadlines()
    assert counts["dispatch_overdue"] == 1

    # 3. The dispatcher sees it red, 超期, in the queue and in the overdue count.
    page.context.clear_cookies()
    log_in(page, base, dispatcher.username, PASSWORD)
    page.goto(f"{base}/cases/dispatch/")
    count = page.locator("[data-testid=dispatch-overdue-count]")
    assert count.get_attribute("data-count") == "1"
    row = page.locator(f"[data-testid=dispatch-row][data-number='{number}']")
    badge = row.locator("[data-testid=dispatch-badge]")
    assert badge.inner_text().strip() == "超期"
    assert badge.evaluate("el => getComputedStyle(el).backgroundColor") == DANGER_RED
    assert "已超期" in row.locator("[data-testid=dispatch-hint]").inner_text()
    count.click()
    page.wait_for_url("**dispatch_deadline=overdue**")
    assert page.locator("[data-testid=dispatch-row]").count() == 1

    # 4. Dispatched, it leaves the overdue count and the overdue list.
    row = page.locator(f"[data-testid=dispatch-row][data-number='{number}']")
    pick_unit(row, "-lead", "沭阳县人民", world.shuyang_gov.name)
    row.locator("[data-testid=dispatch-submit]").click()
    page.wait_for_selector("[data-testid=empty]")
    assert page.locator("[data-testid=dispatch-overdue-count]").get_attribute("data-count") == "0"
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.dispatch_settled_at is not None
    assert ticket.dispatch_state == "overdue"
