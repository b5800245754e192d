"""The work lists as their users see them: the unit's queue sorted by deadline with its colours,
filters and saved views; the dispatcher's queue with returned cases and pending requests; all
cases within the viewer's scope; and the navigation that leads there."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bangban.tickets.models import DeadlineRequest, RequestKind, SavedView, Ticket
from bangban.tickets.workflow import Status

from .work_helpers import add_event, make_cast, make_category, make_ticket

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def numbers_in_order(html: str) -> list[str]:
    return re.findall(r'data-testid="case-row" data-number="([^"]+)"', html)


# --- unit work queue ------------------------------------------------------------------------------


def test_unit_queue_lists_cases_led_or_co_handled_by_the_unit_and_nothing_else(world, login):
    cast = make_cast(world)
    led = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=5 * DAY)
    co = make_ticket(
        world,
        status=Status.IN_PROGRESS,
        lead_unit=world.approval_bureau,
        co_units=(world.shuyang_gov,),
        due_in=5 * DAY,
    )
    other = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.siyang_gov, due_in=5 * DAY)

    html = login(cast.handler_shuyang).get(reverse("tickets:unit_queue")).content.decode()

    shown = numbers_in_order(html)
    assert led.number in shown
    assert co.number in shown
    assert other.number not in shown
    assert "协办" in html


def test_unit_queue_lists_open_cases_only_ordered_by_due_date_overdue_first(world, login):
    cast = make_cast(world)
    unit = world.shuyang_gov
    closed = make_ticket(world, status=Status.CLOSED, lead_unit=unit, due_in=-10 * DAY)
    later = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=unit, due_in=9 * DAY)
    overdue = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=unit, due_in=-2 * DAY)
    soon = make_ticket(world, status=Status.DISPATCHED, lead_unit=unit, due_in=3 * DAY)

    html = login(cast.handler_shuyang).get(reverse("tickets:unit_queue")).content.decode()

    # A closed case has left the to-do list (issue 17: 「待办诉求」 lists only open cases).
    assert numbers_in_order(html) == [overdue.number, soon.number, later.number]
    assert closed.number not in html


def test_unit_queue_shows_overdue_red_warning_yellow_and_provisional_dates(world, login):
    cast = make_cast(world)
    unit = world.shuyang_gov
    overdue = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=unit, due_in=-1 * DAY)
    warning = make_ticket(
        world, status=Status.IN_PROGRESS, lead_unit=unit, due_in=6 * 3600 * dt.timedelta(seconds=1)
    )
    normal = make_ticket(
        world,
        status=Status.IN_PROGRESS,
        lead_unit=unit,
        due_in=10 * DAY,
        due_provisional=True,
        title="跨年诉求",
    )

    html = login(cast.handler_shuyang).get(reverse("tickets:unit_queue")).content.decode()

    def row(number: str) -> str:
        match = re.search(rf'<tr data-testid="case-row" data-number="{number}".*?</tr>', html, re.S)
        assert match, number
        return match.group(0)

    assert 'class="table-danger"' in row(overdue.number)
    assert "text-bg-danger" in row(overdue.number) and "超期" in row(overdue.number)
    assert "text-bg-warning" in row(warning.number) and "临期" in row(warning.number)
    assert "text-bg-success" in row(normal.number) and "正常" in row(normal.number)
    assert "临时" in row(normal.number)
    assert "临时" not in row(overdue.number)


def test_unit_queue_filters_by_status_deadline_category_and_text(world, login):
    cast = make_cast(world)
    unit = world.shuyang_gov
    top = make_category("T1", "要素保障")
    leaf = make_category("T1-01", "用电", top)
    other_cat = make_category("T2", "政务服务")
    overdue = make_ticket(
        world, status=Status.IN_PROGRESS, lead_unit=unit, due_in=-DAY, category=leaf, title="用电报装慢"
    )
    fresh = make_ticket(world, status=Status.DISPATCHED, lead_unit=unit, due_in=9 * DAY, category=other_cat)
    client = login(cast.handler_shuyang)
    url = reverse("tickets:unit_queue")

    assert numbers_in_order(client.get(url, {"deadline": "overdue"}).content.decode()) == [overdue.number]
    assert numbers_in_order(client.get(url, {"status": "dispatched"}).content.decode()) == [fresh.number]
    assert numbers_in_order(client.get(url, {"category": "T1"}).content.decode()) == [overdue.number]
    assert numbers_in_order(client.get(url, {"q": "报装"}).content.decode()) == [overdue.number]
    both = client.get(url + "?status=dispatched&status=in_progress").content.decode()
    assert set(numbers_in_order(both)) == {overdue.number, fresh.number}


def test_unit_queue_reports_a_bad_filter_value_and_ignores_it(world, login):
    cast = make_cast(world)
    ticket = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=DAY * 3)

    response = login(cast.handler_shuyang).get(
        reverse("tickets:unit_queue"), {"status": "bogus", "region": "999"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="filter-errors"' in html
    assert "状态“bogus”无效" in html
    assert "区划“999”不存在" in html
    assert numbers_in_order(html) == [ticket.number]


def test_unit_queue_query_count_does_not_grow_with_page_size(world, login):
    cast = make_cast(world)
    cat = make_category("Q1", "分类")
    for i in range(30):
        make_ticket(
            world,
            status=Status.IN_PROGRESS,
            lead_unit=world.shuyang_gov,
            co_units=(world.siyang_gov,) if i % 3 == 0 else (),
            due_in=(i - 10) * DAY,
            category=cat,
            handler=cast.handler_shuyang,
        )
    make_ticket(
        world,
        status=Status.IN_PROGRESS,
        lead_unit=world.siyang_gov,
        co_units=(world.shuyang_gov,),
        due_in=DAY,
    )
    client = login(cast.handler_shuyang)
    url = reverse("tickets:unit_queue")
    client.get(url)  # warm caches (session, calendar)

    counts = []
    for size in (2, 30):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"size": size})
        assert response.status_code == 200
        assert len(numbers_in_order(response.content.decode())) == size
        counts.append(len(ctx.captured_queries))

    assert counts[0] == counts[1]


def test_unit_queue_pages_through_the_cases(world, login):
    cast = make_cast(world)
    tickets = [
        make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=(i + 1) * DAY)
        for i in range(5)
    ]
    client = login(cast.handler_shuyang)

    page2 = client.get(reverse("tickets:unit_queue"), {"size": 2, "page": 2}).content.decode()

    assert numbers_in_order(page2) == [tickets[2].number, tickets[3].number]
    assert "第 2 / 3 页" in page2


def test_unit_queue_is_not_for_enterprises_or_people_without_a_unit_role(world, login):
    cast = make_cast(world)
    assert login(cast.enterprise_user).get(reverse("tickets:unit_queue")).status_code == 404
    assert login(world.auditor).get(reverse("tickets:unit_queue")).status_code == 404


# --- saved views ----------------------------------------------------------------------------------


def test_saved_view_keeps_the_filters_and_applies_them_again(world, login):
    cast = make_cast(world)
    client = login(cast.handler_shuyang)

    response = client.post(
        reverse("tickets:saved_view_save"),
        {"name": "超期的", "page": "unit", "query": "deadline=overdue&status=in_progress&page=3&evil=1"},
    )

    assert response.status_code == 302
    view = SavedView.objects.get(user=cast.handler_shuyang, name="超期的")
    assert view.query == "status=in_progress&deadline=overdue"
    listing = client.get(reverse("tickets:unit_queue")).content.decode()
    assert "超期的" in listing
    applied = client.get(reverse("tickets:saved_view_apply", args=[view.pk]))
    assert applied.status_code == 302
    assert applied["Location"] == reverse("tickets:unit_queue") + "?status=in_progress&deadline=overdue"


def test_saving_a_view_under_an_existing_name_replaces_it(world, login):
    cast = make_cast(world)
    client = login(cast.handler_shuyang)
    url = reverse("tickets:saved_view_save")
    client.post(url, {"name": "我的", "page": "unit", "query": "mine=1"})
    client.post(url, {"name": "我的", "page": "unit", "query": "mine=1&deadline=alert"})

    assert list(SavedView.objects.filter(user=cast.handler_shuyang).values_list("query", flat=True)) == [
        "deadline=alert&mine=1"
    ]


def test_saved_view_cannot_be_used_or_deleted_by_someone_else(world, login):
    cast = make_cast(world)
    view = SavedView.objects.create(user=cast.handler_shuyang, name="私有", page="unit", query="mine=1")
    other = login(cast.head_shuyang)

    assert other.get(reverse("tickets:saved_view_apply", args=[view.pk])).status_code == 404
    assert other.post(reverse("tickets:saved_view_delete", args=[view.pk])).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()

    owner = login(cast.handler_shuyang)
    assert owner.post(reverse("tickets:saved_view_delete", args=[view.pk])).status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_saved_view_needs_a_name(world, login):
    cast = make_cast(world)
    client = login(cast.handler_shuyang)

    response = client.post(
        reverse("tickets:saved_view_save"), {"name": " ", "page": "unit", "query": "mine=1"}, follow=True
    )

    assert "请为筛选起个名字" in response.content.decode()
    assert not SavedView.objects.exists()


# --- dispatcher queue -----------------------------------------------------------------------------


def test_dispatch_queue_shows_new_and_returned_cases_with_suggestion_repeat_flag_and_reason(world, login):
    cast = make_cast(world)
    original = make_ticket(world, status=Status.CLOSED, title="原诉求")
    new = make_ticket(world, suggested_unit=world.shuyang_gov, is_repeat=True, duplicate_of=original)
    returned = make_ticket(world, title="被退回的诉求", due_in=2 * DAY)
    add_event(returned, "return", "不属于本单位职责", public=False, actor=cast.handler_siyang)
    in_progress = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov)

    html = login(cast.dispatcher).get(reverse("tickets:dispatch_queue")).content.decode()

    assert new.number in html and returned.number in html
    assert in_progress.number not in html
    assert "建议：沭阳县人民政府" in html
    assert 'data-testid="repeat-flag"' in html and original.number in html
    assert "退单理由：不属于本单位职责" in html
    assert "泗阳县人民政府退单理由" in html
    # the lead unit select defaults to the suggestion
    assert re.search(rf'name="t\d+-lead_unit" value="{world.shuyang_gov.pk}"', html)


def test_dispatch_queue_is_for_dispatchers_only(world, login):
    cast = make_cast(world)
    assert login(cast.handler_shuyang).get(reverse("tickets:dispatch_queue")).status_code == 404
    assert login(cast.enterprise_user).get(reverse("tickets:dispatch_queue")).status_code == 404


def test_county_dispatcher_sees_only_the_county_in_the_dispatch_queue(world, login):
    cast = make_cast(world)
    mine = make_ticket(world, region=world.shucheng)
    elsewhere = make_ticket(world, region=world.siyang, enterprise=world.ent_siyang)

    html = login(cast.county_dispatcher).get(reverse("tickets:dispatch_queue")).content.decode()

    assert mine.number in html
    assert elsewhere.number not in html


def test_dispatch_queue_lists_pending_extension_requests(world, login):
    cast = make_cast(world)
    ticket = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=2 * DAY)
    DeadlineRequest.objects.create(
        ticket=ticket,
        kind=RequestKind.EXTENSION,
        reason="需要等待省厅批复",
        workdays=5,
        requested_by=cast.handler_shuyang,
        requested_at=ticket.received_at,
    )

    html = login(cast.dispatcher).get(reverse("tickets:dispatch_queue")).content.decode()

    assert 'data-testid="pending-requests"' in html
    assert "需要等待省厅批复" in html
    assert "延期（5 个工作日）" in html


# --- all cases ------------------------------------------------------------------------------------


def test_all_cases_shows_the_whole_city_to_city_wide_roles_and_the_county_to_a_county_dispatcher(
    world, login
):
    cast = make_cast(world)
    a = make_ticket(world, region=world.shucheng)
    b = make_ticket(world, region=world.siyang, enterprise=world.ent_siyang)

    city = numbers_in_order(login(world.biz_office).get(reverse("tickets:all")).content.decode())
    county = numbers_in_order(login(cast.county_dispatcher).get(reverse("tickets:all")).content.decode())

    assert set(city) == {a.number, b.number}
    assert county == [a.number]


def test_all_cases_is_not_for_handlers(world, login):
    cast = make_cast(world)
    assert login(cast.handler_shuyang).get(reverse("tickets:all")).status_code == 404


def test_all_cases_filters_by_region_subtree_and_lead_unit(world, login):
    make_cast(world)
    in_county = make_ticket(
        world, region=world.shuyang, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov
    )
    in_township = make_ticket(
        world, region=world.shucheng, status=Status.IN_PROGRESS, lead_unit=world.approval_bureau
    )
    make_ticket(world, region=world.siyang, enterprise=world.ent_siyang)
    client = login(world.biz_office)

    by_region = numbers_in_order(client.get(reverse("tickets:all"), {"region": "321322"}).content.decode())
    by_unit = numbers_in_order(
        client.get(reverse("tickets:all"), {"lead_unit": "xingzhengshenpi"}).content.decode()
    )

    assert set(by_region) == {in_county.number, in_township.number}
    assert by_unit == [in_township.number]


# --- navigation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("dispatcher", {"派单", "全部诉求"}, {"我的诉求", "待办诉求"}),
        ("handler_shuyang", {"待办诉求"}, {"派单", "全部诉求", "我的诉求"}),
        ("head_shuyang", {"待办诉求"}, {"派单", "我的诉求"}),
        ("enterprise_user", {"我的诉求"}, {"派单", "全部诉求", "待办诉求"}),
    ],
)
def test_navigation_offers_each_role_its_case_lists(world, login, who, shown, hidden):
    cast = make_cast(world)
    html = login(getattr(cast, who)).get(reverse("core:home")).content.decode()
    nav = re.search(r'<ul class="navbar-nav me-auto">(.*?)</ul>', html, re.S)
    assert nav
    labels = set(re.findall(r'class="nav-link[^"]*" href="[^"]*"[^>]*>([^<]+)</a>', nav.group(1)))
    assert shown <= labels
    assert not (hidden & labels)


def test_navigation_marks_only_the_current_case_list(world, login):
    cast = make_cast(world)
    html = login(cast.dispatcher).get(reverse("tickets:dispatch_queue")).content.decode()
    active = re.findall(r'class="nav-link active" href="[^"]*"[^>]*>([^<]+)</a>', html)
    assert active == ["派单"]


def test_a_case_row_links_to_the_case_page(world, login):
    cast = make_cast(world)
    ticket = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=DAY)
    html = login(cast.handler_shuyang).get(reverse("tickets:unit_queue")).content.decode()
    assert f'href="{reverse("tickets:detail", args=[ticket.pk])}"' in html
    assert Ticket.objects.count() == 1


def test_dispatch_queue_query_count_does_not_grow_with_page_size(world, login):
    cast = make_cast(world)
    cat = make_category("D1", "分类")
    original = make_ticket(world, status=Status.CLOSED)
    for i in range(12):
        t = make_ticket(
            world, category=cat, suggested_unit=world.shuyang_gov, is_repeat=i % 2 == 0, duplicate_of=original
        )
        if i % 3 == 0:
            add_event(t, "return", "不属于本单位", public=False, actor=cast.handler_siyang)
    client = login(cast.dispatcher)
    url = reverse("tickets:dispatch_queue")
    client.get(url)

    counts = []
    for size in (2, 12):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"size": size})
        assert response.content.decode().count('data-testid="dispatch-row"') == size
        counts.append(len(ctx.captured_queries))

    assert counts[0] == counts[1]


def test_unit_queue_merges_co_handled_cases_into_the_deadline_order(world, login):
    cast = make_cast(world)
    first = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=1 * DAY)
    co = make_ticket(
        world,
        status=Status.IN_PROGRESS,
        lead_unit=world.siyang_gov,
        co_units=(world.shuyang_gov,),
        due_in=2 * DAY,
    )
    last = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=3 * DAY)
    closed_co = make_ticket(
        world, status=Status.CLOSED, lead_unit=world.siyang_gov, co_units=(world.shuyang_gov,), due_in=-DAY
    )

    html = login(cast.handler_shuyang).get(reverse("tickets:unit_queue")).content.decode()

    assert numbers_in_order(html) == [first.number, co.number, last.number]
    assert closed_co.number not in html
    assert "共 3 条" in html


def test_unit_queue_page_past_the_end_shows_the_last_page(world, login):
    cast = make_cast(world)
    tickets = [
        make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=(i + 1) * DAY)
        for i in range(5)
    ]
    client = login(cast.handler_shuyang)

    for page in ("99", "abc", "0"):
        html = client.get(reverse("tickets:unit_queue"), {"size": 2, "page": page}).content.decode()
        # Django's paginator answers a number out of range with the last page, a non-number with the first
        expected = [tickets[0].number, tickets[1].number] if page == "abc" else [tickets[4].number]
        assert numbers_in_order(html) == expected, page
        assert "共 5 条" in html


def test_unit_queue_with_no_cases_says_so(world, login):
    cast = make_cast(world)
    html = login(cast.handler_shuyang).get(reverse("tickets:unit_queue")).content.decode()
    assert 'data-testid="empty"' in html and "本单位暂无诉求" in html
