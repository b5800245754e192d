"""The unit picker in a real browser (issue 17): a dispatcher routes a case from the keyboard alone —
pinyin initials find the unit, results come grouped by 区划 with the suggested unit first, several
协办 units become chips — and the page no longer carries the whole unit directory in every row."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.conftest import PASSWORD, World, _fresh_workday_calendar, make_user, world  # noqa: F401
from bangban.tickets.models import Category, Ticket
from bangban.tickets.workflow import Status

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _dispatcher_and_case(
    world: World,  # noqa: F811
    number: str,
    title: str,
    content: str,
    **fields: Any,
) -> tuple[Any, Ticket]:
    """The default catalogue, a city dispatcher and one case waiting for dispatch."""
    from bangban.tickets.defaults import ensure_defaults

    ensure_defaults()
    dispatcher = make_user("dispatcher", Role.DISPATCHER, unit=world.biz_office_unit, full_name="市派单员")
    ticket = Ticket.objects.create(
        number=number,
        channel="portal",
        title=title,
        content=content,
        status=Status.PENDING_DISPATCH,
        received_at=timezone.now(),
        **fields,
    )
    return dispatcher, ticket


def _suggested_case(world: World, number: str, title: str, content: str) -> tuple[Any, Ticket]:  # noqa: F811
    """A 泗阳 enterprise's case that routing suggests for the approval bureau."""
    return _dispatcher_and_case(
        world,
        number,
        title,
        content,
        enterprise=world.ent_siyang,
        region=world.siyang,
        suggested_unit=world.approval_bureau,
    )


def test_a_dispatcher_routes_a_case_with_the_keyboard_only(
    live_server: Any,
    page: Any,
    world: World,  # noqa: F811
) -> None:
    dispatcher, ticket = _suggested_case(
        world,
        "QY-20261207-0001",
        "设立登记材料被反复退回",
        "我公司提交的设立登记材料被退回三次，每次理由不同。",
    )
    base = live_server.url
    log_in(page, base, dispatcher.username, PASSWORD)
    page.goto(f"{base}/cases/dispatch/")
    row = page.locator(f"[data-testid=dispatch-row][data-number='{ticket.number}']")
    lead = row.locator("input[data-picker-input][id$='-lead']")

    # The suggestion is pre-filled as a chip; an empty box offers it first.
    assert (
        row.locator(f"[data-testid=unit-picker-t{ticket.pk}-lead] [data-testid=unit-chip]")
        .inner_text()
        .startswith(world.approval_bureau.name)
    )
    # Backspace in the empty box takes it back, and the list offers it first.
    lead.focus()
    lead.press("Backspace")
    assert row.locator(f"[data-testid=unit-picker-t{ticket.pk}-lead] [data-testid=unit-chip]").count() == 0
    first = row.locator("[data-unit-option]").first
    assert first.inner_text().startswith(world.approval_bureau.name) and "建议" in first.inner_text()

    # 「syxzf」: the short names' initials of both county governments, grouped by 区划.
    lead.fill("syxzf")
    row.locator("[data-unit-option].active", has_text=world.shuyang_gov.name).wait_for()
    groups = row.locator(".bb-picker-group").all_inner_texts()
    assert groups == ["沭阳县", "泗阳县"]
    lead.press("ArrowDown")
    row.locator("[data-unit-option].active", has_text=world.siyang_gov.name).wait_for()
    lead.press("Enter")
    chips = row.locator(f"[data-testid=unit-picker-t{ticket.pk}-lead] [data-testid=unit-chip]")
    assert chips.count() == 1 and chips.first.inner_text().startswith(world.siyang_gov.name)

    # Two 协办 units as chips; Backspace in the empty box takes the last one back.
    lead.press("Tab")
    co = row.locator("input[data-picker-input][id$='-co']")
    assert page.evaluate("() => document.activeElement.id") == co.get_attribute("id")
    for query, name in (
        ("市营商", world.biz_office_unit.name),
        ("sxzsp", world.approval_bureau.name),
        ("syxzf", world.shuyang_gov.name),
    ):
        co.fill(query)
        row.locator("[data-unit-option].active", has_text=name).wait_for()
        co.press("Enter")
    co_chips = row.locator(f"[data-testid=unit-picker-t{ticket.pk}-co] [data-testid=unit-chip]")
    assert co_chips.count() == 3
    co.press("Backspace")
    assert co_chips.count() == 2

    # The category select carries one option until used, then offers the whole catalogue.
    category = Category.objects.filter(is_active=True).order_by("path").last()
    assert category is not None
    select = row.locator("select[id$='-category']")
    assert select.locator("option").count() == 1
    select.focus()
    assert select.locator("option").count() == Category.objects.filter(is_active=True).count() + 1
    select.select_option(str(category.pk))

    # Escape closes the list without choosing; Enter on the dispatch button sends the form.
    co.fill("zzz不存在")
    row.locator("[data-testid=unit-none]").wait_for()
    co.press("Escape")
    assert row.locator("[data-unit-option]").count() == 0
    row.locator("[data-testid=dispatch-submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".alert-success")

    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED
    assert ticket.lead_unit_id == world.siyang_gov.pk and ticket.category_id == category.pk
    co = ticket.assignments.filter(role="co", active=True).values_list("unit_id", flat=True)
    assert set(co) == {world.biz_office_unit.pk, world.approval_bureau.pk}


def test_a_required_lead_unit_stops_the_form_with_a_message(
    live_server: Any,
    page: Any,
    world: World,  # noqa: F811
) -> None:
    dispatcher, ticket = _dispatcher_and_case(world, "QY-20261207-0002", "无建议单位的诉求", "内容")
    log_in(page, live_server.url, dispatcher.username, PASSWORD)
    page.goto(f"{live_server.url}/cases/dispatch/")
    row = page.locator(f"[data-testid=dispatch-row][data-number='{ticket.number}']")
    assert row.locator("[data-testid=unit-chip]").count() == 0
    row.locator("[data-testid=dispatch-submit]").click()
    error = row.locator("[data-picker-error]").first
    error.wait_for(state="visible")
    assert "请选择" in error.inner_text()
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_DISPATCH


def test_the_case_page_dispatches_and_reassigns_through_the_picker(
    live_server: Any,
    page: Any,
    world: World,  # noqa: F811
) -> None:
    """The case page's 派单 and 改派 forms use the same picker: no <select> of every unit."""
    dispatcher, ticket = _suggested_case(
        world, "QY-20261207-0003", "厂房验收一直排不上", "竣工验收申请提交一个月无人联系。"
    )
    base = live_server.url
    log_in(page, base, dispatcher.username, PASSWORD)
    page.goto(f"{base}/cases/{ticket.pk}/")
    form = page.locator("[data-testid=form-dispatch]")
    assert form.locator("select[name=lead_unit], select[name=co_units]").count() == 0
    chip = form.locator("[data-testid=unit-picker-id_lead_unit] [data-testid=unit-chip]")
    assert chip.inner_text().startswith(world.approval_bureau.name)  # the suggestion, pre-filled

    lead = form.locator("#id_lead_unit")
    lead.focus()
    lead.press("Backspace")
    lead.fill("syxzf")
    form.locator("[data-unit-option].active", has_text=world.shuyang_gov.name).wait_for()
    lead.press("Enter")
    co = form.locator("#id_co_units")
    co.fill("市营商")
    form.locator("[data-unit-option].active", has_text=world.biz_office_unit.name).wait_for()
    co.press("Enter")
    form.locator("[data-testid=submit-dispatch]").click()
    page.wait_for_selector(".alert-success")
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit_id == world.shuyang_gov.pk
    assert list(ticket.assignments.filter(role="co", active=True).values_list("unit_id", flat=True)) == [
        world.biz_office_unit.pk
    ]

    # 改派 to another unit, with a reason.
    page.goto(f"{base}/cases/{ticket.pk}/")
    form = page.locator("[data-testid=form-reassign]")
    target = form.locator("[id$=lead_unit][data-picker-input]")
    target.fill("syxzf")
    form.locator("[data-unit-option]", has_text=world.siyang_gov.name).first.click()
    form.locator("textarea[name$=reason]").fill("属地为泗阳县")
    form.locator("[data-testid=submit-reassign]").click()
    page.wait_for_selector(".alert-success")
    ticket.refresh_from_db()
    assert ticket.lead_unit_id == world.siyang_gov.pk
