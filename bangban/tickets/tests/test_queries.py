"""The shared case filter and the list queries: each filter narrows as its name says, bad values
are reported (never applied), the colours are computed live at `now`, and the unit queue never
shows a case the general visibility rule would hide."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from bangban.tickets.access import case_visible, visible_tickets
from bangban.tickets.display import deadline_badge
from bangban.tickets.filters import TicketFilter
from bangban.tickets.models import Ticket
from bangban.tickets.queries import unit_cases, unit_queue
from bangban.tickets.workflow import DeadlineState, Status
from bangban.workdays.arithmetic import SHANGHAI

from .work_helpers import make_cast, make_category, make_ticket

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def numbers(qs) -> set[str]:
    return set(qs.values_list("number", flat=True))


def run(user, now=None, **params) -> set[str]:
    data = QueryDict(mutable=True)
    for key, value in params.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    f = TicketFilter(data, user, now=now)
    assert f.is_valid, f.errors
    return numbers(f.filter(Ticket.objects.all()))


def test_status_accepts_several_values_repeated_or_comma_separated(world):
    a = make_ticket(world, status=Status.DISPATCHED, lead_unit=world.shuyang_gov)
    b = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov)
    make_ticket(world, status=Status.CLOSED, lead_unit=world.shuyang_gov)

    assert run(world.admin, status=["dispatched", "in_progress"]) == {a.number, b.number}
    assert run(world.admin, status="dispatched,in_progress") == {a.number, b.number}
    assert numbers(TicketFilter({"status": ["dispatched"]}, world.admin).filter(Ticket.objects.all())) == {
        a.number
    }


def test_category_filter_includes_every_category_below(world):
    top = make_category("A", "要素保障")
    mid = make_category("A01", "用电", top)
    leaf = make_category("A0101", "报装", mid)
    sibling = make_category("B", "政务服务")
    t_top = make_ticket(world, category=top)
    t_leaf = make_ticket(world, category=leaf)
    make_ticket(world, category=sibling)
    make_ticket(world)

    assert run(world.admin, category="A") == {t_top.number, t_leaf.number}
    assert run(world.admin, category="A01") == {t_leaf.number}


def test_category_filter_does_not_confuse_a_name_prefix_with_a_parent(world):
    one = make_category("C1", "用地")
    other = make_category("C2", "用地审批")  # same prefix, not a child
    t_one = make_ticket(world, category=one)
    make_ticket(world, category=other)
    assert run(world.admin, category="C1") == {t_one.number}


def test_region_filter_covers_the_subtree(world):
    county = make_ticket(world, region=world.shuyang)
    township = make_ticket(world, region=world.shucheng)
    make_ticket(world, region=world.siyang)
    assert run(world.admin, region="321322") == {county.number, township.number}
    assert run(world.admin, region="321322001") == {township.number}


def test_lead_unit_urgency_channel_type_repeat_and_mine(world):
    cast = make_cast(world)
    a = make_ticket(
        world,
        status=Status.IN_PROGRESS,
        lead_unit=world.shuyang_gov,
        urgency="urgent",
        channel="hotline",
        type="complaint",
        is_repeat=True,
        handler=cast.handler_shuyang,
    )
    make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.siyang_gov)
    assert run(world.admin, lead_unit="shuyang-gov") == {a.number}
    assert run(world.admin, urgency="urgent") == {a.number}
    assert run(world.admin, channel="hotline") == {a.number}
    assert run(world.admin, type="complaint") == {a.number}
    assert run(world.admin, repeat="1") == {a.number}
    assert run(cast.handler_shuyang, mine="1") == {a.number}


def test_text_search_covers_number_title_and_enterprise_name(world):
    by_title = make_ticket(world, title="用电报装排队太久", enterprise=world.ent_siyang)
    by_enterprise = make_ticket(world, title="其他问题", enterprise=world.ent_shuyang)
    by_number = make_ticket(world, title="无关", enterprise=None, number="RX-20261127-0042")

    assert run(world.admin, q="报装") == {by_title.number}
    assert run(world.admin, q="沭阳示例") == {by_enterprise.number}
    assert run(world.admin, q="1127-0042") == {by_number.number}


def test_a_whole_case_number_is_looked_up_not_scanned(world):
    wanted = make_ticket(world, title="无关", enterprise=None, number="RX-20261127-0042")
    make_ticket(world, title="关于 RX-20261127-0042 的补充", enterprise=None, number="RX-20261127-0043")

    # Typed in lower case with spaces around it, a whole number finds that one case ...
    assert run(world.admin, q=" rx-20261127-0042 ") == {wanted.number}
    # ... by the unique index: no text match over numbers and titles.
    sql = str(TicketFilter(QueryDict("q=rx-20261127-0042"), world.admin).filter(Ticket.objects.all()).query)
    sql = sql.upper()
    assert "LIKE" not in sql and '"NUMBER" = RX-20261127-0042' in sql.replace("'", "")
    # A part of a number is still a text search.
    assert run(world.admin, q="20261127-004") == {wanted.number, "RX-20261127-0043"}


def test_received_dates_are_whole_days_in_shanghai_time(world):
    # 2026-03-01 23:30 in Suqian is 15:30 UTC the same day; 2026-03-02 00:30 is still 03-01 in UTC.
    late = make_ticket(world, received_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI))
    next_day = make_ticket(world, received_at=dt.datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI))

    assert run(world.admin, received_from="2026-03-01", received_to="2026-03-01") == {late.number}
    assert run(world.admin, received_from="2026-03-02") == {next_day.number}
    assert run(world.admin, received_to="2026-03-02") == {late.number, next_day.number}


def test_deadline_filters_are_computed_live_at_now(world):
    now = timezone.now()
    overdue = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=-DAY, now=now)
    warning = make_ticket(
        world,
        status=Status.IN_PROGRESS,
        lead_unit=world.shuyang_gov,
        due_in=DAY / 2,
        warn_in=-DAY / 2,
        now=now,
    )
    make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=5 * DAY, now=now)
    make_ticket(world, status=Status.SUSPENDED, lead_unit=world.shuyang_gov, due_in=-DAY, now=now)
    make_ticket(world, status=Status.CLOSED, lead_unit=world.shuyang_gov, due_in=-DAY, now=now)

    assert run(world.admin, now=now, deadline="overdue") == {overdue.number}
    assert run(world.admin, now=now, deadline="warning") == {warning.number}
    assert run(world.admin, now=now, deadline="alert") == {overdue.number, warning.number}
    # a day later the warning case is past its due instant too
    assert run(world.admin, now=now + DAY, deadline="overdue") == {overdue.number, warning.number}


def test_deadline_badge_matches_the_filter_at_the_boundaries(world):
    now = timezone.now()
    t = make_ticket(
        world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=DAY, warn_in=-DAY, now=now
    )
    due, warn = t.due_at, t.warn_at
    assert due is not None and warn is not None
    assert deadline_badge(t, now).state == DeadlineState.WARNING
    assert deadline_badge(t, due).state == DeadlineState.OVERDUE
    assert deadline_badge(t, due - dt.timedelta(seconds=1)).state == DeadlineState.WARNING
    assert deadline_badge(t, warn - dt.timedelta(seconds=1)).state == DeadlineState.NORMAL


def test_answered_cases_show_whether_the_reply_was_in_time(world):
    now = timezone.now()
    late = make_ticket(world, status=Status.CLOSED, lead_unit=world.shuyang_gov, due_in=-2 * DAY, now=now)
    late.replied_at = now - DAY
    in_time = make_ticket(world, status=Status.REPLIED, lead_unit=world.shuyang_gov, due_in=2 * DAY, now=now)
    in_time.replied_at = now
    suspended = make_ticket(world, status=Status.SUSPENDED, lead_unit=world.shuyang_gov, due_in=-DAY, now=now)

    assert deadline_badge(late, now).label == "超期答复"
    assert deadline_badge(in_time, now).label == "按期答复"
    assert deadline_badge(suspended, now).label == "已挂起"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"status": "done"}, "status", "状态“done”无效"),
        ({"urgency": "hot"}, "urgency", "紧急程度“hot”无效"),
        ({"category": "nope"}, "category", "诉求分类“nope”不存在"),
        ({"region": "000"}, "region", "区划“000”不存在"),
        ({"lead_unit": "ghost"}, "lead_unit", "主办单位“ghost”不存在"),
        ({"deadline": "late"}, "deadline", "期限筛选无效"),
        ({"repeat": "maybe"}, "repeat", "只能为 1"),
        ({"received_from": "2026-13-01"}, "received_from", "不是有效日期"),
        ({"received_from": "2026-03-02", "received_to": "2026-03-01"}, "received_to", "不能早于"),
        ({"q": "长" * 101}, "q", "不能超过100个字"),
    ],
)
def test_bad_filter_values_are_reported_and_not_applied(world, params, field, message):
    make_ticket(world)
    f = TicketFilter(params, world.admin)
    assert field in f.errors and message in f.errors[field]
    assert f.filter(Ticket.objects.all()).count() == 1
    with pytest.raises(Exception) as exc:
        f.raise_for_errors()
    assert getattr(exc.value, "code", "") == "invalid_filter"


def test_as_params_round_trips_through_the_filter(world):
    make_category("A", "要素保障")
    params = {
        "status": ["dispatched", "in_progress"],
        "category": "A",
        "deadline": "alert",
        "repeat": "1",
        "q": "电",
    }
    f = TicketFilter(params, world.admin)
    again = TicketFilter(f.as_params(), world.admin)
    assert again.cleaned == f.cleaned


def test_unit_queue_never_shows_more_than_visible_tickets(world):
    cast = make_cast(world)
    unit = world.shuyang_gov
    make_ticket(world, status=Status.IN_PROGRESS, lead_unit=unit)
    make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.siyang_gov, co_units=(unit,))
    make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.siyang_gov)
    make_ticket(world, region=world.shucheng)
    make_ticket(world, status=Status.CLOSED, lead_unit=world.approval_bureau, co_units=(unit,))

    for user in (cast.handler_shuyang, cast.head_shuyang, cast.handler_siyang, cast.city_handler):
        shown = numbers(unit_cases(user))
        assert shown <= numbers(visible_tickets(user))
    assert len(numbers(unit_cases(cast.handler_shuyang))) == 3
    assert not unit_cases(cast.enterprise_user).exists()
    assert not unit_cases(cast.dispatcher).exists()


def test_unit_queue_ends_co_handling_when_the_assignment_ends(world):
    cast = make_cast(world)
    t = make_ticket(
        world, status=Status.IN_PROGRESS, lead_unit=world.siyang_gov, co_units=(world.shuyang_gov,)
    )
    assert t.number in numbers(unit_queue(TicketFilter({}, cast.handler_shuyang)))
    t.assignments.filter(unit=world.shuyang_gov).update(active=False)
    assert t.number not in numbers(unit_queue(TicketFilter({}, cast.handler_shuyang)))


def test_the_one_case_check_agrees_with_the_list_rule_for_every_user_and_case(world):
    """`case_visible` (the page's and the actions' check of one case) and `visible_tickets` (the
    lists) are two forms of one rule: for every user and case they give the same answer."""
    from bangban.accounts.models import User

    cast = make_cast(world)
    unit = world.shuyang_gov
    cases = [
        make_ticket(world, status=Status.IN_PROGRESS, lead_unit=unit),
        make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.siyang_gov, co_units=(unit,)),
        make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.siyang_gov),
        make_ticket(world, region=world.shucheng),
        make_ticket(world, region=world.siyang, enterprise=world.ent_siyang),
        make_ticket(world, status=Status.CLOSED, lead_unit=world.approval_bureau, co_units=(unit,)),
        make_ticket(world, intake_unit=unit, enterprise=None),
        make_ticket(world, created_by=cast.handler_siyang, enterprise=None),
    ]
    # A unit that handled the case before it was reassigned still sees it (history).
    moved = make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.siyang_gov, co_units=(unit,))
    moved.assignments.filter(unit=unit).update(active=False)
    cases.append(moved)
    inactive = make_user_inactive(cast.head_shuyang)
    users = [*User.objects.exclude(pk=inactive.pk), inactive]
    seen_any = set()
    for user in users:
        listed = set(visible_tickets(user).values_list("pk", flat=True))
        for case in cases:
            one = case_visible(user, case.pk).exists()
            assert one == (case.pk in listed), (user.username, case.number)
            if one:
                seen_any.add(user.username)
    # The check is not trivially all-or-nothing: some users see some cases and not others.
    assert cast.handler_shuyang.username in seen_any and inactive.username not in seen_any
    assert 0 < len(set(visible_tickets(cast.handler_siyang).values_list("pk", flat=True))) < len(cases)


def make_user_inactive(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user
