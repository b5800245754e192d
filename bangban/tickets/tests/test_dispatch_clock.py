"""The dispatch clock (issue 11): a case has a time limit from the first minute. Filed through the
API at frozen moments (a Friday evening, the eve of National Day, the 调休 Saturday, a holiday, the
last day of a year whose successor has no official calendar), it turns 临期/超期 in the
dispatcher's queue after a sweep, the dispatchers are reminded once, and the clock stops at the
first dispatch without touching the unit's own deadline."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.db.models import Count

from bangban.audit.models import AuditEvent
from bangban.notifications.models import OutboxMessage
from bangban.tickets import actions
from bangban.tickets.models import DispatchAlert, DispatchClockSettings, Ticket, TicketEvent
from bangban.tickets.sweeper import sweep_deadlines
from bangban.tickets.workflow import DeadlineState, Status
from bangban.workdays.arithmetic import SHANGHAI

DOC = Path(__file__).resolve().parents[3] / "docs" / "case-lifecycle.md"
CASES = "/api/v1/cases"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def local(value: str | dt.datetime | None) -> str:
    assert value is not None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


class As:
    """A user who acts at frozen moments: each request signs in afresh at that moment (a session
    opened at another time would be ended by the idle timeout)."""

    def __init__(self, login, user) -> None:
        self.login, self.user = login, user

    def at(self, when: dt.datetime) -> _At:
        return _At(self, when)


class _At:
    def __init__(self, who: As, when: dt.datetime) -> None:
        self.who, self.when = who, when

    def __getattr__(self, method: str):
        def call(*args, **kwargs):
            with time_machine.travel(self.when, tick=False):
                return getattr(self.who.login(self.who.user), method)(*args, **kwargs)

        return call


def file_case(who: As, when: dt.datetime, **fields) -> dict:
    body = {
        "title": "厂区周边道路破损",
        "content": "厂区门口道路破损严重，货车进出困难。",
        "category": "1201",
    }
    body.update(fields)
    response = who.at(when).post(CASES, body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def get_case(who: As, pk: int, when: dt.datetime) -> dict:
    response = who.at(when).get(f"{CASES}/{pk}")
    assert response.status_code == 200, response.content
    return response.json()


def page(who: As, url: str, when: dt.datetime) -> str:
    response = who.at(when).get(url)
    assert response.status_code == 200, response.content
    return response.content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def dispatch_row(html: str, number: str) -> str:
    match = re.search(
        rf'<div class="bb-card[^"]*" data-testid="dispatch-row" data-number="{number}".*?</form>', html, re.S
    )
    assert match, f"{number} not in the dispatch queue"
    return match.group(0)


# --- worked examples (the same table as docs/case-lifecycle.md) ------------------------------

# received (portal case, default limit 1 working day), dispatch due, 临期 from, provisional
EXAMPLES = [
    ("2026-11-13 18:30", "2026-11-16 23:59:59", "2026-11-13 23:59:59", False),  # Friday evening
    ("2026-10-09 18:30", "2026-10-10 23:59:59", "2026-10-09 23:59:59", False),  # Friday before 调休 Saturday
    ("2026-09-30 16:00", "2026-10-08 23:59:59", "2026-09-30 23:59:59", False),  # eve of National Day
    ("2026-10-10 09:00", "2026-10-12 23:59:59", "2026-10-10 23:59:59", False),  # the 调休 Saturday
    ("2026-10-03 11:00", "2026-10-08 23:59:59", "2026-10-08 23:59:59", False),  # during the holiday
    ("2026-12-31 10:00", "2027-01-01 23:59:59", "2026-12-31 23:59:59", True),  # 2027 not loaded
]


@pytest.mark.parametrize(("received", "due", "warn", "provisional"), EXAMPLES)
def test_the_dispatch_clock_starts_at_intake_across_holidays(cases, login, received, due, warn, provisional):
    client = As(login, cases.enterprise_user)
    body = file_case(client, at(received))
    assert body["dispatch_clock"] == "dispatch"
    assert local(body["dispatch_due_at"]) == due
    assert local(body["dispatch_warn_at"]) == warn
    assert body["dispatch_provisional"] is provisional
    assert body["dispatch_state"] == "normal"
    # The unit's own deadline does not exist before the first dispatch.
    assert body["due_at"] is None and body["deadline_state"] == "none"


def test_docs_show_the_same_dispatch_clock_examples_as_the_code():
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## The dispatch clock", 1)[1].split("\n## ", 1)[0]
    for received, due, warn, _provisional in EXAMPLES:
        row = [line for line in section.splitlines() if line.startswith("|") and received in line]
        assert row, f"{received} missing from the dispatch clock table"
        assert due in row[0] and warn in row[0]


def test_the_mayor_channel_counts_against_the_review_limit(cases, login):
    from .intake_helpers import make_filers

    filers = make_filers(cases)
    body = file_case(
        As(login, filers.mayor_office),
        at("2026-09-30 15:00"),
        channel="mayor",
        enterprise_id=cases.ent_shuyang.pk,
    )
    assert body["channel"] == "mayor" and body["dispatch_clock"] == "review"
    # 3 working days after 30 Sep: 8, 9, Sat 10 Oct (调休).
    assert local(body["dispatch_due_at"]) == "2026-10-10 23:59:59"
    assert local(body["dispatch_warn_at"]) == "2026-10-09 23:59:59"


# --- the sweeper and the dispatcher's queue ---------------------------------------------------

RECEIVED = at("2026-11-13 18:30")  # Friday evening: due Monday 16 Nov 23:59:59, 临期 from Friday 23:59:59
SATURDAY = at("2026-11-14 10:00")
TUESDAY = at("2026-11-17 09:00")


def test_a_waiting_case_turns_warning_then_overdue_in_the_queue_and_dispatchers_are_told_once(cases, login):
    number = file_case(As(login, cases.enterprise_user), RECEIVED)["number"]
    ticket = Ticket.objects.get(number=number)
    OutboxMessage.objects.all().delete()
    dispatcher = As(login, cases.dispatcher)

    html = page(dispatcher, "/cases/dispatch/", RECEIVED + dt.timedelta(minutes=5))
    assert 'data-testid="dispatch-badge" data-state="normal"' in dispatch_row(html, number)
    assert "派单期限 2026-11-16 23:59 正常 剩余 3天" in text(dispatch_row(html, number))

    counts = sweep_deadlines(SATURDAY)
    assert counts["dispatch_warning"] == 1 and counts["dispatch_overdue"] == 0
    row = dispatch_row(page(dispatcher, "/cases/dispatch/", SATURDAY), number)
    assert 'data-state="warning"' in row and "派单期限 2026-11-16 23:59 临期 剩余 2天13小时" in text(row)

    counts = sweep_deadlines(TUESDAY)
    assert counts["dispatch_overdue"] == 1
    ticket.refresh_from_db()
    assert ticket.dispatch_state == DeadlineState.OVERDUE and ticket.dispatch_overdue_at == TUESDAY
    row = dispatch_row(page(dispatcher, "/cases/dispatch/", TUESDAY), number)
    assert 'data-state="overdue"' in row and "派单期限 2026-11-16 23:59 超期 已超期 9小时" in text(row)
    # Sweeping again announces nothing more.
    assert sweep_deadlines(TUESDAY + dt.timedelta(minutes=5))["alerts"] == 0

    for dispatcher_user in (cases.dispatcher, cases.county_dispatcher):
        subjects = sorted(
            OutboxMessage.objects.filter(recipient=dispatcher_user).values_list("subject", flat=True)
        )
        assert subjects == ["1 件待派单诉求临期提醒", "1 件待派单诉求超期提醒"]
    overdue_body = OutboxMessage.objects.get(recipient=cases.dispatcher, subject__contains="超期").body
    assert number in overdue_body and "派单期限 2026-11-16 23:59" in overdue_body
    # Nobody else (the case has no unit yet) and no handler message.
    assert set(OutboxMessage.objects.values_list("recipient_id", flat=True)) == {
        cases.dispatcher.pk,
        cases.county_dispatcher.pk,
    }
    assert list(
        TicketEvent.objects.filter(ticket=ticket, kind__startswith="dispatch_").values_list("kind", flat=True)
    ) == [
        "dispatch_warning",
        "dispatch_overdue",
    ]
    assert AuditEvent.objects.filter(action="ticket.dispatch_clock_sweep").count() == 2


def test_the_queue_filters_and_sorts_by_the_dispatch_clock_and_dispatch_settles_it(cases, login):
    enterprise = As(login, cases.enterprise_user)
    late = file_case(enterprise, RECEIVED)["number"]
    fresh = file_case(enterprise, at("2026-11-16 10:00"), title="新的诉求")["number"]
    sweep_deadlines(TUESDAY)
    dispatcher = As(login, cases.dispatcher)

    overdue_list = page(dispatcher, "/cases/dispatch/?dispatch_deadline=overdue", TUESDAY)
    assert late in overdue_list and fresh not in overdue_list
    api = dispatcher.at(TUESDAY).get(f"{CASES}?view=dispatch&dispatch_deadline=overdue").json()
    assert [item["number"] for item in api["items"]] == [late]
    listed = dispatcher.at(TUESDAY).get(f"{CASES}?view=dispatch&sort=dispatch_due").json()["items"]
    sorted_numbers = [i["number"] for i in listed]
    bad = dispatcher.at(TUESDAY).get(f"{CASES}?view=dispatch&dispatch_deadline=soon")
    assert sorted_numbers == [late, fresh]
    assert (
        bad.status_code == 400
        and bad.json()["code"] == "invalid_filter"
        and "派单期限筛选无效" in bad.json()["message"]
    )

    ticket = Ticket.objects.get(number=late)
    response = dispatcher.at(TUESDAY + dt.timedelta(hours=1)).post(
        f"{CASES}/{ticket.pk}/dispatch",
        {"version": ticket.version, "lead_unit_id": cases.shuyang_gov.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dispatch_state"] == "overdue" and local(body["dispatch_settled_at"]) == "2026-11-17 10:00:00"
    # The unit's deadline starts at this dispatch, by the portal policy (5 working days): 18–24 Nov.
    assert local(body["due_at"]) == "2026-11-24 23:59:59" and body["deadline_state"] == "normal"

    after = page(dispatcher, "/cases/dispatch/?dispatch_deadline=overdue", TUESDAY + dt.timedelta(hours=2))
    assert late not in after
    # The settled clock is never swept again (the other case, still waiting, is).
    assert sweep_deadlines(TUESDAY + dt.timedelta(days=3))["dispatch_overdue"] == 1
    assert list(DispatchAlert.objects.filter(ticket=ticket).values_list("threshold", flat=True)) == [
        "overdue"
    ]


def test_a_return_does_not_restart_the_dispatch_clock(cases, login):
    number = file_case(As(login, cases.enterprise_user), RECEIVED)["number"]
    ticket = Ticket.objects.get(number=number)
    ticket = actions.do_dispatch(
        acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk, now=SATURDAY
    )
    settled = ticket.dispatch_settled_at
    actions.do_return(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, reason="不属于本单位职责", now=TUESDAY
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_DISPATCH
    assert (
        ticket.dispatch_settled_at == settled == SATURDAY and ticket.dispatch_state == DeadlineState.WARNING
    )
    assert sweep_deadlines(TUESDAY + dt.timedelta(days=1))["dispatch_overdue"] == 0
    assert not DispatchAlert.objects.filter(ticket=ticket, threshold="overdue").exists()
    html = page(As(login, cases.dispatcher), "/cases/dispatch/", TUESDAY + dt.timedelta(days=1))
    # The returned case shows the unit's deadline, which keeps running, and no dispatch clock.
    assert 'data-testid="dispatch-badge"' not in dispatch_row(html, number)


@pytest.mark.parametrize("how", ["close_on_spot", "merge", "withdraw"])
def test_closing_merging_or_withdrawing_settles_the_clock(cases, login, how):
    enterprise = As(login, cases.enterprise_user)
    number = file_case(enterprise, RECEIVED)["number"]
    ticket = Ticket.objects.get(number=number)
    if how == "close_on_spot":
        actions.do_close_on_spot(
            acting_user=cases.dispatcher, ticket_id=ticket.pk, answer="已当场答复。", now=SATURDAY
        )
    elif how == "merge":
        other = Ticket.objects.get(number=file_case(enterprise, RECEIVED, title="另一件")["number"])
        actions.do_merge(
            acting_user=cases.dispatcher,
            ticket_id=ticket.pk,
            into_ticket_id=other.pk,
            reason="重复",
            now=SATURDAY,
        )
    else:
        actions.do_withdraw(acting_user=cases.enterprise_user, ticket_id=ticket.pk, now=SATURDAY)
    ticket.refresh_from_db()
    assert ticket.dispatch_settled_at == SATURDAY and ticket.dispatch_state == DeadlineState.WARNING
    sweep_deadlines(TUESDAY)
    assert not DispatchAlert.objects.filter(ticket=ticket).exists()
    body = get_case(As(login, cases.dispatcher), ticket.pk, TUESDAY)
    assert body["dispatch_state"] == "warning" and body["dispatch_overdue_at"] is None


def test_the_case_page_shows_the_dispatch_deadline_while_the_case_waits(cases, login):
    pk = file_case(As(login, cases.enterprise_user), RECEIVED)["id"]
    html = page(As(login, cases.dispatcher), f"/cases/{pk}/", TUESDAY)
    match = re.search(r'data-testid="case-dispatch-clock">(.*?)</dd>', html, re.S)
    assert match and "2026-11-16 23:59" in match.group(1) and ">超期<" in match.group(1)
    actions.do_dispatch(
        acting_user=cases.dispatcher, ticket_id=pk, lead_unit_id=cases.shuyang_gov.pk, now=TUESDAY
    )
    assert 'data-testid="case-dispatch-clock"' not in page(
        As(login, cases.dispatcher), f"/cases/{pk}/", TUESDAY
    )


# --- settings ---------------------------------------------------------------------------------

SETTINGS = f"{CASES}/settings/dispatch-clock"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("dispatch_workdays", -1, "派单时限不能为负数"),
        ("dispatch_workdays", 61, "派单时限不能超过 60 个工作日"),
        ("review_workdays", 365, "市长直通车审核时限不能超过 60 个工作日"),
        ("warn_workdays", 11, "临期提醒不能超过 10 个工作日"),
    ],
)
def test_bad_limits_are_refused_through_the_api_and_nothing_is_saved(cases, login, field, value, message):
    client = login(cases.biz_office)
    body = {"dispatch_workdays": 2, "review_workdays": 4, "warn_workdays": 1, field: value}
    response = client.put(SETTINGS, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "out_of_range" and message in response.json()["message"]
    row = client.get(SETTINGS).json()
    assert (row["dispatch_workdays"], row["review_workdays"], row["warn_workdays"]) == (1, 3, 1)
    assert not AuditEvent.objects.filter(action="tickets.dispatch_clock_settings").exists()


def test_bad_limits_on_the_settings_page_are_explained_and_nothing_is_saved(cases, login):
    client = login(cases.admin)
    response = client.post(
        "/cases/settings/deadlines/",
        {"form": "dispatch_clock", "dispatch_workdays": "-2", "review_workdays": "abc", "warn_workdays": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "派单时限不能为负数" in html and "市长直通车审核时限应为整数（工作日数）" in html
    assert DispatchClockSettings.objects.filter(pk=1).values_list(
        "dispatch_workdays", "review_workdays"
    ).first() in (
        None,
        (1, 3),
    )


def test_only_administrators_and_the_business_office_change_the_limits(cases, login):
    refused = login(cases.dispatcher).put(
        SETTINGS, {"dispatch_workdays": 2, "review_workdays": 3}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert login(cases.dispatcher).get(SETTINGS).json()["can_edit"] is False
    assert login(cases.enterprise_user).get(SETTINGS).status_code == 404
    ok = login(cases.biz_office).put(
        SETTINGS, {"dispatch_workdays": 2, "review_workdays": 5}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["dispatch_workdays"] == 2 and ok.json()["version"] == 2
    stale = login(cases.admin).put(
        SETTINGS,
        {"dispatch_workdays": 3, "review_workdays": 5, "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    event = AuditEvent.objects.get(action="tickets.dispatch_clock_settings")
    assert event.after == {"dispatch_workdays": 2, "review_workdays": 5}


def test_a_changed_limit_applies_to_cases_received_afterwards(cases, login):
    enterprise = As(login, cases.enterprise_user)
    waiting = file_case(enterprise, RECEIVED)
    response = login(cases.admin).post(
        "/cases/settings/deadlines/",
        {"form": "dispatch_clock", "dispatch_workdays": "3", "review_workdays": "3", "warn_workdays": "1"},
    )
    assert response.status_code == 302
    later = file_case(enterprise, RECEIVED + dt.timedelta(minutes=10), title="稍后受理")
    assert local(get_case(enterprise, waiting["id"], TUESDAY)["dispatch_due_at"]) == "2026-11-16 23:59:59"
    # 3 working days after Friday 13 Nov: 16, 17, 18 Nov.
    assert local(later["dispatch_due_at"]) == "2026-11-18 23:59:59"
    assert Ticket.objects.get(pk=waiting["id"]).dispatch_workdays == 1
    assert "派单时限" in page(As(login, cases.biz_office), "/cases/settings/deadlines/", TUESDAY)


# --- the monthly figure -----------------------------------------------------------------------


def test_dispatch_month_figures_count_by_the_stated_rule(cases, login):
    from bangban.tickets.figures import dispatch_month_figures

    enterprise = As(login, cases.enterprise_user)
    in_time = file_case(enterprise, at("2026-11-02 09:00"))  # due 3 Nov
    late = file_case(enterprise, at("2026-11-02 09:30"), title="超期派单")
    file_case(enterprise, at("2026-11-03 09:00"), title="仍待派单")  # due 4 Nov, still waiting
    file_case(enterprise, at("2026-11-30 09:00"), title="月底受理")  # due 1 Dec, still waiting
    spot = file_case(enterprise, at("2026-11-05 09:00"), title="当场办结")
    october = file_case(enterprise, at("2026-10-31 23:59"), title="上月受理")
    for case, when in (
        (in_time, "2026-11-03 17:00"),
        (late, "2026-11-04 09:00"),
        (october, "2026-11-02 10:00"),
    ):
        actions.do_dispatch(
            acting_user=cases.dispatcher,
            ticket_id=case["id"],
            lead_unit_id=cases.shuyang_gov.pk,
            now=at(when),
        )
    actions.do_close_on_spot(
        acting_user=cases.dispatcher, ticket_id=spot["id"], answer="已答复", now=at("2026-11-05 10:00")
    )

    figures = dispatch_month_figures(2026, 11, now=at("2026-11-30 12:00"))
    assert figures == {
        "year": 2026,
        "month": 11,
        "received": 5,
        "dispatched_in_time": 1,
        "dispatched_late": 1,
        "waiting_overdue": 1,
        "waiting": 1,
        "closed_without_dispatch": 1,
        "review_received": 0,
        "review_dispatched_in_time": 0,
        "review_dispatched_late": 0,
        "review_waiting_overdue": 0,
        "review_waiting": 0,
        "decided": 3,
        "on_time_rate": 33.33,
    }
    # As of an earlier moment, the late dispatch had not happened (the case was waiting, overdue)
    # and the cases received later did not count yet.
    earlier = dispatch_month_figures(2026, 11, now=at("2026-11-04 08:00"))
    assert (earlier["received"], earlier["dispatched_in_time"], earlier["dispatched_late"]) == (3, 1, 0)
    assert (earlier["waiting_overdue"], earlier["waiting"], earlier["on_time_rate"]) == (
        1,
        1,
        50.00,
    )
    assert dispatch_month_figures(2026, 9, now=at("2026-11-30 12:00"))["on_time_rate"] is None
    # The case received on Saturday 31 October at 23:59 is October's: due Monday 2 November, in time.
    october = dispatch_month_figures(2026, 10, now=at("2026-11-30 12:00"))
    assert (october["received"], october["dispatched_in_time"], october["on_time_rate"]) == (
        1,
        1,
        100.00,
    )

    moment = at("2026-11-30 12:00")
    api = As(login, cases.biz_office).at(moment).get(f"{CASES}/dispatch-figures?year=2026&month=11")
    html = page(As(login, cases.dispatcher), "/cases/dispatch/", moment)
    refused = As(login, cases.handler_shuyang).at(moment).get(f"{CASES}/dispatch-figures?year=2026&month=11")
    bad = As(login, cases.biz_office).at(moment).get(f"{CASES}/dispatch-figures?year=2026&month=13")
    assert api.status_code == 200 and api.json()["on_time_rate"] == 33.33 and api.json()["decided"] == 3
    assert refused.status_code == 404
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    this_month = re.search(r'data-month="2026-11">(.*?)</tr>', html, re.S)
    assert this_month and '"fig-rate">33.33%<' in this_month.group(1)
    assert 'data-month="2026-10"' in html


# --- two sweepers at once (PostgreSQL) ---------------------------------------------------------

from django.db import connection  # noqa: E402

needs_pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent workers need PostgreSQL")


@needs_pg
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_remind_each_waiting_case_once(cases):
    from bangban.tickets.sweeper import register_review_recipients  # noqa: F401 (the app registers it)

    from .conftest import make_ticket
    from .test_sweeper import _run_together

    ids = [
        make_ticket(
            region=cases.shucheng,
            received_at=RECEIVED,
            dispatch_clock="dispatch",
            dispatch_workdays=1,
            dispatch_due_at=at("2026-11-16 23:59:59"),
            dispatch_warn_at=at("2026-11-13 23:59:59"),
            dispatch_state=DeadlineState.NORMAL,
        ).pk
        for _ in range(40)
    ]
    OutboxMessage.objects.all().delete()
    results: list[dict] = []
    errors = _run_together(
        lambda: results.append(sweep_deadlines(TUESDAY, batch_size=7)),
        lambda: results.append(sweep_deadlines(TUESDAY, batch_size=7)),
    )
    assert errors == []
    assert sum(r["dispatch_overdue"] for r in results) == 40
    per_case = dict(
        DispatchAlert.objects.filter(ticket_id__in=ids)
        .values("ticket_id")
        .annotate(n=Count("id"))
        .values_list("ticket_id", "n")
    )
    assert per_case == dict.fromkeys(ids, 1)
    events = (
        TicketEvent.objects.filter(ticket_id__in=ids, kind="dispatch_overdue")
        .values("ticket_id")
        .annotate(n=Count("id"))
    )
    assert {e["ticket_id"]: e["n"] for e in events} == dict.fromkeys(ids, 1)
    numbers = set(Ticket.objects.filter(pk__in=ids).values_list("number", flat=True))
    for dispatcher in (cases.dispatcher, cases.county_dispatcher):
        bodies = OutboxMessage.objects.filter(recipient=dispatcher).values_list("body", flat=True)
        listed = [line.split("「")[0] for body in bodies for line in body.splitlines()[1:] if "「" in line]
        assert sorted(listed) == sorted(numbers)


# --- provisional dispatch deadlines -------------------------------------------------------------


def test_a_provisional_dispatch_deadline_is_recomputed_once_the_calendar_knows_the_year(cases, login):
    from bangban.tickets.sweeper import recompute_provisional_deadlines

    pk = file_case(As(login, cases.enterprise_user), at("2026-09-30 16:00"))["id"]
    # As counted before 2026's holidays were loaded (weekends only): Thursday 1 October.
    Ticket.objects.filter(pk=pk).update(
        dispatch_due_at=at("2026-10-01 23:59:59"), dispatch_provisional=True, dispatch_state="overdue"
    )
    assert recompute_provisional_deadlines(at("2026-10-02 08:00")) == 1
    body = get_case(As(login, cases.dispatcher), pk, at("2026-10-02 09:00"))
    assert local(body["dispatch_due_at"]) == "2026-10-08 23:59:59"
    assert local(body["dispatch_warn_at"]) == "2026-09-30 23:59:59"
    # 临期 since the evening of receipt, no longer 超期.
    assert body["dispatch_provisional"] is False and body["dispatch_state"] == "warning"
    assert TicketEvent.objects.filter(ticket_id=pk, kind="deadline_recomputed").count() == 1
    # A settled clock is left alone.
    actions.do_dispatch(
        acting_user=cases.dispatcher,
        ticket_id=pk,
        lead_unit_id=cases.shuyang_gov.pk,
        now=at("2026-10-08 09:00"),
    )
    Ticket.objects.filter(pk=pk).update(dispatch_provisional=True)
    assert recompute_provisional_deadlines(at("2026-10-08 10:00")) == 0
