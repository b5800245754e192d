"""Keyboard-first dispatching in a real browser (issue 17 item 2): a dispatcher routes 50 cases with
the routing rules' suggestions by keyboard alone — the key presses counted and bounded (the number
is recorded in docs/ui.md) — selects cases for 批量派单 and sends them in one request while a
colleague's dispatch of one of them is reported for that case only, and moves through the queue
from a case's own page with [ and ]. The counts in the header follow without a reload."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bangban.accounts.roles import Role
from bangban.conftest import PASSWORD, World, _fresh_workday_calendar, make_user, world  # noqa: F401
from bangban.tickets.actions import do_dispatch
from bangban.tickets.models import RoutingRule, Ticket
from bangban.tickets.routing import suggest_unit_id
from bangban.tickets.workflow import Status

from .conftest import log_in, pick_unit

pytestmark = pytest.mark.django_db(transaction=True)

CASES = 50
# What the test allows: at most two presses per case (move + accept) and a few more. What it
# measures (docs/ui.md): one `j` to start, then one `a` per case — the next case becomes current
# by itself, and a page that runs out reloads with the next cases, the first of them current.
BUDGET = 2 * CASES + 3


def _queue(w: World, count: int, *, prefix: str = "KB") -> list[Ticket]:
    """`count` pending cases, half in each county, each with the unit its county's routing rule
    names as the suggestion (as intake stores it)."""
    from bangban.tickets.defaults import ensure_defaults

    ensure_defaults()
    RoutingRule.objects.get_or_create(region=w.shuyang, category=None, defaults={"unit": w.shuyang_gov})
    RoutingRule.objects.get_or_create(region=w.siyang, category=None, defaults={"unit": w.siyang_gov})
    now = timezone.now()
    tickets = []
    for i in range(count):
        region = w.shucheng if i % 2 == 0 else w.siyang
        tickets.append(
            Ticket.objects.create(
                number=f"{prefix}-20261207-{i + 1:04d}",
                channel="portal",
                title=f"键盘派单测试诉求{i + 1}",
                content="企业反映的问题内容。",
                enterprise=w.ent_shuyang if i % 2 == 0 else w.ent_siyang,
                region=region,
                suggested_unit_id=suggest_unit_id(None, region),
                status=Status.PENDING_DISPATCH,
                received_at=now - dt.timedelta(minutes=count - i),
            )
        )
    return tickets


def _dispatcher(w: World) -> Any:
    return make_user("dispatcher", Role.DISPATCHER, unit=w.biz_office_unit, full_name="市派单员")


def test_a_dispatcher_routes_fifty_cases_with_the_suggestions_by_keyboard(
    live_server: Any,
    page: Any,
    world: World,  # noqa: F811
) -> None:
    tickets = _queue(world, CASES)
    assert all(t.suggested_unit_id for t in tickets)
    log_in(page, live_server.url, _dispatcher(world).username, PASSWORD)
    page.goto(f"{live_server.url}/cases/dispatch/")
    pending = page.locator("[data-testid=pending-count]")
    assert pending.inner_text() == f"待派单 {CASES} 件"

    presses = 0

    def press(key: str) -> None:
        nonlocal presses
        page.keyboard.press(key)
        presses += 1

    current = page.locator("[data-dispatch-card][aria-current=true]")
    press("j")
    dispatched: list[str] = []
    while len(dispatched) < CASES:
        current.wait_for()
        number = current.get_attribute("data-number")
        assert number is not None and number not in dispatched
        # Nothing but the suggestion is on the card: its lead unit chip is the routing rule's.
        press("a")
        dispatched.append(number)
        # The card leaves the page once the server said yes (a person reads the next one meanwhile).
        page.locator(f"[data-dispatch-card][data-number='{number}']").wait_for(state="detached")
    page.locator("[data-testid=empty]").wait_for()
    expect(page.locator("[data-testid=pending-count]")).to_have_text("待派单 0 件")

    assert presses <= BUDGET
    assert presses == CASES + 1  # the number docs/ui.md records
    assert sorted(dispatched) == sorted(t.number for t in tickets)
    for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets]):
        assert t.status == Status.DISPATCHED and t.lead_unit_id == t.suggested_unit_id, t.number
        assert t.version == 2


def test_keys_wait_while_typing_and_the_help_lists_them(
    live_server: Any,
    page: Any,
    world: World,  # noqa: F811
) -> None:
    first, second, third = _queue(world, 3)
    log_in(page, live_server.url, _dispatcher(world).username, PASSWORD)
    page.goto(f"{live_server.url}/cases/dispatch/")
    current = page.locator("[data-dispatch-card][aria-current=true]")

    # ↓ and j move, ↑ and k move back; the current card is highlighted and focused.
    page.keyboard.press("ArrowDown")
    assert current.get_attribute("data-number") == first.number
    page.keyboard.press("j")
    assert current.get_attribute("data-number") == second.number
    assert "bb-current" in (current.get_attribute("class") or "")
    assert page.evaluate("() => document.activeElement.dataset.number") == second.number
    page.keyboard.press("k")
    assert current.get_attribute("data-number") == first.number

    # In the unit picker, letters are typing: `a`, `j` and `x` change nothing but the search box.
    page.keyboard.press("u")
    box = page.locator(f"#t{first.pk}-lead")
    assert page.evaluate("() => document.activeElement.id") == f"t{first.pk}-lead"
    box.press("Backspace")  # take the suggestion back …
    for key in "jax":
        page.keyboard.press(key)
    assert box.input_value() == "jax"
    assert Ticket.objects.get(pk=first.pk).status == Status.PENDING_DISPATCH
    assert page.locator("[data-testid=selected-count]").inner_text() == "0"
    # … choose another unit, Esc back to the card, and `a` sends it with that unit.
    pick_unit(
        page.locator(f"[data-dispatch-card][data-number='{first.number}']"),
        "-lead",
        "市行政审批",
        world.approval_bureau.name,
    )
    page.keyboard.press("Escape")
    assert current.get_attribute("data-number") == first.number
    page.keyboard.press("a")
    page.locator(f"[data-dispatch-card][data-number='{first.number}']").wait_for(state="detached")
    page.locator(".alert-success", has_text=f"{first.number}：已派至{world.approval_bureau.name}").wait_for()
    assert Ticket.objects.get(pk=first.pk).lead_unit_id == world.approval_bureau.pk
    # The next case became current by itself; the count went down without a reload.
    assert current.get_attribute("data-number") == second.number
    expect(page.locator("[data-testid=pending-count]")).to_have_text("待派单 2 件")

    # x selects the current case (and again unselects it).
    page.keyboard.press("x")
    assert page.locator("[data-testid=selected-count]").inner_text() == "1"
    assert current.locator("[data-dispatch-select]").is_checked()
    page.keyboard.press("x")
    assert page.locator("[data-testid=selected-count]").inner_text() == "0"

    # ? lists the keys; Esc closes the list and the keys work again.
    page.keyboard.press("?")
    help_box = page.locator("[data-testid=keys-help]")
    help_box.wait_for(state="visible")
    assert "下一件" in help_box.inner_text() and "批量派单" in help_box.inner_text()
    page.keyboard.press("j")  # ignored while the list is open
    page.keyboard.press("Escape")
    help_box.wait_for(state="hidden")
    assert current.get_attribute("data-number") == second.number

    # o opens the case within the queue; ] and [ go to the next and the previous case.
    page.keyboard.press("o")
    page.wait_for_url(f"**/cases/{second.pk}/?from=dispatch")
    assert page.locator("[data-testid=queue-position]").inner_text() == "待派单第 1 / 2 件"
    page.keyboard.press("]")
    page.wait_for_url(f"**/cases/{third.pk}/?from=dispatch")
    assert page.locator("[data-testid=queue-next]").count() == 0
    page.keyboard.press("[")
    page.wait_for_url(f"**/cases/{second.pk}/?from=dispatch")
    page.locator("[data-testid=back-link]").click()
    page.wait_for_url("**/cases/dispatch/")


def test_a_dispatcher_sends_the_selected_cases_in_one_batch(
    live_server: Any,
    page: Any,
    world: World,  # noqa: F811
) -> None:
    tickets = _queue(world, 6, prefix="BT")
    bare = Ticket.objects.create(
        number="BT-20261207-0099",
        channel="portal",
        title="没有建议单位的诉求",
        content="内容",
        status=Status.PENDING_DISPATCH,
        received_at=timezone.now(),
    )
    dispatcher = _dispatcher(world)
    colleague = make_user(
        "dispatcher2", Role.DISPATCHER, unit=world.biz_office_unit, full_name="另一位派单员"
    )
    log_in(page, live_server.url, dispatcher.username, PASSWORD)
    page.goto(f"{live_server.url}/cases/dispatch/")
    assert page.locator("[data-testid=pending-count]").inner_text() == "待派单 7 件"

    # 「全选有建议单位的」 takes the six with a suggestion, not the one without.
    page.locator("[data-testid=select-suggested]").click()
    assert page.locator("[data-testid=selected-count]").inner_text() == "6"
    card = page.locator(f"[data-dispatch-card][data-number='{bare.number}']")
    assert not card.locator("[data-dispatch-select]").is_checked()
    # One is taken out again with its checkbox, one goes to another unit than suggested.
    kept = tickets[5]
    page.locator(f"[data-dispatch-card][data-number='{kept.number}'] [data-dispatch-select]").uncheck()
    changed = tickets[0]
    pick_unit(
        page.locator(f"[data-dispatch-card][data-number='{changed.number}']"),
        "-lead",
        "市行政审批",
        world.approval_bureau.name,
    )
    assert page.locator("[data-testid=selected-count]").inner_text() == "5"

    # Meanwhile a colleague dispatches one of the selected cases.
    taken = tickets[2]
    do_dispatch(
        acting_user=colleague, ticket_id=taken.pk, lead_unit_id=world.siyang_gov.pk, expected_version=1
    )

    page.locator("[data-testid=dispatch-batch-submit]").click()
    for t in (tickets[0], tickets[1], tickets[3], tickets[4], taken):
        page.locator(f"[data-dispatch-card][data-number='{t.number}']").wait_for(state="detached")
    page.locator(
        "[data-testid=dispatch-note]", has_text=f"{taken.number}：该诉求已由另一位派单员于"
    ).wait_for()
    # Two left, the header says so, without a reload.
    expect(page.locator("[data-testid=pending-count]")).to_have_text("待派单 2 件")
    assert page.locator("[data-dispatch-card]").count() == 2
    assert page.locator("[data-testid=selected-count]").inner_text() == "0"

    by_pk = {t.pk: t for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])}
    assert by_pk[changed.pk].lead_unit_id == world.approval_bureau.pk
    for t in (tickets[1], tickets[3], tickets[4]):
        assert by_pk[t.pk].status == Status.DISPATCHED and by_pk[t.pk].lead_unit_id == t.suggested_unit_id
    assert by_pk[taken.pk].lead_unit_id == world.siyang_gov.pk and by_pk[taken.pk].version == 2
    assert by_pk[kept.pk].status == Status.PENDING_DISPATCH
    assert Ticket.objects.get(pk=bare.pk).status == Status.PENDING_DISPATCH

    # The case without a suggestion, selected by x and sent: it stays, with the reason on its card.
    card.click(position={"x": 5, "y": 5})
    page.keyboard.press("x")
    page.locator("[data-testid=dispatch-batch-submit]").click()
    error = card.locator("[data-testid=dispatch-error]")
    error.wait_for()
    assert error.inner_text() == "该诉求没有建议的主办单位，请选择主办单位后再派单"
    assert Ticket.objects.get(pk=bare.pk).status == Status.PENDING_DISPATCH
